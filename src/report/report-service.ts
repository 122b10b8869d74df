// The data behind `nhi report`, `nhi export findings` and `nhi ls findings`: aggregates in
// SQL (fast at a million identities), findings streamed page by page. Suppressions are
// applied here, at read time, so editing .nhiignore takes effect without a rescan and an
// expired suppression reopens its finding on the day it expires.
import type { ResolvedConfig } from '../config/config.js';
import { createSuppressionMatcher, type Suppression } from '../config/suppressions.js';
import { openInventory, type DB, type Inventory } from '../inventory/db.js';
import { hydrate, type StoredFinding } from '../inventory/rows.js';
import { SEVERITIES, type Severity } from '../model/records.js';
import { runRules } from '../rules/engine.js';
import { RULES, ruleById } from '../rules/index.js';
import type { OwaspNhiId } from '../rules/types.js';
import { ConfigError } from '../errors.js';
import type { ScanError } from '../scan/pipeline.js';

export interface FindingFilters {
  provider?: string[];
  rule?: string[];
  /** Minimum severity. */
  severity?: Severity;
}

export interface ReportOptions {
  dbPath: string;
  config: ResolvedConfig;
  /** Evaluate ages against this date instead of reading the stored evaluation. */
  asOf?: Date;
  filters?: FindingFilters;
}

export interface ReportFinding extends StoredFinding {
  title: string;
  owasp: OwaspNhiId[];
  status: 'open' | 'suppressed';
  suppression: { reason: string; expires: string | null; source: string } | null;
  identity: { id: string; name: string; kind: string; scope: string; owner: string | null } | null;
  /** Where a leaked secret was first seen (for SARIF/CSV locations). */
  location: { repo: string; path: string; line: number; commit: string } | null;
}

export interface ScanInfo {
  id: number;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  evaluatedAt: string | null;
  scanners: string[];
  demo: boolean;
}

/** A scan error as reports show it (the pipeline's shape without the sub-resource). */
export type ScanErrorRow = Omit<ScanError, 'resource'>;

export interface ReportSummary {
  generatedAt: string;
  /** The clock the findings were evaluated against. */
  asOf: string | null;
  reEvaluated: boolean;
  inventory: string;
  scan: ScanInfo | null;
  totals: { identities: number; credentials: number; grants: number; trusts: number; findings: number; suppressed: number };
  identitiesByProvider: { provider: string; kind: string; count: number }[];
  findingsBySeverity: Record<Severity, number>;
  findingsByRule: { ruleId: string; title: string; severity: Severity; count: number }[];
  riskiest: { identityId: string; name: string; kind: string; provider: string; scope: string; owner: string | null; score: number; findings: number; worst: Severity; rules: string[] }[];
  scanErrors: ScanErrorRow[];
  filters: FindingFilters;
}

const SEV_SCORE = "CASE f.severity WHEN 'critical' THEN 100 WHEN 'high' THEN 30 WHEN 'medium' THEN 8 WHEN 'low' THEN 2 ELSE 0 END";
const SEV_RANK = "CASE f.severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 ELSE 1 END";

export function parseSeverity(s: string | undefined, flag: string): Severity | undefined {
  if (s === undefined) return undefined;
  if (!SEVERITIES.includes(s as Severity)) throw new ConfigError(`${flag} must be one of ${SEVERITIES.join(', ')}, got "${s}"`);
  return s as Severity;
}

export function validateFilters(f: FindingFilters): void {
  for (const r of f.rule ?? []) {
    if (!ruleById(r)) throw new ConfigError(`unknown rule "${r}"`, `Rules: ${RULES.map((x) => x.meta.id).join(', ')} (see \`nhi rules\`).`);
  }
}

