import type { Rule } from './types.js';

const KEYED = "('access_key','sa_key','client_secret','certificate','pat','deploy_key')";

export const multipleActiveKeys: Rule = {
  meta: {
    id: 'multiple-active-keys',
    title: 'More than one active key of a kind',
    severity: 'low',
    owasp: ['NHI7', 'NHI9'],
    description: 'An identity has two or more active credentials of the same kind (access keys, service-account keys, client secrets…).',
    risk: 'A second active key usually means a rotation that never finished or one identity shared between workloads; either way, one of the keys is unaccounted for.',
    remediation: 'Find which workload uses each key (last-use data), move them to one key (or to separate identities), and deactivate the rest.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/9-nhi-reuse/'],
  },
  *evaluate({ inventory }) {
    // One grouped pass finds the candidates; a paged filter with this subquery would re-run it per page.
    const candidates = inventory.db
      .prepare(
        `SELECT DISTINCT identity_id AS id FROM credentials WHERE status = 'active' AND gone_scan IS NULL AND identity_id IS NOT NULL AND kind IN ${KEYED}
         GROUP BY identity_id, kind HAVING count(*) > 1 ORDER BY identity_id`,
      )
      .all() as { id: string }[];
    for (const id of inventory.identitiesById(candidates.map((c) => c.id))) {
      const byKind = new Map<string, string[]>();
      for (const c of inventory.credentialsOf(id.id)) {
        if (c.status !== 'active' || !KEYED.includes(`'${c.kind}'`)) continue;
        byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c.keyId ?? c.id]);
      }
      for (const [kind, keys] of byKind) {
        if (keys.length < 2) continue;
        const admin = inventory.hasAdminGrant(id.id);
        yield {
          provider: id.provider,
          identityId: id.id,
          discriminator: kind,
          severity: admin ? 'medium' : 'low',
          message: `${id.kind} ${id.name} has ${keys.length} active ${kind} credentials`,
          evidence: { kind, keys: keys.sort(), admin },
        };
      }
    }
  },
};
