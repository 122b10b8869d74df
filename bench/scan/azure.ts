// Azure at scale: a tenant with 10,000 applications and service principals (5,000 registered
// here, each with its service principal) and 50 subscriptions with role assignments and
// managed identities, served by the demo's Graph/ARM endpoint. Limits as Microsoft documents
// them: Graph identity and access, 8,000 resource units per 10 s per app and tenant (a GET
// costs one); $select=keyCredentials on servicePrincipals, 150 requests a minute per tenant;
// ARM's token bucket per subscription (250 reads, refilled at 25 a second) and per tenant.
// Over a limit: 429 with Retry-After (and retry-after-ms, which the Azure SDK reads first).
import { startLocalServer, type LocalRequest } from '../../src/demo/local-server.js';
import { azureScanner } from '../../scanners/azure/index.js';
import { buildAzureEstate, gid, ROLE_IDS } from '../../scanners/azure/demo/estate.js';
import { azureHandler, type BaseHolder } from '../../scanners/azure/demo/server.js';
import type { AzureOptions } from '../../scanners/azure/options.js';
import { limited, type LimitRule } from './limits.js';
import type { ProviderBench } from './provider.js';
import { DEFAULT_CONCURRENCY } from '../../src/cli/scan-args.js';

const AT = '2025-06-01T00:00:00Z';

function grow(apps: number, subscriptions: number) {
  const e = buildAzureEstate(new Date());
  const g = e.graph;
  const a = e.arm;
  for (let i = 0; i < apps; i++) {
    const appId = gid('b0b0b0b0', i);
    const objectId = gid('b1b1b1b1', i);
    const spId = gid('b2b2b2b2', i);
    const secret = { keyId: gid('b3b3b3b3', i), displayName: 'ci', startDateTime: AT, endDateTime: '2027-06-01T00:00:00Z', hint: 'abc', secretText: null, customKeyIdentifier: null };
    g.applications.push({ id: objectId, appId, displayName: `bench-app-${i}`, createdDateTime: AT, signInAudience: 'AzureADMyOrg', publisherDomain: 'bench.example', passwordCredentials: [secret], keyCredentials: [], tags: [] });
    g.servicePrincipals.push({ id: spId, appId, displayName: `bench-app-${i}`, servicePrincipalType: 'Application', appOwnerOrganizationId: e.tenantId, accountEnabled: true, alternativeNames: [], appRoles: [], passwordCredentials: [], keyCredentials: [], signInAudience: 'AzureADMyOrg', verifiedPublisher: { displayName: null }, tags: [] });
    g.owners[objectId] = [{ '@odata.type': '#microsoft.graph.user', id: gid('b4b4b4b4', i % 50), displayName: `Owner ${i % 50}`, userPrincipalName: `owner${i % 50}@bench.example` }];
  }
  for (let s = 0; s < subscriptions; s++) {
    const sub = gid('c0c0c0c0', s);
    a.subscriptions.push({ id: `/subscriptions/${sub}`, subscriptionId: sub, tenantId: e.tenantId, displayName: `bench ${s}`, state: 'Enabled', subscriptionPolicies: {}, authorizationSource: 'RoleBased', managedByTenants: [], tags: {} });
    a.roleAssignments[sub] = Array.from({ length: 40 }, (_, i) => ({
      properties: { roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${i % 4 === 0 ? ROLE_IDS.Contributor : ROLE_IDS.Reader}`, principalId: gid('b2b2b2b2', (s * 40 + i) % Math.max(1, apps)), principalType: 'ServicePrincipal', scope: `/subscriptions/${sub}` },
      id: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments/${gid('c1c1c1c1', s * 100 + i)}`,
      type: 'Microsoft.Authorization/roleAssignments',
      name: gid('c1c1c1c1', s * 100 + i),
    }));
    a.userAssignedIdentities[sub] = [];
    a.resources[sub] = [];
    for (let m = 0; m < 10; m++) {
      const name = `id-${s}-${m}`;
      const resourceId = `/subscriptions/${sub}/resourceGroups/rg-${s}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
      const principalId = gid('c2c2c2c2', s * 100 + m);
      a.userAssignedIdentities[sub].push({ location: 'eastus', tags: { owner: 'platform' }, properties: { tenantId: e.tenantId, principalId, clientId: gid('c3c3c3c3', s * 100 + m), isolationScope: 'None' }, id: resourceId, name, type: 'Microsoft.ManagedIdentity/userAssignedIdentities' });
      a.uamiFederated[resourceId.toLowerCase()] = [];
      a.resources[sub].push({ id: resourceId, name, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', location: 'eastus', tags: {}, createdTime: AT });
    }
  }
  return e;
}

const SUB = /^\/subscriptions\/([^/]+)/i;

export const azureBench: ProviderBench = {
  name: 'azure',
  async start(s) {
    const apps = Math.max(10, Math.round(5000 * s.scale));
    const subscriptions = Math.max(2, Math.round(50 * s.scale));
    const e = grow(apps, subscriptions);
    const isGraph = (r: LocalRequest) => r.path.startsWith('/v1.0/') || r.path.startsWith('/beta/');
    const rules: LimitRule[] = [
      { name: 'Graph identity and access: 8,000 RU/10 s per app and tenant', key: (r) => (isGraph(r) ? 'tenant' : null), capacity: 8000, perSecond: 800 },
      { name: 'Graph $select=keyCredentials on servicePrincipals: 150/minute per tenant', key: (r) => (r.path.startsWith('/v1.0/servicePrincipals') && /keyCredentials/.test(r.query.get('$select') ?? '') ? 'tenant' : null), capacity: 150, perSecond: 2.5 },
      { name: 'ARM reads per subscription: bucket 250, 25/s', key: (r) => (isGraph(r) ? null : (SUB.exec(r.path)?.[1]?.toLowerCase() ?? 'tenant')), capacity: 250, perSecond: 25 },
    ];
    const holder: BaseHolder = { base: '' };
    const { handler, stats } = limited(azureHandler(e, holder, { graphPageSize: 999, armPageSize: 1000 }), {
      rules,
      // Graph's @odata.nextLink and ARM's nextLink carry an opaque $skiptoken ($skipToken on ARM).
      continues: (r) => {
        const token = ['$skiptoken', '$skipToken'].find((k) => r.query.has(k));
        if (!token) return null;
        const q = new URLSearchParams(r.query);
        q.delete(token);
        return `${r.path}?${decodeURIComponent(q.toString())}`;
      },
      latencyMs: s.latencyMs,
      factor: s.factor,
      throttled: (_req, res, _rule, waitMs) => {
        res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))), 'retry-after-ms': String(Math.max(1, Math.ceil(waitMs))) });
        res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests.' } }));
      },
    });
    const server = await startLocalServer(handler);
    holder.base = `https://127.0.0.1:${server.port}`;
    const options = { tenant: e.tenantId, armEndpoint: holder.base, graphEndpoint: holder.base, accessToken: 'bench-static-token', emulator: true, maxRetries: 8, retryDelayMs: Math.max(1, Math.round(1000 / s.factor)) } as AzureOptions;
    const identities = e.graph.servicePrincipals.length + e.graph.applications.length - apps + Object.values(e.arm.userAssignedIdentities).reduce((n, l) => n + l.length, 0);
    return { scanner: azureScanner, options, targetConcurrency: DEFAULT_CONCURRENCY, inFlight: 16, identities, rules, stats, describe: `${apps} applications + ${apps} service principals, ${subscriptions + 2} subscriptions`, stop: () => server.close() };
  },
};
