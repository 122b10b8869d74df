import type { Rule } from '../types.js';

export const insecureAuthentication: Rule = {
  meta: {
    id: 'insecure-authentication',
    title: 'Identity that authenticates insecurely',
    severity: 'medium',
    owasp: ['NHI4'],
    description:
      'The scanner found an authentication weakness on the identity, for example a webhook that delivers without a signing secret, or a deprecated authentication mechanism.',
    risk: 'Without a secret or modern authentication, anyone who learns the endpoint can impersonate the sender or receive data meant for it.',
    remediation: 'Configure a signing secret (and verify signatures at the receiver), or move the integration to the provider\'s current authentication mechanism.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/'],
  },
  *evaluate({ inventory }) {
    for (const id of inventory.identities({ hasAttribute: 'insecureAuth' })) {
      yield {
        provider: id.provider,
        identityId: id.id,
        message: `${id.kind} ${id.name}: ${String(id.attributes.insecureAuth)}`,
        evidence: { reason: id.attributes.insecureAuth },
      };
    }
  },
};
