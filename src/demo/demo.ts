// `nhi scan --demo`: every scanner serves its part of the demo estate from a local endpoint
// in its provider's own wire format, so the demo runs the real scanner code end to end.
import { existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InventoryError } from '../errors.js';
import type { AnyScanner, DemoEndpoint } from '../scanners/contract.js';

export interface DemoSession {
  /** Demo options per scanner name. */
  options: Map<string, Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startDemo(scanners: AnyScanner[], now: Date): Promise<DemoSession> {
  const workDir = mkdtempSync(join(tmpdir(), 'nhi-demo-'));
  const started: DemoEndpoint<unknown>[] = [];
  const options = new Map<string, Record<string, unknown>>();
  const stop = async () => {
    await Promise.allSettled(started.map((e) => e.stop()));
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    for (const s of scanners) {
      if (!s.demo) continue;
      const ep = await s.demo({ now, workDir });
      started.push(ep);
      options.set(s.name, ep.options as Record<string, unknown>);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { options, stop };
}

/**
 * The demo writes a fresh inventory. It replaces an existing file only when that file holds
 * nothing but earlier demo scans: a real inventory is never touched.
 */
export function prepareDemoDatabase(path: string): void {
  if (!existsSync(path)) return;
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
  for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}.key`]) if (existsSync(f)) unlinkSync(f);
}
