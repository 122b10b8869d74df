// Runs every rule over the inventory into a findings table and gives each finding its
// stable id. Rules yield finding drafts (evaluated in JS) or finding queries (evaluated
// inside SQLite in one statement); both land in the same table with the same id scheme.
import type { ResolvedConfig } from '../config/config.js';
import type { DB } from '../inventory/db.js';
import { InventoryView } from '../inventory/view.js';
import type { FindingRow } from '../inventory/rows.js';
import { existedByCutoff, julianDay, type FindingDraft, type FindingQuery, type Rule } from './types.js';
import { RULES } from './index.js';

/**
 * Stable finding id: `<rule>:<subject>`, where the subject is the credential id for a finding about
 * a credential, otherwise the identity id, plus `#<discriminator>` when one rule flags one subject
 * more than once. Readable (a suppression or a grep can use it) and built in SQL by the same
 * expression as in JS: a per-finding hash callback cost more than the rest of a rule query.
 */
export function findingId(ruleId: string, subject: string): string {
  return `${ruleId}:${subject}`;
}

function draftSubject(d: FindingDraft): string {
  return d.subject ?? (d.credentialId ?? d.identityId ?? '') + (d.discriminator ? `#${d.discriminator}` : '');
}

function querySubject(q: FindingQuery): string {
  return `coalesce(${q.credentialId ?? 'NULL'}, ${q.identityId}, '') || coalesce('#' || (${q.discriminator ?? 'NULL'}), '')`;
}

/** The columns a findings table must have (findings, temp.asof_findings). */
export const FINDING_COLUMNS = 'id, rule_id, severity, provider, identity_id, credential_id, message, evidence';

export interface RunRulesInput {
  db: DB;
  config: ResolvedConfig;
  now: Date;
  /** Table to write findings into, with FINDING_COLUMNS and a unique id (a repeated id replaces the earlier row). */
  into: string;
  /**
   * Scan number when `into` is the inventory's findings table: findings are upserted in place,
   * keeping first_seen_scan and setting last_seen_scan (the caller resolves what was not seen).
   */
  scan?: number;
  rules?: Rule[];
}

export function runRules(input: RunRulesInput): number {
  const { db, into, scan } = input;
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS nhi_admins (id TEXT PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM temp.nhi_admins;
    INSERT OR IGNORE INTO temp.nhi_admins SELECT identity_id FROM grants WHERE privilege = 'admin' AND gone_scan IS NULL;`);
  const inventory = new InventoryView(db, input.now);
  // Into the inventory: an upsert that keeps the finding's history; elsewhere, or into an empty
  // findings table (a first scan, its indexes dropped until the end), last one wins.
  const history = scan !== undefined && Boolean(db.prepare(`SELECT EXISTS (SELECT 1 FROM ${into}) AS n`).pluck().get());
  const cols = scan === undefined ? FINDING_COLUMNS : `${FINDING_COLUMNS}, first_seen_scan, last_seen_scan, resolved_scan`;
  const extra = scan === undefined ? '' : ', @scan, @scan, NULL';
  const verb = history ? 'INSERT' : 'INSERT OR REPLACE';
  const upsert = history
    ? ` ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, provider = excluded.provider, identity_id = excluded.identity_id,
          credential_id = excluded.credential_id, message = excluded.message, evidence = excluded.evidence,
          last_seen_scan = excluded.last_seen_scan, resolved_scan = NULL`
    : '';
  const ins = db.prepare(`${verb} INTO ${into} (${cols}) VALUES (?,?,?,?,?,?,?,?${extra})${upsert}`);
  const scanParam = scan === undefined ? {} : { scan };
  const nowIso = input.now.toISOString();
  const nowJd = julianDay(input.now);
  const existedBy = existedByCutoff(input.now);
  let n = 0;
  for (const rule of input.rules ?? RULES) {
    const id = rule.meta.id;
    for (const item of rule.evaluate({ inventory, config: input.config, now: input.now })) {
      if ((item as FindingQuery).kind === 'query') {
        const q = item as FindingQuery;
        // The outer SELECT … WHERE true keeps SQLite from reading ON CONFLICT as part of a join.
        n += db
          .prepare(
            `${verb} INTO ${into} (${cols})
             SELECT * FROM (SELECT @rule || ':' || ${querySubject(q)}, @rule, ${q.severity}, ${q.provider}, ${q.identityId}, ${q.credentialId ?? 'NULL'},
               ${q.message}, ${q.evidence}${extra} ${q.from}) WHERE true${upsert}`,
          )
          .run({ ...(q.params ?? {}), now: nowIso, nowJd, existedBy, rule: id, ...scanParam }).changes;
        continue;
      }
      const d = item as FindingDraft;
      ins.run(findingId(id, draftSubject(d)), id, d.severity ?? rule.meta.severity, d.provider, d.identityId ?? null, d.credentialId ?? null, d.message, JSON.stringify(d.evidence), scanParam);
      n++;
    }
  }
  return n;
}

/** Evaluate into a temporary table and read the findings back (tests, small inventories). */
export function collectFindings(db: DB, config: ResolvedConfig, now: Date, rules?: Rule[]): FindingRow[] {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS nhi_collect (id TEXT PRIMARY KEY, rule_id, severity, provider, identity_id, credential_id, message, evidence); DELETE FROM temp.nhi_collect;`);
  runRules({ db, config, now, into: 'temp.nhi_collect', rules });
  return (db.prepare(`SELECT ${FINDING_COLUMNS} FROM temp.nhi_collect ORDER BY rule_id, id`).all() as Record<string, unknown>[]).map((r) => ({
    id: r.id as string,
    ruleId: r.rule_id as string,
    severity: r.severity as FindingRow['severity'],
    provider: r.provider as FindingRow['provider'],
    identityId: (r.identity_id as string | null) ?? null,
    credentialId: (r.credential_id as string | null) ?? null,
    message: r.message as string,
    evidence: JSON.parse(r.evidence as string) as Record<string, unknown>,
  }));
}
