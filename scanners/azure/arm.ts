// A subscription target (`azure-sub:<subscriptionId>`): Azure Resource Manager. Role
// assignments that apply to the subscription (its own, its resource groups' and resources',
// and those inherited from management groups) with their role definitions; user-assigned
// managed identities (and their federated credentials) and resources carrying a
// system-assigned identity, with owner tags and last use from the sign-in activity report.
import { AuthorizationManagementClient, type RoleAssignment } from '@azure/arm-authorization';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { AzureHttpError, mapLimit, type Clients } from './clients.js';
import type { SharedSignInReports } from './sign-in-reports.js';
import { mergeStreams } from '../../src/scanners/toolkit/index.js';
import { ARM_FIX, graphFix, ProblemsImpl, statusOf } from './errors.js';
import { federatedRecords, identityBase, iso, ownerFromTags } from './normalize.js';
import type { AzureOptions } from './options.js';
import { BUILTIN_ROLES, classifyArmRole, type Classified, type RolePermission } from './privilege.js';

export interface SubscriptionTargetData {
  kind: 'subscription';
  subscriptionId: string;
  tenantId: string;
  displayName?: string;
  /** The tenant's sign-in reports when its tenant target is in the scan (shared, read once); absent: one filtered request per managed identity. */
  signIns?: SharedSignInReports;
}

interface RoleInfo {
  name: string;
  builtIn: boolean;
  cls: Classified;
}

interface ManagedIdentity {
  principalId: string;
  clientId: string | null;
  name: string;
  resourceId: string;
  assignment: 'user' | 'system';
  resourceType: string;
  location: string | null;
  tags: Record<string, string> | undefined;
  createdAt: string | null;
  resourceGroup: string | null;
}

const rgOf = (id: string) => /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? null;

/** What every step of one subscription's scan shares. */
interface SubscriptionScan {
  ctx: ScanContext<AzureOptions>;
  sub: string;
  tenantId: string;
  scope: string;
  problems: ProblemsImpl;
  abortSignal: AbortSignal;
  authz: AuthorizationManagementClient;
  msi: ManagedServiceIdentityClient;
  resources: ResourceManagementClient;
}

/** One subscription, read as ARM models it: role assignments to service principals, then managed identities. */
export async function* scanSubscription(ctx: ScanContext<AzureOptions>, c: Clients, data: SubscriptionTargetData): AsyncGenerator<ScanRecord> {
  const sub = data.subscriptionId.toLowerCase();
  const opts = c.armClientOptions;
  const s: SubscriptionScan = {
    ctx,
    sub,
    tenantId: data.tenantId.toLowerCase(),
    scope: `azure:${data.tenantId.toLowerCase()}/${sub}`,
    problems: new ProblemsImpl(),
    abortSignal: c.signal,
    authz: new AuthorizationManagementClient(c.credential, sub, opts),
    msi: new ManagedServiceIdentityClient(c.credential, sub, opts),
    resources: new ResourceManagementClient(c.credential, sub, opts),
  };
  const lastUse = new SignInLookup(c, ctx.options, s.problems, data.signIns);
  // Three independent reads at once: a subscription takes as long as the longest, not their sum.
  yield* mergeStreams([roleAssignmentGrants(s), userAssignedIdentities(s, lastUse), systemAssignedIdentities(s, lastUse)]);
  if (lastUse.unavailable) yield lastUse.unavailable;
  yield* lastUse.failures;
  yield* s.problems.summary();
}

/** Role definitions by id, each read once; a failed read falls back to the built-in name and is reported in `roleProblems`. */
function roleDefinitions(s: SubscriptionScan, roleProblems: ScanRecord[]): (roleDefinitionId: string) => Promise<RoleInfo> {
  const { authz, abortSignal, problems, sub } = s;
  const roleCache = new Map<string, Promise<RoleInfo>>();
  return (roleDefinitionId: string): Promise<RoleInfo> => {
    const key = roleDefinitionId.toLowerCase();
    let p = roleCache.get(key);
    if (!p) {
      p = (async () => {
        const guid = key.split('/').pop() ?? key;
        try {
          // getById's path template is `/{roleId}` (not encoded): an id without its leading slash gives
          // /subscriptions/…/roleDefinitions/… or, for a tenant-level definition, /providers/… (not //providers/…).
          const d = await authz.roleDefinitions.getById(roleDefinitionId.replace(/^\/+/, ''), { abortSignal });
          const builtIn = d.roleType === 'BuiltInRole';
          return { name: d.roleName ?? BUILTIN_ROLES[guid] ?? guid, builtIn, cls: classifyArmRole(d.roleName, d.permissions as RolePermission[] | undefined, builtIn) };
        } catch (err) {
          if (statusOf(err) === undefined) throw err;
          roleProblems.push(...problems.collect(err, 'get role definition', ARM_FIX.roleDefinitions, `/subscriptions/${sub}`));
          const name = BUILTIN_ROLES[guid];
          return { name: name ?? guid, builtIn: !!name, cls: classifyArmRole(name, undefined, !!name) };
        }
      })();
      roleCache.set(key, p);
    }
    return p;
  };
}

