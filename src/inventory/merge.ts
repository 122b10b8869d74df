// Merging a scan's staged snapshot (the attached `stage` database) into the inventory, and
// its findings, inside the scan's one transaction (scan-writer.ts). Tables that already have rows
// are upserted, changes logged and what completed targets no longer report marked gone; empty
// tables (a first scan) are copied and indexed afterwards.
import { withSortMemory, type DB } from './db.js';
import { ENTITIES, ENTITY_BY_TABLE, stagedColumns, type EntityTable } from './entities.js';

export interface MergeCounts {
  identities: number;
  credentials: number;
  grants: number;
  trusts: number;
  owner_candidates: number;
  gone: number;
  changed: number;
}

export function mergeEntity(db: DB, table: EntityTable, scan: number): { staged: number; gone: number; changed: number } {
  const spec = ENTITY_BY_TABLE[table];
  const cols = stagedColumns(spec);
  const entity = spec.entity;
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
  // What a scanner could not read this time (attributes.unread) keeps its last known value.
  keepUnreadFunction(db);
  const keptColumn = (c: string) => (cols.includes('attributes') ? Object.keys(UNREAD_GROUPS).find((k) => UNREAD_GROUPS[k].columns.includes(c)) : undefined);
  const updates = [...cols.filter((c) => c !== 'id'), 'target_key']
    .map((c) => {
      if (c === 'attributes') return `attributes = CASE WHEN instr(excluded.attributes, '"unread"') > 0 THEN nhi_keep_unread(excluded.attributes, attributes) ELSE excluded.attributes END`;
      const group = keptColumn(c);
      if (group) return `${c} = CASE WHEN instr(excluded.attributes, '"unread"') > 0 AND EXISTS (SELECT 1 FROM json_each(excluded.attributes, '$.unread') WHERE value = '${group}') THEN ${c} ELSE excluded.${c} END`;
      return `${c} = excluded.${c}`;
    })
    .join(', ');
  if (spec.changeLog === false) db.exec('DROP TRIGGER IF EXISTS temp.nhi_changed');
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
  if (spec.changeLog !== false) db.prepare(`INSERT OR IGNORE INTO changes (entity, entity_id, scan_id, change) SELECT @entity, id, @scan, 'gone' FROM ${table} WHERE ${goneWhere}`).run({ scan, entity });
  const gone = db.prepare(`UPDATE ${table} SET gone_scan = @scan WHERE ${goneWhere}`).run({ scan }).changes;
  return { staged, gone, changed };
}

const FIRST_LOAD_TABLES = [...ENTITIES.map((e) => e.table), 'findings', 'credential_sightings'];

/** An inventory with nothing in it yet: the scan about to merge is its first load. */
export function isFirstLoad(db: DB): boolean {
  return FIRST_LOAD_TABLES.every((t) => isEmpty(db, t));
}

/** Changes when another connection commits to the inventory (not this one's own commits). */
export function dataVersion(db: DB): number {
  return db.pragma('main.data_version', { simple: true }) as number;
}

/** Whether the inventory's journal mode is now `mode` (another connection to the file keeps it as it was). */
export function setJournalMode(db: DB, mode: 'delete' | 'wal'): boolean {
  try {
    return db.pragma(`main.journal_mode = ${mode}`, { simple: true }) === mode;
  } catch {
    return false;
  }
}

function isEmpty(db: DB, table: string): boolean {
  return !(db.prepare(`SELECT EXISTS (SELECT 1 FROM ${table}) AS n`).get() as { n: number }).n;
}

/**
 * Run a bulk write with the table's indexes dropped, then build them again: one sort each costs
 * less than keeping them up to date row by row (at 1M identities, the credentials merge takes 2.9 s
 * instead of 6.3 s). `secondary` keeps the unique id index an upsert needs; `all` is for appends
 * into an empty table. Inside the scan's transaction, so no reader sees an index missing.
 */
function withIndexesRebuilt(db: DB, table: string, which: 'all' | 'secondary', work: () => void): void {
  const indexes = (
    db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { name: string; sql: string }[]
  ).filter((i) => which === 'all' || !/^CREATE UNIQUE/i.test(i.sql));
  for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
  work();
  withSortMemory(db, () => {
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
  });
}

