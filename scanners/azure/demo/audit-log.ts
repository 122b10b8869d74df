// The demo tenant's audit records, served beside its Graph and ARM answers: Entra ID
// `directoryAudits` (OData paging with `@odata.nextLink`), user lookups (a deleted user answers
// 404), and the ARM activity log's role assignment writes, in each service's wire format.
import type { LocalRequest } from '../../../src/demo/local-server.js';
import { DEMO } from '../../../src/demo/estate.js';
import type { DirectoryAudit } from '../owners.js';
import type { AzureEstate } from './estate.js';
import type { HookResult } from './server.js';

type Json = Record<string, unknown>;

/** The people the audit log names: one left the company (deleted), one is still here. */
export const AUDIT_PEOPLE = {
  departed: { id: 'b7b7b7b7-0000-4000-8000-000000000001', displayName: 'Kim Nguyen', userPrincipalName: `kim.nguyen@${DEMO.domain}` },
  admin: { id: 'b7b7b7b7-0000-4000-8000-000000000002', displayName: 'Lee Admin', userPrincipalName: `lee.admin@${DEMO.domain}` },
} as const;

export interface AuditFixtures {
  audits: DirectoryAudit[];
  activity: Record<string, Json[]>;
  /** Users by id: absent = deleted (404). */
  users: Record<string, { accountEnabled: boolean }>;
}

export function demoAuditFixtures(estate: AzureEstate, now: Date): AuditFixtures {
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000 - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const byName = (list: Json[], name: string) => list.find((x) => x.displayName === name);
  const invoiceApp = byName(estate.graph.applications, 'orphaned-invoice-bot');
  const invoiceSp = byName(estate.graph.servicePrincipals, 'orphaned-invoice-bot');
  const backupSp = byName(estate.graph.servicePrincipals, 'Contoso Backup Cloud');
  const { departed, admin } = AUDIT_PEOPLE;
  const audit = (n: number, name: string, days: number, user: Json, targets: Json[]): DirectoryAudit => ({
    id: `Directory_${String(n).padStart(4, '0')}_DEMO`,
    category: 'ApplicationManagement',
    correlationId: `c0c0c0c0-0000-4000-8000-${String(n).padStart(12, '0')}`,
    result: 'success',
    resultReason: '',
    activityDisplayName: name,
    activityDateTime: ago(days),
    loggedByService: 'Core Directory',
    operationType: name.startsWith('Add') ? 'Add' : 'Update',
    initiatedBy: { app: null, user: { ...user, ipAddress: '203.0.113.7' } },
    targetResources: targets,
    additionalDetails: [],
  } as DirectoryAudit);
  const audits: DirectoryAudit[] = [];
  if (invoiceApp) {
    audits.push(audit(1, 'Update application – Certificates and secrets management', 29, departed, [{ id: invoiceApp.id, displayName: invoiceApp.displayName, type: 'Application', modifiedProperties: [{ displayName: 'KeyDescription', oldValue: '[]', newValue: '["[KeyIdentifier=…,KeyType=Password,KeyUsage=Verify,DisplayName=invoice-sender]"]' }] }]));
  }
  if (backupSp) audits.push(audit(2, 'Add service principal', 12, admin, [{ id: backupSp.id, displayName: backupSp.displayName, type: 'ServicePrincipal', modifiedProperties: [] }]));
  const activity: Record<string, Json[]> = {};
  const prod = DEMO.azure.subscriptions.prod;
  if (invoiceSp) {
    const scope = `/subscriptions/${prod}/resourceGroups/rg-finance-prod`;
    const body = JSON.stringify({ Id: 'd1d1d1d1-0000-4000-8000-000000000001', Properties: { PrincipalId: invoiceSp.id, PrincipalType: 'ServicePrincipal', RoleDefinitionId: `/subscriptions/${prod}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, Scope: scope } });
    activity[prod] = [
      {
        authorization: { action: 'Microsoft.Authorization/roleAssignments/write', scope: `${scope}/providers/Microsoft.Authorization/roleAssignments/d1d1d1d1-0000-4000-8000-000000000001` },
        caller: departed.userPrincipalName,
        channels: 'Operation',
        correlationId: 'e2e2e2e2-0000-4000-8000-000000000001',
        eventDataId: 'e3e3e3e3-0000-4000-8000-000000000001',
        eventName: { value: 'EndRequest', localizedValue: 'End request' },
        category: { value: 'Administrative', localizedValue: 'Administrative' },
        eventTimestamp: ago(29),
        id: `${scope}/providers/Microsoft.Authorization/roleAssignments/d1d1d1d1-0000-4000-8000-000000000001/events/e3e3e3e3/ticks/638000000000000000`,
        level: 'Informational',
        operationId: 'e4e4e4e4-0000-4000-8000-000000000001',
        operationName: { value: 'Microsoft.Authorization/roleAssignments/write', localizedValue: 'Create role assignment' },
        resourceGroupName: 'rg-finance-prod',
        resourceProviderName: { value: 'Microsoft.Authorization', localizedValue: 'Microsoft Authorization' },
        resourceId: `${scope}/providers/Microsoft.Authorization/roleAssignments/d1d1d1d1-0000-4000-8000-000000000001`,
        status: { value: 'Succeeded', localizedValue: 'Succeeded' },
        subStatus: { value: 'Created', localizedValue: 'Created (HTTP Status Code: 201)' },
        submissionTimestamp: ago(29),
        subscriptionId: prod,
        tenantId: estate.tenantId,
        properties: { statusCode: 'Created', requestbody: body, eventCategory: 'Administrative', entity: scope, message: 'Microsoft.Authorization/roleAssignments/write', hierarchy: estate.tenantId },
      },
    ];
  }
  return { audits, activity, users: { [admin.id]: { accountEnabled: true } } };
}

const graphError = (status: number, code: string, message: string) => ({ status, body: { error: { code, message, innerError: { date: '2026-01-01T00:00:00', 'request-id': '00000000-0000-0000-0000-000000000000' } } } });

/** A request hook for the local Graph/ARM endpoint answering the audit calls (undefined: not an audit call). */
export function auditHook(f: AuditFixtures, opts: { pageSize?: number } = {}): (req: LocalRequest) => HookResult | undefined {
  const size = opts.pageSize ?? 100;
  return (req) => {
    const base = `https://${req.headers.host ?? '127.0.0.1'}`;
    if (req.path === '/v1.0/auditLogs/directoryAudits') {
      const skip = Number(req.query.get('$skiptoken') ?? 0) || 0;
      const body: Json = { '@odata.context': `${base}/v1.0/$metadata#auditLogs/directoryAudits`, value: f.audits.slice(skip, skip + size) };
      if (skip + size < f.audits.length) {
        const q = new URLSearchParams(req.query);
        q.set('$skiptoken', String(skip + size));
        body['@odata.nextLink'] = `${base}${req.path}?${q.toString()}`;
      }
      return { status: 200, body };
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/v1\.0\/users\/([^/]+)$/.exec(req.path))) {
      const u = f.users[decodeURIComponent(m[1])];
      if (!u) return graphError(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`);
      return { status: 200, body: { '@odata.context': `${base}/v1.0/$metadata#users(id,accountEnabled,userPrincipalName)/$entity`, id: m[1], ...u } };
    }
    if ((m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Insights\/eventtypes\/management\/values$/i.exec(req.path))) {
      return { status: 200, body: { value: f.activity[m[1].toLowerCase()] ?? [] } };
    }
    return undefined;
  };
}
