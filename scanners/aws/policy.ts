// IAM identity-policy analysis: which grants make an identity admin-equivalent.
// Wildcard matching follows IAM's own rules: `*` matches any run of characters, `?` one
// character; actions match case-insensitively, resources case-sensitively. Explicit
// denies win over allows, a permissions boundary caps what identity policies allow,
// NotAction/NotResource allow everything they do not name.
import type { Privilege } from '../../src/model/records.js';
import { COMPUTE_SERVICES, type AwsActsAs, type ResourcePattern, type ResourceRule } from '../../src/reach/aws-acts-as.js';

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement?: PolicyStatement | PolicyStatement[];
}

/** One policy attached to an identity, however it got there. */
export interface PolicySource {
  /** Policy name (managed) or inline policy name. */
  name: string;
  /** Managed policy ARN; absent for inline policies. */
  arn?: string;
  /** How the identity has it: direct, inline, group:<name>, group:<name>:inline. */
  via: string;
  /** Parsed document, or null when it could not be read. */
  document: PolicyDocument | null;
}

/** Parse a policy document as IAM returns it (URL-encoded JSON in the query API, plain JSON elsewhere). */
/**
 * IAM allows 10,240 characters in a role's inline policies together (6,144 in a managed policy);
 * URL-encoded that stays well under this. A longer document is not read: a broken or hostile
 * endpoint must not make one document cost gigabytes.
 */
export const MAX_POLICY_DOCUMENT_CHARS = 131_072;

export function isOversizedPolicy(text: string | undefined | null): boolean {
  return typeof text === 'string' && text.length > MAX_POLICY_DOCUMENT_CHARS;
}

export function parsePolicyDocument(text: string | undefined | null): PolicyDocument | null {
  if (!text || isOversizedPolicy(text)) return null;
  let s = text.trim();
  if (!s.startsWith('{')) {
    try {
      s = decodeURIComponent(s);
    } catch {
      return null;
    }
  }
  try {
    const doc = JSON.parse(s) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as PolicyDocument) : null;
  } catch {
    return null;
  }
}

export function list(x: unknown): string[] {
  if (x === undefined || x === null) return [];
  if (Array.isArray(x)) return x.filter((v): v is string => typeof v === 'string');
  return typeof x === 'string' ? [x] : [];
}

export function statementsOf(doc: PolicyDocument | null): PolicyStatement[] {
  if (!doc || doc.Statement === undefined || doc.Statement === null) return [];
  const s = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return s.filter((x): x is PolicyStatement => typeof x === 'object' && x !== null);
}

const globCache = new Map<string, RegExp>();

/** IAM wildcard match: `*` any run, `?` one character. */
export function globMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    if (globCache.size > 5000) globCache.clear();
    globCache.set(key, re);
  }
  return re.test(value);
}

/** A statement flattened with where it came from, for evidence. */
export interface Stmt {
  allow: boolean;
  actions: string[] | null;
  notActions: string[] | null;
  resources: string[] | null;
  notResources: string[] | null;
  conditional: boolean;
  source: PolicySource;
  index: number;
  sid: string | null;
}

export function flatten(sources: PolicySource[]): Stmt[] {
  const out: Stmt[] = [];
  for (const source of sources) {
    statementsOf(source.document).forEach((s, index) => {
      const effect = String(s.Effect ?? '').toLowerCase();
      if (effect !== 'allow' && effect !== 'deny') return;
      out.push({
        allow: effect === 'allow',
        actions: s.Action !== undefined ? list(s.Action) : null,
        notActions: s.NotAction !== undefined ? list(s.NotAction) : null,
        resources: s.Resource !== undefined ? list(s.Resource) : null,
        notResources: s.NotResource !== undefined ? list(s.NotResource) : null,
        conditional: !!s.Condition && typeof s.Condition === 'object' && Object.keys(s.Condition).length > 0,
        source,
        index,
        sid: typeof s.Sid === 'string' && s.Sid ? s.Sid : null,
      });
    });
  }
  return out;
}

