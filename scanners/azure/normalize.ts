// Wire shapes (the fields nhi reads) and their normalization into records.
import type { CredentialRecord, CredentialStatus, IdentityRecord, TrustRecord } from '../../src/model/records.js';
import { federatedRisk, MICROSOFT_TENANTS } from './privilege.js';

export interface GraphPasswordCredential {
  keyId?: string;
  displayName?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  customKeyIdentifier?: string | null;
}

export interface GraphKeyCredential extends GraphPasswordCredential {
  type?: string | null;
  usage?: string | null;
}

export interface GraphApplication {
  id: string;
  appId: string;
  displayName?: string | null;
  createdDateTime?: string | null;
  signInAudience?: string | null;
  publisherDomain?: string | null;
  passwordCredentials?: GraphPasswordCredential[];
  keyCredentials?: GraphKeyCredential[];
  tags?: string[];
}

export interface GraphAppRole {
  id: string;
  value?: string | null;
  displayName?: string | null;
  allowedMemberTypes?: string[];
  isEnabled?: boolean;
}

export interface GraphServicePrincipal {
  id: string;
  appId?: string;
  displayName?: string | null;
  servicePrincipalType?: string | null;
  appOwnerOrganizationId?: string | null;
  accountEnabled?: boolean | null;
  alternativeNames?: string[];
  appRoles?: GraphAppRole[];
  passwordCredentials?: GraphPasswordCredential[];
  keyCredentials?: GraphKeyCredential[];
  signInAudience?: string | null;
  verifiedPublisher?: { displayName?: string | null } | null;
  tags?: string[];
}

export interface GraphDirectoryObject {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
}

export interface GraphFederatedCredential {
  id: string;
  name?: string | null;
  issuer: string;
  subject?: string | null;
  audiences?: string[];
  description?: string | null;
  claimsMatchingExpression?: { value?: string | null; languageVersion?: number } | null;
}

export const SP_SELECT =
  'id,appId,displayName,servicePrincipalType,appOwnerOrganizationId,accountEnabled,alternativeNames,appRoles,passwordCredentials,keyCredentials,signInAudience,verifiedPublisher,tags';
export const APP_SELECT = 'id,appId,displayName,createdDateTime,signInAudience,publisherDomain,passwordCredentials,keyCredentials,tags';

