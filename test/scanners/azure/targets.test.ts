// Target discovery and option handling: --subscription, --skip-graph, sovereign clouds,
// isConfigured. Runs the estate in emulator mode (plain HTTP to 127.0.0.1 only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { azureScanner } from '../../../scanners/azure/index.js';
import { buildAzureEstate } from '../../../scanners/azure/demo/estate.js';
import { startAzureLocal } from '../../../scanners/azure/demo/server.js';
import { resolveEndpoints } from '../../../scanners/azure/options.js';
import { emulatorHttpClient } from '../../../scanners/azure/clients.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { DEMO } from '../../../src/demo/estate.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import type { IdentityRecord } from '../../../src/model/records.js';
import { createPipelineRequest } from '@azure/core-rest-pipeline';

const TENANT = DEMO.azure.tenantId;
const PROD = DEMO.azure.subscriptions.prod;
const DEV = DEMO.azure.subscriptions.dev;

const opts = (flags: Record<string, unknown>) => resolveScannerOptions(azureScanner, { flags, env: {}, section: undefined });

test('--subscription: only that subscription; managed identities of the others come from Graph, once', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now));
  try {
    const res = await collect({
      scanner: azureScanner,
      options: opts({ subscription: [PROD], armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'targets-test-token', emulator: true, retryDelayMs: 10 }),
      now,
    });
    assert.deepEqual(res.errors, []);
    assert.deepEqual(res.targets.filter((t) => t.key !== 'azure:discovery').map((t) => t.key).sort(), [`azure-sub:${PROD}`, `azure:${TENANT}`]);
    assert.ok(local.server.requests.some((r) => r.path === `/subscriptions/${PROD}`), 'tenant read from the subscription itself');
    assert.ok(!local.server.requests.some((r) => r.path === '/subscriptions'), 'no subscription listing when given');
    const ids = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
    assert.equal(new Set(ids.map((i) => i.id)).size, ids.length);
    const devMi = ids.find((i) => i.name === 'id-ci-dev')!;
    assert.equal(devMi.kind, 'managed_identity');
    assert.equal(devMi.scope, `azure:${TENANT}`, 'from Graph: its subscription is not scanned');
    assert.match(String(devMi.attributes?.managedIdentityResourceId), new RegExp(DEV));
    assert.equal(res.records.filter((r) => r.type === 'credential' && r.identityId === devMi.id).length, 0, 'platform certificates are not credentials');
    const prodMi = ids.find((i) => i.name === 'id-web-prod')!;
    assert.equal(prodMi.scope, `azure:${TENANT}/${PROD}`, 'from ARM');
    assert.equal(prodMi.owner, `web-team@${DEMO.domain}`);
  } finally {
    await local.server.close();
  }
});

test('--skip-graph: subscriptions only; no Graph request', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now));
  try {
    const res = await collect({
      scanner: azureScanner,
      options: opts({ skipGraph: true, armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'targets-test-token', emulator: true }),
      now,
    });
    assert.deepEqual(res.errors, []);
    assert.deepEqual(res.completedTargets.sort(), [`azure-sub:${PROD}`, `azure-sub:${DEV}`]);
    assert.ok(!local.server.requests.some((r) => r.path.startsWith('/v1.0') || r.path.startsWith('/beta')));
    const mis = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
    assert.equal(mis.length, 11);
    assert.ok(mis.every((m) => m.lastUsedSource === null), 'no Graph, no last use');
  } finally {
    await local.server.close();
  }
});

test('sovereign clouds and endpoint overrides keep the cloud audience', () => {
  const gov = resolveEndpoints({ azureCloud: 'AzureUSGovernment' });
  assert.equal(gov.arm, 'https://management.usgovcloudapi.net');
  assert.equal(gov.graphScope, 'https://graph.microsoft.us/.default');
  const cn = resolveEndpoints({ azureCloud: 'AzureChinaCloud', graphEndpoint: 'https://graph.private.example/' });
  assert.equal(cn.graph, 'https://graph.private.example');
  assert.equal(cn.graphScope, 'https://microsoftgraph.chinacloudapi.cn/.default');
  assert.throws(() => resolveEndpoints({ azureCloud: 'AzureGermanCloud' as never }), /unknown --azure-cloud/);
  assert.equal(resolveEndpoints({ azureCloud: 'AzureCloud' as never }).cloud, 'AzurePublicCloud', "the Azure CLI's name");
});

