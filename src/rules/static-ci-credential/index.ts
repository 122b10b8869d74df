import type { Rule } from '../types.js';

export const staticCiCredential: Rule = {
  meta: {
    id: 'static-ci-credential',
    title: 'Static cloud key stored as a CI secret',
    severity: 'medium',
    owasp: ['NHI6', 'NHI7'],
    description: 'A CI/CD secret holds a static cloud credential (named like AWS_SECRET_ACCESS_KEY, GOOGLE_CREDENTIALS, AZURE_CLIENT_SECRET) where workload identity federation (OIDC) would do.',
    risk: 'Static cloud keys in CI are long-lived, copied into every workflow that can read the secret, and the most common way cloud keys leak through build logs and compromised actions.',
    remediation:
      'Configure OIDC federation between the CI system and the cloud (an IAM role / workload identity pool / federated credential pinned to the repository and branch), switch the workflows to it, then delete the secret and the key behind it.',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect',
    ],
  },
  *evaluate({ inventory }) {
    for (const c of inventory.credentials({ kind: 'ci_secret', hasAttribute: 'cloudProvider' })) {
      yield {
        provider: c.provider,
        identityId: c.identityId,
        credentialId: c.id,
        message: `CI secret ${c.name ?? c.id} holds a static ${String(c.attributes.cloudProvider).toUpperCase()} credential; use OIDC federation instead`,
        evidence: { cloudProvider: c.attributes.cloudProvider, scope: c.scope, rotatedAt: c.rotatedAt, visibility: c.attributes.visibility ?? null },
      };
    }
  },
};
