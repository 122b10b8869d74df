// The azure scanner through the real SDKs and the real wire format: a local HTTPS endpoint
// with a certificate made here, trusted through NODE_EXTRA_CA_CERTS in a child process (the
// SDK pipelines unmodified; credentials from a static test token). Covers OData and ARM
// paging, a 429 with Retry-After on Graph and on ARM, a 403 on one subscription, and a tenant
// without access to the sign-in activity reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAzureEstate, gid } from '../../../scanners/azure/demo/estate.js';
import { startAzureLocal, type AzureLocal } from '../../../scanners/azure/demo/server.js';
import { DEMO } from '../../../src/demo/estate.js';
import type { ScanRecord, IdentityRecord, GrantRecord, CredentialRecord } from '../../../src/model/records.js';
import type { ScanError } from '../../../src/scan/pipeline.js';
import type { LocalRequest } from '../../../src/demo/local-server.js';

const TOKEN = 'wire-test-token-0123456789abcdef';
const PROD = DEMO.azure.subscriptions.prod;
const DEV = DEMO.azure.subscriptions.dev;
const CHILD = fileURLToPath(new URL('./fixtures/scan-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let certPath: string;
let tls: { key: string; cert: string };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'nhi-azure-tls-'));
  certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyPath, '-out', certPath], { stdio: 'ignore' });
  tls = { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface ChildResult {
  records: ScanRecord[];
  errors: ScanError[];
  notes: ScanError[];
  findings: { ruleId: string; identityId: string | null; credentialId: string | null; severity: string; evidence: Record<string, unknown> }[];
  targets: { key: string; state: string; apiCalls: number; retries: number }[];
  completedTargets: string[];
}

function runChild(flags: Record<string, unknown>, now: Date): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ flags, now: now.toISOString(), secrets: [TOKEN] })], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const i = out.indexOf('@@RESULT@@');
      if (code !== 0 || i < 0) return reject(new Error(`scan child failed (exit ${code}):\n${err}\n${out.slice(-2000)}`));
      resolve(JSON.parse(out.slice(i + '@@RESULT@@'.length)) as ChildResult);
    });
  });
}

