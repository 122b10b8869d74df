import type { Rule } from '../types.js';

export const thirdPartyAccess: Rule = {
  meta: {
    id: 'third-party-access',
    title: 'Third-party identity with write or admin access',
    severity: 'high',
    owasp: ['NHI3'],
    description:
      'An identity built and operated by someone outside the organisation (a third-party GitHub App, a multi-tenant application from another tenant) holds write or admin-equivalent grants.',
    risk: 'A compromise of the vendor, or of its credentials, becomes a compromise of your estate; you cannot rotate or monitor the vendor\'s side.',
    remediation:
      'Review whether the vendor needs this access; reduce it to read or to the specific repositories/resources, and remove integrations nobody uses. Record an owner who reviews it periodically.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/3-vulnerable-third-party-nhi/'],
  },
  *evaluate({ inventory }) {
    for (const id of inventory.identities({ thirdParty: true })) {
      const grants = inventory.grantsOf(id.id).filter((g) => g.privilege === 'admin' || g.privilege === 'write');
      if (grants.length === 0) continue;
      const admin = grants.some((g) => g.privilege === 'admin');
      yield {
        provider: id.provider,
        identityId: id.id,
        severity: admin ? 'high' : 'medium',
        message: `third-party ${id.kind} ${id.name} holds ${admin ? 'admin-equivalent' : 'write'} access (${grants
          .slice(0, 3)
          .map((g) => g.role)
          .join(', ')}${grants.length > 3 ? ', …' : ''})`,
        evidence: { grants: grants.slice(0, 10).map((g) => ({ role: g.role, resource: g.resource, privilege: g.privilege })), publisher: id.attributes.publisher ?? id.attributes.owner ?? null },
      };
    }
  },
};
