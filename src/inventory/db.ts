// Opening the inventory: created 0600, WAL, busy timeout, migrations, and recovery of
// scans a crash left "running". The inventory module is the only writer of SQLite.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InventoryError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
import { pidAlive } from './scan-log.js';

export type DB = Database.Database;

export interface Inventory {
  db: DB;
  path: string;
  close(): void;
}

export interface OpenOptions {
  /** Create the file when missing (scan); readers fail with a hint instead. */
  create?: boolean;
  readonly?: boolean;
  /** Set on the retry after rolling back a hot journal, so it happens at most once. */
  recovered?: boolean;
}

export const DEFAULT_DB = 'nhi.db';

/** Page size of new inventories (a scan's staging file takes its inventory's). */
const PAGE_SIZE = 16_384;

export function resolveDbPath(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  return resolve(flag || env.NHI_DB || DEFAULT_DB);
}

/** Wrap SQLite's own errors into ones that name the file and what to do. */
export function explainSqliteError(err: unknown, path: string): InventoryError | null {
  const code = (err as { code?: string })?.code ?? '';
  const msg = (err as Error)?.message ?? String(err);
  // The native SQLite module is missing (an interrupted install) or built for another platform or Node.
  if (/Could not locate the bindings file|better_sqlite3\.node|NODE_MODULE_VERSION|invalid ELF header|wrong ELF class|mach-o/i.test(msg) || code === 'ERR_DLOPEN_FAILED') {
    return new InventoryError(
      `the SQLite module nhi uses (better-sqlite3) cannot be loaded: ${msg.split('\n')[0]}`,
      'Its native part is missing or was built for another platform or Node.js version (an interrupted or copied install). Reinstall it where nhi runs: `npm rebuild better-sqlite3` in nhi\'s folder, or `npm ci` (it needs python3, make and a C++ compiler when no prebuilt binary can be downloaded).',
      err,
    );
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(msg)) {
    return new InventoryError(
      `${path} is not a readable nhi inventory (${msg})`,
      'The file is corrupt or not an nhi database. nhi has not modified it. Move it aside (or restore a backup) and run `nhi scan` to build a new inventory, or pass another file with --db.',
      err,
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new InventoryError(`${path} is locked by another process (${msg})`, 'Another nhi scan may be writing to it; wait for it to finish, or use another --db.', err);
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'SQLITE_IOERR') {
    return new InventoryError(`cannot write ${path} (${msg})`, 'Check that the folder exists and is writable, or pass another path with --db / NHI_DB.', err);
  }
  return null;
}

export function openInventory(path: string, opts: OpenOptions = {}): Inventory {
  const abs = resolve(path);
  if (!existsSync(abs)) {
    if (!opts.create) {
      throw new InventoryError(`no inventory at ${abs}`, 'Run `nhi scan` (or `nhi scan --demo`) first, or point --db / NHI_DB at an existing inventory.');
    }
    if (!existsSync(dirname(abs))) {
      throw new InventoryError(`cannot create ${abs}: folder ${dirname(abs)} does not exist`, 'Create the folder or pass another --db path.');
    }
    // Create the file ourselves so it is 0600 from the first byte; SQLite gives -wal/-shm the same mode.
    try {
      closeSync(openSync(abs, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InventoryError(`cannot create ${abs}: ${(err as Error).message}`, 'Check the folder permissions or pass another --db path.', err);
      }
    }
  } else if (statSync(abs).isDirectory()) {
    throw new InventoryError(`${abs} is a folder, not an inventory file`, 'Pass a file path to --db, e.g. --db ./nhi.db.');
  }
  let db: DB | undefined;
  try {
    db = new Database(abs, { readonly: !!opts.readonly, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    // Before any setting is changed: a file that is not ours is refused untouched (WAL mode and the
    // page size are written into the file).
    refuseForeign(db, abs);
    if (!opts.readonly) {
      // Takes effect only while the file is still empty (a new inventory). Large pages suit a
      // table-at-a-time workload: at 1M identities the rules run 13 % faster than with 4 KB.
      db.pragma(`page_size = ${PAGE_SIZE}`);
      walMode(db);
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('cache_size = -65536');
    db.pragma('foreign_keys = ON');
    migrate(db, abs, !!opts.readonly);
    if (!opts.readonly) recoverInterruptedScans(db, abs);
  } catch (err) {
    if (db?.open) db.close();
    if (opts.readonly && (err as { code?: string }).code === 'SQLITE_READONLY_ROLLBACK' && !opts.recovered) {
      rollBackHotJournal(abs);
      return openInventory(abs, { ...opts, recovered: true });
    }
    throw explainSqliteError(err, abs) ?? err;
  }
  return {
    db,
    path: abs,
    close() {
      if (!db.open) return;
      // WAL serves readers while a scan writes; at rest the file goes back to a rollback journal
      // (which needs no -wal/-shm beside it), so a copy on a read-only file system or a CI artifact
      // can still be read. Only when no other connection has it open: otherwise it stays WAL.
      if (!opts.readonly) {
        try {
          db.pragma('journal_mode = DELETE');
        } catch {
          // Another process is reading or writing it: it stays in WAL mode, which is fine.
        }
      }
      db.close();
    },
  };
}

/**
 * WAL mode, waited for: the switch needs the file to itself, and SQLite refuses it at once (no busy
 * wait) while another scan is committing its first load through a rollback journal. That scan puts
 * WAL back when it commits, so after ten seconds this one goes on in whatever mode the file has.
 */
function walMode(db: DB): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (!/^SQLITE_BUSY/.test((err as { code?: string }).code ?? '')) throw err;
      Atomics.wait(pause, 0, 0, 100);
    }
  }
}

/**
 * A first scan writes through a rollback journal (scan-writer.ts); killed mid-commit, it leaves
 * that journal behind, and a read-only connection cannot roll it back. A writing connection does
 * so on its first read, restoring the inventory exactly as it was before that scan.
 */
function rollBackHotJournal(path: string): void {
  let w: DB | undefined;
  try {
    w = new Database(path, { fileMustExist: true });
    w.pragma('busy_timeout = 10000');
    w.pragma('user_version');
  } catch (err) {
    throw new InventoryError(
      `${path} holds the journal of a first scan that was killed while committing (${path}-journal), and it cannot be rolled back from here (${(err as Error).message})`,
      'Rolling it back needs write access: run nhi as the user who owns the inventory, or make the file and its folder writable. Nothing is lost: the roll-back restores the inventory as it was before that scan.',
      err,
    );
  } finally {
    w?.close();
  }
}

/** The schema version and the number of tables, read in one statement (one snapshot: a concurrent first scan may be creating them). */
function versionAndTables(db: DB): { version: number; tables: number } {
  return db
    .prepare("SELECT (SELECT user_version FROM pragma_user_version) AS version, (SELECT count(*) FROM sqlite_master WHERE type = 'table') AS tables")
    .get() as { version: number; tables: number };
}

/** A file with tables but no version is not ours; a newer version is not one we understand. */
function refuseForeign(db: DB, path: string): void {
  const { version, tables } = versionAndTables(db);
  if (version > SCHEMA_VERSION) {
    throw new InventoryError(`${path} has schema version ${version}, newer than this nhi understands (${SCHEMA_VERSION})`, 'Upgrade nhi, or use another --db.');
  }
  if (version === 0 && tables > 0) throw new InventoryError(`${path} is an SQLite database but not an nhi inventory`, 'nhi has not modified it. Pass another --db path.');
}

function migrate(db: DB, path: string, readonly: boolean): void {
  const current = versionAndTables(db).version;
  if (current >= SCHEMA_VERSION) return;
  if (readonly && versionAndTables(db).tables === 0) {
    // An empty file: a first scan is creating it (or something left it empty). Nothing to read yet.
    throw new InventoryError(`${path} holds no scan yet`, 'If a first scan is running, wait for it to finish; otherwise run `nhi scan` (or `nhi scan --demo`) with this --db.');
  }
  if (readonly) {
    throw new InventoryError(`${path} needs a schema upgrade (version ${current} → ${SCHEMA_VERSION})`, 'Run any writing command (for example `nhi scan`) once to upgrade it.');
  }
  // Decided again under the write lock: two first scans of one new file race to create it.
  const apply = db.transaction(() => {
    refuseForeign(db, path);
    const from = versionAndTables(db).version;
    for (const m of MIGRATIONS.filter((x) => x.version > from)) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    db.prepare('INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)').run('created_at', new Date().toISOString());
  });
  apply.immediate();
}

/** Scans left "running" by a process that no longer exists were interrupted; their staging files are litter. */
function recoverInterruptedScans(db: DB, path: string): void {
  // A scan merged but not yet evaluated is still writing its staged findings when its process lives.
  const running = db.prepare("SELECT id, pid, status FROM scans WHERE status = 'running' OR (evaluated_at IS NULL AND pid IS NOT NULL)").all() as {
    id: number;
    pid: number | null;
    status: string;
  }[];
  const alive = new Set<number>();
  for (const s of running) {
    if (pidAlive(s.pid)) {
      alive.add(s.id);
      continue;
    }
    if (s.status !== 'running') continue;
    db.prepare("UPDATE scans SET status = 'interrupted', finished_at = coalesce(finished_at, ?) WHERE id = ?").run(new Date().toISOString(), s.id);
    db.prepare("UPDATE scan_targets SET status = 'failed' WHERE scan_id = ? AND status = 'running'").run(s.id);
  }
  const dir = dirname(path);
  const prefix = basename(path) + '.stage-';
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    const id = Number.parseInt(f.slice(prefix.length), 10);
    if (alive.has(id)) continue;
    try {
      unlinkSync(join(dir, f));
    } catch {
      // Another process may have removed it first.
    }
  }
}

export function stagePath(inventoryPath: string, scanId: number): string {
  return `${inventoryPath}.stage-${scanId}`;
}

export function getMeta(db: DB, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: DB, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Page cache (KiB) while indexes are built: SQLite sizes each in-memory sorted run of an index build by it. */
const SORT_CACHE_KIB = 8192;

/**
 * Build indexes with a small page cache. SQLite sorts an index's keys in runs as large as the
 * cache; runs of 8 MB stay in the CPU's cache and, with PRAGMA threads, are sorted on both cores,
 * where 64 MB runs were not. At 1M identities the ten entity and finding indexes took 6.6-6.9 s
 * instead of 10.3-12.4 s. Dirty pages are kept (a smaller cache only stops caching clean ones).
 */
export function withSortMemory(db: DB, work: () => void): void {
  const before = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = -${SORT_CACHE_KIB}`);
  try {
    work();
  } finally {
    db.pragma(`cache_size = ${before}`);
  }
}
