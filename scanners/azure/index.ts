// The azure scanner: one target per tenant (Microsoft Graph: applications, service principals,
// their credentials, owners, application permissions and directory roles) and one per
// subscription (ARM: role assignments and definitions, managed identities).
import { defineScanner, type DiscoveryContext, type ScanContext, type ScanTarget } from '../../src/scanners/contract.js';
import type { ErrorRecord, ScanRecord } from '../../src/model/records.js';
import { scanSubscription, type SubscriptionTargetData } from './arm.js';
import { AzureHttpError, buildClients } from './clients.js';
import { startAzureDemo } from './demo/server.js';
import { ARM_FIX, explainAzureError, graphFix, ProblemsImpl } from './errors.js';
import { scanTenant, type TenantTargetData } from './graph.js';
import { SharedSignInReports } from './sign-in-reports.js';
import { AZURE_OPTIONS, type AzureOptions } from './options.js';
import { AzureIdentityIndex, ownersFromActivityLog, ownersFromDirectoryAudits } from './owners.js';

const SUBSCRIPTIONS_API = '2022-12-01';

interface SubscriptionInfo {
  subscriptionId: string;
  tenantId?: string;
  displayName?: string;
  state?: string;
}

async function discover(ctx: DiscoveryContext<AzureOptions>): Promise<ScanTarget[]> {
  const o = ctx.options;
  const c = buildClients(o, ctx.progress, ctx.signal);
  const wanted = (o.subscription ?? []).map((s) => s.toLowerCase());
  const subs: SubscriptionInfo[] = [];
  let listError: unknown = null;
  if (wanted.length > 0) {
    for (const id of wanted) {
      try {
        const s = await c.arm.get<SubscriptionInfo>(`/subscriptions/${id}?api-version=${SUBSCRIPTIONS_API}`);
        subs.push({ ...s, subscriptionId: id });
      } catch (err) {
        if (!(err instanceof AzureHttpError)) throw err;
        subs.push({ subscriptionId: id, tenantId: o.tenant }); // its scan reports what it cannot read
      }
    }
  } else {
    try {
      for await (const page of c.arm.pages<SubscriptionInfo>(`/subscriptions?api-version=${SUBSCRIPTIONS_API}`)) {
        for (const s of page) if (s.subscriptionId && s.state !== 'Disabled') subs.push(s);
      }
    } catch (err) {
      if (!(err instanceof AzureHttpError)) throw err;
      listError = err;
    }
  }
  const tenants = new Set<string>();
  if (o.tenant) tenants.add(o.tenant.toLowerCase());
  else for (const s of subs) if (s.tenantId) tenants.add(s.tenantId.toLowerCase());
  if (tenants.size === 0 && !o.skipGraph) {
    try {
      const org = await c.graph.get<{ value?: { id: string }[] }>('/v1.0/organization?$select=id');
      for (const t of org.value ?? []) tenants.add(t.id.toLowerCase());
    } catch (err) {
      if (!(err instanceof AzureHttpError)) throw err;
      if (err.statusCode === 401) throw err; // the token itself is rejected: explainError says so
      throw Object.assign(new Error(`cannot tell which tenant to scan: ${(err as Error).message}`), { code: 'no-tenant', fix: graphFix('organization') });
    }
  }
  if (tenants.size === 0 && subs.length === 0) {
    if (listError) throw listError;
    throw Object.assign(new Error('no tenant and no subscription visible to these credentials'), { code: 'nothing-to-scan', fix: `Pass --tenant, or grant ${ARM_FIX.subscriptions}` });
  }
  if (listError && (o.skipGraph || tenants.size === 0)) throw listError;
  const discoveryErrors = listError ? new ProblemsImpl().collect(listError, 'list subscriptions', ARM_FIX.subscriptions).filter((r): r is ErrorRecord => r.type === 'error') : [];
  const onlyTenant = tenants.size === 1 ? [...tenants][0] : undefined;
  const targets: ScanTarget[] = [];
  // A tenant target reads the tenant's sign-in reports anyway: its subscription targets share that read.
  const signIns = new Map<string, SharedSignInReports>();
  if (!o.skipGraph) {
    for (const t of [...tenants].sort()) {
      if (!o.skipSignInActivity) signIns.set(t, new SharedSignInReports());
      const data: TenantTargetData = {
        kind: 'tenant',
        tenantId: t,
        scannedSubscriptions: subs.filter((s) => (s.tenantId?.toLowerCase() ?? onlyTenant) === t).map((s) => s.subscriptionId.toLowerCase()),
        discoveryErrors,
        signIns: signIns.get(t),
      };
      targets.push({ key: `azure:${t}`, label: `azure tenant ${t}`, data });
    }
  }
  for (const s of [...subs].sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId))) {
    const tenantId = (s.tenantId ?? onlyTenant ?? 'unknown-tenant').toLowerCase();
    const data: SubscriptionTargetData = { kind: 'subscription', subscriptionId: s.subscriptionId.toLowerCase(), tenantId, displayName: s.displayName, signIns: signIns.get(tenantId) };
    targets.push({ key: `azure-sub:${s.subscriptionId.toLowerCase()}`, label: `azure subscription ${s.displayName ?? s.subscriptionId}`, data });
  }
  return targets;
}

