// The key behind every secret hash. It lives beside the inventory (`<db>.key`, 0600) or in
// NHI_HASH_KEY, never inside it: the database alone cannot be used to brute-force a
// short secret from its hash, yet two sightings of one secret still match.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { InventoryError } from '../errors.js';
import { getMeta, setMeta, type Inventory } from '../inventory/db.js';

function check(key: Buffer): string {
  return createHmac('sha256', key).update('nhi hash key check').digest('hex').slice(0, 16);
}

export function hashKeyPath(inv: Inventory): string {
  return `${inv.path}.key`;
}

/**
 * Puts `key` at `path` unless a key is already there, and returns the key that is: two first
 * scans of one new inventory race to create it, and the one that comes second uses the first's.
 * Written aside and linked into place, so the file never appears half written.
 */
export function createHashKeyFile(path: string, key: Buffer): Buffer {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(aside, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, path);
    return key;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
    // A file system without hard links: create it in place, still never over another's.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
    writeFileSync(path, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } finally {
    unlinkSync(aside);
  }
}

export function loadHashKey(inv: Inventory, env: Record<string, string | undefined>): Buffer {
  let key: Buffer;
  let origin: string;
  const fromEnv = env.NHI_HASH_KEY;
  const path = hashKeyPath(inv);
  if (fromEnv) {
    key = /^[0-9a-f]+$/i.test(fromEnv) && fromEnv.length % 2 === 0 ? Buffer.from(fromEnv, 'hex') : Buffer.from(fromEnv, 'utf8');
    origin = 'NHI_HASH_KEY';
    if (key.length < 16) throw new InventoryError('NHI_HASH_KEY is too short', 'Use at least 32 hex characters (16 bytes), for example from `openssl rand -hex 32`.');
  } else if (existsSync(path)) {
    key = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
    origin = path;
    if (key.length < 16) throw new InventoryError(`hash key file ${path} is damaged`, 'Restore it from a backup, or move the inventory and key aside to start a new one.');
  } else {
    if (getMeta(inv.db, 'hash_key_check')) {
      throw new InventoryError(
        `the hash key of ${inv.path} is missing (expected ${path})`,
        'Copy the .key file that belongs to this inventory beside it, or set NHI_HASH_KEY; without it new sightings cannot be matched to stored ones.',
      );
    }
    key = createHashKeyFile(path, randomBytes(32));
    origin = path;
  }
  const stored = getMeta(inv.db, 'hash_key_check');
  if (!stored) setMeta(inv.db, 'hash_key_check', check(key));
  else if (stored !== check(key)) {
    throw new InventoryError(`the hash key from ${origin} does not belong to ${inv.path}`, 'Use the key the inventory was created with (its .key file or NHI_HASH_KEY), or start a new inventory with another --db.');
  }
  return key;
}
