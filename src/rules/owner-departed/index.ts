import { SQL_IDS_WITH_DEPARTED, sqlDepartedOwner } from '../../inventory/owners-store.js';
import { joinAdmins, sqlBool, sqlExisted, type Rule } from '../types.js';

export const ownerDeparted: Rule = {
  meta: {
    id: 'owner-departed',
    title: 'Owner has left the organisation',
    severity: 'medium',
    owasp: ['NHI1'],
    description:
      'The identity\'s owner (declared, or suggested by the audit log or git history) has left: a GitHub owner who is no longer a member of the organisation, an Entra ID user who is disabled or deleted. Judged from scans with --owners-from-logs.',
    risk: 'An identity whose owner left is the offboarding case of OWASP NHI1: nobody rotates or reviews it, and the person who left may still know its secrets.',
    remediation:
      'Hand the identity to a current owner (tag or owner field), rotate every credential the departed person could have seen, and remove it if nobody claims it; make offboarding list the identities each leaver owns.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/'],
  },
  *evaluate() {
    yield {
      kind: 'query',
      from: `FROM (SELECT id, provider, kind, name, admin, json_extract(left_by, '$.person') AS person, replace(json_extract(left_by, '$.evidence'), '; has left the organisation', '') AS why FROM (
               SELECT i.id, i.provider, i.kind, i.name, admin.id IS NOT NULL AS admin, ${sqlDepartedOwner('i')} AS left_by FROM identities i ${joinAdmins('i.id')}
               WHERE i.id IN (${SQL_IDS_WITH_DEPARTED}) AND i.gone_scan IS NULL AND ${sqlExisted('i')} AND i.provider_managed = 0)
             WHERE left_by IS NOT NULL)`,
      provider: 'provider',
      identityId: 'id',
      severity: `CASE WHEN admin THEN 'high' ELSE 'medium' END`,
      message: `kind || ' ' || name || ': its owner ' || person || ' has left the organisation (' || why || ')'`,
      evidence: `json_object('departedOwner', person, 'ownerEvidence', why, 'admin', ${sqlBool('admin')})`,
    };
  },
};
