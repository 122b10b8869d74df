// Read access to the current inventory (what is not gone) for rules and reports.
// Iteration pages by rowid instead of holding a cursor open, so callers may write
// (findings) while they read, and memory stays bounded at any estate size.
import type { Statement } from 'better-sqlite3';
import type { DB } from './db.js';
import { FOUND_SECRET_SQL } from '../model/records.js';
import { DIRECT_ADMINS, existedByCutoff, julianDay, unusedSql } from './judgements.js';
import { SELECT, hydrate, selectFields, type CredentialRow, type GrantRow, type IdentityRow, type TrustRow } from './rows.js';

const PAGE = 2000;

/** What the admin-set walk reads of each identity (a whole row per admin cost ten times the lean read). */
const ADMIN_FIELDS = ['id', 'provider', 'kind', 'name', 'lastUsedAt', 'providerManaged', 'thirdParty'] as const;
export type AdminIdentity = Pick<IdentityRow, (typeof ADMIN_FIELDS)[number]>;
const ADMIN_FIELDS_SQL = selectFields('identities', ADMIN_FIELDS);

type Table = 'identities' | 'credentials' | 'grants' | 'trusts';

/**
 * Rows of a table page by page in rowid order (no cursor held open between pages), hydrated,
 * at most `limit` of them. `where` conditions are ANDed; `params` bind their placeholders.
 */
export function* pageRows<T>(
  db: DB,
  table: Table,
  where: string[],
  params: unknown[],
  limit = Infinity,
  prepare: (sql: string) => Statement<unknown[]> = (sql) => db.prepare<unknown[]>(sql),
): Generator<T> {
  const stmt = prepare(`SELECT rowid AS _rid, ${SELECT[table]} FROM ${table} WHERE ${[...where, 'rowid > ?'].join(' AND ')} ORDER BY rowid LIMIT ${PAGE}`);
  let after = 0;
  let n = 0;
  for (;;) {
    const rows = stmt.all(...params, after) as Record<string, unknown>[];
    for (const r of rows) {
      after = r._rid as number;
      delete r._rid;
      yield hydrate<T>(table, r);
      if (++n >= limit) return;
    }
    if (rows.length < PAGE) return;
  }
}

/** How long an identity has gone unused (judgements.ts), or null when the provider's data cannot tell. */
export interface Unused {
  days: number;
  /** Never used since it was created (as far as the provider records). */
  never: boolean;
  /** Not used within the provider's last-use window (the days are the window). */
  windowed: boolean;
}

/** Typed filters the rules use instead of SQL text (the view owns the column names). */
export interface IdentityFilter {
  humanUse?: boolean;
  providerManaged?: boolean;
  thirdParty?: boolean;
  /** A top-level attribute that is present (not null). */
  hasAttribute?: string;
}

export interface CredentialFilter {
  /** One kind, or any of several (one pass over the table, not one per kind). */
  kind?: string | readonly string[];
  /** Expired by the clock (status expired, or past its expiry and not deactivated). */
  expired?: boolean;
  hasAttribute?: string;
}

/** Attribute names are code, never input; still, only plain identifiers reach the SQL. */
function attributePath(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`attribute name ${JSON.stringify(name)} is not an identifier`);
  return `'$.${name}'`;
}

export class InventoryView {
  readonly db: DB;
  private readonly stmts = new Map<string, Statement<unknown[]>>();
  /** Identities and credentials created after the evaluation clock did not exist yet (existedByCutoff). */
  private readonly existedBy: string | null;
  private readonly now: Date | null;

  constructor(db: DB, now?: Date) {
    this.db = db;
    this.now = now ?? null;
    this.existedBy = now ? existedByCutoff(now) : null;
  }

  /** Conditions every current row of an entity with a creation date meets. */
  private current(alias = ''): string[] {
    const a = alias ? `${alias}.` : '';
    return [`${a}gone_scan IS NULL`, ...(this.existedBy ? [`(${a}created_at IS NULL OR ${a}created_at <= '${this.existedBy}')`] : [])];
  }

