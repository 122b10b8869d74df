// mergeStreams and readAhead: record streams of one target read at once, or ahead of their consumer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeStreams, readAhead } from '../../../src/scanners/toolkit/index.js';

/** A stream that yields its items after the given waits (a read that answers page by page). */
async function* paced(name: string, waits: number[], log: string[]): AsyncGenerator<string> {
  try {
    for (const [i, ms] of waits.entries()) {
      await new Promise((r) => setTimeout(r, ms));
      yield `${name}${i}`;
    }
  } finally {
    log.push(`${name} closed`);
  }
}

test('streams are read at once: each record is yielded as it comes, whichever stream it is from', async () => {
  const log: string[] = [];
  const got: string[] = [];
  for await (const r of mergeStreams([paced('a', [60, 60, 60], log), paced('b', [10], log), paced('c', [30, 60], log)])) got.push(r);
  assert.deepEqual([...got].sort(), ['a0', 'a1', 'a2', 'b0', 'c0', 'c1']);
  assert.equal(got[0], 'b0', 'the quickest record first');
  // Read one after another, a0 would come first: its stream is first in the list.
  assert.ok(got.indexOf('c0') < got.indexOf('a0'));
  assert.deepEqual(log.sort(), ['a closed', 'b closed', 'c closed']);
});

test('a consumer that stops early ends every stream; a stream that fails ends the merge with its error', async () => {
  const log: string[] = [];
  for await (const r of mergeStreams([paced('a', [5, 5, 5, 5], log), paced('b', [50, 50], log)])) {
    if (r === 'a1') break;
  }
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(log.sort(), ['a closed', 'b closed']);

  async function* failing(): AsyncGenerator<string> {
    await new Promise((r) => setTimeout(r, 5));
    if (log2.length === 0) throw new Error('list failed');
    yield 'never';
  }
  const log2: string[] = [];
  await assert.rejects(async () => {
    for await (const r of mergeStreams([paced('x', [20, 20, 20], log2), failing()])) void r;
  }, /list failed/);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(log2, ['x closed'], 'the other stream was ended');
});

test('readAhead starts reading at once, keeps at most max items ahead, and hands on a failure after what came before it', async () => {
  const asked: number[] = [];
  async function* pages(fail: boolean): AsyncGenerator<number> {
    for (let i = 0; i < 6; i++) {
      asked.push(i);
      await new Promise((r) => setTimeout(r, 2));
      if (fail && i === 3) throw new Error('page 3 failed');
      yield i;
    }
  }
  const ahead = readAhead(pages(false), 2);
  await new Promise((r) => setTimeout(r, 60));
  // Read before anyone asked: two in hand, and no further until the consumer takes one.
  assert.deepEqual(asked, [0, 1]);
  const got: number[] = [];
  for await (const p of ahead) got.push(p);
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5]);

  asked.length = 0;
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const p of readAhead(pages(true), 10)) seen.push(p);
  }, /page 3 failed/);
  assert.deepEqual(seen, [0, 1, 2], 'the pages read before the failure first');

  const log: string[] = [];
  for await (const p of readAhead(paced('z', [1, 1, 1, 1, 1], log), 3)) if (p === 'z0') break;
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(log, ['z closed'], 'a consumer that stops ends the source');
});

test('readAhead: a consumer that gives up before taking anything ends the source too', async () => {
  const log: string[] = [];
  const ahead = readAhead(paced('w', [1, 1, 1, 1, 1, 1, 1, 1], log), 3);
  await new Promise((r) => setTimeout(r, 20));
  await ahead.return(undefined);
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(log, ['w closed'], 'the source was ended, not left waiting with pages in hand');
});
