// Suppressions: an accepted risk carries a reason and (usually) an expiry; when the
// expiry passes, the finding is open again. Sources: config `suppressions` and `.nhiignore`.
import { ConfigError } from '../errors.js';

export interface Suppression {
  /** Rule id, or `*` for every rule. */
  rule: string;
  /** Subject: a finding id, identity id or credential id; `*` matches any run of characters. */
  subject: string;
  reason: string;
  /** YYYY-MM-DD (inclusive) or null for no expiry. */
  expires: string | null;
  /** Where it was declared, for `nhi report` to cite. */
  source: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validateSuppression(value: unknown, where: string): Suppression {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be an object with rule, subject, reason and expires`);
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) {
    if (!['rule', 'subject', 'reason', 'expires'].includes(k)) throw new ConfigError(`${where}: unknown key "${k}"`, 'Keys: rule, subject, reason, expires.');
  }
  const rule = v.rule ?? '*';
  if (typeof rule !== 'string' || !rule) throw new ConfigError(`${where}: "rule" must be a rule id or "*"`);
  if (typeof v.subject !== 'string' || !v.subject) throw new ConfigError(`${where}: "subject" is required (finding, identity or credential id; * wildcards allowed)`);
  if (typeof v.reason !== 'string' || !v.reason.trim()) throw new ConfigError(`${where}: "reason" is required: say why the risk is accepted`);
  let expires: string | null = null;
  if (v.expires !== undefined && v.expires !== null) {
    // Date.parse rolls impossible days forward (2027-02-30 → 2027-03-02): refuse them instead.
    const t = typeof v.expires === 'string' && DATE.test(v.expires) ? Date.parse(`${v.expires}T00:00:00Z`) : NaN;
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v.expires) {
      throw new ConfigError(`${where}: "expires" must be a real date like 2027-01-31, got ${JSON.stringify(v.expires)}`);
    }
    expires = v.expires;
  }
  return { rule, subject: v.subject, reason: v.reason.trim(), expires, source: where };
}

/**
 * `.nhiignore`: one suppression a line — `RULE SUBJECT EXPIRES REASON…`, where EXPIRES is
 * YYYY-MM-DD or `never`; `#` starts a comment line.
 */
export function parseIgnoreFile(text: string, path: string): Suppression[] {
  const out: Suppression[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(.+)$/.exec(line);
    const where = `${path}:${i + 1}`;
    if (!m) throw new ConfigError(`${where}: expected "RULE SUBJECT EXPIRES REASON", got "${line}"`, 'Example: stale arn:aws:iam::123456789012:role/break-glass 2027-03-01 reviewed quarterly by the SRE team');
    const [, rule, subject, expires, reason] = m;
    out.push(validateSuppression({ rule, subject, reason, expires: expires === 'never' ? null : expires }, where));
  });
  return out;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

export interface SuppressionMatcher {
  /** The suppression that applies to this finding on `asOf`, if any. */
  match(f: { ruleId: string; id: string; identityId: string | null; credentialId: string | null }, asOf: Date): Suppression | null;
}

export function createSuppressionMatcher(list: Suppression[]): SuppressionMatcher {
  const compiled = list.map((s) => ({ s, re: globToRegExp(s.subject), end: s.expires ? Date.parse(s.expires + 'T23:59:59.999Z') : Infinity }));
  return {
    match(f, asOf) {
      const t = asOf.getTime();
      for (const { s, re, end } of compiled) {
        if (t > end) continue;
        if (s.rule !== '*' && s.rule !== f.ruleId) continue;
        if (re.test(f.id) || (f.identityId !== null && re.test(f.identityId)) || (f.credentialId !== null && re.test(f.credentialId))) return s;
      }
      return null;
    },
  };
}
