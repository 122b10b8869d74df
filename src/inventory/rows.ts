// Rows as read back from the inventory: the record shapes plus snapshot bookkeeping.
import type {
  CredentialKind,
  CredentialStatus,
  Privilege,
  Provider,
  Severity,
  TrustPrincipalType,
  TrustRisk,
} from '../model/records.js';

export interface Snapshot {
  targetKey: string;
  firstSeenScan: number;
  lastSeenScan: number;
  goneScan: number | null;
}

export interface IdentityRow extends Snapshot {
  id: string;
  provider: Provider;
  scope: string;
  kind: string;
  name: string;
  createdAt: string | null;
  lastUsedAt: string | null;
  lastUsedSource: string | null;
  lastUsedWindowDays: number | null;
  owner: string | null;
  ownerSource: string | null;
  humanUse: boolean;
  providerManaged: boolean;
  thirdParty: boolean;
  disabled: boolean;
  tags: Record<string, string>;
  attributes: Record<string, unknown>;
}

export interface CredentialRow extends Snapshot {
  id: string;
  identityId: string | null;
  provider: Provider;
  scope: string;
  kind: CredentialKind;
  name: string | null;
  keyId: string | null;
  createdAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedSource: string | null;
  rotatedAt: string | null;
  status: CredentialStatus;
  preview: string | null;
  secretHash: string | null;
  attributes: Record<string, unknown>;
}

export interface GrantRow extends Snapshot {
  id: string;
  identityId: string;
  provider: Provider;
  resource: string;
  role: string;
  privilege: Privilege;
  via: string;
  evidence: string | null;
  attributes: Record<string, unknown>;
}

export interface TrustRow extends Snapshot {
  id: string;
  identityId: string;
  provider: Provider;
  principal: string;
  principalType: TrustPrincipalType;
  condition: string | null;
  risk: TrustRisk | null;
  attributes: Record<string, unknown>;
}

export interface FindingRow {
  /** Stable: rule id + subject, so it survives rescans. */
  id: string;
  ruleId: string;
  severity: Severity;
  provider: Provider | null;
  identityId: string | null;
  credentialId: string | null;
  message: string;
  evidence: Record<string, unknown>;
}

export interface StoredFinding extends FindingRow {
  firstSeenScan: number;
  lastSeenScan: number;
  resolvedScan: number | null;
}

// SELECT lists that alias snake_case columns to the row shapes above.
const SNAP = 'target_key AS targetKey, first_seen_scan AS firstSeenScan, last_seen_scan AS lastSeenScan, gone_scan AS goneScan';

export const SELECT = {
  identities: `id, provider, scope, kind, name, created_at AS createdAt, last_used_at AS lastUsedAt, last_used_source AS lastUsedSource,
    last_used_window_days AS lastUsedWindowDays, owner, owner_source AS ownerSource, human_use AS humanUse,
    provider_managed AS providerManaged, third_party AS thirdParty, disabled, tags, attributes, ${SNAP}`,
  credentials: `id, identity_id AS identityId, provider, scope, kind, name, key_id AS keyId, created_at AS createdAt,
    expires_at AS expiresAt, last_used_at AS lastUsedAt, last_used_source AS lastUsedSource, rotated_at AS rotatedAt, status,
    preview, secret_hash AS secretHash, attributes, ${SNAP}`,
  grants: `id, identity_id AS identityId, provider, resource, role, privilege, via, evidence, attributes, ${SNAP}`,
  trusts: `id, identity_id AS identityId, provider, principal, principal_type AS principalType, condition, risk, attributes, ${SNAP}`,
  findings: `id, rule_id AS ruleId, severity, provider, identity_id AS identityId, credential_id AS credentialId, message, evidence,
    first_seen_scan AS firstSeenScan, last_seen_scan AS lastSeenScan, resolved_scan AS resolvedScan`,
} as const;

type Raw = Record<string, unknown>;

function parse(v: unknown): Record<string, unknown> {
  return typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : {};
}

/** Parse a JSON column on first access: most rule passes never look at most rows' attributes. */
function lazyJson(raw: Raw, key: string): void {
  const text = raw[key];
  let value: Record<string, unknown> | undefined;
  Object.defineProperty(raw, key, {
    enumerable: true,
    configurable: true,
    get: () => (value ??= parse(text)),
    set: (v: Record<string, unknown>) => {
      value = v;
    },
  });
}

/** Turn a raw SELECT row into its typed shape (JSON columns parsed, flags as booleans). */
export function hydrate<T>(table: keyof typeof SELECT, raw: Raw): T {
  if ('attributes' in raw) lazyJson(raw, 'attributes');
  if (table === 'identities') {
    lazyJson(raw, 'tags');
    raw.humanUse = raw.humanUse === 1;
    raw.providerManaged = raw.providerManaged === 1;
    raw.thirdParty = raw.thirdParty === 1;
    raw.disabled = raw.disabled === 1;
  }
  if (table === 'findings') raw.evidence = parse(raw.evidence);
  return raw as T;
}