/** Role assignments to service principals and managed identities, as grants. */
async function* roleAssignmentGrants(s: SubscriptionScan): AsyncGenerator<ScanRecord> {
  const { authz, abortSignal, problems, sub } = s;
  const roleProblems: ScanRecord[] = [];
  const roleOf = roleDefinitions(s, roleProblems);
  let groupAssignments = 0;
  try {
    for await (const page of authz.roleAssignments.listForSubscription({ abortSignal }).byPage()) {
      const sps = page.filter((a) => a.principalType === 'ServicePrincipal' && a.principalId && a.roleDefinitionId);
      groupAssignments += page.filter((a) => a.principalType === 'Group' || a.principalType === 'ForeignGroup').length;
      const grants = await mapLimit(sps, 4, async (a: RoleAssignment) => {
        const role = await roleOf(a.roleDefinitionId!);
        const assignedScope = a.scope ?? `/subscriptions/${sub}`;
        const inherited = !assignedScope.toLowerCase().startsWith(`/subscriptions/${sub}`);
        return {
          type: 'grant' as const,
          identityId: a.principalId!.toLowerCase(),
          provider: 'azure' as const,
          resource: assignedScope,
          role: role.name,
          privilege: role.cls.privilege,
          via: inherited ? 'inherited' : 'direct',
          evidence: role.cls.evidence,
          attributes: {
            roleAssignmentId: a.id ?? null,
            roleDefinitionId: a.roleDefinitionId,
            roleType: role.builtIn ? 'BuiltInRole' : 'CustomRole',
            condition: a.condition ?? null,
            subscriptionId: sub,
            createdAt: iso(a.createdOn),
          },
        };
      });
      yield* roleProblems.splice(0);
      yield* grants;
    }
  } catch (err) {
    yield* roleProblems.splice(0);
    yield* problems.report(err, 'list role assignments', ARM_FIX.roleAssignments, `/subscriptions/${sub}`);
  }
  if (groupAssignments > 0) {
    yield {
      type: 'note',
      operation: 'list role assignments',
      message: `subscription ${sub}: ${groupAssignments} role assignment(s) to groups were not expanded to member service principals`,
    };
  }
}

/** Managed identities as identities, with the federated credentials of user-assigned ones. */
async function* managedIdentityRecords(s: SubscriptionScan, lastUse: SignInLookup, mis: ManagedIdentity[]): AsyncGenerator<ScanRecord> {
  const { ctx, msi, abortSignal, problems, sub, scope, tenantId } = s;
  const recs = await mapLimit(mis, 4, async (mi) => {
    const out: ScanRecord[] = [];
    const used = await lastUse.forIdentity(mi);
    const owner = ownerFromTags(mi.tags, ctx.config.ownerKeys);
    out.push(
      identityBase({
        id: mi.principalId.toLowerCase(),
        scope,
        kind: 'managed_identity',
        name: mi.name,
        createdAt: mi.createdAt,
        lastUsedAt: used.lastUsedAt,
        lastUsedSource: used.lastUsedSource,
        owner: owner?.owner ?? null,
        ownerSource: owner?.source ?? null,
        tags: mi.tags ?? undefined,
        attributes: {
          assignment: mi.assignment,
          resourceId: mi.resourceId,
          resourceType: mi.resourceType,
          clientId: mi.clientId,
          subscriptionId: sub,
          resourceGroup: mi.resourceGroup,
          location: mi.location,
        },
      }),
    );
    if (mi.assignment === 'user' && mi.resourceGroup) {
      try {
        const fics: { id: string; name?: string; issuer?: string; subject?: string; audiences?: string[]; claimsMatchingExpression?: { value?: string } }[] = [];
        for await (const f of msi.federatedIdentityCredentials.list(mi.resourceGroup, mi.name, { abortSignal })) {
          fics.push({ id: f.id ?? `${mi.resourceId}/federatedIdentityCredentials/${f.name}`, name: f.name, issuer: f.issuer, subject: f.subject, audiences: f.audiences });
        }
        fics.sort((a, b) => a.id.localeCompare(b.id));
        for (const f of fics) {
          out.push(...federatedRecords(mi.principalId.toLowerCase(), scope, { id: f.id, name: f.name ?? null, issuer: f.issuer ?? '', subject: f.subject ?? null, audiences: f.audiences ?? [] }, tenantId));
        }
      } catch (err) {
        out.push(...problems.collect(err, 'list federated credentials of managed identities', ARM_FIX.identities, `/subscriptions/${sub}`));
      }
    }
    return out;
  });
  for (const r of recs) yield* r;
}

