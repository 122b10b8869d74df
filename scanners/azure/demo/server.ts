// A local endpoint that answers the Microsoft Graph and ARM calls the scanner makes, from an
// AzureEstate, in the services' wire format (OData `@odata.nextLink` / ARM `nextLink` paging).
// The demo serves it over plain HTTP and the scanner reaches it in --emulator mode; tests
// serve it over HTTPS with a certificate they make, trusted through NODE_EXTRA_CA_CERTS.
import type { ServerResponse } from 'node:http';
import { startLocalServer, type LocalRequest, type LocalServer } from '../../../src/demo/local-server.js';
import type { DemoEndpoint, DemoInput } from '../../../src/scanners/contract.js';
import type { AzureOptions } from '../options.js';
import { buildAzureEstate, type AzureEstate } from './estate.js';
import { auditHook, demoAuditFixtures } from './audit-log.js';
import { planExpand, type ExpandPlan } from './graph-expand.js';
import { planFilter } from './graph-advanced.js';

type Json = Record<string, unknown>;

export interface HookResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface AzureHandlerOptions {
  /** Largest Graph page served, whatever $top asks (real Graph caps at 999). */
  graphPageSize?: number;
  /** ARM page size. */
  armPageSize?: number;
  /** Answer some requests differently (throttling, permission failures) in tests. */
  hook?: (req: LocalRequest) => HookResult | undefined;
  /** Simulated service latency per request, in ms. */
  latencyMs?: number;
}

/** Requests being answered right now, and the most seen at once. */
export interface ServerStats {
  inFlight: number;
  maxInFlight: number;
}

