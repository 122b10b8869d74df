// At scale a scan evaluates its rules on two threads over the merge it committed, then copies the
// findings in (src/rules/engine.ts stageFindings). The findings, their history and the change log
// must be exactly what one thread inside the transaction writes; tests lower the threshold so a
// small estate takes the second thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, watch as fsWatch } from 'node:fs';
import Database from 'better-sqlite3';
import { defaultConfig } from '../../src/config/config.js';
import { runScan } from '../../src/scan/scan-service.js';
import { openReport } from '../../src/report/report-service.js';
import { openInventory } from '../../src/inventory/db.js';
import { runPlan } from '../../src/plan/plan-service.js';
import { ScanWriter } from '../../src/inventory/scan-writer.js';
import { ScanLog } from '../../src/inventory/scan-log.js';
import type { InventoryRecord } from '../../src/model/records.js';
import type { ScanRecord } from '../../src/model/records.js';
import { fakeScanner, identity } from '../helpers/fake-scanner.js';
import { tempDir } from '../helpers/temp.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

/** 300 users: old keys, stale or used, owned or not, some admins (raised severities), two keys for some. */
function estate(day: number): ScanRecord[] {
  const out: ScanRecord[] = [];
  for (let i = 0; i < 300; i++) {
    // Day 1: a tenth are gone, a tenth gain an owner, a tenth start being used again.
    if (day === 1 && i % 10 === 0) continue;
    const id = `arn:aws:iam::111111111111:user/u${i}`;
    const owned = i % 3 === 0 || (day === 1 && i % 10 === 1);
    const used = i % 4 === 0 || (day === 1 && i % 10 === 2);
    out.push(identity(id, { createdAt: daysAgo(400 + i), lastUsedAt: used ? daysAgo(2) : daysAgo(200), lastUsedSource: 'test', owner: owned ? `team-${i % 7}` : null, ownerSource: owned ? 'tag:owner' : null }));
    for (let k = 0; k < (i % 5 === 0 ? 2 : 1); k++) {
      out.push({ type: 'credential', id: `AKIA${String(i).padStart(12, '0')}${k}`, identityId: id, provider: 'aws', scope: 'aws:111111111111', kind: 'access_key', createdAt: daysAgo(100 + i + k), lastUsedAt: used ? daysAgo(1) : null, status: 'active' });
    }
    if (i % 6 === 0) out.push({ type: 'grant', identityId: id, provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' });
  }
  return out;
}

async function scanTwice(db: string, parallelRulesFrom: number | undefined) {
  for (const day of [0, 1]) {
    const est = { targets: { 'aws:111111111111': estate(day) } };
    const summary = await runScan({
      dbPath: db, runs: [{ scanner: fakeScanner(est), options: { estate: est } }], config: defaultConfig(), env: {}, concurrency: 1,
      signal: new AbortController().signal, now: new Date(NOW.getTime() + day * 86_400_000), parallelRulesFrom,
    });
    assert.equal(summary.status, 'complete', JSON.stringify(summary.errors.slice(0, 2)));
  }
  const d = new Database(db, { readonly: true });
  try {
    return {
      findings: d.prepare('SELECT id, rule_id, severity, provider, identity_id, credential_id, message, evidence, first_seen_scan, last_seen_scan, resolved_scan FROM findings ORDER BY id').all(),
      changes: d.prepare("SELECT entity_id, scan_id, change FROM changes WHERE entity = 'finding' ORDER BY entity_id, scan_id").all(),
      evaluated: d.prepare('SELECT evaluated_at IS NOT NULL AS e FROM scans ORDER BY id').pluck().all(),
    };
  } finally {
    d.close();
  }
}

test('rules on two threads store the same findings, history and change log as on one', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const one = await scanTwice(join(dir, 'one.db'), undefined);
  const two = await scanTwice(join(dir, 'two.db'), 0);
  const modes: number[] = [];
  const rules = new Set(one.findings.map((f) => (f as { rule_id: string }).rule_id));
  // The estate gives the off-thread rules (long-lived, stale, unowned) and the others work, and some findings resolve.
  for (const r of ['long-lived', 'stale', 'unowned', 'god-mode', 'multiple-active-keys']) assert.ok(rules.has(r), `${r} in ${[...rules]}`);
  assert.ok(one.findings.some((f) => (f as { resolved_scan: number | null }).resolved_scan === 2));
  assert.ok(one.changes.length > 0);
  assert.deepEqual(two.findings, one.findings);
  assert.deepEqual(two.changes, one.changes);
  assert.deepEqual(two.evaluated, [1, 1]);
  // The second thread's staging file is as private as the inventory, and gone with the scan.
  const watcher = fsWatch(dir, (_e, name) => {
    if (name?.endsWith('-findings') && existsSync(join(dir, name))) modes.push(statSync(join(dir, name)).mode & 0o777);
  });
  await scanTwice(join(dir, 'three.db'), 0);
  watcher.close();
  assert.ok(modes.length > 0 && modes.every((m) => m === 0o600), modes.map((m) => m.toString(8)).join());
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.stage-')), []);
});

test('a scan stopped after its merge committed and before its findings: it says so, and a report judges what is stored now', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const db = join(dir, 'nhi.db');
  const est = (day: number) => ({ targets: { 'aws:111111111111': estate(day) } });
  const scan = (day: number) =>
    runScan({
      dbPath: db, runs: [{ scanner: fakeScanner(est(day)), options: { estate: est(day) } }], config: defaultConfig(), env: {}, concurrency: 1,
      signal: new AbortController().signal, now: new Date(), parallelRulesFrom: 0,
    });
  assert.equal((await scan(0)).status, 'complete');
  // The second thread's staging file cannot be made (a folder is in its place): evaluation fails after the merge.
  mkdirSync(`${db}.stage-2-findings`);
  await assert.rejects(scan(1), (err: Error & { hint?: string }) => {
    assert.match(err.message, /scan #2 stored what it read, but its findings were not written/);
    assert.match(err.hint ?? '', /Run the scan again/);
    return true;
  });
  const raw = new Database(db, { readonly: true });
  const row = raw.prepare('SELECT status, evaluated_at FROM scans WHERE id = 2').get();
  // What scan 1 judged is still stored, u0 (gone on day 1) among it.
  const storedU0 = raw.prepare("SELECT count(*) FROM findings WHERE identity_id LIKE '%user/u0' AND resolved_scan IS NULL").pluck().get() as number;
  raw.close();
  assert.deepEqual(row, { status: 'complete', evaluated_at: null });
  assert.ok(storedU0 > 0);
  const report = openReport({ dbPath: db, config: defaultConfig() });
  try {
    assert.equal(report.reEvaluated, true);
    const found = [...report.findings()];
    assert.ok(found.length > 0);
    assert.ok(!found.some((f) => f.identityId?.endsWith('user/u0')), 'findings of an identity gone in the merged scan');
    assert.ok(found.some((f) => f.severity === 'critical' || f.severity === 'high'), 'a gate on this report is not green');
  } finally {
    report.close();
  }
  // A plan or a baseline is built from stored findings: refused until a scan writes them.
  assert.throws(() => runPlan({ dbPath: db, config: defaultConfig() }), (err: Error & { hint?: string }) => {
    assert.match(err.message, /scan #2 stored what it read, but its findings were not written: the stored findings are those of scan #1/);
    assert.match(err.hint ?? '', /Run `nhi scan` again/);
    return true;
  });
  // The next scan writes its findings, and reports read them again.
  rmSync(`${db}.stage-2-findings`, { recursive: true });
  assert.equal((await scan(1)).status, 'complete');
  const after = openReport({ dbPath: db, config: defaultConfig() });
  assert.equal(after.reEvaluated, false);
  after.close();
  assert.ok(runPlan({ dbPath: db, config: defaultConfig() }).plan.identities.length > 0);
});

test('findings staged before another connection committed are not copied in: the rules run again inside the transaction', { timeout: 60_000 }, async () => {
  const finalize = async (path: string, otherCommits: boolean) => {
    const inv = openInventory(path, { create: true });
    const calls: string[] = [];
    try {
      const writer = new ScanWriter(inv, new ScanLog(inv.db).begin(['fake'], 'test', false));
      writer.open();
      for (const r of estate(0)) if (r.type !== 'grant') await writer.add(r as InventoryRecord, 'aws:111111111111');
      await writer.finalize({
        completedTargets: ['aws:111111111111'], status: 'complete', evaluatedAt: NOW.toISOString(),
        reach: () => (calls.push('reach'), 0),
        evaluate: () => void calls.push('evaluate'),
        stage: async () => {
          calls.push('stage');
          // Another process sets an owner while the rules were being evaluated.
          if (otherCommits) {
            const other = new Database(path);
            assert.equal(other.prepare("UPDATE identities SET owner = 'team-late' WHERE id = 'arn:aws:iam::111111111111:user/u5'").run().changes, 1);
            other.close();
          }
          return { copy: () => void calls.push('copy'), discard: () => void calls.push('discard') };
        },
      });
    } finally {
      inv.close();
    }
    return calls;
  };
  const dir = tempDir();
  assert.deepEqual(await finalize(join(dir, 'quiet.db'), false), ['reach', 'stage', 'copy', 'discard']);
  // Reach and the rules again, over what the other connection wrote; the staged findings are dropped.
  assert.deepEqual(await finalize(join(dir, 'busy.db'), true), ['reach', 'stage', 'reach', 'evaluate', 'discard']);
});