/** User-assigned managed identities. */
async function* userAssignedIdentities(s: SubscriptionScan, lastUse: SignInLookup): AsyncGenerator<ScanRecord> {
  const { msi, abortSignal, problems, sub } = s;
  try {
    for await (const page of msi.userAssignedIdentities.listBySubscription({ abortSignal }).byPage()) {
      const mis: ManagedIdentity[] = [];
      for (const u of page) {
        if (!u.principalId || !u.id) continue;
        mis.push({
          principalId: u.principalId,
          clientId: u.clientId ?? null,
          name: u.name ?? u.id,
          resourceId: u.id,
          assignment: 'user',
          resourceType: u.type ?? 'Microsoft.ManagedIdentity/userAssignedIdentities',
          location: u.location ?? null,
          tags: u.tags,
          createdAt: iso(u.systemData?.createdAt),
          resourceGroup: rgOf(u.id),
        });
      }
      yield* managedIdentityRecords(s, lastUse, mis);
    }
  } catch (err) {
    yield* problems.report(err, 'list user-assigned managed identities', ARM_FIX.identities, `/subscriptions/${sub}`);
  }
}

/** Resources with a system-assigned identity. */
async function* systemAssignedIdentities(s: SubscriptionScan, lastUse: SignInLookup): AsyncGenerator<ScanRecord> {
  const { resources, abortSignal, problems, sub } = s;
  try {
    for await (const page of resources.resources.list({ expand: 'createdTime', abortSignal }).byPage()) {
      const mis: ManagedIdentity[] = [];
      for (const r of page) {
        const idn = r.identity;
        if (!idn?.principalId || !r.id || !/SystemAssigned/i.test(String(idn.type ?? ''))) continue;
        mis.push({
          principalId: idn.principalId,
          clientId: null,
          name: r.name ?? r.id,
          resourceId: r.id,
          assignment: 'system',
          resourceType: r.type ?? 'unknown',
          location: r.location ?? null,
          tags: r.tags,
          createdAt: iso(r.createdTime),
          resourceGroup: rgOf(r.id),
        });
      }
      yield* managedIdentityRecords(s, lastUse, mis);
    }
  } catch (err) {
    yield* problems.report(err, 'list resources with system-assigned identities', ARM_FIX.resources, `/subscriptions/${sub}`);
  }
}

/**
 * Last use of a managed identity: the service principal sign-in activity report filtered by
 * its app (client) id. A system-assigned identity's client id comes from its service principal.
 */
class SignInLookup {
  unavailable: ScanRecord | null = null;
  /** Failures other than "not permitted", reported once the identities are out. */
  readonly failures: ScanRecord[] = [];
  private disabled: boolean;

  constructor(
    private readonly c: Clients,
    o: AzureOptions,
    private readonly problems: ProblemsImpl,
    private readonly shared?: SharedSignInReports,
  ) {
    this.disabled = !!o.skipGraph || !!o.skipSignInActivity;
  }

  async forIdentity(mi: ManagedIdentity): Promise<{ lastUsedAt: string | null; lastUsedSource: string | null }> {
    if (this.disabled) return { lastUsedAt: null, lastUsedSource: null };
    try {
      let appId = mi.clientId;
      if (!appId) {
        const sp = await this.c.graph.get<{ appId?: string }>(`/v1.0/servicePrincipals/${mi.principalId}?$select=id,appId`);
        appId = sp.appId ?? null;
      }
      if (!appId) return { lastUsedAt: null, lastUsedSource: null };
      if (this.shared) {
        // The tenant's report, read once for the tenant and all its subscriptions.
        const { byAppId } = (await this.shared.read(this.c)).index;
        if (byAppId) return { lastUsedAt: byAppId.get(appId.toLowerCase()) ?? null, lastUsedSource: 'sign-in-activity' };
        this.disabled = true;
        this.unavailable = {
          type: 'note',
          operation: 'read sign-in activity reports',
          message: `sign-in activity of managed identities not readable (the tenant's service principal sign-in report could not be read; its tenant target says why): their last use is unknown. Grant the Microsoft Graph application permission ${graphFix('reports')}.`,
        };
        return { lastUsedAt: null, lastUsedSource: null };
      }
      const body = await this.c.graph.get<{ value?: { lastSignInActivity?: { lastSignInDateTime?: string } }[]; appId?: string; lastSignInActivity?: { lastSignInDateTime?: string } }>(
        `/beta/reports/servicePrincipalSignInActivities?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`,
      );
      const row = body.value ? body.value[0] : body.appId ? body : undefined;
      return { lastUsedAt: iso(row?.lastSignInActivity?.lastSignInDateTime), lastUsedSource: 'sign-in-activity' };
    } catch (err) {
      if (!(err instanceof AzureHttpError)) throw err;
      if (err.statusCode === 404) return { lastUsedAt: null, lastUsedSource: null }; // its service principal is gone or not replicated yet
      if ([400, 401, 403].includes(err.statusCode)) {
        this.disabled = true;
        this.unavailable = {
          type: 'note',
          operation: err.operation,
          message: `sign-in activity of managed identities not readable (${err.statusCode} ${err.code}): their last use is unknown. Grant the Microsoft Graph application permission ${graphFix('reports')}.`,
        };
        return { lastUsedAt: null, lastUsedSource: null };
      }
      this.failures.push(...this.problems.collect(err, 'read managed identity sign-in activity', graphFix('reports')));
      return { lastUsedAt: null, lastUsedSource: null };
    }
  }
}
