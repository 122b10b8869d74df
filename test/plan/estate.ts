// A small AWS estate the plan tests rescan as it changes: two users with one key each, and an admin.
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/config.js';
import type { ScanRecord } from '../../src/model/records.js';
import { runScan } from '../../src/scan/scan-service.js';
import { fakeScanner, identity } from '../helpers/fake-scanner.js';
import { tempDir } from '../helpers/temp.js';

export const DAY0 = new Date('2026-06-01T00:00:00Z');
export const day = (n: number) => new Date(DAY0.getTime() + n * 86_400_000);
export const USERS = ['arn:aws:iam::111111111111:user/batch-quiet', 'arn:aws:iam::111111111111:user/batch-needed'];

export interface KeyState {
  status: 'active' | 'inactive';
  lastUsedAt: string;
}

/** Two stale keys (last used 200 days before day 0), with the status and last use each scan reports. */
export function records(keys: [KeyState, KeyState], extra: ScanRecord[] = []): ScanRecord[] {
  const out: ScanRecord[] = [];
  USERS.forEach((u, n) => {
    const name = u.split('/').pop()!;
    const keyId = `AKIAPLANTEST0000000${n}`;
    out.push(identity(u, { name, createdAt: '2024-01-01T00:00:00Z', owner: 'team-batch', ownerSource: 'tag:owner' }));
    out.push({ type: 'credential', id: keyId, identityId: u, provider: 'aws', scope: 'aws:111111111111', kind: 'access_key', keyId, createdAt: '2024-01-01T00:00:00Z', attributes: { userName: name }, ...keys[n]! });
  });
  return [...out, ...extra];
}

export const stale: KeyState = { status: 'active', lastUsedAt: new Date(DAY0.getTime() - 200 * 86_400_000).toISOString() };

export function inventory() {
  const dir = tempDir();
  const dbPath = join(dir, 'nhi.db');
  const config = defaultConfig();
  return {
    dir,
    dbPath,
    config,
    scan: (recs: ScanRecord[], now: Date) =>
      runScan({ dbPath, runs: [{ scanner: fakeScanner({ targets: {} }), options: { estate: { targets: { 'aws:111111111111': recs } } } }], config, env: {}, concurrency: 1, signal: new AbortController().signal, now }),
  };
}
