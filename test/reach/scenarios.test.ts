// Scenario table: each a tiny estate in, the expected reach and chain out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveEdges, ext, type CredentialInput, type Hop, type ReachGraph } from '../../src/reach/index.js';
import { awsRole, awsTrustsArn, awsUser, credential, estate, grant, identity, keyId, reachAsStored, reachOf, trust, type Estate } from './estate.js';

const path = (chain: Hop[]) => chain.map((h) => `${h.mechanism}>${h.to}`);
const edgeList = (g: ReachGraph) => Array.from({ length: g.edgeCount }, (_, i) => g.edge(i)).map((x) => `${x.from} ${x.mechanism} ${x.to}`).sort();

interface Scenario {
  name: string;
  build: () => { e: Estate; from: string; maxDepth?: number };
  /** Expected strongest privilege (null: none) and the chain as `mechanism>to` hops. */
  privilege: 'admin' | 'write' | 'read' | null;
  chain?: string[];
  evidence?: RegExp;
}

const A = '111111111111';
const B = '222222222222';

/** An AWS chain user → role1 → … → roleN (admin), each trust naming the previous identity. */
function awsChain(e: Estate, hops: number): { user: string; roles: string[] } {
  const user = identity(e, awsUser(A, 'feat-chain-user'), 'aws', `aws:${A}`);
  grant(e, user, 'aws', `aws:${A}`, 'ReadOnly', 'read');
  const roles: string[] = [];
  let prev = user;
  for (let i = 1; i <= hops; i++) {
    const role = identity(e, awsRole(A, `chain-${i}`), 'aws', `aws:${A}`);
    awsTrustsArn(e, role, prev);
    roles.push(role);
    prev = role;
  }
  grant(e, prev, 'aws', `aws:${A}`, 'AdministratorAccess', 'admin');
  return { user, roles };
}

