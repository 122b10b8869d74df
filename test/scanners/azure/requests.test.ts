// The requests the azure scanner sends, recorded at a local endpoint (real SDK pipelines in
// emulator mode): no per-application service principal read (its credentials come from the
// list, and Microsoft limits $select=keyCredentials to 150 requests a minute per tenant), only
// properties Graph v1.0 declares, no doubled slash, and every request in the published API.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalServer, type LocalRequest, type LocalServer } from '../../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { azureScanner } from '../../../scanners/azure/index.js';
import { buildAzureEstate } from '../../../scanners/azure/demo/estate.js';
import { azureHandler, type BaseHolder } from '../../../scanners/azure/demo/server.js';
import type { CredentialRecord, GrantRecord } from '../../../src/model/records.js';
import { runScanner, type FaultRun } from '../../faults/run.js';
import { AZURE_PUBLISHED, SERVICE_PRINCIPAL_V1, APPLICATION_V1, publishedOperation } from './published-api.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

const SP_SECRET_KEY_ID = '7a7a7a7a-0000-4000-8000-000000000001';
let ownSpId = '';
let recorded: Promise<{ requests: LocalRequest[]; run: FaultRun }> | null = null;

/** One scan of the demo estate, one management-group role assignment naming its definition at tenant level. */
function scanOnce() {
  recorded ??= (async () => {
    const estate = buildAzureEstate(new Date('2026-11-20T12:00:00Z'));
    const sub = Object.keys(estate.arm.roleAssignments)[0];
    const ra = estate.arm.roleAssignments[sub][0] as { properties: { roleDefinitionId: string } };
    ra.properties.roleDefinitionId = ra.properties.roleDefinitionId.replace(/^\/subscriptions\/[^/]+/, '');
    const ownSp = estate.graph.servicePrincipals.find((s) => s.appOwnerOrganizationId === estate.tenantId && s.servicePrincipalType === 'Application')!;
    ownSp.passwordCredentials = [{ keyId: SP_SECRET_KEY_ID, displayName: 'sso signing', startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2027-01-01T00:00:00Z', hint: 'abc', secretText: null }];
    ownSpId = String(ownSp.id).toLowerCase();
    const holder: BaseHolder = { base: '' };
    const server = await startLocalServer(azureHandler(estate, holder));
    holder.base = `https://127.0.0.1:${server.port}`;
    servers.push(server);
    const options = resolveScannerOptions(azureScanner, {
      flags: { armEndpoint: holder.base, graphEndpoint: holder.base, accessToken: 'request-test-token', emulator: true, retryDelayMs: 10, maxRetries: 1 },
      env: {},
      section: undefined,
    });
    const run = await runScanner(azureScanner, options);
    return { requests: server.requests, run };
  })();
  return recorded;
}

describe('azure requests', () => {
  it('reads no service principal per application: the list already carries its credentials', async () => {
    const { requests, run } = await scanOnce();
    assert.deepEqual(run.errors, []);
    const perApp = requests.filter((r) => decodeURIComponent(r.path).includes("servicePrincipals(appId="));
    assert.equal(perApp.length, 0, perApp.map((r) => r.path).join('\n'));
    const spKey = run.records.find((r): r is CredentialRecord => r.type === 'credential' && r.attributes?.origin === 'servicePrincipal' && r.keyId === SP_SECRET_KEY_ID);
    assert.equal(spKey?.identityId, ownSpId, 'the service principal of a registered application keeps its own credentials');
  });

  it('selects only properties Graph v1.0 declares (publisherName is beta only)', async () => {
    const { requests } = await scanOnce();
    const declared: Record<string, readonly string[]> = { '/v1.0/servicePrincipals': SERVICE_PRINCIPAL_V1, '/v1.0/applications': APPLICATION_V1 };
    let checked = 0;
    for (const r of requests) {
      const props = declared[r.path];
      const select = r.query.get('$select');
      if (!props || !select) continue;
      checked++;
      for (const p of select.split(',')) assert.ok(props.includes(p), `${r.path} selects ${p}, which v1.0 does not declare`);
    }
    assert.ok(checked >= 2);
  });

  it('asks for a tenant-level role definition at /providers/…, not //providers/…', async () => {
    const { requests, run } = await scanOnce();
    const doubled = requests.filter((r) => r.path.includes('//'));
    assert.deepEqual(doubled.map((r) => r.path), []);
    assert.ok(requests.some((r) => /^\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/.test(r.path)), 'the tenant-level definition was read');
    const grants = run.records.filter((r): r is GrantRecord => r.type === 'grant' && r.via !== 'directory-role' && r.via !== 'app-role');
    assert.ok(grants.every((g) => !/^[0-9a-f-]{36}$/.test(g.role)), 'every role has its name');
  });

  it('sends only requests the published API descriptions declare, with the api-version they name', async () => {
    const { requests } = await scanOnce();
    assert.ok(requests.length > 20);
    const unknown = requests.filter((r) => !publishedOperation(AZURE_PUBLISHED, r.method, r.path, r.query));
    assert.deepEqual(unknown.map((r) => `${r.method} ${r.path}?${r.query.toString()}`), []);
  });
});
