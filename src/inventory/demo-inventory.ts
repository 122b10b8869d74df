// The demo's inventory is built beside the one it replaces and moved into place only when its scan
// finished: a demo run that is killed or interrupted leaves the previous demo inventory as it was.
// A file that holds real scans is never replaced.
import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { InventoryError } from '../errors.js';

const SIDECARS = ['-wal', '-shm', '-journal', '.key'];

/** Refuse a target that is not a demo inventory; return the path to build the new one at. */
export function prepareDemoInventory(path: string): string {
  if (existsSync(path)) {
    let real = 0;
    try {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        real = (db.prepare('SELECT count(*) AS n FROM scans WHERE demo = 0').get() as { n: number }).n;
      } finally {
        db.close();
      }
    } catch (err) {
      throw new InventoryError(`${path} exists and is not a demo inventory (${(err as Error).message})`, 'Pass another file with --db, e.g. `nhi scan --demo --db demo.db`.');
    }
    if (real > 0) {
      throw new InventoryError(`${path} holds ${real} real scan(s); the demo will not overwrite it`, 'Pass another file with --db, e.g. `nhi scan --demo --db demo.db`.');
    }
  }
  const next = `${path}.demo-next`;
  discardDemoInventory(next);
  return next;
}

/** Move a finished demo inventory (and its hash key) over the previous one. */
export function installDemoInventory(next: string, path: string): void {
  // The old file's WAL and shared memory must not be applied to the new file.
  for (const s of ['-wal', '-shm', '-journal']) rmSync(path + s, { force: true });
  renameSync(next, path);
  if (existsSync(`${next}.key`)) renameSync(`${next}.key`, `${path}.key`);
  discardDemoInventory(next);
}

/** Remove a demo inventory that will not be installed (an interrupted or failed demo scan). */
export function discardDemoInventory(next: string): void {
  for (const f of [next, ...SIDECARS.map((s) => next + s)]) rmSync(f, { force: true });
}

/**
 * Day 0 of a demo inventory (its first scan's clock), for `--demo-day N`, which rescans it in place
 * so the steps a plan recorded are judged against the estate N days later.
 */
export function demoDayZero(path: string): Date {
  const hint = 'Run `nhi scan --demo` first (day 0), then `nhi plan`, then `nhi scan --demo --demo-day 30`.';
  if (!existsSync(path)) throw new InventoryError(`no demo inventory at ${path} to rescan`, hint);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT sum(demo = 0) AS real, min(CASE WHEN evaluated_at IS NOT NULL THEN id END) AS first FROM scans').get() as { real: number | null; first: number | null };
    if (row.real) throw new InventoryError(`${path} holds real scans; --demo-day only rescans a demo inventory`, 'Pass the demo inventory with --db.');
    const at = row.first === null ? null : (db.prepare('SELECT evaluated_at FROM scans WHERE id = ?').pluck().get(row.first) as string);
    if (!at) throw new InventoryError(`${path} holds no finished demo scan`, hint);
    return new Date(at);
  } finally {
    db.close();
  }
}
