// The queries behind `nhi report`, `nhi export findings` and `nhi ls findings`: aggregates in SQL
// (fast at a million identities) and findings in pages. Suppressions and rule metadata are applied
// by the report service (src/report/report-service.ts) on top of these.
import type { Statement } from 'better-sqlite3';
import type { DB } from './db.js';
import { hydrate, type StoredFinding } from './rows.js';
import type { Severity } from '../model/records.js';

export interface FindingScope {
  /** The inventory's findings, or the ones an --as-of report re-evaluated (FindingWriter 'asof'). */
  source: 'findings' | 'asof';
  provider?: string[];
  rule?: string[];
  /** Severities to include. */
  severities?: Severity[];
}

export interface RiskiestRow {
  identityId: string;
  name: string;
  kind: string;
  provider: string;
  scope: string;
  owner: string | null;
  /** The strongest owner candidate where no owner is declared. */
  suggestedOwner: string | null;
  score: number;
  findings: number;
  /** 5 critical … 1 info */
  worstRank: number;
  rules: string[];
}

export interface FindingPageRow extends StoredFinding {
  identity: { id: string; name: string; kind: string; scope: string; owner: string | null; suggestedOwner: string | null } | null;
}

export interface OwnerRow {
  /** The declared owner, else the suggested one; null for identities nobody is known for. */
  owner: string | null;
  /** Whether `owner` is a suggestion (from audit logs or git), not a declared owner. */
  suggested: boolean;
  identities: number;
  findings: number;
  /** 5 critical … 1 info */
  worstRank: number;
  /** Severity-weighted risk (critical 100, high 30, medium 8, low 2). */
  score: number;
  critical: number;
  high: number;
}

export interface Sighting {
  repo: string;
  path: string;
  line: number;
  commit: string;
}

const SEV_SCORE = "CASE f.severity WHEN 'critical' THEN 100 WHEN 'high' THEN 30 WHEN 'medium' THEN 8 WHEN 'low' THEN 2 ELSE 0 END";
const SEV_RANK = "CASE f.severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 ELSE 1 END";

export class ReportReader {
  private readonly table: string;
  private readonly where: string;
  private readonly params: unknown[];
  private readonly stmts = new Map<string, Statement<unknown[]>>();

