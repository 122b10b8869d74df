// Resource control policies applied to a role's trust: may this caller assume the role at all?
// An RCP caps what anyone may do to a member account's resources; the common one denies
// sts:AssumeRole to principals outside the organisation (aws:PrincipalOrgID). Each trust edge is
// one caller, so each is judged once here, when the role is read: the scanner marks the trust,
// reach leaves it out. Only Deny statements are applied (an RCP grants nothing, and
// RCPFullAWSAccess allows everything wherever RCPs are enabled); a deny whose condition cannot be
// decided from what the trust says about its caller is not applied: unknown is not a deny.
import type { TrustPrincipalType } from '../../src/model/records.js';
import type { GuardrailLevel } from './guardrails.js';
import { globMatch, list, statementsOf, type PolicyStatement } from './policy.js';

/** What a condition key is for one caller: a value, absent from the request, outside the organisation (a value, not ours), or unknown. */
type Fact = { value: string } | { absent: true } | { outsideOrg: string } | { unknown: true };

export interface RcpCaller {
  principal: string;
  principalType: TrustPrincipalType;
  /** The caller's account, when the trust names one. */
  account?: string | null;
  saml?: boolean;
}

export interface RcpContext {
  orgId: string | null;
  estateAccounts: ReadonlySet<string>;
}

const ABSENT: Fact = { absent: true };
const UNKNOWN: Fact = { unknown: true };

/** The STS action the caller uses and the condition keys its request carries. */
function requestOf(c: RcpCaller, ctx: RcpContext): { action: string; facts: Record<string, Fact> } | null {
  const notService = { 'aws:principalisawsservice': { value: 'false' } as Fact };
  switch (c.principalType) {
    case 'identity':
    case 'account':
    case 'external-account': {
      if (!c.account) return null; // a canonical user or a deleted principal's id
      const inOrg = ctx.estateAccounts.has(c.account);
      const org: Fact = inOrg ? (ctx.orgId ? { value: ctx.orgId } : UNKNOWN) : ctx.orgId ? { outsideOrg: ctx.orgId } : UNKNOWN;
      const arn: Fact = c.principalType === 'identity' && c.principal.startsWith('arn:') ? { value: c.principal } : UNKNOWN;
      return { action: 'sts:AssumeRole', facts: { ...notService, 'aws:principalorgid': org, 'aws:principalaccount': { value: c.account }, 'aws:principalarn': arn } };
    }
    case 'wildcard':
      // "Anyone" matters for who is outside: judged as an outside caller (members of the organisation need their own permission anyway).
      return ctx.orgId ? { action: 'sts:AssumeRole', facts: { ...notService, 'aws:principalorgid': { outsideOrg: ctx.orgId }, 'aws:principalaccount': UNKNOWN, 'aws:principalarn': UNKNOWN } } : null;
    case 'service':
      return { action: 'sts:AssumeRole', facts: { 'aws:principalisawsservice': { value: 'true' }, 'aws:principalorgid': ABSENT, 'aws:principalaccount': ABSENT, 'aws:principalarn': ABSENT } };
    case 'federated':
      // A web identity or SAML session is no AWS principal: the aws:Principal* keys are absent.
      return { action: c.saml ? 'sts:AssumeRoleWithSAML' : 'sts:AssumeRoleWithWebIdentity', facts: { ...notService, 'aws:principalorgid': ABSENT, 'aws:principalaccount': ABSENT, 'aws:principalarn': ABSENT } };
  }
  return null;
}

/** One condition operator on one key: true, false, or null when it cannot be decided. */
function operatorHolds(op: string, fact: Fact, values: string[]): boolean | null {
  const ifExists = /IfExists$/.test(op);
  const base = op.replace(/IfExists$/, '');
  const negated = /^StringNot|^ArnNot/.test(base);
  if (base === 'Null') {
    const wantAbsent = values.some((v) => v.toLowerCase() === 'true');
    if ('unknown' in fact) return null;
    return ('absent' in fact) === wantAbsent;
  }
  if ('absent' in fact) return ifExists || negated; // a missing key fails a positive test and passes a negated one
  if ('unknown' in fact) return null;
  let match: boolean | null;
  if (base === 'Bool') match = 'value' in fact ? values.some((v) => v.toLowerCase() === fact.value) : null;
  else if (/^String(Not)?Equals(IgnoreCase)?$|^String(Not)?Like$|^Arn(Not)?(Equals|Like)$/.test(base)) {
    const like = /Like|^Arn/.test(base);
    const ci = /IgnoreCase/.test(base);
    if ('value' in fact) match = values.some((v) => (like ? globMatch(v, fact.value, ci) : ci ? v.toLowerCase() === fact.value.toLowerCase() : v === fact.value));
    else match = values.every((v) => v === fact.outsideOrg) ? false : null; // outside the organisation: only "is it ours" is known
  } else return null; // ForAnyValue:, numeric, date, IP…: not decided here
  if (match === null) return null;
  return negated ? !match : match;
}

/** Do all of the statement's conditions hold for the caller? null when one cannot be decided. */
function conditionsHold(s: PolicyStatement, facts: Record<string, Fact>): boolean | null {
  let undecided = false;
  for (const [op, block] of Object.entries(s.Condition ?? {})) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, raw] of Object.entries(block)) {
      const fact = facts[key.toLowerCase()] ?? UNKNOWN;
      const r = operatorHolds(op, fact, (Array.isArray(raw) ? raw : [raw]).map(String));
      if (r === false) return false;
      if (r === null) undecided = true;
    }
  }
  return undecided ? null : true;
}

const covers = (patterns: string[], value: string, ci: boolean) => patterns.some((p) => globMatch(p, value, ci));

/**
 * The resource control policy statement that denies this caller assuming the role, as evidence,
 * or null. `levels` is the role's account path (empty for the management account, and for a
 * service-linked role pass none: RCPs do not restrict them).
 */
export function rcpDenial(levels: GuardrailLevel[] | undefined, roleArn: string, caller: RcpCaller, ctx: RcpContext): string | null {
  if (!levels?.length) return null;
  const req = requestOf(caller, ctx);
  if (!req) return null;
  for (const level of levels) {
    for (const policy of level.policies) {
      const statements = statementsOf(policy.document);
      for (let index = 0; index < statements.length; index++) {
        const s = statements[index] as PolicyStatement;
        if (String(s.Effect ?? '').toLowerCase() !== 'deny') continue;
        const action = s.Action !== undefined ? covers(list(s.Action), req.action, true) : s.NotAction !== undefined ? !covers(list(s.NotAction), req.action, true) : false;
        const resource = s.Resource !== undefined ? covers(list(s.Resource), roleArn, false) : s.NotResource !== undefined ? !covers(list(s.NotResource), roleArn, false) : false;
        if (!action || !resource || conditionsHold(s, req.facts) !== true) continue;
        const label = `${policy.name} statement ${s.Sid ? `"${s.Sid}"` : `#${index + 1}`}`;
        return `resource control policy ${label} (attached to ${level.target}) denies ${req.action} on ${roleArn} to ${caller.principal}`;
      }
    }
  }
  return null;
}
