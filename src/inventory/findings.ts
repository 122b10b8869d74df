// Writing findings: the inventory's findings table (upserted by a scan, keeping each finding's
// history), the temporary table an --as-of report re-evaluates into, and the one tests collect
// from. The rule engine (src/rules/engine.ts) decides what the findings are; this writes them.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync } from 'node:fs';
import { stagePath, type DB } from './db.js';
import type { FindingRow } from './rows.js';
import { DIRECT_ADMINS, existedByCutoff, julianDay } from './judgements.js';

/**
 * Findings computed inside SQLite in one statement, for rules that flag a large share of an
 * estate (a million identities would otherwise cost a JS object, a message and a row write
 * each). Every field is an SQL expression over the FROM clause; `@now` is bound to the
 * evaluation clock (`@nowJd` as a Julian day) and `joinAdmins(expr)` joins the precomputed admin set.
 */
export interface FindingQuery {
  kind: 'query';
  /** `FROM … WHERE …`, with named parameters from `params`. */
  from: string;
  params?: Record<string, string | number | null>;
  provider: string;
  identityId: string;
  credentialId?: string;
  discriminator?: string;
  severity: string;
  message: string;
  /** A json_object(…) expression. */
  evidence: string;
}

/** A finding computed in JS, with its id already made. */
export interface FindingValues {
  id: string;
  ruleId: string;
  severity: string;
  provider: string | null;
  identityId: string | null;
  credentialId: string | null;
  message: string;
  evidence: Record<string, unknown>;
}

/** The columns every findings table has. */
const FINDING_COLUMNS = 'id, rule_id, severity, provider, identity_id, credential_id, message, evidence';

/** Where findings go: the inventory (as seen by scan N), an --as-of copy, or a collection for tests. */
export type FindingTable = { table: 'findings'; scan: number } | { table: 'asof' } | { table: 'collect' } | { table: 'staged'; schema: string };

function tableName(t: FindingTable): string {
  if (t.table === 'staged') return `${t.schema}.nhi_staged_findings`;
  return t.table === 'findings' ? 'main.findings' : t.table === 'asof' ? 'temp.asof_findings' : 'temp.nhi_collect';
}

const DRAFT_ROWS = 100;

/** How findings are written into a target: an INSERT head, the scan's columns, and the upsert tail. */
function insertInto(db: DB, target: FindingTable) {
  const into = tableName(target);
  const scan = target.table === 'findings' ? target.scan : undefined;
  // Into the inventory: an upsert that keeps the finding's history; elsewhere, or into an empty
  // findings table (a first scan, its indexes dropped until the end), last one wins.
  const history = scan !== undefined && Boolean(db.prepare(`SELECT EXISTS (SELECT 1 FROM ${into}) AS n`).pluck().get());
  return {
    into,
    cols: scan === undefined ? FINDING_COLUMNS : `${FINDING_COLUMNS}, first_seen_scan, last_seen_scan, resolved_scan`,
    extra: scan === undefined ? '' : ', @scan, @scan, NULL',
    verb: history ? 'INSERT' : 'INSERT OR REPLACE',
    upsert: history
      ? ` ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, provider = excluded.provider, identity_id = excluded.identity_id,
          credential_id = excluded.credential_id, message = excluded.message, evidence = excluded.evidence,
          last_seen_scan = excluded.last_seen_scan, resolved_scan = NULL`
      : '',
    scanParam: (scan === undefined ? {} : { scan }) as Record<string, number>,
  };
}

export class FindingWriter {
  private readonly into: string;
  private readonly cols: string;
  private readonly extra: string;
  private readonly verb: string;
  private readonly upsert: string;
  private readonly scanParam: Record<string, number>;
  private readonly clock: Record<string, string | number>;
  private readonly draft;
  private readonly drafts;
  /** Drafts not yet written: DRAFT_ROWS to a statement (a god-mode chain finding per reach-admin adds up). */
  private pending: unknown[] = [];

