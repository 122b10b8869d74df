import { daysSince, type Rule } from './types.js';

// Kinds with a secret value that can age; federated credentials and leaks are judged elsewhere.
const EXCLUDED = "('hardcoded_secret', 'federated_credential')";
// Kinds that cannot be given an expiry at all (AWS access keys): for them age is the only signal,
// or every key would be "long-lived" on the day it is created.
const NO_EXPIRY_CONCEPT = new Set(['access_key']);

export const longLived: Rule = {
  meta: {
    id: 'long-lived',
    title: 'Long-lived credential',
    severity: 'medium',
    owasp: ['NHI7'],
    description:
      'An active credential is older than the rotation threshold without rotation, never expires, or expires further out than the expiry threshold. Kinds that cannot carry an expiry (AWS access keys) are judged by age alone.',
    risk: 'The longer a secret lives, the more copies of it exist (laptops, CI logs, chat) and the longer a stolen copy works.',
    remediation:
      'Rotate it now, then replace it with a short-lived mechanism: workload identity federation (OIDC) for CI, instance/managed identities for workloads, or at least an expiry within the threshold and automated rotation.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/'],
    thresholds: ['maxCredentialAgeDays', 'maxExpiryDays'],
  },
  *evaluate({ inventory, config, now }) {
    const maxAge = config.thresholds.maxCredentialAgeDays;
    const maxExpiry = config.thresholds.maxExpiryDays;
    const ageCutoff = new Date(now.getTime() - maxAge * 86_400_000).toISOString();
    const expiryCutoff = new Date(now.getTime() + maxExpiry * 86_400_000).toISOString();
    const filter = `status = 'active' AND kind NOT IN ${EXCLUDED} AND (coalesce(rotated_at, created_at) < ? OR expires_at > ? OR json_extract(attributes, '$.neverExpires') = 1)`;
    for (const c of inventory.credentials(filter, ageCutoff, expiryCutoff)) {
      const reasons: string[] = [];
      const age = daysSince(c.rotatedAt ?? c.createdAt, now);
      if (age !== null && age > maxAge) reasons.push(`${c.rotatedAt ? 'not rotated for' : 'created'} ${age} days${c.rotatedAt ? '' : ' ago'}`);
      const untilExpiry = c.expiresAt ? -(daysSince(c.expiresAt, now) ?? 0) : null;
      if (c.attributes.neverExpires === true && !NO_EXPIRY_CONCEPT.has(c.kind)) reasons.push('never expires');
      else if (untilExpiry !== null && untilExpiry > maxExpiry) reasons.push(`expires in ${untilExpiry} days`);
      if (reasons.length === 0) continue;
      const admin = c.identityId ? inventory.hasAdminGrant(c.identityId) : false;
      yield {
        provider: c.provider,
        identityId: c.identityId,
        credentialId: c.id,
        severity: admin ? 'high' : 'medium',
        message: `${c.kind} ${c.name ?? c.id}: ${reasons.join(', ')}${admin ? ' — held by an admin-equivalent identity' : ''}`,
        evidence: { createdAt: c.createdAt, rotatedAt: c.rotatedAt, expiresAt: c.expiresAt, ageDays: age, neverExpires: c.attributes.neverExpires === true, reasons, admin },
      };
    }
  },
};
