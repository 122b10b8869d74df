// A local stand-in for the Google APIs the scanner reads, answering in their published REST
// shapes: Cloud Resource Manager v3 (projects.search/get/getIamPolicy, folders.get/getIamPolicy,
// organizations.get/getIamPolicy), IAM v1 (projects.serviceAccounts.list, keys.list,
// getIamPolicy) and Policy Analyzer v1 (activities.query). The demo serves the demo estate from
// it; tests serve small estates and inject faults (403, 429, a disabled API).
import type { ServerResponse } from 'node:http';
import type { LocalHandler, LocalRequest } from '../../../src/demo/local-server.js';

export interface FakeBinding {
  role: string;
  members: string[];
  condition?: { title?: string; description?: string; expression: string };
}

export interface FakeKey {
  id: string;
  keyType: 'USER_MANAGED' | 'SYSTEM_MANAGED';
  keyOrigin?: 'GOOGLE_PROVIDED' | 'USER_PROVIDED';
  validAfterTime: string;
  validBeforeTime: string;
  disabled?: boolean;
  /** Last authentication with this key (Policy Analyzer), if any. */
  lastAuthenticated?: string;
}

export interface FakeServiceAccount {
  email: string;
  uniqueId: string;
  displayName?: string;
  description?: string;
  disabled?: boolean;
  keys?: FakeKey[];
  policy?: FakeBinding[];
  /** Last authentication (Policy Analyzer), if any. */
  lastAuthenticated?: string;
}

export interface FakeProject {
  projectId: string;
  number: string;
  parent: string;
  displayName?: string;
  labels?: Record<string, string>;
  createTime: string;
  policy: FakeBinding[];
  serviceAccounts: FakeServiceAccount[];
  /** Policy Analyzer state in this project. */
  activityApi?: 'enabled' | 'disabled' | 'denied';
}

export interface FakeEstate {
  organizations: { id: string; domain: string; directoryCustomerId?: string; createTime: string; policy: FakeBinding[] }[];
  folders: { id: string; parent: string; displayName: string; createTime: string; policy: FakeBinding[] }[];
  projects: FakeProject[];
}

export interface FakeFaults {
  /** Return a 403 PERMISSION_DENIED naming this permission when the predicate says so. */
  deny?: (req: LocalRequest, operation: string) => string | null;
  /** Answer this many 429s before the first success of each operation named. */
  throttle?: Record<string, number>;
  /** How throttling is answered: 429 RESOURCE_EXHAUSTED (default) or the older 403 rateLimitExceeded. */
  throttleStyle?: '429' | '403-rateLimitExceeded';
  /** Retry-After header sent with throttling answers (seconds; default 0). */
  retryAfter?: string;
  /** Largest page the server returns (forces paging). */
  maxPage?: number;
}

const FOREVER = '9999-12-31T23:59:59Z';
export { FOREVER };

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function googleError(res: ServerResponse, code: number, status: string, message: string, details: unknown[] = [], headers: Record<string, string> = {}): void {
  json(res, code, { error: { code, message, status, ...(details.length ? { details } : {}) } }, headers);
}

function etag(s: string): string {
  return Buffer.from(s).toString('base64').slice(0, 12) || 'BwX=';
}

function policyBody(bindings: FakeBinding[], seed: string) {
  const version = bindings.some((b) => b.condition) ? 3 : 1;
  return { version, etag: etag(seed), bindings: bindings.map((b) => ({ role: b.role, members: b.members, ...(b.condition ? { condition: b.condition } : {}) })) };
}

function page<T>(items: T[], req: LocalRequest, maxPage: number): { items: T[]; next: string | undefined } {
  const size = Math.max(1, Math.min(Number(req.query.get('pageSize') ?? maxPage) || maxPage, maxPage));
  const start = Number(req.query.get('pageToken') ?? '0') || 0;
  const slice = items.slice(start, start + size);
  return { items: slice, next: start + size < items.length ? String(start + size) : undefined };
}

