// AWS reach scenarios end to end: a small estate served by the fake IAM/STS/Organizations
// endpoint, scanned through the real SDK, its records turned into reach. Each row: who starts,
// the strongest privilege it reaches, and the chain that gets there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsScanner } from '../../scanners/aws/index.js';
import { fakeRootId, startFakeAws, type FakeAccount, type FakeEstate } from '../../scanners/aws/demo/fake-aws.js';
import type { PolicyDocument } from '../../scanners/aws/policy.js';
import { collect } from '../helpers/scanner-acceptance.js';
import type { CredentialRecord, GrantRecord, IdentityRecord, ScanRecord, TrustRecord } from '../../src/model/records.js';
import { reachFromRows, type Hop } from '../../src/reach/index.js';

const now = new Date('2026-11-23T12:00:00Z');
const KEY = ['AKIA', 'SCENARIO', '00000001'].join('');
const SECRET = ['scenario', 'secret', 'value', '0000000000000000'].join('/');
const fast = { retryBaseDelayMs: 2, reportPollMs: 10, reportWaitSeconds: 2, maxAttempts: 3 };
const A = '111111111111';
const B = '222222222222';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const created = '2026-01-01T00:00:00Z';

const doc = (...Statement: Record<string, unknown>[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*') => ({ Effect: 'Allow', Action, Resource });
const deny = (Action: string | string[], Resource: string | string[] = '*') => ({ Effect: 'Deny', Action, Resource });
const trustService = (Service: string) => doc({ Effect: 'Allow', Principal: { Service }, Action: 'sts:AssumeRole' });
const trustAws = (AWS: string) => doc({ Effect: 'Allow', Principal: { AWS }, Action: 'sts:AssumeRole' });
const role = (acct: string, name: string) => `arn:aws:iam::${acct}:role/${name}`;
const user = (acct: string, name: string) => `arn:aws:iam::${acct}:user/${name}`;
const managed = (acct: string, name: string, d: PolicyDocument) => ({ arn: `arn:aws:iam::${acct}:policy/${name}`, doc: d });

interface Scenario {
  name: string;
  accounts: FakeAccount[];
  org?: FakeEstate['org'];
  extra?: Partial<FakeEstate>;
  from: string;
  privilege: 'admin' | 'write' | 'read' | null;
  /** `mechanism>target` per hop. */
  chain?: string[];
  evidence?: RegExp;
  /** A role the start can become, as `nhi show ROLE` lists it (its own privilege may be as strong). */
  becomes?: { role: string; chain: string[] };
}

const path = (chain: Hop[]) => chain.map((h) => `${h.mechanism}>${h.to}`);

async function scan(accounts: FakeAccount[], org?: FakeEstate['org'], extra: Partial<FakeEstate> = {}): Promise<ScanRecord[]> {
  const fake = await startFakeAws({ now, callerAccount: accounts[0]!.id, accessKeyId: KEY, secretAccessKey: SECRET, accounts, ...(org ? { org } : {}), ...extra });
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY, secretAccessKey: SECRET, ...(org ? { org: true } : {}), ...fast }, now });
    assert.deepEqual(res.errors, []);
    return res.records;
  } finally {
    await fake.close();
  }
}

export function reachOfRecords(records: ScanRecord[]) {
  return reachFromRows({
    identities: records.filter((r): r is IdentityRecord => r.type === 'identity'),
    credentials: records.filter((r): r is CredentialRecord => r.type === 'credential').map((c) => ({ ...c, name: c.name ?? null, keyId: c.keyId ?? null, identityId: c.identityId ?? null, status: c.status ?? null })),
    grants: records.filter((r): r is GrantRecord => r.type === 'grant').map((g) => ({ ...g, evidence: g.evidence ?? null, via: g.via ?? null })),
    trusts: records.filter((r): r is TrustRecord => r.type === 'trust').map((t) => ({ ...t, condition: t.condition ?? null })),
  });
}

/** One account: a deployer user with the given inline policy, and roles. */
function account(id: string, deployer: PolicyDocument, roles: FakeAccount['roles'], extra: Partial<FakeAccount> = {}): FakeAccount {
  return { id, name: `acct-${id}`, policies: [{ arn: ADMIN, doc: doc(allow('*')) }], users: [{ name: 'deployer', created, inline: { deploy: deployer } }], roles, ...extra };
}

