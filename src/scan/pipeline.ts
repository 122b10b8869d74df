// Runs scanners over their targets with a concurrency bound. Each target is a unit of
// failure: a throw or an error record makes that target failed/partial and is kept
// as a scan error with the fix hint; the rest of the scan goes on.
import type { InventoryRecord, ScanRecord } from '../model/records.js';
import { MAX_TEXT, checkRecord } from '../model/validate.js';
import type { ResolvedConfig } from '../config/config.js';
import type { SecretProtector } from '../secrets/protect.js';
import type { AnyScanner, ExplainedError, ScanTarget } from '../scanners/contract.js';
import { errorMessage } from '../errors.js';
import { eachLimit } from '../scanners/toolkit/limit.js';
import { parseDuration, settledOrAborted, WindowReachedError } from '../scanners/toolkit/window.js';
import type { ScanErrorEntry } from '../inventory/scan-log.js';
import { newTargetProgress, progressSink, type ProgressListener, type TargetProgress } from './progress.js';

/** Something a scanner could not read (level error) or noted. */
export type ScanError = ScanErrorEntry;

export interface ScannerRun {
  scanner: AnyScanner;
  options: unknown;
}

export interface PipelineInput {
  runs: ScannerRun[];
  config: ResolvedConfig;
  env: Record<string, string | undefined>;
  secrets: SecretProtector;
  concurrency: number;
  signal: AbortSignal;
  now: Date;
  listener?: ProgressListener;
  /** --max-duration: the whole scan's window, from its start. */
  maxDurationMs?: number;
}

export interface PipelineSink {
  /** May return a promise when the writer is behind: the pipeline awaits it (backpressure). */
  record(record: InventoryRecord, scanner: string, target: ScanTarget): void | Promise<void>;
  error(e: ScanError): void;
  targetStarted?(t: TargetProgress): void;
  targetFinished?(t: TargetProgress): void;
}

export interface PipelineResult {
  targets: TargetProgress[];
  /** Keys of targets that finished with no error: their snapshot is complete. */
  completedTargets: string[];
  errors: number;
  aborted: boolean;
}


function explain(scanner: AnyScanner, err: unknown): ExplainedError {
  if ((err as Error)?.name === 'AbortError') return { code: 'aborted', message: 'scan interrupted' };
  try {
    return scanner.explainError?.(err) ?? { code: (err as { code?: string })?.code ?? 'error' };
  } catch {
    return { code: 'error' };
  }
}

