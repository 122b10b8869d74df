// The rule contract: metadata beside the logic, validated at load (./metadata.ts).
import type { Provider, Severity } from '../model/records.js';
import type { ResolvedConfig } from '../config/config.js';
import type { InventoryView } from '../inventory/view.js';
import type { Reach } from '../reach/index.js';

/** OWASP Non-Human Identities Top 10 (2025). */
export const OWASP_NHI = {
  NHI1: 'Improper Offboarding',
  NHI2: 'Secret Leakage',
  NHI3: 'Vulnerable Third-Party NHI',
  NHI4: 'Insecure Authentication',
  NHI5: 'Overprivileged NHI',
  NHI6: 'Insecure Cloud Deployment Configurations',
  NHI7: 'Long-Lived Secrets',
  NHI8: 'Environment Isolation',
  NHI9: 'NHI Reuse',
  NHI10: 'Human Use of NHI',
} as const;
export type OwaspNhiId = keyof typeof OWASP_NHI;

export interface RuleMeta {
  /** Equal to the rule's file name (src/rules/<id>.ts). */
  id: string;
  title: string;
  /** Default severity; a finding may raise or lower it with a reason in its evidence. */
  severity: Severity;
  owasp: OwaspNhiId[];
  /** What the rule flags, in one or two sentences. */
  description: string;
  /** Why it matters. */
  risk: string;
  /** What to do about it. */
  remediation: string;
  references: string[];
  /** Thresholds the rule reads from config, for `nhi rules`. */
  thresholds?: string[];
}

export interface RuleContext {
  inventory: InventoryView;
  config: ResolvedConfig;
  /** The evaluation clock (`--as-of` or now). */
  now: Date;
  /** Who can become whom over the current inventory, and what each identity reaches (src/reach). */
  reach: Reach;
}

export interface FindingDraft {
  provider: Provider | null;
  identityId?: string | null;
  credentialId?: string | null;
  /** Distinguishes two findings of one rule on one subject (a trust principal). */
  discriminator?: string;
  /**
   * What the finding id is derived from, when not identity + credential + discriminator: a leak keeps
   * its id when a later scan ties it to a live identity.
   */
  subject?: string;
  severity?: Severity;
  message: string;
  evidence: Record<string, unknown>;
}

export type { FindingQuery } from '../inventory/findings.js';
import type { FindingQuery } from '../inventory/findings.js';

export interface Rule {
  meta: RuleMeta;
  evaluate(ctx: RuleContext): Iterable<FindingDraft | FindingQuery>;
  /**
   * At scale, evaluated on a second thread while the others run (src/rules/engine.ts): for rules
   * that read only the inventory and the admin set (joinAdmins), never `ctx.reach`.
   */
  offThread?: true;
}

/**
 * SQL: a LEFT JOIN of the admin-equivalent identities (the engine fills temp.nhi_admins first);
 * `admin.id IS NOT NULL` is then a column read. SQLite inlines a subquery's named columns at every
 * use, so an `IN temp.nhi_admins` column used by severity, message and evidence probed three times.
 */
export function joinAdmins(idExpr: string): string {
  return `LEFT JOIN temp.nhi_admins admin ON admin.id = ${idExpr}`;
}

export { existedByCutoff, julianDay, sqlDays } from '../inventory/judgements.js';

/** SQL: the row (table alias) existed at the evaluation clock. */
export function sqlExisted(alias: string): string {
  return `(${alias}.created_at IS NULL OR ${alias}.created_at <= @existedBy)`;
}


/**
 * The timestamp before which something is more than `days` whole days old at `now` (`col <= it`
 * is sqlDays(col) > days): a text comparison, where sqlDays parses every row's date.
 */
export function olderThan(now: Date, days: number): string {
  return new Date(now.getTime() - (days + 1) * DAY_MS).toISOString();
}

/** SQL: a JSON boolean from a condition, for json_object(). json() of a constant runs once per statement, not per row. */
export function sqlBool(cond: string): string {
  return `CASE WHEN ${cond} THEN json('true') ELSE json('false') END`;
}

export const DAY_MS = 86_400_000;

/**
 * SQL: a subquery whose columns are computed once per row. A plain subquery is flattened into the
 * finding's SELECT, and each of its columns is recomputed wherever the WHERE, severity, message
 * and evidence use it (a date parsed, an attribute extracted, three or four times a row); with a
 * LIMIT, SQLite runs it as a co-routine that hands each row over computed (long-lived at 1M:
 * 2.90 -> 2.74 s).
 */
export function computedOnce(select: string): string {
  return `(${select} LIMIT -1)`;
}
