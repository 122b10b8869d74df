// One cluster's scan: service accounts, their legacy token Secrets (metadata only), RBAC
// resolved to grants, workload identity annotations as trusts, and the workloads running as each.
import type { CredentialRecord, ErrorRecord, GrantRecord, IdentityRecord, ScanRecord, TrustRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { KubeApiError, KubeClient, METADATA_ONLY_ACCEPT, type KubeObject } from './api.js';
import { maxResponseBytes, requestTimeoutMs } from '../../src/scanners/toolkit/options.js';
import { loadKubeconfig, type ClusterTarget } from './kubeconfig.js';
import type { KubernetesOptions } from './options.js';
import { boundAccounts, effectiveRules, indexAccounts, judgeRules, type BindingObject, type PolicyRule, type RoleObject } from './rbac.js';

export const TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';
export const IRSA = 'eks.amazonaws.com/role-arn';
export const GKE_WI = 'iam.gke.io/gcp-service-account';
export const AZURE_WI = 'azure.workload.identity/client-id';
export const AZURE_TENANT = 'azure.workload.identity/tenant-id';

export const accountId = (cluster: string, ns: string, name: string) => `kubernetes://${cluster}/namespaces/${ns}/serviceaccounts/${name}`;
export const secretId = (cluster: string, ns: string, name: string) => `kubernetes://${cluster}/namespaces/${ns}/secrets/${name}`;
export const clusterScope = (cluster: string) => `kubernetes:${cluster}`;

interface Account {
  namespace: string;
  name: string;
  id: string;
  obj: KubeObject & { automountServiceAccountToken?: boolean };
  workloads: string[];
  /** Pods running as it now (owned or not). */
  pods: string[];
  tokenLastUsed: string | null;
}

const iso = (v: string | null | undefined): string | null => {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

/** Workload kinds, where their pod template keeps the service account name. */
const WORKLOADS: { kind: string; group: string; resource: string; spec: (o: Json) => Json | undefined }[] = [
  { kind: 'Deployment', group: '/apis/apps/v1', resource: 'deployments', spec: (o) => dig(o, 'spec', 'template', 'spec') },
  { kind: 'StatefulSet', group: '/apis/apps/v1', resource: 'statefulsets', spec: (o) => dig(o, 'spec', 'template', 'spec') },
  { kind: 'DaemonSet', group: '/apis/apps/v1', resource: 'daemonsets', spec: (o) => dig(o, 'spec', 'template', 'spec') },
  { kind: 'CronJob', group: '/apis/batch/v1', resource: 'cronjobs', spec: (o) => dig(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec') },
  { kind: 'Pod', group: '/api/v1', resource: 'pods', spec: (o) => dig(o, 'spec') },
];
type Json = Record<string, unknown>;
function dig(o: Json, ...path: string[]): Json | undefined {
  let at: unknown = o;
  for (const p of path) at = at && typeof at === 'object' ? (at as Json)[p] : undefined;
  return at && typeof at === 'object' ? (at as Json) : undefined;
}

export function failure(err: unknown, resource: string | null): ErrorRecord {
  if ((err as Error)?.name === 'AbortError') throw err;
  if (err instanceof KubeApiError) {
    const fault: Record<string, string> = { Timeout: 'timeout', ResponseTooLarge: 'response-too-large', MalformedResponse: 'malformed-response' };
    const code =
      (err.reason && fault[err.reason]) ??
      (err.httpStatus === 403 ? 'permission-denied' : err.httpStatus === 401 ? 'unauthenticated' : err.httpStatus === 429 ? 'throttled' : err.httpStatus === 410 ? 'expired' : err.httpStatus === null ? 'network' : 'api-error');
    return { type: 'error', operation: err.operation, code, message: err.message, fix: err.hint, resource };
  }
  throw err;
}

export async function* scanCluster(ctx: ScanContext<KubernetesOptions>): AsyncGenerator<ScanRecord> {
  const t = ctx.target.data as ClusterTarget;
  const kc = loadKubeconfig(t.files, t.inCluster);
  if (!t.inCluster) kc.setCurrentContext(t.context);
  const o = ctx.options;
  const client = new KubeClient(kc, {
    pageSize: o.pageSize ?? 500,
    maxRetries: o.maxRetries ?? 6,
    retryBaseMs: o.retryBaseMs ?? 1000,
    progress: ctx.progress,
    signal: ctx.signal,
    timeoutMs: requestTimeoutMs(o),
    maxBytes: maxResponseBytes(o),
  });
  const cluster = t.cluster;
  const scope = clusterScope(cluster);
  const namespaces = (o.namespace ?? []).map((n) => n.trim()).filter(Boolean);
  // Namespaced lists: cluster-wide in one call, or once per --namespace.
  const paths = (prefix: string, resource: string) => (namespaces.length ? namespaces.map((ns) => `${prefix}/namespaces/${ns}/${resource}`) : [`${prefix}/${resource}`]);
  async function* listAll<T extends KubeObject>(operation: string, prefix: string, resource: string, opts: { accept?: string; fieldSelector?: string } = {}): AsyncGenerator<T> {
    for (const p of paths(prefix, resource)) for await (const item of client.list(operation, p, opts)) yield item as T;
  }

  // Service accounts first: a cluster we cannot read them from fails as a whole (with the fix).
  const accounts: Account[] = [];
  for await (const sa of listAll<Account['obj']>('list serviceaccounts', '/api/v1', 'serviceaccounts')) {
    const ns = sa.metadata?.namespace ?? '';
    const name = sa.metadata?.name ?? '';
    accounts.push({ namespace: ns, name, id: accountId(cluster, ns, name), obj: sa, workloads: [], pods: [], tokenLastUsed: null });
  }
  const byKey = new Map(accounts.map((a) => [`${a.namespace}/${a.name}`, a]));

  // Legacy tokens: metadata only. A server that ignores the metadata-only Accept sends `data`,
  // which is dropped here, before anything else sees the object.
  const credentials: CredentialRecord[] = [];
  try {
    for await (const s of listAll('list secrets', '/api/v1', 'secrets', { accept: METADATA_ONLY_ACCEPT, fieldSelector: `type=${TOKEN_TYPE}` })) {
      delete s.data;
      delete s.stringData;
      const m = s.metadata ?? {};
      const ns = m.namespace ?? '';
      const saName = m.annotations?.['kubernetes.io/service-account.name'];
      const holder = saName ? byKey.get(`${ns}/${saName}`) : undefined;
      const lastUsed = iso(m.labels?.[LAST_USED_LABEL]);
      const invalidSince = iso(m.labels?.[INVALID_SINCE_LABEL]);
      if (holder && lastUsed && (!holder.tokenLastUsed || lastUsed > holder.tokenLastUsed)) holder.tokenLastUsed = lastUsed;
      credentials.push({
        type: 'credential',
        id: secretId(cluster, ns, m.name ?? ''),
        identityId: holder?.id ?? (saName ? accountId(cluster, ns, saName) : null),
        provider: 'kubernetes',
        scope,
        kind: 'sa_token',
        name: `${ns}/${m.name}`,
        keyId: m.uid ?? null,
        createdAt: iso(m.creationTimestamp),
        expiresAt: null,
        lastUsedAt: lastUsed,
        lastUsedSource: lastUsed ? `label:${LAST_USED_LABEL}` : null,
        status: invalidSince ? 'inactive' : 'active',
        attributes: { neverExpires: true, legacy: true, secretType: TOKEN_TYPE, namespace: ns, serviceAccount: saName ?? null, invalidSince },
      });
    }
  } catch (err) {
    yield failure(err, null);
  }

  // Workloads: which run as each service account.
  for (const w of WORKLOADS) {
    try {
      for await (const obj of listAll(`list ${w.resource}`, w.group, w.resource)) {
        const spec = w.spec(obj as Json) ?? {};
        const sa = String(spec.serviceAccountName ?? spec.serviceAccount ?? 'default');
        const a = byKey.get(`${obj.metadata?.namespace}/${sa}`);
        if (!a) continue;
        // Owned pods are listed under their controller, but a pod of an unlisted one (a Job, a bare ReplicaSet) is use too.
        if (w.kind === 'Pod') a.pods.push(`Pod/${obj.metadata?.name}`);
        if (w.kind !== 'Pod' || (obj.metadata?.ownerReferences?.length ?? 0) === 0) a.workloads.push(`${w.kind}/${obj.metadata?.name}`);
      }
    } catch (err) {
      yield failure(err, null);
    }
  }

  // RBAC.
  const grants: GrantRecord[] = [];
  try {
    const clusterRoles: RoleObject[] = [];
    for await (const r of client.list('list clusterroles', '/apis/rbac.authorization.k8s.io/v1/clusterroles')) clusterRoles.push(r as RoleObject);
    const roles: RoleObject[] = [];
    for await (const r of listAll('list roles', '/apis/rbac.authorization.k8s.io/v1', 'roles')) roles.push(r as RoleObject);
    const clusterRoleByName = new Map(clusterRoles.map((r) => [r.metadata?.name, r]));
    const roleByKey = new Map(roles.map((r) => [`${r.metadata?.namespace}/${r.metadata?.name}`, r]));
    const findRole = (kind: string | undefined, name: string | undefined, ns: string | undefined) => (kind === 'ClusterRole' ? clusterRoleByName.get(name) : roleByKey.get(`${ns}/${name}`));
    // Aggregated roles are resolved once each, not once per binding.
    const rulesOf = new Map<RoleObject, PolicyRule[]>();
    const clusterRulesOf = (r: RoleObject) => rulesOf.get(r) ?? rulesOf.set(r, effectiveRules(r, clusterRoles)).get(r)!;
    const index = indexAccounts(accounts);
    const bind = (b: BindingObject, kind: 'ClusterRoleBinding' | 'RoleBinding') => {
      const ns = b.metadata?.namespace;
      const ref = b.roleRef ?? {};
      const role = findRole(ref.kind, ref.name, ns);
      const clusterWide = kind === 'ClusterRoleBinding';
      const rules = role ? (ref.kind === 'ClusterRole' ? clusterRulesOf(role) : (role.rules ?? [])) : [];
      const j = role || ref.name === 'cluster-admin' ? judgeRules(ref.name ?? '', rules, clusterWide) : { privilege: 'unknown' as const, evidence: `${ref.kind} ${ref.name} not found` };
      const bindingName = clusterWide ? `ClusterRoleBinding/${b.metadata?.name}` : `RoleBinding/${ns}/${b.metadata?.name}`;
      for (const who of boundAccounts(b, index)) {
        grants.push({
          type: 'grant',
          identityId: accountId(cluster, who.namespace, who.name),
          provider: 'kubernetes',
          resource: clusterWide ? scope : `${scope}/namespaces/${ns}`,
          role: ref.kind === 'ClusterRole' ? `ClusterRole/${ref.name}` : `Role/${ns}/${ref.name}`,
          privilege: j.privilege,
          via: who.via,
          evidence: `${bindingName} (${who.subject}): ${j.evidence}`,
          attributes: { binding: bindingName, subject: who.subject, aggregated: !!role?.aggregationRule },
        });
      }
    };
    for await (const b of client.list('list clusterrolebindings', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')) bind(b as BindingObject, 'ClusterRoleBinding');
    for await (const b of listAll('list rolebindings', '/apis/rbac.authorization.k8s.io/v1', 'rolebindings')) bind(b as BindingObject, 'RoleBinding');
  } catch (err) {
    yield failure(err, null);
  }
  // A `default` account nothing names is Kubernetes's own; once a binding names it, it is someone's choice.
  const granted = new Set(grants.filter((g) => g.via === 'direct').map((g) => g.identityId));
  for (const a of accounts) yield identityOf(a, cluster, ctx, granted.has(a.id));
  yield* credentials;
  const seen = new Set<string>();
  for (const g of grants) {
    const k = `${g.identityId}|${g.resource}|${g.role}|${g.via}|${g.attributes?.binding}`;
    if (seen.has(k)) continue;
    seen.add(k);
    yield g;
  }

  for (const a of accounts) yield* trustsOf(a, cluster);
}

function identityOf(a: Account, cluster: string, ctx: ScanContext<KubernetesOptions>, hasGrants: boolean): IdentityRecord {
  const m = a.obj.metadata ?? {};
  const labels = m.labels ?? {};
  const annotations = m.annotations ?? {};
  let owner: string | null = null;
  let ownerSource: string | null = null;
  for (const k of ctx.config.ownerKeys) {
    if (labels[k]) [owner, ownerSource] = [labels[k], `label:${k}`];
    else if (annotations[k]) [owner, ownerSource] = [annotations[k], `annotation:${k}`];
    if (owner) break;
  }
  // A running workload is use now; otherwise the newest legacy-token use, if any.
  const inUse = a.workloads.length > 0 || a.pods.length > 0;
  return {
    type: 'identity',
    id: a.id,
    provider: 'kubernetes',
    scope: clusterScope(cluster),
    kind: 'service_account',
    name: `${a.namespace}/${a.name}`,
    createdAt: iso(m.creationTimestamp),
    lastUsedAt: inUse ? ctx.now.toISOString() : a.tokenLastUsed,
    lastUsedSource: inUse ? `workload:${a.workloads[0] ?? a.pods[0]}` : a.tokenLastUsed ? `label:${LAST_USED_LABEL}` : null,
    owner,
    ownerSource,
    // Every namespace gets a `default` account from Kubernetes itself; deleting it only recreates it.
    providerManaged: a.name === 'default' && !hasGrants,
    tags: labels,
    attributes: {
      namespace: a.namespace,
      cluster,
      subject: `system:serviceaccount:${a.namespace}:${a.name}`,
      automountServiceAccountToken: a.obj.automountServiceAccountToken ?? null,
      workloads: a.workloads,
      runningPods: a.pods.length,
      inUse,
      annotations: Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration')),
    },
  };
}

/** Workload identity annotations: the cloud identity this service account's pods become. */
function trustsOf(a: Account, cluster: string): TrustRecord[] {
  const ann = a.obj.metadata?.annotations ?? {};
  const subject = `system:serviceaccount:${a.namespace}:${a.name}`;
  const out: TrustRecord[] = [];
  const base = { type: 'trust' as const, provider: 'kubernetes', principal: a.id, principalType: 'identity' as const, risk: null };
  const role = ann[IRSA]?.trim();
  if (role) out.push({ ...base, identityId: role, condition: `sub = ${subject}`, attributes: { link: 'irsa', cloud: 'aws', annotation: IRSA, subject, cluster } });
  const gsa = ann[GKE_WI]?.trim().toLowerCase();
  if (gsa) out.push({ ...base, identityId: gsa, condition: `member serviceAccount:<project>.svc.id.goog[${a.namespace}/${a.name}]`, attributes: { link: 'gke-workload-identity', cloud: 'gcp', annotation: GKE_WI, subject, cluster, namespace: a.namespace, name: a.name } });
  const client = ann[AZURE_WI]?.trim().toLowerCase();
  if (client) out.push({ ...base, identityId: client, condition: `sub = ${subject}`, attributes: { link: 'azure-workload-identity', cloud: 'azure', annotation: AZURE_WI, clientId: client, tenantId: ann[AZURE_TENANT] ?? null, subject, cluster } });
  return out;
}
