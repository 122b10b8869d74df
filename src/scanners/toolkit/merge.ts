// Independent reads of one target at once: each stream keeps one record in hand, and records are
// yielded in the order they arrive, so a target takes as long as its longest read, not their sum.

/**
 * Several record streams read concurrently, their records yielded as each comes. A stream that
 * fails ends the merge with its error; stopping early (or failing) ends the other streams too.
 */
export async function* mergeStreams<T>(streams: AsyncIterable<T>[]): AsyncGenerator<T> {
  const its = streams.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  const pull = (i: number) => {
    const p = its[i]!.next().then((r) => ({ i, r }));
    p.catch(() => undefined); // raced below; a rejection after the merge has ended is not unhandled
    pending.set(i, p);
  };
  its.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pull(i);
      yield r.value;
    }
  } finally {
    for (const i of pending.keys()) void its[i]!.return?.(undefined)?.catch(() => undefined);
  }
}
