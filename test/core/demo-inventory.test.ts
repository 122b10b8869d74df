// The demo inventory and real inventories never mix, and a demo re-run that dies leaves the
// previous demo inventory as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { demoCopy } from '../cli/demo-copy.js';

const BIN = fileURLToPath(new URL('../../bin/nhi', import.meta.url));
const ENV = { ...process.env, NHI_DB: '', NHI_HASH_KEY: '', CI: '1' };

function nhi(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: ENV });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function identities(db: string): number {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT count(*) AS n FROM identities').get() as { n: number }).n;
  } finally {
    d.close();
  }
}

test('a real scan refuses a demo inventory, and the demo refuses a real one', { timeout: 180_000 }, () => {
  // The run's shared demo inventory, copied: a fresh \`nhi scan --demo\` here cost 7 s.
  const { dir } = demoCopy();
  mkdirSync(join(dir, 'src'));
  const real = nhi(dir, ['scan', 'repo', 'src']);
  assert.equal(real.code, 2, real.err);
  assert.match(real.err, /is a demo inventory[\s\S]*--db nhi-real\.db/);
  assert.equal(nhi(dir, ['scans', '--json']).out.match(/"id"/g)?.length, 1, 'nothing was merged');
  assert.equal(nhi(dir, ['scan', 'repo', 'src', '--db', 'real.db']).code, 0);
  const demo = nhi(dir, ['scan', '--demo', '--db', 'real.db']);
  assert.equal(demo.code, 2);
  assert.match(demo.err, /holds 1 real scan\(s\)/);
});

test('a demo re-run killed mid-way leaves the previous demo inventory whole', { timeout: 180_000 }, async () => {
  const { dir } = demoCopy();
  const db = join(dir, 'nhi.db');
  const before = identities(db);
  assert.ok(before > 100);
  const child = spawn(process.execPath, [BIN, 'scan', '--demo'], { cwd: dir, env: ENV, stdio: 'ignore' });
  // Kill it as soon as it has started writing the new inventory beside the old one.
  const next = `${db}.demo-next`;
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = () => {
      if (existsSync(next)) {
        child.kill('SIGKILL');
        resolve();
      } else if (child.exitCode !== null || Date.now() > deadline) reject(new Error('the demo never wrote its new inventory beside the old one'));
      else setTimeout(poll, 5);
    };
    poll();
  });
  await new Promise((r) => child.once('exit', r));
  assert.equal(identities(db), before, 'the previous demo inventory is intact');
  // The next run cleans up what the killed one left and replaces the inventory.
  assert.equal(nhi(dir, ['scan', '--demo']).code, 0);
  assert.equal(identities(db), before);
  assert.ok(!existsSync(next));
});
