// A cluster API endpoint for tests: the demo cluster's objects (or others) served over HTTPS
// with a certificate made here, trusted through certificate-authority-data in a kubeconfig.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, type LocalServer } from '../../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { kubernetesScanner } from '../../../scanners/kubernetes/index.js';
import { kubernetesApiHandler, type ApiServerOptions, type ClusterEstate } from '../../../scanners/kubernetes/demo/api-server.js';
import { buildDemoCluster } from '../../../scanners/kubernetes/demo/cluster.js';
import { kubeconfigText, makeLocalCertificate } from '../../../scanners/kubernetes/demo/demo.js';
import type { KubernetesOptions } from '../../../scanners/kubernetes/options.js';

export const TEST_CLUSTER = 'acme-prod-eks';

export interface TestCluster {
  server: LocalServer;
  estate: ClusterEstate;
  kubeconfig: string;
  dir: string;
  options: KubernetesOptions;
  /** The token values of the Secrets served (raw and base64): none may reach a record. */
  secretValues: string[];
  stop(): Promise<void>;
}

export async function startTestCluster(opts: ApiServerOptions & { now?: Date; extraContexts?: string } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-k8s-test-'));
  const tls = makeLocalCertificate(dir);
  if (!tls) throw new Error('openssl is needed to make the test certificate');
  const token = ['test', 'reader', String(process.pid)].join('-');
  const estate = buildDemoCluster(opts.now ?? new Date(), token);
  const server = await startLocalServer(kubernetesApiHandler(estate, opts), { tls });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText({ server: server.url, caPem: tls.cert, token, cluster: TEST_CLUSTER, context: 'acme-prod' }) + (opts.extraContexts ?? ''));
  const secretValues: string[] = [];
  for (const s of estate.resources.secrets ?? []) {
    for (const v of Object.values((s.data ?? {}) as Record<string, string>)) secretValues.push(v, Buffer.from(v, 'base64').toString('utf8'));
  }
  const options = { ...(resolveScannerOptions(kubernetesScanner, { flags: {}, env: {}, section: undefined }) as KubernetesOptions), kubeconfig: [kubeconfig], pageSize: 3, maxRetries: 2, retryBaseMs: 10 };
  return {
    server,
    estate,
    kubeconfig,
    dir,
    options,
    secretValues,
    stop: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
