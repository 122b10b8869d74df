// Google API failures as scan errors that name the permission and the read-only role
// that would fix them.
import type { ErrorRecord } from '../../src/model/records.js';
import type { ExplainedError } from '../../src/scanners/contract.js';
import { networkFault } from '../../src/scanners/toolkit/index.js';
import { describeFailure, isServiceDisabled, isThrottled, type GoogleFailure } from './call.js';

/** Operation → the permission it needs and the smallest predefined read-only role holding it. */
export const NEEDS: Record<string, { permission: string; role: string; on: string }> = {
  'projects.search': { permission: 'resourcemanager.projects.get', role: 'roles/browser', on: 'the organisation or folders' },
  'projects.get': { permission: 'resourcemanager.projects.get', role: 'roles/browser', on: 'the project' },
  'projects.getIamPolicy': { permission: 'resourcemanager.projects.getIamPolicy', role: 'roles/iam.securityReviewer', on: 'the project' },
  'folders.get': { permission: 'resourcemanager.folders.get', role: 'roles/browser', on: 'the folder (or the organisation)' },
  'folders.getIamPolicy': { permission: 'resourcemanager.folders.getIamPolicy', role: 'roles/iam.securityReviewer', on: 'the folder (or the organisation)' },
  'organizations.get': { permission: 'resourcemanager.organizations.get', role: 'roles/browser', on: 'the organisation' },
  'organizations.getIamPolicy': { permission: 'resourcemanager.organizations.getIamPolicy', role: 'roles/iam.securityReviewer', on: 'the organisation' },
  'serviceAccounts.list': { permission: 'iam.serviceAccounts.list', role: 'roles/iam.securityReviewer', on: 'the project' },
  'serviceAccounts.keys.list': { permission: 'iam.serviceAccountKeys.list', role: 'roles/iam.securityReviewer', on: 'the project or the service account' },
  'serviceAccounts.getIamPolicy': { permission: 'iam.serviceAccounts.getIamPolicy', role: 'roles/iam.securityReviewer', on: 'the project or the service account' },
  'activities.query': {
    permission: 'policyanalyzer.serviceAccountLastAuthenticationActivities.query, policyanalyzer.serviceAccountKeyLastAuthenticationActivities.query',
    role: 'roles/policyanalyzer.activityAnalysisViewer',
    on: 'the project',
  },
};

export function errorCode(f: GoogleFailure): string {
  if (isServiceDisabled(f)) return 'service-disabled';
  if (isThrottled(f)) return 'throttled';
  if (f.httpStatus === 401 || f.status === 'UNAUTHENTICATED') return 'unauthenticated';
  if (f.httpStatus === 403 || f.status === 'PERMISSION_DENIED') return 'permission-denied';
  if (f.httpStatus === 404 || f.status === 'NOT_FOUND') return 'not-found';
  if (f.network) return 'network';
  return f.status ? f.status.toLowerCase().replace(/_/g, '-') : 'api-error';
}

export const AUTH_FIX =
  'Authenticate with Application Default Credentials (gcloud auth application-default login, GOOGLE_APPLICATION_CREDENTIALS=<key file>, workload identity or the metadata server), or pass --access-token.';

export function fixFor(operation: string, f: GoogleFailure, resource?: string | null): string {
  const code = errorCode(f);
  const need = NEEDS[operation];
  if (code === 'service-disabled') {
    const svc = f.service ?? 'the API';
    return `Enable ${svc} (gcloud services enable ${svc}) in the project the request was billed to, or point the scan at a quota project where it is enabled.`;
  }
  if (code === 'throttled') return 'Quota kept running out after every retry: run again later, raise --max-retries, or ask for a higher quota for this API in the quota project.';
  if (code === 'unauthenticated') return AUTH_FIX;
  if (code === 'network') return 'Check network access to the Google API endpoints (proxy, firewall, VPN) and the endpoint options of this scan (--resource-manager-endpoint, --iam-endpoint, --policy-analyzer-endpoint); then scan again.';
  if (need) {
    const perm = f.permission && code === 'permission-denied' ? f.permission : need.permission;
    return `Grant ${need.role} (permission ${perm}) on ${resource ?? need.on} to the scanning principal.`;
  }
  return 'Check the API error message; re-run when the API is reachable.';
}

/** An interrupted scan is not an API failure: let it through. */
export function rethrowAbort(err: unknown): void {
  if ((err as Error)?.name === 'AbortError') throw err;
}

export function failureRecord(operation: string, err: unknown, resource?: string | null): ErrorRecord {
  rethrowAbort(err);
  const fault = networkFault(err);
  if (fault) return { type: 'error', operation, code: fault.code, message: `${operation}${resource ? ` on ${resource}` : ''} failed: ${fault.message}`, fix: fault.fix, resource: resource ?? null };
  const f = describeFailure(err);
  return {
    type: 'error',
    operation,
    code: errorCode(f),
    message: `${operation}${resource ? ` on ${resource}` : ''} failed: ${f.httpStatus ?? ''}${f.status ? ` ${f.status}` : ''} ${f.message}`.replace(/\s+/g, ' ').trim(),
    fix: fixFor(operation, f, resource),
    resource: resource ?? null,
  };
}

export function explainGcpError(err: unknown): ExplainedError {
  const msg = (err as Error)?.message ?? '';
  if (/Could not load the default credentials|Could not refresh access token|No authentication was provided|invalid_grant/i.test(msg)) {
    return { code: 'unauthenticated', fix: AUTH_FIX, message: msg.slice(0, 300) };
  }
  const fault = networkFault(err);
  if (fault) return { code: fault.code, fix: fault.fix, message: fault.message };
  const f = describeFailure(err);
  const op = /^(projects\.search|projects\.get)/.exec(msg)?.[1] ?? 'projects.search';
  return { code: errorCode(f), fix: fixFor(op, f), message: f.message };
}
