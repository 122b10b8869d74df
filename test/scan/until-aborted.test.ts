// untilAborted ends a scanner's stream when its window closes, and keeps nothing of the records it
// passed on: a scan streams millions of them through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { untilAborted } from '../../src/scanners/toolkit/window.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function* records(n: number, size: number): AsyncGenerator<{ id: number; pad: string }> {
  for (let i = 0; i < n; i++) yield { id: i, pad: String(i).padEnd(size, 'x') };
}

test('records passed through are not retained (a million records of 1 KB would otherwise stay in memory)', async () => {
  const signal = new AbortController().signal;
  gc();
  const before = process.memoryUsage().heapUsed;
  let n = 0;
  for await (const r of untilAborted(records(200_000, 1024), signal)) n += r.id >= 0 ? 1 : 0;
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(n, 200_000);
  // 200,000 records of 1 KB are 200 MB; kept, even a fraction would show.
  assert.ok(grown < 20 * 1024 * 1024, `heap grew by ${Math.round(grown / 1024 / 1024)} MB while streaming`);
});

test('an abort ends the stream at once, even while the source is waiting', async () => {
  const ac = new AbortController();
  async function* stalls(): AsyncGenerator<number> {
    yield 1;
    await new Promise(() => undefined);
  }
  const seen: number[] = [];
  setTimeout(() => ac.abort(), 50);
  for await (const x of untilAborted(stalls(), ac.signal)) seen.push(x);
  assert.deepEqual(seen, [1]);
});
