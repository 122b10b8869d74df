// The identities of one account, normalized from IAM's authorization details: each user with its
// access keys and grants, each role with its grants and trust, and who can reach an admin role.
import { GetAccessKeyLastUsedCommand, ListAccessKeysCommand, type AccessKeyMetadata, type RoleDetail, type UserDetail } from '@aws-sdk/client-iam';
import type { CredentialRecord, IdentityRecord, ScanRecord } from '../../src/model/records.js';
import { isScanAbort, ownerFromTags, PageGuard } from '../../src/scanners/toolkit/index.js';
import type { AccountScan } from './account.js';
import { errorInfo, explainAwsError, isAccessDenied } from './clients.js';
import type { ReportRow } from './credential-report.js';
import { actsAsFacts, analyseIdentity, assumeRelevant, assumeVerdict, describeAllowance, parsePolicyDocument, type IdentityPolicies, type PolicySource } from './policy.js';
import { trustEdges, type TrustEdge } from './trust.js';
import { rcpDenial } from './resource-control.js';

/** IAM keeps RoleLastUsed for the trailing 400 days. */
export const ROLE_LAST_USED_WINDOW_DAYS = 400;

const PROVIDER_MANAGED_PATHS = ['/aws-service-role/', '/aws-reserved/'];

const iso = (d: Date | undefined | null): string | null => (d ? d.toISOString() : null);
const latest = (...xs: (string | null | undefined)[]): string | null =>
  xs.filter((x): x is string => !!x).sort().at(-1) ?? null;

function tagsOf(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}

/** Owner and where it came from, as identity records carry them. */
function ownerOf(tags: Record<string, string>, ownerKeys: string[]): { owner: string | null; ownerSource: string | null } {
  const o = ownerFromTags(tags, ownerKeys);
  return { owner: o?.owner ?? null, ownerSource: o?.source ?? null };
}

/** The fix for a failure that is not a denial (timeouts, resets, server errors), when there is one. */
const explainFix = (err: unknown): string | undefined => explainAwsError(err).fix;
/** The explained code (`timeout`, `AccessDenied`…) with the SDK's message. */
const described = (err: unknown): { code: string; message: string } => ({ code: explainAwsError(err).code, message: errorInfo(err).message });

export async function normalizeUser(a: AccountScan, u: UserDetail): Promise<ScanRecord[]> {
  const { ctx, accountId, scope, rows } = a;
  if (!u.Arn || !u.UserName) return [];
  const row = rows?.get(u.UserName);
  const tags = tagsOf(u.Tags);
  const sources = await policySources(a, u.AttachedManagedPolicies, u.UserPolicyList, u.GroupList ?? []);
  const boundary = await boundaryOf(a, u.PermissionsBoundary);
  const grants = grantsFor(a, u.Arn, sources, boundary, u.Arn, u.UserName, 'user');
  const keys = await keysOf(a, u, row);
  const signs = row ? [...(row.passwordEnabled ? ['console password'] : []), ...(row.mfaActive ? ['MFA device'] : [])] : [];
  const lastUsedAt = latest(row?.passwordLastUsed, keys.lastUsed);
  // A user created after the report was generated is not in it: its keys were asked one by one.
  const lastUsedSource = row ? 'credential-report' : keys.records.length ? 'GetAccessKeyLastUsed' : null;
  const identity: IdentityRecord = {
    type: 'identity',
    id: u.Arn,
    provider: 'aws',
    scope,
    kind: 'iam_user',
    name: u.UserName,
    createdAt: iso(u.CreateDate),
    lastUsedAt,
    lastUsedSource,
    ...ownerOf(tags, ctx.config.ownerKeys),
    humanUse: signs.length > 0,
    providerManaged: false,
    tags,
    attributes: {
      accountId,
      path: u.Path ?? '/',
      userId: u.UserId,
      groups: [...(u.GroupList ?? [])].sort(),
      admin: grants.admin,
      ...grants.actsAs,
      ...(keys.unread ? { unread: ['accessKeys'] } : { accessKeys: keys.records.length, activeAccessKeys: keys.records.filter((k) => k.status === 'active').length }),
      ...(signs.length ? { humanUseSigns: signs } : {}),
      ...(row ? { passwordEnabled: row.passwordEnabled, passwordLastUsed: row.passwordLastUsed, mfaActive: row.mfaActive, activeSigningCertificates: row.certsActive } : {}),
      ...(u.PermissionsBoundary?.PermissionsBoundaryArn ? { permissionsBoundary: u.PermissionsBoundary.PermissionsBoundaryArn } : {}),
    },
    raw: redactDetail(u),
  };
  return [identity, ...keys.records, ...grants.records];
}