const scenarios: Scenario[] = [
  {
    name: 'AWS role chain of 2 hops: user → mid → admin role',
    build: () => {
      const e = estate();
      const { user } = awsChain(e, 2);
      return { e, from: user };
    },
    privilege: 'admin',
    chain: [`may-assume>${awsRole(A, 'chain-1')}`, `may-assume>${awsRole(A, 'chain-2')}`],
  },
  {
    name: 'AWS role chain of 3 hops',
    build: () => {
      const e = estate();
      const { user } = awsChain(e, 3);
      return { e, from: user };
    },
    privilege: 'admin',
    chain: [`may-assume>${awsRole(A, 'chain-1')}`, `may-assume>${awsRole(A, 'chain-2')}`, `may-assume>${awsRole(A, 'chain-3')}`],
  },
  {
    name: 'cross-account: a role of account B names a role of account A',
    build: () => {
      const e = estate();
      const src = identity(e, awsRole(A, 'deployer'), 'aws', `aws:${A}`);
      const dst = identity(e, awsRole(B, 'db-migration-admin'), 'aws', `aws:${B}`);
      awsTrustsArn(e, dst, src);
      grant(e, dst, 'aws', `aws:${B}`, 'AdministratorAccess', 'admin');
      return { e, from: src };
    },
    privilege: 'admin',
    chain: [`may-assume>${awsRole(B, 'db-migration-admin')}`],
    evidence: /cross-account from 111111111111/,
  },
  {
    name: 'account-root trust plus the scanner’s assumable-role grant: the named caller reaches the role',
    build: () => {
      const e = estate();
      const user = identity(e, awsUser(B, 'ops'), 'aws', `aws:${B}`);
      const role = identity(e, awsRole(B, 'db-migration-admin'), 'aws', `aws:${B}`);
      trust(e, role, 'aws', `arn:aws:iam::${B}:root`, 'account', { attributes: { account: B } });
      grant(e, role, 'aws', `aws:${B}`, 'AdministratorAccess', 'admin');
      grant(e, user, 'aws', `aws:${B}`, 'db-migration-admin', 'admin', { via: 'assumable-role', evidence: 'can assume admin role (trusts account): sts:AssumeRole on *', attributes: { roleArn: role } });
      return { e, from: user };
    },
    privilege: 'admin',
    chain: [`may-assume>${awsRole(B, 'db-migration-admin')}`],
    evidence: /sts:AssumeRole on \*/,
  },
  {
    name: 'account-root trust alone does not make every identity of the account an assumer',
    build: () => {
      const e = estate();
      const user = identity(e, awsUser(B, 'reader'), 'aws', `aws:${B}`);
      const role = identity(e, awsRole(B, 'db-migration-admin'), 'aws', `aws:${B}`);
      trust(e, role, 'aws', `arn:aws:iam::${B}:root`, 'account', { attributes: { account: B } });
      grant(e, role, 'aws', `aws:${B}`, 'AdministratorAccess', 'admin');
      grant(e, user, 'aws', `aws:${B}`, 'ReadOnly', 'read');
      return { e, from: user };
    },
    privilege: 'read',
    chain: [],
  },
  {
    name: 'cycle: two roles trusting each other, one of them reaching admin, search ends',
    build: () => {
      const e = estate();
      const r1 = identity(e, awsRole(A, 'r1'), 'aws', `aws:${A}`);
      const r2 = identity(e, awsRole(A, 'r2'), 'aws', `aws:${A}`);
      const admin = identity(e, awsRole(A, 'admin'), 'aws', `aws:${A}`);
      awsTrustsArn(e, r1, r2);
      awsTrustsArn(e, r2, r1);
      awsTrustsArn(e, admin, r2);
      grant(e, admin, 'aws', `aws:${A}`, 'AdministratorAccess', 'admin');
      return { e, from: r1 };
    },
    privilege: 'admin',
    chain: [`may-assume>${awsRole(A, 'r2')}`, `may-assume>${awsRole(A, 'admin')}`],
  },
  {
    name: 'cycle with no privilege anywhere: nothing reached',
    build: () => {
      const e = estate();
      const r1 = identity(e, awsRole(A, 'r1'), 'aws', `aws:${A}`);
      const r2 = identity(e, awsRole(A, 'r2'), 'aws', `aws:${A}`);
      awsTrustsArn(e, r1, r2);
      awsTrustsArn(e, r2, r1);
      return { e, from: r1 };
    },
    privilege: null,
    chain: [],
  },
  {
    name: 'leaked key of a non-admin user whose role chain reaches admin',
    build: () => {
      const e = estate();
      const { user } = awsChain(e, 2);
      const live = credential(e, keyId('1'), 'access_key', { identityId: user, keyId: keyId('1') });
      const leak = credential(e, 'secret:leak-1', 'hardcoded_secret', { provider: 'repo', keyId: keyId('1') });
      void live;
      return { e, from: ext('credential', leak) };
    },
    privilege: 'admin',
    chain: [
      `holds-credential>${ext('credential', keyId('1'))}`,
      `holds-credential>${awsUser(A, 'feat-chain-user')}`,
      `may-assume>${awsRole(A, 'chain-1')}`,
      `may-assume>${awsRole(A, 'chain-2')}`,
    ],
  },
  {
    name: 'leaked key whose live key is inactive reaches nothing',
    build: () => {
      const e = estate();
      const { user } = awsChain(e, 1);
      credential(e, keyId('2'), 'access_key', { identityId: user, keyId: keyId('2'), status: 'inactive' });
      const leak = credential(e, 'secret:leak-2', 'hardcoded_secret', { provider: 'repo', keyId: keyId('2') });
      return { e, from: ext('credential', leak) };
    },
    privilege: null,
  },
  {
    name: 'CI secret holding a key: a pusher of the repository reaches the key’s identity',
    build: () => {
      const e = estate();
      const deployer = identity(e, awsUser(B, 'ci-deployer'), 'aws', `aws:${B}`);
      grant(e, deployer, 'aws', `aws:${B}`, 'AdministratorAccess', 'admin');
      credential(e, keyId('3'), 'access_key', { identityId: deployer, keyId: keyId('3') });
      credential(e, 'github:acme/app/actions-secret/AWS_SECRET_ACCESS_KEY', 'ci_secret', { provider: 'github', keyId: keyId('3'), attributes: { level: 'repository', repository: 'acme/app' } });
      const pusher = identity(e, 'github:acme/app/deploy-key/1', 'github', 'github:acme');
      grant(e, pusher, 'github', 'github:acme/app', 'deploy-key:write', 'write');
      return { e, from: pusher };
    },
    privilege: 'admin',
    chain: [
      `push-to-repository>${ext('github-repo', 'acme/app')}`,
      `holds-credential>${ext('credential', 'github:acme/app/actions-secret/AWS_SECRET_ACCESS_KEY')}`,
      `holds-credential>${ext('credential', keyId('3'))}`,
      `holds-credential>${awsUser(B, 'ci-deployer')}`,
    ],
  },
  {
    name: 'GCP SA-level Token Creator on an Owner service account',
    build: () => {
      const e = estate();
      const ci = identity(e, 'ci@acme-ci.iam.gserviceaccount.com', 'gcp', 'gcp:acme-ci');
      const owner = identity(e, 'owner@acme-prod.iam.gserviceaccount.com', 'gcp', 'gcp:acme-prod');
      grant(e, owner, 'gcp', 'projects/acme-prod', 'roles/owner', 'admin');
      trust(e, owner, 'gcp', `serviceAccount:${ci}`, 'identity', {
        attributes: { roles: ['roles/iam.serviceAccountTokenCreator'], grantedOn: [`projects/acme-prod/serviceAccounts/${owner}`], level: 'service-account' },
      });
      return { e, from: ci };
    },
    privilege: 'admin',
    chain: ['mint-token>owner@acme-prod.iam.gserviceaccount.com'],
    evidence: /serviceAccountTokenCreator held at service-account level/,
  },
  {
    name: 'GCP project-level Token Creator: one trust per service account of the project, as the scanner records it',
    build: () => {
      const e = estate();
      const ci = identity(e, 'ci@acme-ci.iam.gserviceaccount.com', 'gcp', 'gcp:acme-ci');
      grant(e, ci, 'gcp', 'projects/acme-ci', 'roles/viewer', 'read');
      for (const sa of ['batch', 'owner-sa']) {
        const id = identity(e, `${sa}@acme-prod.iam.gserviceaccount.com`, 'gcp', 'gcp:acme-prod');
        trust(e, id, 'gcp', `serviceAccount:${ci}`, 'identity', { attributes: { roles: ['roles/iam.serviceAccountTokenCreator'], grantedOn: ['projects/acme-prod'], level: 'project' } });
      }
      grant(e, 'owner-sa@acme-prod.iam.gserviceaccount.com', 'gcp', 'projects/acme-prod', 'roles/owner', 'admin');
      return { e, from: ci };
    },
    privilege: 'admin',
    chain: ['mint-token>owner-sa@acme-prod.iam.gserviceaccount.com'],
    evidence: /at project level on projects\/acme-prod/,
  },
  {
    name: 'Azure application owner can add a secret to an admin application',
    build: () => {
      const e = estate();
      const tenant = '72f988bf-0000-4000-8000-00000000a11c';
      const sp = identity(e, '11111111-0000-4000-8000-000000000001', 'azure', `azure:${tenant}`, { name: 'build-agent', attributes: { applicationObjectId: 'a1' } });
      const app = identity(e, '11111111-0000-4000-8000-000000000002', 'azure', `azure:${tenant}`, { name: 'prod-deployer', attributes: { applicationObjectId: 'a2', owners: ['build-agent', 'dana@acme.example'] } });
      grant(e, app, 'azure', '/subscriptions/s1', 'Owner', 'admin');
      return { e, from: sp };
    },
    privilege: 'admin',
    chain: ['add-credentials>11111111-0000-4000-8000-000000000002'],
    evidence: /owner of application prod-deployer/,
  },
  {
    name: 'Azure Application.ReadWrite.All holder reaches every application of the tenant',
    build: () => {
      const e = estate();
      const tenant = '72f988bf-0000-4000-8000-00000000a11c';
      const writer = identity(e, '22222222-0000-4000-8000-000000000001', 'azure', `azure:${tenant}`, { name: 'lifecycle' });
      grant(e, writer, 'azure', 'Microsoft Graph (00000003-0000-0000-c000-000000000000)', 'Application.ReadWrite.All', 'admin', { via: 'app-role' });
      const app = identity(e, '22222222-0000-4000-8000-000000000002', 'azure', `azure:${tenant}`, { name: 'payments', attributes: { applicationObjectId: 'a3' } });
      grant(e, app, 'azure', '/subscriptions/s1', 'Contributor', 'write');
      return { e, from: writer };
    },
    privilege: 'admin', // its own grant; the application is reached too (checked below)
    chain: [],
  },
  {
    name: 'depth bound: a chain of 7 roles is out of reach at the default depth 6',
    build: () => {
      const e = estate();
      const { user } = awsChain(e, 7);
      return { e, from: user };
    },
    privilege: 'read',
    chain: [],
  },
  {
    name: 'depth bound: the same chain is reached with maxDepth 7',
    build: () => {
      const e = estate();
      const { user } = awsChain(e, 7);
      return { e, from: user, maxDepth: 7 };
    },
    privilege: 'admin',
  },
];