const graphThrottle = { error: { code: 'TooManyRequests', message: 'Too many requests.', innerError: { date: '2026-01-01T00:00:00', 'request-id': gid('00000000', 1) } } };
const armThrottle = { error: { code: 'TooManyRequests', message: 'The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00.' } };
const armForbidden = (action: string) => ({
  error: {
    code: 'AuthorizationFailed',
    message: `The client '${gid('0e0e0e0e', 99)}' with object id '${gid('0e0e0e0e', 99)}' does not have authorization to perform action '${action}' over scope '/subscriptions/${DEV}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  },
});
const reportsForbidden = {
  error: { code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', message: 'Neither tenant is B2C or tenant doesn\'t have premium license', innerError: { date: '2026-01-01T00:00:00' } },
};

test('wire: paging, throttling, a forbidden subscription and no sign-in reports', async () => {
  const now = new Date();
  const throttled = new Set<string>();
  const hook = (req: LocalRequest) => {
    // One 429 per route (Retry-After 1s): Graph's service principal list and ARM's prod role assignments.
    if (req.path === '/v1.0/servicePrincipals' && !throttled.has('graph')) {
      throttled.add('graph');
      return { status: 429, body: graphThrottle, headers: { 'Retry-After': '1' } };
    }
    if (req.path.toLowerCase() === `/subscriptions/${PROD}/providers/microsoft.authorization/roleassignments` && !req.query.has('$skiptoken') && !throttled.has('arm')) {
      throttled.add('arm');
      return { status: 429, body: armThrottle, headers: { 'Retry-After': '1' } };
    }
    // The dev subscription: the principal holds no role there.
    if (req.path.toLowerCase().startsWith(`/subscriptions/${DEV}/`)) {
      const action = /roleAssignments/i.test(req.path)
        ? 'Microsoft.Authorization/roleAssignments/read'
        : /userAssignedIdentities/i.test(req.path)
          ? 'Microsoft.ManagedIdentity/userAssignedIdentities/read'
          : 'Microsoft.Resources/subscriptions/resources/read';
      return { status: 403, body: armForbidden(action) };
    }
    // No licence / permission for the sign-in activity reports.
    if (req.path.startsWith('/beta/reports/')) return { status: 403, body: reportsForbidden };
    return undefined;
  };
  const estate = buildAzureEstate(now);
  const expectedProd = estate.arm.roleAssignments[PROD].filter((a) => (a.properties as { principalType: string }).principalType === 'ServicePrincipal').length;
  assert.ok(expectedProd > 8, 'several ARM pages');
  const local: AzureLocal = await startAzureLocal(estate, { tls, graphPageSize: 7, armPageSize: 4, hook });
  try {
    const res = await runChild(
      { tenant: DEMO.azure.tenantId, armEndpoint: local.url, graphEndpoint: local.url, accessToken: TOKEN, maxRetries: 3, retryDelayMs: 20 },
      now,
    );
    const reqs = local.server.requests;

    // Paging: both dialects followed to the end.
    assert.ok(reqs.some((r) => r.path === '/v1.0/servicePrincipals' && r.query.has('$skiptoken')), 'followed @odata.nextLink');
    assert.ok(reqs.some((r) => r.path === '/v1.0/applications' && r.query.has('$skiptoken')));
    assert.ok(reqs.some((r) => /roleAssignments$/i.test(r.path) && r.query.has('$skiptoken')), 'followed ARM nextLink');
    assert.ok(reqs.every((r) => /^Bearer wire-test-token/.test(String(r.headers.authorization))), 'the test credential signed every request');
    const ids = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
    for (const name of ['acme-prod-deployer', 'acme-docs-site', 'Contoso Backup Cloud', 'Fabrikam Status Monitor', 'id-payments-prod', 'vm-bastion-prod']) {
      assert.ok(ids.some((i) => i.name === name), `${name} found across pages`);
    }
    const prodGrants = res.records.filter((r): r is GrantRecord => r.type === 'grant' && r.attributes?.subscriptionId === PROD);
    assert.equal(prodGrants.length, expectedProd, 'every service-principal role assignment of prod, all pages');

    // Throttling: retried after Retry-After, never surfaced as an error.
    for (const key of [`azure:${DEMO.azure.tenantId}`, `azure-sub:${PROD}`]) {
      const t = res.targets.find((x) => x.key === key && x.retries > 0);
      assert.ok(t, `${key} reported a retry`);
      assert.ok(res.completedTargets.includes(key), `${key} completed despite the 429`);
    }
    assert.equal(res.errors.filter((e) => /429/.test(e.code ?? '')).length, 0);

    // The forbidden subscription: scan errors naming the role and action, the rest goes on.
    const devErrors = res.errors.filter((e) => e.targetKey === `azure-sub:${DEV}`);
    assert.equal(devErrors.length, 3, JSON.stringify(res.errors, null, 1));
    const ra = devErrors.find((e) => e.operation === 'list role assignments')!;
    assert.equal(ra.code, '403 AuthorizationFailed');
    assert.match(ra.fix ?? '', /Reader role on the subscription \(Microsoft\.Authorization\/roleAssignments\/read\)/);
    assert.equal(ra.resource, `/subscriptions/${DEV}`);
    assert.ok(!res.completedTargets.includes(`azure-sub:${DEV}`));
    assert.equal(res.errors.filter((e) => e.targetKey !== `azure-sub:${DEV}`).length, 0);

    // No sign-in activity: a note naming the permission; last use left unknown (never "stale").
    const note = res.notes.find((n) => /sign-in activity reports not readable/.test(n.message));
    assert.ok(note, 'note about the sign-in reports');
    assert.match(note!.message, /AuditLog\.Read\.All/);
    assert.ok(res.notes.some((n) => /managed identities not readable/.test(n.message) && /AuditLog\.Read\.All/.test(n.message)));
    for (const i of ids) {
      assert.equal(i.lastUsedSource ?? null, null, `${i.name}: no last-use source without the reports`);
    }
    for (const c of res.records.filter((r): r is CredentialRecord => r.type === 'credential')) assert.equal(c.lastUsedSource ?? null, null);
    assert.equal(res.findings.filter((f) => f.ruleId === 'stale').length, 0);
    // …while the rest of the story still holds.
    assert.ok(res.findings.some((f) => f.ruleId === 'god-mode' && f.identityId === gid('5e5e5e5e', 1)));
    assert.ok(res.findings.some((f) => f.ruleId === 'unowned' && f.identityId === gid('5e5e5e5e', 3)));
  } finally {
    await local.server.close();
  }
});
