// Last authentication of service accounts and keys from the Policy Analyzer activity API
// (policyanalyzer.googleapis.com v1, activities:query), called as REST through the auth
// client since no dedicated client exists. A disabled API or a missing role is a note.
import { PageGuard } from '../../src/scanners/toolkit/index.js';
import type { ErrorRecord, NoteRecord } from '../../src/model/records.js';
import { REQUEST_TIMEOUT_MS, type GcpClients } from './clients.js';
import { call, describeFailure, isServiceDisabled, isThrottled, type CallContext } from './call.js';
import { failureRecord } from './errors.js';

export const ACTIVITY_SOURCE = 'policy-analyzer';
export const POLICY_ANALYZER_API = 'policyanalyzer.googleapis.com';
export const ACTIVITY_ROLE = 'roles/policyanalyzer.activityAnalysisViewer';

export interface ActivityMaps {
  /** SA email (lower case) and unique id → last authentication. */
  accounts: Map<string, string> | null;
  /** Key id → last authentication. */
  keys: Map<string, string> | null;
  problems: (ErrorRecord | NoteRecord)[];
}

interface ActivityPage {
  activities?: { fullResourceName?: string; activityType?: string; activity?: Record<string, unknown> }[];
  nextPageToken?: string;
}

function lastSegment(name: string): string {
  return name.split('/').pop() ?? name;
}

async function query(
  clients: GcpClients,
  cx: CallContext,
  projectId: string,
  type: 'serviceAccountLastAuthentication' | 'serviceAccountKeyLastAuthentication',
  onActivity: (fullResourceName: string, activity: Record<string, unknown>) => void,
): Promise<void> {
  const url = `${clients.policyAnalyzerUrl}/v1/projects/${encodeURIComponent(projectId)}/locations/global/activityTypes/${type}/activities:query`;
  let pageToken: string | undefined;
  const guard = new PageGuard('activities.query');
  do {
    const res = await call(cx, 'activities.query', (signal) =>
      clients.auth.request<ActivityPage>({ url, method: 'GET', params: { pageSize: 1000, ...(pageToken ? { pageToken } : {}) }, signal, retry: false, timeout: REQUEST_TIMEOUT_MS }),
    );
    for (const a of res.data?.activities ?? []) {
      const act = a.activity ?? {};
      const inner = (act.serviceAccount ?? act.serviceAccountKey ?? {}) as { fullResourceName?: string; serviceAccountId?: string };
      onActivity(a.fullResourceName ?? inner.fullResourceName ?? '', act);
    }
    const next: string | undefined = res.data?.nextPageToken || undefined;
    pageToken = next;
    guard.next(pageToken);
  } while (pageToken);
}

function later(a: string | undefined, b: string): string {
  return a && Date.parse(a) >= Date.parse(b) ? a : b;
}

function problem(projectId: string, err: unknown, what: string): ErrorRecord | NoteRecord {
  const f = describeFailure(err);
  if (isServiceDisabled(f)) {
    return {
      type: 'note',
      operation: 'activities.query',
      message: `${what} is unavailable in project ${projectId}: the Policy Analyzer API (${POLICY_ANALYZER_API}) is not enabled there. Enable it (gcloud services enable ${POLICY_ANALYZER_API} --project ${projectId}) and grant ${ACTIVITY_ROLE} to get last-use data.`,
    };
  }
  if (!isThrottled(f) && (f.httpStatus === 403 || f.status === 'PERMISSION_DENIED')) {
    return {
      type: 'note',
      operation: 'activities.query',
      message: `${what} is unavailable in project ${projectId}: the scanning principal may not query the Policy Analyzer API (${POLICY_ANALYZER_API}). Grant ${ACTIVITY_ROLE} on the project to get last-use data.`,
    };
  }
  return failureRecord('activities.query', err, `projects/${projectId}`);
}

export async function loadActivity(clients: GcpClients, cx: CallContext, projectId: string): Promise<ActivityMaps> {
  const out: ActivityMaps = { accounts: null, keys: null, problems: [] };
  try {
    const accounts = new Map<string, string>();
    await query(clients, cx, projectId, 'serviceAccountLastAuthentication', (name, act) => {
      const t = typeof act.lastAuthenticatedTime === 'string' ? act.lastAuthenticatedTime : null;
      if (!t || Number.isNaN(Date.parse(t))) return;
      const sa = (act.serviceAccount ?? {}) as { serviceAccountId?: string };
      for (const k of [lastSegment(name).toLowerCase(), sa.serviceAccountId]) if (k) accounts.set(k, later(accounts.get(k), t));
    });
    out.accounts = accounts;
  } catch (err) {
    if (cx.signal.aborted) throw err;
    out.problems.push(problem(projectId, err, 'Service-account last authentication'));
    // A disabled API or a missing role fails the key query the same way: one note is enough.
    if (out.problems[0].type === 'note') return out;
  }
  try {
    const keys = new Map<string, string>();
    await query(clients, cx, projectId, 'serviceAccountKeyLastAuthentication', (name, act) => {
      const t = typeof act.lastAuthenticatedTime === 'string' ? act.lastAuthenticatedTime : null;
      if (!t || Number.isNaN(Date.parse(t)) || !name.includes('/keys/')) return;
      const k = lastSegment(name);
      keys.set(k, later(keys.get(k), t));
    });
    out.keys = keys;
  } catch (err) {
    if (cx.signal.aborted) throw err;
    out.problems.push(problem(projectId, err, 'Service-account key last authentication'));
  }
  return out;
}
