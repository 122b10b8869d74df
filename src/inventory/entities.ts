// One declarative spec per stored entity. The DDL (schema.ts), the record validation
// (model/validate.ts), the staging writer (scan-writer.ts), the row reader (rows.ts) and the
// export columns (report/columns.ts) are all derived from it, so a new column is one line here
// (plus its field on the record and row types, which the compiler then checks against it).
import { CREDENTIAL_KINDS, CREDENTIAL_STATUSES, OWNER_SOURCES, PRIVILEGES, TRUST_PRINCIPAL_TYPES, TRUST_RISKS } from '../model/records.js';
import type { CredentialRecord, GrantRecord, IdentityRecord, OwnerCandidateRecord, TrustRecord } from '../model/records.js';

export type ColumnType = 'text' | 'integer' | 'boolean' | 'time' | 'json';

export interface ColumnSpec<F extends string = string> {
  /** SQL column name. */
  column: string;
  /** Field of the record and of the row read back (camelCase). */
  field: F;
  type: ColumnType;
  /** NOT NULL in the table; required (and non-empty) in a record. */
  required?: boolean;
  /** Allowed values (a CHECK where `check` is set, always a validation). */
  oneOf?: readonly string[];
  check?: boolean;
  /** Computed by the writer from the whole record (grant and trust ids), not read from `field`. */
  derived?: 'grantId' | 'trustId' | 'ownerCandidateId';
  /** Filled by the inventory after each merge (suggested owners), never by a scanner: not staged, not in records. */
  computed?: boolean;
  /** Provider names are open (a new scanner brings its own): validated by shape, not by a list. */
  name?: boolean;
  /** Left out of exports and of the default row read (the redacted raw copy: read on demand). */
  hidden?: boolean;
  /** Left out of CSV/NDJSON exports only. */
  noExport?: boolean;
  /** Schema version that added the column (migrations add later columns with ALTER TABLE). */
  since?: number;
}

export interface IndexSpec {
  name: string;
  columns: string;
  unique?: boolean;
  where?: string;
}

export type EntityName = 'identity' | 'credential' | 'grant' | 'trust' | 'owner_candidate';
export type EntityTable = 'identities' | 'credentials' | 'grants' | 'trusts' | 'owner_candidates';

export interface EntitySpec {
  table: EntityTable;
  entity: EntityName;
  columns: ColumnSpec[];
  indexes: IndexSpec[];
  /** Schema version that added the table (1 when absent). */
  since?: number;
  /** False: rescans do not log this entity's changes (`changes` lists what people diff). */
  changeLog?: boolean;
}

/**
 * An entity spec whose field names the compiler checks against the record type R (grant and trust ids
 * are derived; C names the columns the inventory computes, which no record carries).
 */
function defineEntity<R, C extends string = never>(spec: Omit<EntitySpec, 'columns'> & { columns: ColumnSpec<Extract<keyof R, string> | 'id' | C>[] }): EntitySpec {
  return spec;
}

/** Columns every snapshotted entity carries: which target reported it, and which scans saw it. */
export const SNAPSHOT_COLUMNS: ColumnSpec[] = [
  { column: 'target_key', field: 'targetKey', type: 'text', required: true, noExport: true },
  { column: 'first_seen_scan', field: 'firstSeenScan', type: 'integer', required: true },
  { column: 'last_seen_scan', field: 'lastSeenScan', type: 'integer', required: true },
  { column: 'gone_scan', field: 'goneScan', type: 'integer' },
];