export function statementLabel(s: Stmt): string {
  const where = s.source.via === 'direct' ? '' : ` (${s.source.via})`;
  return `${s.source.name}${where} statement ${s.sid ? (/^#\d+$/.test(s.sid) ? s.sid : `"${s.sid}"`) : `#${s.index + 1}`}`;
}

const isAllWildcard = (p: string) => /^\*+(:\*+)?$/.test(p.trim());

/** Does the statement cover the concrete action (or, for `*`, every action)? Returns the matching pattern. */
export function coversAction(s: Stmt, action: string): string | null {
  if (action === '*') {
    if (s.actions) return s.actions.find(isAllWildcard) ?? null;
    return null; // NotAction always leaves something out
  }
  if (s.actions) return s.actions.find((p) => globMatch(p, action, true)) ?? null;
  if (s.notActions) return s.notActions.some((p) => globMatch(p, action, true)) ? null : `NotAction ${JSON.stringify(s.notActions)}`;
  return null;
}

const servicePart = (p: string) => p.split(':')[0] ?? '';
const namePart = (p: string) => p.split(':')[1] ?? '';
/** The pattern covers every action of the service (`iam:*`, `i*:*`, `*`). */
const wholeService = (p: string, svc: string) => isAllWildcard(p) || (globMatch(servicePart(p), svc, true) && namePart(p) !== '' && namePart(p).replace(/\*/g, '') === '');
/** The pattern may match some action of the service. */
const someOfService = (p: string, svc: string) => isAllWildcard(p) || globMatch(servicePart(p), svc, true);

/** Does the statement cover every action of a service (`iam:*`)? Returns the matching pattern. */
export function coversService(s: Stmt, service: string): string | null {
  if (s.actions) return s.actions.find((p) => wholeService(p, service)) ?? null;
  if (s.notActions) return s.notActions.some((p) => someOfService(p, service)) ? null : `NotAction ${JSON.stringify(s.notActions)}`;
  return null;
}

/** Does the statement touch any action of the service at all? */
function touchesService(s: Stmt, service: string): boolean {
  if (s.actions) return s.actions.some((p) => someOfService(p, service));
  if (s.notActions) return !s.notActions.some((p) => wholeService(p, service));
  return false;
}

/** Substitute the policy variables IAM resolves for the caller. */
function substitute(pattern: string, vars: Record<string, string>): string {
  return pattern.replace(/\$\{([^}]+)\}/g, (m, name: string) => vars[name.toLowerCase()] ?? m);
}

/** Does the statement apply to the resource? `*` asks for "every resource". */
export function coversResource(s: Stmt, resource: string, vars: Record<string, string> = {}): string | null {
  if (resource === '*') {
    if (s.resources) return s.resources.find(isAllWildcard) ?? null;
    if (s.notResources) return s.notResources.length === 0 ? 'NotResource []' : null;
    return null;
  }
  if (s.resources) return s.resources.find((p) => globMatch(substitute(p, vars), resource, false)) ?? null;
  if (s.notResources) return s.notResources.some((p) => globMatch(substitute(p, vars), resource, false)) ? null : `NotResource ${JSON.stringify(s.notResources)}`;
  return null;
}

export interface Allowance {
  stmt: Stmt;
  actionPattern: string;
  resourcePattern: string;
  resource: string;
}

export interface IdentityPolicies {
  /** The identity's own ARN, account and name (for self-targeted escalation and policy variables). */
  arn: string;
  accountId: string;
  name: string;
  kind: 'user' | 'role';
  /** Every identity policy (attached, inline, via groups). */
  policies: PolicySource[];
  /** Permissions boundary policy, when one is set and readable. */
  boundary?: PolicySource | null;
  /**
   * Organisation guardrails (service control policies), one list per level of the account's
   * path (root, each OU, the account): every level must allow, a deny at any level wins.
   */
  guardrails?: PolicySource[][];
}

export interface Analysis {
  /** Per policy (same order as input): privilege and the evidence for it. */
  grants: { source: PolicySource; privilege: Privilege; evidence: string }[];
  admin: boolean;
}