export function latestScan(db: DB, evaluatedOnly = false): ScanInfo | null {
  const row = db
    .prepare(
      `SELECT id, status, started_at AS startedAt, finished_at AS finishedAt, evaluated_at AS evaluatedAt, scanners, demo FROM scans
       ${evaluatedOnly ? 'WHERE evaluated_at IS NOT NULL' : ''} ORDER BY id DESC LIMIT 1`,
    )
    .get() as (Omit<ScanInfo, 'scanners' | 'demo'> & { scanners: string; demo: number }) | undefined;
  return row ? { ...row, scanners: JSON.parse(row.scanners) as string[], demo: row.demo === 1 } : null;
}

/**
 * An open report over one inventory. Holds a read connection and, for --as-of, a temporary
 * table of re-evaluated findings; call close() when done.
 */
export class Report {
  readonly inv: Inventory;
  readonly options: ReportOptions;
  private readonly source: string;
  private readonly where: string;
  private readonly params: unknown[];
  private readonly suppressions: Map<string, Suppression>;
  readonly asOf: Date;
  readonly reEvaluated: boolean;

  constructor(options: ReportOptions) {
    this.options = options;
    const filters = options.filters ?? {};
    validateFilters(filters);
    this.inv = openInventory(options.dbPath, { readonly: true });
    const db = this.inv.db;
    const evaluated = latestScan(db, true);
    this.reEvaluated = options.asOf !== undefined || evaluated === null;
    this.asOf = options.asOf ?? (evaluated?.evaluatedAt ? new Date(evaluated.evaluatedAt) : new Date());
    if (this.reEvaluated) {
      this.source = 'temp.asof_findings';
      this.evaluateInto(this.asOf);
    } else {
      this.source = 'main.findings';
    }
    const conds: string[] = [this.source === 'main.findings' ? 'f.resolved_scan IS NULL' : '1'];
    const params: unknown[] = [];
    if (filters.provider?.length) {
      conds.push(`f.provider IN (${filters.provider.map(() => '?').join(',')})`);
      params.push(...filters.provider);
    }
    if (filters.rule?.length) {
      conds.push(`f.rule_id IN (${filters.rule.map(() => '?').join(',')})`);
      params.push(...filters.rule);
    }
    if (filters.severity) {
      const allowed = SEVERITIES.slice(0, SEVERITIES.indexOf(filters.severity) + 1);
      conds.push(`f.severity IN (${allowed.map(() => '?').join(',')})`);
      params.push(...allowed);
    }
    this.where = conds.join(' AND ');
    this.params = params;
    this.suppressions = this.matchSuppressions(options.config.suppressions);
  }

  close(): void {
    this.inv.close();
  }

  /** Re-run every rule against `now` into a temporary table shaped like `findings`. */
  private evaluateInto(now: Date): void {
    const db = this.inv.db;
    db.exec(`CREATE TEMP TABLE asof_findings (id TEXT PRIMARY KEY, rule_id TEXT, severity TEXT, provider TEXT, identity_id TEXT, credential_id TEXT,
      message TEXT, evidence TEXT, first_seen_scan INTEGER, last_seen_scan INTEGER, resolved_scan INTEGER)`);
    db.transaction(() => {
      runRules({ db, config: this.options.config, now, into: 'temp.asof_findings' });
      db.exec(`UPDATE temp.asof_findings SET first_seen_scan = f.first_seen_scan, last_seen_scan = f.last_seen_scan
        FROM main.findings f WHERE f.id = temp.asof_findings.id`);
    })();
  }

