// Writes one scan. Records stream into a private staging file in bounded batches;
// only when the scan ends are they merged into the inventory (merge.ts), in one transaction
// with reach, and the rules' findings in a second one that marks the scan evaluated. A scan
// killed before the first commit leaves every earlier snapshot exactly as it was, and its own
// row says "running" until the next open marks it interrupted (db.ts); one killed between the
// two is merged but not evaluated, and reports evaluate it themselves (report-service).
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers.js';
import type { StageMessage, StageReply, StageWorkerData } from './stage-worker.js';
import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
import type { GrantRecord, InventoryRecord, OwnerCandidateRecord, TrustRecord } from '../model/records.js';
import { resolveSuggestedOwners } from './owners-store.js';
import { ENTITIES, stagedColumns, type EntitySpec, type EntityTable } from './entities.js';
import { dataVersion, evaluateFindings, isFirstLoad, mergeEntity, mergeSightings, setJournalMode, type MergeCounts } from './merge.js';
import { stagePath, type Inventory } from './db.js';
import { stableId } from '../model/ids.js';
import { InventoryError, errorMessage } from '../errors.js';
import { CANONICAL_TIME } from '../model/validate.js';

const BATCH = 5000;
/** Rows per multi-row INSERT (at most 32766 bound values per statement). */
const MULTI = 50;
/** Batches the writer thread may be behind before add() makes the scan wait. */
const MAX_INFLIGHT = 4;

/** A table's pending rows, value after value (one flat array clones and binds far faster than arrays of rows). */
type Values = (string | number | null)[];

function json(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && Object.keys(v as object).length === 0) return null;
  return JSON.stringify(v);
}

function ts(v: string | null | undefined): string | null {
  if (!v) return null;
  return CANONICAL_TIME.test(v) ? v : new Date(v).toISOString();
}

export function grantId(g: GrantRecord): string {
  return 'g:' + stableId(g.identityId, g.resource, g.role, g.via);
}

export function trustId(t: TrustRecord): string {
  return 't:' + stableId(t.identityId, t.principal, t.principalType, t.condition ?? '');
}

export function ownerCandidateId(o: OwnerCandidateRecord): string {
  return 'o:' + stableId(o.identityId, o.person, o.source, o.event, o.at);
}

type RowWriter = (r: InventoryRecord, out: Values) => void;

/**
 * The staging writer of an entity, compiled from its spec into one function that pushes a record's
 * values in column order: as fast as hand-written pushes (a loop over per-column getters costs
 * ~2x at millions of rows), and it can never disagree with the table's column order.
 */
function compileRowWriter(spec: EntitySpec): RowWriter {
  const exprs = spec.columns.filter((c) => !c.computed).map((c) => {
    const v = `r[${JSON.stringify(c.field)}]`;
    if (c.derived) return `H.${c.derived}(r)`;
    switch (c.type) {
      case 'time':
        return `H.ts(${v})`;
      case 'boolean':
        return `(${v} ? 1 : 0)`;
      case 'json':
        return `H.json(${v})`;
      default:
        return `(${v} ?? null)`;
    }
  });
  const helpers = { ts, json, grantId, trustId, ownerCandidateId };
  return new Function('H', `return function write(r, out) { out.push(${exprs.join(', ')}); }`)(helpers) as RowWriter;
}

const WRITERS = Object.fromEntries(ENTITIES.map((e) => [e.entity, compileRowWriter(e)])) as Record<InventoryRecord['type'], RowWriter>;

const TABLE_OF = Object.fromEntries(ENTITIES.map((e) => [e.entity, e.table])) as Record<InventoryRecord['type'], EntityTable>;

/** Findings evaluated ahead of the scan's findings transaction, to be copied into it (or discarded). */
export interface StagedFindings {
  copy(scan: number): void;
  discard(): void;
}

export interface FinalizeInput {
  /** Targets that finished without any error: what they did not report is gone. */
  completedTargets: string[];
  /**
   * Evaluates the rules over the merged inventory, upserting findings into the inventory's findings
   * table as seen by this scan (runRules with `scan`); runs inside the merge transaction.
   */
  evaluate?: (scan: number) => void;
  /**
   * Evaluates the rules ahead of the findings' transaction, over the committed merge (on two threads
   * at scale); what it returns is copied in instead of calling `evaluate`. Null: evaluate inside.
   */
  stage?: (scan: number) => Promise<StagedFindings | null>;
  /** Computes and stores reach over the merged rows (before the rules, which judge it); returns the edge count. */
  reach?: () => number;
  status: 'complete' | 'partial' | 'failed';
  evaluatedAt: string;
}

export interface FinalizeResult extends MergeCounts {
  findingsOpen: number;
  findingsNew: number;
  findingsResolved: number;
  /** Milliseconds spent merging the snapshot, evaluating rules (with the findings merge), and committing. */
  mergeMs: number;
  /** Deriving the reach graph, computing reach and storing its edges. */
  reachMs: number;
  edges: number;
  rulesMs: number;
  commitMs: number;
}

