import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/config/config.js';
import { openInventory } from '../../src/inventory/db.js';
import { collectFindings } from '../../src/rules/engine.js';
import { RULES } from '../../src/rules/index.js';
import { validateRules } from '../../src/rules/metadata.js';
import { runScan } from '../../src/scan/scan-service.js';
import type { ScanRecord } from '../../src/model/records.js';
import { fakeScanner } from '../helpers/fake-scanner.js';
import { tempDir } from '../helpers/temp.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const inDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString();

const id = (name: string, extra: Partial<Extract<ScanRecord, { type: 'identity' }>> = {}): ScanRecord => ({
  type: 'identity', id: name, provider: 'aws', scope: 'aws:1', kind: 'iam_user', name, owner: 'team', createdAt: daysAgo(30), lastUsedAt: daysAgo(1), lastUsedSource: 'test', ...extra,
});
const cred = (cid: string, identityId: string | null, extra: Partial<Extract<ScanRecord, { type: 'credential' }>> = {}): ScanRecord => ({
  type: 'credential', id: cid, identityId, provider: 'aws', scope: 'aws:1', kind: 'access_key', keyId: cid, status: 'active', createdAt: daysAgo(10), lastUsedAt: daysAgo(1), lastUsedSource: 'test', ...extra,
});
const admin = (identityId: string): ScanRecord => ({ type: 'grant', identityId, provider: 'aws', resource: 'aws:1', role: 'AdministratorAccess', privilege: 'admin', via: 'direct', evidence: 'Allow * on *' });

const ESTATE: ScanRecord[] = [
  id('healthy'),
  cred('AKIAHEALTHY', 'healthy', { attributes: { neverExpires: true } }), // AWS keys never expire: young is fine
  id('god', { lastUsedAt: daysAgo(2) }),
  admin('god'),
  id('god-unused', { lastUsedAt: daysAgo(200) }),
  admin('god-unused'),
  id('stale-user', { lastUsedAt: daysAgo(120) }),
  id('new-never-used', { lastUsedAt: null, createdAt: daysAgo(3) }),
  id('old-never-used', { lastUsedAt: null, createdAt: daysAgo(400) }),
  id('no-usage-data', { lastUsedAt: null, lastUsedSource: null, createdAt: daysAgo(400) }),
  id('role-window', { kind: 'iam_role', lastUsedAt: null, createdAt: daysAgo(900), lastUsedWindowDays: 400 }),
  id('slr', { kind: 'service_linked_role', owner: null, lastUsedAt: daysAgo(500), providerManaged: true }),
  admin('slr'), // AWS writes its policies: never god-mode, stale or unowned
  id('nobody', { owner: null }),
  id('keyholder'),
  cred('AKIAOLDKEY', 'keyholder', { createdAt: daysAgo(400) }),
  cred('AKIASECOND', 'keyholder', { createdAt: daysAgo(5) }),
  cred('AKIAINACTIVE', 'keyholder', { status: 'inactive', createdAt: daysAgo(900) }),
  id('sp', { provider: 'azure', scope: 'azure:t', kind: 'service_principal' }),
  cred('secret-forever', 'sp', { provider: 'azure', scope: 'azure:t', kind: 'client_secret', keyId: 'k1', attributes: { neverExpires: true } }),
  cred('secret-far', 'sp', { provider: 'azure', scope: 'azure:t', kind: 'client_secret', keyId: 'k2', expiresAt: inDays(700) }),
  cred('secret-expired', 'sp', { provider: 'azure', scope: 'azure:t', kind: 'client_secret', keyId: 'k3', status: 'expired', expiresAt: daysAgo(30) }),
  id('oidc-role', { kind: 'iam_role' }),
  { type: 'trust', identityId: 'oidc-role', provider: 'aws', principal: 'token.actions.githubusercontent.com', principalType: 'federated', condition: 'sub = repo:*', risk: 'unpinned-subject' },
  { type: 'trust', identityId: 'oidc-role', provider: 'aws', principal: 'arn:aws:iam::1:root', principalType: 'account', risk: null },
  id('console', { humanUse: true }),
  id('vendor-app', { provider: 'github', scope: 'github:acme', kind: 'github_app', thirdParty: true }),
  { type: 'grant', identityId: 'vendor-app', provider: 'github', resource: 'github:acme', role: 'contents:write', privilege: 'write', via: 'app-permission' },
  cred('ci:AWS_SECRET_ACCESS_KEY', null, { provider: 'github', scope: 'github:acme', kind: 'ci_secret', keyId: null, lastUsedAt: null, lastUsedSource: null, rotatedAt: daysAgo(20), attributes: { cloudProvider: 'aws' } }),
  id('hook', { provider: 'github', scope: 'github:acme', kind: 'webhook', attributes: { insecureAuth: 'delivers without a signing secret' } }),
  cred('secret:leak-linked', null, { provider: 'repo', scope: 'repo:app', kind: 'hardcoded_secret', keyId: 'AKIAGODKEY', lastUsedAt: null, lastUsedSource: null, location: { repo: 'app', path: '.env', line: 3 }, attributes: { detector: 'aws-access-key' } }),
  cred('AKIAGODKEY', 'god'),
  cred('secret:leak-unknown', null, { provider: 'repo', scope: 'repo:app', kind: 'hardcoded_secret', keyId: null, lastUsedAt: null, lastUsedSource: null, location: { repo: 'app', path: 'config.yml', line: 9 }, attributes: { detector: 'slack-token' } }),
];

