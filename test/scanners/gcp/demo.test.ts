import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialRecord, IdentityRecord, TrustRecord } from '../../../src/model/records.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { assertScannerAcceptance } from '../../helpers/scanner-acceptance.js';
import { gcpScanner } from '../../../scanners/gcp/index.js';
import { DEMO_GCP, demoKeyId } from '../../../scanners/gcp/demo/estate.js';
import type { GcpOptions } from '../../../scanners/gcp/options.js';

test('gcp demo: the headline risky identities and their healthy counterparts', async (t) => {
  const now = new Date();
  const workDir = mkdtempSync(join(tmpdir(), 'nhi-gcp-demo-'));
  t.after(() => rmSync(workDir, { recursive: true, force: true }));
  const demo = await gcpScanner.demo!({ now, workDir });
  t.after(() => demo.stop());
  const options = { ...(resolveScannerOptions(gcpScanner, { flags: {}, env: {}, section: undefined }) as GcpOptions), ...demo.options };
  const res = await assertScannerAcceptance({ scanner: gcpScanner, options, now, secrets: [String(demo.options.accessToken)] });
  t.after(() => res.cleanup());
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.deepEqual(res.completedTargets.filter((k) => k !== 'gcp:discovery').sort(), ['gcp:acme-ci', 'gcp:acme-data', 'gcp:acme-prod']);

  const ids = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
  const sas = ids.filter((i) => i.kind === 'service_account');
  assert.ok(ids.length >= 40 && ids.length <= 80, `identities: ${ids.length}`);
  const findings = res.findings.map((f) => ({ rule: f.ruleId, id: f.identityId, cred: f.credentialId, severity: f.severity, message: f.message }));
  const has = (rule: string, id: string) => findings.some((f) => f.rule === rule && f.id === id);

  // The default compute account holding Editor.
  const compute = `${DEMO_GCP.numbers.prod}-compute@developer.gserviceaccount.com`;
  assert.equal(sas.find((s) => s.id === compute)?.attributes?.defaultServiceAccount, 'compute-engine');
  assert.ok(has('god-mode', compute));
  // A 3-year-old user-managed key that never expires.
  const oldKey = demoKeyId('legacy-batch/2023');
  const key = res.records.find((r): r is CredentialRecord => r.type === 'credential' && r.id === oldKey)!;
  assert.equal(key.attributes?.neverExpires, true);
  assert.equal(key.identityId, DEMO_GCP.oldKeyAccount);
  assert.ok(findings.some((f) => f.rule === 'long-lived' && f.cred === oldKey && /never expires/.test(f.message)));
  // A service account unused for 200 days: Google reports activity at Pacific midnight (07:00Z), so
  // before 07:00 UTC the count is 199.
  assert.ok(findings.some((f) => f.rule === 'stale' && f.id === DEMO_GCP.staleAccount && /\b(199|200) days/.test(f.message)));
  // Token creator project-wide for the CI account.
  assert.ok(findings.some((f) => f.rule === 'god-mode' && f.id === DEMO_GCP.ciAccount && /serviceAccountTokenCreator/.test(f.message)));
  // An outside-domain Owner can act as the CI account.
  assert.ok(findings.some((f) => f.rule === 'external-trust' && f.id === DEMO_GCP.ciAccount && f.message.includes(DEMO_GCP.outsideOwner)));
  const edge = res.records.find((r): r is TrustRecord => r.type === 'trust' && r.identityId === DEMO_GCP.ciAccount && r.principal === DEMO_GCP.outsideOwner)!;
  assert.deepEqual(edge.attributes?.roles, ['roles/owner']);

  // Healthy: keyless workload-identity accounts with owners, used recently, narrow roles: no findings at all.
  const healthy = sas.filter((s) => s.attributes?.keyless === true && s.owner && !s.attributes?.defaultServiceAccount);
  assert.ok(healthy.length >= 25, `healthy accounts: ${healthy.length}`);
  const quiet = healthy.filter((s) => !findings.some((f) => f.id === s.id));
  assert.ok(quiet.length >= 20, `accounts with no finding: ${quiet.length}`);
  for (const name of ['api-runtime@acme-prod', 'etl-runner@acme-data', 'artifact-pusher@acme-ci']) {
    assert.ok(healthy.some((s) => s.id.startsWith(name)), name);
  }
  // Pinned GitHub federation on the CI deployer is not a risk; the any-repository pool is.
  const ciFederation = res.records.filter((r): r is TrustRecord => r.type === 'trust' && r.identityId === DEMO_GCP.ciAccount && r.principalType === 'federated');
  assert.equal(ciFederation.length, 1);
  assert.equal(ciFederation[0].risk, null);
  assert.ok(findings.some((f) => f.rule === 'external-trust' && f.id === 'gh-actions-any@acme-ci.iam.gserviceaccount.com' && /without pinning/.test(f.message)));
  // GKE workload identity (a Kubernetes service account) is federation, pinned to one namespace/name.
  const gke = res.records.find((r): r is TrustRecord => r.type === 'trust' && r.identityId === 'api-runtime@acme-prod.iam.gserviceaccount.com' && r.principal.includes('svc.id.goog'))!;
  assert.equal(gke.principalType, 'federated');
  assert.equal(gke.risk, null);
  // Google's service agents are present but never stale or unowned.
  const agents = ids.filter((i) => i.kind === 'service_agent');
  assert.ok(agents.length >= 2);
  assert.ok(!findings.some((f) => agents.some((a) => a.id === f.id) && (f.rule === 'stale' || f.rule === 'unowned')));
});
