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