export async function normalizeRole(a: AccountScan, r: RoleDetail): Promise<ScanRecord[]> {
  const { ctx, accountId, scope, readDoc, trustCtx, providers, providersKnown, adminRoles } = a;
  if (!r.Arn || !r.RoleName) return [];
  const tags = tagsOf(r.Tags);
  const path = r.Path ?? '/';
  const serviceLinked = path.startsWith('/aws-service-role/');
  const providerManaged = PROVIDER_MANAGED_PATHS.some((p) => path.startsWith(p));
  const trustDoc = readDoc(r.AssumeRolePolicyDocument, `trust policy of ${r.RoleName}`);
  const edges = trustEdges(trustDoc, trustCtx);
  const saml = edges.some((e) => e.saml);
  const sources = await policySources(a, r.AttachedManagedPolicies, r.RolePolicyList, []);
  const boundary = await boundaryOf(a, r.PermissionsBoundary);
  // Service control policies do not apply to service-linked roles.
  const grants = grantsFor(a, r.Arn, sources, boundary, r.Arn, r.RoleName, 'role', !serviceLinked);
  const identity: IdentityRecord = {
    type: 'identity',
    id: r.Arn,
    provider: 'aws',
    scope,
    kind: serviceLinked ? 'service_linked_role' : 'iam_role',
    name: r.RoleName,
    createdAt: iso(r.CreateDate),
    lastUsedAt: iso(r.RoleLastUsed?.LastUsedDate),
    lastUsedSource: 'RoleLastUsed',
    lastUsedWindowDays: ROLE_LAST_USED_WINDOW_DAYS,
    ...ownerOf(tags, ctx.config.ownerKeys),
    humanUse: saml,
    providerManaged,
    tags,
    attributes: {
      accountId,
      path,
      roleId: r.RoleId,
      admin: grants.admin,
      ...grants.actsAs,
      instanceProfiles: (r.InstanceProfileList ?? []).map((p) => p.InstanceProfileName).filter(Boolean).sort(),
      ...(r.RoleLastUsed?.Region ? { lastUsedRegion: r.RoleLastUsed.Region } : {}),
      ...(saml ? { humanUseSigns: ['SAML-federated'] } : {}),
      ...(path.startsWith('/aws-reserved/sso.amazonaws.com/') ? { identityCenter: true } : {}),
      ...(r.PermissionsBoundary?.PermissionsBoundaryArn ? { permissionsBoundary: r.PermissionsBoundary.PermissionsBoundaryArn } : {}),
      ...(trustDoc ? {} : { trustPolicyUnreadable: true }),
    },
    raw: redactDetail(r),
  };
  // Resource control policies do not restrict service-linked roles; a trust they close to its caller is no way in.
  const closed = new Map<TrustEdge, string>();
  for (const e of serviceLinked ? [] : edges) {
    const caller = { principal: e.principal, principalType: e.principalType, account: typeof e.attributes.account === 'string' ? e.attributes.account : null, saml: e.saml };
    const denied = rcpDenial(a.data.resourceControls, r.Arn, caller, { orgId: trustCtx.orgId ?? null, estateAccounts: trustCtx.estateAccounts });
    if (denied) closed.set(e, denied);
  }
  const trusts: ScanRecord[] = edges.map((e) => ({
    type: 'trust',
    identityId: r.Arn as string,
    provider: 'aws',
    principal: e.principal,
    principalType: e.principalType,
    condition: e.condition,
    risk: closed.has(e) ? null : e.risk,
    attributes: {
      ...e.attributes,
      ...(/:(oidc|saml)-provider\//.test(e.principal) ? { providerRegistered: providersKnown ? providers.has(e.principal) : null } : {}),
      ...(closed.has(e) ? { resourceControlDenied: closed.get(e), why: `closed by a resource control policy${e.risk ? ` (the trust policy alone: ${e.risk})` : ''}` } : {}),
    },
  }));
  if (grants.admin && !providerManaged) adminRoles.push({ arn: r.Arn, name: r.RoleName, edges: edges.filter((e) => (e.principalType === 'identity' || e.principalType === 'account') && !closed.has(e)) });
  return [identity, ...grants.records, ...trusts];
}

async function policySources(a: AccountScan, attached: { PolicyName?: string; PolicyArn?: string }[] | undefined, inline: { PolicyName?: string; PolicyDocument?: string }[] | undefined, groupNames: string[]): Promise<PolicySource[]> {
  const { policyByArn, readDoc, groups } = a;
  const out: PolicySource[] = [];
  for (const a of attached ?? []) {
    if (!a.PolicyArn) continue;
    const mp = await policyByArn(a.PolicyArn, a.PolicyName ?? a.PolicyArn);
    out.push({ name: mp.name, arn: mp.arn, via: 'direct', document: mp.document });
  }
  for (const i of inline ?? []) out.push({ name: i.PolicyName ?? '?', via: 'inline', document: readDoc(i.PolicyDocument, `inline ${i.PolicyName ?? '?'}`) });
  for (const gName of [...groupNames].sort()) {
    const g = groups.get(gName);
    if (!g) continue;
    for (const a of g.attached) {
      const mp = await policyByArn(a.arn, a.name);
      out.push({ name: mp.name, arn: mp.arn, via: `group:${gName}`, document: mp.document });
    }
    for (const i of g.inline) out.push({ name: i.name, via: `group:${gName}:inline`, document: i.document });
  }
  return out;
}

async function boundaryOf(a: AccountScan, pb: { PermissionsBoundaryArn?: string } | undefined): Promise<PolicySource | null> {
  const { policyByArn } = a;
  if (!pb?.PermissionsBoundaryArn) return null;
  const mp = await policyByArn(pb.PermissionsBoundaryArn, pb.PermissionsBoundaryArn.split('/').at(-1) ?? pb.PermissionsBoundaryArn);
  return { name: mp.name, arn: mp.arn, via: 'boundary', document: mp.document };
}

function grantsFor(a: AccountScan, identityId: string, sources: PolicySource[], boundary: PolicySource | null, arn: string, name: string, kind: 'user' | 'role', underScps = true): { records: ScanRecord[]; admin: boolean; actsAs: Record<string, unknown> } {
  const { accountId, scope, seenIdentities, adminIdentities, assumers } = a;
  const levels = underScps ? (a.data.guardrails ?? []) : [];
  const guardrails = levels.map((l) => l.policies.map((p) => ({ name: p.name, arn: p.id, via: `scp:${l.target}`, document: p.document })));
  const input: IdentityPolicies = { arn, accountId, name, kind, policies: sources, boundary, guardrails };
  const analysis = analyseIdentity(input);
  seenIdentities.add(arn);
  if (analysis.admin) adminIdentities.add(arn);
  const relevant = assumeRelevant(input);
  if (relevant && !analysis.admin) assumers.push(relevant);
  const seen = new Set<string>();
  const records: ScanRecord[] = [];
  for (const g of analysis.grants) {
    const key = `${g.source.name}\u0000${g.source.via}`;
    if (seen.has(key)) continue;
    seen.add(key);
    records.push({
      type: 'grant',
      identityId,
      provider: 'aws',
      resource: scope,
      role: g.source.name,
      privilege: g.privilege,
      via: g.source.via,
      evidence: g.evidence,
      attributes: {
        policyType: g.source.arn ? (/:iam::aws:policy\//.test(g.source.arn) ? 'aws-managed' : 'customer-managed') : 'inline',
        ...(g.source.arn ? { policyArn: g.source.arn } : {}),
        ...(boundary ? { permissionsBoundary: boundary.arn, boundaryReadable: !!boundary.document } : {}),
        ...(levels.length ? { serviceControlPolicies: levels.flatMap((l) => l.policies.map((p) => `${p.name} (${l.target})`)) } : {}),
      },
    });
  }
  // What it may become (assume, pass to compute, change compute) is matched against roles by reach.
  return { records, admin: analysis.admin, actsAs: { actsAs: actsAsFacts(input) } };
}

async function keysOf(a: AccountScan, u: UserDetail, row: ReportRow | undefined): Promise<{ records: CredentialRecord[]; lastUsed: string | null; unread: boolean }> {
  const { accountId, scope, signal, send, keyErrors } = a;
  const name = u.UserName as string;
  const arn = u.Arn as string;
  // With a report, only users it shows with keys need ListAccessKeys (the report has no key ids).
  if (row && !row.keys.some((k) => k.active || k.lastRotated)) return { records: [], lastUsed: null, unread: false };
  let metas: AccessKeyMetadata[] = [];
  try {
    let marker: string | undefined;
    const guard = new PageGuard(`iam:ListAccessKeys ${name}`);
    do {
      guard.next(marker);
      const r = await send<{ AccessKeyMetadata?: AccessKeyMetadata[]; IsTruncated?: boolean; Marker?: string }>(new ListAccessKeysCommand({ UserName: name, Marker: marker }));
      metas.push(...(r.AccessKeyMetadata ?? []));
      marker = r.IsTruncated ? r.Marker : undefined;
    } while (marker);
  } catch (err) {
    if (isScanAbort(err, signal)) throw err;
    const { code, message } = described(err);
    keyErrors.add({ type: 'error', operation: 'iam:ListAccessKeys', code, message: `user ${name}: ${message}`, fix: isAccessDenied(err) ? `Grant iam:ListAccessKeys on the account's users (arn:aws:iam::${accountId}:user/*) to the scanning role.` : (explainFix(err) ?? null), resource: arn }, name);
    // Could not read is not "has none": the user's key counts stay unknown.
    return { records: [], lastUsed: null, unread: true };
  }
  metas = metas.filter((m) => m.AccessKeyId).sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0));
  const used = new Set<number>();
  const records: CredentialRecord[] = [];
  let lastUsed: string | null = null;
  for (const [i, m] of metas.entries()) {
    const created = iso(m.CreateDate);
    let lu: { date: string | null; service: string | null; region: string | null; source: string | null } = { date: null, service: null, region: null, source: null };
    let slot = -1;
    if (row) {
      // Match the report's key slot by its creation/rotation time, else by position.
      slot = row.keys.findIndex((k, j) => !used.has(j) && k.lastRotated && created && Math.abs(Date.parse(k.lastRotated) - Date.parse(created)) < 2000);
      if (slot < 0 && metas.length <= 2 && !used.has(i) && row.keys[i]?.lastRotated) slot = i;
    }
    if (slot >= 0 && row) {
      used.add(slot);
      const k = row.keys[slot] as ReportRow['keys'][number];
      lu = { date: k.lastUsed, service: k.lastUsedService, region: k.lastUsedRegion, source: 'credential-report' };
    } else {
      try {
        const r = await send<{ AccessKeyLastUsed?: { LastUsedDate?: Date; ServiceName?: string; Region?: string } }>(new GetAccessKeyLastUsedCommand({ AccessKeyId: m.AccessKeyId }));
        const l = r.AccessKeyLastUsed;
        lu = { date: iso(l?.LastUsedDate), service: l?.ServiceName && l.ServiceName !== 'N/A' ? l.ServiceName : null, region: l?.Region && l.Region !== 'N/A' ? l.Region : null, source: 'GetAccessKeyLastUsed' };
      } catch (err) {
        if (isScanAbort(err, signal)) throw err;
        const { code, message } = described(err);
        keyErrors.add({ type: 'error', operation: 'iam:GetAccessKeyLastUsed', code, message: `${m.AccessKeyId}: ${message}`, fix: isAccessDenied(err) ? 'Grant iam:GetAccessKeyLastUsed to the scanning role.' : (explainFix(err) ?? null), resource: arn }, name);
      }
    }
    lastUsed = latest(lastUsed, lu.date);
    records.push({
      type: 'credential',
      id: m.AccessKeyId as string,
      identityId: arn,
      provider: 'aws',
      scope,
      kind: 'access_key',
      name: `${name}/${m.AccessKeyId}`,
      keyId: m.AccessKeyId as string,
      createdAt: created,
      expiresAt: null,
      lastUsedAt: lu.date,
      lastUsedSource: lu.source,
      status: m.Status === 'Active' ? 'active' : m.Status === 'Inactive' ? 'inactive' : 'unknown',
      attributes: { userName: name, neverExpires: true, ...(lu.service ? { lastUsedService: lu.service } : {}), ...(lu.region ? { lastUsedRegion: lu.region } : {}) },
    });
  }
  return { records, lastUsed, unread: false };
}

