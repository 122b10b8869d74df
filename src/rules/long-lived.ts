import { isAdmin, sqlBool, sqlDays, type Rule } from './types.js';

// Kinds with a secret value that can age; federated credentials and leaks are judged elsewhere.
const EXCLUDED = "('hardcoded_secret', 'federated_credential')";
// Kinds that cannot be given an expiry at all (AWS access keys): for them age is the only signal,
// or every key would be "long-lived" on the day it is created.
const NO_EXPIRY_CONCEPT = "('access_key')";

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
  *evaluate({ config }) {
    // coalesce: a NULL here would make NOT never NULL too (SQL's three-valued logic).
    const never = `(coalesce(json_extract(attributes, '$.neverExpires'), 0) = 1 AND kind NOT IN ${NO_EXPIRY_CONCEPT})`;
    yield {
      kind: 'query',
      from: `FROM (SELECT id, identity_id, provider, kind, name, rotated_at, age, until, old, never, NOT never AND until > @maxExpiry AS far,
                     ${isAdmin('identity_id')} AS admin
               FROM (SELECT *, age > @maxAge AS old, ${never} AS never
                     FROM (SELECT *, ${sqlDays('coalesce(rotated_at, created_at)')} AS age, -${sqlDays('expires_at')} AS until FROM credentials
                           WHERE gone_scan IS NULL AND status = 'active' AND kind NOT IN ${EXCLUDED})))
             WHERE old OR never OR far`,
      params: { maxAge: config.thresholds.maxCredentialAgeDays, maxExpiry: config.thresholds.maxExpiryDays },
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
