// Authentication through the real Octokit auth strategies: a GitHub App (JWT, then an
// installation token per organisation) next to an owner's token, each endpoint asked with the
// credential GitHub accepts for it; organisation discovery; configuration errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdentityRecord } from '../../../src/model/records.js';
import { githubScanner } from '../../../scanners/github/index.js';
import type { FakeRoutes } from '../../../scanners/github/demo/fake-github.js';
import { classicPatAuthorization, installation, installationToken, orgSimple, patGrant, user } from '../../../scanners/github/demo/fixtures.js';
import { authMode } from '../../../scanners/github/client.js';
import { explainGitHubError } from '../../../scanners/github/errors.js';
import { scanDirect, startFakeGitHub, testOptions, type FakeGitHub } from './helpers.js';
import { collect } from '../../helpers/scanner-acceptance.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const INSTALL_TOKEN = ['ghs_', 'InstallTok3nForT3sts0nly000000000000'].join('');
const OWNER_TOKEN = 'owner-token-for-tests-0002';

function orgRoutes(org: string): FakeRoutes {
  return {
    [`GET /orgs/${org}/members?role=admin`]: { items: [] },
    [`GET /orgs/${org}/members`]: { items: [user('alice')] },
    [`GET /orgs/${org}/outside_collaborators`]: { items: [] },
    [`GET /orgs/${org}/installations`]: { items: [], wrap: 'installations' },
    [`GET /orgs/${org}/personal-access-tokens`]: {
      items: [patGrant(org, { id: 1, tokenId: 42, name: 'fg', owner: 'alice', selection: 'none', permissions: { organization: { members: 'read' } }, grantedAt: '2026-10-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z', lastUsedAt: '2026-11-19T00:00:00Z' })],
    },
    [`GET /orgs/${org}/personal-access-token-requests`]: { items: [] },
    [`GET /orgs/${org}/credential-authorizations`]: {
      items: [classicPatAuthorization({ id: 5, login: 'alice', note: 'cli', scopes: ['read:org'], authorizedAt: '2026-10-01T00:00:00Z', accessedAt: '2026-11-19T00:00:00Z', expiresAt: null, lastEight: 'abcd1234' })],
    },
    [`GET /orgs/${org}/hooks`]: { items: [] },
    [`GET /orgs/${org}/actions/secrets`]: { items: [], wrap: 'secrets' },
    [`GET /orgs/${org}/dependabot/secrets`]: { items: [], wrap: 'secrets' },
    [`GET /orgs/${org}/secret-scanning/alerts`]: { items: [] },
    [`GET /orgs/${org}/repos`]: { items: [] },
  };
}