for (const s of scenarios) {
  test(`reach: ${s.name}`, () => {
    const { e, from, maxDepth } = s.build();
    const { reach, graph } = reachOf(e, maxDepth);
    const r = reach.strongest(from);
    assert.equal(r.privilege, s.privilege);
    if (s.chain) assert.deepEqual(path(r.chain), s.chain);
    if (s.evidence) assert.match(r.chain.map((h) => h.evidence).join('\n'), s.evidence);
    r.chain.forEach((h, i) => assert.equal(h.step, i + 1));
    // The inventory reads privileges apart and only the grants that are edges whole: the same answer.
    const asStored = reachAsStored(e, maxDepth);
    const stored = asStored.reach.strongest(from);
    assert.deepEqual({ privilege: stored.privilege, chain: path(stored.chain) }, { privilege: r.privilege, chain: path(r.chain) }, 'read as stored');
    assert.deepEqual(edgeList(asStored.graph), edgeList(graph), 'the same edges read as stored');
  });
}

test('reach: the Application.ReadWrite.All holder reaches the application through the tenant node', () => {
  const s = scenarios.find((x) => x.name.startsWith('Azure Application.ReadWrite.All'))!;
  const { e, from } = s.build();
  const { reach } = reachOf(e);
  const r = reach.reachOf(from, (id) => e.grants.filter((g) => g.identityId === id));
  const sub = r.scopes.find((x) => x.scope === '/subscriptions/s1');
  assert.ok(sub, 'the application’s subscription is reached');
  assert.equal(sub.privilege, 'write');
  assert.deepEqual(path(sub.chain), [`add-credentials>${ext('azure-apps', '72f988bf-0000-4000-8000-00000000a11c')}`, 'add-credentials>22222222-0000-4000-8000-000000000002']);
});

