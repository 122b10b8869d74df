// Read-side queries for `nhi ls`, `nhi show`, `nhi scans`, `nhi diff` and `nhi export`.
// All return data; the CLI formats it.
import type { DB } from './db.js';
import { SELECT, hydrate, type CredentialRow, type GrantRow, type IdentityRow, type StoredFinding, type TrustRow } from './rows.js';
import { ConfigError, NhiError } from '../errors.js';
import { pageRows } from './view.js';
import { ScanLog, type ScanErrorEntry, type ScanRow } from './scan-log.js';

type Entity = 'identity' | 'credential' | 'finding';
const TABLE: Record<Entity, string> = { identity: 'identities', credential: 'credentials', finding: 'findings' };

/** The error for a reference that matches several things: the candidates, and how to pick one. */
export function ambiguous(ref: string, candidates: Candidate[], more: boolean): NhiError {
  const list = candidates.map((c) => `\n    ${c.entity} ${c.kind ?? ''} ${c.name ?? ''}  ${c.id}`.replace(/ {3,}/g, '  ')).join('');
  return new NhiError(`"${ref}" matches several ${candidates[0].entity === 'identity' ? 'identities' : `${candidates[0].entity}s`}:${list}${more ? '\n    …' : ''}`, {
    hint: 'Pass one of the ids above (or a longer part of a name).',
  });
}

export interface IdentityFilters {
  provider?: string[];
  kind?: string[];
  /** An owner, or `none` for unowned. */
  owner?: string;
  /** Substring of id or name. */
  search?: string;
  includeGone?: boolean;
  limit?: number;
}

export function listIdentities(db: DB, f: IdentityFilters = {}): Generator<IdentityRow> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!f.includeGone) where.push('gone_scan IS NULL');
  if (f.provider?.length) {
    where.push(`provider IN (${f.provider.map(() => '?').join(',')})`);
    params.push(...f.provider);
  }
  if (f.kind?.length) {
    where.push(`kind IN (${f.kind.map(() => '?').join(',')})`);
    params.push(...f.kind);
  }
  if (f.owner === 'none') where.push('owner IS NULL');
  else if (f.owner) {
    // The declared owner or the suggested one (from audit logs or git), case-insensitively.
    where.push('(lower(owner) = lower(?) OR lower(suggested_owner) = lower(?))');
    params.push(f.owner, f.owner);
  }
  if (f.search) {
    where.push("(instr(lower(id), lower(?)) > 0 OR instr(lower(name), lower(?)) > 0)");
    params.push(f.search, f.search);
  }
  return pageRows<IdentityRow>(db, 'identities', where, params, f.limit ?? Infinity);
}

export interface CredentialFilters {
  provider?: string[];
  kind?: string[];
  status?: string[];
  identity?: string;
  includeGone?: boolean;
  limit?: number;
}

export function listCredentials(db: DB, f: CredentialFilters = {}): Generator<CredentialRow> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!f.includeGone) where.push('gone_scan IS NULL');
  for (const [col, vals] of [['provider', f.provider], ['kind', f.kind], ['status', f.status]] as const) {
    if (vals?.length) {
      where.push(`${col} IN (${vals.map(() => '?').join(',')})`);
      params.push(...vals);
    }
  }
  if (f.identity) {
    where.push('identity_id = ?');
    params.push(f.identity);
  }
  return pageRows<CredentialRow>(db, 'credentials', where, params, f.limit ?? Infinity);
}

export interface IdentityDetail {
  identity: IdentityRow;
  raw: unknown;
  credentials: CredentialRow[];
  grants: GrantRow[];
  trusts: TrustRow[];
  findings: StoredFinding[];
  history: { scanId: number; startedAt: string | null; change: string; entity: string; entityId: string }[];
}

/** A candidate for `nhi show` when a reference matches several things. */
export interface Candidate {
  entity: 'identity' | 'credential' | 'finding';
  id: string;
  name: string | null;
  kind: string | null;
}

export type ShowMatch = { entity: 'identity' | 'credential' | 'finding'; id: string } | { entity: 'ambiguous'; candidates: Candidate[]; more: boolean } | null;

const CANDIDATES = 10;

/**
 * What `ref` names, most specific first: an exact id (identity, credential, finding); an exact
 * identity name; then identities whose id or name contains it (case-insensitive), credentials
 * whose id, key id or name contains it, findings whose id contains it. Several matches at the
 * first tier that has any are returned as candidates.
 */
