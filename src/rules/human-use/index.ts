import type { Rule } from '../types.js';

export const humanUse: Rule = {
  meta: {
    id: 'human-use',
    title: 'Machine identity used by a person',
    severity: 'medium',
    owasp: ['NHI10'],
    description:
      'A non-human identity shows signs of human use: a console password, an MFA device, or federation from a human identity provider (SAML) — as its scanner determined.',
    risk: 'People sharing a machine identity defeat attribution and offboarding: when someone leaves, the credentials they used keep working and their actions are logged as the workload\'s.',
    remediation:
      'Give the people their own identities with the access they need (through the identity provider), remove the console password or federation from the machine identity, and rotate its credentials.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/10-human-use-of-nhi/'],
  },
  *evaluate({ inventory }) {
    for (const id of inventory.identities({ humanUse: true, providerManaged: false })) {
      const admin = inventory.hasAdminGrant(id.id);
      const signs = id.attributes.humanUseSigns ?? id.attributes.humanUseReason ?? null;
      yield {
        provider: id.provider,
        identityId: id.id,
        severity: admin ? 'high' : 'medium',
        message: `${id.kind} ${id.name} shows signs of human use${signs ? ` (${Array.isArray(signs) ? signs.join(', ') : String(signs)})` : ''}`,
        evidence: { signs, admin },
      };
    }
  },
};
