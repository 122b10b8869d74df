// Organisation guardrails, read once from the management (or delegated administrator) account and
// attached to each account through its path root → OUs → account:
// - service control policies cap what identities of an account may do: each level must allow, a
//   deny anywhere wins; service-linked roles are not subject to them;
// - resource control policies cap what anyone may do to the account's resources (here: assume its
//   roles), whoever the caller is; read only when the organisation has them enabled.
// Neither applies to the management account.
import {
  DescribePolicyCommand,
  ListChildrenCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
  type Child,
  type ChildType,
  type PolicySummary,
  type PolicyTargetSummary,
  type Root,
} from '@aws-sdk/client-organizations';
import { mapLimit, PageGuard } from '../../src/scanners/toolkit/index.js';
import { errorInfo, isAccessDenied } from './clients.js';
import { parsePolicyDocument, type PolicyDocument } from './policy.js';

export interface GuardrailPolicy {
  id: string;
  name: string;
  document: PolicyDocument | null;
}

/** One level of an account's path (the root, an OU, the account) and the policies attached there. */
export interface GuardrailLevel {
  target: string;
  policies: GuardrailPolicy[];
}

export interface Guardrails {
  /** Service control policies per account: its levels from the root down; absent for the management account. */
  byAccount: Map<string, GuardrailLevel[]>;
  /** Why service control policies are not applied, when they could not be read. */
  note: string | null;
  /** Resource control policies per account, like `byAccount`; empty when the policy type is not enabled. */
  rcpByAccount: Map<string, GuardrailLevel[]>;
  /** Why resource control policies are not applied, when they could not be read. */
  rcpNote: string | null;
}

type Send = <T>(cmd: object) => Promise<T>;
type PolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

