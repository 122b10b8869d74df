// Shadow deprovisioning across scans: each recorded step is judged against the latest snapshot.
// Disabled and quiet for observeDays → ready to delete; disabled then used again or re-enabled →
// something depends on it; the subject gone, or every finding behind the step resolved → done.
import type { DB } from '../inventory/db.js';
import { PlanStore, type Judgement, type StoredStep, type SubjectState } from '../inventory/plans.js';

export const DEFAULT_OBSERVE_DAYS = 30;

export interface ScanClock {
  scan: number;
  /** The scan's evaluation time: the demo's day 30 is 30 days after its day 0. */
  at: Date;
}

/** The next state of one step, given what the latest scan shows. Pure: the tests drive it directly too. */
export function nextState(step: StoredStep, subject: SubjectState | null, findingsOpen: boolean, clock: ScanClock, observeDays: number): Judgement {
  const j: Judgement = {
    state: step.state,
    stateScan: step.stateScan,
    disabledScan: step.disabledScan,
    disabledAt: step.disabledAt,
    usedAtDisable: step.usedAtDisable,
    judgedScan: clock.scan,
    doneScan: step.doneScan,
  };
  const set = (state: Judgement['state']) => {
    if (state !== j.state) {
      j.state = state;
      j.stateScan = clock.scan;
      if (state === 'done') j.doneScan = clock.scan;
    }
    return j;
  };
  if (!subject || subject.gone) return set('done');
  if (step.state === 'done') return j;
  if (!step.shadow) return set(findingsOpen ? 'not-started' : 'done');
  if (step.state === 'investigate') return j;
  const wasDisabled = step.disabledScan !== null;
  if (wasDisabled) {
    const usedSince = subject.lastUsedAt !== null && (step.usedAtDisable === null || subject.lastUsedAt > step.usedAtDisable);
    if (!subject.disabled || usedSince) return set('investigate');
    const quietDays = (clock.at.getTime() - Date.parse(step.disabledAt ?? clock.at.toISOString())) / 86_400_000;
    return set(quietDays >= observeDays ? 'ready-to-delete' : 'observing');
  }
  if (subject.disabled) {
    j.disabledScan = clock.scan;
    j.disabledAt = clock.at.toISOString();
    j.usedAtDisable = subject.lastUsedAt;
    return set(observeDays <= 0 ? 'ready-to-delete' : 'observing');
  }
  return set(findingsOpen ? 'not-started' : 'done');
}

/** Judge every recorded step not yet judged against this scan, and store the result. */
export function trackSteps(db: DB, clock: ScanClock, observeDays = DEFAULT_OBSERVE_DAYS): StoredStep[] {
  const store = new PlanStore(db);
  const out: StoredStep[] = [];
  db.transaction(() => {
    for (const step of store.steps()) {
      if (step.judgedScan !== null && step.judgedScan >= clock.scan) {
        out.push(step);
        continue;
      }
      const j = nextState(step, store.subject(step), step.findings.some((f) => store.findingOpen(f)), clock, observeDays);
      store.judge(step.id, j);
      out.push({ ...step, ...j });
    }
  })();
  return out;
}
