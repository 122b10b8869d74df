// Run as a pod runs it: no kubeconfig, KUBERNETES_SERVICE_HOST/PORT set, and the service account's
// token, CA and namespace at /var/run/secrets/kubernetes.io/serviceaccount. A private mount
// namespace (unshare, as the read-only inventory test uses) puts a folder of ours there, and the
// built CLI scans the test cluster through the client's own in-cluster loading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startTestCluster } from './helpers.js';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Asynchronous: the test cluster answers from this process's event loop.
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('in a pod: the service account mounted at the standard path and the service host are used', { timeout: 60_000 }, async () => {
  const cluster = await startTestCluster();
  try {
    const run1 = join(cluster.dir, 'run');
    const sa = join(run1, 'secrets', 'kubernetes.io', 'serviceaccount');
    mkdirSync(sa, { recursive: true });
    // The kubeconfig the helper wrote names the token and CA the cluster accepts.
    const kubeconfig = (await import('node:fs')).readFileSync(cluster.kubeconfig, 'utf8');
    const token = /token: (\S+)/.exec(kubeconfig)?.[1];
    const ca = /certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1];
    assert.ok(token && ca, 'the test kubeconfig carries a token and a CA');
    writeFileSync(join(sa, 'token'), token);
    writeFileSync(join(sa, 'ca.crt'), Buffer.from(ca, 'base64'));
    writeFileSync(join(sa, 'namespace'), 'nhi-system');
    const db = join(cluster.dir, 'nhi.db');
    const bin = fileURLToPath(new URL('../../../bin/nhi', import.meta.url));
    const port = new URL(cluster.server.url).port;
    const script = `mount --bind "${run1}" /run && "${process.execPath}" "${bin}" scan kubernetes --db "${db}"`;
    const env = { ...process.env, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port, KUBECONFIG: '', HOME: cluster.dir, NHI_DB: '', CI: '1' };
    const r = await run('unshare', ['-rm', 'sh', '-c', script], env);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    // Every request carried the mounted token.
    const api = cluster.server.requests.filter((q) => q.path.startsWith('/api'));
    assert.ok(api.length > 0, 'the cluster was read');
    assert.ok(api.every((q) => q.headers.authorization === `Bearer ${token}`), 'the mounted token is the credential');
    const inv = new Database(db, { readonly: true });
    try {
      const n = (inv.prepare("SELECT count(*) AS n FROM identities WHERE provider = 'kubernetes' AND kind = 'service_account'").get() as { n: number }).n;
      const expected = cluster.estate.resources.serviceaccounts?.length ?? 0;
      assert.ok(expected > 0);
      assert.equal(n, expected);
      const target = inv.prepare('SELECT target_key AS k, status FROM scan_targets').all() as { k: string; status: string }[];
      assert.deepEqual(target.map((t) => t.status), ['complete']);
      assert.match(target[0]!.k, /in-cluster/);
    } finally {
      inv.close();
    }
  } finally {
    await cluster.stop();
  }
});

test('in a pod without a mounted token: the cluster target fails with the token path and the fix', { timeout: 60_000 }, async () => {
  const cluster = await startTestCluster();
  try {
    const empty = join(cluster.dir, 'run');
    mkdirSync(empty, { recursive: true });
    const bin = fileURLToPath(new URL('../../../bin/nhi', import.meta.url));
    const script = `mount --bind "${empty}" /run && "${process.execPath}" "${bin}" scan kubernetes --db "${join(cluster.dir, 'nhi.db')}"`;
    const env = { ...process.env, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(cluster.server.url).port, KUBECONFIG: '', HOME: cluster.dir, NHI_DB: '', CI: '1' };
    const r = await run('unshare', ['-rm', 'sh', '-c', script], env);
    assert.equal(r.status, 4, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /no service account token at \/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token/);
    assert.match(r.stdout + r.stderr, /automountServiceAccountToken/);
    assert.equal(cluster.server.requests.length, 0, 'no request without a credential');
  } finally {
    await cluster.stop();
  }
});