export function resolveRef(db: DB, ref: string): ShowMatch {
  for (const entity of ['identity', 'credential', 'finding'] as const) {
    if (db.prepare(`SELECT 1 FROM ${TABLE[entity]} WHERE id = ?`).get(ref)) return { entity, id: ref };
  }
  const tiers: [Candidate['entity'], string, unknown[]][] = [
    ['identity', `SELECT id, name, kind FROM identities WHERE name = ? ORDER BY gone_scan IS NOT NULL, id LIMIT ${CANDIDATES + 1}`, [ref]],
    ['identity', `SELECT id, name, kind FROM identities WHERE instr(lower(id), lower(?)) > 0 OR instr(lower(name), lower(?)) > 0 ORDER BY gone_scan IS NOT NULL, id LIMIT ${CANDIDATES + 1}`, [ref, ref]],
    ['credential', `SELECT id, coalesce(name, key_id) AS name, kind FROM credentials WHERE instr(lower(id), lower(?)) > 0 OR key_id = ? OR instr(lower(coalesce(name, '')), lower(?)) > 0 ORDER BY gone_scan IS NOT NULL, id LIMIT ${CANDIDATES + 1}`, [ref, ref, ref]],
    ['finding', `SELECT id, message AS name, rule_id AS kind FROM findings WHERE instr(lower(id), lower(?)) > 0 ORDER BY resolved_scan IS NOT NULL, id LIMIT ${CANDIDATES + 1}`, [ref]],
  ];
  for (const [entity, sql, params] of tiers) {
    const rows = db.prepare(sql).all(...params) as { id: string; name: string | null; kind: string | null }[];
    if (rows.length === 1) return { entity, id: rows[0].id };
    if (rows.length > 1) return { entity: 'ambiguous', candidates: rows.slice(0, CANDIDATES).map((r) => ({ entity, ...r })), more: rows.length > CANDIDATES };
  }
  return null;
}

/** One identity by its exact id (resolve a reference with resolveRef first). */
export function showIdentity(db: DB, ref: string): IdentityDetail {
  const match = resolveRef(db, ref);
  if (match === null) throw new NhiError(`nothing matches "${ref}"`, { hint: 'List candidates with `nhi ls identities --search <text>`.' });
  if (match.entity === 'ambiguous') throw ambiguous(ref, match.candidates, match.more);
  if (match.entity !== 'identity') throw new NhiError(`"${ref}" is a ${match.entity}, not an identity`, { hint: `Run \`nhi show ${match.id}\`.` });
  const raw = db.prepare(`SELECT ${SELECT.identities}, raw AS _raw FROM identities WHERE id = ?`).get(match.id) as Record<string, unknown>;
  const rawCopy = raw._raw ? JSON.parse(raw._raw as string) : null;
  delete raw._raw;
  const identity = hydrate<IdentityRow>('identities', raw);
  const id = identity.id;
  const all = <T>(table: 'credentials' | 'grants' | 'trusts', col: string) =>
    (db.prepare(`SELECT ${SELECT[table]} FROM ${table} WHERE ${col} = ? ORDER BY gone_scan IS NOT NULL, id`).all(id) as Record<string, unknown>[]).map((r) => hydrate<T>(table, r));
  const credentials = all<CredentialRow>('credentials', 'identity_id');
  const findings = (db.prepare(`SELECT ${SELECT.findings} FROM findings WHERE identity_id = ? ORDER BY resolved_scan IS NOT NULL, severity`).all(id) as Record<string, unknown>[]).map((r) =>
    hydrate<StoredFinding>('findings', r),
  );
  const history = db
    .prepare(
      `SELECT c.scan_id AS scanId, s.started_at AS startedAt, c.change, c.entity, c.entity_id AS entityId FROM changes c LEFT JOIN scans s ON s.id = c.scan_id
       WHERE (c.entity = 'identity' AND c.entity_id = @id) OR (c.entity = 'credential' AND c.entity_id IN (SELECT id FROM credentials WHERE identity_id = @id))
       ORDER BY c.scan_id`,
    )
    .all({ id }) as IdentityDetail['history'];
  const first = db.prepare('SELECT started_at FROM scans WHERE id = ?').get(identity.firstSeenScan) as { started_at: string } | undefined;
  history.unshift({ scanId: identity.firstSeenScan, startedAt: first?.started_at ?? null, change: 'appeared', entity: 'identity', entityId: id });
  return { identity, raw: rawCopy, credentials, grants: all<GrantRow>('grants', 'identity_id'), trusts: all<TrustRow>('trusts', 'identity_id'), findings, history };
}

