// Owners from Entra ID's directory audits (Graph, `@odata.nextLink` paging) and the ARM activity log
// (through @azure/arm-monitor), in emulator mode against the local Graph/ARM endpoint: who added an
// app's secret and who granted its role, a deleted user flagged as departed, the 30-day window, and
// a denied AuditLog.Read.All as a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { azureScanner } from '../../../scanners/azure/index.js';
import { buildAzureEstate, gid } from '../../../scanners/azure/demo/estate.js';
import { startAzureLocal } from '../../../scanners/azure/demo/server.js';
import { AUDIT_PEOPLE, auditHook, demoAuditFixtures, type AuditFixtures } from '../../../scanners/azure/demo/audit-log.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { assertScannerAcceptance, collect } from '../../helpers/scanner-acceptance.js';
import type { OwnerCandidateRecord } from '../../../src/model/records.js';
import type { HookResult } from '../../../scanners/azure/demo/server.js';
import type { LocalRequest } from '../../../src/demo/local-server.js';

const ORPHAN = gid('5e5e5e5e', 3);
const CONTOSO = gid('3a3a3a3a', 1);
const candidates = (recs: { type: string }[]) => recs.filter((r): r is OwnerCandidateRecord => r.type === 'owner_candidate');

async function scan(now: Date, edit: (f: AuditFixtures) => void = () => {}, extraHook?: (req: LocalRequest) => HookResult | undefined, accept = false) {
  const estate = buildAzureEstate(now);
  const f = demoAuditFixtures(estate, now);
  edit(f);
  const audit = auditHook(f, { pageSize: 1 });
  const local = await startAzureLocal(estate, { hook: (req) => extraHook?.(req) ?? audit(req) });
  const flags = { tenant: estate.tenantId, armEndpoint: local.url, graphEndpoint: local.url, accessToken: 'test-static-token', emulator: true, maxRetries: 1, retryDelayMs: 5, ownersFromLogs: true };
  const options = resolveScannerOptions(azureScanner, { flags, env: {}, section: undefined });
  try {
    if (accept) return { ...(await assertScannerAcceptance({ scanner: azureScanner, options, now, secrets: ['test-static-token'] })), requests: local.server.requests };
    return { ...(await collect({ scanner: azureScanner, options, now })), requests: local.server.requests, findings: [], cleanup: () => {} };
  } finally {
    await local.server.close();
  }
}

test('directory audits and role assignment writes become candidates; a deleted user is departed and flagged', async () => {
  const now = new Date();
  const res = await scan(now, () => {}, undefined, true);
  try {
    assert.deepEqual(res.errors, []);
    const got = candidates(res.records).map((c) => `${c.identityId} ${c.source} ${c.event} ${c.person}${c.departed ? ' departed' : ''}`).sort();
    assert.deepEqual(got, [
      `${CONTOSO} directory-audit Add service principal ${AUDIT_PEOPLE.admin.userPrincipalName}`,
      `${ORPHAN} activity-log roleAssignments/write ${AUDIT_PEOPLE.departed.userPrincipalName}`,
      `${ORPHAN} directory-audit Update application – Certificates and secrets management ${AUDIT_PEOPLE.departed.userPrincipalName} departed`,
    ]);
    // Paged one entry at a time through @odata.nextLink; the people named looked up.
    assert.ok(res.requests.some((r) => r.path === '/v1.0/auditLogs/directoryAudits' && r.query.has('$skiptoken')), 'the next link was followed');
    assert.ok(res.requests.some((r) => r.path.startsWith('/v1.0/users/')));
    const departed = res.findings.filter((f) => f.ruleId === 'owner-departed');
    assert.deepEqual(departed.map((f) => f.identityId), [ORPHAN]);
    assert.match(departed[0].message, /its owner kim\.nguyen@acme\.example has left the organisation/);
    const unowned = res.findings.find((f) => f.ruleId === 'unowned' && f.identityId === CONTOSO);
    assert.match(unowned?.message ?? '', /probably lee\.admin@acme\.example: created by lee\.admin@acme\.example on .* via the Entra ID audit log \(Add service principal\)/);
  } finally {
    res.cleanup();
  }
});

test('entries older than the 30 days Entra ID keeps are left out', async () => {
  const now = new Date();
  const res = await scan(now, (f) => {
    for (const a of f.audits) a.activityDateTime = new Date(now.getTime() - 45 * 86_400_000).toISOString();
  });
  assert.equal(candidates(res.records).filter((c) => c.source === 'directory-audit').length, 0);
});

test('a denied AuditLog.Read.All is a note naming the permission; the scan stays complete', async () => {
  const now = new Date();
  const deny = (req: LocalRequest): HookResult | undefined =>
    req.path === '/v1.0/auditLogs/directoryAudits' ? { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } } : undefined;
  const res = await scan(now, () => {}, deny);
  assert.deepEqual(res.errors, []);
  assert.equal(res.completedTargets.length, 3);
  assert.match(res.notes.map((n) => n.message).join('\n'), /directoryAudits was denied \(403 Authorization_RequestDenied\); grant the Graph application permission AuditLog\.Read\.All/);
  assert.equal(candidates(res.records).filter((c) => c.source === 'directory-audit').length, 0);
});