interface Probe {
  action: string;
  /** Resources to test; `*` = every resource. */
  resources: string[];
}

interface Check {
  id: string;
  title: string;
  probes: (p: IdentityPolicies) => Probe[];
}

const iamArn = (p: IdentityPolicies, type: string, name = 'nhi-any') => `arn:aws:iam::${p.accountId}:${type}/${name}`;

/** Escalation primitives: any one on every resource (or on the identity itself) is admin-equivalent. */
export const ESCALATION_CHECKS: Check[] = [
  { id: 'policy-version', title: 'can rewrite a managed policy (iam:CreatePolicyVersion)', probes: (p) => [{ action: 'iam:CreatePolicyVersion', resources: [iamArn(p, 'policy')] }] },
  { id: 'default-version', title: 'can switch a managed policy to another version (iam:SetDefaultPolicyVersion)', probes: (p) => [{ action: 'iam:SetDefaultPolicyVersion', resources: [iamArn(p, 'policy')] }] },
  { id: 'attach-user', title: 'can attach any policy to a user (iam:AttachUserPolicy)', probes: (p) => [{ action: 'iam:AttachUserPolicy', resources: [iamArn(p, 'user'), ...(p.kind === 'user' ? [p.arn] : [])] }] },
  { id: 'attach-group', title: 'can attach any policy to a group (iam:AttachGroupPolicy)', probes: (p) => [{ action: 'iam:AttachGroupPolicy', resources: [iamArn(p, 'group')] }] },
  { id: 'attach-role', title: 'can attach any policy to a role (iam:AttachRolePolicy)', probes: (p) => [{ action: 'iam:AttachRolePolicy', resources: [iamArn(p, 'role'), ...(p.kind === 'role' ? [p.arn] : [])] }] },
  { id: 'put-user', title: 'can write an inline policy on a user (iam:PutUserPolicy)', probes: (p) => [{ action: 'iam:PutUserPolicy', resources: [iamArn(p, 'user'), ...(p.kind === 'user' ? [p.arn] : [])] }] },
  { id: 'put-group', title: 'can write an inline policy on a group (iam:PutGroupPolicy)', probes: (p) => [{ action: 'iam:PutGroupPolicy', resources: [iamArn(p, 'group')] }] },
  { id: 'put-role', title: 'can write an inline policy on a role (iam:PutRolePolicy)', probes: (p) => [{ action: 'iam:PutRolePolicy', resources: [iamArn(p, 'role'), ...(p.kind === 'role' ? [p.arn] : [])] }] },
  { id: 'add-to-group', title: 'can add users to any group (iam:AddUserToGroup)', probes: (p) => [{ action: 'iam:AddUserToGroup', resources: [iamArn(p, 'group')] }] },
  { id: 'create-key', title: "can create access keys for other users (iam:CreateAccessKey)", probes: (p) => [{ action: 'iam:CreateAccessKey', resources: [iamArn(p, 'user')] }] },
  { id: 'login-profile', title: "can set other users' console passwords (iam:CreateLoginProfile)", probes: (p) => [{ action: 'iam:CreateLoginProfile', resources: [iamArn(p, 'user')] }] },
  { id: 'update-login', title: "can reset other users' console passwords (iam:UpdateLoginProfile)", probes: (p) => [{ action: 'iam:UpdateLoginProfile', resources: [iamArn(p, 'user')] }] },
  { id: 'trust-policy', title: 'can rewrite any role trust policy (iam:UpdateAssumeRolePolicy)', probes: (p) => [{ action: 'iam:UpdateAssumeRolePolicy', resources: [iamArn(p, 'role')] }] },
];

export interface Verdict {
  allowed: boolean;
  by?: Allowance;
  deniedBy?: Stmt;
  cappedByBoundary?: boolean;
}

function vars(p: IdentityPolicies): Record<string, string> {
  return {
    'aws:username': p.kind === 'user' ? p.name : '',
    'aws:principalaccount': p.accountId,
    'aws:principalarn': p.arn,
  };
}

