// Runs a scanner through the real pipeline against a faulty endpoint, with a signal the test
// controls, and times it: every fault test asserts a bound and the errors it produced.
import type { ScanRecord } from '../../src/model/records.js';
import { defaultConfig } from '../../src/config/config.js';
import { createProtector } from '../../src/secrets/protect.js';
import { runPipeline, type ScanError } from '../../src/scan/pipeline.js';
import type { AnyScanner } from '../../src/scanners/contract.js';

export interface FaultRun {
  records: ScanRecord[];
  errors: ScanError[];
  notes: ScanError[];
  targets: { key: string; state: string }[];
  /** Records read per target. */
  found: Record<string, number>;
  elapsedMs: number;
  /** Progress lines (retries with their cause, waits, logs). */
  logs: string[];
  /** Set when the pipeline itself rejected (an abort). */
  thrown?: unknown;
}

export async function runScanner(scanner: AnyScanner, options: unknown, opts: { signal?: AbortSignal; onWait?: () => void; maxDurationMs?: number } = {}): Promise<FaultRun> {
  const records: ScanRecord[] = [];
  const errors: ScanError[] = [];
  const notes: ScanError[] = [];
  const logs: string[] = [];
  const t0 = Date.now();
  try {
    const res = await runPipeline(
      {
        runs: [{ scanner, options }],
        config: defaultConfig(),
        env: {},
        secrets: createProtector(Buffer.alloc(32, 7)),
        concurrency: 4,
        signal: opts.signal ?? new AbortController().signal,
        now: new Date('2026-11-20T12:00:00Z'),
        maxDurationMs: opts.maxDurationMs,
        listener: (t, event, message) => {
          if (event === 'log' && message) logs.push(message);
          if (t.waitingUntil !== null) opts.onWait?.();
        },
      },
      {
        record: (r) => {
          records.push(r);
        },
        error: (e) => (e.level === 'error' ? errors : notes).push(e),
      },
    );
    return { records, errors, notes, targets: res.targets.filter((t) => !t.targetKey.endsWith(':discovery')).map((t) => ({ key: t.targetKey, state: t.state })), found: Object.fromEntries(res.targets.map((t) => [t.targetKey, t.found])), elapsedMs: Date.now() - t0, logs };
  } catch (thrown) {
    return { records, errors, notes, targets: [], found: {}, elapsedMs: Date.now() - t0, logs, thrown };
  }
}
