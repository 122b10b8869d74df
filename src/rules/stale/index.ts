import { FOUND_SECRET_SQL } from '../../model/records.js';
import type { FindingQuery, Rule, RuleContext } from '../types.js';
import { computedOnce, joinAdmins, olderThan, sqlBool, sqlExisted } from '../types.js';
import { unusedSql } from '../../inventory/judgements.js';

/** Message text over the inner query's columns (windowed, days, last_used_at). */
const DESCRIBE = `CASE WHEN windowed THEN 'no recorded use in the provider''s ' || days || '-day window'
    WHEN last_used_at IS NULL THEN 'never used in the ' || days || ' days since it was created'
    ELSE 'last used ' || days || ' days ago' END`;

/** Evidence: what the finding adds to its subject's row (which has the dates and the source). */
function evidence(admin: boolean): string {
  return `json_object('unusedDays', days, 'lastUsedAt', last_used_at, 'neverUsed', ${sqlBool('last_used_at IS NULL AND NOT windowed')}${admin ? `, 'admin', ${sqlBool('admin')}` : ''})`;
}

export const stale: Rule = {
  offThread: true,
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
      from: `FROM ${computedOnce(`SELECT i.id, i.provider, i.kind, i.name, i.last_used_at, ${id.windowed} AS windowed, ${id.days} AS days, admin.id IS NOT NULL AS admin
               FROM identities i ${joinAdmins('i.id')}
               WHERE i.gone_scan IS NULL AND ${sqlExisted('i')} AND i.provider_managed = 0 AND i.disabled = 0 AND ${id.known} AND ${id.stale}`)}`,
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
      // A token or key that is its own identity (same id: GitHub PATs, SSH and deploy keys) is
      // judged once, as the identity.
      from: `FROM ${computedOnce(`SELECT id, identity_id, provider, kind, name, last_used_at, 0 AS windowed, ${cred.days} AS days FROM credentials c
               WHERE gone_scan IS NULL AND ${sqlExisted('c')} AND status = 'active' AND kind NOT IN ${FOUND_SECRET_SQL} AND identity_id IS NOT id
                 AND ${cred.known} AND ${cred.stale}`)}`,
      params,
      provider: 'provider',
      identityId: 'identity_id',
      credentialId: 'id',
      severity: "'medium'",
      message: `kind || ' ' || coalesce(name, id) || ': ' || ${DESCRIBE}`,
      evidence: evidence(false),
    };
  },
};
