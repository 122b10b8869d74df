// Suggested owners: after each merge, every identity without a declared owner gets its strongest
// current owner candidate (owner_candidates) as `suggested_owner`, with the sentence that says why.
import type { DB } from './db.js';
import { FOUND_SECRET_SQL } from '../model/records.js';
import { SELECT, hydrate, type OwnerCandidateRow } from './rows.js';

/**
 * Candidates per identity. A leak's author is filed under `key:<key id>` (the repository scanner does
 * not know whose key it is): it counts for the identity holding the live key with that id.
 */
const CANDIDATES = `SELECT coalesce(c.identity_id, oc.identity_id) AS identity_id, oc.person, oc.evidence, oc.confidence, oc.at, oc.departed
  FROM owner_candidates oc
  LEFT JOIN credentials c ON oc.identity_id LIKE 'key:%' AND c.key_id = substr(oc.identity_id, 5)
    AND c.identity_id IS NOT NULL AND c.kind NOT IN ${FOUND_SECRET_SQL} AND c.gone_scan IS NULL
  WHERE oc.gone_scan IS NULL`;

/** Strongest first; between equals, the earliest event (the creator before later editors). */
const RANKED = `SELECT identity_id, person, evidence,
    row_number() OVER (PARTITION BY identity_id ORDER BY confidence DESC, at ASC, person ASC) AS rn
  FROM (${CANDIDATES})`;

export function resolveSuggestedOwners(db: DB): void {
  // Candidates are never deleted (only marked gone): an empty table means nothing was ever suggested.
  if (!(db.prepare('SELECT EXISTS (SELECT 1 FROM owner_candidates) AS n').get() as { n: number }).n) return;
  db.exec('UPDATE identities SET suggested_owner = NULL, suggested_owner_evidence = NULL WHERE suggested_owner IS NOT NULL OR suggested_owner_evidence IS NOT NULL');
  db.exec(`UPDATE identities SET suggested_owner = b.person, suggested_owner_evidence = b.evidence
    FROM (${RANKED}) b WHERE b.rn = 1 AND b.identity_id = identities.id AND identities.owner IS NULL`);
}

/** Every current candidate of an identity (its own, and the authors of leaks of its keys), strongest first. */
export function ownerCandidatesOf(db: DB, identityId: string): OwnerCandidateRow[] {
  const rows = db
    .prepare(
      `SELECT ${SELECT.owner_candidates} FROM owner_candidates
       WHERE gone_scan IS NULL AND (identity_id = @id OR identity_id IN (
         SELECT 'key:' || key_id FROM credentials WHERE identity_id = @id AND key_id IS NOT NULL AND kind NOT IN ${FOUND_SECRET_SQL}))
       ORDER BY confidence DESC, at ASC, person ASC`,
    )
    .all({ id: identityId }) as Record<string, unknown>[];
  return rows.map((r) => hydrate<OwnerCandidateRow>('owner_candidates', r));
}

/** SQL: ids of identities with a departed person among their current candidates (none when no scan read owners). */
export const SQL_IDS_WITH_DEPARTED = `SELECT identity_id FROM owner_candidates WHERE departed = 1 AND gone_scan IS NULL
  UNION SELECT c.identity_id FROM owner_candidates oc JOIN credentials c ON c.key_id = substr(oc.identity_id, 5)
    WHERE oc.identity_id LIKE 'key:%' AND oc.departed = 1 AND oc.gone_scan IS NULL AND c.identity_id IS NOT NULL AND c.kind NOT IN ${FOUND_SECRET_SQL}`;

/**
 * SQL for rules: the strongest departed candidate of an identity (alias) who is its owner (declared, by
 * person or login, or suggested), as json_object(person, evidence); null when there is none.
 */
export function sqlDepartedOwner(alias: string): string {
  return `(SELECT json_object('person', oc.person, 'evidence', oc.evidence) FROM owner_candidates oc WHERE oc.gone_scan IS NULL AND oc.departed = 1
     AND (oc.identity_id = ${alias}.id OR oc.identity_id IN (SELECT 'key:' || k.key_id FROM credentials k WHERE k.identity_id = ${alias}.id AND k.key_id IS NOT NULL AND k.kind NOT IN ${FOUND_SECRET_SQL}))
     AND (lower(oc.person) IN (lower(coalesce(${alias}.owner, '')), lower(coalesce(${alias}.suggested_owner, ''))) OR lower(oc.handle) = lower(${alias}.owner)
          OR lower('github:' || ${alias}.owner) = lower(oc.person))
     ORDER BY oc.confidence DESC, oc.at ASC LIMIT 1)`;
}
