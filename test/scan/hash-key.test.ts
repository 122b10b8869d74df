// The key file beside a new inventory is created by whichever of two first scans gets there
// first; the other uses it. A key file is never seen half written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openInventory } from '../../src/inventory/db.js';
import { createHashKeyFile, loadHashKey } from '../../src/secrets/hash-key.js';
import { tempDir } from '../helpers/temp.js';

const env = { NHI_HASH_KEY: '' };

test('a key file another process created first (after this one looked) is used, not an error', () => {
  const dir = tempDir();
  const path = join(dir, 'nhi.db.key');
  const theirs = 'ab'.repeat(32);
  // The other process wrote its key between this one's look and its write.
  writeFileSync(path, theirs + '\n', { mode: 0o600 });
  const key = createHashKeyFile(path, Buffer.alloc(32, 7));
  assert.equal(key.toString('hex'), theirs);
  assert.equal(readFileSync(path, 'utf8').trim(), theirs);
});

test('a new key file is complete when it appears, and readable by its owner only', () => {
  const dir = tempDir();
  const inv = openInventory(join(dir, 'nhi.db'), { create: true });
  const key = loadHashKey(inv, env);
  inv.close();
  const path = join(dir, 'nhi.db.key');
  assert.equal(readFileSync(path, 'utf8'), key.toString('hex') + '\n');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  // Opened again, the same key.
  const again = openInventory(join(dir, 'nhi.db'));
  assert.deepEqual(loadHashKey(again, env), key);
  again.close();
});
