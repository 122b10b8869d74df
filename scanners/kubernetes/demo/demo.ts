// `nhi scan --demo`, Kubernetes part: the demo cluster served over HTTPS on 127.0.0.1 with a
// certificate made on the spot (openssl), trusted through certificate-authority-data in a
// kubeconfig written to the demo's scratch folder. Without openssl it is served over HTTP.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalServer } from '../../../src/demo/local-server.js';
import type { DemoEndpoint, DemoInput } from '../../../src/scanners/contract.js';
import type { KubernetesOptions } from '../options.js';
import { kubernetesApiHandler } from './api-server.js';
import { buildDemoCluster, DEMO_CLUSTER, DEMO_CONTEXT } from './cluster.js';

/** A self-signed certificate for 127.0.0.1, or null when openssl is not installed. */
export function makeLocalCertificate(dir: string): { key: string; cert: string } | null {
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, 'api-server.key');
  const certPath = join(dir, 'api-server.crt');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  } catch {
    return null;
  }
}

/** A kubeconfig with one context pointing at `server`, trusting `caPem` and sending `token`. */
export function kubeconfigText(input: { server: string; caPem: string | null; token: string; cluster: string; context: string }): string {
  const ca = input.caPem ? `\n    certificate-authority-data: ${Buffer.from(input.caPem).toString('base64')}` : '';
  return `apiVersion: v1
kind: Config
clusters:
- name: ${input.cluster}
  cluster:
    server: ${input.server}${ca}
users:
- name: ${input.context}-reader
  user:
    token: ${input.token}
contexts:
- name: ${input.context}
  context:
    cluster: ${input.cluster}
    user: ${input.context}-reader
current-context: ${input.context}
`;
}

export async function startKubernetesDemo(input: DemoInput): Promise<DemoEndpoint<KubernetesOptions>> {
  const dir = join(input.workDir, 'kubernetes');
  const tls = makeLocalCertificate(dir);
  const token = ['demo', 'reader', randomBytes(8).toString('hex')].join('-');
  const server = await startLocalServer(kubernetesApiHandler(buildDemoCluster(input.now, token), { maxPage: 5 }), tls ? { tls } : {});
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, kubeconfigText({ server: server.url, caPem: tls?.cert ?? null, token, cluster: DEMO_CLUSTER, context: DEMO_CONTEXT }), { mode: 0o600 });
  return {
    options: { kubeconfig: [path], pageSize: 5, maxRetries: 2, retryBaseMs: 20 },
    stop: () => server.close(),
  };
}
