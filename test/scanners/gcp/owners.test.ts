// Owners from Cloud Audit Logs through the real @googleapis/logging client against a local
// `entries.list` in its wire format (`nextPageToken` paging, AuditLog protoPayloads): creators,
// key makers and policy changers by principalEmail, throttling retried, a denied read a note, and
// entries beyond the 400 days Admin Activity logs are kept left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gcpScanner } from '../../../scanners/gcp/index.js';
import { buildDemoEstate, DEMO_GCP } from '../../../scanners/gcp/demo/estate.js';
import { googleApiHandler } from '../../../scanners/gcp/demo/google-api.js';
import { auditEntry, demoLogEntries, loggingHandler, type FakeLoggingOptions } from '../../../scanners/gcp/demo/audit-log.js';
import { startLocalServer } from '../../../src/demo/local-server.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import type { OwnerCandidateRecord } from '../../../src/model/records.js';

const now = new Date('2026-11-20T12:00:00Z');
const PROD = DEMO_GCP.projects.prod;
const candidates = (recs: { type: string }[]) => recs.filter((r): r is OwnerCandidateRecord => r.type === 'owner_candidate');

async function run(logs: Partial<FakeLoggingOptions> = {}) {
  const google = googleApiHandler(buildDemoEstate(now, 0), { maxPage: 10 });
  const logging = loggingHandler({ entries: demoLogEntries(now), pageSize: 1, ...logs });
  const server = await startLocalServer((req, res) => (logging(req, res) ? undefined : google(req, res)));
  try {
    const options = { resourceManagerEndpoint: server.url, iamEndpoint: server.url, policyAnalyzerEndpoint: server.url, loggingEndpoint: server.url, accessToken: 'test-local-token', org: DEMO_GCP.org, maxRetries: 3, retryBaseMs: 5, pageSize: 10, ownersFromLogs: true };
    return { ...(await collect({ scanner: gcpScanner, options, now })), requests: server.requests };
  } finally {
    await server.close();
  }
}

test('audit log entries become candidates by principalEmail, paged with nextPageToken', async () => {
  const res = await run();
  assert.deepEqual(res.errors, []);
  const got = candidates(res.records).map((c) => `${c.identityId} ${c.event} ${c.person} ${c.confidence}`).sort();
  assert.deepEqual(got, [
    `${DEMO_GCP.oldKeyAccount} CreateServiceAccountKey ${DEMO_GCP.ciAccount} 20`,
    `${DEMO_GCP.oldKeyAccount} SetIamPolicy tom.becker@acme.example 40`,
    `${DEMO_GCP.staleAccount} CreateServiceAccount priya.shah@acme.example 90`,
  ]);
  const calls = res.requests.filter((r) => r.path === '/v2/entries:list' && JSON.parse(r.body).resourceNames[0] === `projects/${PROD}`);
  assert.equal(calls.length, 3, 'one entry a page');
  assert.match(JSON.parse(calls[0].body).filter, /protoPayload\.methodName=\("google\.iam\.admin\.v1\.CreateServiceAccount" OR/);
});

test('throttling (429 RESOURCE_EXHAUSTED) is retried; the candidates still arrive', async () => {
  const res = await run({ throttleFirst: 2 });
  assert.deepEqual(res.errors, []);
  assert.equal(candidates(res.records).length, 3);
  assert.ok(res.targets.reduce((n, t) => n + t.retries, 0) >= 2);
});

test('a denied logging.logEntries.list is a note naming the permission; the project scan stays complete', async () => {
  const res = await run({ denied: [PROD] });
  assert.deepEqual(res.errors, []);
  assert.ok(res.completedTargets.includes(`gcp:${PROD}`));
  assert.match(res.notes.map((n) => n.message).join('\n'), /owners from Cloud Audit Logs in acme-prod: logging\.logEntries\.list was denied; grant roles\/logging\.viewer/);
  assert.equal(candidates(res.records).length, 0);
});

test('entries older than the 400-day window are left out', async () => {
  const old = auditEntry(PROD, 'google.iam.admin.v1.CreateServiceAccount', 'old@acme.example', new Date(now.getTime() - 500 * 86_400_000).toISOString(), DEMO_GCP.oldKeyAccount);
  const res = await run({ entries: { [PROD]: [old] } });
  assert.equal(candidates(res.records).length, 0);
});
