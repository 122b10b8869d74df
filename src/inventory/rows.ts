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
import { CREDENTIAL, ENTITIES, GRANT, IDENTITY, OWNER_CANDIDATE, SNAPSHOT_COLUMNS, TRUST, type ColumnSpec, type EntitySpec, type EntityTable } from './entities.js';

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
  /** The strongest owner candidate's person, kept apart from the declared `owner`. */
  suggestedOwner: string | null;
  suggestedOwnerEvidence: string | null;
}

export interface OwnerCandidateRow extends Snapshot {
  id: string;
  identityId: string;
  provider: Provider;
  person: string;
  handle: string | null;
  source: string;
  event: string;
  at: string;
  confidence: number;
  departed: boolean;
  evidence: string;
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

// SELECT lists that alias snake_case columns to the row shapes above, derived from the entity specs.
const aliased = (c: ColumnSpec) => (c.column === c.field ? c.column : `${c.column} AS ${c.field}`);

function selectList(spec: EntitySpec): string {
  return [...spec.columns, ...SNAPSHOT_COLUMNS]
    .filter((c) => !c.hidden)
    .map(aliased)
    .join(', ');
}

/** A SELECT list of only these fields of an entity's rows (a lean read: building a row object costs per column). */
export function selectFields(table: EntityTable, fields: readonly string[]): string {
  const columns = [...ENTITIES.find((e) => e.table === table)!.columns, ...SNAPSHOT_COLUMNS];
  return fields
    .map((f) => {
      const c = columns.find((x) => x.field === f);
      if (!c) throw new Error(`${table} has no field ${f}`);
      return aliased(c);
    })
    .join(', ');
}

export const SELECT = {
  identities: selectList(IDENTITY),
  credentials: selectList(CREDENTIAL),
  grants: selectList(GRANT),
  trusts: selectList(TRUST),
  owner_candidates: selectList(OWNER_CANDIDATE),
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

/** Per table, the fields to turn back into booleans and the JSON fields to parse on access. */
const SHAPE = Object.fromEntries(
  ENTITIES.map((e) => {
    const visible = e.columns.filter((c) => !c.hidden);
    return [e.table, { booleans: visible.filter((c) => c.type === 'boolean').map((c) => c.field), json: visible.filter((c) => c.type === 'json').map((c) => c.field) }];
  }),
) as Record<EntityTable, { booleans: string[]; json: string[] }>;

/** Turn a raw SELECT row into its typed shape (JSON columns parsed, flags as booleans). */
export function hydrate<T>(table: keyof typeof SELECT, raw: Raw): T {
  if (table === 'findings') {
    raw.evidence = parse(raw.evidence);
    return raw as T;
  }
  const shape = SHAPE[table];
  for (const f of shape.json) if (f in raw) lazyJson(raw, f);
  for (const f of shape.booleans) if (f in raw) raw[f] = raw[f] === 1;
  return raw as T;
}