/**
 * Rules upsert this scan's findings in place (no staging copy: it cost as much as evaluating);
 * a temporary trigger logs the ones that come back, and what was not seen again is resolved.
 * Into an empty findings table (a first scan) they are appended, and indexed afterwards.
 */
export function evaluateFindings(db: DB, scan: number, evaluate: (scan: number) => void): { new: number; resolved: number; open: number } {
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
  // A finding is resolved only by a read that no longer shows it: one whose identity or credential
  // this scan did not read again (its target failed or was not scanned) and that is not gone keeps it.
  const unresolved = `resolved_scan IS NULL AND last_seen_scan < @scan
    AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.id = findings.identity_id AND i.gone_scan IS NULL AND i.last_seen_scan < @scan)
    AND NOT EXISTS (SELECT 1 FROM credentials c WHERE c.id = findings.credential_id AND c.gone_scan IS NULL AND c.last_seen_scan < @scan)`;
  db.prepare(`INSERT OR IGNORE INTO changes (entity, entity_id, scan_id, change) SELECT 'finding', id, @scan, 'gone' FROM findings WHERE ${unresolved}`).run({ scan });
  const resolved = db.prepare(`UPDATE findings SET resolved_scan = @scan WHERE ${unresolved}`).run({ scan }).changes;
  const open = countOf(db, 'SELECT count(*) AS n FROM findings WHERE resolved_scan IS NULL', {});
  return { new: appeared + returned, resolved, open };
}

function countOf(db: DB, sql: string, params: Record<string, number | string>): number {
  return (db.prepare(sql).get(params) as { n: number }).n;
}

/** Where hard-coded secrets were seen: kept per location, with the scans that first and last saw it. */
export function mergeSightings(db: DB, scan: number): void {
  db.prepare(
    `INSERT INTO credential_sightings (credential_id, repo, path, line, commit_sha, author, committed_at, first_seen_scan, last_seen_scan)
     SELECT credential_id, repo, path, line, commit_sha, author, committed_at, @scan, @scan FROM stage.sightings WHERE true
     ON CONFLICT (credential_id, repo, path, line, commit_sha) DO UPDATE SET last_seen_scan = excluded.last_seen_scan`,
  ).run({ scan });
}

const withKeepUnread = new WeakSet<DB>();

/**
 * Unread keys that stand for columns, and the attributes judged with them: an owner the scanner
 * could not judge (GitHub members unlisted, so nobody can be called departed) keeps the owner
 * columns and the former-owner attributes of the last scan that could.
 */
const UNREAD_GROUPS: Record<string, { columns: string[]; attributes: string[] }> = {
  owner: { columns: ['owner', 'owner_source'], attributes: ['formerOwner', 'formerOwnerSource', 'ownerDeparted'] },
};

/**
 * nhi_keep_unread(new, old): the new attributes, with each key listed in new.unread taken from the
 * old ones. A scanner that could not read something (AWS keys of a user whose ListAccessKeys was
 * denied) says so instead of reporting zero; the inventory keeps what it knew. When every unread
 * key was known before, the marker is dropped, so the identity does not read as changed.
 */
function keepUnreadFunction(db: DB): void {
  if (withKeepUnread.has(db)) return;
  db.function('nhi_keep_unread', { deterministic: true }, (next: unknown, prev: unknown) => {
    if (typeof next !== 'string') return next as null;
    const n = JSON.parse(next) as Record<string, unknown>;
    const o = typeof prev === 'string' ? (JSON.parse(prev) as Record<string, unknown>) : {};
    const unread = Array.isArray(n.unread) ? (n.unread as unknown[]).filter((k): k is string => typeof k === 'string') : [];
    const unknown = unread.filter((k) => !(k in o) && !(k in UNREAD_GROUPS));
    for (const k of unread) if (k in o) n[k] = o[k];
    for (const k of unread.filter((g) => g in UNREAD_GROUPS)) {
      for (const a of UNREAD_GROUPS[k].attributes) {
        if (a in o) n[a] = o[a];
        else delete n[a];
      }
    }
    if (unknown.length) n.unread = unknown;
    else delete n.unread;
    // In the old key order, so an unchanged value is unchanged text.
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) if (k in n) out[k] = n[k];
    for (const k of Object.keys(n)) if (!(k in out)) out[k] = n[k];
    return JSON.stringify(out);
  });
  withKeepUnread.add(db);
}
