// Versioned migrations of the inventory schema. The schema is a public interface
// (documented in the README): add columns and tables, never repurpose one.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

// Columns shared by every snapshotted entity table: what a scan saw and when.
const SNAPSHOT_COLUMNS = `
  target_key TEXT NOT NULL,
  first_seen_scan INTEGER NOT NULL,
  last_seen_scan INTEGER NOT NULL,
  gone_scan INTEGER`;

// Indexes are few on purpose: each one costs every write of a million-row scan. Gone-marking
// and diff scan a table once instead; lookups by id, identity and key id are indexed.
// Ids are unique through a named index rather than a PRIMARY KEY: a first scan loads rows into
// a table without indexes and builds each index with one sort afterwards (at 2M grants, 3.7 s
// instead of 7.3 s), which needs an index that can be dropped.
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'scans, identities, credentials, grants, trusts, findings, change log',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running','complete','partial','failed','interrupted')),
  scanners TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  pid INTEGER,
  demo INTEGER NOT NULL DEFAULT 0,
  evaluated_at TEXT,
  counts TEXT
);

CREATE TABLE scan_targets (
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  scanner TEXT NOT NULL,
  target_key TEXT NOT NULL,
  label TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running','complete','partial','failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  records INTEGER NOT NULL DEFAULT 0,
  api_calls INTEGER NOT NULL DEFAULT 0,
  retries INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scan_id, scanner, target_key)
);

CREATE TABLE scan_errors (
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  scanner TEXT NOT NULL,
  target_key TEXT,
  level TEXT NOT NULL CHECK (level IN ('error','note')),
  operation TEXT,
  code TEXT,
  message TEXT NOT NULL,
  fix TEXT,
  resource TEXT
);
CREATE INDEX scan_errors_scan ON scan_errors(scan_id);

CREATE TABLE identities (
  id TEXT NOT NULL,
  provider TEXT NOT NULL,
  scope TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT,
  last_used_at TEXT,
  last_used_source TEXT,
  last_used_window_days INTEGER,
  owner TEXT,
  owner_source TEXT,
  human_use INTEGER NOT NULL DEFAULT 0,
  provider_managed INTEGER NOT NULL DEFAULT 0,
  third_party INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  tags TEXT,
  attributes TEXT,
  raw TEXT,${SNAPSHOT_COLUMNS}
);
CREATE UNIQUE INDEX identities_id ON identities(id);

CREATE TABLE credentials (
  id TEXT NOT NULL,
  identity_id TEXT,
  provider TEXT NOT NULL,
  scope TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT,
  key_id TEXT,
  created_at TEXT,
  expires_at TEXT,
  last_used_at TEXT,
  last_used_source TEXT,
  rotated_at TEXT,
  status TEXT NOT NULL,
  preview TEXT,
  secret_hash TEXT,
  attributes TEXT,${SNAPSHOT_COLUMNS}
);
CREATE UNIQUE INDEX credentials_id ON credentials(id);
CREATE INDEX credentials_identity ON credentials(identity_id);
CREATE INDEX credentials_key_id ON credentials(key_id) WHERE key_id IS NOT NULL;

CREATE TABLE credential_sightings (
  credential_id TEXT NOT NULL,
  repo TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL,
  line INTEGER NOT NULL DEFAULT 0,
  commit_sha TEXT NOT NULL DEFAULT '',
  author TEXT,
  committed_at TEXT,
  first_seen_scan INTEGER NOT NULL,
  last_seen_scan INTEGER NOT NULL,
  PRIMARY KEY (credential_id, repo, path, line, commit_sha)
) WITHOUT ROWID;

CREATE TABLE grants (
  id TEXT NOT NULL,
  identity_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  resource TEXT NOT NULL,
  role TEXT NOT NULL,
  privilege TEXT NOT NULL CHECK (privilege IN ('admin','write','read','unknown')),
  via TEXT NOT NULL,
  evidence TEXT,
  attributes TEXT,${SNAPSHOT_COLUMNS}
);
CREATE UNIQUE INDEX grants_id ON grants(id);
CREATE INDEX grants_identity ON grants(identity_id);

CREATE TABLE trusts (
  id TEXT NOT NULL,
  identity_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  principal TEXT NOT NULL,
  principal_type TEXT NOT NULL,
  condition TEXT,
  risk TEXT,
  attributes TEXT,${SNAPSHOT_COLUMNS}
);
CREATE UNIQUE INDEX trusts_id ON trusts(id);
CREATE INDEX trusts_identity ON trusts(identity_id);

CREATE TABLE findings (
  id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  provider TEXT,
  identity_id TEXT,
  credential_id TEXT,
  message TEXT NOT NULL,
  evidence TEXT,
  first_seen_scan INTEGER NOT NULL,
  last_seen_scan INTEGER NOT NULL,
  resolved_scan INTEGER
);
CREATE UNIQUE INDEX findings_id ON findings(id);
-- Covering for per-identity rollups: the report's riskiest identities, nhi show.
CREATE INDEX findings_identity ON findings(identity_id, severity, resolved_scan);

-- What changed between snapshots. 'appeared' is not logged: it is first_seen_scan.
CREATE TABLE changes (
  entity TEXT NOT NULL CHECK (entity IN ('identity','credential','grant','trust','finding')),
  entity_id TEXT NOT NULL,
  scan_id INTEGER NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('changed','gone','returned')),
  PRIMARY KEY (entity, entity_id, scan_id)
) WITHOUT ROWID;
CREATE INDEX changes_scan ON changes(scan_id);
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Snapshotted entity tables and the columns a scan stages for each (order matters: staging and merge share it). */
export const ENTITY_COLUMNS = {
  identities: [
    'id', 'provider', 'scope', 'kind', 'name', 'created_at', 'last_used_at', 'last_used_source', 'last_used_window_days',
    'owner', 'owner_source', 'human_use', 'provider_managed', 'third_party', 'disabled', 'tags', 'attributes', 'raw',
  ],
  credentials: [
    'id', 'identity_id', 'provider', 'scope', 'kind', 'name', 'key_id', 'created_at', 'expires_at', 'last_used_at',
    'last_used_source', 'rotated_at', 'status', 'preview', 'secret_hash', 'attributes',
  ],
  grants: ['id', 'identity_id', 'provider', 'resource', 'role', 'privilege', 'via', 'evidence', 'attributes'],
  trusts: ['id', 'identity_id', 'provider', 'principal', 'principal_type', 'condition', 'risk', 'attributes'],
} as const;

export type EntityTable = keyof typeof ENTITY_COLUMNS;

export const ENTITY_NAME: Record<EntityTable, 'identity' | 'credential' | 'grant' | 'trust'> = {
  identities: 'identity',
  credentials: 'credential',
  grants: 'grant',
  trusts: 'trust',
};
