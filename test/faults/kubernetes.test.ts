// The Kubernetes scanner's network layer under faults, through the real client's kubeconfig
// handling over HTTPS: a server that never answers times out (retried, then the target's error
// with its fix), a list answer that is not JSON is an error and never an empty list, and an answer
// past --max-response-mb is refused before it fills memory.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalServer, type LocalServer } from '../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../src/scan/options.js';
import { kubernetesScanner } from '../../scanners/kubernetes/index.js';
import { kubernetesApiHandler } from '../../scanners/kubernetes/demo/api-server.js';
import { buildDemoCluster } from '../../scanners/kubernetes/demo/cluster.js';
import { kubeconfigText, makeLocalCertificate } from '../../scanners/kubernetes/demo/demo.js';
import type { KubernetesOptions } from '../../scanners/kubernetes/options.js';
import { tempDir } from '../helpers/temp.js';
import { raw, stalled, type Fault } from './faults.js';
import { runScanner } from './run.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

const SERVICE_ACCOUNTS = '/api/v1/serviceaccounts';

/** The demo cluster over HTTPS, with `faults` answering in place of some paths. */
async function faultyCluster(faults: Record<string, Fault>, extra: Partial<KubernetesOptions> = {}): Promise<{ server: LocalServer; options: KubernetesOptions }> {
  const dir = tempDir();
  const tls = makeLocalCertificate(dir);
  if (!tls) throw new Error('openssl is needed to make the test certificate');
  const token = ['fault', 'reader', String(process.pid)].join('-');
  const inner = kubernetesApiHandler(buildDemoCluster(new Date('2026-11-20T12:00:00Z'), token), {});
  const server = await startLocalServer((req, res) => {
    const f = faults[req.path];
    return f ? f(res) : inner(req, res);
  }, { tls });
  servers.push(server);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText({ server: server.url, caPem: tls.cert, token, cluster: 'faulty', context: 'faulty' }));
  const base = resolveScannerOptions(kubernetesScanner, { flags: {}, env: {}, section: undefined }) as KubernetesOptions;
  return { server, options: { ...base, kubeconfig: [kubeconfig], maxRetries: 1, retryBaseMs: 10, ...extra } };
}

describe('kubernetes faults', () => {
  it('a list that never answers times out, is retried, and fails with the timeout and its fix', async () => {
    const { server, options } = await faultyCluster({ [SERVICE_ACCOUNTS]: stalled }, { requestTimeout: 0.5 });
    const run = await runScanner(kubernetesScanner, options);
    assert.ok(run.elapsedMs < 10_000, `took ${run.elapsedMs} ms (the default timeout is 30 s)`);
    const err = run.errors.find((e) => e.code === 'timeout');
    assert.ok(err, JSON.stringify(run.errors));
    assert.match(err.fix ?? '', /--request-timeout/);
    assert.equal(server.requests.filter((r) => r.path === SERVICE_ACCOUNTS).length, 2, 'first try + 1 retry');
    assert.ok(run.targets.every((t) => t.state !== 'complete'), JSON.stringify(run.targets));
  });

  it('a list answer that is not JSON is an error for that list, never an empty list', async () => {
    const { options } = await faultyCluster({ [SERVICE_ACCOUNTS]: raw(200, '<html>proxy login</html>', 'text/html') });
    const run = await runScanner(kubernetesScanner, options);
    const err = run.errors.find((e) => e.code === 'malformed-response');
    assert.ok(err, JSON.stringify(run.errors));
    assert.doesNotMatch(err.message, /proxy login/, 'no raw body text in the error');
    assert.ok(run.targets.every((t) => t.state !== 'complete'), JSON.stringify(run.targets));
  });

  it('an answer larger than --max-response-mb is refused, not read into memory', async () => {
    const huge = JSON.stringify({ kind: 'ServiceAccountList', items: [], metadata: {}, padding: 'x'.repeat(3 * 1048576) });
    const { options } = await faultyCluster({ [SERVICE_ACCOUNTS]: raw(200, huge) }, { maxResponseMb: 1 });
    const run = await runScanner(kubernetesScanner, options);
    const err = run.errors.find((e) => e.code === 'response-too-large');
    assert.ok(err, JSON.stringify(run.errors));
    assert.match(err.fix ?? '', /--max-response-mb/);
    assert.ok(run.targets.every((t) => t.state !== 'complete'), JSON.stringify(run.targets));
  });
});
