import type { Rule } from './types.js';

export const unowned: Rule = {
  meta: {
    id: 'unowned',
    title: 'Identity with no owner',
    severity: 'medium',
    owasp: ['NHI1'],
    description:
      'No owner could be found from any source the scanner reads: owner tags or labels (the configured ownerKeys), or the provider\'s own owner field. Provider-managed identities are exempt.',
    risk: 'An identity nobody owns is never rotated, reviewed or offboarded, and in an incident nobody can say whether its activity is legitimate.',
    remediation:
      'Find the team that uses it (its last-use source, the workloads that hold its credentials), record them with an owner tag/label or the provider\'s owner field, and add owner tagging to the pipeline that creates identities.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/'],
    thresholds: ['ownerKeys'],
  },
  *evaluate({ inventory }) {
    for (const id of inventory.identities('owner IS NULL AND provider_managed = 0')) {
      const admin = inventory.hasAdminGrant(id.id);
      yield {
        provider: id.provider,
        identityId: id.id,
        severity: admin ? 'high' : 'medium',
        message: `${id.kind} ${id.name} has no owner${admin ? ' and is admin-equivalent' : ''}`,
        evidence: { scope: id.scope, tags: id.tags, admin },
      };
    }
  },
};
