// Organisation guardrails: service control policies, read once from the management (or delegated
// administrator) account and attached to each account through its path root → OUs → account.
// An SCP caps what identities of an account may do: each level must allow, a deny anywhere wins;
// the management account and service-linked roles are not subject to them.
import {
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  type OrganizationsClient,
  type PolicySummary,
  type PolicyTargetSummary,
} from '@aws-sdk/client-organizations';
import { PageGuard } from '../../src/scanners/toolkit/index.js';
import { errorInfo, isAccessDenied } from './clients.js';
import { parsePolicyDocument, type PolicyDocument } from './policy.js';

export interface GuardrailPolicy {
  id: string;
  name: string;
  document: PolicyDocument | null;
}

/** One level of an account's path (the root, an OU, the account) and the SCPs attached there. */
export interface GuardrailLevel {
  target: string;
  policies: GuardrailPolicy[];
}

export interface Guardrails {
  /** Per account: its levels from the root down; absent for the management account. */
  byAccount: Map<string, GuardrailLevel[]>;
  /** Why guardrails are not applied, when they could not be read. */
  note: string | null;
}

type Send = <T>(cmd: object) => Promise<T>;

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

/** Every SCP with its document and targets, and each account's path to the root. */
export async function readGuardrails(org: OrganizationsClient, accounts: string[], managementAccount: string | null, signal: AbortSignal): Promise<Guardrails> {
  const send: Send = <T>(cmd: object) => (org.send.bind(org) as (c: never, o: unknown) => Promise<unknown>)(cmd as never, { abortSignal: signal }) as Promise<T>;
  const byAccount = new Map<string, GuardrailLevel[]>();
  try {
    const policies = await paged<PolicySummary>('organizations:ListPolicies', async (t) => {
      const r = await send<{ Policies?: PolicySummary[]; NextToken?: string }>(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY', NextToken: t }));
      return { items: r.Policies ?? [], next: r.NextToken };
    });
    const attached = new Map<string, GuardrailPolicy[]>(); // target id → policies
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
    const parentOf = new Map<string, string | null>();
    for (const account of accounts) {
      if (account === managementAccount) continue; // SCPs do not apply to the management account
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
      byAccount.set(account, path.map((target) => ({ target, policies: attached.get(target) ?? [] })));
    }
    return { byAccount, note: null };
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    const { code, message } = errorInfo(err);
    if (/PolicyTypeNotEnabled/.test(code)) return { byAccount, note: null }; // no SCPs in this organisation
    const fix = isAccessDenied(err) ? ' Grant organizations:ListPolicies, DescribePolicy, ListTargetsForPolicy and ListParents to read them.' : '';
    return { byAccount: new Map(), note: `service control policies could not be read (${code}: ${message}), so they are not applied: privilege may be overstated.${fix}` };
  }
}
