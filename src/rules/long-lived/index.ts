import { FOUND_SECRET_KINDS } from '../../model/records.js';
import { DAY_MS, computedOnce, joinAdmins, olderThan, sqlBool, sqlDays, sqlExisted, type Rule } from '../types.js';

// Kinds with a secret value that can age; federated credentials and leaks are judged elsewhere.
const EXCLUDED = `(${[...FOUND_SECRET_KINDS, 'federated_credential'].map((k) => `'${k}'`).join(', ')})`;
// Kinds that cannot be given an expiry at all (AWS access keys): for them age is the only signal,
// or every key would be "long-lived" on the day it is created.
const NO_EXPIRY_CONCEPT = "('access_key')";

export const longLived: Rule = {
  offThread: true,
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
  *evaluate({ config, now }) {
    const maxAge = config.thresholds.maxCredentialAgeDays;
    const maxExpiry = config.thresholds.maxExpiryDays;
    // coalesce: a NULL here would make NOT never NULL too (SQL's three-valued logic). The kind test
    // first, so access keys never parse their attributes.
    const never = `(c.kind NOT IN ${NO_EXPIRY_CONCEPT} AND coalesce(json_extract(c.attributes, '$.neverExpires'), 0) = 1)`;
    yield {
      kind: 'query',
      // old and far compare text with cutoffs; the day counts are parsed only for what is flagged.
      from: `FROM ${computedOnce(`SELECT c.id, c.identity_id, c.provider, c.kind, c.name, c.rotated_at,
                     coalesce(c.rotated_at, c.created_at) <= @oldBefore AS old, ${never} AS never, c.expires_at >= @farAfter AS far,
                     ${sqlDays('coalesce(c.rotated_at, c.created_at)')} AS age, -${sqlDays('c.expires_at')} AS until, admin.id IS NOT NULL AS admin
                   FROM credentials c ${joinAdmins('c.identity_id')}
                   WHERE c.gone_scan IS NULL AND ${sqlExisted('c')} AND c.status = 'active' AND c.kind NOT IN ${EXCLUDED}`)}
             WHERE old OR never OR far`,
      params: { oldBefore: olderThan(now, maxAge), farAfter: new Date(now.getTime() + (maxExpiry + 1) * DAY_MS).toISOString() },
      provider: 'provider',
      identityId: 'identity_id',
      credentialId: 'id',
      severity: `CASE WHEN admin THEN 'high' ELSE 'medium' END`,
      message: `kind || ' ' || coalesce(name, id) || ': '
        || CASE WHEN old THEN CASE WHEN rotated_at IS NOT NULL THEN 'not rotated for ' || age || ' days' ELSE 'created ' || age || ' days ago' END ELSE '' END
        || CASE WHEN old AND (never OR far) THEN ', ' ELSE '' END
        || CASE WHEN never THEN 'never expires' WHEN far THEN 'expires in ' || until || ' days' ELSE '' END
        || CASE WHEN admin THEN ' — held by an admin-equivalent identity' ELSE '' END`,
      // What the finding adds to the credential's row (which has the created, rotated and expiry dates).
      evidence: `json_object('ageDays', age, 'expiresInDays', until, 'neverExpires', ${sqlBool('never')}, 'admin', ${sqlBool('admin')})`,
    };
  },
};
