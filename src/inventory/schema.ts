// Versioned migrations of the inventory schema. The schema is a public interface
// (documented in the README): add columns and tables, never repurpose one.

import { ENTITIES, IDENTITY, OWNER_CANDIDATE, entityDdl, entityMigration } from './entities.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

// The snapshotted entity tables (identities, credentials, grants, trusts) are derived from their
// specs in entities.ts; a later version adds its columns with entityMigration(). Indexes are few
// on purpose: each one costs every write of a million-row scan.
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

${ENTITIES.filter((e) => (e.since ?? 1) === 1).map((e) => entityDdl(e, 1)).join('\n')}
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
  {
    version: 2,
    description: 'reach: the "can act as" edges and what each identity reaches through them',
    sql: `
-- Every edge of the reach graph as of the latest scan (rewritten whole at each scan): SQL users can
-- walk it with WITH RECURSIVE. Node ids are identity ids or ext:<type>:<value> for outside principals.
CREATE TABLE edges (
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  mechanism TEXT NOT NULL,
  evidence TEXT,
  scope TEXT
);
CREATE INDEX edges_from ON edges(from_id);
CREATE INDEX edges_to ON edges(to_id);

-- What an identity (or a credential node) reaches through at least one hop: the strongest level per
-- layer (admin anywhere, prod-admin, prod-write), the holder at the end, and the chain as JSON.
CREATE TABLE reach (
  node_id TEXT NOT NULL,
  layer TEXT NOT NULL,
  hops INTEGER NOT NULL,
  holder TEXT NOT NULL,
  chain TEXT NOT NULL,
  PRIMARY KEY (node_id, layer)
) WITHOUT ROWID;
`,
  },
  {
    version: 3,
    description: 'plans: the steps `nhi plan` proposed and what later scans say about each',
    sql: `
-- One row per proposed step (id = <action>:<subject>), kept when a later plan no longer proposes it so
-- its progress stays visible. state: not-started, observing, ready-to-delete, investigate, done.
CREATE TABLE plan_steps (
  id TEXT PRIMARY KEY,
  identity_id TEXT NOT NULL,
  credential_id TEXT,
  action TEXT NOT NULL,
  owner_group TEXT NOT NULL,
  reason TEXT NOT NULL,
  command TEXT NOT NULL,
  shadow INTEGER NOT NULL DEFAULT 0,
  findings TEXT NOT NULL,
  proposed_scan INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'not-started',
  state_scan INTEGER,
  disabled_scan INTEGER,
  disabled_at TEXT,
  used_at_disable TEXT,
  judged_scan INTEGER,
  done_scan INTEGER
);
CREATE INDEX plan_steps_identity ON plan_steps(identity_id);
`,
  },
  {
    version: 4,
    description: 'owners: who probably owns each identity, from audit logs and git history',
    sql: `
${entityDdl(OWNER_CANDIDATE, 4)}
${entityMigration(IDENTITY, 4)}
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

