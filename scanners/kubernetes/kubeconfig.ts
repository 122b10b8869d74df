// Kubeconfig resolution as kubectl does it: --kubeconfig, else KUBECONFIG (a path list), else
// ~/.kube/config; in a pod without any of them, the pod's own service account. Every context is
// a target unless --context names some.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ScanTarget } from '../../src/scanners/contract.js';
import type { KubernetesOptions } from './options.js';

export interface ClusterTarget {
  files: string[];
  inCluster: boolean;
  context: string;
  /** The kubeconfig's cluster name: ids and scopes are built from it. */
  cluster: string;
}

export class KubeconfigError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

const IN_CLUSTER = 'in-cluster';

export function kubeconfigFiles(options: KubernetesOptions, env: Record<string, string | undefined>): string[] {
  const given = (options.kubeconfig ?? []).map((f) => f.trim()).filter(Boolean);
  if (given.length > 0) return given;
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length > 0) return fromEnv;
  const home = env.HOME ?? env.USERPROFILE;
  const def = home ? join(home, '.kube', 'config') : null;
  return def && existsSync(def) ? [def] : [];
}

export function usesInCluster(options: KubernetesOptions, env: Record<string, string | undefined>): boolean {
  return !!options.inCluster || (kubeconfigFiles(options, env).length === 0 && !!env.KUBERNETES_SERVICE_HOST);
}

/** Where Kubernetes mounts a pod's service account token (the client's in-cluster loading reads it there). */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The merged kubeconfig (first file wins on a name defined twice, as kubectl merges). */
export function loadKubeconfig(files: string[], inCluster: boolean): KubeConfig {
  const kc = new KubeConfig();
  if (inCluster) {
    // The client reads these itself; without them it would send requests with no credential.
    if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
      throw new KubeconfigError('in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set', 'Run nhi inside a pod (Kubernetes sets them), or pass --kubeconfig <file>.');
    }
    if (!existsSync(SERVICE_ACCOUNT_TOKEN)) {
      throw new KubeconfigError(
        `in-cluster: no service account token at ${SERVICE_ACCOUNT_TOKEN}`,
        'Give the pod a service account whose token is mounted (automountServiceAccountToken: true), or pass --kubeconfig <file>.',
      );
    }
    kc.loadFromCluster();
    return kc;
  }
  if (files.length === 0) throw new KubeconfigError('no kubeconfig found', 'Pass --kubeconfig <file>, set KUBECONFIG, or create ~/.kube/config (e.g. aws eks update-kubeconfig).');
  for (const [i, f] of files.entries()) {
    if (!existsSync(f)) throw new KubeconfigError(`kubeconfig ${f} does not exist`, 'Fix --kubeconfig or KUBECONFIG to name an existing file.');
    const one = new KubeConfig();
    try {
      one.loadFromFile(f);
    } catch (err) {
      throw new KubeconfigError(`kubeconfig ${f} cannot be read: ${(err as Error).message}`, 'Check the file with `kubectl config view --kubeconfig <file>`.');
    }
    if (i === 0) {
      kc.loadFromOptions({ clusters: one.clusters, users: one.users, contexts: one.contexts, currentContext: one.currentContext });
      continue;
    }
    const known = (list: { name: string }[], name: string) => list.some((x) => x.name === name);
    for (const c of one.clusters) if (!known(kc.clusters, c.name)) kc.addCluster(c);
    for (const u of one.users) if (!known(kc.users, u.name)) kc.addUser(u);
    for (const c of one.contexts) if (!known(kc.contexts, c.name)) kc.addContext(c);
  }
  return kc;
}

export function clusterTargets(options: KubernetesOptions, env: Record<string, string | undefined>): ScanTarget[] {
  const inCluster = usesInCluster(options, env);
  const files = inCluster ? [] : kubeconfigFiles(options, env);
  if (inCluster) {
    const data: ClusterTarget = { files, inCluster, context: IN_CLUSTER, cluster: IN_CLUSTER };
    return [{ key: `kubernetes:${IN_CLUSTER}`, label: 'cluster (in-cluster)', data }];
  }
  const kc = loadKubeconfig(files, false);
  const wanted = (options.context ?? []).map((c) => c.trim()).filter(Boolean);
  const contexts = kc.getContexts();
  for (const w of wanted) {
    if (!contexts.some((c) => c.name === w)) {
      throw new KubeconfigError(`context ${w} is not in ${files.join(', ')}`, `Pick one of: ${contexts.map((c) => c.name).join(', ') || '(none)'} (kubectl config get-contexts).`);
    }
  }
  const chosen = wanted.length > 0 ? contexts.filter((c) => wanted.includes(c.name)) : contexts;
  return chosen.map((c) => {
    const data: ClusterTarget = { files, inCluster, context: c.name, cluster: c.cluster };
    return { key: `kubernetes:${c.name}`, label: `cluster ${c.cluster} (context ${c.name})`, data };
  });
}