  /** Prepares the table and the admin set the rules join (temp.nhi_admins). */
  constructor(
    private readonly db: DB,
    target: FindingTable,
    now: Date,
  ) {
    if (target.table === 'asof') {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS asof_findings (id TEXT PRIMARY KEY, rule_id TEXT, severity TEXT, provider TEXT, identity_id TEXT, credential_id TEXT,
        message TEXT, evidence TEXT, first_seen_scan INTEGER, last_seen_scan INTEGER, resolved_scan INTEGER); DELETE FROM temp.asof_findings;`);
    } else if (target.table === 'staged') {
      // In evaluation order, no key: the copy into the inventory (copyStagedFindings) keeps the last of an id.
      db.exec(`CREATE TABLE IF NOT EXISTS ${target.schema}.nhi_staged_findings (${FINDING_COLUMNS}); DELETE FROM ${target.schema}.nhi_staged_findings;`);
    } else if (target.table === 'collect') {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS nhi_collect (id TEXT PRIMARY KEY, rule_id, severity, provider, identity_id, credential_id, message, evidence); DELETE FROM temp.nhi_collect;`);
    }
    // direct: holds an admin grant of its own (addAdmins adds those that reach one through a chain);
    // r: the identity's row, for reading the admin set in file order (InventoryView.adminHolders).
    db.exec(`DROP TABLE IF EXISTS temp.nhi_admins;
      CREATE TEMP TABLE nhi_admins (id TEXT PRIMARY KEY, direct INTEGER NOT NULL, r INTEGER) WITHOUT ROWID;
      INSERT OR IGNORE INTO temp.nhi_admins SELECT * FROM ${DIRECT_ADMINS};`);
    ({ into: this.into, cols: this.cols, extra: this.extra, verb: this.verb, upsert: this.upsert, scanParam: this.scanParam } = insertInto(db, target));
    this.clock = { now: now.toISOString(), nowJd: julianDay(now), existedBy: existedByCutoff(now) };
    const row = `(?,?,?,?,?,?,?,?${this.extra})`;
    this.draft = db.prepare(`${this.verb} INTO ${this.into} (${this.cols}) VALUES ${row}${this.upsert}`);
    this.drafts = db.prepare(`${this.verb} INTO ${this.into} (${this.cols}) VALUES ${Array(DRAFT_ROWS).fill(row).join(',')}${this.upsert}`);
  }

  /** More admin-equivalent identities (those that reach admin through a chain) for the rules' admin set. */
  addAdmins(ids: Iterable<{ id: string }>): void {
    // A thousand ids a statement: at a million identities, tens of thousands reach admin.
    const add = this.db.prepare('INSERT OR IGNORE INTO temp.nhi_admins (id, direct, r) SELECT id, 0, rowid FROM identities WHERE id IN (SELECT value FROM json_each(?)) AND gone_scan IS NULL');
    let batch: string[] = [];
    for (const { id } of ids) {
      batch.push(id);
      if (batch.length === 1000) {
        add.run(JSON.stringify(batch));
        batch = [];
      }
    }
    if (batch.length) add.run(JSON.stringify(batch));
  }

  write(f: FindingValues): void {
    this.pending.push(f.id, f.ruleId, f.severity, f.provider, f.identityId, f.credentialId, f.message, JSON.stringify(f.evidence));
    if (this.pending.length === DRAFT_ROWS * 8) this.flush();
  }

  /** Write the drafts still held (before a query rule runs, and at the end of an evaluation). */
  private flush(): void {
    if (this.pending.length === DRAFT_ROWS * 8) this.drafts.run(...this.pending, this.scanParam);
    else for (let i = 0; i < this.pending.length; i += 8) this.draft.run(...this.pending.slice(i, i + 8), this.scanParam);
    this.pending = [];
  }

  /** Evaluate a rule's finding query inside SQLite; returns how many findings it wrote. */
  writeQuery(ruleId: string, q: FindingQuery): number {
    this.flush();
    // Stable id `<rule>:<credential or identity>[#discriminator]`, the same expression as findingId() in JS.
    const subject = `coalesce(${q.credentialId ?? 'NULL'}, ${q.identityId}, '') || coalesce('#' || (${q.discriminator ?? 'NULL'}), '')`;
    // The outer SELECT … WHERE true keeps SQLite from reading ON CONFLICT as part of a join.
    return this.db
      .prepare(
        `${this.verb} INTO ${this.into} (${this.cols})
         SELECT * FROM (SELECT @rule || ':' || ${subject}, @rule, ${q.severity}, ${q.provider}, ${q.identityId}, ${q.credentialId ?? 'NULL'},
           ${q.message}, ${q.evidence}${this.extra} ${q.from}) WHERE true${this.upsert}`,
      )
      .run({ ...(q.params ?? {}), ...this.clock, rule: ruleId, ...this.scanParam }).changes;
  }

  /** End of an evaluation: the held drafts are written, and after an --as-of evaluation each re-evaluated finding keeps the scans that first and last saw it. */
  finish(): void {
    this.flush();
    if (this.into !== 'temp.asof_findings') return;
    this.db.exec(`UPDATE temp.asof_findings SET first_seen_scan = f.first_seen_scan, last_seen_scan = f.last_seen_scan
      FROM main.findings f WHERE f.id = temp.asof_findings.id`);
  }
}