function firstAllow(stmts: Stmt[], action: string, resources: string[], v: Record<string, string>): Allowance | null {
  for (const s of stmts) {
    if (!s.allow) continue;
    const ap = coversAction(s, action);
    if (!ap) continue;
    for (const r of resources) {
      const rp = coversResource(s, r, v);
      if (rp) return { stmt: s, actionPattern: ap, resourcePattern: rp, resource: r };
    }
  }
  return null;
}

function firstDeny(stmts: Stmt[], action: string, resource: string, v: Record<string, string>): Stmt | null {
  for (const s of stmts) {
    if (s.allow || s.conditional) continue; // a conditional deny may not apply: do not let it hide admin
    if (action === '*') {
      // Full access is only full when nothing at all is denied on every resource.
      if ((s.actions || s.notActions) && coversResource(s, '*', v)) return s;
      continue;
    }
    if (coversAction(s, action) && coversResource(s, resource, v)) return s;
  }
  return null;
}

/**
 * What must allow an action besides the identity's own policies: its permissions boundary (when
 * readable) and each level of the organisation's guardrails (a level none of whose policies could
 * be read is left out: unknown is not a deny).
 */
export function capsOf(p: IdentityPolicies): Stmt[][] {
  const caps: Stmt[][] = [];
  if (p.boundary?.document) caps.push(flatten([p.boundary]));
  for (const level of p.guardrails ?? []) if (level.length && level.every((s) => s.document)) caps.push(flatten(level));
  return caps;
}

/** Is `action` allowed on one of `resources` for the identity, given its allows, denies, boundary and guardrails? */
export function evaluate(allows: Stmt[], all: Stmt[], caps: Stmt[][], p: IdentityPolicies, action: string, resources: string[]): Verdict {
  const v = vars(p);
  for (const r of resources) {
    const by = firstAllow(allows, action, [r], v);
    if (!by) continue;
    let deniedBy = firstDeny(all, action, r, v);
    for (const c of caps) deniedBy ??= firstDeny(c, action, r, v);
    if (deniedBy) return { allowed: false, by, deniedBy };
    if (caps.some((c) => !firstAllow(c, action, [r], v))) return { allowed: false, by, cappedByBoundary: true };
    return { allowed: true, by };
  }
  return { allowed: false };
}

function describe(a: Allowance, action: string): string {
  const cond = a.stmt.conditional ? ' (with conditions)' : '';
  const act = a.actionPattern === action ? action : `${action} via ${a.actionPattern}`;
  const res = a.resource === '*' ? '*' : a.resourcePattern === a.resource ? a.resource : `${a.resourcePattern}`;
  return `${statementLabel(a.stmt)} allows ${act} on ${res}${cond}`;
}

/** Which admin-equivalence a set of allows reaches; null when none. */
function adminVerdict(allows: Stmt[], all: Stmt[], caps: Stmt[][], p: IdentityPolicies): string | null {
  const v = vars(p);
  // 1. Full access: an allow of every action on every resource, nothing denied, boundary not limiting.
  const full = firstAllow(allows, '*', ['*'], v);
  if (full && !firstDeny(all, '*', '*', v) && !caps.some((c) => !firstAllow(c, '*', ['*'], v) || firstDeny(c, '*', '*', v))) {
    return `full access: ${describe(full, '*')}`;
  }
  // 2. Every IAM action on every resource.
  for (const s of allows) {
    const ap = coversService(s, 'iam');
    if (!ap) continue;
    const rp = coversResource(s, '*', v);
    if (!rp) continue;
    const denied = all.some((d) => !d.allow && !d.conditional && touchesService(d, 'iam') && coversResource(d, '*', v));
    const capped = caps.some((c) => !c.some((b) => b.allow && coversService(b, 'iam') && coversResource(b, '*', v)) || c.some((d) => !d.allow && !d.conditional && touchesService(d, 'iam')));
    if (!denied && !capped) return `all IAM actions: ${statementLabel(s)} allows ${ap === 'iam:*' ? 'iam:*' : `iam:* via ${ap}`} on *${s.conditional ? ' (with conditions)' : ''}`;
  }
  // 3. Privilege-escalation primitives.
  for (const c of ESCALATION_CHECKS) {
    for (const probe of c.probes(p)) {
      const verdict = evaluate(allows, all, caps, p, probe.action, probe.resources);
      if (verdict.allowed && verdict.by) return `privilege escalation, ${c.title}: ${describe(verdict.by, probe.action)}`;
    }
  }
  // PassRole and changing compute are edges to the roles they reach (actsAsFacts), not admin on their own.
  return null;
}

