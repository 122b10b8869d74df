import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultConfig } from '../../src/config/config.js';
import { openInventory, withSortMemory } from '../../src/inventory/db.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/inventory/schema.js';
import { runScan } from '../../src/scan/scan-service.js';
import { diffScans, showIdentity } from '../../src/inventory/browse-queries.js';
import type { ScanRecord } from '../../src/model/records.js';
import { fakeScanner, identity, type FakeEstate } from '../helpers/fake-scanner.js';
import { tempDir } from '../helpers/temp.js';

async function scan(dbPath: string, estate: FakeEstate) {
  const s = fakeScanner(estate);
  return runScan({ dbPath, runs: [{ scanner: s, options: { estate } }], config: defaultConfig(), env: {}, concurrency: 2, signal: new AbortController().signal });
}

const key = (id: string): ScanRecord => ({ type: 'credential', id, identityId: 'u1', provider: 'aws', scope: 'aws:1', kind: 'access_key', keyId: id, status: 'active', createdAt: '2025-01-01T00:00:00Z' });

test('the inventory file, its WAL and its hash key are private (0600) and the schema is versioned', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  await scan(db, { targets: { 'aws:1': [identity('u1')] } });
  for (const f of [db, `${db}.key`]) assert.equal(statSync(f).mode & 0o777, 0o600, f);
  // While a scan writes, readers share the file through the WAL (0600 too):
  const writer = openInventory(db);
  assert.equal(writer.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(statSync(`${db}-wal`).mode & 0o777, 0o600);
  writer.close();
  // at rest it is back to a rollback journal.
  const raw = new Database(db, { readonly: true });
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'delete');
  assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  raw.close();
});

test('each scan is a snapshot: first/last seen, gone only when its target completed, returned, changed', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  const s1 = await scan(db, { targets: { 'aws:1': [identity('u1'), identity('u2'), key('AKIA1')], 'aws:2': [identity('v1')] } });
  assert.equal(s1.status, 'complete');
  // aws:1 completes without u2 → gone; aws:2 fails → v1 is NOT marked gone.
  const s2 = await scan(db, { targets: { 'aws:1': [identity('u1', { owner: 'team-a' }), key('AKIA1')], 'aws:2': 'AccessDenied' } });
  assert.equal(s2.status, 'partial');
  assert.equal(s2.errors[0].fix, 'grant iam:List*');
  const inv = openInventory(db, { readonly: true });
  const row = (id: string) => inv.db.prepare('SELECT first_seen_scan AS f, last_seen_scan AS l, gone_scan AS g FROM identities WHERE id = ?').get(id);
  assert.deepEqual(row('u1'), { f: s1.scanId, l: s2.scanId, g: null });
  assert.deepEqual(row('u2'), { f: s1.scanId, l: s1.scanId, g: s2.scanId });
  assert.deepEqual(row('v1'), { f: s1.scanId, l: s1.scanId, g: null }, 'a failed target keeps its previous snapshot');
  const d = diffScans(inv.db);
  assert.deepEqual(d.identities, { appeared: [], disappeared: ['u2'], changed: ['u1'] });
  inv.close();
  const s3 = await scan(db, { targets: { 'aws:1': [identity('u1', { owner: 'team-a' }), identity('u2'), key('AKIA1')], 'aws:2': [identity('v1')] } });
  const inv2 = openInventory(db, { readonly: true });
  assert.deepEqual(diffScans(inv2.db).identities, { appeared: ['u2'], disappeared: [], changed: [] });
  assert.deepEqual(diffScans(inv2.db, s1.scanId, s3.scanId).identities, { appeared: [], disappeared: [], changed: ['u1'] });
  const detail = showIdentity(inv2.db, 'u2');
  assert.deepEqual(detail.history.map((h) => `${h.scanId}:${h.change}`), [`${s1.scanId}:appeared`, `${s2.scanId}:gone`, `${s3.scanId}:returned`]);
  // Findings follow their subject: u2's "unowned" resolves while u2 is gone and comes back with it, under the same id.
  const life = inv2.db
    .prepare("SELECT scan_id AS s, change AS c FROM changes WHERE entity = 'finding' AND entity_id = 'unowned:u2' ORDER BY scan_id")
    .all() as { s: number; c: string }[];
  assert.deepEqual(life.map((l) => `${l.s}:${l.c}`), [`${s2.scanId}:gone`, `${s3.scanId}:returned`]);
  assert.deepEqual(inv2.db.prepare("SELECT first_seen_scan AS f, last_seen_scan AS l, resolved_scan AS r FROM findings WHERE id = 'unowned:u2'").get(), { f: s1.scanId, l: s3.scanId, r: null });
  assert.equal(s2.counts?.findingsResolved, 2, 'u2 was unowned and gone; u1 got an owner');
  assert.equal(s3.counts?.findingsNew, 1, 'the finding that came back counts as new in this scan');
  // Bulk merges and rule runs drop and rebuild secondary indexes: every one of the schema's is back.
  const indexes = (db: Database.Database) => db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all();
  const fresh = new Database(':memory:');
  fresh.exec(MIGRATIONS.map((m) => m.sql).join(';\n'));
  assert.deepEqual(indexes(inv2.db), indexes(fresh));
  assert.ok(indexes(fresh).length >= 6);
  fresh.close();
  inv2.close();
});

