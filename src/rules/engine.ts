// Runs every rule over the inventory into a findings table and gives each finding its
// stable id. Rules yield finding drafts (evaluated in JS) or finding queries (evaluated
// inside SQLite in one statement); both land in the same table with the same id scheme.
import type { ResolvedConfig } from '../config/config.js';
import type { DB } from '../inventory/db.js';
import { InventoryView } from '../inventory/view.js';
import type { FindingRow } from '../inventory/rows.js';
import { FindingWriter, collectedFindings, type FindingTable } from '../inventory/findings.js';
import type { FindingDraft, FindingQuery, Rule } from './types.js';
import { computeReach, reachSettings } from '../inventory/reach-store.js';
import type { Reach } from '../reach/index.js';
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

export interface RunRulesInput {
  db: DB;
  config: ResolvedConfig;
  now: Date;
  /** Where the findings go: the inventory's table as seen by a scan, an --as-of copy, or a test collection. */
  into: FindingTable;
  rules?: Rule[];
  /** Reach over the same rows, when the caller computed (and stored) it; otherwise computed here. */
  reach?: Reach;
}

export function runRules(input: RunRulesInput): number {
  const writer = new FindingWriter(input.db, input.into, input.now);
  const reach = input.reach ?? computeReach(input.db, reachSettings(input.db, input.config), false).reach;
  // What reaches admin through a chain is admin-equivalent for every rule's judgement.
  writer.addAdmins(reach.reached('admin'));
  const inventory = new InventoryView(input.db, input.now);
  let n = 0;
  for (const rule of input.rules ?? RULES) {
    const id = rule.meta.id;
    for (const item of rule.evaluate({ inventory, config: input.config, now: input.now, reach })) {
      if ((item as FindingQuery).kind === 'query') {
        n += writer.writeQuery(id, item as FindingQuery);
        continue;
      }
      const d = item as FindingDraft;
      writer.write({
        id: findingId(id, draftSubject(d)), ruleId: id, severity: d.severity ?? rule.meta.severity, provider: d.provider,
        identityId: d.identityId ?? null, credentialId: d.credentialId ?? null, message: d.message, evidence: d.evidence,
      });
      n++;
    }
  }
  writer.finish();
  return n;
}

/** Evaluate into a temporary table and read the findings back (tests, small inventories). */
export function collectFindings(db: DB, config: ResolvedConfig, now: Date, rules?: Rule[]): FindingRow[] {
  runRules({ db, config, now, into: { table: 'collect' }, rules });
  return collectedFindings(db);
}
