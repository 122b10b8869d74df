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
    const ctx = { ...base(run, t), target };
    try {
      for await (const rec of run.scanner.scan(ctx) as AsyncIterable<ScanRecord>) {
        if (input.signal.aborted) break;
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
      if (input.signal.aborted) throw Object.assign(new Error('scan interrupted'), { name: 'AbortError' });
      t.state = t.errors > 0 ? 'partial' : 'complete';
      if (t.state === 'complete') completed.push(target.key);
    } catch (err) {
      t.state = 'failed';
      fail(run, t, target.key, err, `scan ${target.label}`);
    }
    t.finishedAt = Date.now();
    t.waitingUntil = null;
    sink.targetFinished?.(t);
    listener(t, 'update');
  });

  return { targets, completedTargets: completed, errors, aborted: input.signal.aborted };
}