export async function runPipeline(input: PipelineInput, sink: PipelineSink): Promise<PipelineResult> {
  const targets: TargetProgress[] = [];
  const completed: string[] = [];
  let errors = 0;
  const listener = input.listener ?? (() => {});
  const scanDeadline = input.maxDurationMs ? Date.now() + input.maxDurationMs : Infinity;
  // A provider's window that is not a duration is a usage error before anything is sent.
  for (const run of input.runs) parseDuration((run.options as { maxDuration?: unknown } | null)?.maxDuration, `${run.scanner.name} maxDuration`);

  const base = (run: ScannerRun, t: TargetProgress) => ({
    options: run.options,
    config: input.config,
    env: input.env,
    secrets: input.secrets,
    progress: progressSink(t, listener),
    signal: input.signal,
    now: input.now,
  });

  const fail = (run: ScannerRun, t: TargetProgress, targetKey: string | null, err: unknown, operation: string) => {
    const ex = explain(run.scanner, err);
    errors++;
    t.errors++;
    sink.error({
      scanner: run.scanner.name,
      targetKey,
      level: 'error',
      operation,
      code: ex.code,
      message: ex.message ?? errorMessage(err),
      fix: ex.fix ?? null,
      resource: null,
    });
  };

  // Discovery: each scanner resolves its targets (accounts, orgs, subscriptions, paths).
  const jobs: { run: ScannerRun; target: ScanTarget }[] = [];
  await eachLimit(input.runs, input.concurrency, async (run) => {
    const d = newTargetProgress(run.scanner.name, `${run.scanner.name}:discovery`, `${run.scanner.name}: finding targets`, 'discovering');
    targets.push(d);
    listener(d, 'update');
    try {
      const found = await run.scanner.targets(base(run, d));
      const seen = new Set<string>();
      for (const target of found) {
        if (seen.has(target.key)) continue;
        seen.add(target.key);
        jobs.push({ run, target });
      }
      d.state = 'complete';
    } catch (err) {
      d.state = 'failed';
      fail(run, d, null, err, 'discover targets');
    }
    d.finishedAt = Date.now();
    listener(d, 'update');
  });

  await eachLimit(jobs, input.concurrency, async ({ run, target }) => {
    if (input.signal.aborted) return;
    const t = newTargetProgress(run.scanner.name, target.key, target.label);
    targets.push(t);
    sink.targetStarted?.(t);
    listener(t, 'update');
    const window = targetWindow(run, scanDeadline, input.maxDurationMs);
    const ctx = { ...base(run, t), target, signal: AbortSignal.any([input.signal, window.signal]) };
    try {
      if (window.signal.aborted) throw window.signal.reason;
      const consume = async () => {
        for await (const rec of run.scanner.scan(ctx) as AsyncIterable<ScanRecord>) {
          if (ctx.signal.aborted) break;
          const { problems, truncated } = checkRecord(rec);
          if (truncated.length > 0) {
            t.notes++;
            const id = (rec as { id?: unknown; identityId?: unknown }).id ?? (rec as { identityId?: unknown }).identityId;
            sink.error({
              scanner: run.scanner.name, targetKey: target.key, level: 'note', operation: 'normalize response', code: null,
              message: `shortened oversized ${truncated.join(', ')} of ${rec.type} ${String(id).slice(0, 200)} (kept; values over ${MAX_TEXT} characters are cut)`,
              fix: null, resource: null,
            });
          }
          if (problems.length > 0) {
            errors++;
            t.errors++;
            const id = (rec as { id?: unknown; identityId?: unknown })?.id ?? (rec as { identityId?: unknown })?.identityId;
            sink.error({
              scanner: run.scanner.name, targetKey: target.key, level: 'error', operation: 'normalize response', code: 'invalid-record',
              message: `skipped a malformed ${String((rec as { type?: unknown })?.type)} record${id ? ` (${String(id).slice(0, 200)})` : ''}: ${problems.join('; ')}`,
              fix: 'The provider returned data nhi could not normalize; report it with this message if it persists.',
              resource: null,
            });
            continue;
          }
          if (rec.type === 'error') {
            errors++;
            t.errors++;
            sink.error({ scanner: run.scanner.name, targetKey: target.key, level: 'error', operation: rec.operation, code: rec.code, message: rec.message, fix: rec.fix ?? null, resource: rec.resource ?? null });
            listener(t, 'log', `${rec.operation}: ${rec.code}`);
          } else if (rec.type === 'note') {
            t.notes++;
            sink.error({ scanner: run.scanner.name, targetKey: target.key, level: 'note', operation: rec.operation ?? null, code: null, message: rec.message, fix: null, resource: null });
            listener(t, 'log', rec.message);
          } else {
            t.found++;
            const behind = sink.record(rec, run.scanner.name, target);
            if (behind) await behind;
            listener(t, 'update');
          }
        }
      };
      // Ends at the window or Ctrl-C even while the scanner awaits something that ignores the signal.
      await settledOrAborted(consume(), ctx.signal);
      if (input.signal.aborted) throw Object.assign(new Error('scan interrupted'), { name: 'AbortError' });
      if (window.signal.aborted) throw window.signal.reason;
      t.state = t.errors > 0 ? 'partial' : 'complete';
      if (t.state === 'complete') completed.push(target.key);
    } catch (err) {
      if (window.signal.aborted && !input.signal.aborted) {
        // The window closed: what was read is kept; nothing read is a failed target.
        const reached = window.signal.reason as WindowReachedError;
        t.state = t.found > 0 ? 'partial' : 'failed';
        errors++;
        t.errors++;
        sink.error({
          scanner: run.scanner.name, targetKey: target.key, level: 'error', operation: `scan ${target.label}`, code: 'max-duration',
          message: `${reached.message}${t.found > 0 ? ` after ${t.found} records: in-flight requests were stopped; what was read is kept` : ' before this target was read'}`,
          fix: reached.source === 'scan'
            ? `Raise the scan's window (\`nhi scan --max-duration ${Math.ceil((reached.windowMs * 2) / 60_000)}m …\`), or scan fewer providers or targets per run.`
            : `Raise this provider's window (\`nhi scan ${run.scanner.name} --max-duration …\` or \`maxDuration\` in its config section), or scan fewer targets per run.`,
          resource: null,
        });
      } else {
        t.state = 'failed';
        fail(run, t, target.key, err, `scan ${target.label}`);
      }
    }
    window.clear();
    t.finishedAt = Date.now();
    t.waitingUntil = null;
    sink.targetFinished?.(t);
    listener(t, 'update');
  });

  return { targets, completedTargets: completed, errors, aborted: input.signal.aborted };
}

/** A target's window: the scan's deadline, or the provider's own `maxDuration` from the target's start, whichever ends first. */
function targetWindow(run: ScannerRun, scanDeadline: number, scanWindowMs: number | undefined): { signal: AbortSignal; clear(): void } {
  const own = parseDuration((run.options as { maxDuration?: unknown } | null)?.maxDuration, `${run.scanner.name} maxDuration`);
  const ownDeadline = own ? Date.now() + own : Infinity;
  const ac = new AbortController();
  if (ownDeadline === Infinity && scanDeadline === Infinity) return { signal: ac.signal, clear: () => undefined };
  const byTarget = ownDeadline < scanDeadline;
  const reason = new WindowReachedError(byTarget ? own! : scanWindowMs!, byTarget ? 'target' : 'scan');
  const ms = Math.max(0, Math.min(ownDeadline, scanDeadline) - Date.now());
  if (ms === 0) ac.abort(reason);
  const timer = ms > 0 ? setTimeout(() => ac.abort(reason), ms) : null;
  return { signal: ac.signal, clear: () => timer && clearTimeout(timer) };
}