async function findings(records: ScanRecord[], now = NOW) {
  const dir = tempDir();
  const dbPath = join(dir, 'nhi.db');
  const estate = { targets: { t: records } };
  await runScan({ dbPath, runs: [{ scanner: fakeScanner(estate), options: { estate } }], config: defaultConfig(), env: {}, concurrency: 1, signal: new AbortController().signal, now });
  const inv = openInventory(dbPath, { readonly: true });
  const out = collectFindings(inv.db, defaultConfig(), now);
  inv.close();
  return out.map((f) => `${f.ruleId} ${f.severity} ${f.identityId ?? '-'} ${f.credentialId ?? '-'}`).sort();
}

// What each rule flags is in its folder's cases (src/rules/<id>/cases, run by test/rules/cases.test.ts).

test('thresholds are exclusive whole days: 90 days unused is not stale, 91 is; an expiry 365 days out is fine, 366 is not', async () => {
  const dir = tempDir();
  const dbPath = join(dir, 'nhi.db');
  // A few hours either side of the boundary: whole days count, as sqlDays() counts them.
  const hours = (h: number) => h * 3_600_000;
  const ago = (d: number, h = 0) => new Date(NOW.getTime() - d * 86_400_000 - hours(h)).toISOString();
  const ahead = (d: number, h = 0) => new Date(NOW.getTime() + d * 86_400_000 + hours(h)).toISOString();
  const records: ScanRecord[] = [
    id('used-90', { lastUsedAt: ago(90, 23) }),
    id('used-91', { lastUsedAt: ago(91) }),
    id('never-used-90', { lastUsedAt: null, createdAt: ago(90, 23) }),
    id('never-used-91', { lastUsedAt: null, createdAt: ago(91, 1) }),
    cred('AKIA90', 'used-90', { createdAt: ago(90, 23), lastUsedAt: ago(1) }),
    cred('AKIA91', 'used-90', { kind: 'sa_key', createdAt: ago(91), lastUsedAt: ago(1) }),
    cred('exp-365', 'used-90', { kind: 'client_secret', keyId: null, createdAt: ago(1), expiresAt: ahead(365, 23) }),
    cred('exp-366', 'used-90', { kind: 'client_secret', keyId: null, createdAt: ago(1), expiresAt: ahead(366) }),
  ];
  const estate = { targets: { t: records } };
  await runScan({ dbPath, runs: [{ scanner: fakeScanner(estate), options: { estate } }], config: defaultConfig(), env: {}, concurrency: 1, signal: new AbortController().signal, now: NOW });
  const inv = openInventory(dbPath, { readonly: true });
  const rows = inv.db.prepare("SELECT id, message FROM findings WHERE rule_id IN ('stale', 'long-lived') ORDER BY id").all();
  // Evidence is JSON with real booleans and numbers, not their text.
  const evidence = inv.db.prepare("SELECT evidence FROM findings WHERE id = 'long-lived:exp-366'").pluck().get() as string;
  inv.close();
  assert.deepEqual(JSON.parse(evidence), { ageDays: 1, expiresInDays: 366, neverExpires: false, admin: false });
  assert.deepEqual(rows, [
    { id: 'long-lived:AKIA91', message: 'sa_key AKIA91: created 91 days ago' },
    { id: 'long-lived:exp-366', message: 'client_secret exp-366: expires in 366 days' },
    { id: 'stale:never-used-91', message: 'iam_user never-used-91: never used in the 91 days since it was created' },
    { id: 'stale:used-91', message: 'iam_user used-91: last used 91 days ago' },
  ]);
});

