// A scan killed at any point (SIGKILL while staging, SIGKILL while merging, Ctrl-C) leaves
// every earlier snapshot intact and readable, and the interrupted scan marked not complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openInventory } from '../../src/inventory/db.js';
import { openReport } from '../../src/report/report-service.js';
import { defaultConfig } from '../../src/config/config.js';
import { tempDir } from '../helpers/temp.js';

const child = fileURLToPath(new URL('../helpers/crash-child.ts', import.meta.url));

/**
 * A scan in a child process. `killOn`: SIGKILL (or `signal`) `delayMs` after that line on its
 * stdout; with `killWhen`, as soon as that holds after the line (polled every millisecond).
 */
function run(db: string, count: number, tag: string, opts: { killOn?: string; delayMs?: number; killWhen?: () => boolean; signal?: NodeJS.Signals; slow?: boolean } = {}) {
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, db, String(count), tag, opts.slow ? 'slow' : 'fast'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (opts.killOn && out.includes(opts.killOn + '\n')) {
        const when = opts.killOn;
        opts.killOn = undefined;
        void when;
        const ready = opts.killWhen;
        if (!ready) setTimeout(() => p.kill(opts.signal ?? 'SIGKILL'), opts.delayMs ?? 0);
        else {
          const poll = () => (ready() ? p.kill(opts.signal ?? 'SIGKILL') : p.exitCode === null && setTimeout(poll, 1));
          poll();
        }
      }
    });
    p.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

/**
 * The merge's transaction is under way and has written into the file: its rollback journal exists
 * and the file has grown by a megabyte since the first call. Small writes after staging (the scan
 * log's) also open a journal for a moment; only the merge grows the file this much, and SQLite
 * writes into it only after the journal is synced, so a kill now leaves that journal hot.
 */
function mergeWriting(db: string): () => boolean {
  let base: number | undefined;
  return () => {
    const size = existsSync(db) ? statSync(db).size : 0;
    base ??= size;
    return existsSync(`${db}-journal`) && size > base + (1 << 20);
  };
}

function snapshot(db: string) {
  const d = new Database(db, { readonly: true });
  try {
    return {
      identities: d.prepare("SELECT count(*) AS n, group_concat(DISTINCT json_extract(attributes, '$.tag')) AS tags FROM identities WHERE gone_scan IS NULL").get(),
      findings: (d.prepare('SELECT count(*) AS n FROM findings WHERE resolved_scan IS NULL').get() as { n: number }).n,
      scans: d.prepare('SELECT id, status FROM scans ORDER BY id').all() as { id: number; status: string }[],
      unevaluated: d.prepare("SELECT count(*) FROM scans WHERE status = 'complete' AND evaluated_at IS NULL").pluck().get() as number,
    };
  } finally {
    d.close();
  }
}

test('SIGKILL while staging, SIGKILL while merging, and Ctrl-C all leave the earlier snapshot intact', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  const first = await run(db, 30_000, 'first');
  assert.match(first.out, /done complete/);
  const before = snapshot(db);
  assert.deepEqual(before.identities, { n: 30_000, tags: 'first' });
  assert.equal(before.findings, 60_000, 'god-mode + unowned per identity');

  // 1. Killed while records stream into staging.
  const k1 = await run(db, 60_000, 'second', { killOn: 'staged', slow: true });
  assert.equal(k1.signal, 'SIGKILL');
  // 2. Killed in the middle of the merge transaction (a large estate makes the merge take a while).
  let killedInMerge = 0;
  for (const delayMs of [20, 150, 400]) {
    const k = await run(db, 90_000, 'third', { killOn: 'finalizing', delayMs });
    if (k.signal === 'SIGKILL') killedInMerge++;
    if (k.signal !== 'SIGKILL') assert.match(k.out, /done complete/, 'a scan that finished before the kill must be complete');
    else {
      const s = snapshot(db);
      if (s.unevaluated > 0) {
        // Killed after the merge committed, before its findings did: the new snapshot whole, marked
        // not evaluated, and a report judges it itself (1 god-mode + 1 unowned per identity).
        assert.deepEqual(s.identities, { n: 90_000, tags: 'third' }, `killed ${delayMs} ms in, between the commits`);
        const report = openReport({ dbPath: db, config: defaultConfig() });
        try {
          assert.equal(report.reEvaluated, true);
          assert.equal(report.summary().totals.findings, 180_000);
        } finally {
          report.close();
        }
      } else {
        assert.deepEqual(s.identities, before.identities, `killed ${delayMs} ms into the merge: earlier snapshot must be intact`);
        assert.equal(s.findings, before.findings);
      }
    }
  }
  assert.ok(killedInMerge >= 1, 'at least one kill must land inside the merge for this test to mean anything');
  // 3. Ctrl-C: the scan stops, says so, and is discarded.
  const int = await run(db, 60_000, 'fourth', { killOn: 'staged', signal: 'SIGINT', slow: true });
  assert.equal(int.code, 130);
  assert.match(int.out, /done interrupted/);

  const after = snapshot(db);
  const merged = after.scans.filter((s) => s.status === 'complete');
  assert.ok(merged.length >= 1);
  // Opening for writing (what the next scan does) marks killed scans interrupted and removes their staging files.
  openInventory(db, { create: true }).close();
  const recovered = snapshot(db);
  assert.ok(recovered.scans.every((s) => s.status === 'complete' || s.status === 'interrupted'), JSON.stringify(recovered.scans));
  // Killed scans: interrupted, or merged and not evaluated when the kill came between the two commits.
  assert.ok(recovered.scans.filter((s) => s.status === 'interrupted').length + recovered.unevaluated >= 2);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.stage-')), []);
  // Whatever the last complete scan was, what is stored is exactly one whole snapshot.
  const tags = (recovered.identities as { tags: string }).tags;
  assert.ok(tags === 'first' || tags === 'third', `one snapshot, not a mix: ${tags}`);
  // And the inventory still takes a new scan.
  const next = await run(db, 1000, 'fifth');
  assert.match(next.out, /done complete/);
  assert.ok(existsSync(db));
});

