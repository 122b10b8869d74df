// The GitHub demo estate through the real Octokit (App + token auth, Link pagination) and the
// real pipeline, inventory and rules: the headline risks are found, their healthy
// counterparts are not, and no secret value reaches a record or the database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialRecord, GrantRecord, IdentityRecord, ScanRecord } from '../../../src/model/records.js';
import type { DemoEndpoint } from '../../../src/scanners/contract.js';
import { githubScanner } from '../../../scanners/github/index.js';
import type { GitHubOptions } from '../../../scanners/github/options.js';
import { DEMO_GITHUB, fakeClassicPat, fakeSlackToken } from '../../../scanners/github/demo/estate.js';
import { DEMO } from '../../../src/demo/estate.js';
import { assertScannerAcceptance, type AcceptanceResult } from '../../helpers/scanner-acceptance.js';

const now = new Date('2026-11-20T12:00:00Z');
const ORG = DEMO_GITHUB.org;

let demo: DemoEndpoint<GitHubOptions>;
let res: AcceptanceResult;

const identities = () => res.records.filter((r): r is IdentityRecord => r.type === 'identity');
const credentials = () => res.records.filter((r): r is CredentialRecord => r.type === 'credential');
const grants = () => res.records.filter((r): r is GrantRecord => r.type === 'grant');
const byName = (kind: string, prefix: string) => {
  const found = identities().find((i) => i.kind === kind && i.name.startsWith(prefix));
  assert.ok(found, `${kind} ${prefix} not found`);
  return found;
};
const findingsOf = (id: string) => res.findings.filter((f) => f.identityId === id).map((f) => `${f.ruleId}:${f.severity}`).sort();