test('a record reported twice is stored once, the last report winning, in a first scan and in a rescan alike', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  // A first scan appends rows to empty tables and builds the unique id indexes afterwards.
  const twice = (owner: string): FakeEstate => ({ targets: { 'aws:1': [identity('u1', { owner: 'team-a' }), key('AKIA1'), identity('u1', { owner }), key('AKIA1')] } });
  const owners = () => {
    const inv = openInventory(db, { readonly: true });
    try {
      return inv.db.prepare('SELECT id, owner, first_seen_scan AS f, last_seen_scan AS l FROM identities').all();
    } finally {
      inv.close();
    }
  };
  const s1 = await scan(db, twice('team-b'));
  assert.deepEqual(owners(), [{ id: 'u1', owner: 'team-b', f: s1.scanId, l: s1.scanId }]);
  const s2 = await scan(db, twice('team-c'));
  assert.deepEqual(owners(), [{ id: 'u1', owner: 'team-c', f: s1.scanId, l: s2.scanId }]);
  for (const s of [s1, s2]) assert.deepEqual([s.status, s.counts?.identities, s.counts?.credentials], ['complete', 1, 1]);
  const inv = openInventory(db, { readonly: true });
  try {
    assert.equal((inv.db.prepare('SELECT count(*) AS n FROM credentials').get() as { n: number }).n, 1);
    // The rescan changed u1's owner (logged once, though u1 was reported twice); the key did not change.
    assert.deepEqual(inv.db.prepare('SELECT entity, entity_id AS id, scan_id AS scan, change FROM changes').all(), [{ entity: 'identity', id: 'u1', scan: s2.scanId, change: 'changed' }]);
    assert.equal(s2.counts?.changed, 1);
    assert.deepEqual(inv.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('identities_id', 'credentials_id') ORDER BY name").pluck().all(), ['credentials_id', 'identities_id']);
  } finally {
    inv.close();
  }
});

test('a malformed record from a scanner is a scan error, not a crash or a bad row', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  const bad = { type: 'identity', id: 'x', provider: 'aws', scope: 'aws:1', kind: 'iam_user', name: 'x', createdAt: 'yesterday' } as ScanRecord;
  const s = await scan(db, { targets: { 'aws:1': [identity('ok'), bad] } });
  assert.equal(s.status, 'partial');
  assert.equal(s.errors[0].code, 'invalid-record');
  assert.match(s.errors[0].message, /createdAt must be an ISO-8601 timestamp/);
  const inv = openInventory(db, { readonly: true });
  assert.equal((inv.db.prepare('SELECT count(*) AS n FROM identities').get() as { n: number }).n, 1);
  inv.close();
});

