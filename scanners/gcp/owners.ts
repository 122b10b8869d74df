// Owners from Cloud Audit Logs through the Logging API (`entries.list`, `nextPageToken` paging):
// the Admin Activity entries that create a service account, add its keys or change who may use it,
// each naming its caller in `protoPayload.authenticationInfo.principalEmail`. Read-only, opt-in
// (--owners-from-logs), bounded; a denied read is a note naming the permission.
import { logging } from '@googleapis/logging';
import type { ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { PageGuard } from '../../src/scanners/toolkit/index.js';
import { ownerCandidate, withinRetention, type OwnerAction } from '../../src/owners/candidates.js';
import { personFromGcpPrincipal } from '../../src/owners/persons.js';
import { OwnersBudget } from '../../src/owners/options.js';
import { call, describeFailure } from './call.js';
import { buildAuth, parseEndpoint, REQUEST_TIMEOUT_MS } from './clients.js';
import type { TargetData } from './hierarchy.js';
import type { GcpOptions } from './options.js';
import { callContext } from './scan.js';

/** Admin Activity audit logs are kept 400 days (the _Required bucket). */
export const ADMIN_ACTIVITY_RETENTION_DAYS = 400;

export const GCP_METHODS: { method: string; action: OwnerAction; short: string }[] = [
  { method: 'google.iam.admin.v1.CreateServiceAccount', action: 'created', short: 'CreateServiceAccount' },
  { method: 'google.iam.admin.v1.CreateServiceAccountKey', action: 'added-credential', short: 'CreateServiceAccountKey' },
  { method: 'google.iam.admin.v1.SetIAMPolicy', action: 'granted', short: 'SetIamPolicy' },
  { method: 'SetIamPolicy', action: 'granted', short: 'SetIamPolicy' },
];

/** One Cloud Audit Log entry (the fields nhi reads). */
export interface AuditLogEntry {
  timestamp?: string;
  resource?: { type?: string; labels?: Record<string, string> };
  protoPayload?: {
    authenticationInfo?: { principalEmail?: string };
    methodName?: string;
    resourceName?: string;
    response?: { email?: string; name?: string };
    serviceData?: { policyDelta?: { bindingDeltas?: { action?: string; role?: string; member?: string }[] } };
    status?: { code?: number };
  };
}

/** The service accounts a log entry is about: the one it acted on, or those a policy change added. */
export function subjectsOf(e: AuditLogEntry): string[] {
  const p = e.protoPayload ?? {};
  if (p.status?.code) return []; // a refused call changed nothing
  const out = new Set<string>();
  const direct = e.resource?.labels?.email_id ?? p.response?.email ?? (p.resourceName?.split('/').pop()?.includes('@') ? p.resourceName.split('/').pop() : undefined);
  if (e.resource?.type === 'service_account' && direct) out.add(direct.toLowerCase());
  for (const d of p.serviceData?.policyDelta?.bindingDeltas ?? []) {
    if (d.action === 'ADD' && d.member?.startsWith('serviceAccount:')) out.add(d.member.slice('serviceAccount:'.length).toLowerCase());
  }
  return [...out];
}

export async function* ownersFromCloudAuditLogs(ctx: ScanContext<GcpOptions>, identities: Set<string>): AsyncGenerator<ScanRecord> {
  const o = ctx.options;
  const projectId = (ctx.target.data as TargetData).projectId;
  const budget = new OwnersBudget({ maxCalls: o.ownersMaxCalls, maxSeconds: o.ownersMaxSeconds }, ctx.signal);
  const auth = await buildAuth(o);
  const client = logging({ version: 'v2', auth: auth as never, ...(o.loggingEndpoint ? { rootUrl: `${parseEndpoint(o.loggingEndpoint).origin}/` } : {}) });
  const cx = callContext(ctx);
  const since = new Date(ctx.now.getTime() - ADMIN_ACTIVITY_RETENTION_DAYS * 86_400_000).toISOString();
  const filter = `logName="projects/${projectId}/logs/cloudaudit.googleapis.com%2Factivity" AND protoPayload.methodName=(${GCP_METHODS.map((m) => `"${m.method}"`).join(' OR ')}) AND timestamp>="${since}"`;
  const guard = new PageGuard('entries.list');
  let pageToken: string | undefined;
  let entries = 0;
  let candidates = 0;
  let expired = 0;
  try {
    do {
      guard.next(pageToken);
      if (!(await budget.take())) break;
      const res = await call(cx, 'entries.list', (signal) =>
        client.entries.list({ requestBody: { resourceNames: [`projects/${projectId}`], filter, orderBy: 'timestamp desc', pageSize: 100, pageToken } }, { signal, retry: false, timeout: REQUEST_TIMEOUT_MS }),
      );
      for (const e of (res.data.entries ?? []) as AuditLogEntry[]) {
        entries++;
        const kind = GCP_METHODS.find((m) => m.method === e.protoPayload?.methodName);
        if (!kind || !e.timestamp) continue;
        if (!withinRetention(e.timestamp, ctx.now, ADMIN_ACTIVITY_RETENTION_DAYS)) {
          expired++;
          continue;
        }
        const person = personFromGcpPrincipal(e.protoPayload?.authenticationInfo?.principalEmail);
        if (!person) continue;
        for (const sa of subjectsOf(e)) {
          if (!identities.has(sa)) continue;
          candidates++;
          yield ownerCandidate({ identityId: sa, provider: 'gcp', person, source: 'cloud-audit-log', event: kind.short, action: kind.action, at: e.timestamp });
        }
      }
      pageToken = res.data.nextPageToken || undefined;
    } while (pageToken);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const f = describeFailure(err);
    yield {
      type: 'note',
      operation: 'entries.list',
      message:
        f.httpStatus === 403 || f.status === 'PERMISSION_DENIED'
          ? `owners from Cloud Audit Logs in ${projectId}: logging.logEntries.list was denied; grant roles/logging.viewer (logging.logEntries.list) on the project to see who created each service account`
          : `owners from Cloud Audit Logs in ${projectId} stopped: ${f.status ?? f.httpStatus ?? ''} ${f.message}`.replace(/\s+/g, ' '),
    };
  }
  if (budget.stopped) yield { type: 'note', operation: 'entries.list', message: `owners from Cloud Audit Logs in ${projectId} ${budget.stopped}` };
  ctx.progress.log(`owners from Cloud Audit Logs (${projectId}): ${entries} entries in ${budget.used} requests, ${candidates} owner candidates${expired ? `, ${expired} older than ${ADMIN_ACTIVITY_RETENTION_DAYS} days left out` : ''}`);
}
