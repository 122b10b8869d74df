import { stableHash } from '../model/ids.js';
import type { Severity } from '../model/records.js';
import type { Rule } from './types.js';

const WHY: Record<string, string> = {
  wildcard: 'anyone can assume it',
  external: 'an account outside the scanned estate can assume it',
  'unpinned-subject': 'a federated issuer can assume it without pinning the subject (any repository or branch)',
};

export const externalTrust: Rule = {
  meta: {
    id: 'external-trust',
    title: 'Identity trusted by a wildcard or an outside party',
    severity: 'high',
    owasp: ['NHI6', 'NHI3'],
    description:
      'A trust relationship lets a wildcard principal, an account/tenant/domain outside the scanned estate, or a federated identity provider without a pinned subject (for example any GitHub repository) become this identity.',
    risk: 'The identity\'s permissions are available to parties you do not control; with an unpinned OIDC subject, any repository on the platform can mint credentials for it.',
    remediation:
      'Restrict the trust to the exact principals that need it: name the account and role, require an external id for third parties, and pin OIDC trusts with an exact `sub` condition (repository and branch or environment).',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect',
    ],
  },
  *evaluate({ inventory }) {
    for (const t of inventory.trusts('risk IS NOT NULL')) {
      const admin = inventory.hasAdminGrant(t.identityId);
      const holder = inventory.identity(t.identityId);
      const severity: Severity = t.risk === 'wildcard' ? 'critical' : t.risk === 'unpinned-subject' ? (admin ? 'critical' : 'high') : admin ? 'high' : 'medium';
      yield {
        provider: t.provider,
        identityId: t.identityId,
        // The principal names the finding; a condition (often long JSON) only by its hash.
        discriminator: t.condition ? `${t.principal}?${stableHash(t.condition)}` : t.principal,
        severity,
        message: `${holder ? `${holder.kind} ${holder.name}` : t.identityId}: ${WHY[t.risk ?? ''] ?? 'risky trust'} (${t.principal}${t.condition ? ` when ${t.condition}` : ''})${admin ? ' — and it is admin-equivalent' : ''}`,
        evidence: { principal: t.principal, principalType: t.principalType, condition: t.condition, risk: t.risk, admin },
      };
    }
  },
};