const READ_VERBS = /^(get|list|describe|batchget|search|lookup|view|query|scan|head|select|read|test|simulate|preview|estimate|validate|verify|check|filter|retrieve|download|export|generate(credentialreport|servicelastaccesseddetails))/i;

/** Read-only when every action pattern is a read verb (or a wildcard over read verbs only). */
function actionIsRead(pattern: string): boolean {
  const [, name] = pattern.split(':');
  if (name === undefined) return false;
  if (name.startsWith('*')) return false;
  return READ_VERBS.test(name.replace(/\*.*$/, '')) && (!name.includes('*') || READ_VERBS.test(name.slice(0, name.indexOf('*'))));
}

/** Non-admin privilege of one policy: write when it allows any change, read when only reads. */
function plainPrivilege(stmts: Stmt[]): { privilege: Privilege; evidence: string } {
  const allows = stmts.filter((s) => s.allow);
  if (allows.length === 0) return { privilege: 'read', evidence: 'grants no Allow statement' };
  for (const s of allows) {
    if (s.notActions) return { privilege: 'write', evidence: `${statementLabel(s)} allows everything except ${JSON.stringify(s.notActions)}` };
    const w = (s.actions ?? []).find((a) => !actionIsRead(a));
    if (w) return { privilege: 'write', evidence: `${statementLabel(s)} allows ${w}` };
  }
  const first = allows[0];
  return { privilege: 'read', evidence: `${statementLabel(first)} allows only read actions (${(first.actions ?? []).slice(0, 3).join(', ')})` };
}

/** Analyse an identity's policies: privilege per policy and whether the identity is admin-equivalent. */
export function analyseIdentity(p: IdentityPolicies): Analysis {
  const all = flatten(p.policies);
  const caps = capsOf(p);
  const uncapped = p.guardrails?.length ? capsOf({ ...p, guardrails: [] }) : null;
  const grants = p.policies.map((source) => {
    if (!source.document) return { source, privilege: 'unknown' as Privilege, evidence: 'policy document could not be read' };
    const own = all.filter((s) => s.source === source);
    const admin = adminVerdict(own, all, caps, p);
    if (admin) return { source, privilege: 'admin' as Privilege, evidence: admin };
    const plain = plainPrivilege(own);
    const lowered = uncapped ? adminVerdict(own, all, uncapped, p) : null;
    if (lowered) return { source, privilege: plain.privilege, evidence: `${plain.evidence}; not admin because of the organisation's service control policies (without them: ${lowered})` };
    return { source, ...plain };
  });
  return { grants, admin: grants.some((g) => g.privilege === 'admin') };
}

/**
 * The part of an identity's policies that can allow sts:AssumeRole (null when nothing does), kept
 * per identity until the account's admin roles are known, to find who can reach them.
 */
export function assumeRelevant(p: IdentityPolicies): IdentityPolicies | null {
  const reduce = (src: PolicySource): PolicySource => {
    if (!src.document) return { ...src, document: null };
    const kept = statementsOf(src.document)
      .map((st, i) => ({ st, i }))
      .filter(({ st }) => {
        const f = flatten([{ ...src, document: { Statement: [st] } }])[0];
        return f ? coversAction(f, 'sts:AssumeRole') !== null : false;
      })
      // Keep the original statement number for evidence.
      .map(({ st, i }) => ({ ...st, Sid: st.Sid || `#${i + 1}` }));
    return { ...src, document: { Version: src.document.Version, Statement: kept } };
  };
  const policies = p.policies.map(reduce).filter((s) => statementsOf(s.document).length > 0);
  if (!flatten(policies).some((s) => s.allow)) return null;
  return { ...p, policies };
}

