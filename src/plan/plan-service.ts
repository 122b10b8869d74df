// `nhi plan` as a service: read the latest scan's open findings (suppressions applied), build the
// plan, record its steps, and judge every recorded step against the latest scan.
import { reachSettings } from '../inventory/reach-store.js';
import type { ResolvedConfig } from '../config/config.js';
import { openInventory, type DB } from '../inventory/db.js';
import { PlanStore, type StoredStep } from '../inventory/plans.js';
import { ScanLog } from '../inventory/scan-log.js';
import { openReport } from '../report/report-service.js';
import { buildPlan, type Plan } from './build-plan.js';
import { DEFAULT_OBSERVE_DAYS, trackSteps, type ScanClock } from './track-steps.js';

export interface PlanInput {
  dbPath: string;
  config: ResolvedConfig;
  observeDays?: number;
}

function suppressedIds(dbPath: string, config: ResolvedConfig): Set<string> {
  const report = openReport({ dbPath, config });
  try {
    const out = new Set<string>();
    for (const f of report.findings({ includeSuppressed: true })) if (f.status === 'suppressed') out.add(f.id);
    return out;
  } finally {
    report.close();
  }
}

function clockOf(log: ScanLog, path: string): ScanClock {
  const latest = log.latestEvaluatedOrRefuse(path);
  return { scan: latest.id, at: new Date(latest.evaluatedAt ?? latest.startedAt) };
}

/** Build the plan from the latest scan, record it, and return it with every step's progress. */
export function runPlan(input: PlanInput): { plan: Plan; steps: StoredStep[] } {
  const inv = openInventory(input.dbPath);
  try {
    const excluded = suppressedIds(input.dbPath, input.config);
    const clock = clockOf(new ScanLog(inv.db), inv.path);
    const plan = buildPlan(inv.db, clock.scan, { now: clock.at, excluded, recentDays: input.observeDays ?? DEFAULT_OBSERVE_DAYS, reach: reachSettings(inv.db, input.config) });
    trackSteps(inv.db, clock, input.observeDays);
    new PlanStore(inv.db).propose(plan.identities.flatMap((p) => p.steps), clock.scan);
    const steps = trackSteps(inv.db, clock, input.observeDays);
    return { plan, steps };
  } finally {
    inv.close();
  }
}

/** Judge recorded steps against the latest scan. */
export function planStatus(input: PlanInput): { scan: number; steps: StoredStep[] } {
  const inv = openInventory(input.dbPath);
  try {
    const clock = clockOf(new ScanLog(inv.db), inv.path);
    return { scan: clock.scan, steps: trackSteps(inv.db, clock, input.observeDays) };
  } finally {
    inv.close();
  }
}

/** The latest scan number, for the script's "inventory changed since" check. */
export function latestScanId(dbPath: string): number | null {
  const inv = openInventory(dbPath, { readonly: true });
  try {
    return new ScanLog(inv.db).latest()?.id ?? null;
  } finally {
    inv.close();
  }
}

/** Steps whose state changed in scans after `from` up to `to` (for `nhi diff`); empty when no plan was recorded. */
export function stepsChanged(db: DB, from: number, to: number): StoredStep[] {
  const store = new PlanStore(db);
  return store.hasPlanTable() ? store.stepsChangedBetween(from, to) : [];
}

/** The lines `nhi diff` prints for them. */
export function stepLines(steps: StoredStep[]): string[] {
  if (!steps.length) return [];
  return ['', `plan steps: ${steps.filter((s) => s.state === 'done').length} completed, ${steps.length} changed state`, ...steps.slice(0, 25).map((s) => `  ${s.state === 'done' ? '✔' : '~'} ${s.id} → ${s.state} (${s.ownerGroup})`)];
}

/** After a scan: judge the recorded steps against it (nothing to do when no plan was recorded). */
export function trackAfterScan(dbPath: string, observeDays?: number): void {
  const inv = openInventory(dbPath);
  try {
    if (!new PlanStore(inv.db).hasSteps()) return;
    trackSteps(inv.db, clockOf(new ScanLog(inv.db), inv.path), observeDays);
  } finally {
    inv.close();
  }
}
