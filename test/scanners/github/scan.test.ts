// The GitHub scanner against a local endpoint in GitHub's wire format, through the real
// Octokit: Link-header pagination, a permission failure that becomes a scan error with its
// fix while the rest goes on, endpoints an organisation does not have as notes, and the
// normalization of privileges, owners and last use.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialRecord, GrantRecord, IdentityRecord } from '../../../src/model/records.js';
import type { LocalServer } from '../../../src/demo/local-server.js';
import { githubScanner } from '../../../scanners/github/index.js';
import { forbidden, notFound, type FakeRoutes } from '../../../scanners/github/demo/fake-github.js';
import { app, deployKey, environment, installation, orgHook, repoHook, orgSecret, patGrant, repo, repoSecret, secretAlert, user } from '../../../scanners/github/demo/fixtures.js';
import { assertScannerAcceptance, collect, type AcceptanceResult, type Collected } from '../../helpers/scanner-acceptance.js';
import { emptyOrgRoutes, recordingProgress, startFakeGitHub, testOptions, type FakeGitHub } from './helpers.js';
import { defaultConfig } from '../../../src/config/config.js';
import { createProtector } from '../../../src/secrets/protect.js';
import { explainGitHubError } from '../../../scanners/github/errors.js';

const ORG = 'Octo-Org';
const org = 'octo-org';
const now = new Date('2026-11-20T12:00:00Z');
const ago = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
const LEAKED = ['ghp_', 'Zt8pQ2wV6yN4rK1mX9bC3dF7hJ5lA0sE2gT8'].join('');

describe('github scanner: pagination', () => {
  let server: FakeGitHub;
  let res: Collected;
  before(async () => {
    // 250 members (3 pages of 100), bots on pages 1 and 3; 150 installations (wrapped, 2 pages);
    // 120 repositories (2 pages) with a deploy key on the last one.
    const members = Array.from({ length: 250 }, (_, i) => user(i === 5 ? 'build-bot' : i === 240 ? 'renovate[bot]' : `person-${i}`, i === 240 ? 'Bot' : 'User'));
    const installs = Array.from({ length: 150 }, (_, i) => installation(org, 900000 + i, `app-${i % 2}`, { metadata: 'read' }, { createdAt: ago(10) }));
    const repos = Array.from({ length: 120 }, (_, i) => repo(org, `repo-${String(i).padStart(3, '0')}`));
    const routes: FakeRoutes = {
      [`GET /orgs/${ORG}/members?role=admin`]: { items: [members[0]] },
      [`GET /orgs/${ORG}/members`]: { items: members },
      [`GET /orgs/${ORG}/outside_collaborators`]: { items: [] },
      [`GET /orgs/${ORG}/installations`]: { items: installs, wrap: 'installations' },
      [`GET /orgs/${ORG}/repos`]: { items: repos },
      [`GET /repos/${org}/repo-119/keys`]: { items: [deployKey(`${org}/repo-119`, { id: 1, title: 'last-page-key', readOnly: true, createdAt: ago(3), addedBy: 'person-1', lastUsed: ago(1) })] },
      [`GET /orgs/${ORG}/credential-authorizations`]: notFound(),
      [`GET /orgs/${ORG}/secret-scanning/alerts`]: { items: [] },
      [`GET /orgs/${ORG}/personal-access-tokens`]: { items: [] },
      [`GET /orgs/${ORG}/personal-access-token-requests`]: { items: [] },
      [`GET /orgs/${ORG}/hooks`]: { items: [] },
      [`GET /orgs/${ORG}/actions/secrets`]: { items: [], wrap: 'secrets' },
      [`GET /orgs/${ORG}/dependabot/secrets`]: { items: [], wrap: 'secrets' },
    };
    routes['GET /apps/app-0'] = notFound();
    routes['GET /apps/app-1'] = notFound();
    for (const r of repos) {
      routes[`GET /repos/${org}/${r.name}/keys`] ??= { items: [] };
      routes[`GET /repos/${org}/${r.name}/actions/secrets`] = { items: [], wrap: 'secrets' };
      routes[`GET /repos/${org}/${r.name}/hooks`] = { items: [] };
      routes[`GET /repos/${org}/${r.name}/environments`] = { items: [], wrap: 'environments' };
    }
    server = await startFakeGitHub(routes, { delayMs: 2 });
    res = await collect({ scanner: githubScanner, options: testOptions(server, { org: [ORG] }), now });
  });
  after(async () => server?.close());

  it('follows Link headers across pages of plain and wrapped lists', () => {
    const pages = (p: string) => server.requests.filter((r) => r.path === p && !r.query.get('role')).map((r) => r.query.get('page') ?? '1');
    assert.deepEqual([...new Set(pages(`/orgs/${ORG}/members`))].sort(), ['1', '2', '3']);
    assert.deepEqual([...new Set(pages(`/orgs/${ORG}/installations`))].sort(), ['1', '2']);
    assert.deepEqual([...new Set(pages(`/orgs/${ORG}/repos`))].sort(), ['1', '2']);
    const ids = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
    assert.equal(ids.filter((i) => i.kind === 'github_app').length, 150);
    assert.deepEqual(ids.filter((i) => i.kind === 'bot_account').map((i) => [i.name, i.attributes?.detectedBy]).sort(), [['build-bot', 'login-pattern'], ['renovate[bot]', 'type']]);
    assert.ok(ids.some((i) => i.kind === 'deploy_key' && i.name === 'last-page-key (repo-119)'));
  });

  it('keeps at most 4 requests in flight and turns the missing SAML endpoint into a note', () => {
    assert.ok(server.maxInFlight() <= 4, `in flight: ${server.maxInFlight()}`);
    assert.ok(server.maxInFlight() > 1, 'repositories are read in parallel');
    assert.deepEqual(res.errors, []);
    assert.ok(res.notes.some((n) => /SAML/.test(n.message)));
    assert.ok(res.notes.some((n) => /publisher of app app-0 unknown/.test(n.message)));
    assert.equal(server.requests.filter((r) => r.path.startsWith('/apps/')).length, 2, 'one publisher lookup per app');
    assert.deepEqual(res.completedTargets, [`github:${org}`]);
  });
});

