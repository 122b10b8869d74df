// The scanner through the real client (kubeconfig, TLS with certificate-authority-data, bearer
// token) against a local endpoint in the Kubernetes wire format: paging, metadata-only Secret
// lists, and the failures a cluster answers with (403, 401, 410 Gone, 429 Retry-After, unreachable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialRecord, IdentityRecord, ScanRecord } from '../../../src/model/records.js';
import { assertScannerAcceptance, collect } from '../../helpers/scanner-acceptance.js';
import { kubernetesScanner } from '../../../scanners/kubernetes/index.js';
import { EXPIRED_MESSAGE, forbidden, status } from '../../../scanners/kubernetes/demo/api-server.js';
import { startTestCluster } from './helpers.js';

const identities = (rs: ScanRecord[]) => rs.filter((r): r is IdentityRecord => r.type === 'identity');
const credentials = (rs: ScanRecord[]) => rs.filter((r): r is CredentialRecord => r.type === 'credential');

test('wire: lists page through metadata.continue and Secrets are asked for metadata only, by type', async (t) => {
  const c = await startTestCluster({ maxPage: 2 });
  t.after(() => c.stop());
  const res = await assertScannerAcceptance({ scanner: kubernetesScanner, options: c.options, secrets: c.secretValues });
  t.after(() => res.cleanup());
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.equal(identities(res.records).length, 13);
  const saCalls = c.server.requests.filter((r) => r.path === '/api/v1/serviceaccounts');
  // 13 accounts, at most 2 a page: 7 pages per scan, and the acceptance check scans three times.
  assert.equal(saCalls.length, 21);
  assert.equal(saCalls.filter((r) => r.query.get('continue')).length, 18);
  assert.ok(saCalls.every((r) => r.query.get('limit') === '3'));
  const secretCalls = c.server.requests.filter((r) => r.path === '/api/v1/secrets');
  assert.ok(secretCalls.length > 0);
  for (const r of secretCalls) {
    assert.equal(r.query.get('fieldSelector'), 'type=kubernetes.io/service-account-token');
    assert.match(String(r.headers.accept), /as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/);
  }
  assert.equal(credentials(res.records).length, 2);
});

test('wire: a server that sends whole Secrets anyway: the data is dropped before any record', async (t) => {
  const c = await startTestCluster({ fullObjectsOnly: true });
  t.after(() => c.stop());
  const res = await assertScannerAcceptance({ scanner: kubernetesScanner, options: c.options, secrets: c.secretValues });
  t.after(() => res.cleanup());
  const creds = credentials(res.records);
  assert.equal(creds.length, 2);
  assert.ok(creds.every((x) => x.attributes?.neverExpires === true && x.lastUsedAt));
  assert.ok(c.secretValues.some((v) => v.length > 20), 'the fixture really holds token values');
});

test('wire: 429 with Retry-After is waited out and retried', async (t) => {
  let throttled = 0;
  const c = await startTestCluster({
    hook: (req) => {
      if (req.path === '/api/v1/serviceaccounts' && !req.query.get('continue') && throttled < 1) {
        throttled++;
        return { status: 429, body: status(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: 1 }), headers: { 'Retry-After': '1' } };
      }
      return undefined;
    },
  });
  t.after(() => c.stop());
  const started = Date.now();
  const res = await collect({ scanner: kubernetesScanner, options: c.options });
  assert.ok(Date.now() - started >= 1000, 'Retry-After (1 s) was honoured');
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.equal(res.targets.find((x) => x.key === 'kubernetes:acme-prod')?.retries, 1);
  assert.equal(identities(res.records).length, 13);
});

test('wire: throttling that never ends is an error naming the retries, not a hang', async (t) => {
  const c = await startTestCluster({
    hook: (req) => (req.path === '/apis/apps/v1/deployments' ? { status: 429, body: status(429, 'TooManyRequests', 'slow down'), headers: { 'Retry-After': '0' } } : undefined),
  });
  t.after(() => c.stop());
  const res = await collect({ scanner: kubernetesScanner, options: c.options });
  const e = res.errors.find((x) => x.operation === 'list deployments');
  assert.equal(e?.code, 'throttled');
  assert.match(e?.fix ?? '', /--max-retries/);
  assert.equal(c.server.requests.filter((r) => r.path === '/apis/apps/v1/deployments').length, 3);
});

test('wire: an expired continue token (410 Gone) restarts the list without duplicates', async (t) => {
  let expired = 0;
  const c = await startTestCluster({
    maxPage: 3,
    hook: (req) => {
      if (req.path === '/api/v1/serviceaccounts' && req.query.get('continue') && expired < 1) {
        expired++;
        return { status: 410, body: status(410, 'Expired', EXPIRED_MESSAGE) };
      }
      return undefined;
    },
  });
  t.after(() => c.stop());
  const res = await collect({ scanner: kubernetesScanner, options: c.options });
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  const ids = identities(res.records).map((i) => i.id);
  assert.equal(ids.length, 13);
  assert.equal(new Set(ids).size, 13);
  assert.equal(expired, 1);
});