export interface Sighting {
  repo: string;
  path: string;
  line: number;
  commit: string;
  author: string | null;
  date: string | null;
}

/** Where a secret was seen, oldest sighting first. */
export function credentialSightings(db: DB, credentialId: string, limit = Infinity): Sighting[] {
  return db
    .prepare(`SELECT repo, path, line, commit_sha AS "commit", author, committed_at AS date FROM credential_sightings WHERE credential_id = ? ORDER BY committed_at, path, line LIMIT ?`)
    .all(credentialId, Number.isFinite(limit) ? limit : -1) as Sighting[];
}

/** A getter for the first sighting of many credentials (ls credentials' location column). */
export function firstSighting(db: DB): (credentialId: string) => Sighting | undefined {
  const stmt = db.prepare(`SELECT repo, path, line, commit_sha AS "commit", author, committed_at AS date FROM credential_sightings WHERE credential_id = ? ORDER BY committed_at, path, line LIMIT 1`);
  return (id) => stmt.get(id) as Sighting | undefined;
}

export interface CredentialDetail {
  credential: CredentialRow;
  identity: { id: string; name: string; kind: string } | null;
  sightings: Sighting[];
  findings: StoredFinding[];
}

export function showCredential(db: DB, id: string): CredentialDetail {
  const credential = hydrate<CredentialRow>('credentials', db.prepare(`SELECT ${SELECT.credentials} FROM credentials WHERE id = ?`).get(id) as Record<string, unknown>);
  const identity = credential.identityId
    ? ((db.prepare('SELECT id, name, kind FROM identities WHERE id = ?').get(credential.identityId) as CredentialDetail['identity'] | undefined) ?? null)
    : null;
  const findings = (db.prepare(`SELECT ${SELECT.findings} FROM findings WHERE credential_id = ? ORDER BY resolved_scan IS NOT NULL, severity`).all(id) as Record<string, unknown>[]).map((r) =>
    hydrate<StoredFinding>('findings', r),
  );
  return { credential, identity, sightings: credentialSightings(db, id), findings };
}

export interface FindingDetail {
  finding: StoredFinding;
  identity: { id: string; name: string; kind: string; scope: string; owner: string | null } | null;
}

export function showFinding(db: DB, id: string): FindingDetail {
  const finding = hydrate<StoredFinding>('findings', db.prepare(`SELECT ${SELECT.findings} FROM findings WHERE id = ?`).get(id) as Record<string, unknown>);
  const identity = finding.identityId
    ? ((db.prepare('SELECT id, name, kind, scope, owner FROM identities WHERE id = ?').get(finding.identityId) as FindingDetail['identity'] | undefined) ?? null)
    : null;
  return { finding, identity };
}

/** Distinct identity kinds in the inventory (to check `--kind` against). */
export function identityKinds(db: DB): string[] {
  return (db.prepare('SELECT DISTINCT kind FROM identities ORDER BY kind').all() as { kind: string }[]).map((r) => r.kind);
}

/** Providers the inventory holds anything of (to check `--provider` against). */
export function providersIn(db: DB): string[] {
  return (
    db.prepare('SELECT provider FROM identities UNION SELECT provider FROM credentials UNION SELECT provider FROM findings WHERE provider IS NOT NULL ORDER BY 1').all() as { provider: string }[]
  ).map((r) => r.provider);
}

/** Each requested provider must be one the inventory holds something of: a typo is an error, never an empty filter. */
export function checkProviders(db: DB, flag: string, values: string[] | undefined): void {
  if (!values?.length) return;
  const known = providersIn(db);
  for (const v of values) {
    if (!known.includes(v)) throw new ConfigError(`${flag}: "${v}" is not a provider of this inventory`, `It holds: ${known.join(', ') || 'nothing yet'}.`);
  }
}

export function scanExists(db: DB, id: number): boolean {
  return new ScanLog(db).exists(id);
}

export type { ScanRow } from './scan-log.js';

/** The scan history, newest first (a scan whose process died reads as interrupted). */
export function listScans(db: DB, limit = 50): ScanRow[] {
  return new ScanLog(db).list(limit);
}

export function scanErrors(db: DB, scanId: number): ScanErrorEntry[] {
  return new ScanLog(db).errors(scanId);
}

// ---- diff ----

export interface DiffSide {
  appeared: string[];
  disappeared: string[];
  changed: string[];
}

