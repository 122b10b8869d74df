import type { FindingDraft, Rule, RuleContext } from './types.js';
import { describeUnused, unusedDays } from './usage.js';

export const stale: Rule = {
  meta: {
    id: 'stale',
    title: 'Unused identity or credential',
    severity: 'medium',
    owasp: ['NHI1'],
    description:
      'An identity or active credential has not been used for longer than the stale threshold, or was never used and is older than it. Provider-managed identities are exempt.',
    risk: 'Unused identities and keys are forgotten attack surface: nobody notices when they are abused, and they usually outlive the people and projects that created them.',
    remediation:
      'Confirm with the owner that nothing depends on it, disable it (deactivate the key, disable the service account) for a grace period, then delete it. Keep last-use monitoring on so new stale identities surface early.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/'],
    thresholds: ['staleDays'],
  },
  *evaluate(ctx: RuleContext): Iterable<FindingDraft> {
    const { inventory, config, now } = ctx;
    const limit = config.thresholds.staleDays;
    // Timestamps are stored in one ISO form, so the date test runs in SQL; JS refines the rest.
    const cutoff = new Date(now.getTime() - limit * 86_400_000).toISOString();
    const unused = '((last_used_at IS NOT NULL AND last_used_at < ?) OR (last_used_at IS NULL AND last_used_source IS NOT NULL AND created_at < ?))';
    for (const id of inventory.identities(`provider_managed = 0 AND disabled = 0 AND ${unused}`, cutoff, cutoff)) {
      const u = unusedDays(id, now);
      if (!u || u.days <= limit) continue;
      const admin = inventory.hasAdminGrant(id.id);
      yield {
        provider: id.provider,
        identityId: id.id,
        severity: admin ? 'high' : 'medium',
        message: `${id.kind} ${id.name}: ${describeUnused(u)}${admin ? ' — and it is admin-equivalent' : ''}`,
        evidence: { lastUsedAt: id.lastUsedAt, lastUsedSource: id.lastUsedSource, createdAt: id.createdAt, unusedDays: u.days, neverUsed: u.never, admin },
      };
    }
    for (const c of inventory.credentials(`status = 'active' AND kind <> 'hardcoded_secret' AND ${unused}`, cutoff, cutoff)) {
      const u = unusedDays({ ...c, lastUsedWindowDays: null }, now);
      if (!u || u.days <= limit) continue;
      yield {
        provider: c.provider,
        identityId: c.identityId,
        credentialId: c.id,
        message: `${c.kind} ${c.name ?? c.id}: ${describeUnused(u)}`,
        evidence: { lastUsedAt: c.lastUsedAt, lastUsedSource: c.lastUsedSource, createdAt: c.createdAt, unusedDays: u.days, neverUsed: u.never },
      };
    }
  },
};