test('wire: 403 on Secrets is a partial scan with the RBAC fix; 403 on service accounts fails the cluster', async (t) => {
  const c = await startTestCluster({
    hook: (req) => (req.path === '/api/v1/secrets' ? { status: 403, body: forbidden('secrets') } : undefined),
  });
  t.after(() => c.stop());
  const res = await collect({ scanner: kubernetesScanner, options: c.options });
  const e = res.errors.find((x) => x.operation === 'list secrets');
  assert.equal(e?.code, 'permission-denied');
  assert.match(e?.message ?? '', /cannot list resource "secrets"/);
  assert.match(e?.fix ?? '', /get and list on secrets.*nhi-reader ClusterRole/);
  assert.equal(identities(res.records).length, 13);
  assert.equal(credentials(res.records).length, 0);

  const d = await startTestCluster({ hook: (req) => (req.path === '/api/v1/serviceaccounts' ? { status: 403, body: forbidden('serviceaccounts') } : undefined) });
  t.after(() => d.stop());
  const failed = await collect({ scanner: kubernetesScanner, options: d.options });
  assert.deepEqual(failed.completedTargets, []);
  const f = failed.errors.find((x) => x.targetKey === 'kubernetes:acme-prod');
  assert.equal(f?.code, 'permission-denied');
  assert.match(f?.fix ?? '', /serviceaccounts/);
});

test('wire: a context whose cluster cannot be reached or rejects the token fails alone, with the fix', async (t) => {
  const extra = `- name: gone
  context:
    cluster: gone
    user: acme-prod-reader
`;
  const c = await startTestCluster({ extraContexts: '' });
  t.after(() => c.stop());
  // A second cluster on a port nobody listens on, added as another context.
  const { readFileSync, writeFileSync } = await import('node:fs');
  const text = readFileSync(c.kubeconfig, 'utf8')
    .replace('users:', `- name: gone\n  cluster:\n    server: https://127.0.0.1:1\nusers:`)
    .replace('current-context:', `${extra}current-context:`);
  writeFileSync(c.kubeconfig, text);
  const res = await collect({ scanner: kubernetesScanner, options: c.options });
  assert.deepEqual(res.completedTargets, ['kubernetes:acme-prod']);
  const e = res.errors.find((x) => x.targetKey === 'kubernetes:gone');
  assert.equal(e?.code, 'network');
  assert.match(e?.fix ?? '', /reachable/);

  // --context picks one; a context that is not there is a kubeconfig error listing the real ones.
  const only = await collect({ scanner: kubernetesScanner, options: { ...c.options, context: ['acme-prod'] } });
  assert.deepEqual(only.targets.map((x) => x.key).filter((k) => k !== 'kubernetes:discovery'), ['kubernetes:acme-prod']);
  const wrong = await collect({ scanner: kubernetesScanner, options: { ...c.options, context: ['nope'] } });
  assert.match(wrong.errors[0]?.fix ?? '', /acme-prod, gone/);

  const bad = await startTestCluster({ hook: (req) => (req.headers.authorization ? { status: 401, body: status(401, 'Unauthorized', 'Unauthorized') } : undefined) });
  t.after(() => bad.stop());
  const denied = await collect({ scanner: kubernetesScanner, options: bad.options });
  assert.equal(denied.errors[0]?.code, 'unauthenticated');
  assert.match(denied.errors[0]?.fix ?? '', /update-kubeconfig/);
});

test('wire: --namespace lists per namespace and keeps cluster-wide bindings to those namespaces', async (t) => {
  const c = await startTestCluster();
  t.after(() => c.stop());
  const res = await collect({ scanner: kubernetesScanner, options: { ...c.options, namespace: ['payments'] } });
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.deepEqual(identities(res.records).map((i) => i.name).sort(), ['payments/default', 'payments/legacy-exporter', 'payments/payments-api']);
  assert.ok(c.server.requests.some((r) => r.path === '/api/v1/namespaces/payments/serviceaccounts'));
  assert.ok(!c.server.requests.some((r) => r.path === '/api/v1/serviceaccounts'));
});

test('wire: an exec credential plugin in the kubeconfig is run for the token, as kubectl runs it', async (t) => {
  const c = await startTestCluster();
  t.after(() => c.stop());
  const { readFileSync, writeFileSync } = await import('node:fs');
  const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: c.estate.token } });
  const plugin = `    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ${JSON.stringify(process.execPath)}
      args: ["-e", ${JSON.stringify(`process.stdout.write(${JSON.stringify(credential)})`)}]
      interactiveMode: Never
`;
  const text = readFileSync(c.kubeconfig, 'utf8').replace(/ {4}token: .*\n/, plugin);
  assert.ok(!/^ {4}token:/m.test(text), 'the static token is gone: only the plugin can authenticate');
  writeFileSync(c.kubeconfig, text);
  const res = await collect({ scanner: kubernetesScanner, options: c.options });
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.equal(identities(res.records).length, 13);
});