test('--as-of moves the clock: the same inventory read a year earlier has fewer stale findings', async () => {
  const earlier = await findings(ESTATE.filter((r) => r.type !== 'credential'), new Date(NOW.getTime() - 150 * 86_400_000));
  assert.ok(!earlier.some((f) => f.startsWith('stale medium stale-user')), 'stale-user was used 120 days before NOW, so not stale 150 days earlier');
});

test('a leak is tied to its live key whichever was scanned first, and keeps its finding id', async () => {
  const leak = ESTATE.find((r) => r.type === 'credential' && r.id === 'secret:leak-linked')!;
  const dir = tempDir();
  const dbPath = join(dir, 'nhi.db');
  const ids = async (records: ScanRecord[]) => {
    const estate = { targets: { t: records } };
    await runScan({ dbPath, runs: [{ scanner: fakeScanner(estate), options: { estate } }], config: defaultConfig(), env: {}, concurrency: 1, signal: new AbortController().signal, now: NOW });
    const inv = openInventory(dbPath, { readonly: true });
    const rows = inv.db.prepare("SELECT id, severity, identity_id AS identityId FROM findings WHERE rule_id = 'leaked-credential' AND resolved_scan IS NULL").all();
    inv.close();
    return rows as { id: string; severity: string; identityId: string | null }[];
  };
  const before = await ids([leak]);
  const afterLink = await ids([leak, id('god'), admin('god'), cred('AKIAGODKEY', 'god')]);
  assert.equal(before.length, 1);
  assert.equal(afterLink.length, 1);
  assert.equal(afterLink[0].id, before[0].id);
  assert.equal(before[0].severity, 'high');
  assert.deepEqual([afterLink[0].severity, afterLink[0].identityId], ['critical', 'god']);
  // The other order: the cloud first (separate targets, as two scanners would be), then the repository.
  const dir2 = tempDir();
  const db2 = join(dir2, 'nhi.db');
  const scanTargets = async (targets: Record<string, ScanRecord[]>) => {
    const estate = { targets };
    await runScan({ dbPath: db2, runs: [{ scanner: fakeScanner(estate), options: { estate } }], config: defaultConfig(), env: {}, concurrency: 1, signal: new AbortController().signal, now: NOW });
  };
  await scanTargets({ 'aws:1': [id('god'), admin('god'), cred('AKIAGODKEY', 'god')] });
  await scanTargets({ 'repo:app': [leak] });
  const inv = openInventory(db2, { readonly: true });
  const row = inv.db.prepare("SELECT id, severity, identity_id AS identityId, message FROM findings WHERE rule_id = 'leaked-credential'").get() as { id: string; severity: string; identityId: string; message: string };
  inv.close();
  assert.deepEqual([row.id, row.severity, row.identityId], [before[0].id, 'critical', 'god']);
  assert.match(row.message, /ACTIVE access_key AKIAGODKEY of iam_user god, which is admin-equivalent/);
});

test('rule metadata is complete and each rule id is its file name', () => {
  for (const r of RULES) {
    const file = fileURLToPath(new URL(`../../src/rules/${r.meta.id}/index.ts`, import.meta.url));
    assert.ok(existsSync(file), `rule ${r.meta.id} must live in src/rules/${r.meta.id}/index.ts`);
  }
  assert.throws(
    () => validateRules([{ meta: { ...RULES[0].meta, id: 'Bad Id', owasp: ['NHI11' as never], remediation: '' }, evaluate: RULES[0].evaluate }]),
    /id must be kebab-case[\s\S]*remediation must be a sentence[\s\S]*owasp must list/,
  );
});
