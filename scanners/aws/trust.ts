// Role trust policies: one edge per principal, with the risk the edge carries.
import type { TrustPrincipalType, TrustRisk } from '../../src/model/records.js';
import { list, statementsOf, type PolicyDocument } from './policy.js';

export interface TrustEdge {
  principal: string;
  principalType: TrustPrincipalType;
  condition: string | null;
  risk: TrustRisk | null;
  /** Facts for drill-down: actions, statement, issuer, why it is (not) risky. */
  attributes: Record<string, unknown>;
  /** SAML federation: people sign in through it. */
  saml: boolean;
}

export interface TrustContext {
  /** The account that holds the role. */
  accountId: string;
  /** Accounts of the scanned estate (the organisation's accounts, or just this one). */
  estateAccounts: ReadonlySet<string>;
  /** The organisation id, when scanning an organisation. */
  orgId?: string | null;
}

/** Render conditions deterministically: `StringLike token.actions.githubusercontent.com:sub=repo:*`, joined by ` AND `. */
export function renderCondition(cond: unknown): string | null {
  if (!cond || typeof cond !== 'object') return null;
  const parts: string[] = [];
  for (const op of Object.keys(cond).sort()) {
    const block = (cond as Record<string, unknown>)[op];
    if (!block || typeof block !== 'object') continue;
    for (const key of Object.keys(block).sort()) {
      const raw = (block as Record<string, unknown>)[key];
      const values = (Array.isArray(raw) ? raw : [raw]).map((x) => String(x)).sort();
      parts.push(`${op} ${key}=${values.join('|')}`);
    }
  }
  return parts.length ? parts.join(' AND ') : null;
}

/** Condition values for a key (case-insensitive), across every operator, with the operators used. */
function conditionValues(cond: unknown, key: string): { op: string; values: string[] }[] {
  const out: { op: string; values: string[] }[] = [];
  if (!cond || typeof cond !== 'object') return out;
  for (const [op, block] of Object.entries(cond as Record<string, unknown>)) {
    if (!block || typeof block !== 'object') continue;
    for (const [k, raw] of Object.entries(block as Record<string, unknown>)) {
      if (k.toLowerCase() !== key.toLowerCase()) continue;
      out.push({ op, values: (Array.isArray(raw) ? raw : [raw]).map((x) => String(x)) });
    }
  }
  return out;
}

const ACCOUNT_RE = /^\d{12}$/;
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

function accountOfArn(arn: string): string | null {
  const parts = arn.split(':');
  return parts.length >= 5 && ACCOUNT_RE.test(parts[4] ?? '') ? (parts[4] as string) : null;
}

/** Issuer host/path from an OIDC provider ARN: arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com */
export function oidcIssuer(principal: string): string | null {
  const m = /^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(principal);
  if (m) return m[1] as string;
  if (/^[a-z0-9.-]+\.[a-z]{2,}(\/.*)?$/i.test(principal) && !principal.endsWith('.amazonaws.com')) return principal; // accounts.google.com, graph.facebook.com
  return null;
}

/**
 * Is the OIDC subject pinned? GitHub: every `sub` value must name an owner without a wildcard
 * (`repo:acme/app:ref:refs/heads/main`, `repo:acme/*` pins the owner). Other issuers: a `sub`
 * (or, for Cognito, `aud`) condition whose values are not all wildcards.
 */
export function subjectPinned(issuer: string, cond: unknown): { pinned: boolean; why: string } {
  if (issuer === 'cognito-identity.amazonaws.com') {
    const aud = conditionValues(cond, 'cognito-identity.amazonaws.com:aud');
    return aud.length ? { pinned: true, why: 'identity pool pinned by aud' } : { pinned: false, why: 'no cognito-identity.amazonaws.com:aud condition' };
  }
  const subs = conditionValues(cond, `${issuer}:sub`);
  if (subs.length === 0) return { pinned: false, why: `no ${issuer}:sub condition` };
  const values = subs.flatMap((s) => s.values);
  if (values.length === 0) return { pinned: false, why: 'empty sub condition' };
  const usesWildcards = subs.some((s) => /like/i.test(s.op));
  for (const v of values) {
    const wild = usesWildcards && /[*?]/.test(v);
    if (/^[*?]+$/.test(v) && usesWildcards) return { pinned: false, why: `sub ${v} matches any subject` };
    if (issuer === GITHUB_ISSUER && wild) {
      // repo:<owner>/<repo>:<context>; the owner must be literal.
      const m = /^repo:([^/]*)/.exec(v);
      if (!m || /[*?]/.test(m[1] as string)) return { pinned: false, why: `sub ${v} matches any repository` };
    }
  }
  return { pinned: true, why: `sub pinned to ${values.slice(0, 3).join(', ')}` };
}

