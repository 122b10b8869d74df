// The SQL behind `nhi plan`, `nhi plan status`, baselines and the steps `nhi diff` shows: open
// findings with their subjects, the recorded steps, and what the latest snapshot says of a subject.
import type { DB } from './db.js';
import { SELECT, hydrate, type CredentialRow } from './rows.js';
import type { Severity } from '../model/records.js';

export type StepState = 'not-started' | 'observing' | 'ready-to-delete' | 'investigate' | 'done';
export const STEP_STATES: readonly StepState[] = ['not-started', 'observing', 'ready-to-delete', 'investigate', 'done'];

export interface OpenFinding {
  id: string;
  ruleId: string;
  severity: Severity;
  identityId: string | null;
  credentialId: string | null;
  message: string;
}


export interface ProposedStep {
  id: string;
  identityId: string;
  credentialId: string | null;
  action: string;
  ownerGroup: string;
  reason: string;
  command: string;
  shadow: boolean;
  findings: string[];
}

/** A step as stored: what was proposed, and what the scans since say about it. */
export interface StoredStep extends ProposedStep {
  proposedScan: number;
  state: StepState;
  stateScan: number | null;
  disabledScan: number | null;
  disabledAt: string | null;
  usedAtDisable: string | null;
  judgedScan: number | null;
  doneScan: number | null;
}

/** A step's subject as the latest snapshot has it. */
export interface SubjectState {
  gone: boolean;
  /** Inactive key, disabled identity. */
  disabled: boolean;
  lastUsedAt: string | null;
}

export interface Judgement {
  state: StepState;
  stateScan: number | null;
  disabledScan: number | null;
  disabledAt: string | null;
  usedAtDisable: string | null;
  judgedScan: number;
  doneScan: number | null;
}

const STEP_COLUMNS = `id, identity_id AS identityId, credential_id AS credentialId, action, owner_group AS ownerGroup, reason, command, shadow, findings,
  proposed_scan AS proposedScan, state, state_scan AS stateScan, disabled_scan AS disabledScan, disabled_at AS disabledAt,
  used_at_disable AS usedAtDisable, judged_scan AS judgedScan, done_scan AS doneScan`;

function toStep(r: Record<string, unknown>): StoredStep {
  return { ...(r as unknown as StoredStep), shadow: r.shadow === 1, findings: JSON.parse(r.findings as string) as string[] };
}

export class PlanStore {
  constructor(private readonly db: DB) {}

  /** Open findings, worst first (suppressions are applied by the caller). */
  openFindings(): OpenFinding[] {
    return this.db
      .prepare(
        `SELECT id, rule_id AS ruleId, severity, identity_id AS identityId, credential_id AS credentialId, message FROM findings
         WHERE resolved_scan IS NULL ORDER BY id`,
      )
      .all() as OpenFinding[];
  }

  /** Ids of the findings open as of scan N (seen by then and not resolved by then). */
  openFindingIdsAt(scan: number): Set<string> {
    const ids = this.db
      .prepare('SELECT id FROM findings WHERE first_seen_scan <= ? AND (resolved_scan IS NULL OR resolved_scan > ?)')
      .pluck()
      .all(scan, scan) as string[];
    return new Set(ids);
  }

  /** The evidence of findings (plans read it for the few steps whose command depends on it). */
  evidenceOf(ids: string[]): Record<string, unknown>[] {
    const get = this.db.prepare('SELECT evidence FROM findings WHERE id = ?').pluck();
    return ids.map((id) => get.get(id) as string | null | undefined).filter((e): e is string => !!e).map((e) => JSON.parse(e) as Record<string, unknown>);
  }

