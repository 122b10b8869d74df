// Owners from Entra ID's directory audit log (Graph `auditLogs/directoryAudits`: who added each
// application and service principal, who was made its owner, who added its secrets) and from the
// ARM activity log (who wrote each role assignment). The people named are looked up: a disabled or
// deleted user has left (OWASP NHI1). Opt-in (--owners-from-logs), read-only, bounded; a denied
// log is a note naming the permission.
import { MonitorClient } from '@azure/arm-monitor';
import type { ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { ownerCandidate, withinRetention, type OwnerAction } from '../../src/owners/candidates.js';
import { personFromAzureCaller, personFromEntraUser, type Person } from '../../src/owners/persons.js';
import { OwnersBudget } from '../../src/owners/options.js';
import { AzureHttpError, type Clients } from './clients.js';
import { statusOf } from './errors.js';
import type { AzureOptions } from './options.js';

/** Entra ID keeps directory audits 30 days (P1/P2; 7 on the free tier). */
export const DIRECTORY_AUDIT_RETENTION_DAYS = 30;
/** The activity log keeps 90 days. */
export const ACTIVITY_LOG_RETENTION_DAYS = 90;

export const DIRECTORY_ACTIVITIES: { name: string; action: OwnerAction }[] = [
  { name: 'Add application', action: 'created' },
  { name: 'Add service principal', action: 'created' },
  { name: 'Add owner to application', action: 'made-owner' },
  { name: 'Add owner to service principal', action: 'made-owner' },
  { name: 'Update application – Certificates and secrets management', action: 'added-credential' },
];

interface GraphUserRef {
  id?: string | null;
  displayName?: string | null;
  userPrincipalName?: string | null;
}

/** One `directoryAudit` (the fields nhi reads). */
export interface DirectoryAudit {
  id?: string;
  activityDisplayName?: string;
  activityDateTime?: string;
  result?: string;
  initiatedBy?: { user?: GraphUserRef | null; app?: { displayName?: string | null; servicePrincipalId?: string | null } | null };
  targetResources?: { id?: string | null; type?: string | null; displayName?: string | null; userPrincipalName?: string | null }[];
}

/** The tenant's applications and service principals as the scan reported them, by every id an audit entry may name. */
export class AzureIdentityIndex {
  private readonly ids = new Map<string, string>();
  see(r: ScanRecord): void {
    if (r.type !== 'identity') return;
    const a = r.attributes ?? {};
    for (const v of [r.id, a.applicationObjectId, a.servicePrincipalId, a.appId]) if (typeof v === 'string' && v) this.ids.set(v.toLowerCase(), r.id);
  }
  find(id: string | null | undefined): string | undefined {
    return id ? this.ids.get(id.toLowerCase()) : undefined;
  }
}

const AUDIT_PERMISSION = 'AuditLog.Read.All';
const USER_PERMISSION = 'User.Read.All';

/** Tenant target: directory audits, then whether each person named is still an enabled user. */
export async function* ownersFromDirectoryAudits(ctx: ScanContext<AzureOptions>, c: Clients, index: AzureIdentityIndex): AsyncGenerator<ScanRecord> {
  const budget = new OwnersBudget({ maxCalls: ctx.options.ownersMaxCalls, maxSeconds: ctx.options.ownersMaxSeconds }, ctx.signal);
  const since = new Date(ctx.now.getTime() - DIRECTORY_AUDIT_RETENTION_DAYS * 86_400_000).toISOString();
  const names = DIRECTORY_ACTIVITIES.map((a) => `activityDisplayName eq '${a.name}'`).join(' or ');
  const path = `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent(`activityDateTime ge ${since} and (${names})`)}&$top=100`;
  const found: { identityId: string; user: GraphUserRef; person: Person; event: string; action: OwnerAction; at: string }[] = [];
  let entries = 0;
  let expired = 0;
  try {
    for await (const page of c.graph.pages<DirectoryAudit>(path)) {
      for (const e of page) {
        entries++;
        const kind = DIRECTORY_ACTIVITIES.find((a) => a.name === e.activityDisplayName);
        if (!kind || (e.result && e.result !== 'success') || !e.activityDateTime) continue;
        if (!withinRetention(e.activityDateTime, ctx.now, DIRECTORY_AUDIT_RETENTION_DAYS)) {
          expired++;
          continue;
        }
        const targets = e.targetResources ?? [];
        const identityId = targets.map((t) => index.find(t.id)).find(Boolean);
        // Made owner: the person is the user added; otherwise whoever did it.
        const user = kind.action === 'made-owner' ? targets.find((t) => t.type === 'User') : e.initiatedBy?.user;
        const person = personFromEntraUser(user);
        if (!identityId || !user || !person) continue;
        found.push({ identityId, user, person, event: kind.name, action: kind.action, at: e.activityDateTime });
      }
      if (!(await budget.take())) break;
    }
  } catch (err) {
    if (!(err instanceof AzureHttpError)) throw err;
    yield {
      type: 'note',
      operation: 'GET /auditLogs/directoryAudits',
      message: [401, 403].includes(err.statusCode)
        ? `owners from the Entra ID audit log: reading directoryAudits was denied (${err.statusCode} ${err.code}); grant the Graph application permission ${AUDIT_PERMISSION}`
        : `owners from the Entra ID audit log stopped: ${err.statusCode} ${err.code}: ${err.message}`,
    };
  }
  // Who has left: a deleted user answers 404, a disabled one accountEnabled false.
  const left = new Map<string, boolean>();
  let userCheck = true;
  for (const f of found) {
    const id = f.user.id;
    if (!id || left.has(id) || !userCheck) continue;
    if (!(await budget.take())) break;
    try {
      const u = await c.graph.get<{ accountEnabled?: boolean }>(`/v1.0/users/${encodeURIComponent(id)}?$select=id,accountEnabled,userPrincipalName`);
      left.set(id, u.accountEnabled === false);
    } catch (err) {
      if (!(err instanceof AzureHttpError)) throw err;
      if (err.statusCode === 404) left.set(id, true);
      else {
        userCheck = false;
        yield { type: 'note', operation: 'GET /users/{id}', message: `whether owners have left could not be read (${err.statusCode} ${err.code}); grant the Graph application permission ${USER_PERMISSION}` };
      }
    }
  }
  for (const f of found) {
    yield ownerCandidate({ identityId: f.identityId, provider: 'azure', person: f.person, source: 'directory-audit', event: f.event, action: f.action, at: f.at, departed: !!(f.user.id && left.get(f.user.id)) });
  }
  if (budget.stopped) yield { type: 'note', operation: 'GET /auditLogs/directoryAudits', message: `owners from the Entra ID audit log ${budget.stopped}: owners of the events not read are unknown` };
  ctx.progress.log(`owners from the Entra ID audit log: ${entries} events in ${budget.used} requests, ${found.length} owner candidates${expired ? `, ${expired} older than ${DIRECTORY_AUDIT_RETENTION_DAYS} days left out` : ''}`);
}

const ROLE_WRITE = 'Microsoft.Authorization/roleAssignments/write';

/** The assignee of a role assignment write, from the request (or response) body the activity log keeps. */
function assignee(properties: Record<string, string> | undefined): string | null {
  for (const key of ['requestbody', 'responseBody', 'requestBody']) {
    const text = properties?.[key];
    if (!text) continue;
    try {
      const b = JSON.parse(text) as { Properties?: { PrincipalId?: string }; properties?: { principalId?: string } };
      const id = b.Properties?.PrincipalId ?? b.properties?.principalId;
      if (id) return id;
    } catch {
      // not JSON: try the next body
    }
  }
  return null;
}

/** Subscription target: who wrote each role assignment of the identities this scan saw (ARM activity log through arm-monitor). */
export async function* ownersFromActivityLog(ctx: ScanContext<AzureOptions>, c: Clients, subscriptionId: string, principals: Set<string>): AsyncGenerator<ScanRecord> {
  const budget = new OwnersBudget({ maxCalls: ctx.options.ownersMaxCalls, maxSeconds: ctx.options.ownersMaxSeconds }, ctx.signal);
  const from = new Date(ctx.now.getTime() - ACTIVITY_LOG_RETENTION_DAYS * 86_400_000).toISOString();
  const filter = `eventTimestamp ge '${from}' and eventTimestamp le '${ctx.now.toISOString()}' and resourceProvider eq 'Microsoft.Authorization'`;
  const monitor = new MonitorClient(c.credential, subscriptionId, c.armClientOptions);
  let events = 0;
  let candidates = 0;
  try {
    if (!(await budget.take())) return;
    for await (const page of monitor.activityLogs.list(filter, { select: 'caller,eventTimestamp,operationName,status,properties,authorization' }).byPage()) {
      for (const e of page) {
        events++;
        if (e.operationName?.value?.toLowerCase() !== ROLE_WRITE.toLowerCase() || (e.status?.value && e.status.value !== 'Succeeded')) continue;
        const at = e.eventTimestamp;
        if (!at || !withinRetention(at, ctx.now, ACTIVITY_LOG_RETENTION_DAYS)) continue;
        const principal = assignee(e.properties)?.toLowerCase();
        const person = personFromAzureCaller(e.caller);
        if (!principal || !principals.has(principal) || !person) continue;
        candidates++;
        yield ownerCandidate({ identityId: principal, provider: 'azure', person, source: 'activity-log', event: 'roleAssignments/write', action: 'granted', at });
      }
      if (!(await budget.take())) break;
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const status = statusOf(err);
    yield {
      type: 'note',
      operation: 'GET /providers/Microsoft.Insights/eventtypes/management/values',
      message:
        status === 401 || status === 403
          ? `owners from the activity log of ${subscriptionId}: reading it was denied (${status}); grant Microsoft.Insights/eventtypes/values/read (Reader or Monitoring Reader on the subscription)`
          : `owners from the activity log of ${subscriptionId} stopped: ${(err as Error).message}`,
    };
  }
  if (budget.stopped) yield { type: 'note', operation: 'GET /providers/Microsoft.Insights/eventtypes/management/values', message: `owners from the activity log of ${subscriptionId} ${budget.stopped}` };
  ctx.progress.log(`owners from the activity log (${subscriptionId}): ${events} events, ${candidates} owner candidates`);
}
