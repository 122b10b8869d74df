// Runs every rule over the inventory into a findings table and gives each finding its
// stable id. Rules yield finding drafts (evaluated in JS) or finding queries (evaluated
// inside SQLite in one statement); both land in the same table with the same id scheme.
import type { ResolvedConfig } from '../config/config.js';
import type { DB } from '../inventory/db.js';
import { InventoryView } from '../inventory/view.js';
import type { FindingRow } from '../inventory/rows.js';
import { FindingWriter, attachStagedFindings, collectedFindings, copyStagedFindings, detachStagedFindings, stagedFindingsPath, type FindingTable } from '../inventory/findings.js';
import { rmSync } from 'node:fs';
import { spawnWorker } from '../workers.js';
import type { StagedFindings } from '../inventory/scan-writer.js';
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
  /** What reaches admin, without the rest of reach: for a thread that evaluates only off-thread rules. */
  admins?: { id: string }[];
}

/** Reach on a thread that was handed only the admin set: an off-thread rule that asks for more is a defect, said at once. */
const NO_REACH = new Proxy({} as Reach, {
  get(_t, key) {
    throw new Error(`reach.${String(key)} is not available to an off-thread rule: remove offThread from the rule, or judge from the admin set`);
  },
});

export function runRules(input: RunRulesInput): number {
  const writer = new FindingWriter(input.db, input.into, input.now);
  const reach = input.reach ?? (input.admins ? NO_REACH : computeReach(input.db, reachSettings(input.db, input.config), false).reach);
  // What reaches admin through a chain is admin-equivalent for every rule's judgement.
  writer.addAdmins(input.admins ?? reach.reached('admin'));
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

/** Identities from which a scan's rules run on two threads: below it, starting a thread costs more than it saves. */
export const PARALLEL_FROM = 50_000;

/** What the second thread is given (structured-cloned). */
export interface OffThreadWork {
  inventoryPath: string;
  /** The staging file it writes. */
  file: string;
  rules: string[];
  admins: string[];
  config: ResolvedConfig;
  now: string;
}

export interface StageFindingsInput {
  db: DB;
  inventoryPath: string;
  scan: number;
  config: ResolvedConfig;
  now: Date;
  reach: Reach;
  /** Identities from which to use the second thread (PARALLEL_FROM; tests lower it). */
  parallelFrom?: number;
}

/**
 * A large scan's evaluation on both cores, over the merge it committed: the off-thread rules on
 * a second thread (its own connection, writing a staging file), the others here (into a temporary
 * table), both reading the same committed snapshot. Null when the estate is too small to gain,
 * and the rules then run inside the last transaction as before. At 1M identities the rules take
 * 17.2 s instead of 23.7 s in a side-by-side run (copy 2.7 s of it).
 */
export async function stageFindings(input: StageFindingsInput): Promise<StagedFindings | null> {
  const { db } = input;
  const off = RULES.filter((r) => r.offThread);
  if (off.length === 0 || new InventoryView(db).currentIdentityCount() < (input.parallelFrom ?? PARALLEL_FROM)) return null;
  const file = stagedFindingsPath(input.inventoryPath, input.scan);
  const discard = () => rmSync(file, { force: true });
  discard();
  const work: OffThreadWork = {
    inventoryPath: input.inventoryPath, file, rules: off.map((r) => r.meta.id),
    admins: [...input.reach.reached('admin')].map((a) => a.id), config: input.config, now: input.now.toISOString(),
  };
  const worker = spawnWorker(import.meta.url, 'evaluate-worker', work);
  // Handled at once: it may settle while this thread is still evaluating, or after it failed.
  const done = new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { error?: string }) => (m.error ? reject(new Error(`rules on the second thread failed: ${m.error}`)) : resolve()));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the rules' second thread ended (exit code ${code}) before its findings were written`)));
  });
  done.catch(() => {});
  try {
    const here = RULES.filter((r) => !r.offThread);
    db.transaction(() => runRules({ db, config: input.config, now: input.now, into: { table: 'staged', schema: 'temp' }, rules: here, reach: input.reach }))();
    await done;
  } catch (err) {
    await worker.terminate();
    discard();
    throw err;
  } finally {
    // Its message came before its exit: the connection is closed, the file complete.
    await new Promise((r) => (worker.threadId === -1 ? r(null) : worker.once('exit', r)));
  }
  attachStagedFindings(db, file);
  return {
    copy: (scan) => copyStagedFindings(db, scan),
    discard: () => {
      detachStagedFindings(db);
      discard();
    },
  };
}