describe('github scanner: authentication', () => {
  let server: FakeGitHub;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nhi-gh-auth-'));
    server = await startFakeGitHub({
      ...orgRoutes('app-org'),
      'GET /app/installations': {
        items: [
          installation('app-org', 77, 'nhi-inventory', { metadata: 'read' }, { createdAt: '2026-01-01T00:00:00Z', selection: 'all' }),
          installation('some-user', 78, 'nhi-inventory', { metadata: 'read' }, { createdAt: '2026-01-01T00:00:00Z', accountType: 'User' }),
        ],
      },
      'POST /app/installations/77/access_tokens': { status: 201, body: installationToken(INSTALL_TOKEN, '2099-01-01T00:00:00Z') },
      'GET /orgs/by-org/installation': { status: 200, body: installation('by-org', 88, 'nhi-inventory', { metadata: 'read' }, { createdAt: '2026-01-01T00:00:00Z' }) },
      'POST /app/installations/88/access_tokens': { status: 201, body: installationToken(INSTALL_TOKEN, '2099-01-01T00:00:00Z') },
      ...orgRoutes('by-org'),
      'GET /user/orgs': { items: [orgSimple('token-org')] },
      ...orgRoutes('token-org'),
      'GET /app/installations/88': { status: 200, body: installation('by-org', 88, 'nhi-inventory', { metadata: 'read' }, { createdAt: '2026-01-01T00:00:00Z' }) },
      'GET /app/installations/78': { status: 200, body: installation('some-user', 78, 'nhi-inventory', { metadata: 'read' }, { createdAt: '2026-01-01T00:00:00Z', accountType: 'User' }) },
    });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const authOf = (path: string) => [...new Set(server.requests.filter((r) => r.path === path).map((r) => String(r.headers.authorization ?? '').split(' ')[0]))];

  it('as an App without --org: finds the organisations it is installed on and asks each endpoint with the right credential', async () => {
    server.requests.length = 0;
    const { records, targets } = await scanDirect(testOptions(server, { token: OWNER_TOKEN, appId: '123', appPrivateKey: privateKey }));
    assert.deepEqual(targets, ['github:app-org']);
    assert.deepEqual(authOf('/app/installations'), ['bearer'], 'JWT for the App itself');
    const members = server.requests.find((r) => r.path === '/orgs/app-org/members');
    assert.equal(members?.headers.authorization, `token ${INSTALL_TOKEN}`, 'installation token for the organisation');
    assert.equal(server.requests.find((r) => r.path === '/orgs/app-org/personal-access-tokens')?.headers.authorization, `token ${INSTALL_TOKEN}`);
    assert.equal(server.requests.find((r) => r.path === '/orgs/app-org/credential-authorizations')?.headers.authorization, `token ${OWNER_TOKEN}`);
    const kinds = records.filter((r): r is IdentityRecord => r.type === 'identity').map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['classic_pat', 'fine_grained_pat']);
    assert.ok(!JSON.stringify(records).includes(INSTALL_TOKEN));
  });

  it('as an App with --org: finds the installation of that organisation; the key may be a file path', async () => {
    server.requests.length = 0;
    const keyFile = join(dir, 'app.pem');
    writeFileSync(keyFile, privateKey);
    const { targets, records } = await scanDirect(testOptions(server, { token: undefined, appId: '123', appPrivateKey: keyFile, org: ['by-org'] }));
    assert.deepEqual(targets, ['github:by-org']);
    assert.deepEqual(authOf('/orgs/by-org/installation'), ['bearer']);
    assert.ok(server.requests.some((r) => r.method === 'POST' && r.path === '/app/installations/88/access_tokens'));
    // Without a token the App asks for the SAML list too (GitHub would refuse; here it answers).
    assert.deepEqual(authOf('/orgs/by-org/credential-authorizations'), ['token']);
    assert.ok(records.some((r) => r.type === 'identity' && r.kind === 'fine_grained_pat'));
  });

  it('fails a target whose organisation does not have the App installed, with the fix', async () => {
    const res = await collect({ scanner: githubScanner, options: testOptions(server, { appId: '123', appPrivateKey: privateKey, org: ['no-app-org'] }) });
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].code, 'app-not-installed');
    assert.match(res.errors[0].fix ?? '', /Install the App on no-app-org/);
  });

  it('as an App with --app-installation-id and no --org: scans that installation\'s organisation', async () => {
    const { targets } = await scanDirect(testOptions(server, { token: undefined, appId: '123', appPrivateKey: privateKey, appInstallationId: '88' }));
    assert.deepEqual(targets, ['github:by-org']);
    await assert.rejects(() => scanDirect(testOptions(server, { token: undefined, appId: '123', appPrivateKey: privateKey, appInstallationId: '78' })), /does not belong to an organisation/);
  });

  it('scans several organisations as separate targets; a token seen in both gets one id per organisation', async () => {
    const res = await collect({ scanner: githubScanner, options: testOptions(server, { token: OWNER_TOKEN, org: ['token-org', 'By-Org'] }) });
    assert.deepEqual(res.completedTargets.sort(), ['github:by-org', 'github:token-org']);
    const pats = res.records.filter((r): r is IdentityRecord => r.type === 'identity' && r.kind === 'fine_grained_pat');
    assert.deepEqual(pats.map((p) => [p.id, p.scope]).sort(), [
      ['github:by-org/fine-grained-pat/42', 'github:by-org'],
      ['github:token-org/fine-grained-pat/42', 'github:token-org'],
    ]);
  });

  it('with a token and no --org: scans the organisations the token belongs to', async () => {
    const { targets } = await scanDirect(testOptions(server, { token: OWNER_TOKEN }));
    assert.deepEqual(targets, ['github:token-org']);
  });

  it('refuses to run without credentials, and with half an App', async () => {
    await assert.rejects(() => scanDirect({ org: ['x'] }), /needs a token or GitHub App credentials/);
    assert.throws(() => authMode({ appId: '1' }), /both --app-id and --app-private-key/);
    assert.throws(() => authMode({ appId: '1', appPrivateKey: '/no/such/key.pem' }), /neither a PEM private key nor a readable file/);
    const escaped = authMode({ appId: '1', appPrivateKey: privateKey.replace(/\n/g, '\\n') }).app?.privateKey;
    assert.ok(escaped?.trim() === privateKey.trim(), 'a PEM with escaped newlines (as env vars carry it) is restored');
  });

  it('a scan without credentials fails discovery with a fix line, like every other setup error', async () => {
    const res = await collect({ scanner: githubScanner, options: { org: ['x'] } });
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].code, 'config');
    assert.match(res.errors[0].fix ?? '', /GITHUB_TOKEN/);
  });

  it('decides when `nhi scan` runs it without being named', () => {
    assert.equal(githubScanner.isConfigured({}, { GITHUB_TOKEN: 'x' }, false), false, 'a bare Actions token is not intent');
    assert.equal(githubScanner.isConfigured({ org: ['acme'] }, {}, false), true);
    assert.equal(githubScanner.isConfigured({}, {}, true), true);
    assert.equal(githubScanner.isConfigured({ appId: '1', appPrivateKey: 'k' }, {}, false), true);
  });

  it('explains thrown errors with a code and a fix', () => {
    assert.equal(explainGitHubError({ status: 401, message: 'Bad credentials' }).code, 'unauthorized');
    assert.match(explainGitHubError({ status: 401 }).fix ?? '', /GITHUB_TOKEN/);
    assert.equal(explainGitHubError({ status: 404 }).code, 'not-found');
    assert.equal(explainGitHubError({ status: 403, message: 'You have exceeded a secondary rate limit' }).code, 'rate-limited');
    assert.equal(explainGitHubError({ status: 500, message: 'fetch failed' }).code, 'network');
    assert.equal(explainGitHubError({ status: 502, message: 'Bad Gateway' }).code, 'http-502');
  });
});
