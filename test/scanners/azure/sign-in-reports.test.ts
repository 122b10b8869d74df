// The tenant's sign-in activity reports are read once per scan and shared by its subscription
// targets: managed identities get their last use from the tenant-wide report, not from a
// filtered request each. Through the real Azure SDK pipeline against the demo endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { azureScanner } from '../../../scanners/azure/index.js';
import { buildAzureEstate } from '../../../scanners/azure/demo/estate.js';
import { startAzureLocal } from '../../../scanners/azure/demo/server.js';
import { buildClients } from '../../../scanners/azure/clients.js';
import { SharedSignInReports } from '../../../scanners/azure/sign-in-reports.js';
import type { AzureOptions } from '../../../scanners/azure/options.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { DEMO } from '../../../src/demo/estate.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import type { IdentityRecord } from '../../../src/model/records.js';

const TENANT = DEMO.azure.tenantId;
const REPORT = '/beta/reports/servicePrincipalSignInActivities';
const opts = (flags: Record<string, unknown>) => resolveScannerOptions(azureScanner, { flags, env: {}, section: undefined }) as AzureOptions;
const quiet = { apiCall() {}, retry() {}, waiting() {}, log() {} };

test('managed identities of scanned subscriptions take their last use from the tenant report, read once for all targets', async () => {
  const now = new Date();
  const estate = buildAzureEstate(now);
  const local = await startAzureLocal(estate);
  try {
    const res = await collect({ scanner: azureScanner, options: opts({ tenant: TENANT, armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'sign-in-test-token', emulator: true }), now });
    assert.deepEqual(res.errors, []);
    assert.ok(res.targets.filter((t) => t.key.startsWith('azure-sub:')).length >= 2, 'several subscription targets share the read');
    const reads = local.server.requests.filter((r) => r.path === REPORT);
    assert.deepEqual(reads.map((r) => r.query.get('$filter')), [null], 'one read of the report, and no filtered request per managed identity');
    const lastSignIn = new Map(estate.graph.spSignIns.map((r) => [String(r.appId).toLowerCase(), (r.lastSignInActivity as { lastSignInDateTime: string }).lastSignInDateTime]));
    const mis = res.records.filter((r): r is IdentityRecord => r.type === 'identity' && r.kind === 'managed_identity' && /\//.test(r.scope));
    assert.ok(mis.length >= 5, `managed identities read from subscriptions: ${mis.length}`);
    for (const mi of mis) assert.equal(mi.lastUsedSource, 'sign-in-activity', mi.name);
    // User-assigned identities carry their client id (= the report's appId); system-assigned ones are looked up by principal.
    const withClient = mis.filter((mi) => typeof mi.attributes?.clientId === 'string');
    assert.ok(withClient.length >= 5);
    for (const mi of withClient) {
      const appId = String(mi.attributes!.clientId).toLowerCase();
      assert.equal(mi.lastUsedAt, lastSignIn.has(appId) ? new Date(lastSignIn.get(appId)!).toISOString() : null, mi.name);
    }
    assert.ok(withClient.some((mi) => mi.lastUsedAt !== null));
  } finally {
    await local.server.close();
  }
});

test('the tenant report not readable: managed identities have no last use, and each subscription says so', async () => {
  const now = new Date();
  const local = await startAzureLocal(buildAzureEstate(now), {
    hook: (req) => (req.path === REPORT ? { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } } : undefined),
  });
  try {
    const res = await collect({ scanner: azureScanner, options: opts({ tenant: TENANT, armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'sign-in-test-token', emulator: true }), now });
    assert.deepEqual(res.errors, []);
    assert.equal(local.server.requests.filter((r) => r.path === REPORT).length, 1, 'a denied report is not asked again per identity');
    const mis = res.records.filter((r): r is IdentityRecord => r.type === 'identity' && r.kind === 'managed_identity');
    assert.ok(mis.length >= 5);
    assert.ok(mis.every((mi) => mi.lastUsedAt === null && mi.lastUsedSource === null), 'unknown, never "unused"');
    assert.ok(res.notes.some((n) => /sign-in activity reports not readable .*last use of service principals is unknown/.test(n.message)));
    assert.ok(res.notes.some((n) => /sign-in activity of managed identities not readable/.test(n.message)));
  } finally {
    await local.server.close();
  }
});

test('a shared read stopped with the target that began it is read again by the next target, which is not stopped', async () => {
  const local = await startAzureLocal(buildAzureEstate(new Date()));
  try {
    const o = opts({ tenant: TENANT, armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'sign-in-test-token', emulator: true });
    const stopped = new AbortController();
    stopped.abort(new Error('--max-duration reached'));
    const shared = new SharedSignInReports();
    const first = shared.read(buildClients(o, quiet, stopped.signal));
    const second = shared.read(buildClients(o, quiet, new AbortController().signal));
    await assert.rejects(first, /max-duration/);
    const got = await second;
    assert.ok((got.index.byAppId?.size ?? 0) > 0, 'the second target read the report itself');
    assert.equal(local.server.requests.filter((r) => r.path === REPORT).length, 1, 'the stopped target sent nothing');
  } finally {
    await local.server.close();
  }
});