/** Name and kind of an identity or credential a diff lists. */
export interface DiffLabel {
  name: string | null;
  kind: string;
}

export interface DiffResult {
  from: number;
  to: number;
  identities: DiffSide;
  credentials: DiffSide;
  findings: { new: { id: string; ruleId: string; severity: string; message: string }[]; resolved: { id: string; ruleId: string; severity: string; message: string }[] };
  /** Name and kind of every identity and credential listed, by id. */
  names: Record<string, DiffLabel>;
}

export function resolveDiffRange(db: DB, from?: number, to?: number): { from: number; to: number } {
  const merged = new ScanLog(db).merged();
  if (merged.length === 0) throw new NhiError('no finished scan to compare', { hint: 'Run `nhi scan` (twice, to see a difference).' });
  const check = (n: number, flag: string) => {
    if (!merged.includes(n) && n !== 0) {
      throw new NhiError(`${flag} ${n} is not a finished scan`, { hint: `Finished scans: ${merged.slice(-10).join(', ')} (see \`nhi scans\`).` });
    }
  };
  const t = to ?? merged[merged.length - 1];
  check(t, '--to');
  const f = from ?? [...merged].reverse().find((id) => id < t) ?? 0;
  check(f, '--from');
  if (f >= t) throw new NhiError(`--from (${f}) must be an earlier scan than --to (${t})`);
  return { from: f, to: t };
}

function diffEntity(db: DB, entity: Entity, from: number, to: number): DiffSide {
  const table = TABLE[entity];
  const candidates = db
    .prepare(
      `SELECT id, first_seen_scan AS first FROM ${table} WHERE first_seen_scan > @from AND first_seen_scan <= @to
       UNION SELECT c.entity_id AS id, t.first_seen_scan AS first FROM changes c JOIN ${table} t ON t.id = c.entity_id
       WHERE c.entity = @entity AND c.scan_id > @from AND c.scan_id <= @to`,
    )
    .all({ from, to, entity }) as { id: string; first: number }[];
  const lastPresence = db.prepare(
    "SELECT change FROM changes WHERE entity = ? AND entity_id = ? AND scan_id <= ? AND change IN ('gone','returned') ORDER BY scan_id DESC LIMIT 1",
  );
  const changedBetween = db.prepare("SELECT 1 FROM changes WHERE entity = ? AND entity_id = ? AND scan_id > ? AND scan_id <= ? AND change = 'changed' LIMIT 1");
  const present = (id: string, first: number, at: number) => first <= at && (lastPresence.get(entity, id, at) as { change: string } | undefined)?.change !== 'gone';
  const out: DiffSide = { appeared: [], disappeared: [], changed: [] };
  for (const c of candidates) {
    const a = present(c.id, c.first, from);
    const b = present(c.id, c.first, to);
    if (!a && b) out.appeared.push(c.id);
    else if (a && !b) out.disappeared.push(c.id);
    else if (a && b && changedBetween.get(entity, c.id, from, to)) out.changed.push(c.id);
  }
  for (const k of ['appeared', 'disappeared', 'changed'] as const) out[k].sort();
  return out;
}

function labels(db: DB, entity: 'identity' | 'credential', side: DiffSide, into: Record<string, DiffLabel>): void {
  const label = db.prepare(`SELECT ${entity === 'credential' ? 'coalesce(name, key_id)' : 'name'} AS name, kind FROM ${TABLE[entity]} WHERE id = ?`);
  for (const id of [...side.appeared, ...side.disappeared, ...side.changed]) {
    const r = label.get(id) as DiffLabel | undefined;
    if (r) into[id] = r;
  }
}

export function diffScans(db: DB, fromArg?: number, toArg?: number): DiffResult {
  const { from, to } = resolveDiffRange(db, fromArg, toArg);
  const f = diffEntity(db, 'finding', from, to);
  const info = db.prepare('SELECT id, rule_id AS ruleId, severity, message FROM findings WHERE id = ?');
  const load = (ids: string[]) => ids.map((id) => info.get(id) as { id: string; ruleId: string; severity: string; message: string });
  const identities = diffEntity(db, 'identity', from, to);
  const credentials = diffEntity(db, 'credential', from, to);
  const names: Record<string, DiffLabel> = {};
  labels(db, 'identity', identities, names);
  labels(db, 'credential', credentials, names);
  return { from, to, identities, credentials, findings: { new: load(f.appeared), resolved: load(f.disappeared) }, names };
}