test('emulator transport refuses anything but loopback', async () => {
  const client = emulatorHttpClient();
  await assert.rejects(client.sendRequest(createPipelineRequest({ url: 'https://management.azure.com/subscriptions' })), /only reaches 127\.0\.0\.1/);
});

test('isConfigured: config section, explicit target, or service-principal environment', () => {
  assert.equal(azureScanner.isConfigured({}, {}, false), false);
  assert.equal(azureScanner.isConfigured({}, {}, true), true);
  assert.equal(azureScanner.isConfigured({ subscription: [PROD] }, {}, false), true);
  assert.equal(azureScanner.isConfigured({}, { AZURE_CLIENT_ID: 'x', AZURE_TENANT_ID: 'y', AZURE_CLIENT_SECRET: 'z' }, false), true);
});

test('at most 4 ARM requests in flight per subscription, 16 Graph requests for the tenant', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now), { latencyMs: 5 });
  try {
    for (const [flags, bound] of [[{ subscription: [PROD], skipGraph: true }, 4], [{ tenant: TENANT, subscription: [PROD] }, 16]] as const) {
      local.stats.maxInFlight = 0;
      const res = await collect({
        scanner: azureScanner,
        options: opts({ ...flags, armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'targets-test-token', emulator: true }),
        now,
        concurrency: 1,
      });
      assert.deepEqual(res.errors, []);
      assert.ok(local.stats.maxInFlight <= bound, `max in flight ${local.stats.maxInFlight}`);
      assert.ok(local.stats.maxInFlight >= 2, 'and it does work in parallel');
    }
  } finally {
    await local.server.close();
  }
});

test('throttled beyond the retry budget: a scan error, the rest of the tenant goes on; foreign next links are refused', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now), {
    hook: (req) => {
      if (req.path === '/v1.0/directoryRoles') return { status: 429, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, headers: { 'Retry-After': '0' } };
      if (req.path === '/beta/reports/appCredentialSignInActivities') {
        return { status: 200, body: { value: [], '@odata.nextLink': 'https://attacker.example/beta/reports/appCredentialSignInActivities?$skiptoken=1' } };
      }
      return undefined;
    },
  });
  try {
    const res = await collect({
      scanner: azureScanner,
      options: opts({ tenant: TENANT, subscription: [PROD], armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'targets-test-token', emulator: true, maxRetries: 2, retryDelayMs: 5 }),
      now,
    });
    const throttled = res.errors.find((e) => e.operation === 'list directory role members');
    assert.ok(throttled, JSON.stringify(res.errors));
    assert.equal(throttled!.code, '429 TooManyRequests');
    assert.match(throttled!.fix ?? '', /--max-retries/);
    assert.equal(local.server.requests.filter((r) => r.path === '/v1.0/directoryRoles').length, 3, 'first try + 2 retries');
    assert.ok(res.records.some((r) => r.type === 'identity' && r.name === 'acme-prod-deployer'), 'the rest of the tenant was scanned');
    assert.ok(!res.records.some((r) => r.type === 'grant' && r.via === 'directory-role'));
    const tenant = res.targets.find((t) => t.key === `azure:${TENANT}`)!;
    assert.equal(tenant.state, 'partial');
    assert.ok(tenant.retries >= 2);
    assert.ok(res.errors.some((e) => e.code === 'UnexpectedNextLink'), 'next link to another host refused');
  } finally {
    await local.server.close();
  }
});

