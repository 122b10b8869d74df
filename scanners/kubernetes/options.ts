// Options of the kubernetes scanner: which kubeconfig and contexts, which namespaces, and how
// patient to be with a throttling API server.
import { defineOptions, type OptionsOf } from '../../src/scanners/contract.js';
import { MAX_RESPONSE_OPTION, REQUEST_TIMEOUT_OPTION } from '../../src/scanners/toolkit/options.js';


export const KUBERNETES_OPTIONS = defineOptions([
  {
    key: 'kubeconfig',
    flag: '--kubeconfig <path>',
    description: 'Kubeconfig file (repeat or comma-separate); default: KUBECONFIG, else ~/.kube/config',
    type: 'string[]',
  },
  { key: 'context', flag: '--context <name>', description: 'Context to scan (repeat or comma-separate); default: every context', type: 'string[]' },
  { key: 'namespace', flag: '--namespace <name>', description: 'Namespace to scan (repeat or comma-separate); default: every namespace', type: 'string[]' },
  {
    key: 'inCluster',
    flag: '--in-cluster',
    description: "Use the pod's own service account (default when running in a pod without a kubeconfig)",
    type: 'boolean',
    default: false,
  },
  { key: 'pageSize', flag: '--page-size <n>', description: 'Items per list page (limit)', type: 'number', default: 500 },
  { key: 'maxRetries', flag: '--max-retries <n>', description: 'Retries of a throttled or unavailable request', type: 'number', default: 6 },
  { key: 'retryBaseMs', flag: '--retry-base-ms <ms>', description: 'First retry delay (doubles per retry; Retry-After wins)', type: 'number', default: 1000 },
  REQUEST_TIMEOUT_OPTION,
  MAX_RESPONSE_OPTION,
]);

/** The Kubernetes scanner's options, typed from the list above. */
export type KubernetesOptions = OptionsOf<typeof KUBERNETES_OPTIONS>;