/** Can the identity call sts:AssumeRole on the role (identity policies, denies, boundary)? */
export function assumeVerdict(p: IdentityPolicies, roleArn: string): Verdict {
  const all = flatten(p.policies);
  return evaluate(all.filter((s) => s.allow), all, capsOf(p), p, 'sts:AssumeRole', [roleArn]);
}

export function describeAllowance(a: Allowance, action: string): string {
  return describe(a, action);
}

/** The resource patterns of a statement, policy variables resolved. */
function patternsOf(s: Stmt, v: Record<string, string>): ResourcePattern[] {
  if (s.resources) return s.resources.map((r) => substitute(r, v));
  if (s.notResources) return [{ not: s.notResources.map((r) => substitute(r, v)) }];
  return [];
}

/** Where the identity may call the action: its allows, its unconditional denies and every cap's. */
function ruleFor(all: Stmt[], caps: Stmt[][], p: IdentityPolicies, action: string): ResourceRule | undefined {
  const v = vars(p);
  const allows = all.filter((s) => s.allow && coversAction(s, action));
  const first = allows[0];
  if (!first) return undefined;
  const deny = [all, ...caps].flatMap((list) => list.filter((s) => !s.allow && !s.conditional && coversAction(s, action)).flatMap((s) => patternsOf(s, v)));
  if (deny.includes('*')) return undefined;
  const capPatterns = caps.map((c) => c.filter((s) => s.allow && coversAction(s, action)).flatMap((s) => patternsOf(s, v)));
  if (capPatterns.some((c) => c.length === 0)) return undefined;
  const on = first.resources ? first.resources.join(', ') : `all but ${JSON.stringify(first.notResources ?? [])}`;
  return { allow: allows.flatMap((s) => patternsOf(s, v)), deny, ...(capPatterns.length ? { caps: capPatterns } : {}), by: `${statementLabel(first)} allows ${action} on ${on}${first.conditional ? ' (with conditions)' : ''}` };
}

/** The statement allowing the action on some resource (not everything denied or capped), or null. */
function allowedSomewhere(all: Stmt[], caps: Stmt[][], p: IdentityPolicies, action: string): string | null {
  const rule = ruleFor(all, caps, p, action);
  if (!rule) return null;
  // Each allowed pattern stands for a resource of its own shape; NotResource for one it does not name.
  const probes = rule.allow.map((x) => (typeof x === 'string' ? x : 'arn:aws:nhi:::resource-not-named'));
  const verdict = evaluate(all.filter((s) => s.allow), all, caps, p, action, probes);
  return verdict.allowed && verdict.by ? describe(verdict.by, action) : null;
}

/**
 * What the identity's own policies let it become, for reach to match against roles once every
 * account is read: sts:AssumeRole and iam:PassRole resources, compute it may create or change
 * (empty when it may do none of these: a caller known to be unable to assume anything).
 */
export function actsAsFacts(p: IdentityPolicies): AwsActsAs {
  const all = flatten(p.policies);
  // A policy that could not be read may allow more: reach then keeps edges it cannot verify.
  const out: AwsActsAs = p.policies.some((x) => !x.document) ? { partial: true } : {};
  if (!all.some((s) => s.allow)) return out;
  const caps = capsOf(p);
  const assume = ruleFor(all, caps, p, 'sts:AssumeRole');
  if (assume) out.assume = assume;
  const passRole = ruleFor(all, caps, p, 'iam:PassRole');
  if (passRole) out.passRole = passRole;
  for (const svc of COMPUTE_SERVICES) {
    for (const [kind, actions] of [['create', passRole ? svc.create : []], ['change', svc.change]] as const) {
      for (const action of actions) {
        const by = allowedSomewhere(all, caps, p, action);
        if (by) (out[kind] ??= {})[action] = by;
      }
    }
  }
  return out;
}