test('a first scan killed while it writes the new inventory leaves it empty, readable and ready for the next scan', { timeout: 180_000 }, async () => {
  // A first scan commits through a rollback journal. Killed once it has written into the file, it
  // leaves a hot journal, which SQLite refuses to read past on a read-only connection.
  const hot = (db: string) => {
    const raw = new Database(db, { readonly: true });
    try {
      raw.prepare('SELECT count(*) FROM identities').get();
      return false;
    } catch (err) {
      return (err as { code?: string }).code === 'SQLITE_READONLY_ROLLBACK';
    } finally {
      raw.close();
    }
  };
  // The first scan's transaction writes through a rollback journal: killed once the merge has
  // written into the file, that journal is left hot. Polling for it instead of guessing a delay
  // makes the kill land in the transaction on any machine.
  let hotJournals = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = tempDir();
    const db = join(dir, 'nhi.db');
    const k = await run(db, 150_000, 'first', { killOn: 'finalizing', killWhen: mergeWriting(db) });
    if (k.signal !== 'SIGKILL' || !hot(db)) continue;
    hotJournals++;
    // The journal holds inventory pages: as private as the inventory.
    assert.equal(statSync(db + '-journal').mode & 0o777, 0o600);
    // A reader still opens it, and sees no half-written snapshot.
    const reader = openInventory(db, { readonly: true });
    try {
      assert.equal((reader.db.prepare('SELECT count(*) AS n FROM identities').get() as { n: number }).n, 0);
      assert.equal((reader.db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number }).n, 0);
      assert.deepEqual(reader.db.prepare('SELECT id FROM scans').all(), [{ id: 1 }]);
    } finally {
      reader.close();
    }
    openInventory(db, { create: true }).close();
    assert.deepEqual(snapshot(db).scans, [{ id: 1, status: 'interrupted' }]);
    const next = await run(db, 1000, 'second');
    assert.match(next.out, /done complete/);
    assert.deepEqual(snapshot(db).identities, { n: 1000, tags: 'second' });
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('journal') || f.includes('.stage-')), []);
    break;
  }
  assert.equal(hotJournals, 1, 'a kill must land after the first scan has written into the file for this test to mean anything');
});

test('Ctrl-C while the merge commits: the scan is committed whole and says so, never silently', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  // SIGINT once the merge's transaction is writing into the file.
  const k = await run(db, 60_000, 'first', { killOn: 'finalizing', killWhen: mergeWriting(db), signal: 'SIGINT' });
  assert.match(k.out, /done complete interrupted-while-committing/);
  assert.deepEqual(snapshot(db).identities, { n: 60_000, tags: 'first' });
  assert.deepEqual(snapshot(db).scans, [{ id: 1, status: 'complete' }]);
  assert.equal(snapshot(db).unevaluated, 0, 'the Ctrl-C waited for the findings too');
});