/** Does a condition restrict callers to the organisation or named accounts/principals? */
function restrictsCaller(cond: unknown, ctx: TrustContext): string | null {
  const org = conditionValues(cond, 'aws:PrincipalOrgID').flatMap((c) => c.values);
  if (org.length && (!ctx.orgId || org.every((o) => o === ctx.orgId))) return `aws:PrincipalOrgID ${org.join('|')}`;
  const acct = conditionValues(cond, 'aws:PrincipalAccount').flatMap((c) => c.values);
  if (acct.length && acct.every((a) => ctx.estateAccounts.has(a))) return `aws:PrincipalAccount ${acct.join('|')}`;
  const arns = conditionValues(cond, 'aws:PrincipalArn').flatMap((c) => c.values);
  if (arns.length && arns.every((a) => ctx.estateAccounts.has(accountOfArn(a) ?? ''))) return `aws:PrincipalArn ${arns.join('|')}`;
  return null;
}

/** Every trust edge of a role's AssumeRolePolicyDocument (Allow statements only), deduplicated and sorted. */
export function trustEdges(doc: PolicyDocument | null, ctx: TrustContext): TrustEdge[] {
  const edges = new Map<string, TrustEdge>();
  statementsOf(doc).forEach((s, index) => {
    if (String(s.Effect ?? '').toLowerCase() !== 'allow') return;
    const condition = renderCondition(s.Condition);
    const actions = list(s.Action).sort();
    const base = { statement: s.Sid ? s.Sid : `#${index + 1}`, actions };
    const add = (e: Omit<TrustEdge, 'condition' | 'attributes' | 'saml'> & { attributes?: Record<string, unknown>; saml?: boolean }) => {
      const key = `${e.principal}\u0000${condition ?? ''}`;
      if (edges.has(key)) return;
      edges.set(key, { ...e, condition, saml: e.saml ?? false, attributes: { ...base, ...(e.attributes ?? {}) } });
    };
    if (s.NotPrincipal !== undefined) {
      add({ principal: `NotPrincipal ${JSON.stringify(s.NotPrincipal)}`, principalType: 'wildcard', risk: 'wildcard', attributes: { why: 'NotPrincipal in an Allow trusts everyone not named' } });
      return;
    }
    const principal = s.Principal;
    const wildcard = (p: string) => {
      const limited = restrictsCaller(s.Condition, ctx);
      add({ principal: p, principalType: 'wildcard', risk: limited ? null : 'wildcard', attributes: limited ? { why: `limited by ${limited}` } : { why: 'any AWS principal can assume it' } });
    };
    if (principal === '*') return wildcard('*');
    if (!principal || typeof principal !== 'object') return;
    const pr = principal as Record<string, unknown>;
    for (const p of list(pr.AWS)) {
      if (p === '*') {
        wildcard('*');
        continue;
      }
      const acct = ACCOUNT_RE.test(p) ? p : accountOfArn(p);
      const inEstate = acct !== null && ctx.estateAccounts.has(acct);
      const isRoot = ACCOUNT_RE.test(p) || /:root$/.test(p);
      if (!acct) {
        // A unique id (AROA…/AIDA…) left behind when the trusted principal was deleted.
        add({ principal: p, principalType: 'identity', risk: null, attributes: { dangling: true, why: 'principal id of a deleted identity' } });
        continue;
      }
      if (!inEstate) {
        add({ principal: p, principalType: 'external-account', risk: 'external', attributes: { account: acct, externalId: conditionValues(s.Condition, 'sts:ExternalId').length > 0 } });
        continue;
      }
      add({ principal: p, principalType: isRoot ? 'account' : 'identity', risk: null, attributes: { account: acct } });
    }
    for (const p of list(pr.Service)) add({ principal: p, principalType: 'service', risk: null });
    for (const p of list(pr.Federated)) {
      const isSaml = /:saml-provider\//.test(p);
      if (isSaml) {
        add({ principal: p, principalType: 'federated', risk: null, saml: true, attributes: { protocol: 'saml' } });
        continue;
      }
      const issuer = oidcIssuer(p) ?? p;
      const acct = accountOfArn(p);
      const pin = subjectPinned(issuer, s.Condition);
      add({
        principal: p,
        principalType: 'federated',
        risk: pin.pinned ? null : 'unpinned-subject',
        attributes: { protocol: 'oidc', issuer, why: pin.why, ...(acct && !ctx.estateAccounts.has(acct) ? { providerAccount: acct } : {}) },
      });
    }
    for (const p of list(pr.CanonicalUser)) add({ principal: p, principalType: 'external-account', risk: 'external' });
  });
  return [...edges.values()].sort((a, b) => (a.principal + (a.condition ?? '')).localeCompare(b.principal + (b.condition ?? '')));
}
