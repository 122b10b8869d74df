// Organisation guardrails, read once from the management (or delegated administrator) account and
// attached to each account through its path root → OUs → account:
// - service control policies cap what identities of an account may do: each level must allow, a
//   deny anywhere wins; service-linked roles are not subject to them;
// - resource control policies cap what anyone may do to the account's resources (here: assume its
//   roles), whoever the caller is; read only when the organisation has them enabled.
// Neither applies to the management account.
import {
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
  type PolicySummary,
  type PolicyTargetSummary,
  type Root,
} from '@aws-sdk/client-organizations';
import { PageGuard } from '../../src/scanners/toolkit/index.js';
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

/** Each member account's path from the root down (root, OUs, the account); the management account has none. */
async function accountPaths(send: Send, accounts: string[], managementAccount: string | null): Promise<Map<string, string[]>> {
  const parentOf = new Map<string, string | null>();
  const paths = new Map<string, string[]>();
  for (const account of accounts) {
    if (account === managementAccount) continue; // organisation policies do not apply to the management account
    const path = [account];
    for (let child = account, depth = 0; depth < 8; depth++) {
      let parent = parentOf.get(child);
      if (parent === undefined) {
        const r = await send<{ Parents?: { Id?: string; Type?: string }[] }>(new ListParentsCommand({ ChildId: child }));
        parent = r.Parents?.[0]?.Id ?? null;
        parentOf.set(child, parent);
      }
      if (!parent) break;
      path.unshift(parent);
      if (parent.startsWith('r-')) break;
      child = parent;
    }
    paths.set(account, path);
  }
  return paths;
}

const levelsOf = (paths: Map<string, string[]>, attached: Map<string, GuardrailPolicy[]>) =>
  new Map([...paths].map(([account, path]) => [account, path.map((target) => ({ target, policies: attached.get(target) ?? [] }))]));

/** Is the policy type enabled in the organisation's root (ListRoots)? */
async function enabledInRoot(send: Send, type: PolicyType): Promise<boolean> {
  const roots = await paged<Root>('organizations:ListRoots', async (t) => {
    const r = await send<{ Roots?: Root[]; NextToken?: string }>(new ListRootsCommand({ NextToken: t }));
    return { items: r.Roots ?? [], next: r.NextToken };
  });
  return roots.some((r) => (r.PolicyTypes ?? []).some((p) => p.Type === type && p.Status === 'ENABLED'));
}

/** Service control policies and resource control policies over each account; a denied read is a note, never a failure. */
export async function readGuardrails(org: OrganizationsClient, accounts: string[], managementAccount: string | null, signal: AbortSignal): Promise<Guardrails> {
  const send: Send = <T>(cmd: object) => (org.send.bind(org) as (c: never, o: unknown) => Promise<unknown>)(cmd as never, { abortSignal: signal }) as Promise<T>;
  let paths: Promise<Map<string, string[]>> | null = null;
  const pathsOnce = () => (paths ??= accountPaths(send, accounts, managementAccount));
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
  out.note = await read('service control policies', 'organizations:ListPolicies, DescribePolicy, ListTargetsForPolicy and ListParents', 'privilege may be overstated', async () => {
    out.byAccount = levelsOf(await pathsOnce(), await attachedPolicies(send, 'SERVICE_CONTROL_POLICY'));
  });
  out.rcpNote = await read(
    'resource control policies',
    'organizations:ListRoots, ListPolicies, DescribePolicy, ListTargetsForPolicy and ListParents',
    'a role they would close to some callers still shows those callers reaching it',
    async () => {
      if (await enabledInRoot(send, 'RESOURCE_CONTROL_POLICY')) out.rcpByAccount = levelsOf(await pathsOnce(), await attachedPolicies(send, 'RESOURCE_CONTROL_POLICY'));
    },
  );
  return out;
}
