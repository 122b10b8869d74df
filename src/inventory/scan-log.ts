// The record of scans: a scan's row, its targets and what it could not read. Written by the scan
// service as a scan runs (outside the merge transaction, so an interrupted scan still says what it
// got to), read by `nhi scans`, reports and diff.
import { InventoryError } from '../errors.js';
import type { DB } from './db.js';

export type ScanState = 'running' | 'complete' | 'partial' | 'failed' | 'interrupted';
export type TargetState = 'running' | 'complete' | 'partial' | 'failed';

export interface ScanErrorEntry {
  scanner: string;
  targetKey: string | null;
  level: 'error' | 'note';
  operation: string | null;
  code: string | null;
  message: string;
  fix: string | null;
  resource: string | null;
}

export interface ScanInfo {
  id: number;
  status: ScanState;
  startedAt: string;
  finishedAt: string | null;
  evaluatedAt: string | null;
  scanners: string[];
  demo: boolean;
}

export interface ScanRow extends ScanInfo {
  toolVersion: string;
  counts: Record<string, number> | null;
  errors: number;
  notes: number;
}

export interface TargetEntry {
  scanner: string;
  targetKey: string;
  label: string;
  startedAt: string;
}

export interface TargetResult {
  status: TargetState;
  records: number;
  apiCalls: number;
  retries: number;
  errors: number;
}

