// `nhi scan` as a service: open the inventory, stage what the scanners stream, then merge
// and evaluate rules in one transaction. Returns data; the CLI decides exit codes and output.
import type { ResolvedConfig } from '../config/config.js';
import { openInventory, type Inventory } from '../inventory/db.js';
import { ScanWriter, type FinalizeResult } from '../inventory/scan-writer.js';
import { runRules } from '../rules/engine.js';
import { loadHashKey } from '../secrets/hash-key.js';
import { createProtector } from '../secrets/protect.js';
import { VERSION } from '../version.js';
import { runPipeline, type ScanError, type ScannerRun } from './pipeline.js';
import type { ProgressListener, TargetProgress } from './progress.js';

export type ScanStatus = 'complete' | 'partial' | 'failed' | 'interrupted';

export interface ScanInput {
  dbPath: string;
  runs: ScannerRun[];
  config: ResolvedConfig;
  env: Record<string, string | undefined>;
  concurrency: number;
  signal: AbortSignal;
  now?: Date;
  listener?: ProgressListener;
  demo?: boolean;
}

export interface ScanSummary {
  scanId: number;
  dbPath: string;
  status: ScanStatus;
  startedAt: string;
  durationMs: number;
  targets: TargetProgress[];
  errors: ScanError[];
  notes: ScanError[];
  counts: FinalizeResult | null;
}

export async function runScan(input: ScanInput): Promise<ScanSummary> {
  const inv = openInventory(input.dbPath, { create: true });
  try {
    return await scanInto(inv, input);
  } finally {
    inv.close();
  }
}

async function scanInto(inv: Inventory, input: ScanInput): Promise<ScanSummary> {
  const { db } = inv;
  const key = loadHashKey(inv, input.env);
  const now = input.now ?? new Date();
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const scanId = Number(
    db
      .prepare('INSERT INTO scans (started_at, status, scanners, tool_version, pid, demo) VALUES (?, ?, ?, ?, ?, ?)')
      .run(startedAt, 'running', JSON.stringify(input.runs.map((r) => r.scanner.name)), VERSION, process.pid, input.demo ? 1 : 0).lastInsertRowid,
  );
  const writer = new ScanWriter(inv, scanId);
  writer.open();
  const errors: ScanError[] = [];
  const notes: ScanError[] = [];
  const insertError = db.prepare(
    'INSERT INTO scan_errors (scan_id, scanner, target_key, level, operation, code, message, fix, resource) VALUES (?,?,?,?,?,?,?,?,?)',
  );
  const insertTarget = db.prepare("INSERT OR REPLACE INTO scan_targets (scan_id, scanner, target_key, label, status, started_at) VALUES (?,?,?,?,'running',?)");
  const finishTarget = db.prepare(
    'UPDATE scan_targets SET status = ?, finished_at = ?, records = ?, api_calls = ?, retries = ?, errors = ? WHERE scan_id = ? AND scanner = ? AND target_key = ?',
  );
  let result;
  try {
    result = await runPipeline(
      {
        runs: input.runs,
        config: input.config,
        env: input.env,
        secrets: createProtector(key),
        concurrency: input.concurrency,
        signal: input.signal,
        now,
        listener: input.listener,
      },
      {
        record: (rec, _scanner, target) => writer.add(rec, target.key),
        error: (e) => {
          (e.level === 'error' ? errors : notes).push(e);
          insertError.run(scanId, e.scanner, e.targetKey, e.level, e.operation, e.code, e.message, e.fix, e.resource);
        },
        targetStarted: (t) => {
          insertTarget.run(scanId, t.scanner, t.targetKey, t.label, new Date(t.startedAt).toISOString());
        },
        targetFinished: (t) => {
          const status = t.state === 'discovering' || t.state === 'running' ? 'failed' : t.state;
          finishTarget.run(status, new Date().toISOString(), t.found, t.apiCalls, t.retries, t.errors, scanId, t.scanner, t.targetKey);
        },
      },
    );
  } catch (err) {
    writer.close();
    db.prepare("UPDATE scans SET status = 'failed', finished_at = ? WHERE id = ?").run(new Date().toISOString(), scanId);
    throw err;
  }
  const scanTargets = result.targets.filter((t) => t.state !== 'discovering');
  if (result.aborted) {
    writer.close();
    db.prepare("UPDATE scans SET status = 'interrupted', finished_at = ? WHERE id = ?").run(new Date().toISOString(), scanId);
    return { scanId, dbPath: inv.path, status: 'interrupted', startedAt, durationMs: Date.now() - t0, targets: result.targets, errors, notes, counts: null };
  }
  const anyRead = scanTargets.some((t) => t.state === 'complete' || t.state === 'partial');
  const status: ScanStatus = result.errors === 0 && anyRead ? 'complete' : anyRead ? 'partial' : 'failed';
  const counts = await writer.finalize({
    completedTargets: result.completedTargets,
    status,
    evaluatedAt: now.toISOString(),
    evaluate: (scan) => runRules({ db, config: input.config, now, into: 'findings', scan }),
  });
  return { scanId, dbPath: inv.path, status, startedAt, durationMs: Date.now() - t0, targets: result.targets, errors, notes, counts };
}