describe('github scanner: permission failures', () => {
  let server: LocalServer;
  before(async () => {
    const repos = ['ok', 'locked-1', 'locked-2', 'locked-3'].map((n) => repo(org, n));
    const routes: FakeRoutes = {
      [`GET /orgs/${ORG}/members?role=admin`]: { items: [] },
      [`GET /orgs/${ORG}/members`]: { items: [user('alice')] },
      [`GET /orgs/${ORG}/outside_collaborators`]: { items: [] },
      [`GET /orgs/${ORG}/installations`]: { items: [], wrap: 'installations' },
      [`GET /orgs/${ORG}/personal-access-tokens`]: forbidden('Resource not accessible by personal access token'),
      [`GET /orgs/${ORG}/personal-access-token-requests`]: forbidden('Resource not accessible by personal access token'),
      [`GET /orgs/${ORG}/credential-authorizations`]: notFound(),
      [`GET /orgs/${ORG}/hooks`]: forbidden('Must have admin rights to Repository.'),
      [`GET /orgs/${ORG}/actions/secrets`]: { items: [orgSecret('NPM_TOKEN', ago(30), ago(10))], wrap: 'secrets' },
      [`GET /orgs/${ORG}/dependabot/secrets`]: { items: [], wrap: 'secrets' },
      [`GET /orgs/${ORG}/secret-scanning/alerts`]: notFound(),
      [`GET /orgs/${ORG}/repos`]: { items: repos },
      [`GET /repos/${org}/ok/keys`]: { items: [deployKey(`${org}/ok`, { id: 7, title: 'k', readOnly: false, createdAt: ago(5), addedBy: 'alice', lastUsed: null })] },
      [`GET /repos/${org}/ok/hooks`]: { items: [] },
      [`GET /repos/${org}/ok/environments`]: { items: [environment(`${org}/ok`, 'prod', ago(9))], wrap: 'environments' },
      [`GET /repos/${org}/ok/environments/prod/secrets`]: forbidden('Resource not accessible by personal access token'),
      [`GET /repos/${org}/ok/actions/secrets`]: { items: [repoSecret('AWS_SECRET_ACCESS_KEY', ago(5), ago(5))], wrap: 'secrets' },
    };
    for (const n of ['locked-1', 'locked-2', 'locked-3']) {
      routes[`GET /repos/${org}/${n}/keys`] = notFound();
      routes[`GET /repos/${org}/${n}/actions/secrets`] = { items: [], wrap: 'secrets' };
      routes[`GET /repos/${org}/${n}/hooks`] = { items: [] };
      routes[`GET /repos/${org}/${n}/environments`] = { items: [], wrap: 'environments' };
    }
    server = await startFakeGitHub(routes);
  });
  after(async () => server?.close());

  it('yields an error naming the scope or permission for each denied endpoint, and scans the rest', async () => {
    const res = await collect({ scanner: githubScanner, options: testOptions(server, { org: [ORG] }), now });
    const byOp = new Map(res.errors.map((e) => [e.operation, e]));
    assert.equal(byOp.get('GET /orgs/{org}/hooks')?.code, 'forbidden');
    assert.match(byOp.get('GET /orgs/{org}/hooks')?.fix ?? '', /admin:org_hook/);
    assert.match(byOp.get('GET /orgs/{org}/hooks')?.message ?? '', /Must have admin rights/);
    assert.match(byOp.get('GET /orgs/{org}/personal-access-tokens')?.fix ?? '', /GitHub App.*Personal access tokens: read/);
    assert.match(byOp.get('GET /orgs/{org}/personal-access-token-requests')?.fix ?? '', /Personal access token requests: read/);
    // Three repositories without admin access: one aggregated error, not three.
    const keys = res.errors.filter((e) => e.operation === 'GET /repos/{owner}/{repo}/keys');
    assert.equal(keys.length, 1);
    assert.equal(keys[0].code, 'not-found');
    assert.match(keys[0].fix ?? '', /Administration: read/);
    assert.match(keys[0].message, /on 3 repositories: octo-org\/locked-1, octo-org\/locked-2, octo-org\/locked-3/);
    const envSecrets = res.errors.find((e) => e.operation === 'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets');
    assert.equal(envSecrets?.resource, 'octo-org/ok');
    assert.match(envSecrets?.fix ?? '', /Secrets: read/);
    assert.equal(res.errors.length, 5);
    // Features the organisation does not have are notes.
    assert.ok(res.notes.some((n) => n.operation === 'GET /orgs/{org}/credential-authorizations'));
    assert.ok(res.notes.some((n) => n.operation === 'GET /orgs/{org}/secret-scanning/alerts'));
    // The rest of the scan went on.
    assert.equal(res.targets.find((t) => t.key === `github:${org}`)?.state, 'partial');
    const creds = res.records.filter((r): r is CredentialRecord => r.type === 'credential');
    assert.deepEqual(creds.map((c) => c.name).sort(), ['AWS_SECRET_ACCESS_KEY', 'NPM_TOKEN', 'k']);
    assert.equal(creds.find((c) => c.name === 'AWS_SECRET_ACCESS_KEY')?.attributes?.cloudProvider, 'aws');
  });

  it('calls nobody departed when members cannot be listed', async () => {
    const routes: FakeRoutes = {
      ...emptyOrgRoutes(ORG),
      [`GET /orgs/${ORG}/members?role=admin`]: forbidden('Must be an organization member'),
      [`GET /orgs/${ORG}/personal-access-tokens`]: {
        items: [patGrant(org, { id: 1, tokenId: 9, name: 't', owner: 'maybe-member', selection: 'none', permissions: {}, grantedAt: ago(5), expiresAt: ago(-5), lastUsedAt: ago(1) })],
      },
    };
    delete routes[`GET /orgs/${ORG}/members`];
    const local = await startFakeGitHub(routes);
    try {
      const res = await collect({ scanner: githubScanner, options: testOptions(local, { org: [ORG] }), now });
      assert.deepEqual(res.errors.map((e) => [e.operation, e.code]), [['GET /orgs/{org}/members', 'forbidden']]);
      assert.match(res.errors[0].fix ?? '', /read:org/);
      assert.ok(res.notes.some((n) => /cannot be detected/.test(n.message)));
      const pat = res.records.find((r): r is IdentityRecord => r.type === 'identity' && r.kind === 'fine_grained_pat');
      assert.equal(pat?.owner, 'maybe-member');
    } finally {
      await local.close();
    }
  });

  it('fails the target with an explained error when the organisation cannot be read', async () => {
    const res = await collect({ scanner: githubScanner, options: testOptions(server, { org: ['no-such-org'] }), now });
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].code, 'not-found');
    assert.match(res.errors[0].fix ?? '', /--org/);
    assert.equal(res.targets.find((t) => t.key === 'github:no-such-org')?.state, 'failed');
  });
});