/** The URL the client believes it talks to (https even when served over plain HTTP in emulator mode). */
export interface BaseHolder {
  base: string;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

const graphError = (status: number, code: string, message: string) => ({
  error: { code, message, innerError: { date: '2026-01-01T00:00:00', 'request-id': '00000000-0000-0000-0000-000000000000', 'client-request-id': '00000000-0000-0000-0000-000000000000' } },
});
const armError = (code: string, message: string) => ({ error: { code, message } });

export function azureHandler(estate: AzureEstate, holder: BaseHolder, opts: AzureHandlerOptions = {}, stats: ServerStats = { inFlight: 0, maxInFlight: 0 }) {
  const g = estate.graph;
  const a = estate.arm;
  const gPage = opts.graphPageSize ?? 100;
  const aPage = opts.armPageSize ?? 50;

  const graphList = (req: LocalRequest, res: ServerResponse, items: Json[], context: string, expand: ExpandPlan | null = null, count = false) => {
    const top = expand ? expand.pageSize : Math.min(Number(req.query.get('$top') ?? gPage) || gPage, gPage);
    const skip = Number(req.query.get('$skiptoken') ?? 0) || 0;
    const page = items.slice(skip, skip + top);
    const body: Json = { '@odata.context': `${holder.base}/v1.0/$metadata#${context}` };
    if (count && skip === 0) body['@odata.count'] = items.length;
    body.value = expand ? page.map(expand.shape) : page;
    if (skip + top < items.length) {
      const q = new URLSearchParams(req.query);
      q.set('$skiptoken', String(skip + top));
      body['@odata.nextLink'] = `${holder.base}${req.path}?${q.toString()}`;
    }
    send(res, 200, body);
  };
  const armList = (req: LocalRequest, res: ServerResponse, items: Json[]) => {
    const skip = Number(req.query.get('$skiptoken') ?? 0) || 0;
    const body: Json = { value: items.slice(skip, skip + aPage) };
    if (skip + aPage < items.length) {
      const q = new URLSearchParams(req.query);
      q.set('$skiptoken', String(skip + aPage));
      body.nextLink = `${holder.base}${req.path}?${q.toString()}`;
    }
    send(res, 200, body);
  };
  const sp = (id: string) => g.servicePrincipals.find((s) => String(s.id).toLowerCase() === id.toLowerCase());
  /** A directory object list, with owners expanded or the advanced filter applied when asked (Graph's caps and refusals included). */
  const directoryList = (req: LocalRequest, res: ServerResponse, items: Json[], context: 'applications' | 'servicePrincipals') => {
    const e = planExpand(req.query, context === 'applications' ? { owners: g.owners, federatedIdentityCredentials: g.federated } : { owners: g.owners }, gPage);
    if ('error' in e) return send(res, e.error.status, graphError(e.error.status, e.error.code, e.error.message));
    const f = planFilter(req, context, g.federated);
    if ('error' in f) return send(res, f.error.status, graphError(f.error.status, f.error.code, f.error.message));
    return graphList(req, res, f.plan ? items.filter(f.plan.keep) : items, context, e.plan, f.count);
  };

  const answer = (req: LocalRequest, res: ServerResponse) => {
    const hooked = opts.hook?.(req);
    if (hooked) return send(res, hooked.status, hooked.body, hooked.headers);
    if (req.method !== 'GET') return send(res, 405, graphError(405, 'Request_BadRequest', 'read-only endpoint'));
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ''))) {
      return send(res, 401, graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.'));
    }
    const p = req.path.replace(/\/{2,}/g, '/');
    let m: RegExpExecArray | null;

    // ------------------------------------------------------------ Microsoft Graph
    if (p === '/v1.0/organization') return send(res, 200, { value: [{ id: estate.tenantId, displayName: 'Acme Corp' }] });
    if (p === '/beta/reports/servicePrincipalSignInActivities') {
      const f = /appId eq '([^']+)'/i.exec(req.query.get('$filter') ?? '');
      if (f) {
        const rows = g.spSignIns.filter((r) => String(r.appId).toLowerCase() === f[1].toLowerCase());
        return send(res, 200, { '@odata.context': `${holder.base}/beta/$metadata#reports/servicePrincipalSignInActivities`, value: rows });
      }
      return graphList(req, res, g.spSignIns, 'reports/servicePrincipalSignInActivities');
    }
    if (p === '/beta/reports/appCredentialSignInActivities') return graphList(req, res, g.credSignIns, 'reports/appCredentialSignInActivities');
    if (p === '/v1.0/directoryRoles') return graphList(req, res, g.directoryRoles, 'directoryRoles');
    if ((m = /^\/v1\.0\/directoryRoles\/([^/]+)\/members$/.exec(p))) return graphList(req, res, g.directoryRoleMembers[m[1]] ?? [], 'directoryObjects');
    if (p === '/v1.0/applications') return directoryList(req, res, g.applications, 'applications');
    if ((m = /^\/v1\.0\/applications\/([^/]+)\/owners$/.exec(p))) return graphList(req, res, g.owners[m[1]] ?? [], 'directoryObjects');
    if ((m = /^\/(?:v1\.0|beta)\/applications\/([^/]+)\/federatedIdentityCredentials$/.exec(p))) {
      if (!g.applications.some((x) => x.id === m![1])) return send(res, 404, graphError(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist.`));
      return graphList(req, res, g.federated[m[1]] ?? [], `applications('${m[1]}')/federatedIdentityCredentials`);
    }
    if (p === '/v1.0/servicePrincipals') return directoryList(req, res, g.servicePrincipals, 'servicePrincipals');
    if ((m = /^\/v1\.0\/servicePrincipals\(appId='([^']+)'\)$/.exec(decodeURIComponent(p)))) {
      const found = g.servicePrincipals.find((s) => String(s.appId).toLowerCase() === m![1].toLowerCase());
      if (!found) return send(res, 404, graphError(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`));
      return send(res, 200, { '@odata.context': `${holder.base}/v1.0/$metadata#servicePrincipals/$entity`, ...found });
    }
    if ((m = /^\/v1\.0\/servicePrincipals\/([^/]+)\/owners$/.exec(p))) return graphList(req, res, g.owners[m[1]] ?? [], 'directoryObjects');
    if ((m = /^\/v1\.0\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/.exec(p))) {
      return graphList(req, res, g.appRoleAssignedTo[m[1]] ?? [], `servicePrincipals('${m[1]}')/appRoleAssignedTo`);
    }
    if ((m = /^\/v1\.0\/servicePrincipals\/([^/()]+)$/.exec(p))) {
      const found = sp(m[1]);
      if (!found) return send(res, 404, graphError(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist.`));
      return send(res, 200, { '@odata.context': `${holder.base}/v1.0/$metadata#servicePrincipals/$entity`, ...found });
    }

    // ------------------------------------------------------------ Azure Resource Manager
    if (/^\/subscriptions$/i.test(p)) return armList(req, res, a.subscriptions);
    if ((m = /^\/subscriptions\/([^/]+)$/i.exec(p))) {
      const s = a.subscriptions.find((x) => String(x.subscriptionId).toLowerCase() === m![1].toLowerCase());
      return s ? send(res, 200, s) : send(res, 404, armError('SubscriptionNotFound', `The subscription '${m[1]}' could not be found.`));
    }
    if ((m = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(p))) {
      const d = a.roleDefinitions.find((x) => String(x.name).toLowerCase() === m![1].toLowerCase());
      if (!d) return send(res, 404, armError('RoleDefinitionDoesNotExist', 'The specified role definition does not exist.'));
      const scope = p.slice(0, p.toLowerCase().indexOf('/providers/microsoft.authorization/'));
      return send(res, 200, { ...d, id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${String(d.name)}` });
    }
    if ((m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(p))) {
      return armList(req, res, a.roleAssignments[m[1].toLowerCase()] ?? []);
    }
    if ((m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities$/i.exec(p))) {
      return armList(req, res, a.userAssignedIdentities[m[1].toLowerCase()] ?? []);
    }
    if ((m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+)\/federatedIdentityCredentials$/i.exec(p))) {
      return armList(req, res, a.uamiFederated[m[1].toLowerCase()] ?? []);
    }
    if ((m = /^\/subscriptions\/([^/]+)\/resources$/i.exec(p))) return armList(req, res, a.resources[m[1].toLowerCase()] ?? []);

    return send(res, 404, graphError(404, 'NotFound', `no route for ${req.method} ${p}`));
  };
  return async (req: LocalRequest, res: ServerResponse) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
      answer(req, res);
    } finally {
      stats.inFlight--;
    }
  };
}

export interface AzureLocal {
  server: LocalServer;
  stats: ServerStats;
  estate: AzureEstate;
  /** The https URL the scanner is given. */
  url: string;
}

/** Start the estate on 127.0.0.1: plain HTTP (reached with --emulator) or HTTPS with the given certificate. */
export async function startAzureLocal(estate: AzureEstate, opts: AzureHandlerOptions & { tls?: { key: string; cert: string } } = {}): Promise<AzureLocal> {
  const holder: BaseHolder = { base: '' };
  const stats: ServerStats = { inFlight: 0, maxInFlight: 0 };
  const server = await startLocalServer(azureHandler(estate, holder, opts, stats), opts.tls ? { tls: opts.tls } : {});
  holder.base = `https://127.0.0.1:${server.port}`;
  return { server, stats, estate, url: holder.base };
}

/** The scanner's part of `nhi scan --demo`. */
export async function startAzureDemo(input: DemoInput): Promise<DemoEndpoint<AzureOptions>> {
  const estate = buildAzureEstate(input.now);
  const local = await startAzureLocal(estate, { hook: auditHook(demoAuditFixtures(estate, input.now)) });
  return {
    options: {
      tenant: local.estate.tenantId,
      armEndpoint: local.url,
      graphEndpoint: local.url,
      accessToken: 'demo-static-token',
      emulator: true,
      maxRetries: 2,
      retryDelayMs: 50,
      ownersFromLogs: true,
    },
    stop: () => local.server.close(),
  };
}
