// One project target: its IAM policy and the inherited folder/organisation policies become
// grants, its service accounts and user-managed keys become identities and credentials,
// and everyone who may act as one of its service accounts becomes a trust edge.
import { PageGuard } from '../../src/scanners/toolkit/index.js';
import type { CredentialRecord, GrantRecord, IdentityRecord, ScanRecord, TrustRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import type { iam_v1 } from '@googleapis/iam';
import { ACTIVITY_SOURCE, loadActivity, type ActivityMaps } from './activity.js';
import { call, type CallContext } from './call.js';
import { parseEndpoint, REQUEST_TIMEOUT_MS, type GcpClients } from './clients.js';
import { mapLimit, networkFault, ownerFromTags, requestTimeoutMs } from '../../src/scanners/toolkit/index.js';
import { failureRecord } from './errors.js';
import { ancestry, getProject, normalizeBindings, sharedClients, type AncestorInfo, type Binding, type ProjectInfo, type TargetData } from './hierarchy.js';
import type { GcpOptions } from './options.js';
import {
  IMPERSONATION_ROLES,
  PROJECT_WIDE_IMPERSONATION,
  classifyRole,
  defaultAccountKind,
  isServiceAgent,
  parseMember,
  projectNumberOf,
  type MemberInfo,
  renderCondition,
} from './privilege.js';

/** Keys valid until this year or later never expire (Google writes 9999-12-31T23:59:59Z). */
const NEVER_EXPIRES_YEAR = 9999;
/** Service accounts read at once per project: quotas are per consumer project, shared by every project read at once. */
const CONCURRENCY = 2;

export function callContext(ctx: ScanContext<GcpOptions> | { progress: ScanContext<GcpOptions>['progress']; signal: AbortSignal; options: GcpOptions }): CallContext {
  const o = ctx.options;
  const hosts: Record<string, string | undefined> = { projects: o.resourceManagerEndpoint, folders: o.resourceManagerEndpoint, organizations: o.resourceManagerEndpoint, serviceAccounts: o.iamEndpoint, activities: o.policyAnalyzerEndpoint };
  const defaults: Record<string, string> = { projects: 'cloudresourcemanager.googleapis.com', folders: 'cloudresourcemanager.googleapis.com', organizations: 'cloudresourcemanager.googleapis.com', serviceAccounts: 'iam.googleapis.com', activities: 'policyanalyzer.googleapis.com' };
  return {
    progress: ctx.progress,
    signal: ctx.signal,
    maxRetries: o.maxRetries ?? 6,
    retryBaseMs: o.retryBaseMs ?? 1000,
    timeoutMs: requestTimeoutMs(o),
    host: (operation) => {
      const api = operation.split('.')[0] ?? '';
      const e = hosts[api];
      return e ? parseEndpoint(e).host : (defaults[api] ?? 'the Google API');
    },
  };
}

/** Policy sources for a project, nearest first: the project itself, then folders, then the organisation. */
interface PolicySource {
  resource: string;
  via: 'direct' | 'inherited';
  bindings: Binding[];
}

interface Impersonator {
  member: string;
  role: string;
  resource: string;
  condition: string | null;
}

/** Home project id of a service account email, when the email names one by id. */
export function homeProject(email: string): string | null {
  const e = email.toLowerCase();
  if (isServiceAgent(e)) return null;
  return /@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/.exec(e)?.[1] ?? /^([a-z0-9-]+)@appspot\.gserviceaccount\.com$/.exec(e)?.[1] ?? null;
}

/** Where a service account lives: its project id (named, or found by number among the scanned projects), its number, and whether that is outside the estate. */
function homeOf(email: string, shared: TargetData['shared']): { projectId: string | null; projectNumber: string | null; outside: boolean } | null {
  const byId = homeProject(email);
  if (byId) return { projectId: byId, projectNumber: null, outside: !shared.projectIds.has(byId) };
  const n = projectNumberOf(email);
  if (n) {
    const id = shared.projectNumbers.get(n) ?? null;
    return { projectId: id, projectNumber: n, outside: id === null };
  }
  return null;
}

/** parseMember, plus: a service account of a project outside the scanned estate is external. */
function classifyMember(member: string, internalDomains: ReadonlySet<string>, shared: TargetData['shared']): MemberInfo {
  const m = parseMember(member, internalDomains);
  if (m.type === 'serviceAccount' && m.principalType === 'identity' && shared.fullEstate) {
    if (homeOf(m.value, shared)?.outside) return { ...m, principalType: 'external-account', risk: 'external' };
  }
  return m;
}

function ownerFromDescription(description: string | null | undefined, prefix: string | undefined): string | null {
  if (!description || !prefix) return null;
  for (const line of description.split(/[\n;]/)) {
    const t = line.trim();
    if (t.toLowerCase().startsWith(prefix.toLowerCase())) {
      const v = t.slice(prefix.length).trim();
      if (v) return v;
    }
  }
  return null;
}


function yearOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const m = /^(\d{4,})-/.exec(iso);
  return m ? Number(m[1]) : null;
}

