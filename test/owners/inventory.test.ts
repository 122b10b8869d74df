// Owner candidates in the inventory: a table SQL users can query, suggested owners kept apart from
// declared ones, snapshots like every other entity, and no noise in `nhi diff`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultConfig } from '../../src/config/config.js';
import { openInventory } from '../../src/inventory/db.js';
import { MIGRATIONS } from '../../src/inventory/schema.js';
import { diffScans } from '../../src/inventory/browse-queries.js';
import { ownerCandidatesOf } from '../../src/inventory/owners-store.js';
import { runScan } from '../../src/scan/scan-service.js';
import type { ScanRecord } from '../../src/model/records.js';
import { ownerCandidate } from '../../src/owners/candidates.js';
import { fakeScanner, identity, type FakeEstate } from '../helpers/fake-scanner.js';
import { tempDir } from '../helpers/temp.js';

async function scan(dbPath: string, estate: FakeEstate) {
  const s = fakeScanner(estate);
  return runScan({ dbPath, runs: [{ scanner: s, options: { estate } }], config: defaultConfig(), env: {}, concurrency: 1, signal: new AbortController().signal });
}

const alice = { person: 'alice@acme.example', handle: 'arn:aws:sts::1:assumed-role/AWSReservedSSO_Admin_1/alice@acme.example', human: true };
const created = (id: string): ScanRecord => ownerCandidate({ identityId: id, provider: 'aws', person: alice, source: 'cloudtrail', event: 'CreateRole', action: 'created', at: '2026-03-04T10:00:00Z' });

test('candidates are rows of owner_candidates; the best fills suggested_owner only where no owner is declared', async () => {
  const db = join(tempDir(), 'nhi.db');
  const s = await scan(db, { targets: { 'aws:1': [identity('r1', { owner: null }), identity('r2', { owner: 'team-a' }), created('r1'), created('r2')] } });
  assert.equal(s.status, 'complete');
  const inv = openInventory(db, { readonly: true });
  const rows = inv.db.prepare('SELECT identity_id, person, source, event, at, confidence, departed, evidence FROM owner_candidates ORDER BY identity_id').all();
  assert.deepEqual(rows, [
    { identity_id: 'r1', person: 'alice@acme.example', source: 'cloudtrail', event: 'CreateRole', at: '2026-03-04T10:00:00.000Z', confidence: 90, departed: 0, evidence: 'created by alice@acme.example on 2026-03-04 via CloudTrail (CreateRole)' },
    { identity_id: 'r2', person: 'alice@acme.example', source: 'cloudtrail', event: 'CreateRole', at: '2026-03-04T10:00:00.000Z', confidence: 90, departed: 0, evidence: 'created by alice@acme.example on 2026-03-04 via CloudTrail (CreateRole)' },
  ]);
  const owners = inv.db.prepare('SELECT id, owner, suggested_owner AS s, suggested_owner_evidence AS e FROM identities ORDER BY id').all();
  assert.deepEqual(owners, [
    { id: 'r1', owner: null, s: 'alice@acme.example', e: 'created by alice@acme.example on 2026-03-04 via CloudTrail (CreateRole)' },
    { id: 'r2', owner: 'team-a', s: null, e: null },
  ]);
  assert.equal(ownerCandidatesOf(inv.db, 'r1')[0]?.departed, false);
  inv.close();
});

test('a rescan does not log candidates as changes; a candidate no longer reported is gone and its suggestion cleared', async () => {
  const db = join(tempDir(), 'nhi.db');
  await scan(db, { targets: { 'aws:1': [identity('r1', { owner: null }), created('r1')] } });
  await scan(db, { targets: { 'aws:1': [identity('r1', { owner: null }), created('r1')] } });
  let inv = openInventory(db, { readonly: true });
  assert.deepEqual(diffScans(inv.db).identities, { appeared: [], disappeared: [], changed: [] });
  assert.equal((inv.db.prepare('SELECT count(*) AS n FROM changes').get() as { n: number }).n, 0);
  inv.close();
  await scan(db, { targets: { 'aws:1': [identity('r1', { owner: null })] } });
  inv = openInventory(db, { readonly: true });
  assert.equal((inv.db.prepare('SELECT count(*) AS n FROM owner_candidates WHERE gone_scan IS NOT NULL').get() as { n: number }).n, 1);
  assert.equal(inv.db.prepare('SELECT suggested_owner AS s FROM identities').pluck().get(), null);
  inv.close();
});

test('an inventory of schema 3 is upgraded: the new table and the suggested-owner columns are added', async () => {
  const db = join(tempDir(), 'nhi.db');
  const raw = new Database(db);
  for (const m of MIGRATIONS.filter((x) => x.version <= 3)) raw.exec(m.sql);
  raw.pragma('user_version = 3');
  raw.close();
  const s = await scan(db, { targets: { 'aws:1': [identity('r1', { owner: null }), created('r1')] } });
  assert.equal(s.status, 'complete');
  const inv = openInventory(db, { readonly: true });
  assert.equal(inv.db.prepare('SELECT suggested_owner FROM identities').pluck().get(), 'alice@acme.example');
  inv.close();
});
