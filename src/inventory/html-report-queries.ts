// The queries behind the HTML report's charts, identity details and chain diagrams: aggregates in
// SQL (one pass each, fast at a million identities) and details per shown identity.
import type { DB } from './db.js';
import { SELECT, hydrate, type CredentialRow, type GrantRow, type TrustRow } from './rows.js';

/** Active credentials by age (days since created) per provider. */
export interface CredentialAgeRow {
  provider: string;
  under90: number;
  from90to365: number;
  over365: number;
  unknown: number;
}

/** Identities by days since last use per provider. */
export interface LastUseRow {
  provider: string;
  under30: number;
  from30to90: number;
  from90to365: number;
  over365: number;
  never: number;
}

export interface OwnershipRow {
  provider: string;
  total: number;
  unowned: number;
}

export interface ReachRow {
  nodeId: string;
  layer: string;
  hops: number;
  holder: string;
  chain: { from: string; to: string; mechanism: string; evidence: string }[];
}

export interface EdgeRow {
  from: string;
  to: string;
  mechanism: string;
  evidence: string;
}

export class HtmlReportQueries {
  constructor(private readonly db: DB) {}

  credentialAges(asOf: string): CredentialAgeRow[] {
    return this.db
      .prepare(
        `SELECT provider,
           sum(age IS NOT NULL AND age < 90) AS under90, sum(age >= 90 AND age < 365) AS from90to365,
           sum(age >= 365) AS over365, sum(age IS NULL) AS unknown
         FROM (SELECT provider, julianday(@asOf) - julianday(created_at) AS age FROM credentials
               WHERE gone_scan IS NULL AND status IN ('active', 'unknown') AND kind <> 'hardcoded_secret')
         GROUP BY provider ORDER BY provider`,
      )
      .all({ asOf }) as CredentialAgeRow[];
  }

  lastUse(asOf: string): LastUseRow[] {
    return this.db
      .prepare(
        `SELECT provider,
           sum(d IS NOT NULL AND d < 30) AS under30, sum(d >= 30 AND d < 90) AS from30to90,
           sum(d >= 90 AND d < 365) AS from90to365, sum(d >= 365) AS over365, sum(d IS NULL) AS never
         FROM (SELECT provider, julianday(@asOf) - julianday(last_used_at) AS d FROM identities WHERE gone_scan IS NULL)
         GROUP BY provider ORDER BY provider`,
      )
      .all({ asOf }) as LastUseRow[];
  }

  ownership(): OwnershipRow[] {
    return this.db
      .prepare('SELECT provider, count(*) AS total, sum(owner IS NULL) AS unowned FROM identities WHERE gone_scan IS NULL GROUP BY provider ORDER BY provider')
      .all() as OwnershipRow[];
  }

  credentialsOf(identityId: string, limit: number): CredentialRow[] {
    return this.current<CredentialRow>('credentials', identityId, limit);
  }

  grantsOf(identityId: string, limit: number): GrantRow[] {
    return this.current<GrantRow>('grants', identityId, limit);
  }

  trustsOf(identityId: string, limit: number): TrustRow[] {
    return this.current<TrustRow>('trusts', identityId, limit);
  }

  private current<T>(table: 'credentials' | 'grants' | 'trusts', identityId: string, limit: number): T[] {
    return (this.db.prepare(`SELECT ${SELECT[table]} FROM ${table} WHERE identity_id = ? AND gone_scan IS NULL ORDER BY id LIMIT ?`).all(identityId, limit) as Record<string, unknown>[]).map((r) =>
      hydrate<T>(table, r),
    );
  }

  /** What a node reaches through at least one hop (admin, prod-admin, prod-write), from the `reach` table. */
  reachOf(nodeId: string): ReachRow[] {
    return (this.db.prepare('SELECT node_id AS nodeId, layer, hops, holder, chain FROM reach WHERE node_id = ? ORDER BY layer').all(nodeId) as (Omit<ReachRow, 'chain'> & { chain: string })[]).map((r) => ({
      ...r,
      chain: JSON.parse(r.chain) as ReachRow['chain'],
    }));
  }

  /** Who can act as a node directly (the edges into it). */
  edgesInto(nodeId: string, limit = 20): EdgeRow[] {
    return this.db.prepare('SELECT from_id AS "from", to_id AS "to", mechanism, evidence FROM edges WHERE to_id = ? ORDER BY from_id LIMIT ?').all(nodeId, limit) as EdgeRow[];
  }

  /**
   * The chains worth drawing: to admin anywhere, then to admin in production; leaked secrets and
   * repositories first (the start of most real incidents), then the longest.
   */
  chains(limit: number): ReachRow[] {
    return (
      this.db
        .prepare(
          `SELECT node_id AS nodeId, layer, hops, holder, chain FROM reach WHERE layer IN ('admin', 'prod-admin')
           ORDER BY (node_id LIKE 'ext:credential:secret:%') DESC, (node_id LIKE 'ext:%repo%') DESC, layer = 'admin' DESC, hops DESC, node_id LIMIT ?`,
        )
        .all(limit * 2) as (Omit<ReachRow, 'chain'> & { chain: string })[]
    )
      .map((r) => ({ ...r, chain: JSON.parse(r.chain) as ReachRow['chain'] }))
      .filter((r, i, all) => all.findIndex((x) => x.nodeId === r.nodeId) === i)
      .slice(0, limit);
  }

  /** Display names of identity nodes. */
  names(ids: string[]): Map<string, string> {
    const out = new Map<string, string>();
    const stmt = this.db.prepare('SELECT name FROM identities WHERE id = ?').pluck();
    for (const id of new Set(ids)) {
      if (id.startsWith('ext:')) continue;
      const n = stmt.get(id) as string | undefined;
      if (n) out.set(id, n);
    }
    return out;
  }
}