export function googleApiHandler(estate: FakeEstate, faults: FakeFaults = {}): LocalHandler {
  const throttled = new Map<string, number>();
  const maxPage = faults.maxPage ?? 1000;
  const findProject = (ref: string) => estate.projects.find((p) => p.projectId === ref || p.number === ref);

  return (req, res) => {
    const p = decodeURIComponent(req.path);
    const intEnums = (req.query.get('$alt') ?? '').includes('enum-encoding=int');
    const projectBody = (pr: FakeProject) => ({
      name: `projects/${pr.number}`,
      parent: pr.parent,
      projectId: pr.projectId,
      state: intEnums ? 1 : 'ACTIVE',
      displayName: pr.displayName ?? pr.projectId,
      createTime: pr.createTime,
      updateTime: pr.createTime,
      etag: `W/"${etag(pr.projectId)}"`,
      labels: pr.labels ?? {},
    });

    const routes: [string, RegExp, (m: RegExpExecArray) => void][] = [
      ['projects.search', /^\/v3\/projects:search$/, () => {
        const { items, next } = page(estate.projects, req, maxPage);
        json(res, 200, { projects: items.map(projectBody), ...(next ? { nextPageToken: next } : {}) });
      }],
      ['projects.getIamPolicy', /^\/v3\/projects\/([^/:]+):getIamPolicy$/, (m) => {
        const pr = findProject(m[1]);
        if (!pr) return googleError(res, 403, 'PERMISSION_DENIED', "The caller does not have permission");
        json(res, 200, policyBody(pr.policy, pr.projectId));
      }],
      ['projects.get', /^\/v3\/projects\/([^/:]+)$/, (m) => {
        const pr = findProject(m[1]);
        if (!pr) return googleError(res, 403, 'PERMISSION_DENIED', "The caller does not have permission");
        json(res, 200, projectBody(pr));
      }],
      ['folders.getIamPolicy', /^\/v3\/folders\/(\d+):getIamPolicy$/, (m) => {
        const f = estate.folders.find((x) => x.id === m[1]);
        if (!f) return googleError(res, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
        json(res, 200, policyBody(f.policy, f.id));
      }],
      ['folders.get', /^\/v3\/folders\/(\d+)$/, (m) => {
        const f = estate.folders.find((x) => x.id === m[1]);
        if (!f) return googleError(res, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
        json(res, 200, { name: `folders/${f.id}`, parent: f.parent, displayName: f.displayName, state: intEnums ? 1 : 'ACTIVE', createTime: f.createTime, updateTime: f.createTime, etag: etag(f.id) });
      }],
      ['organizations.getIamPolicy', /^\/v3\/organizations\/(\d+):getIamPolicy$/, (m) => {
        const o = estate.organizations.find((x) => x.id === m[1]);
        if (!o) return googleError(res, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
        json(res, 200, policyBody(o.policy, o.id));
      }],
      ['organizations.get', /^\/v3\/organizations\/(\d+)$/, (m) => {
        const o = estate.organizations.find((x) => x.id === m[1]);
        if (!o) return googleError(res, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
        json(res, 200, { name: `organizations/${o.id}`, displayName: o.domain, directoryCustomerId: o.directoryCustomerId ?? 'C0demo00', state: intEnums ? 1 : 'ACTIVE', createTime: o.createTime, updateTime: o.createTime, etag: etag(o.id) });
      }],
      ['serviceAccounts.keys.list', /^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+)\/keys$/, (m) => {
        const pr = findProject(m[1]);
        const sa = pr?.serviceAccounts.find((s) => s.email === m[2] || s.uniqueId === m[2]);
        if (!pr || !sa) return googleError(res, 404, 'NOT_FOUND', `Unknown service account`);
        const wanted = req.query.getAll('keyTypes');
        const keys = (sa.keys ?? []).filter((k) => wanted.length === 0 || wanted.includes(k.keyType));
        json(res, 200, {
          keys: keys.map((k) => ({
            name: `projects/${pr.projectId}/serviceAccounts/${sa.email}/keys/${k.id}`,
            validAfterTime: k.validAfterTime,
            validBeforeTime: k.validBeforeTime,
            keyAlgorithm: 'KEY_ALG_RSA_2048',
            keyOrigin: k.keyOrigin ?? 'GOOGLE_PROVIDED',
            keyType: k.keyType,
            ...(k.disabled ? { disabled: true } : {}),
          })),
        });
      }],
      ['serviceAccounts.getIamPolicy', /^\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+):getIamPolicy$/, (m) => {
        const pr = findProject(m[1]);
        const sa = pr?.serviceAccounts.find((s) => s.email === m[2] || s.uniqueId === m[2]);
        if (!pr || !sa) return googleError(res, 404, 'NOT_FOUND', `Unknown service account`);
        const body = policyBody(sa.policy ?? [], sa.email);
        json(res, 200, body.bindings.length ? body : { version: 1, etag: 'ACAB' });
      }],
      ['serviceAccounts.list', /^\/v1\/projects\/([^/]+)\/serviceAccounts$/, (m) => {
        const pr = findProject(m[1]);
        if (!pr) return googleError(res, 404, 'NOT_FOUND', `Project ${m[1]} not found`);
        const { items, next } = page(pr.serviceAccounts, req, maxPage);
        json(res, 200, {
          accounts: items.map((s) => ({
            name: `projects/${pr.projectId}/serviceAccounts/${s.email}`,
            projectId: pr.projectId,
            uniqueId: s.uniqueId,
            email: s.email,
            ...(s.displayName ? { displayName: s.displayName } : {}),
            etag: etag(s.email),
            ...(s.description ? { description: s.description } : {}),
            oauth2ClientId: s.uniqueId,
            ...(s.disabled ? { disabled: true } : {}),
          })),
          ...(next ? { nextPageToken: next } : {}),
        });
      }],
      ['activities.query', /^\/v1\/projects\/([^/]+)\/locations\/global\/activityTypes\/(serviceAccountLastAuthentication|serviceAccountKeyLastAuthentication)\/activities:query$/, (m) => {
        const pr = findProject(m[1]);
        if (!pr) return googleError(res, 404, 'NOT_FOUND', 'Not found');
        if (pr.activityApi === 'disabled') {
          return googleError(res, 403, 'PERMISSION_DENIED', `Policy Analyzer API has not been used in project ${pr.number} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/policyanalyzer.googleapis.com/overview?project=${pr.number} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`, [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { service: 'policyanalyzer.googleapis.com', consumer: `projects/${pr.number}` } },
          ]);
        }
        if (pr.activityApi === 'denied') {
          return googleError(res, 403, 'PERMISSION_DENIED', `Permission 'policyanalyzer.${m[2]}Activities.query' denied on resource '//cloudresourcemanager.googleapis.com/projects/${pr.projectId}' (or it may not exist).`, [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'iam.googleapis.com', metadata: { permission: `policyanalyzer.${m[2]}Activities.query` } },
          ]);
        }
        const day = (t: string) => `${t.slice(0, 10)}T07:00:00Z`;
        const prev = (t: string) => new Date(Date.parse(day(t)) - 86_400_000).toISOString().replace('.000Z', 'Z');
        const acts: unknown[] = [];
        for (const sa of pr.serviceAccounts) {
          const saName = `//iam.googleapis.com/projects/${pr.projectId}/serviceAccounts/${sa.email}`;
          if (m[2] === 'serviceAccountLastAuthentication' && sa.lastAuthenticated) {
            acts.push({
              activityType: m[2],
              fullResourceName: saName,
              observationPeriod: { startTime: prev(sa.lastAuthenticated), endTime: day(sa.lastAuthenticated) },
              activity: { lastAuthenticatedTime: day(sa.lastAuthenticated), serviceAccount: { serviceAccountId: sa.uniqueId, projectNumber: pr.number, fullResourceName: saName } },
            });
          }
          if (m[2] === 'serviceAccountKeyLastAuthentication') {
            for (const k of sa.keys ?? []) {
              if (!k.lastAuthenticated) continue;
              const keyName = `${saName}/keys/${k.id}`;
              acts.push({
                activityType: m[2],
                fullResourceName: keyName,
                observationPeriod: { startTime: prev(k.lastAuthenticated), endTime: day(k.lastAuthenticated) },
                activity: { lastAuthenticatedTime: day(k.lastAuthenticated), serviceAccountKey: { serviceAccountId: sa.uniqueId, projectNumber: pr.number, fullResourceName: keyName } },
              });
            }
          }
        }
        const { items, next } = page(acts, req, maxPage);
        json(res, 200, { activities: items, ...(next ? { nextPageToken: next } : {}) });
      }],
    ];

    for (const [op, re, handle] of routes) {
      const m = re.exec(p);
      if (!m) continue;
      if (!/^Bearer .+/.test(String(req.headers.authorization ?? ''))) {
        return googleError(res, 401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      }
      const left = faults.throttle?.[op] ?? 0;
      const used = throttled.get(op) ?? 0;
      if (used < left) {
        throttled.set(op, used + 1);
        if (faults.throttleStyle === '403-rateLimitExceeded') {
          return json(res, 403, { error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: 'rateLimitExceeded' }] } }, { 'retry-after': faults.retryAfter ?? '0' });
        }
        return googleError(res, 429, 'RESOURCE_EXHAUSTED', `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service '${op.startsWith('activities') ? 'policyanalyzer' : op.startsWith('serviceAccounts') ? 'iam' : 'cloudresourcemanager'}.googleapis.com'.`, [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com', metadata: { quota_metric: 'read_requests', quota_limit: 'ReadRequestsPerMinutePerProject' } },
        ], { 'retry-after': faults.retryAfter ?? '0' });
      }
      const denied = faults.deny?.(req, op);
      if (denied) {
        const resource = p.replace(/^\/v[13]\//, '').replace(/:.*$/, '');
        return googleError(res, 403, 'PERMISSION_DENIED', `Permission '${denied}' denied on resource '//${op.startsWith('serviceAccounts') ? 'iam' : 'cloudresourcemanager'}.googleapis.com/${resource}' (or it may not exist).`, [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'IAM_PERMISSION_DENIED', domain: 'iam.googleapis.com', metadata: { permission: denied } },
        ]);
      }
      return handle(m);
    }
    googleError(res, 404, 'NOT_FOUND', `No such method: ${req.method} ${p}`);
  };
}