describe('github scanner: normalization', () => {
  let server: LocalServer;
  let res: AcceptanceResult;
  const grantsOf = (id: string) => res.records.filter((r): r is GrantRecord => r.type === 'grant' && r.identityId === id).map((g) => `${g.role}=${g.privilege}@${g.resource}`).sort();
  const identity = (pred: (i: IdentityRecord) => boolean) => {
    const i = res.records.find((r): r is IdentityRecord => r.type === 'identity' && pred(r));
    assert.ok(i);
    return i;
  };
  before(async () => {
    const routes: FakeRoutes = {
      [`GET /orgs/${ORG}/members?role=admin`]: { items: [user('owner-1')] },
      [`GET /orgs/${ORG}/members`]: { items: [user('owner-1'), user('dev-2')] },
      [`GET /orgs/${ORG}/outside_collaborators`]: { items: [user('contractor-3')] },
      [`GET /orgs/${ORG}/installations`]: {
        items: [
          installation(org, 1, 'all-writer', { contents: 'write', metadata: 'read' }, { selection: 'all', createdAt: ago(50) }),
          installation(org, 2, 'some-writer', { contents: 'write', metadata: 'read' }, { selection: 'selected', createdAt: ago(50) }),
          installation(org, 3, 'people-admin', { members: 'write', organization_administration: 'read' }, { selection: 'selected', createdAt: ago(50) }),
          installation(org, 4, 'dev-2s-app', { issues: 'write' }, { selection: 'selected', createdAt: ago(50) }),
          installation(org, 5, 'in-house', { issues: 'write' }, { selection: 'selected', createdAt: ago(50) }),
        ],
        wrap: 'installations',
      },
      ['GET /apps/all-writer']: notFound(),
      ['GET /apps/some-writer']: notFound(),
      ['GET /apps/people-admin']: notFound(),
      ['GET /apps/dev-2s-app']: { status: 200, body: app('dev-2s-app', 'Dev 2 app', 'dev-2', {}, ago(60), 'User') },
      ['GET /apps/in-house']: { status: 200, body: app('in-house', 'In-house', 'Octo-Org', {}, ago(60)) },
      [`GET /orgs/${ORG}/personal-access-tokens`]: {
        items: [
          patGrant(org, { id: 11, tokenId: 501, name: 'gone', owner: 'left-the-org', selection: 'all', permissions: { repository: { contents: 'write' }, organization: { members: 'read' } }, grantedAt: ago(100), expiresAt: null, lastUsedAt: null }),
          patGrant(org, { id: 12, tokenId: 502, name: 'mine', owner: 'contractor-3', selection: 'none', permissions: { organization: { members: 'read' } }, grantedAt: ago(10), expiresAt: ago(-20), lastUsedAt: ago(1) }),
        ],
      },
      [`GET /orgs/${ORG}/personal-access-token-requests`]: { items: [] },
      [`GET /orgs/${ORG}/credential-authorizations`]: { items: [] },
      [`GET /orgs/${ORG}/hooks`]: { items: [orgHook(org, { id: 5, url: 'https://hooks.example/in?token=supersecretquerytoken123', secret: false, events: ['push'], createdAt: ago(9) })] },
      [`GET /orgs/${ORG}/actions/secrets`]: { items: [orgSecret('GOOGLE_CREDENTIALS', ago(30), ago(10), 'selected', org), orgSecret('AZURE_CLIENT_SECRET', ago(30), ago(10))], wrap: 'secrets' },
      [`GET /orgs/${ORG}/dependabot/secrets`]: { items: [], wrap: 'secrets' },
      [`GET /orgs/${ORG}/secret-scanning/alerts`]: { items: [secretAlert(org, { number: 4, repo: 'svc', secretType: 'github_personal_access_token', displayName: 'GitHub Personal Access Token', secret: LEAKED, validity: 'unknown', createdAt: ago(3), path: 'ci/run.sh', line: 2, commit: 'a'.repeat(40) })] },
      [`GET /orgs/${ORG}/repos`]: { items: [repo(org, 'svc')] },
      [`GET /repos/${org}/svc/keys`]: {
        items: [
          // An older GitHub Enterprise Server: no last_used / added_by / enabled fields.
          deployKey(`${org}/svc`, { id: 22, title: 'app-key', readOnly: false, createdAt: ago(4), addedBy: 'deployer-app[bot]', lastUsed: ago(1) }),
          (() => {
            const k = deployKey(`${org}/svc`, { id: 21, title: 'ghes-key', readOnly: true, createdAt: ago(4), addedBy: null, lastUsed: null });
            delete k.last_used;
            delete k.added_by;
            delete k.enabled;
            return k;
          })(),
        ],
      },
      [`GET /repos/${org}/svc/actions/secrets`]: { items: [], wrap: 'secrets' },
      [`GET /repos/${org}/svc/environments`]: { items: [environment(`${org}/svc`, 'staging', ago(9))], wrap: 'environments' },
      [`GET /repos/${org}/svc/environments/staging/secrets`]: { items: [repoSecret('ARM_CLIENT_SECRET', ago(8), ago(8))], wrap: 'secrets' },
      [`GET /repos/${org}/svc/hooks`]: { items: [repoHook(`${org}/svc`, { id: 9, url: 'https://ci.example/x?key=repohookquerysecret99', secret: true, events: ['push'], createdAt: ago(5) })] },
    };
    server = await startFakeGitHub(routes);
    res = await assertScannerAcceptance({ scanner: githubScanner, options: testOptions(server, { org: [ORG] }), now, secrets: [LEAKED, 'supersecretquerytoken123', 'repohookquerysecret99'] });
  });
  after(async () => {
    res?.cleanup();
    await server?.close();
  });

  it('normalizes App permissions: contents write on all repositories and members write are admin', () => {
    assert.deepEqual(grantsOf(`github:${org}/installation/1`), [`contents:write=admin@github:${org}`, `metadata:read=read@github:${org}`]);
    assert.deepEqual(grantsOf(`github:${org}/installation/2`), [`contents:write=write@github:${org}/selected-repositories`, `metadata:read=read@github:${org}/selected-repositories`]);
    assert.deepEqual(grantsOf(`github:${org}/installation/3`), [`members:write=admin@github:${org}`, `organization_administration:read=read@github:${org}`]);
    const unknown = identity((i) => i.id === `github:${org}/installation/1`);
    assert.equal(unknown.thirdParty, undefined, 'publisher unknown: third-party not guessed');
    assert.equal(unknown.lastUsedSource, null, 'GitHub has no last-use data for installations');
    const personal = identity((i) => i.id === `github:${org}/installation/4`);
    assert.equal(personal.thirdParty, true, 'published from a member\'s personal account');
    assert.equal(personal.attributes?.publisherIsMember, true);
    assert.equal(personal.owner, 'dev-2');
    const inHouse = identity((i) => i.id === `github:${org}/installation/5`);
    assert.equal(inHouse.thirdParty, false, 'publisher login compared case-insensitively');
  });

  it('owns a fine-grained PAT by its owner while they are a member or collaborator; unowned once they left', () => {
    const gone = identity((i) => i.id === `github:${org}/fine-grained-pat/501`);
    assert.equal(gone.owner, null);
    assert.equal(gone.attributes?.formerOwner, 'left-the-org');
    assert.equal(gone.lastUsedAt, null);
    assert.equal(gone.lastUsedSource, 'token_last_used_at', 'never used, but GitHub has the data');
    assert.deepEqual(grantsOf(gone.id), [`contents:write=admin@github:${org}`, `members:read=read@github:${org}`]);
    const mine = identity((i) => i.id === `github:${org}/fine-grained-pat/502`);
    assert.equal(mine.owner, 'contractor-3');
    assert.equal(mine.ownerSource, 'github:token_owner');
    const cred = res.records.find((r): r is CredentialRecord => r.type === 'credential' && r.id === gone.id);
    assert.equal(cred?.attributes?.neverExpires, true);
    assert.equal(cred?.keyId, '501');
  });

  it('leaves last use unknown when the API does not return it, and keeps webhook URL paths and leaked values out', () => {
    const key = identity((i) => i.kind === 'deploy_key' && i.name.startsWith('ghes-key'));
    assert.equal(key.lastUsedSource, null);
    assert.equal(key.owner, null);
    const byApp = identity((i) => i.kind === 'deploy_key' && i.name.startsWith('app-key'));
    assert.equal(byApp.owner, 'deployer-app[bot]', 'an App bot is not a departed member');
    assert.equal(byApp.lastUsedSource, 'last_used');
    const repoLevel = identity((i) => i.kind === 'webhook' && i.attributes?.level === 'repository');
    assert.equal(repoLevel.id, `github:${org}/svc/hook/9`);
    assert.equal(repoLevel.attributes?.insecureAuth, undefined, 'it has a secret');
    const hook = identity((i) => i.kind === 'webhook' && i.attributes?.level === 'organization');
    assert.equal(hook.attributes?.targetHost, 'hooks.example');
    assert.match(String(hook.attributes?.insecureAuth), /without a signing secret/);
    const leak = res.records.find((r): r is CredentialRecord => r.type === 'credential' && r.kind === 'hardcoded_secret');
    assert.equal(leak?.preview, `${LEAKED.slice(0, 4)}…${LEAKED.slice(-4)}`);
    assert.equal(leak?.location?.path, 'ci/run.sh');
    assert.equal(leak?.location?.line, 2);
    assert.equal(leak?.status, 'unknown');
    assert.equal(leak?.keyId, `github-token:…${LEAKED.slice(-8)}`, 'a GitHub token is known by its last eight');
  });

  it('marks cloud keys in CI secrets by provider', () => {
    const clouds = res.records
      .filter((r): r is CredentialRecord => r.type === 'credential' && r.kind === 'ci_secret')
      .map((c) => [c.name, c.attributes?.cloudProvider, c.rotatedAt])
      .sort();
    assert.deepEqual(clouds, [
      ['ARM_CLIENT_SECRET', 'azure', ago(8)],
      ['AZURE_CLIENT_SECRET', 'azure', ago(10)],
      ['GOOGLE_CREDENTIALS', 'gcp', ago(10)],
    ]);
    const env = res.records.find((r): r is CredentialRecord => r.type === 'credential' && r.name === 'ARM_CLIENT_SECRET');
    assert.equal(env?.id, `github:${org}/svc/environment/staging/actions-secret/ARM_CLIENT_SECRET`);
    assert.equal(env?.attributes?.environment, 'staging');
  });
});

