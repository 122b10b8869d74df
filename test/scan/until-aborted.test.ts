// settledOrAborted ends a scanner's stream when its window closes or Ctrl-C comes, and costs
// nothing per record: a scan streams millions of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { settledOrAborted } from '../../src/scanners/toolkit/window.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function* records(n: number, size: number): AsyncGenerator<{ id: number; pad: string }> {
  for (let i = 0; i < n; i++) yield { id: i, pad: String(i).padEnd(size, 'x') };
}

test('records streamed under a window are not retained (200,000 records of 1 KB)', async () => {
  const signal = new AbortController().signal;
  gc();
  const before = process.memoryUsage().heapUsed;
  let n = 0;
  await settledOrAborted(
    (async () => {
      for await (const r of records(200_000, 1024)) {
        if (signal.aborted) break;
        n += r.id >= 0 ? 1 : 0;
      }
    })(),
    signal,
  );
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(n, 200_000);
  assert.ok(grown < 20 * 1024 * 1024, `heap grew by ${Math.round(grown / 1024 / 1024)} MB while streaming`);
});

test('an abort ends the wait at once, even while the source awaits something that ignores the signal; the loop then stops', async () => {
  const ac = new AbortController();
  let released!: () => void;
  const gate = new Promise<void>((r) => (released = r));
  let returned = false;
  async function* stalls(): AsyncGenerator<number> {
    try {
      yield 1;
      await gate;
      yield 2;
    } finally {
      returned = true;
    }
  }
  const seen: number[] = [];
  setTimeout(() => ac.abort(), 50);
  const t0 = Date.now();
  await settledOrAborted(
    (async () => {
      for await (const x of stalls()) {
        if (ac.signal.aborted) break;
        seen.push(x);
      }
    })(),
    ac.signal,
  );
  assert.ok(Date.now() - t0 < 1_000);
  assert.deepEqual(seen, [1]);
  // When the stalled await comes back, the loop sees the abort, drops the record and the source returns.
  released();
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, [1]);
  assert.equal(returned, true);
});

test('a loop that fails is an error of the wait', async () => {
  await assert.rejects(settledOrAborted(Promise.reject(new Error('listing failed')), new AbortController().signal), /listing failed/);
});
