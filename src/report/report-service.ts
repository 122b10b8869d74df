// The data behind `nhi report`, `nhi export findings` and `nhi ls findings`: aggregates in
// SQL (fast at a million identities), findings streamed page by page. Suppressions are
// applied here, at read time, so editing .nhiignore takes effect without a rescan and an
// expired suppression reopens its finding on the day it expires.
import type { ResolvedConfig } from '../config/config.js';
import { createSuppressionMatcher, type Suppression } from '../config/suppressions.js';
import { openInventory, type DB, type Inventory } from '../inventory/db.js';
import type { StoredFinding } from '../inventory/rows.js';
import { ReportReader, type FindingPageRow, type OwnerRow } from '../inventory/report-reader.js';
import { ScanLog, type ScanInfo } from '../inventory/scan-log.js';
import { checkProviders } from '../inventory/browse-queries.js';
import { SEVERITIES, type Severity } from '../model/records.js';
import { runRules } from '../rules/engine.js';
import { RULES, ruleById } from '../rules/index.js';
import type { OwaspNhiId } from '../rules/types.js';
import { ConfigError, InventoryError } from '../errors.js';
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
  identity: { id: string; name: string; kind: string; scope: string; owner: string | null; suggestedOwner?: string | null } | null;
  /** Where a leaked secret was first seen (for SARIF/CSV locations). */
  location: { repo: string; path: string; line: number; commit: string } | null;
}

export type { ScanInfo } from '../inventory/scan-log.js';

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
  riskiest: { identityId: string; name: string; kind: string; provider: string; scope: string; owner: string | null; suggestedOwner?: string | null; score: number; findings: number; worst: Severity; rules: string[] }[];
  /** Open findings per owner (declared, else suggested from audit logs or git, else none), worst first. */
  byOwner?: { owner: string | null; suggested: boolean; identities: number; findings: number; worst: Severity }[];
  scanErrors: ScanErrorRow[];
  filters: FindingFilters;
}

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
  return new ScanLog(db).latest(evaluatedOnly);
}

/**
 * An open report over one inventory. Holds a read connection and, for --as-of, a temporary
 * table of re-evaluated findings; call close() when done.
 */
export class Report {
  readonly inv: Inventory;
  readonly options: ReportOptions;
  private readonly reader: ReportReader;
  private readonly suppressions: Map<string, Suppression>;
  readonly asOf: Date;
  readonly reEvaluated: boolean;