// Indexes are few on purpose: each one costs every write of a million-row scan. Ids are unique
// through a named index rather than a PRIMARY KEY: a first scan loads rows into a table without
// indexes and builds each index with one sort afterwards (at 2M grants, 3.7 s instead of 7.3 s).
export const IDENTITY = defineEntity<IdentityRecord, 'suggestedOwner' | 'suggestedOwnerEvidence'>({
  table: 'identities',
  entity: 'identity',
  columns: [
    { column: 'id', field: 'id', type: 'text', required: true },
    { column: 'provider', field: 'provider', type: 'text', required: true, name: true },
    { column: 'scope', field: 'scope', type: 'text', required: true },
    { column: 'kind', field: 'kind', type: 'text', required: true },
    { column: 'name', field: 'name', type: 'text', required: true },
    { column: 'created_at', field: 'createdAt', type: 'time' },
    { column: 'last_used_at', field: 'lastUsedAt', type: 'time' },
    { column: 'last_used_source', field: 'lastUsedSource', type: 'text' },
    { column: 'last_used_window_days', field: 'lastUsedWindowDays', type: 'integer', noExport: true },
    { column: 'owner', field: 'owner', type: 'text' },
    { column: 'owner_source', field: 'ownerSource', type: 'text' },
    { column: 'human_use', field: 'humanUse', type: 'boolean', required: true },
    { column: 'provider_managed', field: 'providerManaged', type: 'boolean', required: true },
    { column: 'third_party', field: 'thirdParty', type: 'boolean', required: true },
    { column: 'disabled', field: 'disabled', type: 'boolean', required: true },
    { column: 'tags', field: 'tags', type: 'json' },
    { column: 'attributes', field: 'attributes', type: 'json' },
    { column: 'raw', field: 'raw', type: 'json', hidden: true },
    // The strongest owner candidate (owner_candidates), kept apart from the declared owner.
    { column: 'suggested_owner', field: 'suggestedOwner', type: 'text', computed: true, since: 4 },
    { column: 'suggested_owner_evidence', field: 'suggestedOwnerEvidence', type: 'text', computed: true, since: 4 },
  ],
  indexes: [{ name: 'identities_id', columns: 'id', unique: true }],
});

export const CREDENTIAL = defineEntity<CredentialRecord>({
  table: 'credentials',
  entity: 'credential',
  columns: [
    { column: 'id', field: 'id', type: 'text', required: true },
    { column: 'identity_id', field: 'identityId', type: 'text' },
    { column: 'provider', field: 'provider', type: 'text', required: true, name: true },
    { column: 'scope', field: 'scope', type: 'text', required: true },
    { column: 'kind', field: 'kind', type: 'text', required: true, oneOf: CREDENTIAL_KINDS },
    { column: 'name', field: 'name', type: 'text' },
    { column: 'key_id', field: 'keyId', type: 'text' },
    { column: 'created_at', field: 'createdAt', type: 'time' },
    { column: 'expires_at', field: 'expiresAt', type: 'time' },
    { column: 'last_used_at', field: 'lastUsedAt', type: 'time' },
    { column: 'last_used_source', field: 'lastUsedSource', type: 'text' },
    { column: 'rotated_at', field: 'rotatedAt', type: 'time' },
    { column: 'status', field: 'status', type: 'text', required: true, oneOf: CREDENTIAL_STATUSES },
    { column: 'preview', field: 'preview', type: 'text' },
    { column: 'secret_hash', field: 'secretHash', type: 'text' },
    { column: 'attributes', field: 'attributes', type: 'json' },
  ],
  indexes: [
    { name: 'credentials_id', columns: 'id', unique: true },
    { name: 'credentials_identity', columns: 'identity_id' },
    { name: 'credentials_key_id', columns: 'key_id', where: 'key_id IS NOT NULL' },
  ],
});

export const GRANT = defineEntity<GrantRecord>({
  table: 'grants',
  entity: 'grant',
  columns: [
    { column: 'id', field: 'id', type: 'text', required: true, derived: 'grantId' },
    { column: 'identity_id', field: 'identityId', type: 'text', required: true },
    { column: 'provider', field: 'provider', type: 'text', required: true, name: true },
    { column: 'resource', field: 'resource', type: 'text', required: true },
    { column: 'role', field: 'role', type: 'text', required: true },
    { column: 'privilege', field: 'privilege', type: 'text', required: true, oneOf: PRIVILEGES, check: true },
    { column: 'via', field: 'via', type: 'text', required: true },
    { column: 'evidence', field: 'evidence', type: 'text' },
    { column: 'attributes', field: 'attributes', type: 'json' },
  ],
  indexes: [
    { name: 'grants_id', columns: 'id', unique: true },
    { name: 'grants_identity', columns: 'identity_id' },
  ],
});