const writeOnly = doc(allow('s3:PutObject'));

// An organisation: management account M (not subject to SCPs), members A and B in OU workloads.
const M = '100000000001';
const ORG = 'o-guard12345';
const ROOT = fakeRootId(ORG);
const OU = 'ou-guard-workloads';
const fullAccess = { id: 'p-FullAWSAccess', name: 'FullAWSAccess', awsManaged: true, doc: doc(allow('*')), targets: [ROOT, OU, M, A, B] };
function guarded(scps: { id: string; name: string; doc: PolicyDocument; targets: string[] }[], withFullAccess = true): FakeEstate['org'] {
  return { id: ORG, ous: [{ id: OU, name: 'workloads', parent: ROOT, accounts: [A, B] }], scps: [...(withFullAccess ? [fullAccess] : []), ...scps] };
}
const opsAdmin = (acct: string, policy: PolicyDocument): FakeAccount => ({ id: acct, name: `acct-${acct}`, policies: [{ arn: ADMIN, doc: doc(allow('*')) }], users: [{ name: 'ops', created, inline: { ops: policy } }] });

// Resource control policies: a vendor role outside the organisation trusted by a bridge role of
// member B, which may assume B's admin role (trusting B's root).
const OUTSIDE = '999999999999';
const vendor = `arn:aws:iam::${OUTSIDE}:role/vendor`;
/** An identity outside the estate is its account's node (the trust names it; its policies are not read). */
const outsideNode = `ext:aws-account:${OUTSIDE}`;
const vendorEstate = (acct: string): FakeAccount => ({
  id: acct,
  name: `acct-${acct}`,
  policies: [{ arn: ADMIN, doc: doc(allow('*')) }],
  roles: [
    { name: 'vendor-bridge', created, trust: trustAws(vendor), inline: { hop: doc(allow('sts:AssumeRole', role(acct, '*-admin'))) } },
    { name: 'ops-admin', created, trust: trustAws(`arn:aws:iam::${acct}:root`), attached: [ADMIN] },
  ],
});
const outsidersDenied = (targets: string[], allowedAccounts?: string[]) => ({
  id: 'p-rcpperim01',
  name: 'org-perimeter',
  targets,
  doc: doc({
    Sid: 'OnlyOrgAssumes',
    Effect: 'Deny',
    Principal: '*',
    Action: 'sts:AssumeRole',
    Resource: '*',
    Condition: {
      ...(allowedAccounts ? { StringNotEqualsIfExists: { 'aws:PrincipalAccount': allowedAccounts } } : { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } }),
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  }),
});
const rcpFullAccess = { id: 'p-RCPFullAWSAccess', name: 'RCPFullAWSAccess', awsManaged: true, doc: doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }), targets: [ROOT, OU, M, A, B] };
const withRcps = (rcps: { id: string; name: string; doc: PolicyDocument; targets: string[] }[]): FakeEstate['org'] => ({ ...(guarded([]) as NonNullable<FakeEstate['org']>), rcps: [rcpFullAccess, ...rcps] });