  credential(id: string): CredentialRow | undefined {
    const r = this.db.prepare(`SELECT ${SELECT.credentials} FROM credentials WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    return r ? hydrate<CredentialRow>('credentials', r) : undefined;
  }

  /** Current credentials of an identity. */
  credentialsOf(identityId: string): CredentialRow[] {
    return (this.db.prepare(`SELECT ${SELECT.credentials} FROM credentials WHERE identity_id = ? AND gone_scan IS NULL ORDER BY id`).all(identityId) as Record<string, unknown>[]).map(
      (r) => hydrate<CredentialRow>('credentials', r),
    );
  }

  /** Current CI secrets whose key id is one of this identity's keys: the pipelines that would break. */
  ciSecretsHolding(keyIds: string[]): CredentialRow[] {
    if (!keyIds.length) return [];
    return (
      this.db
        .prepare(`SELECT ${SELECT.credentials} FROM credentials WHERE kind = 'ci_secret' AND gone_scan IS NULL AND key_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
        .all(JSON.stringify(keyIds)) as Record<string, unknown>[]
    ).map((r) => hydrate<CredentialRow>('credentials', r));
  }

  /** The step's subject in the latest snapshot; null when the inventory never held it. */
  subject(step: { identityId: string; credentialId: string | null }): SubjectState | null {
    if (step.credentialId) {
      const c = this.db.prepare('SELECT gone_scan AS gone, status, last_used_at AS lastUsedAt FROM credentials WHERE id = ?').get(step.credentialId) as
        | { gone: number | null; status: string; lastUsedAt: string | null }
        | undefined;
      return c ? { gone: c.gone !== null, disabled: c.status === 'inactive' || c.status === 'expired', lastUsedAt: c.lastUsedAt } : null;
    }
    const i = this.db.prepare('SELECT gone_scan AS gone, disabled, last_used_at AS lastUsedAt FROM identities WHERE id = ?').get(step.identityId) as
      | { gone: number | null; disabled: number; lastUsedAt: string | null }
      | undefined;
    return i ? { gone: i.gone !== null, disabled: i.disabled === 1, lastUsedAt: i.lastUsedAt } : null;
  }

  /** Record what a plan proposes; a step proposed before keeps its history. */
  propose(steps: ProposedStep[], scan: number): void {
    const upsert = this.db.prepare(
      `INSERT INTO plan_steps (id, identity_id, credential_id, action, owner_group, reason, command, shadow, findings, proposed_scan)
       VALUES (@id, @identityId, @credentialId, @action, @ownerGroup, @reason, @command, @shadow, @findings, @scan)
       ON CONFLICT (id) DO UPDATE SET owner_group = excluded.owner_group, reason = excluded.reason, command = excluded.command, findings = excluded.findings`,
    );
    this.db.transaction(() => {
      for (const s of steps) upsert.run({ ...s, shadow: s.shadow ? 1 : 0, findings: JSON.stringify(s.findings), scan });
    })();
  }

  steps(): StoredStep[] {
    return (this.db.prepare(`SELECT ${STEP_COLUMNS} FROM plan_steps ORDER BY owner_group, identity_id, id`).all() as Record<string, unknown>[]).map(toStep);
  }

  judge(id: string, j: Judgement): void {
    this.db
      .prepare(
        `UPDATE plan_steps SET state = @state, state_scan = @stateScan, disabled_scan = @disabledScan, disabled_at = @disabledAt,
           used_at_disable = @usedAtDisable, judged_scan = @judgedScan, done_scan = @doneScan WHERE id = @id`,
      )
      .run({ ...j, id });
  }

  /** Whether a finding is still open. */
  findingOpen(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM findings WHERE id = ? AND resolved_scan IS NULL').get(id) !== undefined;
  }

  /** Steps whose state changed in a scan after `from` up to `to`, for `nhi diff`. */
  stepsChangedBetween(from: number, to: number): StoredStep[] {
    return (
      this.db.prepare(`SELECT ${STEP_COLUMNS} FROM plan_steps WHERE state_scan > ? AND state_scan <= ? ORDER BY owner_group, id`).all(from, to) as Record<string, unknown>[]
    ).map(toStep);
  }

  hasSteps(): boolean {
    return this.hasPlanTable() && this.db.prepare('SELECT 1 FROM plan_steps LIMIT 1').get() !== undefined;
  }

  hasPlanTable(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plan_steps'").get() !== undefined;
  }
}