export const TRUST = defineEntity<TrustRecord>({
  table: 'trusts',
  entity: 'trust',
  columns: [
    { column: 'id', field: 'id', type: 'text', required: true, derived: 'trustId' },
    { column: 'identity_id', field: 'identityId', type: 'text', required: true },
    { column: 'provider', field: 'provider', type: 'text', required: true, name: true },
    { column: 'principal', field: 'principal', type: 'text', required: true },
    { column: 'principal_type', field: 'principalType', type: 'text', required: true, oneOf: TRUST_PRINCIPAL_TYPES },
    { column: 'condition', field: 'condition', type: 'text' },
    { column: 'risk', field: 'risk', type: 'text', oneOf: TRUST_RISKS },
    { column: 'attributes', field: 'attributes', type: 'json' },
  ],
  indexes: [
    { name: 'trusts_id', columns: 'id', unique: true },
    { name: 'trusts_identity', columns: 'identity_id' },
  ],
});

export const OWNER_CANDIDATE = defineEntity<OwnerCandidateRecord>({
  table: 'owner_candidates',
  entity: 'owner_candidate',
  since: 4,
  changeLog: false,
  columns: [
    { column: 'id', field: 'id', type: 'text', required: true, derived: 'ownerCandidateId' },
    { column: 'identity_id', field: 'identityId', type: 'text', required: true },
    { column: 'provider', field: 'provider', type: 'text', required: true, name: true },
    { column: 'person', field: 'person', type: 'text', required: true },
    { column: 'handle', field: 'handle', type: 'text' },
    { column: 'source', field: 'source', type: 'text', required: true, oneOf: OWNER_SOURCES },
    { column: 'event', field: 'event', type: 'text', required: true },
    { column: 'at', field: 'at', type: 'time', required: true },
    { column: 'confidence', field: 'confidence', type: 'integer', required: true },
    { column: 'departed', field: 'departed', type: 'boolean', required: true },
    { column: 'evidence', field: 'evidence', type: 'text', required: true },
  ],
  indexes: [
    { name: 'owner_candidates_id', columns: 'id', unique: true },
    { name: 'owner_candidates_identity', columns: 'identity_id' },
  ],
});

/** Snapshotted entities, in merge order. */
export const ENTITIES: EntitySpec[] = [IDENTITY, CREDENTIAL, GRANT, TRUST, OWNER_CANDIDATE];

export const ENTITY_BY_TABLE = Object.fromEntries(ENTITIES.map((e) => [e.table, e])) as Record<EntityTable, EntitySpec>;
export const ENTITY_BY_RECORD = Object.fromEntries(ENTITIES.map((e) => [e.entity, e])) as Record<EntityName, EntitySpec>;

/** Columns a scan stages for the entity (everything but the snapshot bookkeeping), in order. */
export function stagedColumns(spec: EntitySpec): string[] {
  return spec.columns.filter((c) => !c.computed).map((c) => c.column);
}

function columnDdl(c: ColumnSpec): string {
  const type = c.type === 'integer' || c.type === 'boolean' ? 'INTEGER' : 'TEXT';
  const notNull = c.required ? ' NOT NULL' : '';
  const dflt = c.type === 'boolean' ? ' DEFAULT 0' : '';
  const check = c.check && c.oneOf ? ` CHECK (${c.column} IN (${c.oneOf.map((v) => `'${v}'`).join(',')}))` : '';
  return `${c.column} ${type}${notNull}${dflt}${check}`;
}

/** CREATE TABLE and CREATE INDEX statements of an entity as of schema `version`. */
export function entityDdl(spec: EntitySpec, version: number): string {
  const cols = [...spec.columns, ...SNAPSHOT_COLUMNS].filter((c) => (c.since ?? 1) <= version).map((c) => `  ${columnDdl(c)}`);
  const indexes = spec.indexes.map(
    (i) => `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} ON ${spec.table}(${i.columns})${i.where ? ` WHERE ${i.where}` : ''};`,
  );
  return `CREATE TABLE ${spec.table} (\n${cols.join(',\n')}\n);\n${indexes.join('\n')}\n`;
}

/** ALTER TABLE statements adding the columns introduced by schema `version`. */
export function entityMigration(spec: EntitySpec, version: number): string {
  return spec.columns
    .filter((c) => c.since === version)
    .map((c) => `ALTER TABLE ${spec.table} ADD COLUMN ${columnDdl(c)};`)
    .join('\n');
}