  private stmt(sql: string): Statement<unknown[]> {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare<unknown[]>(sql)));
    return s;
  }

  constructor(
    private readonly db: DB,
    scope: FindingScope,
  ) {
    this.table = scope.source === 'findings' ? 'main.findings' : 'temp.asof_findings';
    const conds: string[] = [scope.source === 'findings' ? 'f.resolved_scan IS NULL' : '1'];
    const params: unknown[] = [];
    for (const [col, values] of [['provider', scope.provider], ['rule_id', scope.rule], ['severity', scope.severities]] as const) {
      if (!values?.length) continue;
      conds.push(`f.${col} IN (${values.map(() => '?').join(',')})`);
      params.push(...values);
    }
    this.where = conds.join(' AND ');
    this.params = params;
  }

  /** Findings in scope whose id, identity or credential matches a suppression's GLOB pattern. */
  matching(pattern: string, rule: string | null): { id: string; ruleId: string; identityId: string | null; credentialId: string | null }[] {
    return this.db
      .prepare(
        `SELECT f.id, f.rule_id AS ruleId, f.identity_id AS identityId, f.credential_id AS credentialId FROM ${this.table} f
         WHERE ${this.where} AND (f.id GLOB @pattern OR f.identity_id GLOB @pattern OR f.credential_id GLOB @pattern)${rule ? ' AND f.rule_id = @rule' : ''}`,
      )
      .all(...this.params, rule ? { pattern, rule } : { pattern }) as { id: string; ruleId: string; identityId: string | null; credentialId: string | null }[];
  }

  /** Current entities by table. */
  totals(): { identities: number; credentials: number; grants: number; trusts: number } {
    const count = (t: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${t} WHERE gone_scan IS NULL`).get() as { n: number }).n;
    return { identities: count('identities'), credentials: count('credentials'), grants: count('grants'), trusts: count('trusts') };
  }

  identitiesByProvider(): { provider: string; kind: string; count: number }[] {
    const kinds = this.fold('nhi_identity_kinds', ['provider', 'kind'], { count: 'count + excluded.count' }, 'SELECT provider, kind, 1 FROM identities WHERE gone_scan IS NULL', []);
    return this.db.prepare(`SELECT provider, kind, count FROM ${kinds} ORDER BY provider, count DESC, kind`).all() as { provider: string; kind: string; count: number }[];
  }

  /**
   * Rows grouped by adding each into a small temporary table keyed by the group (`columns`: each
   * output column with the expression that folds a new row's value, `excluded.<column>`, into it).
   * SQLite groups by sorting every row first: for a few groups over millions of findings the sort
   * cost more than the scan (at 3M findings, by rule and severity: 2.0 s sorted, 1.2 s this way).
   * `select` yields the key columns then the others, in order, and ends in a WHERE clause.
   */
  private fold(name: string, key: string[], columns: Record<string, string>, select: string, params: unknown[]): string {
    const cols = [...key, ...Object.keys(columns)];
    this.db.exec(`DROP TABLE IF EXISTS temp.${name}; CREATE TEMP TABLE ${name} (${cols.join(', ')}, PRIMARY KEY (${key.join(', ')})) WITHOUT ROWID`);
    const set = Object.entries(columns).map(([c, fold]) => `${c} = ${fold}`).join(', ');
    this.db.prepare(`INSERT INTO temp.${name} (${cols.join(', ')}) ${select} ON CONFLICT DO UPDATE SET ${set}`).run(...params);
    return `temp.${name}`;
  }

  /** Findings in scope by rule and severity, in one pass. */
  countsByRuleAndSeverity(): { ruleId: string; severity: Severity; n: number }[] {
    const counts = this.fold('nhi_rule_counts', ['rule_id', 'severity'], { n: 'n + excluded.n' }, `SELECT f.rule_id, f.severity, 1 FROM ${this.table} f WHERE ${this.where}`, this.params);
    return this.db.prepare(`SELECT rule_id AS ruleId, severity, n FROM ${counts} ORDER BY rule_id, severity`).all() as { ruleId: string; severity: Severity; n: number }[];
  }

  ruleAndSeverity(id: string): { ruleId: string; severity: Severity } | undefined {
    return this.db.prepare(`SELECT rule_id AS ruleId, severity FROM ${this.table} WHERE id = ?`).get(id) as { ruleId: string; severity: Severity } | undefined;
  }

  private totalsFor: string | null = null;

  /**
   * Open findings in scope per identity (score, count, criticals, highs, worst rank), added up once
   * per set of suppressions into a temporary table keyed by identity: the riskiest list, the owner
   * totals and the subject count all read it, instead of each aggregating millions of findings again.
   */
  private identityTotals(excluded: string[]): string {
    const key = JSON.stringify(excluded);
    if (this.totalsFor !== key) {
      const supp = excluded.length ? ` AND f.id NOT IN (${excluded.map(() => '?').join(',')})` : '';
      this.db.exec(`DROP TABLE IF EXISTS temp.nhi_identity_totals;
        CREATE TEMP TABLE nhi_identity_totals (id TEXT PRIMARY KEY, score INTEGER, n INTEGER, critical INTEGER, high INTEGER, worst INTEGER) WITHOUT ROWID`);
      // Grouped in identity order (the findings_identity index), so the keyed table is appended to.
      this.db
        .prepare(
          `INSERT INTO temp.nhi_identity_totals SELECT f.identity_id, sum(${SEV_SCORE}), count(*), sum(f.severity = 'critical'), sum(f.severity = 'high'), max(${SEV_RANK})
           FROM ${this.table} f WHERE ${this.where} AND f.identity_id IS NOT NULL${supp} GROUP BY f.identity_id`,
        )
        .run(...this.params, ...excluded);
      this.totalsFor = key;
    }
    return 'temp.nhi_identity_totals';
  }

  /**
   * The identities with the worst open findings: worst severity first, then the score (so an
   * identity with only medium findings never outranks an admin one), at most `limit`. Rules are
   * listed for these rows only.
   */
  riskiest(excluded: string[], limit: number): RiskiestRow[] {
    const totals = this.identityTotals(excluded);
    const supp = excluded.length ? ` AND f.id NOT IN (${excluded.map(() => '?').join(',')})` : '';
    return (
      this.db
        .prepare(
          `SELECT r.id AS identityId, i.name, i.kind, i.provider, i.scope, i.owner, i.suggested_owner AS suggestedOwner, r.score, r.n AS findings, r.worst AS worstRank,
             (SELECT group_concat(DISTINCT f.rule_id) FROM ${this.table} f WHERE f.identity_id = r.id AND ${this.where}${supp}) AS rules
           FROM (SELECT * FROM ${totals} ORDER BY worst DESC, score DESC, id LIMIT ${Math.max(0, Math.floor(limit))}) r
           JOIN identities i ON i.id = r.id ORDER BY r.worst DESC, r.score DESC, r.id`,
        )
        .all(...this.params, ...excluded) as (Omit<RiskiestRow, 'rules'> & { rules: string })[]
    ).map((r) => ({ ...r, rules: r.rules.split(',').sort() }));
  }

  /**
   * Open findings per owner (declared, else suggested, else none), riskiest first: who has the most
   * to fix; at equal scores, declared owners before suggested ones, and no owner last. Suppressed findings (`excluded`) are left out, as in riskiest(). Driven by the identities
   * table read in order (CROSS JOIN keeps it outer), each looked up in the in-memory totals: cheaper
   * than a random read of the identity behind each of a million totals.
   */
  byOwner(excluded: string[], limit: number): OwnerRow[] {
    const totals = this.identityTotals(excluded);
    const add = (c: string) => `${c} + excluded.${c}`;
    // A key column cannot be NULL: no owner at all is its own key, with '' for the name.
    const owners = this.fold(
      'nhi_owner_totals',
      ['nobody', 'owner', 'suggested'],
      { identities: add('identities'), findings: add('findings'), score: add('score'), critical: add('critical'), high: add('high'), worstRank: 'max(worstRank, excluded.worstRank)' },
      `SELECT coalesce(i.owner, i.suggested_owner) IS NULL, coalesce(i.owner, i.suggested_owner, ''), (i.owner IS NULL AND i.suggested_owner IS NOT NULL), 1, a.n, a.score, a.critical, a.high, a.worst
       FROM identities i CROSS JOIN ${totals} a ON a.id = i.id WHERE true`,
      [],
    );
    return this.db
      .prepare(
        `SELECT CASE WHEN nobody THEN NULL ELSE owner END AS owner, suggested, identities, findings, score, critical, high, worstRank FROM ${owners}
         ORDER BY score DESC, nobody, suggested, owner LIMIT ${Math.max(0, Math.floor(limit))}`,
      )
      .all()
      .map((r) => ({ ...(r as OwnerRow), suggested: (r as { suggested: number }).suggested === 1 }));
  }

  /** Identities with open findings in scope (suppressed ones left out). */
  subjectCount(excluded: string[]): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${this.identityTotals(excluded)}`).get() as { n: number }).n;
  }

  /** The findings in scope of one identity (null: those tied to no identity), most severe first. */
  findingsOf(identityId: string | null, limit: number): FindingPageRow[] {
    return (
      this.stmt(
        `SELECT f.id, f.rule_id AS ruleId, f.severity, f.provider, f.identity_id AS identityId, f.credential_id AS credentialId, f.message,
           f.evidence, f.first_seen_scan AS firstSeenScan, f.last_seen_scan AS lastSeenScan, f.resolved_scan AS resolvedScan,
           i.name AS _iname, i.kind AS _ikind, i.scope AS _iscope, i.owner AS _iowner, i.suggested_owner AS _isuggested
         FROM ${this.table} f LEFT JOIN identities i ON i.id = f.identity_id
         WHERE ${this.where} AND ${identityId === null ? 'f.identity_id IS NULL AND @id IS NULL' : 'f.identity_id = @id'} ORDER BY ${SEV_RANK} DESC, f.id LIMIT ${Math.max(0, Math.floor(limit))}`,
      ).all(...this.params, { id: identityId }) as Record<string, unknown>[]
    ).map((raw) => this.pageRow(raw));
  }

  private pageRow(raw: Record<string, unknown>): FindingPageRow {
    const identity = raw._iname
      ? {
          id: raw.identityId as string,
          name: raw._iname as string,
          kind: raw._ikind as string,
          scope: raw._iscope as string,
          owner: (raw._iowner as string | null) ?? null,
          suggestedOwner: (raw._isuggested as string | null) ?? null,
        }
      : null;
    for (const k of ['_iname', '_ikind', '_iscope', '_iowner', '_isuggested']) delete raw[k];
    return { ...hydrate<StoredFinding>('findings', raw), identity };
  }

  /** One page of findings of one severity, in id order after `after`. */
  findingsPage(severity: Severity, after: string, size: number): FindingPageRow[] {
    return (
      this
        .stmt(
          `SELECT f.id, f.rule_id AS ruleId, f.severity, f.provider, f.identity_id AS identityId, f.credential_id AS credentialId, f.message,
             f.evidence, f.first_seen_scan AS firstSeenScan, f.last_seen_scan AS lastSeenScan, f.resolved_scan AS resolvedScan,
             i.name AS _iname, i.kind AS _ikind, i.scope AS _iscope, i.owner AS _iowner, i.suggested_owner AS _isuggested
           FROM ${this.table} f LEFT JOIN identities i ON i.id = f.identity_id
           WHERE ${this.where} AND f.severity = @severity AND f.id > @after ORDER BY f.id LIMIT ${size}`,
        )
        .all(...this.params, { severity, after }) as Record<string, unknown>[]
    ).map((raw) => this.pageRow(raw));
  }

  /** Where a leaked secret was first seen. */
  firstSighting(credentialId: string): Sighting | undefined {
    return this.stmt('SELECT repo, path, line, commit_sha AS "commit" FROM credential_sightings WHERE credential_id = ? ORDER BY committed_at, path LIMIT 1').get(credentialId) as Sighting | undefined;
  }
}
