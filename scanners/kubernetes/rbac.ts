// RBAC normalized to nhi's privilege levels: which rules make a role admin-equivalent (the
// escalation paths of the Kubernetes RBAC good-practices guide), and which service accounts a
// binding reaches (directly, by user name, or through the service-account groups).
import type { Privilege } from '../../src/model/records.js';
import type { KubeObject } from './api.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleObject extends KubeObject {
  rules?: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] } | null;
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface BindingObject extends KubeObject {
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[] | null;
}

export interface Judgement {
  privilege: Privilege;
  evidence: string;
}

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const has = (list: string[] | undefined, v: string) => (list ?? []).includes(v) || (list ?? []).includes('*');
const group = (r: PolicyRule, g: string) => has(r.apiGroups, g);
/** A resource matches itself, `*`, and `<resource>/*` for a subresource. */
function resource(r: PolicyRule, name: string): boolean {
  const [base] = name.split('/');
  return (r.resources ?? []).some((x) => x === '*' || x === name || (name.includes('/') && x === `${base}/*`));
}
const verb = (r: PolicyRule, ...vs: string[]) => vs.some((v) => has(r.verbs, v));
const describe = (r: PolicyRule) =>
  `${(r.verbs ?? []).join(',')} on ${(r.resources ?? r.nonResourceURLs ?? []).join(',')}${r.apiGroups?.length ? ` (apiGroups ${r.apiGroups.map((g) => g || '""').join(',')})` : ''}${r.resourceNames?.length ? ` named ${r.resourceNames.join(',')}` : ''}`;

/**
 * The privilege a role's rules give. `clusterWide` is true when the rules apply to the whole
 * cluster (a ClusterRole bound by a ClusterRoleBinding): reading every Secret is admin only then.
 */
export function judgeRules(roleName: string, rules: PolicyRule[], clusterWide: boolean): Judgement {
  if (roleName === 'cluster-admin') return { privilege: 'admin', evidence: 'cluster-admin: every verb on every resource' };
  let write = false;
  let read = false;
  for (const r of rules) {
    const d = describe(r);
    const named = (r.resourceNames?.length ?? 0) > 0;
    if (has(r.verbs, '*') && (r.resources ?? []).includes('*') && group(r, '*')) return { privilege: 'admin', evidence: `* on *: ${d}` };
    if (verb(r, 'escalate', 'bind', 'impersonate') && (r.resources ?? []).length > 0) {
      const v = ['escalate', 'bind', 'impersonate'].filter((x) => verb(r, x)).join('/');
      return { privilege: 'admin', evidence: `${v} lets it grant itself or act as more: ${d}` };
    }
    if (!named && group(r, '') && resource(r, 'pods') && verb(r, 'create')) {
      return { privilege: 'admin', evidence: `create pods: can run a pod as any service account of the namespace and take its token: ${d}` };
    }
    if (clusterWide && !named && group(r, '') && resource(r, 'secrets') && verb(r, 'get', 'list')) {
      return { privilege: 'admin', evidence: `reads Secrets cluster-wide, so every stored token: ${d}` };
    }
    if (group(r, '') && resource(r, 'serviceaccounts/token') && verb(r, 'create')) {
      return { privilege: 'admin', evidence: `create serviceaccounts/token: can mint a token for a service account: ${d}` };
    }
    if (group(r, 'admissionregistration.k8s.io') && (resource(r, 'validatingwebhookconfigurations') || resource(r, 'mutatingwebhookconfigurations')) && verb(r, ...WRITE_VERBS)) {
      return { privilege: 'admin', evidence: `writes admission webhooks: can see or rewrite every object written to the cluster: ${d}` };
    }
    if (group(r, '') && resource(r, 'nodes/proxy') && verb(r, 'get', 'create')) {
      return { privilege: 'admin', evidence: `nodes/proxy: the kubelet API runs commands in any pod of the node: ${d}` };
    }
    if (verb(r, ...WRITE_VERBS)) write = true;
    else if (verb(r, 'get', 'list', 'watch')) read = true;
  }
  if (write) return { privilege: 'write', evidence: 'create, update, patch or delete on some resources' };
  if (read) return { privilege: 'read', evidence: 'get, list or watch only' };
  return { privilege: 'unknown', evidence: 'no rules' };
}

const matches = (labels: Record<string, string> | undefined, sel: Record<string, string> | undefined) =>
  !!sel && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels?.[k] === v);

/**
 * A ClusterRole's effective rules: its own plus, for an aggregated role, those of every
 * ClusterRole its selectors match (the aggregation controller's union, in case it has not run).
 */
export function effectiveRules(role: RoleObject, all: RoleObject[], seen = new Set<string>()): PolicyRule[] {
  const name = role.metadata?.name ?? '';
  if (seen.has(name)) return [];
  seen.add(name);
  const own = role.rules ?? [];
  const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
  if (selectors.length === 0) return own;
  const out = [...own];
  for (const other of all) {
    if (other === role) continue;
    if (selectors.some((s) => matches(other.metadata?.labels, s.matchLabels))) out.push(...effectiveRules(other, all, seen));
  }
  return out;
}

/** Accounts by `namespace/name` and by namespace: bindings are resolved without scanning every account. */
export interface AccountIndex {
  all: { namespace: string; name: string }[];
  keys: Set<string>;
  byNamespace: Map<string, { namespace: string; name: string }[]>;
}

export function indexAccounts(accounts: { namespace: string; name: string }[]): AccountIndex {
  const all = accounts.map((a) => ({ namespace: a.namespace, name: a.name }));
  const byNamespace = new Map<string, { namespace: string; name: string }[]>();
  for (const a of all) (byNamespace.get(a.namespace) ?? byNamespace.set(a.namespace, []).get(a.namespace))!.push(a);
  return { all, keys: new Set(all.map((a) => `${a.namespace}/${a.name}`)), byNamespace };
}

export interface BoundAccount {
  namespace: string;
  name: string;
  /** `direct` for a ServiceAccount or its user name, `group` for system:serviceaccounts[:ns]. */
  via: 'direct' | 'group';
  subject: string;
}

/** The service accounts (of those known) a binding's subjects reach. */
export function boundAccounts(b: BindingObject, accounts: AccountIndex | { namespace: string; name: string }[]): BoundAccount[] {
  const index = Array.isArray(accounts) ? indexAccounts(accounts) : accounts;
  const out: BoundAccount[] = [];
  const bindingNs = b.metadata?.namespace;
  const known = (ns: string, name: string) => index.keys.has(`${ns}/${name}`);
  for (const s of b.subjects ?? []) {
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace || bindingNs || '';
      if (known(ns, s.name)) out.push({ namespace: ns, name: s.name, via: 'direct', subject: `ServiceAccount ${ns}/${s.name}` });
    } else if (s.kind === 'User' && s.name.startsWith('system:serviceaccount:')) {
      const [ns, name] = s.name.slice('system:serviceaccount:'.length).split(':');
      if (known(ns as string, name as string)) out.push({ namespace: ns as string, name: name as string, via: 'direct', subject: `User ${s.name}` });
    } else if (s.kind === 'Group' && (s.name === 'system:serviceaccounts' || s.name === 'system:authenticated')) {
      for (const a of index.all) out.push({ ...a, via: 'group', subject: `Group ${s.name}` });
    } else if (s.kind === 'Group' && s.name.startsWith('system:serviceaccounts:')) {
      const ns = s.name.slice('system:serviceaccounts:'.length);
      for (const a of index.byNamespace.get(ns) ?? []) out.push({ ...a, via: 'group', subject: `Group ${s.name}` });
    }
  }
  return out;
}