test('reach: who can become the admin role, nearest first, each with its chain', () => {
  const e = estate();
  const { user, roles } = awsChain(e, 2);
  credential(e, keyId('4'), 'access_key', { identityId: user, keyId: keyId('4') });
  // A second key of the user that a hard-coded secret carries; the first is carried by nothing.
  credential(e, keyId('5'), 'access_key', { identityId: user, keyId: keyId('5') });
  credential(e, 'repo:app/config.env:AWS', 'hardcoded_secret', { keyId: keyId('5') });
  const { reach } = reachOf(e);
  const who = reach.reachersOf(roles[1] as string);
  assert.deepEqual(
    who.map((w) => [w.id, w.hops]),
    [
      [roles[0], 1],
      [user, 2],
      [ext('credential', keyId('5')), 3],
      [ext('credential', 'repo:app/config.env:AWS'), 4],
    ],
  );
  assert.deepEqual(path(who[1]!.chain), [`may-assume>${roles[0]}`, `may-assume>${roles[1]}`]);
  // A key no secret carries is its identity, not a node of its own: a million keys would double the graph.
  assert.equal(reach.graph.index.has(ext('credential', keyId('4'))), false);
});

test('reach: found and CI secrets must come before keys when the credentials are streamed', () => {
  const key: CredentialInput = { id: keyId('6'), identityId: 'arn:aws:iam::111111111111:user/u', provider: 'aws', kind: 'access_key', name: null, keyId: keyId('6'), status: 'active' };
  const secret: CredentialInput = { id: 'repo:x', identityId: null, provider: 'repo', kind: 'hardcoded_secret', name: null, keyId: keyId('6'), status: 'active' };
  const stream = function* () {
    yield key;
    yield secret;
  };
  assert.throws(() => [...deriveEdges({ identities: [], credentials: stream(), grants: [], trusts: [] })], /comes after keys: list found and CI secrets first/);
  // An array is put in order.
  const edges = [...deriveEdges({ identities: [], credentials: [key, secret], grants: [], trusts: [] })];
  assert.deepEqual(edges.map((x) => `${x.from}>${x.to}`), [`${ext('credential', keyId('6'))}>${key.identityId}`, `${ext('credential', 'repo:x')}>${ext('credential', keyId('6'))}`]);
});