  /** Finding id → the suppression that applies on the report date. Few suppressions, so one GLOB query each. */
  private matchSuppressions(list: Suppression[]): Map<string, Suppression> {
    const out = new Map<string, Suppression>();
    if (list.length === 0) return out;
    const matcher = createSuppressionMatcher(list);
    const db = this.inv.db;
    for (const s of list) {
      const ruleCond = s.rule === '*' ? '' : ' AND f.rule_id = @rule';
      // Suppression subjects use * as the wildcard, like SQLite's GLOB; escape GLOB's other metacharacters.
      const pattern = s.subject.replace(/[[\]?]/g, (c) => `[${c}]`);
      const rows = db
        .prepare(
          `SELECT f.id, f.rule_id AS ruleId, f.identity_id AS identityId, f.credential_id AS credentialId FROM ${this.source} f
           WHERE ${this.where} AND (f.id GLOB @pattern OR f.identity_id GLOB @pattern OR f.credential_id GLOB @pattern)${ruleCond}`,
        )
        .all(...this.params, s.rule === '*' ? { pattern } : { pattern, rule: s.rule }) as {
        id: string;
        ruleId: string;
        identityId: string | null;
        credentialId: string | null;
      }[];
      for (const r of rows) {
        const m = matcher.match(r, this.asOf);
        if (m) out.set(r.id, m);
      }
    }
    return out;
  }

  summary(): ReportSummary {
    const db = this.inv.db;
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const totals = {
      identities: count('SELECT count(*) AS n FROM identities WHERE gone_scan IS NULL'),
      credentials: count('SELECT count(*) AS n FROM credentials WHERE gone_scan IS NULL'),
      grants: count('SELECT count(*) AS n FROM grants WHERE gone_scan IS NULL'),
      trusts: count('SELECT count(*) AS n FROM trusts WHERE gone_scan IS NULL'),
      findings: 0,
      suppressed: this.suppressions.size,
    };
    const identitiesByProvider = db
      .prepare('SELECT provider, kind, count(*) AS count FROM identities WHERE gone_scan IS NULL GROUP BY provider, kind ORDER BY provider, count DESC')
      .all() as ReportSummary['identitiesByProvider'];
    const bySev = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    const byRule = new Map<string, number>();
    // One pass over the findings for both breakdowns.
    for (const r of db
      .prepare(`SELECT f.rule_id AS r, f.severity AS s, count(*) AS n FROM ${this.source} f WHERE ${this.where} GROUP BY f.rule_id, f.severity`)
      .all(...this.params) as { r: string; s: Severity; n: number }[]) {
      bySev[r.s] += r.n;
      byRule.set(r.r, (byRule.get(r.r) ?? 0) + r.n);
    }
    // Suppressed findings are reported apart, not counted as open.
    if (this.suppressions.size) {
      const get = db.prepare(`SELECT rule_id AS r, severity AS s FROM ${this.source} WHERE id = ?`);
      for (const id of this.suppressions.keys()) {
        const f = get.get(id) as { r: string; s: Severity } | undefined;
        if (!f) continue;
        bySev[f.s]--;
        byRule.set(f.r, (byRule.get(f.r) ?? 1) - 1);
      }
    }
    totals.findings = Object.values(bySev).reduce((a, b) => a + b, 0);
    const findingsByRule = RULES.filter((r) => (byRule.get(r.meta.id) ?? 0) > 0).map((r) => ({
      ruleId: r.meta.id,
      title: r.meta.title,
      severity: r.meta.severity,
      count: byRule.get(r.meta.id) ?? 0,
    }));
    findingsByRule.sort((a, b) => b.count - a.count);
    const supp = this.suppressions.size ? ` AND f.id NOT IN (${[...this.suppressions.keys()].map(() => '?').join(',')})` : '';
    // Aggregate first (from the covering identity index), then join identities and list the rules
    // for the top rows only: reading rule_id for every finding cost a row fetch each (2.3 s at 1M).
    const filter = [...this.params, ...this.suppressions.keys()];
    const riskiest = (
      db
        .prepare(
          `SELECT r.identityId, i.name, i.kind, i.provider, i.scope, i.owner, r.score, r.findings, r.worstRank,
             (SELECT group_concat(DISTINCT f.rule_id) FROM ${this.source} f WHERE f.identity_id = r.identityId AND ${this.where}${supp}) AS rules
           FROM (SELECT f.identity_id AS identityId, sum(${SEV_SCORE}) AS score, count(*) AS findings, max(${SEV_RANK}) AS worstRank
                 FROM ${this.source} f WHERE ${this.where} AND f.identity_id IS NOT NULL${supp}
                 GROUP BY f.identity_id ORDER BY score DESC, f.identity_id LIMIT 15) r
           JOIN identities i ON i.id = r.identityId ORDER BY r.score DESC, r.identityId`,
        )
        .all(...filter, ...filter) as (Omit<ReportSummary['riskiest'][number], 'worst' | 'rules'> & { worstRank: number; rules: string })[]
    ).map(({ worstRank, rules, ...r }) => ({ ...r, worst: SEVERITIES[5 - worstRank], rules: rules.split(',').sort() }));
    const scan = latestScan(db);
    const scanErrors = scan
      ? (db
          .prepare('SELECT scanner, target_key AS targetKey, level, operation, code, message, fix FROM scan_errors WHERE scan_id = ? ORDER BY level, id')
          .all(scan.id) as ScanErrorRow[])
      : [];
    return {
      generatedAt: new Date().toISOString(),
      asOf: this.asOf.toISOString(),
      reEvaluated: this.reEvaluated,
      inventory: this.inv.path,
      scan,
      totals,
      identitiesByProvider,
      findingsBySeverity: bySev,
      findingsByRule,
      riskiest,
      scanErrors,
      filters: this.options.filters ?? {},
    };
  }