/** The findings a 'collect' evaluation wrote, by rule and id. */
export function collectedFindings(db: DB): FindingRow[] {
  return (db.prepare(`SELECT ${FINDING_COLUMNS} FROM temp.nhi_collect ORDER BY rule_id, id`).all() as Record<string, unknown>[]).map((r) => ({
    id: r.id as string,
    ruleId: r.rule_id as string,
    severity: r.severity as FindingRow['severity'],
    provider: r.provider as FindingRow['provider'],
    identityId: (r.identity_id as string | null) ?? null,
    credentialId: (r.credential_id as string | null) ?? null,
    message: r.message as string,
    evidence: JSON.parse(r.evidence as string) as Record<string, unknown>,
  }));
}

/**
 * Findings evaluated outside the scan's write transaction, on both cores, into tables of their
 * own (a temporary table, and a file the second thread writes: `<inventory>.stage-<scan>-findings`,
 * removed with the scan's other staging files). Copied into the inventory in one statement each,
 * in evaluation order, with the same upsert as a direct evaluation.
 */
export function stagedFindingsPath(inventoryPath: string, scan: number): string {
  return `${stagePath(inventoryPath, scan)}-findings`;
}

/** The second thread's connection: reads the committed inventory, writes its findings to `file` (schema `part`). */
export function openStagedEvaluation(inventoryPath: string, file: string): DB {
  // Not fileMustExist: an attached file takes the main file's open flags, and it must be created.
  if (!existsSync(inventoryPath)) throw new Error(`the inventory ${inventoryPath} is gone`);
  // Findings are inventory data: the file is as private as the inventory (0600) from its first byte.
  closeSync(openSync(file, 'wx', 0o600));
  const db = new Database(inventoryPath);
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536');
  attachStagedFindings(db, file);
  // A private file, discarded after the copy or a crash: no journal worth keeping (OFF is refused in defensive mode).
  db.pragma('part.journal_mode = MEMORY');
  db.pragma('part.synchronous = OFF');
  return db;
}

/** Attach the second thread's staging file as `part` (outside a transaction: it cannot be detached inside one). */
export function attachStagedFindings(db: DB, file: string): void {
  db.prepare('ATTACH DATABASE ? AS part').run(file);
}

/** Detach it again and drop this thread's staged findings (after the copy, or to abandon them). */
export function detachStagedFindings(db: DB): void {
  if (db.prepare("SELECT EXISTS (SELECT 1 FROM pragma_database_list WHERE name = 'part')").pluck().get()) db.exec('DETACH DATABASE part');
  db.exec('DROP TABLE IF EXISTS temp.nhi_staged_findings');
}

/** Copy staged findings (from `temp`, and `part` attached) into the scan's findings; returns how many. */
export function copyStagedFindings(db: DB, scan: number): number {
  // One head for both copies: the first fills an empty findings table, and the second must not take it for history.
  const w = insertInto(db, { table: 'findings', scan });
  const copy = (schema: string) =>
    db.prepare(`${w.verb} INTO ${w.into} (${w.cols}) SELECT ${FINDING_COLUMNS}${w.extra} FROM ${schema}.nhi_staged_findings WHERE true${w.upsert}`).run(w.scanParam).changes;
  return copy('temp') + copy('part');
}