export function* reachableAdminRoles(a: AccountScan): Generator<ScanRecord> {
  const { accountId, scope, seenIdentities, adminIdentities, adminRoles, assumers } = a;
  const emitted = new Set<string>();
  const grant = (identityId: string, role: { arn: string; name: string }, evidence: string): ScanRecord | null => {
    const key = `${identityId}\u0000${role.arn}`;
    // Only news for identities not already admin on their own.
    if (identityId === role.arn || emitted.has(key) || !seenIdentities.has(identityId) || adminIdentities.has(identityId)) return null;
    emitted.add(key);
    return { type: 'grant', identityId, provider: 'aws', resource: scope, role: role.name, privilege: 'admin', via: 'assumable-role', evidence, attributes: { roleArn: role.arn } };
  };
  for (const role of adminRoles) {
    for (const e of role.edges) {
      const when = e.condition ? ` when ${e.condition}` : '';
      if (e.principalType === 'identity' && e.attributes.account === accountId) {
        // Same account: a trust policy naming the principal is enough on its own.
        const g = grant(e.principal, role, `can assume admin role ${role.arn}: its trust policy names it${when}`);
        if (g) yield g;
      } else if (e.principalType === 'account' && e.attributes.account === accountId) {
        // Trust in the account: any identity whose own policies allow sts:AssumeRole on the role.
        for (const a of assumers) {
          const v = assumeVerdict(a, role.arn);
          if (!v.allowed || !v.by) continue;
          const g = grant(a.arn, role, `can assume admin role ${role.arn} (trusts account ${accountId}${when}): ${describeAllowance(v.by, 'sts:AssumeRole')}`);
          if (g) yield g;
        }
      }
    }
  }
}

/** Drill-down copy of a user/role detail: policy documents replaced by their names. */
function redactDetail(d: UserDetail | RoleDetail): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'UserPolicyList' || k === 'RolePolicyList') out[k] = (v as { PolicyName?: string }[]).map((p) => ({ PolicyName: p.PolicyName }));
    else if (k === 'AssumeRolePolicyDocument') out[k] = parsePolicyDocument(v as string);
    else if (v instanceof Date) out[k] = v.toISOString();
    else out[k] = v;
  }
  return out;
}
