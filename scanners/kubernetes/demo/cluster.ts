// The demo cluster: a CI service account bound to cluster-admin with a legacy token from 2021,
// a namespace whose default service account may create pods, an IRSA-annotated service account
// that becomes the demo's AWS admin role, and healthy workloads beside them.
import { randomBytes } from 'node:crypto';
import { DEMO } from '../../../src/demo/estate.js';
import type { ClusterEstate } from './api-server.js';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

export const DEMO_CLUSTER = 'acme-prod-eks';
export const DEMO_CONTEXT = 'acme-prod';
/** The AWS demo's admin role an application service account is annotated with. */
export const DEMO_IRSA_ROLE = `arn:aws:iam::${DEMO.aws.accounts.prod}:role/db-migration-admin`;

let uidSeq = 0;
function meta(name: string, namespace: string | null, created: string, extra: Json = {}): Json {
  uidSeq++;
  const uid = `6f1c2d3e-0000-4000-8000-${String(uidSeq).padStart(12, '0')}`;
  return { name, ...(namespace ? { namespace } : {}), uid, resourceVersion: String(1000 + uidSeq), creationTimestamp: created, ...extra };
}

/** A token Secret's data, made at run time: the scanner must never keep it. */
export function tokenData(): Json {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return { token: b64([Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url'), randomBytes(24).toString('base64url'), randomBytes(24).toString('base64url')].join('.')), 'ca.crt': b64('demo-ca'), namespace: b64('ns') };
}

export function buildDemoCluster(now: Date, token: string): ClusterEstate {
  uidSeq = 0;
  const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const day = (days: number) => ago(days).slice(0, 10);
  const sa = (ns: string, name: string, created: string, extra: Json = {}, top: Json = {}) => ({ metadata: meta(name, ns, created, extra), ...top });
  const podSpec = (saName: string) => ({ serviceAccountName: saName, containers: [{ name: 'app', image: 'registry.example/app:1' }] });
  const template = (saName: string) => ({ metadata: { labels: { app: saName } }, spec: podSpec(saName) });
  const namespaces = ['default', 'kube-system', 'ci', 'payments', 'web', 'monitoring'];
  const clusterBorn = ago(1900);
  const secrets: Json[] = [
    {
      // The CI deployer's legacy token: created in 2021, never expires, used this week.
      metadata: meta('ci-deployer-token', 'ci', '2021-03-14T09:12:00Z', {
        annotations: { 'kubernetes.io/service-account.name': 'ci-deployer', 'kubernetes.io/service-account.uid': 'ci-deployer-uid' },
        labels: { 'kubernetes.io/legacy-token-last-used': day(2) },
      }),
      type: 'kubernetes.io/service-account-token',
      data: tokenData(),
    },
    {
      // A reporting exporter's token nobody has used for 220 days.
      metadata: meta('legacy-exporter-token', 'payments', ago(700), {
        annotations: { 'kubernetes.io/service-account.name': 'legacy-exporter' },
        labels: { 'kubernetes.io/legacy-token-last-used': day(220) },
      }),
      type: 'kubernetes.io/service-account-token',
      data: tokenData(),
    },
    { metadata: meta('payments-db', 'payments', ago(300)), type: 'Opaque', data: { password: Buffer.from(randomBytes(12)).toString('base64') } },
  ];
  return {
    token,
    resources: {
      serviceaccounts: [
        ...namespaces.map((ns) => sa(ns, 'default', clusterBorn)),
        sa('kube-system', 'coredns', clusterBorn, { labels: { team: 'platform-eng', 'eks.amazonaws.com/component': 'coredns' } }),
        sa('ci', 'ci-deployer', '2021-03-14T09:10:00Z', { labels: { 'app.kubernetes.io/part-of': 'ci' } }),
        sa('payments', 'payments-api', ago(400), { labels: { owner: 'team-payments' }, annotations: { 'eks.amazonaws.com/role-arn': DEMO_IRSA_ROLE } }),
        sa('payments', 'legacy-exporter', ago(700), { labels: { owner: 'team-data' } }),
        sa('web', 'frontend', ago(500), { labels: { owner: 'team-web' } }, { automountServiceAccountToken: false }),
        sa('web', 'report-runner', ago(200), { labels: { owner: 'team-web' } }),
        sa('monitoring', 'prometheus', ago(600), { labels: { owner: 'platform-eng' } }),
      ],
      secrets,
      deployments: [
        { metadata: meta('coredns', 'kube-system', clusterBorn), spec: { replicas: 2, template: template('coredns') } },
        { metadata: meta('payments-api', 'payments', ago(400)), spec: { replicas: 3, template: template('payments-api') } },
        { metadata: meta('frontend', 'web', ago(500)), spec: { replicas: 3, template: template('frontend') } },
      ],
      statefulsets: [{ metadata: meta('prometheus', 'monitoring', ago(600)), spec: { serviceName: 'prometheus', template: template('prometheus') } }],
      daemonsets: [{ metadata: meta('node-exporter', 'monitoring', ago(600)), spec: { template: template('prometheus') } }],
      cronjobs: [{ metadata: meta('nightly-report', 'web', ago(200)), spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template: template('report-runner') } } } }],
      pods: [
        // A bare pod (no controller) running as the CI deployer: the pipeline's runner.
        { metadata: meta('ci-runner', 'ci', ago(1)), spec: podSpec('ci-deployer') },
        // A pod of a one-off Job (Jobs are not listed): its account is in use all the same.
        { metadata: meta('backfill-x7k2p', 'payments', ago(1), { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'backfill', uid: 'y', controller: true }] }), spec: podSpec('payments-api') },
        { metadata: meta('frontend-7d9c-abcde', 'web', ago(3), { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'frontend-7d9c', uid: 'x', controller: true }] }), spec: podSpec('frontend') },
      ],
      clusterroles: [
        { metadata: meta('cluster-admin', null, clusterBorn, { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }), rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] },
        { metadata: meta('system:coredns', null, clusterBorn), rules: [{ apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] }] },
        { metadata: meta('metrics-read', null, ago(600), { labels: { 'rbac.acme.example/aggregate-to-monitoring': 'true' } }), rules: [{ apiGroups: [''], resources: ['pods', 'nodes', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] }] },
        {
          metadata: meta('monitoring', null, ago(600)),
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.acme.example/aggregate-to-monitoring': 'true' } }] },
          rules: [],
        },
      ],
      clusterrolebindings: [
        {
          metadata: meta('ci-deployer-admin', null, '2021-03-14T09:15:00Z'),
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'ServiceAccount', name: 'ci-deployer', namespace: 'ci' }],
        },
        { metadata: meta('system:coredns', null, clusterBorn), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' }, subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }] },
        { metadata: meta('monitoring', null, ago(600)), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'monitoring' }, subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }] },
      ],
      roles: [
        { metadata: meta('pod-manager', 'payments', ago(350)), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'create', 'delete'] }] },
        { metadata: meta('config-reader', 'web', ago(500)), rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] },
        { metadata: meta('report-writer', 'web', ago(200)), rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'update', 'patch'] }] },
      ],
      rolebindings: [
        {
          // Every pod of the namespace that mounts the default token may create pods: run as any account of it.
          metadata: meta('default-pod-manager', 'payments', ago(350)),
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-manager' },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'payments' }],
        },
        { metadata: meta('frontend-config', 'web', ago(500)), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'config-reader' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts:web' }] },
        { metadata: meta('report-runner', 'web', ago(200)), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'report-writer' }, subjects: [{ kind: 'User', name: 'system:serviceaccount:web:report-runner', apiGroup: 'rbac.authorization.k8s.io' }] },
      ],
    },
  };
}
