import { joinAdmins, sqlBool, sqlExisted, type Rule } from '../types.js';

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
  *evaluate() {
    yield {
      kind: 'query',
      from: `FROM (SELECT k.*, i.provider, i.id, i.kind, i.name, admin.id IS NOT NULL AS admin FROM (SELECT c.identity_id, c.kind AS ckind, count(*) AS n, json_group_array(c.key) AS keys
               -- Only the three columns the grouping needs go through the sort. Read in file order
               -- and sorted (on both cores): in identity order each key was a page read out of file order.
               FROM (SELECT identity_id, kind, coalesce(key_id, id) AS key FROM credentials c NOT INDEXED
                     WHERE gone_scan IS NULL AND ${sqlExisted('c')} AND status = 'active' AND identity_id IS NOT NULL AND kind IN ${KEYED}
                     ORDER BY identity_id, kind, key) c
               GROUP BY c.identity_id, c.kind HAVING count(*) > 1) k
             JOIN identities i ON i.id = k.identity_id AND i.gone_scan IS NULL ${joinAdmins('i.id')})`,
      provider: 'provider',
      identityId: 'id',
      discriminator: 'ckind',
      severity: `CASE WHEN admin THEN 'medium' ELSE 'low' END`,
      message: `kind || ' ' || name || ' has ' || n || ' active ' || ckind || ' credentials'`,
      evidence: `json_object('kind', ckind, 'keys', json(keys), 'admin', ${sqlBool('admin')})`,
    };
  },
};
