// The tenant target (`azure:<tenantId>`): Microsoft Graph. Applications with their secrets,
// certificates, federated credentials and owners, merged with their service principal in this
// tenant; every other service principal (third-party, Microsoft, managed identities outside
// the scanned subscriptions); app role assignments (application permissions) and directory
// role memberships as grants; last use from the sign-in activity reports.
import type { ErrorRecord, GrantRecord, ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { GRAPH_IN_FLIGHT, mapLimit, type Clients } from './clients.js';
import { graphFix, ProblemsImpl, type Problems } from './errors.js';
import {
  APP_SELECT,
  appCredentials,
  federatedRecords,
  identityBase,
  iso,
  managedIdentityResource,
  maxIso,
  ownerString,
  SP_SELECT,
  spFlags,
  spKind,
  type GraphApplication,
  type GraphDirectoryObject,
  type GraphFederatedCredential,
  type GraphServicePrincipal,
  type SignInIndex,
} from './normalize.js';
import type { AzureOptions } from './options.js';
import { listOwners, OWNER_FIELDS, type ListedOwners, type OwnerCollection } from './owner-lists.js';
import { federatedIndex, knownFederated, listFederatedHolders, type FederatedIndex } from './federated-lists.js';
import { readSignInReports, type SharedSignInReports } from './sign-in-reports.js';
import { readAhead } from '../../src/scanners/toolkit/index.js';
import { classifyAppRole, classifyDirectoryRole } from './privilege.js';

/** Pages of a list read ahead of the records that wait for other reads (up to 20,000 objects at 999 a page). */
const READ_AHEAD_PAGES = 20;

export interface TenantTargetData {
  kind: 'tenant';
  tenantId: string;
  /** Subscriptions scanned by their own targets: their managed identities come from ARM (tags, resource). */
  scannedSubscriptions: string[];
  /** What discovery could not read (the subscription list), reported by this target. */
  discoveryErrors?: ErrorRecord[];
  /** The tenant's sign-in reports, shared with its subscription targets (absent: read alone). */
  signIns?: SharedSignInReports;
}


/** A call's items, or the error records it became. */
interface Got<T> {
  items: T[];
  problems: ScanRecord[];
}

async function listAll<T>(c: Clients, path: string, problems: Problems, operation: string, fix: string): Promise<Got<T>> {
  const items: T[] = [];
  try {
    for await (const page of c.graph.pages<T>(path)) items.push(...page);
    return { items, problems: [] };
  } catch (err) {
    return { items, problems: problems.collect(err, operation, fix) };
  }
}

/** An object's owners: from its list's $expand when complete there, otherwise its own (paged) read. */
function owners(c: Clients, listed: ListedOwners, collection: OwnerCollection, id: string, problems: Problems): Promise<Got<GraphDirectoryObject>> | Got<GraphDirectoryObject> {
  const known = listed.get(id.toLowerCase());
  if (known) return { items: known, problems: [] };
  return listAll<GraphDirectoryObject>(c, `/v1.0/${collection}/${id}/owners?$select=${OWNER_FIELDS}`, problems, 'list owners', graphFix(collection));
}

export async function* scanTenant(ctx: ScanContext<AzureOptions>, c: Clients, data: TenantTargetData): AsyncGenerator<ScanRecord> {
  const tenantId = data.tenantId.toLowerCase();
  const scope = `azure:${tenantId}`;
  const now = ctx.now;
  const top = Math.min(999, Math.max(1, ctx.options.pageSize ?? 999));
  const problems = new ProblemsImpl();
  const scanned = new Set(data.scannedSubscriptions.map((s) => s.toLowerCase()));

  yield* data.discoveryErrors ?? [];

  // Owners of every object, two list reads in the background while the reports are read.
  const ownersRead = Promise.all([listOwners(c, 'servicePrincipals', top), listOwners(c, 'applications', top)]);
  ownersRead.catch(() => undefined); // awaited below; an abort must not surface as unhandled first
  // Which applications have federated credentials: one filtered list, not one read per application.
  const federatedRead = listFederatedHolders(c, top);
  federatedRead.catch(() => undefined);
  // The service principal and application lists, read ahead while the sign-in reports, the directory
  // roles and the owners lists (a long chain of 100-object pages) come in: their records wait for those.
  const spPages = readAhead(c.graph.pages<GraphServicePrincipal>(`/v1.0/servicePrincipals?$select=${SP_SELECT}&$top=${top}`), READ_AHEAD_PAGES);
  const appPages = readAhead(c.graph.pages<GraphApplication>(`/v1.0/applications?$select=${APP_SELECT}&$top=${top}`), READ_AHEAD_PAGES);

  // 1. Last use.
  let signIns: SignInIndex = { byAppId: null, byKeyId: null };
  if (!ctx.options.skipSignInActivity) {
    const reports = await (data.signIns ? data.signIns.read(c) : readSignInReports(c));
    signIns = reports.index;
    yield* reports.records;
  } else yield { type: 'note', operation: 'sign-in activity', message: 'sign-in activity reports skipped (--skip-sign-in-activity): last use unknown' };

  // 2. Directory roles held by service principals.
  try {
    for await (const roles of c.graph.pages<{ id: string; displayName?: string; roleTemplateId?: string }>('/v1.0/directoryRoles')) {
      for (const role of roles) {
        const cls = classifyDirectoryRole(role.roleTemplateId, role.displayName);
        for await (const members of c.graph.pages<GraphDirectoryObject>(`/v1.0/directoryRoles/${role.id}/members?$select=id,displayName`)) {
          for (const m of members) {
            if (m['@odata.type'] !== '#microsoft.graph.servicePrincipal') continue;
            yield {
              type: 'grant',
              identityId: m.id.toLowerCase(),
              provider: 'azure',
              resource: `tenant:${tenantId}`,
              role: role.displayName ?? role.roleTemplateId ?? role.id,
              privilege: cls.privilege,
              via: 'directory-role',
              evidence: cls.evidence,
              attributes: { roleTemplateId: role.roleTemplateId ?? null, directoryRoleId: role.id },
            } satisfies GrantRecord;
          }
        }
      }
    }
  } catch (err) {
    yield* problems.report(err, 'list directory role members', graphFix('directoryRoles'));
  }

  // 3. Every service principal, with its credentials (the list selects them: Graph limits
  // $select=keyCredentials to 150 requests a minute per tenant, so never one read per app).
  // Those of applications registered here wait for their application; the rest are emitted now.
  const ofOwnApps = new Map<string, GraphServicePrincipal>();
  const [spOwners, appOwners] = await ownersRead;
  yield* spOwners.notes;
  yield* appOwners.notes;
  const holders = await federatedRead;
  yield* holders.notes;
  // Per holder, or expanded in the list when that is fewer requests: read while the service principals are.
  const federatedPlan = federatedIndex(c, holders.holders, appOwners.listed);
  federatedPlan.catch(() => undefined);
  const spCtx: Ctx = { tenantId, scope, now, signIns, problems, spOwners: spOwners.owners, appOwners: appOwners.owners, federated: { listed: new Map(), toRead: null } };
  const standalone = async (sp: GraphServicePrincipal): Promise<ScanRecord[]> => {
    // Managed identities of scanned subscriptions come from ARM (tags, resource).
    const mi = sp.servicePrincipalType === 'ManagedIdentity' ? managedIdentityResource(sp) : null;
    return mi !== null && scanned.has(mi.subscriptionId) ? [] : servicePrincipalRecords(c, sp, spCtx);
  };
  try {
    for await (const sps of spPages) {
      const batches = await mapLimit(sps, GRAPH_IN_FLIGHT, async (sp) => {
        const own = sp.servicePrincipalType === 'Application' && sp.appId && (sp.appOwnerOrganizationId ?? '').toLowerCase() === tenantId;
        if (own) ofOwnApps.set(sp.appId!.toLowerCase(), sp);
        return [...(own ? [] : await standalone(sp)), ...(await appRoleGrants(c, sp, problems))];
      });
      for (const b of batches) yield* b;
    }
  } catch (err) {
    yield* problems.report(err, 'list service principals', graphFix('servicePrincipals'));
  }

  // 4. Applications registered in this tenant, merged with their service principal here.
  const federated = await federatedPlan;
  yield* federated.notes;
  spCtx.federated = federated.index;
  try {
    for await (const apps of appPages) {
      const batches = await mapLimit(apps, GRAPH_IN_FLIGHT, (app) => {
        const sp = ofOwnApps.get(app.appId.toLowerCase()) ?? null;
        ofOwnApps.delete(app.appId.toLowerCase());
        return applicationRecords(c, app, sp, spCtx);
      });
      for (const b of batches) yield* b;
    }
  } catch (err) {
    yield* problems.report(err, 'list applications', graphFix('applications'));
  }
  // A service principal whose application was not listed (deleted, or the list failed) is still an identity.
  for (const b of await mapLimit([...ofOwnApps.values()], GRAPH_IN_FLIGHT, standalone)) yield* b;
  yield* problems.summary();
}

interface Ctx {
  tenantId: string;
  scope: string;
  now: Date;
  signIns: SignInIndex;
  problems: Problems;
  spOwners: ListedOwners;
  appOwners: ListedOwners;
  federated: FederatedIndex;
}

function lastUse(ctx: Ctx, appId: string | undefined, keyIds: (string | undefined)[]): { lastUsedAt: string | null; lastUsedSource: string | null } {
  // The service principal report is the identity's own record; credential use only adds to it.
  const { byAppId, byKeyId } = ctx.signIns;
  if (!byAppId) return { lastUsedAt: null, lastUsedSource: null };
  const dates = [appId ? byAppId.get(appId.toLowerCase()) : undefined, ...keyIds.map((k) => (k && byKeyId ? byKeyId.get(k.toLowerCase()) : undefined))];
  return { lastUsedAt: maxIso(...dates), lastUsedSource: 'sign-in-activity' };
}

async function applicationRecords(c: Clients, app: GraphApplication, servicePrincipal: GraphServicePrincipal | null, ctx: Ctx): Promise<ScanRecord[]> {
  const out: ScanRecord[] = [];
  const known = knownFederated(ctx.federated, app.id);
  const [appOwners, fics] = await Promise.all([
    owners(c, ctx.appOwners, 'applications', app.id, ctx.problems),
    known !== 'read'
      ? { items: known, problems: [] }
      : listAll<GraphFederatedCredential>(c, `/v1.0/applications/${app.id}/federatedIdentityCredentials`, ctx.problems, 'list federated identity credentials', graphFix('applications')),
  ]);
  out.push(...appOwners.problems, ...fics.problems);
  let ownerList = appOwners.items;
  if (servicePrincipal) {
    const spOwners = await owners(c, ctx.spOwners, 'servicePrincipals', servicePrincipal.id, ctx.problems);
    out.push(...spOwners.problems);
    ownerList = ownerList.concat(spOwners.items);
  }
  const identityId = (servicePrincipal?.id ?? app.id).toLowerCase();
  const owner = ownerString(ownerList);
  const keyIds = [...(app.passwordCredentials ?? []), ...(app.keyCredentials ?? []), ...(servicePrincipal?.passwordCredentials ?? [])].map((k) => k.keyId);
  out.unshift(
    identityBase({
      id: identityId,
      scope: ctx.scope,
      kind: spKind(servicePrincipal),
      name: app.displayName ?? app.appId,
      createdAt: iso(app.createdDateTime),
      ...lastUse(ctx, app.appId, keyIds),
      owner,
      ownerSource: owner ? 'api:owners' : null,
      disabled: servicePrincipal ? servicePrincipal.accountEnabled === false : false,
      attributes: {
        appId: app.appId,
        applicationObjectId: app.id,
        servicePrincipalId: servicePrincipal?.id ?? null,
        servicePrincipalType: servicePrincipal?.servicePrincipalType ?? null,
        signInAudience: app.signInAudience ?? null,
        multiTenant: /Multiple/i.test(app.signInAudience ?? ''),
        publisherDomain: app.publisherDomain ?? null,
        owners: ownerList.map((o) => o.userPrincipalName ?? o.displayName ?? o.id).sort(),
      },
    }),
  );
  out.push(...appCredentials({ identityId, scope: ctx.scope, origin: 'application' }, app.passwordCredentials, app.keyCredentials, ctx.signIns, ctx.now));
  if (servicePrincipal) {
    out.push(...appCredentials({ identityId, scope: ctx.scope, origin: 'servicePrincipal' }, servicePrincipal.passwordCredentials, servicePrincipal.keyCredentials, ctx.signIns, ctx.now));
  }
  for (const f of [...fics.items].sort((a, b) => a.id.localeCompare(b.id))) out.push(...federatedRecords(identityId, ctx.scope, f, ctx.tenantId));
  return out;
}

async function servicePrincipalRecords(c: Clients, sp: GraphServicePrincipal, ctx: Ctx): Promise<ScanRecord[]> {
  const out: ScanRecord[] = [];
  const id = sp.id.toLowerCase();
  const flags = spFlags(sp, ctx.tenantId);
  let ownerList: GraphDirectoryObject[] = [];
  if (!flags.providerManaged && sp.servicePrincipalType !== 'ManagedIdentity') {
    const o = await owners(c, ctx.spOwners, 'servicePrincipals', sp.id, ctx.problems);
    out.push(...o.problems);
    ownerList = o.items;
  }
  const owner = ownerString(ownerList);
  const mi = sp.servicePrincipalType === 'ManagedIdentity' ? managedIdentityResource(sp) : null;
  const keyIds = [...(sp.passwordCredentials ?? []), ...(sp.keyCredentials ?? [])].map((k) => k.keyId);
  out.push(
    identityBase({
      id,
      scope: ctx.scope,
      kind: spKind(sp),
      name: sp.displayName ?? sp.appId ?? sp.id,
      createdAt: null,
      ...lastUse(ctx, sp.appId, keyIds),
      owner,
      ownerSource: owner ? 'api:owners' : null,
      thirdParty: flags.thirdParty,
      providerManaged: flags.providerManaged,
      disabled: sp.accountEnabled === false,
      attributes: {
        appId: sp.appId ?? null,
        servicePrincipalType: sp.servicePrincipalType ?? null,
        appOwnerOrganizationId: sp.appOwnerOrganizationId ?? null,
        publisher: sp.verifiedPublisher?.displayName ?? null,
        signInAudience: sp.signInAudience ?? null,
        managedIdentityResourceId: mi?.resourceId ?? null,
      },
    }),
  );
  // A managed identity's certificates are issued and rotated by the platform: not credentials anyone holds.
  if (sp.servicePrincipalType !== 'ManagedIdentity') {
    out.push(...appCredentials({ identityId: id, scope: ctx.scope, origin: 'servicePrincipal' }, sp.passwordCredentials, sp.keyCredentials, ctx.signIns, ctx.now));
  }
  return out;
}

/** Grants of application permissions on this API (resource SP), resolved through its own appRoles. */
async function appRoleGrants(c: Clients, resource: GraphServicePrincipal, problems: Problems): Promise<ScanRecord[]> {
  const appRoles = (resource.appRoles ?? []).filter((r) => (r.allowedMemberTypes ?? []).includes('Application'));
  if (appRoles.length === 0) return [];
  const byId = new Map(appRoles.map((r) => [r.id.toLowerCase(), r]));
  const out: ScanRecord[] = [];
  try {
    for await (const page of c.graph.pages<{ id: string; appRoleId: string; principalId: string; principalType?: string; resourceId?: string; resourceDisplayName?: string; createdDateTime?: string }>(
      `/v1.0/servicePrincipals/${resource.id}/appRoleAssignedTo`,
    )) {
      for (const a of page) {
        if (a.principalType !== 'ServicePrincipal') continue;
        const role = byId.get(a.appRoleId.toLowerCase());
        const cls = classifyAppRole(role?.value ?? undefined, resource.appId?.toLowerCase());
        out.push({
          type: 'grant',
          identityId: a.principalId.toLowerCase(),
          provider: 'azure',
          resource: `${resource.displayName ?? a.resourceDisplayName ?? 'API'} (${resource.appId ?? resource.id})`,
          role: role?.value ?? a.appRoleId,
          privilege: cls.privilege,
          via: 'app-role',
          evidence: cls.evidence,
          attributes: { appRoleId: a.appRoleId, resourceServicePrincipalId: resource.id, assignmentId: a.id, createdAt: iso(a.createdDateTime) },
        });
      }
    }
  } catch (err) {
    out.push(...problems.collect(err, 'list app role assignments', graphFix('servicePrincipals')));
  }
  return out;
}