export const SCENARIOS: Scenario[] = [
  {
    name: 'RCP denying principals outside the organisation cuts an outside role\'s chain into a member account',
    accounts: [{ id: M, name: 'mgmt' }, { id: A, name: 'member' }, vendorEstate(B)],
    org: withRcps([outsidersDenied([ROOT])]),
    from: outsideNode,
    privilege: null,
    chain: [],
  },
  {
    name: 'the same RCP leaves the organisation\'s own hop (bridge → admin role of its account)',
    accounts: [{ id: M, name: 'mgmt' }, { id: A, name: 'member' }, vendorEstate(B)],
    org: withRcps([outsidersDenied([ROOT])]),
    from: role(B, 'vendor-bridge'),
    privilege: 'admin',
    chain: [`may-assume>${role(B, 'ops-admin')}`],
  },
  {
    name: 'without an RCP the outside role reaches the member account\'s admin role in two hops',
    accounts: [{ id: M, name: 'mgmt' }, { id: A, name: 'member' }, vendorEstate(B)],
    org: withRcps([]),
    from: outsideNode,
    privilege: 'admin',
    chain: [`may-assume>${role(B, 'vendor-bridge')}`, `may-assume>${role(B, 'ops-admin')}`],
  },
  {
    name: 'an RCP whose condition admits the outside account (aws:PrincipalAccount lists it) leaves the chain',
    accounts: [{ id: M, name: 'mgmt' }, { id: A, name: 'member' }, vendorEstate(B)],
    org: withRcps([outsidersDenied([ROOT], [M, A, B, OUTSIDE])]),
    from: outsideNode,
    privilege: 'admin',
    chain: [`may-assume>${role(B, 'vendor-bridge')}`, `may-assume>${role(B, 'ops-admin')}`],
  },
  {
    name: 'an RCP attached to another account leaves the chain',
    accounts: [{ id: M, name: 'mgmt' }, { id: A, name: 'member' }, vendorEstate(B)],
    org: withRcps([outsidersDenied([A])]),
    from: outsideNode,
    privilege: 'admin',
    chain: [`may-assume>${role(B, 'vendor-bridge')}`, `may-assume>${role(B, 'ops-admin')}`],
  },
  {
    name: 'RCPs do not apply to the management account: its roles stay open to the outside role',
    accounts: [vendorEstate(M), { id: A, name: 'member' }],
    org: withRcps([outsidersDenied([ROOT])]),
    from: outsideNode,
    privilege: 'admin',
    chain: [`may-assume>${role(M, 'vendor-bridge')}`, `may-assume>${role(M, 'ops-admin')}`],
  },
  {
    name: 'PassRole on a named admin role + lambda:CreateFunction reaches that role',
    accounts: [account(A, doc(allow('iam:PassRole', role(A, 'ops-admin')), allow('lambda:CreateFunction')), [{ name: 'ops-admin', created, trust: trustService('lambda.amazonaws.com'), attached: [ADMIN] }])],
    from: user(A, 'deployer'),
    privilege: 'admin',
    chain: [`pass-role>${role(A, 'ops-admin')}`],
    evidence: /iam:PassRole.*lambda:CreateFunction/,
  },
  {
    name: 'PassRole on * + Lambda reaches only the roles Lambda may assume: a write role, not the EC2 admin role',
    accounts: [
      account(A, doc(allow(['iam:PassRole', 'lambda:CreateFunction'])), [
        { name: 'fn-writer', created, trust: trustService('lambda.amazonaws.com'), inline: { w: writeOnly } },
        { name: 'ec2-admin', created, trust: trustService('ec2.amazonaws.com'), attached: [ADMIN], instanceProfiles: ['ec2-admin'] },
      ]),
    ],
    from: user(A, 'deployer'),
    privilege: 'write',
    becomes: { role: role(A, 'fn-writer'), chain: [`pass-role>${role(A, 'fn-writer')}`] },
  },
  {
    name: 'PassRole on * + Lambda with no role Lambda may assume reaches nothing',
    accounts: [account(A, doc(allow(['iam:PassRole', 'lambda:CreateFunction'])), [{ name: 'ec2-admin', created, trust: trustService('ec2.amazonaws.com'), attached: [ADMIN] }])],
    from: user(A, 'deployer'),
    privilege: 'write',
    chain: [],
  },
  {
    name: 'PassRole on * + ec2:RunInstances reaches an admin role with an instance profile',
    accounts: [account(A, doc(allow(['iam:PassRole', 'ec2:RunInstances'])), [{ name: 'ec2-admin', created, trust: trustService('ec2.amazonaws.com'), attached: [ADMIN], instanceProfiles: ['ec2-admin'] }])],
    from: user(A, 'deployer'),
    privilege: 'admin',
    chain: [`pass-role>${role(A, 'ec2-admin')}`],
    evidence: /instance profile/,
  },
  {
    name: 'lambda:UpdateFunctionCode reaches the roles Lambda functions may run as (functions are not read)',
    accounts: [account(A, doc(allow('lambda:UpdateFunctionCode', `arn:aws:lambda:*:${A}:function:*`)), [{ name: 'fn-admin', created, trust: trustService('lambda.amazonaws.com'), attached: [ADMIN] }])],
    from: user(A, 'deployer'),
    privilege: 'admin',
    chain: [`change-compute>${role(A, 'fn-admin')}`],
    evidence: /any role trusting lambda\.amazonaws\.com/,
  },
  {
    name: 'ssm:SendCommand reaches a role behind an instance profile',
    accounts: [account(A, doc(allow('ssm:SendCommand')), [{ name: 'box', created, trust: trustService('ec2.amazonaws.com'), attached: [ADMIN], instanceProfiles: ['box'] }])],
    from: user(A, 'deployer'),
    privilege: 'admin',
    chain: [`change-compute>${role(A, 'box')}`],
  },
  {
    name: 'an explicit deny of iam:PassRole removes the edge',
    accounts: [account(A, doc(allow(['iam:PassRole', 'lambda:CreateFunction']), deny('iam:PassRole', role(A, 'ops-admin'))), [{ name: 'ops-admin', created, trust: trustService('lambda.amazonaws.com'), attached: [ADMIN] }])],
    from: user(A, 'deployer'),
    privilege: 'write',
    chain: [],
  },
  {
    name: 'account-root trust, same account: a caller allowed sts:AssumeRole on the role reaches it (a write role too)',
    accounts: [account(A, doc(allow('sts:AssumeRole', role(A, 'deploy-*'))), [{ name: 'deploy-writer', created, trust: trustAws(`arn:aws:iam::${A}:root`), inline: { w: writeOnly } }])],
    from: user(A, 'deployer'),
    privilege: 'write',
    becomes: { role: role(A, 'deploy-writer'), chain: [`may-assume>${role(A, 'deploy-writer')}`] },
    evidence: /trusts account 111111111111.*sts:AssumeRole/,
  },
  {
    name: 'account-root trust, cross-account: a caller of the trusted account allowed sts:AssumeRole reaches the role',
    accounts: [
      account(A, doc(allow('sts:AssumeRole', role(B, 'db-migration-admin'))), []),
      { id: B, name: 'prod', policies: [{ arn: ADMIN, doc: doc(allow('*')) }], roles: [{ name: 'db-migration-admin', created, trust: trustAws(`arn:aws:iam::${A}:root`), attached: [ADMIN] }] },
    ],
    org: { id: 'o-scenario1' },
    from: user(A, 'deployer'),
    privilege: 'admin',
    chain: [`may-assume>${role(B, 'db-migration-admin')}`],
  },
  {
    name: 'account-root trust: a caller whose own policies do not allow sts:AssumeRole on the role does not reach it',
    accounts: [
      account(A, doc(allow('sts:AssumeRole', role(B, 'other'))), []),
      { id: B, name: 'prod', policies: [{ arn: ADMIN, doc: doc(allow('*')) }], roles: [{ name: 'db-migration-admin', created, trust: trustAws(`arn:aws:iam::${A}:root`), attached: [ADMIN] }] },
    ],
    org: { id: 'o-scenario1' },
    from: user(A, 'deployer'),
    privilege: 'write',
    chain: [],
  },
  {
    name: 'a cross-account trust naming the caller: its own policies must allow sts:AssumeRole on the role too',
    accounts: [
      account(A, doc(allow('s3:PutObject')), []),
      { id: B, name: 'prod', policies: [{ arn: ADMIN, doc: doc(allow('*')) }], roles: [{ name: 'named-admin', created, trust: trustAws(user(A, 'deployer')), attached: [ADMIN] }] },
    ],
    org: { id: 'o-scenario1' },
    from: user(A, 'deployer'),
    privilege: 'write',
    chain: [],
  },
  {
    name: 'a cross-account trust naming a caller allowed sts:AssumeRole: the edge says both sides allow it',
    accounts: [
      account(A, doc(allow('sts:AssumeRole', role(B, '*'))), []),
      { id: B, name: 'prod', policies: [{ arn: ADMIN, doc: doc(allow('*')) }], roles: [{ name: 'named-admin', created, trust: trustAws(user(A, 'deployer')), attached: [ADMIN] }] },
    ],
    org: { id: 'o-scenario1' },
    from: user(A, 'deployer'),
    privilege: 'admin',
    chain: [`may-assume>${role(B, 'named-admin')}`],
    evidence: /cross-account from 111111111111, and deploy \(inline\) statement #1 allows sts:AssumeRole/,
  },
  {
    name: 'account-root trust: a permission boundary without sts:AssumeRole stops the caller',
    accounts: [
      {
        ...account(A, doc(allow('sts:AssumeRole')), [{ name: 'admin', created, trust: trustAws(`arn:aws:iam::${A}:root`), attached: [ADMIN] }]),
        policies: [{ arn: ADMIN, doc: doc(allow('*')) }, managed(A, 's3-only', doc(allow('s3:*')))],
        users: [{ name: 'deployer', created, inline: { deploy: doc(allow('sts:AssumeRole')) }, boundary: `arn:aws:iam::${A}:policy/s3-only` }],
      },
    ],
    from: user(A, 'deployer'),
    privilege: 'write',
    chain: [],
  },
  {
    name: 'account-root trust: an explicit deny of sts:AssumeRole stops the caller',
    accounts: [account(A, doc(allow('sts:AssumeRole'), deny('sts:AssumeRole', role(A, 'admin'))), [{ name: 'admin', created, trust: trustAws(`arn:aws:iam::${A}:root`), attached: [ADMIN] }])],
    from: user(A, 'deployer'),
    privilege: 'write',
    chain: [],
  },
  {
    name: 'SCP deny: an SCP on the OU denying iam:* lowers an admin of a member account to write',
    accounts: [{ id: M, name: 'mgmt' }, opsAdmin(A, doc(allow('*')))],
    org: guarded([{ id: 'p-denyiam0001', name: 'deny-iam', doc: doc(deny('iam:*')), targets: [OU] }]),
    from: user(A, 'ops'),
    privilege: 'write',
  },
  {
    name: 'SCP deny: the management account is not subject to SCPs (the same deny at the root leaves its admin)',
    accounts: [opsAdmin(M, doc(allow('iam:*'))), { id: A, name: 'member' }],
    org: guarded([{ id: 'p-denyiam0001', name: 'deny-iam', doc: doc(deny('iam:*')), targets: [ROOT] }]),
    from: user(M, 'ops'),
    privilege: 'admin',
  },
  {
    name: 'SCP allow list: an OU whose SCPs allow only s3 caps an admin of a member account',
    accounts: [{ id: M, name: 'mgmt' }, opsAdmin(A, doc(allow('*')))],
    org: guarded([{ ...fullAccess, targets: [ROOT, M, A] }, { id: 'p-onlys30001', name: 'only-s3', doc: doc(allow('s3:*')), targets: [OU] }], false),
    from: user(A, 'ops'),
    privilege: 'write',
  },
  {
    name: 'SCP deny of sts:AssumeRole on the caller’s account removes its account-root edge',
    accounts: [
      { id: M, name: 'mgmt' },
      opsAdmin(A, doc(allow('sts:AssumeRole', role(B, 'db-migration-admin')))),
      { id: B, name: 'prod', policies: [{ arn: ADMIN, doc: doc(allow('*')) }], roles: [{ name: 'db-migration-admin', created, trust: trustAws(`arn:aws:iam::${A}:root`), attached: [ADMIN] }] },
    ],
    org: guarded([{ id: 'p-noassume01', name: 'no-assume', doc: doc(deny('sts:AssumeRole')), targets: [A] }]),
    from: user(A, 'ops'),
    privilege: 'write',
    chain: [],
  },
  {
    name: 'without the SCP the same caller reaches the production admin role',
    accounts: [
      { id: M, name: 'mgmt' },
      opsAdmin(A, doc(allow('sts:AssumeRole', role(B, 'db-migration-admin')))),
      { id: B, name: 'prod', policies: [{ arn: ADMIN, doc: doc(allow('*')) }], roles: [{ name: 'db-migration-admin', created, trust: trustAws(`arn:aws:iam::${A}:root`), attached: [ADMIN] }] },
    ],
    org: guarded([]),
    from: user(A, 'ops'),
    privilege: 'admin',
    chain: [`may-assume>${role(B, 'db-migration-admin')}`],
  },
];

for (const s of SCENARIOS) {
  test(`AWS reach: ${s.name}`, async () => {
    const records = await scan(s.accounts, s.org, s.extra);
    const { reach } = reachOfRecords(records);
    const r = reach.strongest(s.from);
    assert.equal(r.privilege ?? null, s.privilege, `strongest privilege of ${s.from}: ${JSON.stringify(path(r.chain ?? []))}`);
    if (s.chain) assert.deepEqual(path(r.chain ?? []), s.chain);
    const who = s.becomes ? reach.reachersOf(s.becomes.role).find((w) => w.id === s.from) : undefined;
    if (s.becomes) assert.deepEqual(path(who?.chain ?? []), s.becomes.chain, `${s.from} becomes ${s.becomes.role}`);
    if (s.evidence) assert.match([...(r.chain ?? []), ...(who?.chain ?? [])].map((h) => h.evidence).join('\n'), s.evidence);
  });
}