  /** Findings, most severe first, streamed in pages (by severity, then id). Suppressed ones only when asked. */
  *findings(opts: { includeSuppressed?: boolean; limit?: number } = {}): Generator<ReportFinding> {
    const db = this.inv.db;
    const page = 2000;
    const limit = opts.limit ?? Infinity;
    const stmt = db.prepare(
      `SELECT f.id, f.rule_id AS ruleId, f.severity, f.provider, f.identity_id AS identityId, f.credential_id AS credentialId, f.message,
         f.evidence, f.first_seen_scan AS firstSeenScan, f.last_seen_scan AS lastSeenScan, f.resolved_scan AS resolvedScan,
         i.name AS _iname, i.kind AS _ikind, i.scope AS _iscope, i.owner AS _iowner
       FROM ${this.source} f LEFT JOIN identities i ON i.id = f.identity_id
       WHERE ${this.where} AND f.severity = @severity AND f.id > @after ORDER BY f.id LIMIT ${page}`,
    );
    const sighting = db.prepare('SELECT repo, path, line, commit_sha AS "commit" FROM credential_sightings WHERE credential_id = ? ORDER BY committed_at, path LIMIT 1');
    let n = 0;
    for (const severity of SEVERITIES) {
      let after = '';
      for (;;) {
        const rows = stmt.all(...this.params, { severity, after }) as Record<string, unknown>[];
        for (const raw of rows) {
          after = raw.id as string;
          const supp = this.suppressions.get(raw.id as string) ?? null;
          if (supp && !opts.includeSuppressed) continue;
          const identity = raw._iname
            ? { id: raw.identityId as string, name: raw._iname as string, kind: raw._ikind as string, scope: raw._iscope as string, owner: (raw._iowner as string | null) ?? null }
            : null;
          for (const k of ['_iname', '_ikind', '_iscope', '_iowner']) delete raw[k];
          const f = hydrate<StoredFinding>('findings', raw);
          const rule = ruleById(f.ruleId);
          const loc = f.credentialId ? (sighting.get(f.credentialId) as ReportFinding['location'] | undefined) : undefined;
          yield {
            ...f,
            title: rule?.meta.title ?? f.ruleId,
            owasp: rule?.meta.owasp ?? [],
            status: supp ? 'suppressed' : 'open',
            suppression: supp ? { reason: supp.reason, expires: supp.expires, source: supp.source } : null,
            identity,
            location: loc ?? null,
          };
          if (++n >= limit) return;
        }
        if (rows.length < page) break;
      }
    }
  }
}

export function openReport(options: ReportOptions): Report {
  return new Report(options);
}
