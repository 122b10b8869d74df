// The kubernetes scanner: one target per kubeconfig context (or the pod's own cluster); service
// accounts, their legacy token Secrets, RBAC grants, workload identity links and the workloads
// running as each service account.
import { defineScanner } from '../../src/scanners/contract.js';
import { KubeApiError } from './api.js';
import { clusterTargets, kubeconfigFiles, KubeconfigError } from './kubeconfig.js';
import { KUBERNETES_OPTIONS, type KubernetesOptions } from './options.js';
import { failure, scanCluster } from './scan.js';
import { startKubernetesDemo } from './demo/demo.js';

export const kubernetesScanner = defineScanner<KubernetesOptions>({
  name: 'kubernetes',
  provider: 'kubernetes',
  title: 'Kubernetes',
  description:
    'Service accounts in every namespace, their legacy token Secrets (metadata only), RBAC resolved to admin-equivalent grants, workload identity links to AWS, GCP and Azure identities, and the workloads running as each service account.',
  needs: [
    'A kubeconfig (--kubeconfig, KUBECONFIG or ~/.kube/config; exec plugins such as aws eks get-token run as kubectl runs them) or the in-cluster service account',
    'Network access to each cluster API server',
    'Read-only RBAC: get and list on serviceaccounts, secrets (metadata only is requested), pods, deployments, statefulsets, daemonsets, cronjobs, roles, rolebindings, clusterroles and clusterrolebindings (the nhi-reader ClusterRole in scanners/kubernetes/README.md)',
  ],
  options: KUBERNETES_OPTIONS,
  isConfigured(options, env, hasConfigSection) {
    return hasConfigSection || !!options.inCluster || (options.context?.length ?? 0) > 0 || kubeconfigFiles(options, env).length > 0 || !!env.KUBERNETES_SERVICE_HOST;
  },
  async targets(ctx) {
    return clusterTargets(ctx.options, ctx.env);
  },
  scan(ctx) {
    return scanCluster(ctx);
  },
  explainError(err) {
    if (err instanceof KubeconfigError) return { code: 'kubeconfig', fix: err.hint, message: err.message };
    if (err instanceof KubeApiError) {
      const r = failure(err, null);
      return { code: r.code, fix: r.fix ?? undefined, message: r.message };
    }
    return { code: 'api-error', message: (err as Error)?.message ?? String(err) };
  },
  demo: startKubernetesDemo,
});

export default kubernetesScanner;
