import type { FindingQuery, Rule, RuleContext } from './types.js';
import { joinAdmins, olderThan, sqlBool, sqlDays } from './types.js';

/**
 * Days without use, as SQL over a row with last_used_at, last_used_source, created_at and
 * (identities) last_used_window_days — the same judgement as usage.ts's unusedDays():
 * never-used things count from creation, and a provider that keeps only N days of last-use
 * data (AWS RoleLastUsed: 400) turns "null" into "not within N days", never "never".
 * `windowed` and `days` are named columns of an inner query, so the message, severity and evidence
 * read them by name (SQLite may still inline them; forcing it not to measured slower).
 */
function unusedSql(windowed: boolean): { days: string; windowed: string; known: string; stale: string } {
  const window = windowed ? `(last_used_at IS NULL AND last_used_window_days IS NOT NULL AND ${sqlDays('created_at')} > last_used_window_days)` : '0';
  return {
    known: '(last_used_at IS NOT NULL OR (last_used_source IS NOT NULL AND created_at IS NOT NULL))',
    windowed: window,
    days: `CASE WHEN last_used_at IS NOT NULL THEN ${sqlDays('last_used_at')}${windowed ? ` WHEN ${window} THEN last_used_window_days` : ''} ELSE ${sqlDays('created_at')} END`,
    // days > @limit, comparing text with @before (olderThan): no date is parsed for what is in use.
    stale: `CASE WHEN last_used_at IS NOT NULL THEN last_used_at <= @before${windowed ? ` WHEN ${window} THEN last_used_window_days > @limit` : ''} ELSE created_at <= @before END`,
  };
}

/** Message text over the inner query's columns (windowed, days, last_used_at). */
const DESCRIBE = `CASE WHEN windowed THEN 'no recorded use in the provider''s ' || days || '-day window'
    WHEN last_used_at IS NULL THEN 'never used in the ' || days || ' days since it was created'
    ELSE 'last used ' || days || ' days ago' END`;

/** Evidence: what the finding adds to its subject's row (which has the dates and the source). */
function evidence(admin: boolean): string {
  return `json_object('unusedDays', days, 'lastUsedAt', last_used_at, 'neverUsed', ${sqlBool('last_used_at IS NULL AND NOT windowed')}${admin ? `, 'admin', ${sqlBool('admin')}` : ''})`;
}

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
  *evaluate(ctx: RuleContext): Iterable<FindingQuery> {
    const limit = ctx.config.thresholds.staleDays;
    const params = { limit, before: olderThan(ctx.now, limit) };
    const id = unusedSql(true);
    yield {
      kind: 'query',
      from: `FROM (SELECT i.id, i.provider, i.kind, i.name, i.last_used_at, ${id.windowed} AS windowed, ${id.days} AS days, admin.id IS NOT NULL AS admin
               FROM identities i ${joinAdmins('i.id')}
               WHERE i.gone_scan IS NULL AND i.provider_managed = 0 AND i.disabled = 0 AND ${id.known} AND ${id.stale})`,
      params,
      provider: 'provider',
      identityId: 'id',
      severity: `CASE WHEN admin THEN 'high' ELSE 'medium' END`,
      message: `kind || ' ' || name || ': ' || ${DESCRIBE} || CASE WHEN admin THEN ' — and it is admin-equivalent' ELSE '' END`,
      evidence: evidence(true),
    };
    const cred = unusedSql(false);
    yield {
      kind: 'query',
      from: `FROM (SELECT *, 0 AS windowed, ${cred.days} AS days FROM credentials
               WHERE gone_scan IS NULL AND status = 'active' AND kind <> 'hardcoded_secret' AND ${cred.known} AND ${cred.stale})`,
      params,
      provider: 'provider',
      identityId: 'identity_id',
      credentialId: 'id',
      // A token or deploy key is its own identity (same id): keep its credential finding apart.
      discriminator: "CASE WHEN id = identity_id THEN 'credential' END",
      severity: "'medium'",
      message: `kind || ' ' || coalesce(name, id) || ': ' || ${DESCRIBE}`,
      evidence: evidence(false),
    };
  },
};
