// Writes one scan. Records stream into a private staging file in bounded batches;
// only when the scan ends are they merged into the inventory, in one transaction
// together with the rule evaluation. A scan killed at any point therefore leaves
// every earlier snapshot exactly as it was, and its own row says "running" until
// the next open marks it interrupted (db.ts).
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers.js';
import type { StageMessage, StageReply, StageWorkerData } from './stage-worker.js';
import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
import type { CredentialRecord, GrantRecord, IdentityRecord, InventoryRecord, TrustRecord } from '../model/records.js';
import { ENTITY_COLUMNS, ENTITY_NAME, type EntityTable } from './schema.js';
import { stagePath, type Inventory } from './db.js';
import { stableId } from '../model/ids.js';
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

function bool(v: boolean | undefined): number {
  return v ? 1 : 0;
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

function identityRow(r: IdentityRecord, out: Values): void {
  out.push(
    r.id, r.provider, r.scope, r.kind, r.name, ts(r.createdAt), ts(r.lastUsedAt), r.lastUsedSource ?? null,
    r.lastUsedWindowDays ?? null, r.owner ?? null, r.ownerSource ?? null, bool(r.humanUse), bool(r.providerManaged),
    bool(r.thirdParty), bool(r.disabled), json(r.tags), json(r.attributes), json(r.raw),
  );
}

function credentialRow(r: CredentialRecord, out: Values): void {
  out.push(
    r.id, r.identityId ?? null, r.provider, r.scope, r.kind, r.name ?? null, r.keyId ?? null, ts(r.createdAt),
    ts(r.expiresAt), ts(r.lastUsedAt), r.lastUsedSource ?? null, ts(r.rotatedAt), r.status, r.preview ?? null,
    r.secretHash ?? null, json(r.attributes),
  );
}

function grantRow(r: GrantRecord, out: Values): void {
  out.push(grantId(r), r.identityId, r.provider, r.resource, r.role, r.privilege, r.via, r.evidence ?? null, json(r.attributes));
}

function trustRow(r: TrustRecord, out: Values): void {
  out.push(trustId(r), r.identityId, r.provider, r.principal, r.principalType, r.condition ?? null, r.risk ?? null, json(r.attributes));
}

const TABLE_OF: Record<InventoryRecord['type'], EntityTable> = {
  identity: 'identities',
  credential: 'credentials',
  grant: 'grants',
  trust: 'trusts',
};

export interface MergeCounts {
  identities: number;
  credentials: number;
  grants: number;
  trusts: number;
  gone: number;
  changed: number;
}

export interface FinalizeInput {
  /** Targets that finished without any error: what they did not report is gone. */
  completedTargets: string[];
  /**
   * Evaluates the rules over the merged inventory, upserting findings into the inventory's findings
   * table as seen by this scan (runRules with `scan`); runs inside the merge transaction.
   */
  evaluate?: (scan: number) => void;
  status: 'complete' | 'partial' | 'failed';
  evaluatedAt: string;
}

export interface FinalizeResult extends MergeCounts {
  findingsOpen: number;
  findingsNew: number;
  findingsResolved: number;
  /** Milliseconds spent merging the snapshot, evaluating rules (with the findings merge), and committing. */
  mergeMs: number;
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
    for (const [table, cols] of Object.entries(ENTITY_COLUMNS)) {
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
    switch (record.type) {
      case 'identity':
        identityRow(record, this.values('identities'));
        break;
      case 'credential':
        credentialRow(record, this.values('credentials'));
        if (record.location) {
          const l = record.location;
          this.values('sightings').push(record.id, l.repo ?? '', l.path, l.line ?? 0, l.commit ?? '', l.author ?? null, ts(l.date));
          this.pendingCount++;
        }
        break;
      case 'grant':
        grantRow(record, this.values('grants'));
        break;
      case 'trust':
        trustRow(record, this.values('trusts'));
        break;
    }
    this.values(TABLE_OF[record.type]).push(targetKey);
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
   * Merge the staged snapshot into the inventory, mark what completed targets no longer
   * report as gone, evaluate rules and merge findings: one transaction, all or nothing.
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
      identities: 0, credentials: 0, grants: 0, trusts: 0, gone: 0, changed: 0,
      findingsOpen: 0, findingsNew: 0, findingsResolved: 0, mergeMs: 0, rulesMs: 0, commitMs: 0,
    };
    let t = performance.now();
    const lap = () => {
      const n = performance.now();
      const d = Math.round(n - t);
      t = n;
      return d;
    };
    const run = db.transaction(() => {
      const mark = db.prepare('INSERT OR IGNORE INTO stage.completed_targets VALUES (?)');
      for (const t of input.completedTargets) mark.run(t);
      for (const table of Object.keys(ENTITY_COLUMNS) as EntityTable[]) {
        const counts = mergeEntity(db, table, scan);
        result[table] = counts.staged;
        result.gone += counts.gone;
        result.changed += counts.changed;
      }
      db.prepare(
        `INSERT INTO credential_sightings (credential_id, repo, path, line, commit_sha, author, committed_at, first_seen_scan, last_seen_scan)
         SELECT credential_id, repo, path, line, commit_sha, author, committed_at, @scan, @scan FROM stage.sightings WHERE true
         ON CONFLICT (credential_id, repo, path, line, commit_sha) DO UPDATE SET last_seen_scan = excluded.last_seen_scan`,
      ).run({ scan });
      result.mergeMs = lap();
      if (input.evaluate) {
        const f = evaluateFindings(db, scan, input.evaluate);
        result.findingsNew = f.new;
        result.findingsResolved = f.resolved;
        result.findingsOpen = f.open;
      }
      result.rulesMs = lap();
      db.prepare('UPDATE scans SET status = ?, finished_at = ?, evaluated_at = ?, counts = ? WHERE id = ?').run(
        input.status,
        new Date().toISOString(),
        input.evaluate ? input.evaluatedAt : null,
        JSON.stringify(result),
        scan,
      );
    });
    // A first scan writes a whole new inventory. In WAL mode every page would be written twice
    // (to the log, then checkpointed: 10 s of a 1M-identity scan); a rollback journal only keeps
    // pages that existed before, and there are almost none. Needs the file to itself, so it is
    // only tried, and WAL comes back right after the commit (the next open sets it too).
    const rollbackJournal = FIRST_LOAD_TABLES.every((t) => isEmpty(db, t)) && setJournalMode(db, 'delete');
    try {
      run.immediate();
    } finally {
      if (rollbackJournal) setJournalMode(db, 'wal');
    }
    result.commitMs = lap();
    this.close();
    return result;
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

function mergeEntity(db: Inventory['db'], table: EntityTable, scan: number): { staged: number; gone: number; changed: number } {
  const cols = ENTITY_COLUMNS[table];
  const entity = ENTITY_NAME[table];
  const count = (sql: string) => countOf(db, sql, { scan });
  if (isEmpty(db, table)) {
    // Nothing to compare with and nothing to mark gone: append the rows, then index them.
    // The staged table has the inventory's definition: SELECT * copies records without decoding them.
    withIndexesRebuilt(db, table, 'all', () => db.exec(`INSERT INTO ${table} SELECT * FROM stage.${table}`));
    return { staged: count(`SELECT count(*) AS n FROM ${table}`), gone: 0, changed: 0 };
  }
  const stagedRows = count(`SELECT count(*) AS n FROM stage.${table}`);
  // Changes are logged as the upsert overwrites the old values, compared column by column: one
  // lookup per staged row (a join before the upsert looked every row up twice). Rows this scan
  // added are not changes; a record reported twice is compared report against report.
  const differs = cols.filter((c) => c !== 'id').map((c) => `old.${c} IS NOT new.${c}`).join(' OR ');
  db.exec(`CREATE TEMP TRIGGER nhi_changed AFTER UPDATE ON main.${table}
    WHEN old.first_seen_scan < new.last_seen_scan AND (old.gone_scan IS NOT NULL OR ${differs})
    BEGIN INSERT INTO changes (entity, entity_id, scan_id, change)
      VALUES ('${entity}', new.id, new.last_seen_scan, CASE WHEN old.gone_scan IS NOT NULL THEN 'returned' ELSE 'changed' END)
      -- Not OR IGNORE: inside a trigger fired by an upsert, SQLite applies the upsert's ABORT to it.
      ON CONFLICT DO NOTHING; END`);
  const updates = [...cols.filter((c) => c !== 'id'), 'target_key'].map((c) => `${c} = excluded.${c}`).join(', ');
  const upsert = () => {
    try {
      db.prepare(
        `INSERT INTO ${table} (${cols.join(', ')}, target_key, first_seen_scan, last_seen_scan, gone_scan)
         SELECT ${cols.join(', ')}, target_key, @scan, @scan, NULL FROM stage.${table} WHERE true
         ON CONFLICT (id) DO UPDATE SET ${updates}, last_seen_scan = excluded.last_seen_scan, gone_scan = NULL`,
      ).run({ scan });
    } finally {
      db.exec('DROP TRIGGER IF EXISTS temp.nhi_changed');
    }
  };
  // A scan that rewrites most of a table is a bulk load (a full rescan).
  if (stagedRows > 0 && stagedRows * 2 >= count(`SELECT count(*) AS n FROM ${table}`)) withIndexesRebuilt(db, table, 'secondary', upsert);
  else upsert();
  const changed = countOf(db, 'SELECT count(*) AS n FROM changes WHERE scan_id = @scan AND entity = @entity', { scan, entity });
  // Distinct ids this scan saw (a record reported twice counts once), without sorting the staged ids.
  const staged = count(`SELECT count(*) AS n FROM ${table} WHERE last_seen_scan = @scan`);
  // What a completed target did not report this time is gone (not deleted: history stays).
  const goneWhere = `target_key IN (SELECT target_key FROM stage.completed_targets) AND last_seen_scan < @scan AND gone_scan IS NULL`;
  db.prepare(`INSERT OR IGNORE INTO changes (entity, entity_id, scan_id, change) SELECT @entity, id, @scan, 'gone' FROM ${table} WHERE ${goneWhere}`).run({ scan, entity });
  const gone = db.prepare(`UPDATE ${table} SET gone_scan = @scan WHERE ${goneWhere}`).run({ scan }).changes;
  return { staged, gone, changed };
}

const FIRST_LOAD_TABLES = [...Object.keys(ENTITY_COLUMNS), 'findings', 'credential_sightings'];

/** Whether the inventory's journal mode is now `mode` (another connection to the file keeps it as it was). */
function setJournalMode(db: Inventory['db'], mode: 'delete' | 'wal'): boolean {
  try {
    return db.pragma(`main.journal_mode = ${mode}`, { simple: true }) === mode;
  } catch {
    return false;
  }
}

export function isEmpty(db: Inventory['db'], table: string): boolean {
  return !(db.prepare(`SELECT EXISTS (SELECT 1 FROM ${table}) AS n`).get() as { n: number }).n;
}

/**
 * Run a bulk write with the table's indexes dropped, then build them again: one sort each costs
 * less than keeping them up to date row by row (at 1M identities, the credentials merge takes 2.9 s
 * instead of 6.3 s). `secondary` keeps the unique id index an upsert needs; `all` is for appends
 * into an empty table. Inside the scan's transaction, so no reader sees an index missing.
 */
export function withIndexesRebuilt(db: Inventory['db'], table: string, which: 'all' | 'secondary', work: () => void): void {
  const indexes = (
    db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { name: string; sql: string }[]
  ).filter((i) => which === 'all' || !/^CREATE UNIQUE/i.test(i.sql));
  for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
  work();
  for (const i of indexes) {
    try {
      db.exec(i.sql);
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
      // The same id appended twice (two targets reporting one identity): the last one reported
      // wins, as it does in an upsert.
      db.exec(`DELETE FROM ${table} WHERE rowid NOT IN (SELECT max(rowid) FROM ${table} GROUP BY id)`);
      db.exec(i.sql);
    }
  }
}

/**
 * Rules upsert this scan's findings in place (no staging copy: it cost as much as evaluating);
 * a temporary trigger logs the ones that come back, and what was not seen again is resolved.
 * Into an empty findings table (a first scan) they are appended, and indexed afterwards.
 */
function evaluateFindings(db: Inventory['db'], scan: number, evaluate: (scan: number) => void): { new: number; resolved: number; open: number } {
  if (isEmpty(db, 'findings')) {
    withIndexesRebuilt(db, 'findings', 'all', () => evaluate(scan));
    const open = countOf(db, 'SELECT count(*) AS n FROM findings', {});
    return { new: open, resolved: 0, open };
  }
  db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS nhi_finding_returned AFTER UPDATE OF resolved_scan ON findings
    WHEN old.resolved_scan IS NOT NULL AND new.resolved_scan IS NULL
    BEGIN INSERT INTO changes (entity, entity_id, scan_id, change) VALUES ('finding', new.id, new.last_seen_scan, 'returned') ON CONFLICT DO NOTHING; END`);
  // Every current finding is rewritten each scan: a bulk write.
  withIndexesRebuilt(db, 'findings', 'secondary', () => {
    try {
      evaluate(scan);
    } finally {
      db.exec('DROP TRIGGER IF EXISTS temp.nhi_finding_returned');
    }
  });
  const appeared = countOf(db, 'SELECT count(*) AS n FROM findings WHERE first_seen_scan = @scan', { scan });
  const returned = countOf(db, "SELECT count(*) AS n FROM changes WHERE scan_id = @scan AND entity = 'finding' AND change = 'returned'", { scan });
  db.prepare(
    `INSERT OR IGNORE INTO changes (entity, entity_id, scan_id, change)
     SELECT 'finding', id, @scan, 'gone' FROM findings WHERE resolved_scan IS NULL AND last_seen_scan < @scan`,
  ).run({ scan });
  const resolved = db.prepare('UPDATE findings SET resolved_scan = @scan WHERE resolved_scan IS NULL AND last_seen_scan < @scan').run({ scan }).changes;
  const open = countOf(db, 'SELECT count(*) AS n FROM findings WHERE resolved_scan IS NULL', {});
  return { new: appeared + returned, resolved, open };
}

function countOf(db: Inventory['db'], sql: string, params: Record<string, number | string>): number {
  return (db.prepare(sql).get(params) as { n: number }).n;
}