test('files that are not an nhi inventory get a clear error and are left untouched', async () => {
  const dir = tempDir();
  const garbage = join(dir, 'garbage.db');
  writeFileSync(garbage, 'this is not sqlite at all, just some text that someone saved here');
  const before = statSync(garbage).size;
  assert.throws(() => openInventory(garbage, { create: true }), (e: Error & { hint?: string }) => /not a readable nhi inventory/.test(e.message) && /not modified/.test(e.hint ?? ''));
  assert.equal(statSync(garbage).size, before);
  const other = join(dir, 'other.db');
  const o = new Database(other);
  o.exec('CREATE TABLE customers (id)');
  o.close();
  assert.throws(() => openInventory(other, { create: true }), /not an nhi inventory/);
  const newer = join(dir, 'newer.db');
  const n = new Database(newer);
  n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  n.close();
  assert.throws(() => openInventory(newer), /newer than this nhi understands/);
  assert.throws(() => openInventory(join(dir, 'missing.db')), /no inventory at/);
});

test('a hash key that does not belong to the inventory is refused (sightings would never match)', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  await scan(db, { targets: { 'aws:1': [identity('u1')] } });
  writeFileSync(`${db}.key`, 'ab'.repeat(32));
  await assert.rejects(scan(db, { targets: { 'aws:1': [identity('u1')] } }), /does not belong to/);
});

test('an oversized field is cut with a marker and a note, never a reason to drop the identity and its findings', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  const huge = 'x'.repeat(1 << 20);
  const s = await scan(db, {
    targets: {
      'aws:1': [
        identity('admin-user', { owner: huge, tags: { owner: huge }, attributes: { description: huge } }),
        { type: 'grant', identityId: 'admin-user', provider: 'aws', resource: 'aws:1', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' },
      ],
    },
  });
  assert.equal(s.status, 'complete');
  assert.ok(s.notes.some((n) => /shortened oversized owner, tags, attributes of identity admin-user/.test(n.message)), JSON.stringify(s.notes));
  const inv = openInventory(db, { readonly: true });
  const row = inv.db.prepare('SELECT owner, length(tags) AS tags FROM identities WHERE id = ?').get('admin-user') as { owner: string; tags: number };
  const god = inv.db.prepare("SELECT count(*) AS n FROM findings WHERE rule_id = 'god-mode' AND identity_id = 'admin-user'").get() as { n: number };
  inv.close();
  assert.ok(row.owner.endsWith('…[truncated by nhi]') && row.owner.length < 5000);
  assert.ok(row.tags < 5000);
  assert.equal(god.n, 1);
});

test('providers are open: a scanner with a new provider name stores its records; a malformed name is refused', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  const s = await scan(db, { targets: { 'k8s:c1': [identity('sa1', { provider: 'kubernetes' }), identity('bad', { provider: 'Not A Name' })] } });
  assert.equal(s.errors.length, 1);
  assert.match(s.errors[0].message, /provider must be a lower-case provider name/);
  const inv = openInventory(db, { readonly: true });
  assert.deepEqual(inv.db.prepare('SELECT id, provider FROM identities').all(), [{ id: 'sa1', provider: 'kubernetes' }]);
  inv.close();
});

test('another application\'s SQLite file is refused untouched: not switched to WAL, no page size written', async () => {
  const dir = tempDir();
  const db = join(dir, 'app.db');
  const other = new Database(db);
  other.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
  other.close();
  await assert.rejects(scan(db, { targets: { 'aws:1': [identity('u1')] } }), /is an SQLite database but not an nhi inventory/);
  const raw = new Database(db, { readonly: true });
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'delete');
  assert.equal(raw.pragma('page_size', { simple: true }), 4096);
  raw.close();
});

test('two first scans into one new file, from two processes, both succeed', { timeout: 120_000 }, async () => {
  const bin = fileURLToPath(new URL('../../bin/nhi', import.meta.url));
  const run = (cwd: string, dbPath: string, folder: string) =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [bin, 'scan', '--db', dbPath, 'repo', folder], { cwd, env: { ...process.env, NHI_DB: '', NHI_HASH_KEY: '', CI: '1' } });
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('exit', (code) => resolve({ code, err }));
    });
  for (let trial = 0; trial < 4; trial++) {
    const dir = tempDir();
    for (const f of ['a', 'b']) mkdirSync(join(dir, f));
    const db = join(dir, 'nhi.db');
    const results = await Promise.all([run(dir, db, 'a'), run(dir, db, 'b')]);
    assert.deepEqual(results.map((r) => r.code), [0, 0], results.map((r) => r.err).join('\n'));
  }
});