  private stmt(sql: string) {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private page<T>(table: Table, where: string[], params: unknown[]): Generator<T> {
    const dated = table === 'identities' || table === 'credentials';
    // The rule's own filters first: SQLite tests them in order, and they read early columns, while
    // gone_scan sits at the end of the row. Rules that find few rows in a table (a CI secret among
    // 2M credentials) skip reading each row that far: 0.24 -> 0.14 s a scan at 1M.
    return pageRows<T>(this.db, table, [...where, ...(dated ? this.current() : ['gone_scan IS NULL'])], params, Infinity, (sql) => this.stmt(sql));
  }

  /** How many identities the inventory holds now (the size of the estate, for choosing how to evaluate). */
  currentIdentityCount(): number {
    return this.stmt('SELECT count(*) FROM identities WHERE gone_scan IS NULL').pluck().get() as number;
  }

  /** Current identities (that existed by the evaluation clock) matching the filter. */
  identities(f: IdentityFilter = {}): Generator<IdentityRow> {
    const where: string[] = [];
    for (const [field, col] of [['humanUse', 'human_use'], ['providerManaged', 'provider_managed'], ['thirdParty', 'third_party']] as const) {
      if (f[field] !== undefined) where.push(`${col} = ${f[field] ? 1 : 0}`);
    }
    if (f.hasAttribute) where.push(`json_extract(attributes, ${attributePath(f.hasAttribute)}) IS NOT NULL`);
    return this.page<IdentityRow>('identities', where, []);
  }

  credentials(f: CredentialFilter = {}): Generator<CredentialRow> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (typeof f.kind === 'string') {
      where.push('kind = ?');
      params.push(f.kind);
    } else if (f.kind) {
      where.push(`kind IN (${f.kind.map(() => '?').join(', ')})`);
      params.push(...f.kind);
    }
    if (f.expired) {
      where.push(`kind NOT IN ${FOUND_SECRET_SQL} AND (status = 'expired' OR (expires_at IS NOT NULL AND expires_at < ? AND status <> 'inactive'))`);
      params.push((this.now ?? new Date()).toISOString());
    }
    if (f.hasAttribute) where.push(`json_extract(attributes, ${attributePath(f.hasAttribute)}) IS NOT NULL`);
    return this.page<CredentialRow>('credentials', where, params);
  }

  /** Current grants. */
  grants(): Generator<GrantRow> {
    return this.page<GrantRow>('grants', [], []);
  }

  /** Current trust edges; `risky` keeps those a scanner judged risky, `orFederated` adds every federation trust. */
  trusts(f: { risky?: boolean; orFederated?: boolean } = {}): Generator<TrustRow> {
    const where = f.risky ? [f.orFederated ? "(risk IS NOT NULL OR principal_type = 'federated')" : 'risk IS NOT NULL'] : [];
    return this.page<TrustRow>('trusts', where, []);
  }

