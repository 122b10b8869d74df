// `nhi scan` as a service: open the inventory, stage what the scanners stream, then merge
// and evaluate rules in one transaction. Returns data; the CLI decides exit codes and output.
import type { ResolvedConfig } from '../config/config.js';
import { openInventory, type Inventory } from '../inventory/db.js';
import { ScanWriter, type FinalizeResult } from '../inventory/scan-writer.js';
import { ScanLog } from '../inventory/scan-log.js';
import { computeReach, reachSettings, rememberEnvironments, type ReachComputed } from '../inventory/reach-store.js';
import { InventoryError } from '../errors.js';
import { runRules, stageFindings } from '../rules/engine.js';
import { loadHashKey } from '../secrets/hash-key.js';
import { createProtector } from '../secrets/protect.js';
import { VERSION } from '../version.js';
import { runPipeline, type ScanError, type ScannerRun } from './pipeline.js';
import type { ProgressListener, TargetProgress } from './progress.js';

export type ScanStatus = 'complete' | 'partial' | 'failed' | 'interrupted';

export interface ScanInput {
  dbPath: string;
  runs: ScannerRun[];
  config: ResolvedConfig;
  env: Record<string, string | undefined>;
  concurrency: number;
  /** --max-duration of the whole scan. */
  maxDurationMs?: number;
  signal: AbortSignal;
  now?: Date;
  listener?: ProgressListener;
  demo?: boolean;
  /** Identities from which the rules run on two threads (PARALLEL_FROM; tests lower it to use the second thread on a small estate). */
  parallelRulesFrom?: number;
}

export interface ScanSummary {
  scanId: number;
  dbPath: string;
  status: ScanStatus;
  startedAt: string;
  durationMs: number;
  targets: TargetProgress[];
  errors: ScanError[];
  notes: ScanError[];
  counts: FinalizeResult | null;
  /**
   * An interrupt arrived while the merge was committing (one synchronous transaction, which a signal
   * cannot stop halfway): the scan was committed whole, and says so.
   */
  interruptedWhileCommitting?: boolean;
}

export async function runScan(input: ScanInput): Promise<ScanSummary> {
  const inv = openInventory(input.dbPath, { create: true });
  try {
    return await scanInto(inv, input);
  } finally {
    inv.close();
  }
}

async function scanInto(inv: Inventory, input: ScanInput): Promise<ScanSummary> {
  const { db } = inv;
  const key = loadHashKey(inv, input.env);
  const now = input.now ?? new Date();
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const log = new ScanLog(db);
  refuseMixedEstates(inv.path, log, !!input.demo);
  const scanId = log.begin(input.runs.map((r) => r.scanner.name), VERSION, !!input.demo);
  const writer = new ScanWriter(inv, scanId);
  writer.open();
  const errors: ScanError[] = [];
  const notes: ScanError[] = [];
  let result;
  try {
    result = await runPipeline(
      {
        runs: input.runs,
        config: input.config,
        env: input.env,
        secrets: createProtector(key),
        concurrency: input.concurrency,
        maxDurationMs: input.maxDurationMs,
        signal: input.signal,
        now,
        listener: input.listener,
      },
      {
        record: (rec, _scanner, target) => writer.add(rec, target.key),
        error: (e) => {
          (e.level === 'error' ? errors : notes).push(e);
          log.error(scanId, e);
        },
        targetStarted: (t) => log.targetStarted(scanId, { scanner: t.scanner, targetKey: t.targetKey, label: t.label, startedAt: new Date(t.startedAt).toISOString() }),
        targetFinished: (t) => {
          const status = t.state === 'discovering' || t.state === 'running' ? 'failed' : t.state;
          log.targetFinished(scanId, t.scanner, t.targetKey, { status, records: t.found, apiCalls: t.apiCalls, retries: t.retries, errors: t.errors });
        },
      },
    );
  } catch (err) {
    writer.close();
    log.end(scanId, 'failed');
    throw err;
  }
  const scanTargets = result.targets.filter((t) => t.state !== 'discovering');
  if (result.aborted) {
    writer.close();
    log.end(scanId, 'interrupted');
    return { scanId, dbPath: inv.path, status: 'interrupted', startedAt, durationMs: Date.now() - t0, targets: result.targets, errors, notes, counts: null };
  }
  // Finding targets is not reading them: a scan whose every target failed read nothing.
  const anyRead = scanTargets.some((t) => !t.targetKey.endsWith(':discovery') && (t.state === 'complete' || t.state === 'partial'));
  const status: ScanStatus = result.errors === 0 && anyRead ? 'complete' : anyRead ? 'partial' : 'failed';
  let reach: ReachComputed | undefined;
  const counts = await writer.finalize({
    completedTargets: result.completedTargets,
    status,
    evaluatedAt: now.toISOString(),
    reach: () => {
      rememberEnvironments(db, input.config.environments);
      reach = computeReach(db, reachSettings(db, input.config), true);
      return reach.edges;
    },
    evaluate: (scan) => runRules({ db, config: input.config, now, into: { table: 'findings', scan }, reach: reach?.reach }),
    stage: async (scan) =>
      reach ? stageFindings({ db, inventoryPath: inv.path, scan, config: input.config, now, reach: reach.reach, parallelFrom: input.parallelRulesFrom }) : null,
  });
  // A signal that came during the synchronous merge is handled in the event loop's next poll phase:
  // two turns through the check phase get past it. An abort seen then came during the commit.
  await new Promise((r) => setImmediate(() => setImmediate(r)));
  const interruptedWhileCommitting = input.signal.aborted;
  return { scanId, dbPath: inv.path, status, startedAt, durationMs: Date.now() - t0, targets: result.targets, errors, notes, counts, interruptedWhileCommitting };
}

/**
 * A demo inventory holds a fictional estate: real scans merged into it would sit beside the demo's
 * findings forever (and the reverse would bury real ones). One inventory is one or the other.
 */
function refuseMixedEstates(path: string, log: ScanLog, demo: boolean): void {
  const k = log.kinds();
  if (!demo && k.demo > 0) {
    throw new InventoryError(
      `${path} is a demo inventory (${k.demo} demo scan(s)); a real scan would mix its findings with the demo's fictional ones`,
      'Scan into another file (`--db nhi-real.db`, or NHI_DB), or delete the demo inventory first (it holds nothing real).',
    );
  }
  if (demo && k.real > 0) {
    throw new InventoryError(`${path} holds ${k.real} real scan(s); the demo will not write into it`, 'Pass another file with --db, e.g. `nhi scan --demo --db demo.db`.');
  }
}
