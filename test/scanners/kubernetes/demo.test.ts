// The demo cluster scanned through the real client over HTTPS: the story's identities,
// credentials, grants and trusts, and the findings they raise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialRecord, GrantRecord, IdentityRecord, TrustRecord } from '../../../src/model/records.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { assertScannerAcceptance } from '../../helpers/scanner-acceptance.js';
import { kubernetesScanner } from '../../../scanners/kubernetes/index.js';
import { DEMO_CLUSTER, DEMO_IRSA_ROLE } from '../../../scanners/kubernetes/demo/cluster.js';
import { accountId, secretId } from '../../../scanners/kubernetes/scan.js';
import type { KubernetesOptions } from '../../../scanners/kubernetes/options.js';

const sa = (ns: string, name: string) => accountId(DEMO_CLUSTER, ns, name);

test('kubernetes demo: cluster-admin CI account with a 2021 token, pod-create default account, IRSA to the AWS admin role', async (t) => {
  const now = new Date();
  const workDir = mkdtempSync(join(tmpdir(), 'nhi-k8s-demo-'));
  t.after(() => rmSync(workDir, { recursive: true, force: true }));
  const started = Date.now();
  const demo = await kubernetesScanner.demo!({ now, workDir });
  t.after(() => demo.stop());
  const options = { ...(resolveScannerOptions(kubernetesScanner, { flags: {}, env: {}, section: undefined }) as KubernetesOptions), ...demo.options };
  const res = await assertScannerAcceptance({ scanner: kubernetesScanner, options, now });
  t.after(() => res.cleanup());
  assert.ok(Date.now() - started < 8000, 'demo part is fast');
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.deepEqual(res.completedTargets, ['kubernetes:acme-prod']);

  const ids = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
  assert.equal(ids.length, 13);
  const ci = ids.find((i) => i.id === sa('ci', 'ci-deployer'))!;
  assert.deepEqual(ci.attributes?.workloads, ['Pod/ci-runner']);
  const api = ids.find((i) => i.id === sa('payments', 'payments-api'))!;
  assert.deepEqual(api.attributes?.workloads, ['Deployment/payments-api'], 'a Job-owned pod is not a workload of its own');
  assert.equal(api.attributes?.runningPods, 1);
  const exporter = ids.find((i) => i.id === sa('payments', 'legacy-exporter'))!;
  assert.equal(exporter.attributes?.inUse, false);
  assert.equal(exporter.lastUsedSource, 'label:kubernetes.io/legacy-token-last-used');
  const token = res.records.find((r): r is CredentialRecord => r.type === 'credential' && r.id === secretId(DEMO_CLUSTER, 'ci', 'ci-deployer-token'))!;
  assert.equal(token.identityId, ci.id);
  assert.equal(token.kind, 'sa_token');
  assert.equal(token.createdAt, '2021-03-14T09:12:00.000Z');
  assert.equal(token.attributes?.neverExpires, true);
  // The Opaque Secret is never listed (field selector) and no token data reaches a record.
  assert.equal(res.records.filter((r) => r.type === 'credential').length, 2);
  assert.ok(!JSON.stringify(res.records).includes('"data"'));

  const grants = res.records.filter((r): r is GrantRecord => r.type === 'grant');
  const admin = (id: string) => grants.filter((g) => g.identityId === id && g.privilege === 'admin');
  assert.equal(admin(ci.id)[0]?.role, 'ClusterRole/cluster-admin');
  assert.match(admin(sa('payments', 'default'))[0]?.evidence ?? '', /create pods/);
  assert.equal(grants.find((g) => g.identityId === sa('monitoring', 'prometheus'))?.privilege, 'read', 'aggregated role resolved to its read rules');
  assert.equal(admin(sa('monitoring', 'prometheus')).length, 0);
  assert.ok(grants.some((g) => g.identityId === sa('web', 'frontend') && g.via === 'group'));

  const irsa = res.records.find((r): r is TrustRecord => r.type === 'trust' && r.principal === sa('payments', 'payments-api'))!;
  assert.equal(irsa.identityId, DEMO_IRSA_ROLE);

  const findings = res.findings.map((f) => ({ rule: f.ruleId, id: f.identityId, cred: f.credentialId, message: f.message }));
  assert.ok(findings.some((f) => f.rule === 'god-mode' && f.id === ci.id), JSON.stringify(findings));
  assert.ok(findings.some((f) => f.rule === 'god-mode' && f.id === sa('payments', 'default')));
  assert.ok(findings.some((f) => f.rule === 'long-lived' && f.cred === token.id));
  assert.ok(findings.some((f) => f.rule === 'stale' && f.cred === secretId(DEMO_CLUSTER, 'payments', 'legacy-exporter-token')));
  // Healthy workloads and Kubernetes's own default accounts (even when a group binding reaches them) raise nothing.
  for (const healthy of [sa('web', 'frontend'), sa('web', 'default'), sa('monitoring', 'prometheus'), sa('kube-system', 'coredns'), sa('web', 'report-runner')]) {
    assert.deepEqual(findings.filter((f) => f.id === healthy), [], healthy);
  }
});