  identity(id: string): IdentityRow | undefined {
    const r = this.stmt(`SELECT ${SELECT.identities} FROM identities WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    return r ? hydrate<IdentityRow>('identities', r) : undefined;
  }

  private labels = new Map<string, { kind: string; name: string } | null>();

  /**
   * An identity's kind and name (finding messages, chain text), remembered per view: chains share
   * their nodes, and a lean read of two columns costs a fraction of a whole row.
   */
  identityLabel(id: string): { kind: string; name: string } | undefined {
    let l = this.labels.get(id);
    if (l === undefined) {
      const r = this.stmt('SELECT kind, name FROM identities WHERE id = ?').raw(true).get(id) as [string, string] | undefined;
      this.labels.set(id, (l = r ? { kind: r[0], name: r[1] } : null));
    }
    return l ?? undefined;
  }

  /** The identity a current credential belongs to. */
  credentialIdentity(id: string): string | null {
    const r = this.stmt('SELECT identity_id AS i FROM credentials WHERE id = ? AND gone_scan IS NULL').get(id) as { i: string | null } | undefined;
    return r?.i ?? null;
  }

  grantsOf(identityId: string): GrantRow[] {
    return (this.stmt(`SELECT ${SELECT.grants} FROM grants WHERE identity_id = ? AND gone_scan IS NULL`).all(identityId) as Record<string, unknown>[]).map((r) =>
      hydrate<GrantRow>('grants', r),
    );
  }


  /** Live (provider-known) credentials carrying this key id: the target of a leak correlation. */
  liveCredentialsByKeyId(keyId: string): CredentialRow[] {
    return (
      this.stmt(`SELECT ${SELECT.credentials} FROM credentials WHERE key_id = ? AND kind NOT IN ${FOUND_SECRET_SQL} AND gone_scan IS NULL`).all(keyId) as Record<
        string,
        unknown
      >[]
    ).map((r) => hydrate<CredentialRow>('credentials', r));
  }

  private admins: Set<string> | null = null;

  /**
   * Identities holding at least one admin grant. Computed once per view: rules ask about
   * nearly every identity, and a set lookup beats a query each time (admins are a few percent).
   */
  adminIdentities(): Set<string> {
    this.admins ??= new Set(this.db.prepare(`SELECT id FROM ${this.adminSetSql()}`).pluck().all() as string[]);
    return this.admins;
  }

  /** The admin set as an SQL table expression: the rule engine materializes it once per evaluation (temp.nhi_admins). */
  private adminSetSql(): string {
    const hasTemp = this.db.prepare("SELECT 1 FROM temp.sqlite_master WHERE name = 'nhi_admins'").get();
    return hasTemp ? 'temp.nhi_admins' : DIRECT_ADMINS;
  }

  hasAdminGrant(identityId: string): boolean {
    return this.adminIdentities().has(identityId);
  }

  /**
   * Current admin-equivalent identities in stored order, each with its current admin grants (in the
   * order they were stored; none for one that only reaches admin through a chain). The admin set
   * carries each identity's rowid and the rows are read in file order: read in id order, a
   * hundred thousand admins were as many scattered page reads. Two queries per page of identities.
   */
  *adminHolders(): Generator<{ identity: AdminIdentity; grants: GrantRow[]; unused: Unused | null }> {
    const admins = this.adminSetSql();
    const u = unusedSql(true);
    this.db.exec(`DROP TABLE IF EXISTS temp.nhi_admin_rows;
      CREATE TEMP TABLE nhi_admin_rows (r INTEGER PRIMARY KEY, direct INTEGER NOT NULL);
      INSERT OR IGNORE INTO temp.nhi_admin_rows SELECT r, direct FROM ${admins} WHERE r IS NOT NULL ORDER BY 1;`);
    let after = 0;
    try {
      for (;;) {
        const direct: string[] = [];
        const raw = this.stmt(
          `SELECT i.rowid AS _rid, ${ADMIN_FIELDS_SQL}, CASE WHEN ${u.known} THEN ${u.days} END AS _days, ${u.windowed} AS _windowed, a.direct AS _direct,
             ${this.current('i').join(' AND ')} AS _current
           FROM (SELECT r, direct FROM temp.nhi_admin_rows WHERE r > @after ORDER BY r LIMIT ${PAGE}) a CROSS JOIN identities i ON i.rowid = a.r
           ORDER BY a.r`,
        ).all({ after, nowJd: julianDay(this.now ?? new Date()) }) as Record<string, unknown>[];
        if (raw.length === 0) return;
        after = raw[raw.length - 1]!._rid as number;
        const page: { identity: AdminIdentity; unused: Unused | null }[] = [];
        for (const r of raw) {
          const { _rid, _days, _windowed, _direct, _current, ...row } = r;
          if (!_current) continue;
          if (_direct) direct.push(row.id as string);
          const unused = _days === null ? null : { days: _days as number, never: row.lastUsedAt === null && !_windowed, windowed: !!_windowed };
          const identity = hydrate<AdminIdentity>('identities', row);
          // Every identity on a chain to admin is itself in the admin set: its label is known here.
          this.labels.set(identity.id, { kind: identity.kind, name: identity.name });
          page.push({ identity, unused });
        }
        const grants = new Map<string, GrantRow[]>();
        if (direct.length) {
          const rows = this.stmt(
            `SELECT ${SELECT.grants} FROM grants WHERE identity_id IN (SELECT value FROM json_each(?)) AND privilege = 'admin' AND gone_scan IS NULL ORDER BY rowid`,
          ).all(JSON.stringify(direct)) as Record<string, unknown>[];
          for (const r of rows) {
            const g = hydrate<GrantRow>('grants', r);
            const list = grants.get(g.identityId);
            if (list) list.push(g);
            else grants.set(g.identityId, [g]);
          }
        }
        for (const { identity, unused } of page) yield { identity, grants: grants.get(identity.id) ?? [], unused };
        if (raw.length < PAGE) return;
      }
    } finally {
      this.db.exec('DROP TABLE IF EXISTS temp.nhi_admin_rows');
    }
  }

  sightings(credentialId: string, limit = 20): { repo: string; path: string; line: number; commit: string; author: string | null; date: string | null }[] {
    return this.stmt(
      `SELECT repo, path, line, commit_sha AS "commit", author, committed_at AS date FROM credential_sightings WHERE credential_id = ? ORDER BY committed_at DESC, path LIMIT ?`,
    ).all(credentialId, limit) as { repo: string; path: string; line: number; commit: string; author: string | null; date: string | null }[];
  }

  sightingCount(credentialId: string): number {
    return (this.stmt('SELECT count(*) AS n FROM credential_sightings WHERE credential_id = ?').get(credentialId) as { n: number }).n;
  }
}