export class ScanWriter {
  readonly scanId: number;
  private readonly inv: Inventory;
  private readonly stageFile: string;
  private pending: Record<string, Values> = {};
  private pendingCount = 0;
  private worker: Worker | null = null;
  private inflight = 0;
  private failure: Error | null = null;
  private waiters: (() => void)[] = [];
  private closed: (() => void) | null = null;

  constructor(inv: Inventory, scanId: number) {
    this.inv = inv;
    this.scanId = scanId;
    this.stageFile = stagePath(inv.path, scanId);
  }

  /** Create the staging file (0600) and start the thread that writes it. */
  open(): void {
    if (existsSync(this.stageFile)) unlinkSync(this.stageFile);
    closeSync(openSync(this.stageFile, 'wx', 0o600));
    const ddl: string[] = [];
    const inserts: StageWorkerData['inserts'] = {};
    for (const spec of ENTITIES) {
      const table = spec.table;
      const cols = stagedColumns(spec);
      // The inventory's own definition, snapshot columns filled in, so that a first scan copies the
      // staged rows with SQLite's transfer optimization (records copied as they are, not re-encoded).
      ddl.push(this.inv.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as string);
      const scan = String(this.scanId);
      inserts[table] = {
        into: `INSERT INTO ${table} (${cols.join(', ')}, target_key, first_seen_scan, last_seen_scan)`,
        row: `(${[...cols, 'target_key'].map(() => '?').join(',')},${scan},${scan})`,
        width: cols.length + 1,
      };
    }
    ddl.push('CREATE TABLE sightings (credential_id, repo, path, line, commit_sha, author, committed_at)');
    inserts.sightings = { into: 'INSERT INTO sightings', row: '(?,?,?,?,?,?,?)', width: 7 };
    ddl.push('CREATE TABLE completed_targets (target_key TEXT PRIMARY KEY)');
    const data: StageWorkerData = { file: this.stageFile, ddl, inserts, multi: MULTI, pageSize: this.inv.db.pragma('page_size', { simple: true }) as number };
    const worker = spawnWorker(import.meta.url, 'stage-worker', data);
    worker.on('message', (m: StageReply) => {
      if (m.type === 'ack') this.inflight--;
      else if (m.type === 'closed') this.closed?.();
      else this.fail(new Error(`staging writer: ${m.message}`));
      this.wake();
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (code !== 0 && !this.failure) this.fail(new Error(`staging writer exited with code ${code}`));
      this.wake();
    });
    this.worker = worker;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /**
   * Stage one record; rows go to the writer thread in batches. Returns a promise only when the
   * writer is behind (await it: bounded memory), so the common path costs no microtask.
   */
  add(record: InventoryRecord, targetKey: string): void | Promise<void> {
    if (this.failure) throw this.failure;
    const table = TABLE_OF[record.type];
    const values = this.values(table);
    WRITERS[record.type](record, values);
    values.push(targetKey);
    if (record.type === 'credential' && record.location) {
      const l = record.location;
      this.values('sightings').push(record.id, l.repo ?? '', l.path, l.line ?? 0, l.commit ?? '', l.author ?? null, ts(l.date));
      this.pendingCount++;
    }
    if (++this.pendingCount >= BATCH) {
      this.flush();
      if (this.inflight > MAX_INFLIGHT) return this.until(() => this.inflight <= MAX_INFLIGHT);
    }
  }

  private values(table: string): Values {
    return (this.pending[table] ??= []);
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.failure) reject(this.failure);
        else if (done()) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  /** Hand what is pending to the writer thread. */
  flush(): void {
    if (this.pendingCount === 0 || !this.worker) return;
    const batch = this.pending;
    this.pending = {};
    this.pendingCount = 0;
    this.inflight++;
    this.worker.postMessage({ type: 'rows', batch } satisfies StageMessage);
  }

  /** Wait until every batch is written and the writer has closed the staging file. */
  private async drain(): Promise<void> {
    this.flush();
    const worker = this.worker;
    if (!worker) return;
    await this.until(() => this.inflight === 0);
    const closed = new Promise<void>((resolve) => {
      this.closed = resolve;
    });
    worker.postMessage({ type: 'close' } satisfies StageMessage);
    await Promise.race([closed, this.until(() => false)]);
    await worker.terminate();
    this.worker = null;
  }

  /**
   * Merge the staged snapshot into the inventory, mark what completed targets no longer report as
   * gone and compute reach: one transaction, all or nothing. Then the rules: evaluated (at scale on
   * both cores, over the committed merge) and their findings merged in a second transaction that
   * also marks the scan evaluated. A scan stopped between the two has merged but not evaluated:
   * a report then evaluates the rules itself (report-service), so no gate reads old findings as
   * this scan's.
   */
  async finalize(input: FinalizeInput): Promise<FinalizeResult> {
    await this.drain();
    const db = this.inv.db;
    db.prepare('ATTACH DATABASE ? AS stage').run(this.stageFile);
    this.attached = true;
    // The staging file is private and deleted after the scan, crash or not: no journal file to keep
    // (OFF would be cheaper still, but defensive mode refuses it).
    db.pragma('stage.journal_mode = MEMORY');
    // Index builds sort millions of keys, and the second core is idle now that staging is done.
    db.pragma('threads = 2');
    const scan = this.scanId;
    const result: FinalizeResult = {
      identities: 0, credentials: 0, grants: 0, trusts: 0, owner_candidates: 0, gone: 0, changed: 0,
      findingsOpen: 0, findingsNew: 0, findingsResolved: 0, mergeMs: 0, reachMs: 0, edges: 0, rulesMs: 0, commitMs: 0,
    };
    let t = performance.now();
    const lap = () => {
      const n = performance.now();
      const d = Math.round(n - t);
      t = n;
      return d;
    };
    const record = (evaluated: boolean) =>
      db.prepare('UPDATE scans SET status = ?, finished_at = ?, evaluated_at = ?, counts = ? WHERE id = ?').run(
        input.status,
        new Date().toISOString(),
        evaluated ? input.evaluatedAt : null,
        JSON.stringify(result),
        scan,
      );
    // A first scan writes a whole new inventory: both transactions use a rollback journal (below).
    const firstLoad = isFirstLoad(db);
    await this.commit(firstLoad, () => {
      result.gone = 0;
      result.changed = 0;
      const mark = db.prepare('INSERT OR IGNORE INTO stage.completed_targets VALUES (?)');
      for (const t of input.completedTargets) mark.run(t);
      for (const { table } of ENTITIES) {
        const counts = mergeEntity(db, table, scan);
        result[table] = counts.staged;
        result.gone += counts.gone;
        result.changed += counts.changed;
      }
      mergeSightings(db, scan);
      resolveSuggestedOwners(db);
      result.mergeMs = lap();
      if (input.reach) result.edges = input.reach();
      result.reachMs = lap();
      record(false);
    });
    result.commitMs = lap();
    if (input.evaluate) {
      const evaluate = input.evaluate;
      // Another connection that commits from here on (a second scan, an owner set) changes what the
      // staged findings judged: data_version says so, and the rules then run again inside.
      const version = dataVersion(db);
      let staged: StagedFindings | null = null;
      try {
        staged = input.stage ? await input.stage(scan) : null;
        await this.commit(firstLoad, (moved) => {
          if (moved && input.reach) result.edges = input.reach();
          const f = evaluateFindings(db, scan, staged && !moved ? staged.copy : evaluate);
          result.findingsNew = f.new;
          result.findingsResolved = f.resolved;
          result.findingsOpen = f.open;
          result.rulesMs = lap();
          record(true);
        }, version);
      } catch (err) {
        this.close();
        throw new InventoryError(
          `scan #${scan} stored what it read, but its findings were not written: ${errorMessage(err)}`,
          'Run the scan again. Until a scan writes its findings, `nhi report` evaluates the rules itself over what is stored (slower, never stale).',
          err,
        );
      } finally {
        staged?.discard();
      }
      result.commitMs += lap();
    }
    this.close();
    return result;
  }

  /**
   * One write transaction. A first scan writes a whole new inventory: in WAL mode every page would
   * be written twice (to the log, then checkpointed: 10 s of a 1M-identity scan); a rollback journal
   * only keeps pages that existed before, and there are almost none. Needs the file to itself, so it
   * is only tried, and WAL comes back right after the commit (the next open sets it too).
   * Another scan committing into the same file (two first scans of a new inventory) can make SQLite
   * give up on the lock to avoid a deadlock. The transaction then rolled back whole and the staged
   * snapshot is intact: wait and run it again.
   * `since`: a data_version read earlier; `work` is told whether another connection committed since.
   * Checked before the journal switch too: once in rollback mode, SQLite does not count commits made
   * in WAL mode before the switch.
   */
  private async commit(firstLoad: boolean, work: (moved: boolean) => void, since?: number): Promise<void> {
    const db = this.inv.db;
    for (let attempt = 0; ; attempt++) {
      const movedBefore = since !== undefined && dataVersion(db) !== since;
      const rollbackJournal = firstLoad && setJournalMode(db, 'delete');
      const base = dataVersion(db);
      try {
        db.transaction(() => work(movedBefore || (since !== undefined && dataVersion(db) !== base))).immediate();
        return;
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (!/^SQLITE_(BUSY|LOCKED)/.test(code) || attempt >= 6) throw err;
      } finally {
        if (rollbackJournal) setJournalMode(db, 'wal');
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt + Math.random() * 100));
    }
  }

  private attached = false;

  /** Stop the writer, detach and delete the staging file (after finalize, or to abandon the scan). */
  close(): void {
    const db = this.inv.db;
    if (this.worker) {
      void this.worker.terminate();
      this.worker = null;
    }
    if (db.open && this.attached) {
      try {
        db.exec('DETACH DATABASE stage');
      } catch {
        // Not attached.
      }
      this.attached = false;
    }
    this.pending = {};
    this.pendingCount = 0;
    try {
      if (existsSync(this.stageFile)) unlinkSync(this.stageFile);
    } catch {
      // Left for the next open's cleanup.
    }
  }
}