/** ISO-8601 UTC, or null when absent/unparseable (Graph sometimes writes offsets like -8:00). */
export function iso(v: string | Date | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  let d = new Date(v);
  if (Number.isNaN(d.getTime())) {
    const fixed = v.replace(/([+-])(\d):(\d\d)$/, '$10$2:$3');
    d = new Date(fixed);
  }
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function maxIso(...xs: (string | null | undefined)[]): string | null {
  let best: string | null = null;
  for (const x of xs) if (x && (!best || x > best)) best = x;
  return best;
}

/** A secret whose end is absent or at/after this year is treated as never expiring. */
const NEVER_YEAR = 2299;

export function credentialStatus(start: string | null, end: string | null, now: Date): CredentialStatus {
  if (end && end < now.toISOString()) return 'expired';
  if (start && start > now.toISOString()) return 'inactive';
  return 'active';
}

export interface SignInIndex {
  /** appId → last sign-in (any flow); null when the report cannot be read. */
  byAppId: Map<string, string> | null;
  /** credential keyId → last sign-in; null when the report cannot be read. */
  byKeyId: Map<string, string> | null;
}

export function appCredentials(
  holder: { identityId: string; scope: string; origin: 'application' | 'servicePrincipal' },
  pwd: GraphPasswordCredential[] | undefined,
  keys: GraphKeyCredential[] | undefined,
  signIns: SignInIndex | null,
  now: Date,
): CredentialRecord[] {
  const out: CredentialRecord[] = [];
  const one = (c: GraphPasswordCredential, kind: 'client_secret' | 'certificate', extra: Record<string, unknown>) => {
    if (!c.keyId) return;
    const start = iso(c.startDateTime);
    const end = iso(c.endDateTime);
    const attributes: Record<string, unknown> = { origin: holder.origin, ...extra };
    if (!end || Number(end.slice(0, 4)) >= NEVER_YEAR) attributes.neverExpires = true;
    const byKeyId = signIns?.byKeyId ?? null;
    const lastUsedAt = byKeyId?.get(c.keyId.toLowerCase()) ?? null;
    out.push({
      type: 'credential',
      id: c.keyId.toLowerCase(),
      identityId: holder.identityId,
      provider: 'azure',
      scope: holder.scope,
      kind,
      name: c.displayName ?? null,
      keyId: c.keyId.toLowerCase(),
      createdAt: start,
      expiresAt: end,
      lastUsedAt,
      lastUsedSource: byKeyId ? 'appCredentialSignInActivities' : null,
      status: credentialStatus(start, end, now),
      attributes,
    });
  };
  for (const p of [...(pwd ?? [])].sort((a, b) => String(a.keyId).localeCompare(String(b.keyId)))) one(p, 'client_secret', {});
  for (const k of [...(keys ?? [])].sort((a, b) => String(a.keyId).localeCompare(String(b.keyId)))) {
    one(k, 'certificate', { type: k.type ?? null, usage: k.usage ?? null, thumbprint: k.customKeyIdentifier ?? null });
  }
  return out;
}

export function federatedRecords(identityId: string, scope: string, f: GraphFederatedCredential, tenantId?: string): [CredentialRecord, TrustRecord] {
  const expression = f.claimsMatchingExpression?.value ?? null;
  const audiences = [...(f.audiences ?? [])].sort();
  const { risk, reason, principalType } = federatedRisk(f.issuer, f.subject, expression, tenantId);
  const principal = f.subject ? `${f.issuer} sub=${f.subject}` : `${f.issuer} ${expression ?? '(no subject)'}`;
  return [
    {
      type: 'credential',
      id: f.id.toLowerCase(),
      identityId,
      provider: 'azure',
      scope,
      kind: 'federated_credential',
      name: f.name ?? null,
      status: 'active',
      attributes: { issuer: f.issuer, subject: f.subject ?? null, claimsMatchingExpression: expression, audiences },
    },
    {
      type: 'trust',
      identityId,
      provider: 'azure',
      principal,
      principalType,
      condition: audiences.length ? `aud in [${audiences.join(', ')}]` : null,
      risk,
      attributes: { federatedCredentialId: f.id, name: f.name ?? null, reason },
    },
  ];
}

/** Owners as one deterministic string: UPN / mail / display name / id, sorted, unique. */
export function ownerString(owners: GraphDirectoryObject[]): string | null {
  const names = [...new Set(owners.map((o) => o.userPrincipalName ?? o.mail ?? o.displayName ?? o.id).filter(Boolean))].sort();
  return names.length ? names.join(', ') : null;
}

export { ownerFromTags } from '../../src/scanners/toolkit/owner.js';

/** The subscription a managed identity's service principal belongs to, from its alternativeNames. */
export function managedIdentityResource(sp: GraphServicePrincipal): { resourceId: string; subscriptionId: string } | null {
  for (const n of sp.alternativeNames ?? []) {
    const m = /^\/subscriptions\/([0-9a-f-]{36})\//i.exec(n);
    if (m) return { resourceId: n, subscriptionId: m[1].toLowerCase() };
  }
  return null;
}

export function spFlags(sp: GraphServicePrincipal, tenantId: string): { thirdParty: boolean; providerManaged: boolean } {
  const org = sp.appOwnerOrganizationId?.toLowerCase() ?? null;
  const providerManaged = !!org && MICROSOFT_TENANTS.has(org);
  const thirdParty = !!org && org !== tenantId.toLowerCase() && !providerManaged && sp.servicePrincipalType !== 'ManagedIdentity';
  return { thirdParty, providerManaged };
}

export function spKind(sp: GraphServicePrincipal | null): string {
  if (!sp) return 'app_registration';
  if (sp.servicePrincipalType === 'ManagedIdentity') return 'managed_identity';
  return 'service_principal';
}

export function identityBase(x: Omit<IdentityRecord, 'type' | 'provider'>): IdentityRecord {
  return { type: 'identity', provider: 'azure', ...x };
}