describe('github scanner: interruption', () => {
  it('stops promptly when the scan is aborted, with no request started afterwards beyond those in flight', async () => {
    const controller = new AbortController();
    const repos = Array.from({ length: 60 }, (_, i) => repo(org, `r${i}`));
    let keysServed = 0;
    const routes: FakeRoutes = {
      ...emptyOrgRoutes(ORG),
      [`GET /orgs/${ORG}/members`]: { items: [user('alice')] },
      [`GET /orgs/${ORG}/repos`]: { items: repos },
    };
    for (const r of repos) {
      routes[`GET /repos/${org}/${r.name}/keys`] = () => {
        if (++keysServed === 5) controller.abort();
        return { items: [] };
      };
      routes[`GET /repos/${org}/${r.name}/actions/secrets`] = { items: [], wrap: 'secrets' };
      routes[`GET /repos/${org}/${r.name}/hooks`] = { items: [] };
      routes[`GET /repos/${org}/${r.name}/environments`] = { items: [], wrap: 'environments' };
    }
    const server = await startFakeGitHub(routes, { delayMs: 5 });
    try {
      const { sink } = recordingProgress();
      const options = testOptions(server, { org: [ORG] });
      const ctx = { options, config: defaultConfig(), env: {}, secrets: createProtector(Buffer.alloc(32, 7)), progress: sink, signal: controller.signal, now };
      const [target] = await githubScanner.targets(ctx);
      await assert.rejects(async () => {
        for await (const _ of githubScanner.scan({ ...ctx, target })) void _;
      });
      const servedAfterAbort = server.requests.filter((r) => /\/keys$/.test(r.path)).length;
      assert.ok(servedAfterAbort <= 5 + 4, `keys requests: ${servedAfterAbort}`);
      assert.equal(explainGitHubError(Object.assign(new Error('aborted'), { name: 'AbortError' })).code, 'aborted');
    } finally {
      await server.close();
    }
  });
});