function iso(v: string | null | undefined): string | null {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export async function* scanProject(ctx: ScanContext<GcpOptions>): AsyncGenerator<ScanRecord> {
  // One listener on the scan's signal per project; the project's requests listen on this one.
  const abort = new AbortController();
  const onAbort = () => abort.abort(ctx.signal.reason);
  if (ctx.signal.aborted) abort.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    yield* scanProjectWith({ ...ctx, signal: abort.signal });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** One project, read as GCP models it: the project, the policies bound on it and above it, then its service accounts. */
async function* scanProjectWith(ctx: ScanContext<GcpOptions>): AsyncGenerator<ScanRecord> {
  const data = ctx.target.data as TargetData;
  const p: ProjectScan = { ctx, shared: data.shared, cx: callContext(ctx), clients: await sharedClients(data.shared, ctx.options), projectId: data.projectId, scope: `gcp:${data.projectId}`, resource: `projects/${data.projectId}` };
  const project = yield* readProject(p, data.project);
  const { sources, internalDomains } = yield* readPolicies(p, project);
  const impersonators = yield* bindingRecords(p, sources, internalDomains);
  // Last authentication (Policy Analyzer), before the accounts so they carry it.
  let activity: ActivityMaps = { accounts: null, keys: null, problems: [] };
  if (!ctx.options.skipActivity) {
    activity = await loadActivity(p.clients, p.cx, p.projectId);
    for (const problem of activity.problems) yield problem;
  }
  yield* readServiceAccounts(p, { labels: ownerFromTags(project?.labels ?? {}, ctx.config.ownerKeys) }, activity, impersonators, internalDomains);
}

/** What every step of one project's scan shares. */
interface ProjectScan {
  ctx: ScanContext<GcpOptions>;
  shared: TargetData['shared'];
  cx: CallContext;
  clients: GcpClients;
  projectId: string;
  scope: string;
  /** `projects/<id>` */
  resource: string;
}

async function* readProject(p: ProjectScan, known: ProjectInfo | null): AsyncGenerator<ScanRecord, ProjectInfo | null> {
  if (known) return known;
  try {
    return await getProject(p.clients, p.cx, p.projectId);
  } catch (err) {
    // Endpoints that cannot be connected to, or do not answer after the retries: every later call
    // would fail the same way.
    if (['network', 'timeout'].includes(networkFault(err)?.code ?? '') || /\b(ECONNREFUSED|ENOTFOUND)\b/.test(`${(err as { code?: unknown })?.code} ${(err as Error)?.message}`)) throw err;
    yield failureRecord('projects.get', err, p.resource);
    return null;
  }
}

/** The project's own IAM policy and its ancestors' (cached per scan), and the domains counted as internal. */
async function* readPolicies(p: ProjectScan, project: ProjectInfo | null): AsyncGenerator<ScanRecord, { sources: PolicySource[]; internalDomains: Set<string> }> {
  const { ctx, shared, cx, clients, projectId } = p;
  const ancestors: AncestorInfo[] = project?.parent ? await ancestry(shared, clients, cx, project.parent) : [];
  for (const a of ancestors) for (const e of a.errors) yield { ...e, message: `${e.message} (needed for project ${projectId})` };
  const org = ancestors.find((a) => a.kind === 'organization');
  const internalDomains = new Set<string>((ctx.options.domain ?? []).map((d) => d.toLowerCase()));
  if (org?.displayName && /\./.test(org.displayName)) internalDomains.add(org.displayName.toLowerCase());
  const sources: PolicySource[] = [];
  try {
    const [pol] = await call(cx, 'projects.getIamPolicy', () =>
      clients.projects.getIamPolicy({ resource: p.resource, options: { requestedPolicyVersion: 3 } }, { maxRetries: 0 }),
    );
    sources.push({ resource: p.resource, via: 'direct', bindings: normalizeBindings(pol as unknown as Record<string, unknown>) });
  } catch (err) {
    yield failureRecord('projects.getIamPolicy', err, p.resource);
  }
  for (const a of ancestors) if (a.bindings) sources.push({ resource: a.name, via: 'inherited', bindings: a.bindings });
  return { sources, internalDomains };
}

/**
 * Grants for service-account members, service agents as provider-managed identities, and the
 * members who may act as every service account of the project (returned).
 */
async function* bindingRecords(p: ProjectScan, sources: PolicySource[], internalDomains: Set<string>): AsyncGenerator<ScanRecord, Impersonator[]> {
  const { shared, projectId, scope } = p;
  let domainNoteDue = internalDomains.size === 0;
  const grants = new Map<string, GrantRecord>();
  const agents = new Map<string, IdentityRecord>();
  const foreign = new Map<string, IdentityRecord>();
  const impersonators: Impersonator[] = [];
  for (const src of sources) {
    for (const b of src.bindings) {
      const condition = renderCondition(b.condition);
      const { privilege, evidence } = classifyRole(b.role);
      for (const member of b.members) {
        const m = classifyMember(member, internalDomains, shared);
        if (PROJECT_WIDE_IMPERSONATION.has(b.role) || (IMPERSONATION_ROLES.has(b.role) && m.risk !== null)) {
          impersonators.push({ member, role: b.role, resource: src.resource, condition });
        }
        if (domainNoteDue && (m.type === 'user' || m.type === 'group' || m.type === 'domain') && !m.risk) {
          domainNoteDue = false;
          yield {
            type: 'note',
            operation: 'projects.getIamPolicy',
            message: `Project ${projectId}: no organisation domain is known (no organisation, or it could not be read) and no --domain was given, so users and groups of other domains cannot be told from yours; only consumer accounts (gmail.com) are marked external. Pass --domain <your domain>.`,
          };
        }
        if (m.type !== 'serviceAccount') continue;
        const email = m.value.toLowerCase();
        const key = `${email}|${src.resource}|${b.role}|${src.via}`;
        const existing = grants.get(key);
        if (existing) {
          const conds = new Set((existing.attributes?.conditions as string[] | undefined) ?? []);
          if (condition) conds.add(condition);
          existing.attributes = { ...existing.attributes, conditions: [...conds].sort(), conditional: (existing.attributes?.conditional as boolean) && condition !== null };
          continue;
        }
        grants.set(key, {
          type: 'grant',
          identityId: email,
          provider: 'gcp',
          resource: src.resource,
          role: b.role,
          privilege,
          via: src.via,
          evidence: `${evidence}${src.via === 'inherited' ? ` (inherited from ${src.resource})` : ''}${condition ? ` — only when ${condition}` : ''}`,
          attributes: { project: projectId, conditional: condition !== null, ...(condition ? { conditions: [condition] } : {}) },
        });
        if (isServiceAgent(email) && !agents.has(email)) {
          agents.set(email, {
            type: 'identity',
            id: email,
            provider: 'gcp',
            scope,
            kind: 'service_agent',
            name: email,
            providerManaged: true,
            lastUsedAt: null,
            lastUsedSource: null,
            attributes: { projectId, googleManaged: true, projectNumber: projectNumberOf(email), agentOfProject: shared.projectNumbers.get(projectNumberOf(email) ?? '') ?? null },
          });
        } else if (!isServiceAgent(email) && shared.fullEstate && !agents.has(email)) {
          const home = homeOf(email, shared);
          if (home?.outside && !foreign.has(email)) {
            foreign.set(email, {
              type: 'identity',
              id: email,
              provider: 'gcp',
              scope,
              kind: 'foreign_service_account',
              name: email,
              attributes: { projectId: home.projectId, ...(home.projectNumber ? { projectNumber: home.projectNumber } : {}), grantedIn: projectId, note: 'service account of a project outside the scanned estate' },
            });
          }
        }
      }
    }
  }
  for (const r of agents.values()) yield r;
  for (const r of foreign.values()) yield r;
  for (const g of [...grants.values()].sort((a, b) => `${a.identityId}|${a.resource}|${a.role}`.localeCompare(`${b.identityId}|${b.resource}|${b.role}`))) yield g;
  return impersonators;
}

/** Service accounts, page by page; keys and SA-level policies with bounded concurrency. */
async function* readServiceAccounts(p: ProjectScan, owners: { labels: ReturnType<typeof ownerFromTags> }, activity: ActivityMaps, impersonators: Impersonator[], internalDomains: Set<string>): AsyncGenerator<ScanRecord> {
  const { ctx, shared, cx, clients, projectId, scope } = p;
  let pageToken: string | undefined;
  const guard = new PageGuard('serviceAccounts.list');
  do {
    let page: iam_v1.Schema$ListServiceAccountsResponse;
    try {
      const res = await call(cx, 'serviceAccounts.list', (signal) =>
        clients.iam.projects.serviceAccounts.list(
          { name: p.resource, pageSize: ctx.options.pageSize ?? 100, pageToken },
          { signal, retry: false, timeout: REQUEST_TIMEOUT_MS },
        ),
      );
      page = res.data;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      yield failureRecord('serviceAccounts.list', err, p.resource);
      break;
    }
    const accounts = (page.accounts ?? []).filter((a) => a.email);
    const batches = await mapLimit(accounts, CONCURRENCY, (sa) => serviceAccountRecords(ctx, clients, cx, sa, { shared, projectId, scope, activity, impersonators, owners, internalDomains }));
    for (const batch of batches) for (const r of batch) yield r;
    pageToken = page.nextPageToken || undefined;
    try {
      guard.next(pageToken);
    } catch (err) {
      yield failureRecord('serviceAccounts.list', err, p.resource);
      break;
    }
  } while (pageToken);
}

interface SaContext {
  shared: TargetData['shared'];
  projectId: string;
  scope: string;
  activity: ActivityMaps;
  impersonators: Impersonator[];
  owners: { labels: { owner: string; key: string } | null };
  internalDomains: Set<string>;
}

async function serviceAccountRecords(
  ctx: ScanContext<GcpOptions>,
  clients: GcpClients,
  cx: CallContext,
  sa: iam_v1.Schema$ServiceAccount,
  s: SaContext,
): Promise<ScanRecord[]> {
  const out: ScanRecord[] = [];
  const email = (sa.email ?? '').toLowerCase();
  const name = sa.name ?? `projects/${s.projectId}/serviceAccounts/${email}`;

  // Keys (user-managed ones are credentials; system-managed ones are Google-held and rotated)
  // and the account's own policy, read side by side: per account, one round trip, not two.
  const [keysRead, policyRead] = await Promise.all([
    call(cx, 'serviceAccounts.keys.list', (signal) => clients.iam.projects.serviceAccounts.keys.list({ name }, { signal, retry: false, timeout: REQUEST_TIMEOUT_MS })).then(
      (res) => ({ keys: res.data.keys ?? [] }),
      (err: unknown) => ({ err }),
    ),
    call(cx, 'serviceAccounts.getIamPolicy', (signal) =>
      clients.iam.projects.serviceAccounts.getIamPolicy({ resource: name, 'options.requestedPolicyVersion': 3 }, { signal, retry: false, timeout: REQUEST_TIMEOUT_MS }),
    ).then(
      (res) => ({ policy: normalizeBindings(res.data as Record<string, unknown>) }),
      (err: unknown) => ({ err }),
    ),
  ]);
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const keys: iam_v1.Schema$ServiceAccountKey[] | null = 'keys' in keysRead ? keysRead.keys : null;
  if ('err' in keysRead) out.push(failureRecord('serviceAccounts.keys.list', keysRead.err, name));
  const policy: Binding[] | null = 'policy' in policyRead ? policyRead.policy : null;
  if ('err' in policyRead) out.push(failureRecord('serviceAccounts.getIamPolicy', policyRead.err, name));

  const userKeys = (keys ?? []).filter((k) => k.keyType !== 'SYSTEM_MANAGED');
  const systemKeys = (keys ?? []).filter((k) => k.keyType === 'SYSTEM_MANAGED');
  const activeUserKeys = userKeys.filter((k) => !k.disabled && !(yearOf(k.validBeforeTime) !== null && Date.parse(k.validBeforeTime ?? '') < ctx.now.getTime()));
  const defaultKind = defaultAccountKind(email, s.projectId);
  const descOwner = ownerFromDescription(sa.description, ctx.options.ownerDescriptionPrefix);
  const owner = descOwner ?? s.owners.labels?.owner ?? null;
  const ownerSource = descOwner ? `description:${ctx.options.ownerDescriptionPrefix}` : s.owners.labels ? `label:${s.owners.labels.key}` : null;
  const hasActivity = s.activity.accounts !== null;
  const lastUsed = hasActivity ? (s.activity.accounts?.get(email) ?? (sa.uniqueId ? s.activity.accounts?.get(sa.uniqueId) : undefined) ?? null) : null;

  const identity: IdentityRecord = {
    type: 'identity',
    id: email,
    provider: 'gcp',
    scope: s.scope,
    kind: 'service_account',
    name: email,
    createdAt: null,
    lastUsedAt: iso(lastUsed),
    lastUsedSource: hasActivity ? ACTIVITY_SOURCE : null,
    owner,
    ownerSource: owner ? ownerSource : null,
    providerManaged: isServiceAgent(email),
    disabled: sa.disabled === true,
    attributes: {
      projectId: s.projectId,
      uniqueId: sa.uniqueId ?? null,
      displayName: sa.displayName ?? null,
      description: sa.description ?? null,
      resourceName: name,
      defaultServiceAccount: defaultKind,
      userManagedKeys: keys ? userKeys.length : null,
      activeUserManagedKeys: keys ? activeUserKeys.length : null,
      systemManagedKeys: keys ? systemKeys.length : null,
      keyless: keys ? activeUserKeys.length === 0 : null,
    },
    raw: { name: sa.name, projectId: sa.projectId, uniqueId: sa.uniqueId, email: sa.email, displayName: sa.displayName, description: sa.description, oauth2ClientId: sa.oauth2ClientId, disabled: sa.disabled ?? false },
  };
  out.push(identity);

  for (const k of userKeys.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))) {
    const keyId = (k.name ?? '').split('/').pop() ?? '';
    if (!keyId) continue;
    const validAfter = iso(k.validAfterTime);
    const neverExpires = (yearOf(k.validBeforeTime) ?? 0) >= NEVER_EXPIRES_YEAR;
    const expiresAt = neverExpires ? null : iso(k.validBeforeTime);
    const expired = expiresAt !== null && Date.parse(expiresAt) < ctx.now.getTime();
    const keyUsed = s.activity.keys ? (s.activity.keys.get(keyId) ?? null) : null;
    const cred: CredentialRecord = {
      type: 'credential',
      id: keyId,
      identityId: email,
      provider: 'gcp',
      scope: s.scope,
      kind: 'sa_key',
      name: `${email} key ${keyId.slice(0, 12)}`,
      keyId,
      createdAt: validAfter,
      expiresAt,
      lastUsedAt: iso(keyUsed),
      lastUsedSource: s.activity.keys ? ACTIVITY_SOURCE : null,
      // A key of a disabled account cannot authenticate until the account is enabled again.
      status: k.disabled || sa.disabled ? 'inactive' : expired ? 'expired' : 'active',
      attributes: {
        keyType: k.keyType ?? 'USER_MANAGED',
        keyOrigin: k.keyOrigin ?? null,
        keyAlgorithm: k.keyAlgorithm ?? null,
        neverExpires,
        disabled: k.disabled === true,
        ...(sa.disabled ? { serviceAccountDisabled: true } : {}),
        ...(k.disableReason ? { disableReason: k.disableReason } : {}),
        ...(k.extendedStatus?.length ? { extendedStatus: k.extendedStatus.map((x) => x.key).filter(Boolean).sort() } : {}),
        resourceName: k.name,
      },
    };
    out.push(cred);
  }

  // Trust: SA-level bindings, then project-wide (and inherited) impersonators.
  const trusts = new Map<string, TrustRecord>();
  const addTrust = (member: string, role: string, resource: string, condition: string | null, level: string) => {
    const m = classifyMember(member, s.internalDomains, s.shared);
    if (m.type === 'serviceAccount' && m.value.toLowerCase() === email) return;
    if (m.type === 'deleted') return;
    const principal = member;
    const key = `${principal}\u0000${condition ?? ''}`;
    const t = trusts.get(key);
    if (t) {
      const roles = new Set(t.attributes?.roles as string[]);
      roles.add(role);
      const grantedOn = new Set(t.attributes?.grantedOn as string[]);
      grantedOn.add(resource);
      t.attributes = { ...t.attributes, roles: [...roles].sort(), grantedOn: [...grantedOn].sort() };
      return;
    }
    trusts.set(key, {
      type: 'trust',
      identityId: email,
      provider: 'gcp',
      principal,
      principalType: m.principalType,
      condition,
      risk: m.risk,
      attributes: { roles: [role], grantedOn: [resource], level, ...(m.domain ? { domain: m.domain } : {}) },
    });
  };
  for (const b of policy ?? []) {
    if (!IMPERSONATION_ROLES.has(b.role)) continue;
    const condition = renderCondition(b.condition);
    for (const member of b.members) addTrust(member, b.role, name, condition, 'service-account');
  }
  for (const i of s.impersonators) addTrust(i.member, i.role, i.resource, i.condition, i.resource.startsWith('projects/') ? 'project' : 'inherited');
  for (const t of [...trusts.values()].sort((a, b) => `${a.principal}|${a.condition ?? ''}`.localeCompare(`${b.principal}|${b.condition ?? ''}`))) out.push(t);
  return out;
}