async function* scan(ctx: ScanContext<AzureOptions>): AsyncGenerator<ScanRecord> {
  const c = buildClients(ctx.options, ctx.progress, ctx.signal);
  const data = ctx.target.data as TenantTargetData | SubscriptionTargetData;
  const owners = ctx.options.ownersFromLogs;
  if (data.kind === 'tenant') {
    const index = new AzureIdentityIndex();
    for await (const r of scanTenant(ctx, c, data)) {
      index.see(r);
      yield r;
    }
    if (owners) yield* ownersFromDirectoryAudits(ctx, c, index);
  } else {
    const principals = new Set<string>();
    for await (const r of scanSubscription(ctx, c, data)) {
      if (r.type === 'grant' || r.type === 'identity') principals.add((r.type === 'grant' ? r.identityId : r.id).toLowerCase());
      yield r;
    }
    if (owners) yield* ownersFromActivityLog(ctx, c, data.subscriptionId, principals);
  }
}

export const azureScanner = defineScanner<AzureOptions>({
  name: 'azure',
  provider: 'azure',
  title: 'Microsoft Azure and Entra ID',
  description:
    'App registrations and service principals (secrets, certificates, federated credentials, owners, application permissions, directory roles, sign-in activity), managed identities, and Azure role assignments per subscription.',
  needs: [
    'Azure credentials for DefaultAzureCredential (az login, environment, workload identity or managed identity)',
    'Reader on each subscription (role assignments, role definitions, managed identities, resources)',
    'Microsoft Graph application permissions: Application.Read.All, RoleManagement.Read.Directory, AuditLog.Read.All (sign-in activity, Entra ID P1/P2)',
    'network access to Azure Resource Manager and Microsoft Graph',
  ],
  options: AZURE_OPTIONS,
  isConfigured(o, env, hasConfigSection) {
    if (hasConfigSection) return true;
    if (o.accessToken || o.tenant || (o.subscription && o.subscription.length > 0)) return true;
    if (env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID && (env.AZURE_CLIENT_SECRET || env.AZURE_FEDERATED_TOKEN_FILE || env.AZURE_CLIENT_CERTIFICATE_PATH)) return true;
    // App Service / Functions / Cloud Shell managed identity endpoints.
    return !!(env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT);
  },
  targets: discover,
  scan,
  explainError(err) {
    const code = (err as { code?: string; fix?: string })?.code;
    const fix = (err as { fix?: string })?.fix;
    if (code && fix && !(err instanceof AzureHttpError)) return { code, fix, message: (err as Error).message };
    return explainAzureError(err);
  },
  demo: (input) => startAzureDemo(input),
});

export default azureScanner;