async function paged<T>(what: string, call: (token: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const out: T[] = [];
  const guard = new PageGuard(what);
  let token: string | undefined;
  do {
    guard.next(token);
    const page = await call(token);
    out.push(...page.items);
    token = page.next;
  } while (token);
  return out;
}

/** Every policy of one type with its document, by the target (root, OU, account) it is attached to. */
async function attachedPolicies(send: Send, type: PolicyType): Promise<Map<string, GuardrailPolicy[]>> {
  const policies = await paged<PolicySummary>(`organizations:ListPolicies ${type}`, async (t) => {
    const r = await send<{ Policies?: PolicySummary[]; NextToken?: string }>(new ListPoliciesCommand({ Filter: type, NextToken: t }));
    return { items: r.Policies ?? [], next: r.NextToken };
  });
  const attached = new Map<string, GuardrailPolicy[]>();
  for (const p of policies) {
    if (!p.Id) continue;
    const d = await send<{ Policy?: { Content?: string } }>(new DescribePolicyCommand({ PolicyId: p.Id }));
    const policy: GuardrailPolicy = { id: p.Id, name: p.Name ?? p.Id, document: parsePolicyDocument(d.Policy?.Content) };
    const targets = await paged<PolicyTargetSummary>(`organizations:ListTargetsForPolicy ${p.Id}`, async (t) => {
      const r = await send<{ Targets?: PolicyTargetSummary[]; NextToken?: string }>(new ListTargetsForPolicyCommand({ PolicyId: p.Id, NextToken: t }));
      return { items: r.Targets ?? [], next: r.NextToken };
    });
    for (const t of targets) if (t.TargetId) (attached.get(t.TargetId) ?? attached.set(t.TargetId, []).get(t.TargetId))!.push(policy);
  }
  return attached;
}

/**
 * Each member account's path from the root down (root, OUs, the account); the management account has
 * none. The tree is walked from the roots (ListChildren: a call per page of each root's and OU's
 * children, a level of OUs at a time), not climbed from each account (ListParents: a call per account
 * and per OU, one after another: 49 calls and 1.5 s of a 50-account organisation's discovery).
 */
async function accountPaths(send: Send, roots: string[], accounts: string[], managementAccount: string | null): Promise<Map<string, string[]>> {
  const wanted = new Set(accounts);
  if (managementAccount) wanted.delete(managementAccount); // organisation policies do not apply to the management account
  const children = (parent: string, type: ChildType) =>
    paged<Child>(`organizations:ListChildren ${parent} ${type}`, async (t) => {
      const r = await send<{ Children?: Child[]; NextToken?: string }>(new ListChildrenCommand({ ParentId: parent, ChildType: type, NextToken: t }));
      return { items: r.Children ?? [], next: r.NextToken };
    });
  const paths = new Map<string, string[]>();
  // OUs nest at most five deep under a root.
  let level = roots.map((r) => [r]);
  for (let depth = 0; level.length > 0 && depth < 8; depth++) {
    const below = await mapLimit(level, 4, async (path) => {
      const parent = path[path.length - 1]!;
      for (const a of await children(parent, 'ACCOUNT')) if (a.Id && wanted.has(a.Id)) paths.set(a.Id, [...path, a.Id]);
      return (await children(parent, 'ORGANIZATIONAL_UNIT')).flatMap((ou) => (ou.Id ? [[...path, ou.Id]] : []));
    });
    level = below.flat();
  }
  return paths;
}

const levelsOf = (paths: Map<string, string[]>, attached: Map<string, GuardrailPolicy[]>) =>
  new Map([...paths].map(([account, path]) => [account, path.map((target) => ({ target, policies: attached.get(target) ?? [] }))]));

/** The organisation's roots (ListRoots), with the policy types enabled in each. */
function listRoots(send: Send): Promise<Root[]> {
  return paged<Root>('organizations:ListRoots', async (t) => {
    const r = await send<{ Roots?: Root[]; NextToken?: string }>(new ListRootsCommand({ NextToken: t }));
    return { items: r.Roots ?? [], next: r.NextToken };
  });
}

const enabledIn = (roots: Root[], type: PolicyType) => roots.some((r) => (r.PolicyTypes ?? []).some((p) => p.Type === type && p.Status === 'ENABLED'));

/** Service control policies and resource control policies over each account; a denied read is a note, never a failure. */
export async function readGuardrails(org: OrganizationsClient, accounts: string[], managementAccount: string | null, signal: AbortSignal): Promise<Guardrails> {
  const send: Send = <T>(cmd: object) => (org.send.bind(org) as (c: never, o: unknown) => Promise<unknown>)(cmd as never, { abortSignal: signal }) as Promise<T>;
  let roots: Promise<Root[]> | null = null;
  const rootsOnce = () => (roots ??= listRoots(send));
  let paths: Promise<Map<string, string[]>> | null = null;
  const pathsOnce = () => (paths ??= rootsOnce().then((r) => accountPaths(send, r.flatMap((x) => (x.Id ? [x.Id] : [])), accounts, managementAccount)));
  const out: Guardrails = { byAccount: new Map(), note: null, rcpByAccount: new Map(), rcpNote: null };
  // A policy type that cannot be read is not applied, with a note saying what that overstates.
  const read = async (what: string, grant: string, consequence: string, work: () => Promise<void>): Promise<string | null> => {
    try {
      await work();
      return null;
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      const { code, message } = errorInfo(err);
      if (/PolicyTypeNotEnabled/.test(code)) return null; // none in this organisation is no note
      return `${what} could not be read (${code}: ${message}), so they are not applied: ${consequence}.${isAccessDenied(err) ? ` Grant ${grant} to read them.` : ''}`;
    }
  };
  out.note = await read('service control policies', 'organizations:ListRoots, ListPolicies, DescribePolicy, ListTargetsForPolicy and ListChildren', 'privilege may be overstated', async () => {
    out.byAccount = levelsOf(await pathsOnce(), await attachedPolicies(send, 'SERVICE_CONTROL_POLICY'));
  });
  out.rcpNote = await read(
    'resource control policies',
    'organizations:ListRoots, ListPolicies, DescribePolicy, ListTargetsForPolicy and ListChildren',
    'a role they would close to some callers still shows those callers reaching it',
    async () => {
      if (enabledIn(await rootsOnce(), 'RESOURCE_CONTROL_POLICY')) out.rcpByAccount = levelsOf(await pathsOnce(), await attachedPolicies(send, 'RESOURCE_CONTROL_POLICY'));
    },
  );
  return out;
}
