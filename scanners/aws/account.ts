// One account, read in the order IAM's model needs: ask for the credential report (it generates
// meanwhile), the identity providers, the managed policies and groups (bounded by IAM quotas),
// the report, then users and roles page by page, each normalized and yielded as its page arrives
// (./identities.ts), and last who can reach an admin role.
import {
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
  type EntityType,
  type GetAccountAuthorizationDetailsCommandOutput,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { ErrorTally, isScanAbort, mapLimit, PageGuard } from '../../src/scanners/toolkit/index.js';
import { AwsScanError, errorInfo, explainAwsError, isAccessDenied, type AwsOptions } from './clients.js';
import { fetchReport, startReport, type ReportRow } from './credential-report.js';
import { normalizeRole, normalizeUser, reachableAdminRoles } from './identities.js';
import { isOversizedPolicy, MAX_POLICY_DOCUMENT_CHARS, parsePolicyDocument, type IdentityPolicies, type PolicyDocument } from './policy.js';
import type { TrustContext, TrustEdge } from './trust.js';
import type { GuardrailLevel } from './guardrails.js';
import { WELL_KNOWN_AWS_POLICIES } from './well-known.js';

export { ROLE_LAST_USED_WINDOW_DAYS } from './identities.js';

export interface AccountTargetData {
  accountId: string;
  /** Role to assume in this account (org mode); null = use the caller's credentials. */
  roleArn: string | null;
  /** Accounts of the scanned estate: the organisation's, or just this one. */
  estateAccounts: string[];
  orgId: string | null;
  /** Service control policies over this account, root first (empty outside an organisation scan). */
  guardrails?: GuardrailLevel[];
  /** Why service control policies are not applied, when they could not be read. */
  guardrailsNote?: string | null;
  /** Resource control policies over this account, root first (empty when not enabled, and for the management account). */
  resourceControls?: GuardrailLevel[];
  /** Why resource control policies are not applied, when they could not be read. */
  resourceControlsNote?: string | null;
}

export interface ManagedPolicy {
  arn: string;
  name: string;
  document: PolicyDocument | null;
  awsManaged: boolean;
}

export interface Group {
  name: string;
  attached: { name: string; arn: string }[];
  inline: { name: string; document: PolicyDocument | null }[];
}

/** What the steps of one account's scan share: the account, its clients, and what earlier steps read. */
export interface AccountScan {
  ctx: ScanContext<AwsOptions>;
  data: AccountTargetData;
  accountId: string;
  scope: string;
  signal: AbortSignal;
  send<T>(cmd: object): Promise<T>;
  /** Identity providers, for trust edges; `providersKnown` false when they could not be listed. */
  providers: Set<string>;
  providersKnown: boolean;
  policies: Map<string, ManagedPolicy>;
  groups: Map<string, Group>;
  /** A managed policy by ARN: from the authorization details, else fetched once (GetPolicy + GetPolicyVersion). */
  policyByArn(arn: string, name: string): Promise<ManagedPolicy>;
  /** Parses a policy document; one too large to be real is skipped and remembered in `oversized`. */
  readDoc(text: string | undefined, what: string): PolicyDocument | null;
  oversized: string[];
  /** Errors found while fetching policies, yielded with the next page. */
  pending: ScanRecord[];
  policyFetchDenied: boolean;
  /** Credential report rows by user name, or null without a report. */
  rows: Map<string, ReportRow> | null;
  trustCtx: TrustContext;
  /** Per-user failures (ListAccessKeys denied for 300 users): one error per operation and code. */
  keyErrors: ErrorTally;
  seenIdentities: Set<string>;
  adminIdentities: Set<string>;
  /** Identities whose own policies allow sts:AssumeRole somewhere (not admin on their own). */
  assumers: IdentityPolicies[];
  /** Admin roles and their same-account trust edges. */
  adminRoles: { arn: string; name: string; edges: TrustEdge[] }[];
}

/** The fix for a failure that is not a denial (timeouts, resets, server errors), when there is one. */
const explainFix = (err: unknown): string | undefined => explainAwsError(err).fix;
/** The explained code (`timeout`, `AccessDenied`…) with the SDK's message. */
const described = (err: unknown): { code: string; message: string } => ({ code: explainAwsError(err).code, message: errorInfo(err).message });

export async function* scanAccount(ctx: ScanContext<AwsOptions>, iam: IAMClient, data: AccountTargetData): AsyncGenerator<ScanRecord> {
  const a = accountScan(ctx, iam, data);
  const started = await startReport(iam, a.signal);
  if (data.guardrailsNote) yield { type: 'note', operation: 'organizations:ListPolicies', message: `account ${a.accountId}: ${data.guardrailsNote}` };
  if (data.resourceControlsNote) yield { type: 'note', operation: 'organizations:ListPolicies', message: `account ${a.accountId}: ${data.resourceControlsNote}` };
  yield* readIdentityProviders(a);
  await readPoliciesAndGroups(a);
  yield* readCredentialReport(a, iam, started);
  // What is needed to find who can reach an admin role (PMapper's "can become admin") is kept
  // small while users and roles stream: admin roles' same-account trust edges, and the
  // sts:AssumeRole statements of identities that have any.
  for await (const page of authorizationDetails(a, ['User', 'Role'])) {
    // Two at a time: IAM's limit is per account, and the scan reads several accounts at once.
    const users = await mapLimit(page.UserDetailList ?? [], 2, (u) => normalizeUser(a, u));
    for (const recs of users) yield* recs;
    for (const r of page.RoleDetailList ?? []) yield* await normalizeRole(a, r);
    while (a.pending.length) yield a.pending.shift() as ScanRecord;
  }
  yield* reachableAdminRoles(a);
  yield* a.keyErrors.records();
  if (a.oversized.length) {
    yield {
      type: 'note',
      operation: 'iam:GetAccountAuthorizationDetails',
      message: `account ${a.accountId}: ${a.oversized.length} policy document(s) over ${MAX_POLICY_DOCUMENT_CHARS} characters were not read (IAM allows 10,240), so what they grant is unknown: ${a.oversized.slice(0, 10).join(', ')}${a.oversized.length > 10 ? ', …' : ''}`,
    };
  }
}

function accountScan(ctx: ScanContext<AwsOptions>, iam: IAMClient, data: AccountTargetData): AccountScan {
  const { accountId } = data;
  const signal = ctx.signal;
  const inflight = new Map<string, Promise<ManagedPolicy>>();
  const a: AccountScan = {
    ctx,
    data,
    accountId,
    scope: `aws:${accountId}`,
    signal,
    send: <T>(cmd: object) => (iam.send.bind(iam) as (c: never, o: unknown) => Promise<unknown>)(cmd as never, { abortSignal: signal }) as Promise<T>,
    providers: new Set<string>(),
    providersKnown: true,
    policies: new Map(),
    groups: new Map(),
    policyByArn: (arn, name) => {
      const known = a.policies.get(arn);
      if (known) return Promise.resolve(known);
      let p = inflight.get(arn);
      if (!p) {
        p = fetchPolicy(a, arn, name).then((mp) => {
          a.policies.set(arn, mp);
          inflight.delete(arn);
          return mp;
        });
        inflight.set(arn, p);
      }
      return p;
    },
    readDoc: (text, what) => {
      if (isOversizedPolicy(text)) a.oversized.push(what);
      return parsePolicyDocument(text);
    },
    oversized: [],
    pending: [],
    policyFetchDenied: false,
    rows: null,
    trustCtx: { accountId, estateAccounts: new Set(data.estateAccounts.length ? data.estateAccounts : [accountId]), orgId: data.orgId },
    keyErrors: new ErrorTally('users'),
    seenIdentities: new Set(),
    adminIdentities: new Set(),
    assumers: [],
    adminRoles: [],
  };
  return a;
}

/** Identity providers (for trust edges): a denial here is a scan error, the rest goes on. */
async function* readIdentityProviders(a: AccountScan): AsyncGenerator<ScanRecord> {
  const { send, signal, accountId, scope, providers } = a;
  for (const [op, cmd, pick] of [
    ['iam:ListOpenIDConnectProviders', () => new ListOpenIDConnectProvidersCommand({}), (r: { OpenIDConnectProviderList?: { Arn?: string }[] }) => r.OpenIDConnectProviderList ?? []],
    ['iam:ListSAMLProviders', () => new ListSAMLProvidersCommand({}), (r: { SAMLProviderList?: { Arn?: string }[] }) => r.SAMLProviderList ?? []],
  ] as const) {
    try {
      const r = await send<Record<string, unknown>>(cmd());
      for (const p of (pick as (x: unknown) => { Arn?: string }[])(r)) if (p.Arn) providers.add(p.Arn);
    } catch (err) {
      if (isScanAbort(err, signal)) throw err;
      a.providersKnown = false;
      const { code, message } = described(err);
      yield { type: 'error', operation: op, code, message, fix: isAccessDenied(err) ? `Grant ${op} to the scanning role in account ${accountId}.` : (explainFix(err) ?? null), resource: scope };
    }
  }
}

/** Pages of GetAccountAuthorizationDetails for the given entity types; a repeated Marker is an error. */
async function* authorizationDetails(a: AccountScan, filter: EntityType[]): AsyncGenerator<GetAccountAuthorizationDetailsCommandOutput> {
  const { send, accountId, data } = a;
  let marker: string | undefined;
  const guard = new PageGuard(`iam:GetAccountAuthorizationDetails (${filter.join(', ')})`);
  do {
    guard.next(marker);
    let page: GetAccountAuthorizationDetailsCommandOutput;
    try {
      page = await send<GetAccountAuthorizationDetailsCommandOutput>(new GetAccountAuthorizationDetailsCommand({ Filter: filter, Marker: marker, MaxItems: 1000 }));
    } catch (err) {
      if (isAccessDenied(err)) {
        throw new AwsScanError(
          `account ${accountId}: ${errorInfo(err).message}`,
          errorInfo(err).code,
          `Grant iam:GetAccountAuthorizationDetails to the scanning ${data.roleArn ? `role ${data.roleArn}` : 'identity'} (e.g. attach the AWS managed SecurityAudit policy).`,
        );
      }
      throw err;
    }
    yield page;
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
}

/** Managed policies and groups: bounded by IAM quotas, and needed to evaluate every user and role. */
async function readPoliciesAndGroups(a: AccountScan): Promise<void> {
  const { policies, groups, readDoc } = a;
  for await (const page of authorizationDetails(a, ['LocalManagedPolicy', 'AWSManagedPolicy', 'Group'])) {
    for (const p of page.Policies ?? []) {
      if (!p.Arn) continue;
      const v = (p.PolicyVersionList ?? []).find((x) => x.IsDefaultVersion) ?? (p.PolicyVersionList ?? []).find((x) => x.VersionId === p.DefaultVersionId);
      policies.set(p.Arn, { arn: p.Arn, name: p.PolicyName ?? p.Arn, document: readDoc(v?.Document, p.Arn), awsManaged: /^arn:aws[\w-]*:iam::aws:policy\//.test(p.Arn) });
    }
    for (const g of page.GroupDetailList ?? []) {
      if (!g.GroupName) continue;
      groups.set(g.GroupName, {
        name: g.GroupName,
        attached: (g.AttachedManagedPolicies ?? []).map((m) => ({ name: m.PolicyName ?? m.PolicyArn ?? '?', arn: m.PolicyArn ?? '' })),
        inline: (g.GroupPolicyList ?? []).map((i) => ({ name: i.PolicyName ?? '?', document: readDoc(i.PolicyDocument, `group ${g.GroupName} inline ${i.PolicyName ?? '?'}`) })),
      });
    }
  }
}

/** A managed policy the authorization details did not return: GetPolicy + GetPolicyVersion (a denial reported once). */
async function fetchPolicy(a: AccountScan, arn: string, name: string): Promise<ManagedPolicy> {
  const { send, signal, readDoc, pending } = a;
  const mp: ManagedPolicy = { arn, name, document: null, awsManaged: /:iam::aws:policy\//.test(arn) };
  if (!a.policyFetchDenied) {
    try {
      const p = await send<{ Policy?: { DefaultVersionId?: string } }>(new GetPolicyCommand({ PolicyArn: arn }));
      const v = await send<{ PolicyVersion?: { Document?: string } }>(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.Policy?.DefaultVersionId ?? 'v1' }));
      mp.document = readDoc(v.PolicyVersion?.Document, arn);
    } catch (err) {
      if (isScanAbort(err, signal)) throw err;
      const { code, message } = described(err);
      const denied = isAccessDenied(err);
      if (denied && a.policyFetchDenied) return withWellKnown(mp); // reported once already
      if (denied) a.policyFetchDenied = true;
      pending.push({ type: 'error', operation: 'iam:GetPolicyVersion', code, message: `${arn}: ${message}`, fix: isAccessDenied(err) ? 'Grant iam:GetPolicy and iam:GetPolicyVersion to the scanning role.' : (explainFix(err) ?? null), resource: arn });
    }
  }
  return withWellKnown(mp);
}

function withWellKnown(mp: ManagedPolicy): ManagedPolicy {
  if (!mp.document && mp.awsManaged) {
    const wk = WELL_KNOWN_AWS_POLICIES[mp.name];
    if (wk) mp.document = wk;
  }
  return mp;
}

/** The credential report (bounded wait), or a note that users fall back to per-key calls. */
async function* readCredentialReport(a: AccountScan, iam: IAMClient, started: Awaited<ReturnType<typeof startReport>>): AsyncGenerator<ScanRecord> {
  const { ctx, accountId, signal } = a;
  const o = ctx.options;
  let report: Awaited<ReturnType<typeof fetchReport>>;
  if ('ok' in started) report = started;
  else {
    if (started.state !== 'COMPLETE') ctx.progress.log(`account ${accountId}: waiting for the IAM credential report (${started.state})`);
    report = await fetchReport(iam, started.state, { waitMs: (o.reportWaitSeconds ?? 60) * 1000, pollMs: o.reportPollMs ?? 2000, signal });
  }
  const rows: Map<string, ReportRow> | null = report.ok ? report.rows : null;
  a.rows = rows;
  if (!report.ok) {
    const fix = report.permission ? ` Grant ${report.permission} to use the credential report.` : '';
    yield {
      type: 'note',
      operation: 'iam:GetCredentialReport',
      message: `account ${accountId}: credential report unavailable (${report.message}); fell back to ListAccessKeys + GetAccessKeyLastUsed per user — console password, MFA and password last-use are unknown.${fix}`,
    };
  } else {
    const root = rows?.get('<root_account>');
    const rootKeys = root ? root.keys.filter((k) => k.active).length : 0;
    if (rootKeys > 0) yield { type: 'note', operation: 'iam:GetCredentialReport', message: `account ${accountId}: the root user has ${rootKeys} active access key(s); delete them.` };
  }
}
