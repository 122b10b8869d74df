import type { Rule } from '../types.js';

export const expiredCredential: Rule = {
  meta: {
    id: 'expired-credential',
    title: 'Expired credential still attached',
    severity: 'low',
    owasp: ['NHI1'],
    description: 'A credential past its expiry date is still attached to its identity.',
    risk: 'Expired credentials are clutter that hides the live ones and usually signals an identity nobody maintains; some systems keep accepting them by mistake.',
    remediation: 'Remove the expired credential; if the identity is still needed, make sure its replacement is in place and owned.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/'],
  },
  *evaluate({ inventory }) {
    for (const c of inventory.credentials({ expired: true })) {
      yield {
        provider: c.provider,
        identityId: c.identityId,
        credentialId: c.id,
        message: `${c.kind} ${c.name ?? c.id} expired on ${c.expiresAt?.slice(0, 10) ?? 'an unknown date'} and is still attached`,
        evidence: { expiresAt: c.expiresAt, status: c.status },
      };
    }
  },
};