  constructor(options: ReportOptions) {
    this.options = options;
    const filters = options.filters ?? {};
    validateFilters(filters);
    this.inv = openInventory(options.dbPath, { readonly: true });
    try {
      const log = new ScanLog(this.inv.db);
      // A report of an inventory no scan has finished yet (the first is still running, or was
      // interrupted) would say "0 findings" without having looked: a gate must never read that as clean.
      if (log.merged().length === 0) {
        const latest = log.latest();
        throw new InventoryError(
          `${this.inv.path} holds no finished scan yet${latest ? ` (scan #${latest.id} is ${latest.status})` : ''}`,
          latest?.status === 'running' ? 'Wait for the running scan to finish, then run the report again.' : 'Run `nhi scan` first (or `nhi scan --demo`).',
        );
      }
      checkProviders(this.inv.db, '--provider', filters.provider);
      const firstRead = options.asOf ? log.firstReadAt() : null;
      if (options.asOf && firstRead && options.asOf.toISOString().slice(0, 10) < firstRead.slice(0, 10)) {
        // Nothing was read then: last use, keys and grants would be judged from a later snapshot.
        throw new ConfigError(
          `--as-of ${options.asOf.toISOString().slice(0, 10)} is before the first scan of this inventory (${firstRead.slice(0, 10)}): what existed and was used then is unknown`,
          `Give a date from ${firstRead.slice(0, 10)} on (\`nhi scans\` lists the scans).`,
        );
      }
      const evaluated = log.latest(true);
      // A scan that merged but was stopped before its findings were written: the stored findings
      // judge an older snapshot, so the rules run here over what is stored now.
      const unevaluated = evaluated !== null && log.unevaluatedSince(evaluated.id) !== null;
      this.reEvaluated = options.asOf !== undefined || evaluated === null || unevaluated;
      this.asOf = options.asOf ?? (evaluated?.evaluatedAt && !unevaluated ? new Date(evaluated.evaluatedAt) : new Date());
      if (this.reEvaluated) {
        const db = this.inv.db;
        db.transaction(() => runRules({ db, config: options.config, now: this.asOf, into: { table: 'asof' } }))();
      }
      this.reader = new ReportReader(this.inv.db, {
        source: this.reEvaluated ? 'asof' : 'findings',
        provider: filters.provider,
        rule: filters.rule,
        severities: filters.severity ? SEVERITIES.slice(0, SEVERITIES.indexOf(filters.severity) + 1) : undefined,
      });
      this.suppressions = this.matchSuppressions(options.config.suppressions);
    } catch (err) {
      this.inv.close();
      throw err;
    }
  }

  close(): void {
    this.inv.close();
  }

  /** Finding id → the suppression that applies on the report date. Few suppressions, so one GLOB query each. */
  private matchSuppressions(list: Suppression[]): Map<string, Suppression> {
    const out = new Map<string, Suppression>();
    if (list.length === 0) return out;
    const matcher = createSuppressionMatcher(list);
    for (const s of list) {
      // Suppression subjects use * as the wildcard, like SQLite's GLOB; escape GLOB's other metacharacters.
      const pattern = s.subject.replace(/[[\]?]/g, (c) => `[${c}]`);
      for (const r of this.reader.matching(pattern, s.rule === '*' ? null : s.rule)) {
        const m = matcher.match(r, this.asOf);
        if (m) out.set(r.id, m);
      }
    }
    return out;
  }

  summary(): ReportSummary {
    const db = this.inv.db;
    const totals = { ...this.reader.totals(), findings: 0, suppressed: this.suppressions.size };
    const bySev = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    const byRule = new Map<string, number>();
    for (const r of this.reader.countsByRuleAndSeverity()) {
      bySev[r.severity] += r.n;
      byRule.set(r.ruleId, (byRule.get(r.ruleId) ?? 0) + r.n);
    }
    // Suppressed findings are reported apart, not counted as open.
    for (const id of this.suppressions.keys()) {
      const f = this.reader.ruleAndSeverity(id);
      if (!f) continue;
      bySev[f.severity]--;
      byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 1) - 1);
    }
    totals.findings = Object.values(bySev).reduce((a, b) => a + b, 0);
    const findingsByRule = RULES.filter((r) => (byRule.get(r.meta.id) ?? 0) > 0).map((r) => ({
      ruleId: r.meta.id,
      title: r.meta.title,
      severity: r.meta.severity,
      count: byRule.get(r.meta.id) ?? 0,
    }));
    findingsByRule.sort((a, b) => b.count - a.count);
    const riskiest = this.reader
      .riskiest([...this.suppressions.keys()], 15)
      .map(({ worstRank, ...r }) => ({ ...r, worst: SEVERITIES[5 - worstRank] }));
    const byOwner = this.reader.byOwner([...this.suppressions.keys()], 20).map(({ worstRank, ...r }) => ({ ...r, worst: SEVERITIES[5 - worstRank] }));
    const log = new ScanLog(db);
    const scan = log.latest();
    const scanErrors = scan ? log.errors(scan.id).map(({ resource: _resource, ...e }) => e) : [];
    return {
      generatedAt: new Date().toISOString(),
      asOf: this.asOf.toISOString(),
      reEvaluated: this.reEvaluated,
      inventory: this.inv.path,
      scan,
      totals,
      identitiesByProvider: this.reader.identitiesByProvider(),
      findingsBySeverity: bySev,
      findingsByRule,
      riskiest,
      byOwner,
      scanErrors,
      filters: this.options.filters ?? {},
    };
  }

  /** A stored finding as reports show it: rule title and OWASP ids, suppression, where a leak was seen. */
  private decorate(f: FindingPageRow): ReportFinding {
    const supp = this.suppressions.get(f.id) ?? null;
    const rule = ruleById(f.ruleId);
    const loc = f.credentialId ? this.reader.firstSighting(f.credentialId) : undefined;
    return {
      ...f,
      title: rule?.meta.title ?? f.ruleId,
      owasp: rule?.meta.owasp ?? [],
      status: supp ? 'suppressed' : 'open',
      suppression: supp ? { reason: supp.reason, expires: supp.expires, source: supp.source } : null,
      location: loc ?? null,
    };
  }

  /** The riskiest `limit` identities, ranked as the summary's (which lists 15). */
  riskiest(limit: number): ReportSummary['riskiest'] {
    return this.reader.riskiest([...this.suppressions.keys()], limit).map(({ worstRank, ...r }) => ({ ...r, worst: SEVERITIES[5 - worstRank] }));
  }

  /** How many identities have open findings. */
  subjectCount(): number {
    return this.reader.subjectCount([...this.suppressions.keys()]);
  }

  /** Open findings by owner of their identity (null: unowned or no identity), riskiest owners first. */
  owners(limit: number): OwnerRow[] {
    return this.reader.byOwner([...this.suppressions.keys()], limit);
  }

  /** One identity's open findings (null: the findings tied to no identity), most severe first. */
  findingsOf(identityId: string | null, limit: number): ReportFinding[] {
    return this.reader
      .findingsOf(identityId, limit + this.suppressions.size)
      .filter((f) => !this.suppressions.has(f.id))
      .slice(0, limit)
      .map((f) => this.decorate(f));
  }

  /** Findings, most severe first, streamed in pages (by severity, then id). Suppressed ones only when asked. */
  *findings(opts: { includeSuppressed?: boolean; limit?: number } = {}): Generator<ReportFinding> {
    const page = 2000;
    const limit = opts.limit ?? Infinity;
    let n = 0;
    for (const severity of SEVERITIES) {
      let after = '';
      for (;;) {
        const rows = this.reader.findingsPage(severity, after, page);
        for (const f of rows) {
          after = f.id;
          if (this.suppressions.has(f.id) && !opts.includeSuppressed) continue;
          yield this.decorate(f);
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