test('role definitions unreadable: well-known built-ins still judged, custom roles unknown, one error naming the action', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now), {
    hook: (req) =>
      /roleDefinitions/i.test(req.path)
        ? { status: 403, body: { error: { code: 'AuthorizationFailed', message: "does not have authorization to perform action 'Microsoft.Authorization/roleDefinitions/read'" } } }
        : undefined,
  });
  try {
    const res = await collect({
      scanner: azureScanner,
      options: opts({ subscription: [PROD], skipGraph: true, armEndpoint: local.url, accessToken: 'targets-test-token', emulator: true }),
      now,
    });
    assert.equal(res.errors.length, 1, JSON.stringify(res.errors));
    assert.equal(res.errors[0].operation, 'get role definition');
    assert.match(res.errors[0].fix ?? '', /Microsoft\.Authorization\/roleDefinitions\/read/);
    assert.ok(res.notes.some((n) => /more failure/.test(n.message)), 'repeats counted in a note');
    const grants = res.records.filter((r) => r.type === 'grant');
    const owner = grants.find((g) => g.type === 'grant' && g.role === 'Owner');
    assert.equal(owner?.type === 'grant' && owner.privilege, 'admin');
    const custom = grants.find((g) => g.type === 'grant' && g.role === 'c0c0c0c0-0000-4000-8000-000000000001');
    assert.equal(custom?.type === 'grant' && custom.privilege, 'unknown');
  } finally {
    await local.server.close();
  }
});

test('subscriptions not listable: the tenant is still scanned and says what it could not list', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now), {
    hook: (req) =>
      req.path === '/subscriptions'
        ? { status: 403, body: { error: { code: 'AuthorizationFailed', message: "does not have authorization to perform action 'Microsoft.Resources/subscriptions/read'" } } }
        : undefined,
  });
  try {
    const res = await collect({
      scanner: azureScanner,
      options: opts({ tenant: TENANT, armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'targets-test-token', emulator: true }),
      now,
    });
    assert.deepEqual(res.targets.filter((t) => t.key !== 'azure:discovery').map((t) => `${t.key} ${t.state}`), [`azure:${TENANT} partial`]);
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].operation, 'list subscriptions');
    assert.equal(res.errors[0].code, '403 AuthorizationFailed');
    assert.match(res.errors[0].fix ?? '', /Reader role on at least one subscription/);
    assert.ok(res.records.some((r) => r.type === 'identity' && r.name === 'id-web-prod'), 'managed identities then come from Graph');
  } finally {
    await local.server.close();
  }
});

test('no tenant given and nothing listable: discovery fails with a code and a fix', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now), { hook: () => ({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } } }) });
  try {
    const res = await collect({
      scanner: azureScanner,
      options: opts({ armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'targets-test-token', emulator: true }),
      now,
    });
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].operation, 'discover targets');
    assert.equal(res.errors[0].code, '401 InvalidAuthenticationToken');
    assert.match(res.errors[0].fix ?? '', /az login/);
  } finally {
    await local.server.close();
  }
});

test('only the credential report is forbidden: identities keep their last use, credentials say unknown', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now), {
    hook: (req) =>
      req.path === '/beta/reports/appCredentialSignInActivities'
        ? { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } }
        : undefined,
  });
  try {
    const res = await collect({
      scanner: azureScanner,
      options: opts({ tenant: TENANT, subscription: [PROD], armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'targets-test-token', emulator: true }),
      now,
    });
    assert.deepEqual(res.errors, []);
    const note = res.notes.find((n) => /sign-in activity reports not readable/.test(n.message));
    assert.match(note?.message ?? '', /last use of app credentials is unknown/);
    const deployer = res.records.find((r): r is IdentityRecord => r.type === 'identity' && r.name === 'acme-prod-deployer')!;
    assert.equal(deployer.lastUsedSource, 'sign-in-activity');
    assert.ok(deployer.lastUsedAt);
    const creds = res.records.filter((r) => r.type === 'credential' && r.kind !== 'federated_credential');
    assert.ok(creds.length > 10);
    assert.ok(creds.every((c) => c.type === 'credential' && c.lastUsedSource === null && c.lastUsedAt === null));
  } finally {
    await local.server.close();
  }
});
