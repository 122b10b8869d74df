// A local Cloud Logging `entries.list` (POST /v2/entries:list, `nextPageToken` paging) serving
// Admin Activity audit log entries in their published shape (`protoPayload` an AuditLog with
// `authenticationInfo.principalEmail`), with throttling and denial on demand; and the demo's entries.
import type { ServerResponse } from 'node:http';
import type { LocalRequest } from '../../../src/demo/local-server.js';
import type { AuditLogEntry } from '../owners.js';
import { DEMO_GCP } from './estate.js';

export interface FakeLoggingOptions {
  /** Entries per project id. */
  entries: Record<string, AuditLogEntry[]>;
  pageSize?: number;
  /** Projects whose log read is denied. */
  denied?: string[];
  /** Answer this many first requests with 429 RESOURCE_EXHAUSTED. */
  throttleFirst?: number;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** Answers `entries.list`; false when the request is something else. */
export function loggingHandler(o: FakeLoggingOptions): (req: LocalRequest, res: ServerResponse) => boolean {
  let throttled = 0;
  return (req, res) => {
    if (req.method !== 'POST' || req.path !== '/v2/entries:list') return false;
    if (throttled < (o.throttleFirst ?? 0)) {
      throttled++;
      json(res, 429, { error: { code: 429, message: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'logging.googleapis.com'.", status: 'RESOURCE_EXHAUSTED' } });
      return true;
    }
    const body = JSON.parse(req.body || '{}') as { resourceNames?: string[]; filter?: string; pageSize?: number; pageToken?: string };
    const project = (body.resourceNames?.[0] ?? '').replace(/^projects\//, '');
    if (o.denied?.includes(project)) {
      json(res, 403, {
        error: {
          code: 403,
          message: `Permission 'logging.logEntries.list' denied on resource (or it may not exist).`,
          status: 'PERMISSION_DENIED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'iam.googleapis.com', metadata: { permission: 'logging.logEntries.list' } }],
        },
      });
      return true;
    }
    const methods = [...(body.filter ?? '').matchAll(/"([\w.]+)"/g)].map((m) => m[1]);
    const all = (o.entries[project] ?? []).filter((e) => !methods.length || methods.includes(e.protoPayload?.methodName ?? '')).sort((a, b) => Date.parse(b.timestamp ?? '') - Date.parse(a.timestamp ?? ''));
    const size = Math.min(body.pageSize ?? 100, o.pageSize ?? 100);
    const offset = body.pageToken ? Number(Buffer.from(body.pageToken, 'base64').toString('utf8')) : 0;
    const next = offset + size < all.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
    json(res, 200, { entries: all.slice(offset, offset + size), ...(next ? { nextPageToken: next } : {}) });
    return true;
  };
}

/** An Admin Activity entry as Cloud Logging stores it. */
export function auditEntry(project: string, method: string, principal: string, at: string, sa: string, extra: Partial<NonNullable<AuditLogEntry['protoPayload']>> = {}, resourceType = 'service_account'): AuditLogEntry {
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: {},
      authenticationInfo: { principalEmail: principal },
      requestMetadata: { callerIp: '203.0.113.9', callerSuppliedUserAgent: 'google-cloud-sdk gcloud/480.0.0' },
      serviceName: resourceType === 'service_account' ? 'iam.googleapis.com' : 'cloudresourcemanager.googleapis.com',
      methodName: method,
      resourceName: resourceType === 'service_account' ? `projects/${project}/serviceAccounts/${sa}` : `projects/${project}`,
      ...extra,
    } as AuditLogEntry['protoPayload'],
    insertId: `${Buffer.from(`${method}/${sa}/${at}`).toString('base64url').slice(0, 12)}`,
    resource: resourceType === 'service_account' ? { type: 'service_account', labels: { email_id: sa, project_id: project, unique_id: '' } } : { type: 'project', labels: { project_id: project } },
    timestamp: at,
    severity: 'NOTICE',
    logName: `projects/${project}/logs/cloudaudit.googleapis.com%2Factivity`,
    receiveTimestamp: at,
  } as AuditLogEntry;
}

export function demoLogEntries(now: Date): Record<string, AuditLogEntry[]> {
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000 - 5 * 3_600_000).toISOString();
  const prod = DEMO_GCP.projects.prod;
  return {
    [prod]: [
      auditEntry(prod, 'google.iam.admin.v1.CreateServiceAccount', `priya.shah@${DEMO_GCP.domain}`, ago(380), DEMO_GCP.staleAccount, { response: { email: DEMO_GCP.staleAccount } }),
      auditEntry(prod, 'SetIamPolicy', `tom.becker@${DEMO_GCP.domain}`, ago(60), '', { serviceData: { policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/bigquery.dataEditor', member: `serviceAccount:${DEMO_GCP.oldKeyAccount}` }] } } }, 'project'),
      auditEntry(prod, 'google.iam.admin.v1.CreateServiceAccountKey', DEMO_GCP.ciAccount, ago(20), DEMO_GCP.oldKeyAccount),
    ],
  };
}
