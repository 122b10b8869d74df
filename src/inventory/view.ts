// Read access to the current inventory (what is not gone) for rules and reports.
// Iteration pages by rowid instead of holding a cursor open, so callers may write
// (findings) while they read, and memory stays bounded at any estate size.
import type { Statement } from 'better-sqlite3';
import type { DB } from './db.js';
import { SELECT, hydrate, type CredentialRow, type GrantRow, type IdentityRow, type TrustRow } from './rows.js';

const PAGE = 2000;

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

export class InventoryView {
  readonly db: DB;
  private readonly stmts = new Map<string, Statement<unknown[]>>();

  constructor(db: DB) {
    this.db = db;
  }

  private stmt(sql: string) {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private page<T>(table: Table, filter: string | undefined, params: unknown[]): Generator<T> {
    return pageRows<T>(this.db, table, ['gone_scan IS NULL', ...(filter ? [`(${filter})`] : [])], params, Infinity, (sql) => this.stmt(sql));
  }

  /** Current identities; `filter` is an SQL condition on the identities table. */
  identities(filter?: string, ...params: unknown[]): Generator<IdentityRow> {
    return this.page<IdentityRow>('identities', filter, params);
  }

  credentials(filter?: string, ...params: unknown[]): Generator<CredentialRow> {
    return this.page<CredentialRow>('credentials', filter, params);
  }

  grants(filter?: string, ...params: unknown[]): Generator<GrantRow> {
    return this.page<GrantRow>('grants', filter, params);
  }

  trusts(filter?: string, ...params: unknown[]): Generator<TrustRow> {
    return this.page<TrustRow>('trusts', filter, params);
  }

  identity(id: string): IdentityRow | undefined {
    const r = this.stmt(`SELECT ${SELECT.identities} FROM identities WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    return r ? hydrate<IdentityRow>('identities', r) : undefined;
  }

  grantsOf(identityId: string): GrantRow[] {
    return (this.stmt(`SELECT ${SELECT.grants} FROM grants WHERE identity_id = ? AND gone_scan IS NULL`).all(identityId) as Record<string, unknown>[]).map((r) =>
      hydrate<GrantRow>('grants', r),
    );
  }


  /** Live (provider-known) credentials carrying this key id: the target of a leak correlation. */
  liveCredentialsByKeyId(keyId: string): CredentialRow[] {
    return (
      this.stmt(`SELECT ${SELECT.credentials} FROM credentials WHERE key_id = ? AND kind <> 'hardcoded_secret' AND gone_scan IS NULL`).all(keyId) as Record<
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
    return hasTemp ? 'temp.nhi_admins' : "(SELECT DISTINCT identity_id AS id FROM grants WHERE privilege = 'admin' AND gone_scan IS NULL)";
  }

  hasAdminGrant(identityId: string): boolean {
    return this.adminIdentities().has(identityId);
  }

  /**
   * Current identities holding an admin grant, in id order, each with its current admin grants
   * (in the order they were stored). Two queries per page of identities, not two per identity.
   */
  *adminHolders(): Generator<{ identity: IdentityRow; grants: GrantRow[] }> {
    const admins = this.adminSetSql();
    let after = '';
    for (;;) {
      const page = (
        // Driven by the admin set, a few percent of the identities (CROSS JOIN keeps that order).
        this.stmt(
          `SELECT ${SELECT.identities} FROM identities WHERE rowid IN (SELECT i.rowid FROM ${admins} a CROSS JOIN identities i ON i.id = a.id
             WHERE a.id > ? AND i.gone_scan IS NULL ORDER BY a.id LIMIT ${PAGE}) ORDER BY id`,
        ).all(after) as Record<
          string,
          unknown
        >[]
      ).map((r) => hydrate<IdentityRow>('identities', r));
      if (page.length === 0) return;
      after = page[page.length - 1].id;
      const grants = new Map<string, GrantRow[]>();
      const rows = this.stmt(
        `SELECT ${SELECT.grants} FROM grants WHERE identity_id IN (SELECT value FROM json_each(?)) AND privilege = 'admin' AND gone_scan IS NULL ORDER BY rowid`,
      ).all(JSON.stringify(page.map((i) => i.id))) as Record<string, unknown>[];
      for (const r of rows) {
        const g = hydrate<GrantRow>('grants', r);
        const list = grants.get(g.identityId);
        if (list) list.push(g);
        else grants.set(g.identityId, [g]);
      }
      for (const identity of page) yield { identity, grants: grants.get(identity.id) ?? [] };
      if (page.length < PAGE) return;
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
