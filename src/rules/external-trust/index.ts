import { stableHash } from '../../model/ids.js';
import type { Severity } from '../../model/records.js';
import type { TrustRow } from '../../inventory/rows.js';
import type { Rule } from '../types.js';

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
    // A binding above one identity (a GCP member holding Owner on a project can impersonate every
    // service account in it) is one relation: one finding, on its most privileged identity.
    const bindings = new Map<string, TrustRow[]>();
    for (const t of inventory.trusts({ risky: true })) {
      const level = t.attributes.level;
      const on = t.attributes.grantedOn;
      if ((level === 'project' || level === 'folder' || level === 'organization') && Array.isArray(on)) {
        const k = `${t.principal}\u0000${on.join(',')}\u0000${t.condition ?? ''}`;
        bindings.set(k, [...(bindings.get(k) ?? []), t]);
        continue;
      }
      yield finding(t, [t]);
    }
    for (const edges of bindings.values()) {
      const lead = edges.find((e) => inventory.hasAdminGrant(e.identityId)) ?? edges[0];
      yield finding(lead, edges);
    }

    function finding(t: TrustRow, edges: TrustRow[]) {
      const admin = edges.some((e) => inventory.hasAdminGrant(e.identityId));
      const holder = inventory.identity(t.identityId);
      // The severity the rules table states: high, critical for anyone (*) or when it reaches an admin.
      const severity: Severity = t.risk === 'wildcard' || admin ? 'critical' : 'high';
      const on = edges.length > 1 ? ` on ${(t.attributes.grantedOn as string[]).join(', ')}, which lets it become ${edges.length} identities including ${holder ? `${holder.kind} ${holder.name}` : t.identityId}` : '';
      const who = holder ? `${holder.kind} ${holder.name}` : t.identityId;
      return {
        provider: t.provider,
        identityId: t.identityId,
        // The principal names the finding; a condition (often long JSON) only by its hash.
        discriminator: t.condition ? `${t.principal}?${stableHash(t.condition)}` : t.principal,
        severity,
        message: `${who}: ${WHY[t.risk ?? ''] ?? 'risky trust'} (${t.principal}${t.condition ? ` when ${t.condition}` : ''})${on}${admin ? ' — and it is admin-equivalent' : ''}`,
        evidence: {
          principal: t.principal, principalType: t.principalType, condition: t.condition, risk: t.risk, admin,
          ...(edges.length > 1 ? { grantedOn: t.attributes.grantedOn, roles: t.attributes.roles ?? null, identities: edges.map((e) => e.identityId) } : {}),
        },
      };
    }
  },
};