test('what a scanner could not read keeps its last known value, and is not reported as a change', async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  await scan(db, { targets: { 'aws:1': [identity('u1', { attributes: { accessKeys: 2, activeAccessKeys: 1, path: '/' } }), key('AKIA1')] } });
  // ListAccessKeys denied this time: the scanner marks the counts unread and the target partial.
  const s2 = await scan(db, {
    targets: {
      'aws:1': [
        identity('u1', { attributes: { path: '/', unread: ['accessKeys', 'activeAccessKeys'] } }),
        { type: 'error', operation: 'iam:ListAccessKeys', code: 'AccessDenied', message: 'denied' },
      ],
    },
  });
  assert.equal(s2.status, 'partial');
  const inv = openInventory(db, { readonly: true });
  const attrs = JSON.parse(inv.db.prepare('SELECT attributes FROM identities WHERE id = ?').pluck().get('u1') as string);
  const changes = inv.db.prepare("SELECT count(*) AS n FROM changes WHERE entity = 'identity'").get() as { n: number };
  const keyGone = inv.db.prepare('SELECT gone_scan FROM credentials WHERE id = ?').pluck().get('AKIA1');
  inv.close();
  assert.deepEqual(attrs, { path: '/', accessKeys: 2, activeAccessKeys: 1 });
  assert.equal(changes.n, 0, 'no false "changed" entry');
  assert.equal(keyGone, null, 'its key is not gone: the target did not complete');
});

test('an inventory on a read-only file system can be read: at rest it needs no -wal or -shm beside it', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const src = join(dir, 'inv');
  const ro = join(dir, 'ro');
  mkdirSync(src);
  mkdirSync(ro);
  await scan(join(src, 'nhi.db'), { targets: { 'aws:1': [identity('u1')] } });
  const bin = fileURLToPath(new URL('../../bin/nhi', import.meta.url));
  // A private mount namespace (unshare: no root needed where user namespaces are allowed) with the
  // folder bound read-only: writing there fails, reading the inventory must not.
  const script = `mount --bind "${src}" "${ro}" && mount -o remount,ro,bind "${ro}" && ! touch "${ro}/probe" 2>/dev/null && "${process.execPath}" "${bin}" report --db "${ro}/nhi.db" --format json`;
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, NHI_DB: '', NHI_HASH_KEY: '', CI: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).totals.identities, 1);
});

test('a missing or foreign-platform SQLite module is explained with how to reinstall, not as a bug', async () => {
  const { explainSqliteError } = await import('../../src/inventory/db.js');
  for (const message of [
    'Could not locate the bindings file. Tried:\n → /opt/nhi/node_modules/better-sqlite3/build/better_sqlite3.node',
    "The module '/opt/nhi/node_modules/better-sqlite3/build/Release/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 127.",
    '/opt/nhi/node_modules/better-sqlite3/build/Release/better_sqlite3.node: invalid ELF header',
  ]) {
    const e = explainSqliteError(new Error(message), '/x/nhi.db');
    assert.ok(e, message);
    assert.match(e.message, /the SQLite module nhi uses \(better-sqlite3\) cannot be loaded/);
    assert.match(e.hint ?? '', /npm rebuild better-sqlite3/);
  }
  assert.equal(explainSqliteError(new Error('something else'), '/x/nhi.db'), null);
});

test('index builds sort in small runs and give the connection its page cache back, also when one fails', () => {
  const db = new Database(':memory:');
  db.pragma('cache_size = -65536');
  let during = 0;
  withSortMemory(db, () => {
    during = db.pragma('cache_size', { simple: true }) as number;
  });
  assert.ok(during < 0 && -during < 65536, `cache while sorting: ${during}`);
  assert.equal(db.pragma('cache_size', { simple: true }), -65536);
  assert.throws(() =>
    withSortMemory(db, () => {
      throw new Error('UNIQUE constraint failed');
    }),
  );
  assert.equal(db.pragma('cache_size', { simple: true }), -65536);
  db.close();
});