describe('github demo estate', () => {
  before(async () => {
    demo = await githubScanner.demo!({ now, workDir: '/tmp' });
    const t0 = Date.now();
    res = await assertScannerAcceptance({
      scanner: githubScanner,
      options: demo.options,
      now,
      secrets: [String(demo.options.token), fakeSlackToken(), fakeClassicPat(), 'demoPathToken000000', String(demo.options.appPrivateKey).split('\n')[5]],
    });
    assert.ok(Date.now() - t0 < 15_000, 'demo scan is fast');
  });
  after(async () => {
    res?.cleanup();
    await demo?.stop();
  });

  it('scans the organisation completely, with 40-80 identities', () => {
    assert.deepEqual(res.errors, []);
    assert.deepEqual(res.completedTargets, [`github:${ORG}`]);
    const n = identities().length;
    assert.ok(n >= 40 && n <= 80, `identities: ${n}`);
    const kinds = new Set(identities().map((i) => i.kind));
    for (const k of ['github_app', 'fine_grained_pat', 'classic_pat', 'ssh_key', 'deploy_key', 'webhook', 'bot_account']) assert.ok(kinds.has(k), k);
  });

  it('flags the write deploy key of the departed member as unowned, and keeps healthy keys owned', () => {
    const risky = byName('deploy_key', DEMO_GITHUB.risky.departedDeployKey);
    assert.equal(risky.owner, null);
    assert.equal(risky.attributes?.formerOwner, DEMO.github.departedMember);
    assert.ok(grants().some((g) => g.identityId === risky.id && g.privilege === 'write' && g.resource === `github:${ORG}/infra`));
    assert.ok(findingsOf(risky.id).some((f) => f.startsWith('unowned:')));
    const healthy = byName('deploy_key', DEMO_GITHUB.healthy.deployKey);
    assert.equal(healthy.owner, 'alice-owner');
    assert.equal(healthy.ownerSource, 'github:added_by');
    assert.deepEqual(findingsOf(healthy.id), []);
  });

  it('flags the never-expiring classic PAT with admin:org, not the expiring one', () => {
    const risky = byName('classic_pat', DEMO_GITHUB.risky.classicAdminPat);
    const cred = credentials().find((c) => c.identityId === risky.id);
    assert.equal(cred?.attributes?.neverExpires, true);
    assert.ok(grants().some((g) => g.identityId === risky.id && g.role === 'admin:org' && g.privilege === 'admin'));
    const f = findingsOf(risky.id);
    assert.ok(f.includes('god-mode:high'), f.join());
    assert.ok(res.findings.some((x) => x.ruleId === 'long-lived' && x.credentialId === cred?.id && x.severity === 'high'));
    const healthy = byName('classic_pat', DEMO_GITHUB.healthy.classicPat);
    assert.deepEqual(findingsOf(healthy.id), []);
    assert.ok(!res.findings.some((x) => x.credentialId === credentials().find((c) => c.identityId === healthy.id)?.id));
  });

  it('flags the fine-grained PAT unused for a year, not the one used this week', () => {
    const risky = byName('fine_grained_pat', DEMO_GITHUB.risky.staleFineGrainedPat);
    assert.equal(risky.lastUsedSource, 'token_last_used_at');
    assert.ok(findingsOf(risky.id).some((f) => f.startsWith('stale:')));
    assert.deepEqual(risky.attributes?.repositories, [`${ORG}/billing`, `${ORG}/legacy-monolith`]);
    const healthy = byName('fine_grained_pat', DEMO_GITHUB.healthy.fineGrainedPat);
    assert.deepEqual(findingsOf(healthy.id), []);
  });

  it('flags the third-party app with administration write as critical God-mode, not first-party or read-only apps', () => {
    const risky = byName('github_app', DEMO_GITHUB.risky.thirdPartyAdminApp);
    assert.equal(risky.thirdParty, true);
    assert.equal(risky.owner, 'settings-sync-inc');
    const f = findingsOf(risky.id);
    assert.ok(f.includes('god-mode:critical'), f.join());
    assert.ok(f.includes('third-party-access:high'), f.join());
    const first = byName('github_app', DEMO_GITHUB.healthy.firstPartyApp);
    assert.equal(first.thirdParty, false);
    assert.deepEqual(findingsOf(first.id), []);
    const readOnly = byName('github_app', DEMO_GITHUB.healthy.thirdPartyReadApp);
    assert.equal(readOnly.thirdParty, true);
    assert.deepEqual(findingsOf(readOnly.id), []);
  });

  it('flags the org secrets holding static AWS keys, not the OIDC role ARN', () => {
    for (const name of DEMO_GITHUB.risky.staticAwsSecrets) {
      const c = credentials().find((x) => x.kind === 'ci_secret' && x.name === name);
      assert.equal(c?.attributes?.cloudProvider, 'aws');
      assert.equal(c?.attributes?.orgWorkflowsUseOidc, true);
      assert.ok(res.findings.some((f) => f.ruleId === 'static-ci-credential' && f.credentialId === c?.id));
      assert.ok(res.findings.some((f) => f.ruleId === 'long-lived' && f.credentialId === c?.id), 'not rotated for 420 days');
    }
    const oidc = credentials().filter((x) => x.name === DEMO_GITHUB.healthy.oidcSecret);
    assert.equal(oidc.length, 2);
    for (const c of oidc) assert.ok(!res.findings.some((f) => f.credentialId === c.id));
  });

  it('reports the webhook without a secret as insecure authentication, and keeps URL paths out', () => {
    const hooks = identities().filter((i) => i.kind === 'webhook');
    const insecure = hooks.filter((h) => res.findings.some((f) => f.identityId === h.id && f.ruleId === 'insecure-authentication'));
    assert.deepEqual(insecure.map((h) => h.attributes?.targetHost).sort(), ['audit.acme.example', 'build-status.payments.acme.example', DEMO_GITHUB.risky.insecureHookHost]);
    assert.ok(hooks.some((h) => h.attributes?.level === 'repository' && h.attributes?.targetHost === 'previews.acme.example' && !h.attributes?.insecureAuth));
    assert.ok(!JSON.stringify(hooks).includes('/services/'));
  });

  it('ties the leaked AWS key id from secret scanning to the shared demo key, as an active leak', () => {
    const leak = credentials().find((c) => c.kind === 'hardcoded_secret' && c.keyId === DEMO.aws.leakedAccessKeyId);
    assert.ok(leak);
    assert.equal(leak.attributes?.validity, 'active');
    assert.equal(leak.location?.repo, `${ORG}/${DEMO.repo.name}`);
    assert.match(leak.id, /^secret:[0-9a-f]{64}$/);
    // The id is the keyed hash of the value, so it differs between the two runs' hash keys: match by key id.
    assert.ok(res.findings.some((f) => f.ruleId === 'leaked-credential' && (f.evidence as { keyId?: string }).keyId === DEMO.aws.leakedAccessKeyId && f.severity === 'critical'));
    const slack = credentials().find((c) => c.kind === 'hardcoded_secret' && c.attributes?.secretType === 'slack_api_token');
    assert.equal(slack?.status, 'inactive');
    assert.equal(slack?.preview, 'xoxb…S4'.replace('S4', fakeSlackToken().slice(-4)));
  });

  it('ties the classic PAT that secret scanning found in a repository to its SAML authorization: critical', () => {
    const pat = byName('classic_pat', DEMO_GITHUB.risky.classicAdminPat);
    const cred = credentials().find((c) => c.identityId === pat.id);
    const leak = credentials().find((c) => c.kind === 'hardcoded_secret' && c.attributes?.secretType === 'github_personal_access_token');
    assert.equal(leak?.keyId, cred?.keyId);
    assert.equal(leak?.keyId, `github-token:…${fakeClassicPat().slice(-8)}`);
    const f = res.findings.find((x) => x.ruleId === 'leaked-credential' && (x.evidence as { keyId?: string }).keyId === cred?.keyId);
    assert.equal(f?.severity, 'critical');
    assert.match(f?.message ?? '', /ACTIVE pat .*terraform-github-provider.*admin-equivalent/);
  });

  it('finds bot accounts among members and outside collaborators, with the admin bot as God-mode', () => {
    const bots = identities().filter((i) => i.kind === 'bot_account').map((i) => i.name).sort();
    assert.deepEqual(bots, Object.values(DEMO_GITHUB.bots).sort());
    const release = byName('bot_account', DEMO_GITHUB.bots.release);
    assert.ok(grants().some((g: ScanRecord & GrantRecord) => g.identityId === release.id && g.privilege === 'admin'));
  });
});