test('reach: per scope, the strongest privilege and the nearest holder', () => {
  const e = estate();
  const { user, roles } = awsChain(e, 2);
  grant(e, roles[0] as string, 'aws', `aws:${B}`, 'PowerUser', 'write');
  const { reach } = reachOf(e);
  const r = reach.reachOf(user, (id) => e.grants.filter((g) => g.identityId === id));
  assert.deepEqual(
    r.scopes.map((x) => [x.scope, x.privilege, x.holder, x.hops]),
    [
      [`aws:${A}`, 'admin', roles[1], 2],
      [`aws:${B}`, 'write', roles[0], 1],
    ],
  );
});

test('reach: god-mode by reach lists chained identities and leaves direct admins out', () => {
  const e = estate();
  const { user, roles } = awsChain(e, 2);
  const { reach } = reachOf(e);
  const reached = [...reach.reached('admin')].map((r) => r.id).sort();
  assert.deepEqual(reached, [roles[0], user].sort());
  assert.equal(reach.hops(roles[1] as string, 'admin'), 0);
});

test('reach: a development identity that reaches write in production (NHI8)', () => {
  const e = estate();
  const dev = identity(e, 'builder@acme-dev.iam.gserviceaccount.com', 'gcp', 'gcp:acme-dev');
  grant(e, dev, 'gcp', 'projects/acme-dev', 'roles/editor', 'admin');
  const prod = identity(e, 'writer@acme-prod.iam.gserviceaccount.com', 'gcp', 'gcp:acme-prod');
  grant(e, prod, 'gcp', 'projects/acme-prod', 'roles/storage.objectCreator', 'write');
  trust(e, prod, 'gcp', `serviceAccount:${dev}`, 'identity', { attributes: { roles: ['roles/iam.serviceAccountUser'], level: 'service-account' } });
  const { reach } = reachOf(e);
  const p = reach.production(dev);
  assert.ok(p);
  assert.equal(p.privilege, 'write');
  assert.deepEqual(path(p.chain), [`impersonate>${prod}`]);
  // Its own admin is outside production: not an NHI8 reach on its own.
  assert.equal(reach.hops(dev, 'prod-admin'), null);
});