/** Whether the process that started a scan still runs (another user's process counts as alive). */
export function pidAlive(pid: number | null): boolean {
  if (!pid) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type RawScan = { id: number; status: ScanState; startedAt: string; finishedAt: string | null; evaluatedAt: string | null; scanners: string; demo: number; pid: number | null };

const SCAN_COLUMNS = 'id, status, started_at AS startedAt, finished_at AS finishedAt, evaluated_at AS evaluatedAt, scanners, demo, pid';

/** A scan still "running" whose process is gone was interrupted, whether or not a writer has recorded that yet. */
function toInfo(r: RawScan): ScanInfo {
  const status = r.status === 'running' && !pidAlive(r.pid) ? 'interrupted' : r.status;
  return { id: r.id, status, startedAt: r.startedAt, finishedAt: r.finishedAt, evaluatedAt: r.evaluatedAt, scanners: JSON.parse(r.scanners) as string[], demo: r.demo === 1 };
}

export class ScanLog {
  constructor(private readonly db: DB) {}

  /** Start a scan: its row says "running" with this process's pid until it ends. */
  begin(scanners: string[], toolVersion: string, demo: boolean): number {
    return Number(
      this.db
        .prepare('INSERT INTO scans (started_at, status, scanners, tool_version, pid, demo) VALUES (?, ?, ?, ?, ?, ?)')
        .run(new Date().toISOString(), 'running', JSON.stringify(scanners), toolVersion, process.pid, demo ? 1 : 0).lastInsertRowid,
    );
  }

  /** End a scan that merged nothing (failed before merging, or interrupted). */
  end(scanId: number, status: 'failed' | 'interrupted'): void {
    this.db.prepare('UPDATE scans SET status = ?, finished_at = ? WHERE id = ?').run(status, new Date().toISOString(), scanId);
  }

  error(scanId: number, e: ScanErrorEntry): void {
    this.db
      .prepare('INSERT INTO scan_errors (scan_id, scanner, target_key, level, operation, code, message, fix, resource) VALUES (?,?,?,?,?,?,?,?,?)')
      .run(scanId, e.scanner, e.targetKey, e.level, e.operation, e.code, e.message, e.fix, e.resource);
  }

  targetStarted(scanId: number, t: TargetEntry): void {
    this.db.prepare("INSERT OR REPLACE INTO scan_targets (scan_id, scanner, target_key, label, status, started_at) VALUES (?,?,?,?,'running',?)").run(scanId, t.scanner, t.targetKey, t.label, t.startedAt);
  }

  targetFinished(scanId: number, scanner: string, targetKey: string, r: TargetResult): void {
    this.db
      .prepare('UPDATE scan_targets SET status = ?, finished_at = ?, records = ?, api_calls = ?, retries = ?, errors = ? WHERE scan_id = ? AND scanner = ? AND target_key = ?')
      .run(r.status, new Date().toISOString(), r.records, r.apiCalls, r.retries, r.errors, scanId, scanner, targetKey);
  }

  /** How many scans of each sort the inventory holds (a demo inventory is never mixed with real scans). */
  kinds(): { demo: number; real: number } {
    return this.db.prepare('SELECT coalesce(sum(demo = 1), 0) AS demo, coalesce(sum(demo = 0), 0) AS real FROM scans').get() as { demo: number; real: number };
  }

  /** The latest scan (or the latest whose findings were evaluated). */
  latest(evaluatedOnly = false): ScanInfo | null {
    const row = this.db.prepare(`SELECT ${SCAN_COLUMNS} FROM scans ${evaluatedOnly ? 'WHERE evaluated_at IS NOT NULL' : ''} ORDER BY id DESC LIMIT 1`).get() as RawScan | undefined;
    return row ? toInfo(row) : null;
  }

  list(limit = 50): ScanRow[] {
    return (
      this.db
        .prepare(
          `SELECT ${SCAN_COLUMNS}, tool_version AS toolVersion, counts,
             (SELECT count(*) FROM scan_errors e WHERE e.scan_id = s.id AND level = 'error') AS errors,
             (SELECT count(*) FROM scan_errors e WHERE e.scan_id = s.id AND level = 'note') AS notes
           FROM scans s ORDER BY id DESC LIMIT ?`,
        )
        .all(limit) as (RawScan & { toolVersion: string; counts: string | null; errors: number; notes: number })[]
    ).map((r) => ({ ...toInfo(r), toolVersion: r.toolVersion, counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null, errors: r.errors, notes: r.notes }));
  }

  exists(scanId: number): boolean {
    return this.db.prepare('SELECT 1 FROM scans WHERE id = ?').get(scanId) !== undefined;
  }

  /** What a scan could not read (errors), and what it noted. */
  errors(scanId: number): ScanErrorEntry[] {
    return this.db
      .prepare('SELECT scanner, target_key AS targetKey, level, operation, code, message, fix, resource FROM scan_errors WHERE scan_id = ? ORDER BY level, id')
      .all(scanId) as ScanErrorEntry[];
  }

  /** A scan after `evaluatedScan` that merged what it read but did not write its findings (stopped between its two commits), or null. */
  unevaluatedSince(evaluatedScan: number): number | null {
    return (
      (this.db.prepare("SELECT max(id) FROM scans WHERE id > ? AND status IN ('complete','partial') AND evaluated_at IS NULL").pluck().get(evaluatedScan) as number | null) ?? null
    );
  }

  /**
   * The latest evaluated scan, for what is built from stored findings (a plan, a baseline). Refused
   * when a later scan stored its records but not its findings: they would judge an older snapshot.
   */
  latestEvaluatedOrRefuse(path: string): ScanInfo {
    const latest = this.latest(true);
    if (!latest) throw new InventoryError(`${path} holds no evaluated scan yet`, 'Run `nhi scan` first (or `nhi scan --demo`).');
    const later = this.unevaluatedSince(latest.id);
    if (later !== null) {
      throw new InventoryError(
        `scan #${later} stored what it read, but its findings were not written: the stored findings are those of scan #${latest.id}`,
        'Run `nhi scan` again, then this command. (`nhi report` evaluates the rules itself meanwhile.)',
      );
    }
    return latest;
  }

  /** Scans whose data was merged into the inventory (interrupted ones never were), oldest first. */
  merged(): number[] {
    return (this.db.prepare("SELECT id FROM scans WHERE status IN ('complete','partial','failed') ORDER BY id").all() as { id: number }[]).map((r) => r.id);
  }

  /** When the first scan that read anything ran (its clock: the demo's rescans run on a shifted one). */
  firstReadAt(): string | null {
    return (this.db.prepare("SELECT min(min(started_at, coalesce(evaluated_at, started_at))) FROM scans WHERE status IN ('complete','partial')").pluck().get() as string | null) ?? null;
  }

  startedAt(scanId: number): string | null {
    return (this.db.prepare('SELECT started_at FROM scans WHERE id = ?').pluck().get(scanId) as string | undefined) ?? null;
  }
}
