// Record streams of one target read at once (mergeStreams: it takes as long as its longest read,
// not their sum) or ahead of their consumer (readAhead: a list whose pages would wait on another
// read has them in hand when it may go on).

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

/**
 * Starts reading `source` now and keeps up to `max` items ahead of the consumer. The source's
 * failure reaches the consumer after the items read before it; a consumer that stops ends it,
 * whether or not it took anything.
 */
export function readAhead<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const buffer: IteratorResult<T>[] = [];
  let failure: { error: unknown } | null = null;
  let stopped = false;
  let wakeConsumer: (() => void) | null = null;
  let wakeProducer: (() => void) | null = null;
  const wake = (which: 'consumer' | 'producer') => {
    const w = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = null;
    else wakeProducer = null;
    w?.();
  };
  void (async () => {
    try {
      for (;;) {
        while (buffer.length >= Math.max(1, max) && !stopped) await new Promise<void>((r) => (wakeProducer = r));
        if (stopped) return;
        const r = await it.next();
        buffer.push(r);
        wake('consumer');
        if (r.done) return;
      }
    } catch (error) {
      failure = { error };
      wake('consumer');
    }
  })();
  const stop = () => {
    if (stopped) return;
    stopped = true;
    wake('producer');
    void it.return?.(undefined)?.catch(() => undefined);
  };
  const consumer = (async function* () {
    try {
      for (;;) {
        while (buffer.length === 0 && failure === null) await new Promise<void>((r) => (wakeConsumer = r));
        const r = buffer.shift();
        if (!r) throw (failure as { error: unknown } | null)?.error;
        wake('producer');
        if (r.done) return;
        yield r.value;
      }
    } finally {
      stop();
    }
  })();
  // A generator never started skips its finally when returned: a consumer that gives up before
  // taking anything must still end the source, not leave it waiting with pages in hand.
  const giveUp = consumer.return.bind(consumer);
  consumer.return = (value) => {
    stop();
    return giveUp(value);
  };
  return consumer;
}
