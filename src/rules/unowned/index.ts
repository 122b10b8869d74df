import { joinAdmins, sqlBool, sqlExisted, type Rule } from '../types.js';

/**
 * Kinds whose provider has no owner of any sort to record (no tags, no owner field): judging them
 * would ask for something nobody can set. They are listed in `nhi rules` and the README instead.
 */
export const NO_OWNER_MECHANISM: { provider: string; kind: string; why: string }[] = [
  { provider: 'github', kind: 'webhook', why: 'GitHub webhooks have no owner field or tags' },
  { provider: 'github', kind: 'bot_account', why: 'GitHub bot accounts (apps\' bot users) have no owner field; their app is judged instead' },
];

export const unowned: Rule = {
  offThread: true,
  meta: {
    id: 'unowned',
    title: 'Identity with no owner',
    severity: 'medium',
    owasp: ['NHI1'],
    description:
      'No owner could be found from any source the scanner reads: owner tags or labels (the configured ownerKeys), or the provider\'s own owner field. Provider-managed identities are exempt, and so are kinds whose provider has no way to record an owner (GitHub webhooks and bot accounts). Where an audit log or git history names a person (scans with --owners-from-logs), the finding names the suggested owner and the event behind it.',
    risk: 'An identity nobody owns is never rotated, reviewed or offboarded, and in an incident nobody can say whether its activity is legitimate.',
    remediation:
      'Confirm the suggested owner where there is one (who created it, who added its keys, who committed its leak), else find the team that uses it (its last-use source, the workloads that hold its credentials); record them with an owner tag/label or the provider\'s owner field, and add owner tagging to the pipeline that creates identities.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/'],
    thresholds: ['ownerKeys'],
  },
  *evaluate() {
    yield {
      kind: 'query',
      from: `FROM (SELECT i.id, i.provider, i.kind, i.name, i.tags, i.suggested_owner AS suggested, i.suggested_owner_evidence AS why, admin.id IS NOT NULL AS admin FROM identities i ${joinAdmins('i.id')}
               WHERE i.gone_scan IS NULL AND ${sqlExisted('i')} AND i.owner IS NULL AND i.provider_managed = 0
                 AND (i.provider || '/' || i.kind) NOT IN (${NO_OWNER_MECHANISM.map((k) => `'${k.provider}/${k.kind}'`).join(', ')}))`,
      provider: 'provider',
      identityId: 'id',
      severity: `CASE WHEN admin THEN 'high' ELSE 'medium' END`,
      message: `kind || ' ' || name || ' has no owner' || CASE WHEN admin THEN ' and is admin-equivalent' ELSE '' END
        || CASE WHEN suggested IS NOT NULL THEN '; probably ' || suggested || ': ' || coalesce(why, '') ELSE '' END`,
      // The tags it does carry (where an owner key would have been looked for), and who the record names.
      evidence: `json_object('tags', json(coalesce(tags, '{}')), 'admin', ${sqlBool('admin')}, 'suggestedOwner', suggested, 'suggestedOwnerEvidence', why)`,
    };
  },
};
