// Runs every rule over the inventory into a findings table and gives each finding its
// stable id. Rules yield finding drafts (evaluated in JS) or finding queries (evaluated
// inside SQLite in one statement); both land in the same table with the same id scheme.
import type { ResolvedConfig } from '../config/config.js';
import type { DB } from '../inventory/db.js';
import { InventoryView } from '../inventory/view.js';
import type { FindingRow } from '../inventory/rows.js';
import type { FindingDraft, FindingQuery, Rule } from './types.js';
import { RULES } from './index.js';
import { stableHash } from '../model/ids.js';

const SEP = '\u001f';

/** Stable finding id: rule + subject, so a finding keeps its id (and suppressions) across rescans. */
export function findingId(ruleId: string, subject: string): string {
  return `${ruleId}/${stableHash(subject)}`;
}

function draftSubject(d: FindingDraft): string {
  return d.subject ?? [d.identityId ?? '', d.credentialId ?? '', d.discriminator ?? ''].join(SEP);
}

/** The columns a findings table must have (stage.findings, temp.asof_findings). */
export const FINDING_COLUMNS = 'id, rule_id, severity, provider, identity_id, credential_id, message, evidence';

export interface RunRulesInput {
  db: DB;
  config: ResolvedConfig;
  now: Date;
  /** Table to insert findings into, with FINDING_COLUMNS. */
  into: string;
  rules?: Rule[];
}

export function runRules(input: RunRulesInput): number {
  const { db, into } = input;
  db.function('nhi_finding_id', { deterministic: true }, (rule: unknown, subject: unknown) => findingId(String(rule), String(subject)));
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS nhi_admins (id TEXT PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM temp.nhi_admins;
    INSERT OR IGNORE INTO temp.nhi_admins SELECT identity_id FROM grants WHERE privilege = 'admin' AND gone_scan IS NULL;`);
  const inventory = new InventoryView(db);
  const ins = db.prepare(`INSERT INTO ${into} (${FINDING_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)`);
  const nowIso = input.now.toISOString();
  let n = 0;
  for (const rule of input.rules ?? RULES) {
    const id = rule.meta.id;
    for (const item of rule.evaluate({ inventory, config: input.config, now: input.now })) {
      if ((item as FindingQuery).kind === 'query') {
        const q = item as FindingQuery;
        const subject = `coalesce(${q.identityId}, '') || char(31) || coalesce(${q.credentialId ?? 'NULL'}, '') || char(31) || coalesce(${q.discriminator ?? 'NULL'}, '')`;
        n += db
          .prepare(
            `INSERT INTO ${into} (${FINDING_COLUMNS})
             SELECT nhi_finding_id(@rule, ${subject}), @rule, ${q.severity}, ${q.provider}, ${q.identityId}, ${q.credentialId ?? 'NULL'}, ${q.message}, ${q.evidence}
             ${q.from}`,
          )
          .run({ ...(q.params ?? {}), now: nowIso, rule: id }).changes;
        continue;
      }
      const d = item as FindingDraft;
      ins.run(findingId(id, draftSubject(d)), id, d.severity ?? rule.meta.severity, d.provider, d.identityId ?? null, d.credentialId ?? null, d.message, JSON.stringify(d.evidence));
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
