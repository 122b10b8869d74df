// Owners from the GitHub organisation audit log through the real Octokit against a local endpoint in
// GitHub's wire format: actors resolved to people (a member's public e-mail links a login to their
// commits), declared owners who left flagged, the 180-day window, and repository administrators as
// the fallback when the plan has no audit log (a note, never an error).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OwnerCandidateRecord } from '../../../src/model/records.js';
import { githubScanner } from '../../../scanners/github/index.js';
import { demoRoutes, DEMO_GITHUB } from '../../../scanners/github/demo/estate.js';
import { auditRoutes } from '../../../scanners/github/demo/audit-log.js';
import { notFound } from '../../../scanners/github/demo/fake-github.js';
import { user } from '../../../scanners/github/demo/fixtures.js';
import { assertScannerAcceptance, collect, type AcceptanceResult } from '../../helpers/scanner-acceptance.js';
import { startFakeGitHub, testOptions, type FakeGitHub } from './helpers.js';

const now = new Date('2026-11-20T12:00:00Z');
const ORG = DEMO_GITHUB.org;
const routes = (fault?: Parameters<typeof auditRoutes>[1]) => ({ ...demoRoutes({ now, installationToken: 'ghs_test' }), ...auditRoutes(now, fault) });
const candidates = (recs: { type: string }[]) => recs.filter((r): r is OwnerCandidateRecord => r.type === 'owner_candidate');
const line = (c: OwnerCandidateRecord) => `${c.identityId.replace(`github:${ORG}/`, '')} ${c.source} ${c.event} ${c.person}${c.departed ? ' departed' : ''}`;

describe('github owners: with the audit log', () => {
  let server: FakeGitHub;
  let res: AcceptanceResult;
  before(async () => {
    server = await startFakeGitHub(routes());
    res = await assertScannerAcceptance({ scanner: githubScanner, options: testOptions(server, { org: [ORG], ownersFromLogs: true }), now });
  });
  after(async () => {
    res?.cleanup();
    await server?.close();
  });

  it('turns audit events and departed declared owners into candidates, resolving logins to public e-mails', () => {
    assert.deepEqual(candidates(res.records).map(line).sort(), [
      'account/25544591 github-audit-log org.add_member alice@acme.example',
      'auth-service/deploy-key/6112 github-audit-log public_key.create heidi.schmidt@acme.example',
      'credential-authorization/9306 github-api credential_owner github:former-contractor departed',
      'fine-grained-pat/880105 github-api token_owner github:former-contractor departed',
      'hook/4101 github-audit-log hook.create github:bob-platform',
      'infra/deploy-key/6101 github-api added_by github:former-contractor departed',
      'INSTALLATION',
    ].map((l) => (l === 'INSTALLATION' ? candidates(res.records).map(line).find((x) => x.includes('integration_installation.create alice@acme.example')) ?? 'missing installation' : l)).sort());
    const key = candidates(res.records).find((c) => c.event === 'public_key.create')!;
    assert.equal(key.handle, 'heidi-sec');
  });

  it('leaves out events older than the 180 days the audit log keeps', () => {
    assert.ok(!candidates(res.records).some((c) => c.event === 'personal_access_token.request_created'));
  });

  it('flags departed owners and names the suggested owner of an unowned deploy key', () => {
    const departed = res.findings.filter((f) => f.ruleId === 'owner-departed').map((f) => f.identityId).sort();
    assert.deepEqual(departed, [`github:${ORG}/credential-authorization/9306`, `github:${ORG}/fine-grained-pat/880105`, `github:${ORG}/infra/deploy-key/6101`]);
    const unowned = res.findings.find((f) => f.ruleId === 'unowned' && f.identityId === `github:${ORG}/auth-service/deploy-key/6112`);
    assert.match(unowned?.message ?? '', /probably heidi\.schmidt@acme\.example: created by heidi\.schmidt@acme\.example on \d{4}-\d\d-\d\d via the GitHub audit log \(public_key\.create\)/);
  });
});

describe('github owners: without the audit log (not on this plan)', () => {
  it('says so in a note and falls back to repository administrators', async () => {
    const r = routes(notFound());
    r[`GET /repos/${ORG}/auth-service/collaborators?affiliation=direct&permission=admin`] = { items: [user('heidi-sec'), user('renovate[bot]', 'Bot')] };
    const server = await startFakeGitHub(r);
    try {
      const got = await collect({ scanner: githubScanner, options: testOptions(server, { org: [ORG], ownersFromLogs: true }), now });
      assert.deepEqual(got.errors.filter((e) => (e.operation ?? '').includes('audit')), []);
      assert.match(got.notes.map((n) => n.message).join('\n'), /the audit log of acme-corp is not available \(404: it needs GitHub Enterprise Cloud/);
      const admins = candidates(got.records).filter((c) => c.source === 'repo-admin').map(line);
      assert.deepEqual(admins, ['auth-service/deploy-key/6112 repo-admin admin of acme-corp/auth-service heidi.schmidt@acme.example']);
      assert.equal(candidates(got.records).filter((c) => c.departed).length, 3, 'departed declared owners do not need the audit log');
    } finally {
      await server.close();
    }
  });

  it('reads nothing more without --owners-from-logs', async () => {
    const server = await startFakeGitHub(routes());
    try {
      const got = await collect({ scanner: githubScanner, options: testOptions(server, { org: [ORG] }), now });
      assert.equal(candidates(got.records).length, 0);
      assert.ok(!server.requests.some((q) => q.path.endsWith('/audit-log') || q.path.startsWith('/users/')));
    } finally {
      await server.close();
    }
  });
});
