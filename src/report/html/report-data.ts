// What the HTML report embeds: the headline, the chart series, the riskiest subjects (identities,
// or leaked secrets that match none) with their details, and the chains to draw. At most TOP_N
// subjects are embedded as table rows, the DETAILED_N riskiest with their first findings, credentials,
// grants and trusts; the rest are counted, so a million-identity estate stays a few MB.
import { diffScans } from '../../inventory/browse-queries.js';
import { HtmlReportQueries, type CredentialAgeRow, type LastUseRow, type OwnershipRow } from '../../inventory/html-report-queries.js';
import { ScanLog } from '../../inventory/scan-log.js';
import type { DB } from '../../inventory/db.js';
import { SEVERITIES, type Severity } from '../../model/records.js';
import { RULES } from '../../rules/index.js';
import { OWASP_NHI, type OwaspNhiId } from '../../rules/types.js';
import { VERSION } from '../../version.js';
import { scanCompleteness } from '../formats/scan-status.js';
import type { ReportDetails, ReportInput } from '../formats/types.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';

export const TOP_N = 5000;
export const DETAILED_N = 1000;
const FINDINGS_PER_SUBJECT = 10;
const DETAILS_PER_KIND = 20;
const UNATTACHED = 500;
const CHAINS = 40;
const OWNERS = 12;
const SCORE: Record<Severity, number> = { critical: 100, high: 30, medium: 8, low: 2, info: 0 };

export interface HtmlFinding {
  id: string;
  rule: string;
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
  credentialId: string | null;
  location: ReportFinding['location'];
  status: 'open' | 'suppressed';
}

export interface HtmlSubject {
  /** Details embedded (the DETAILED_N riskiest); the others only have their table row. */
  detailed: boolean;
  id: string;
  name: string;
  provider: string;
  kind: string;
  scope: string;
  owner: string | null;
  worst: Severity;
  score: number;
  findingCount: number;
  rules: string[];
  findings: HtmlFinding[];
  credentials: { id: string; kind: string; name: string | null; status: string; createdAt: string | null; lastUsedAt: string | null; expiresAt: string | null; preview: string | null }[];
  grants: { resource: string; role: string; privilege: string; via: string }[];
  trusts: { principal: string; principalType: string; condition: string | null; risk: string | null }[];
  reaches: { layer: string; hops: number; holder: string; chain: number | null }[];
  reachedBy: { from: string; mechanism: string }[];
}

export interface HtmlChain {
  start: string;
  layer: string;
  hops: number;
  nodes: { id: string; label: string; type: string }[];
  edges: { from: string; to: string; mechanism: string; evidence: string }[];
}

export interface HtmlReportData {
  tool: { name: 'nhi'; version: string };
  generatedAt: string;
  asOf: string | null;
  scan: ReportSummary['scan'];
  scanWarning: string | null;
  totals: ReportSummary['totals'];
  identitiesByProvider: ReportSummary['identitiesByProvider'];
  findingsBySeverity: Record<Severity, number>;
  findingsByRule: ReportSummary['findingsByRule'];
  rules: Record<string, { title: string; severity: Severity; owasp: OwaspNhiId[]; description: string; remediation: string }>;
  owasp: { id: OwaspNhiId; name: string; rules: string[]; findings: number }[];
  change: { from: number; to: number; identities: { appeared: number; disappeared: number; changed: number }; findings: { new: number; resolved: number } } | null;
  credentialAge: CredentialAgeRow[];
  lastUse: LastUseRow[];
  owners: { owner: string; score: number; findings: number; critical: number; high: number }[];
  ownership: OwnershipRow[];
  subjects: { total: number; shown: number; limit: number; detailed: number; rows: HtmlSubject[] };
  chains: HtmlChain[];
}

function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

/** A row past the detailed ones: what the table shows, details left to `nhi show`. */
function headerOnly(r: ReturnType<ReportDetails['riskiest']>[number]): Omit<HtmlSubject, 'detailed'> {
  return {
    id: r.identityId,
    name: r.name,
    provider: r.provider,
    kind: r.kind,
    scope: r.scope,
    owner: r.owner,
    worst: r.worst,
    score: r.score,
    findingCount: r.findings,
    rules: r.rules,
    findings: [],
    credentials: [],
    grants: [],
    trusts: [],
    reaches: [],
    reachedBy: [],
  };
}

function toHtmlFinding(f: ReportFinding): HtmlFinding {
  return { id: f.id, rule: f.ruleId, severity: f.severity, message: f.message, evidence: f.evidence, credentialId: f.credentialId, location: f.location, status: f.status };
}

/**
 * The embedded subjects: the TOP_N riskiest identities (ranked in SQL by the report, as the
 * summary ranks them) and the leaked secrets that match no identity, worst first.
 */
function subjects(details: ReportDetails, q: HtmlReportQueries, chainIndex: Map<string, number>, limits: Limits): { total: number; rows: HtmlSubject[] } {
  const reaches = (nodeId: string) => q.reachOf(nodeId).map((r) => ({ layer: r.layer, hops: r.hops, holder: r.holder, chain: chainIndex.get(`${r.nodeId}\u0000${r.layer}`) ?? null }));
  const rows: HtmlSubject[] = details.riskiest(limits.top).map((r, i) => (i >= limits.detailed ? { ...headerOnly(r), detailed: false } : {
    ...headerOnly(r),
    detailed: true,
    findings: details.findingsOf(r.identityId, FINDINGS_PER_SUBJECT).map(toHtmlFinding),
    credentials: q.credentialsOf(r.identityId, DETAILS_PER_KIND).map((c) => ({ id: c.id, kind: c.kind, name: c.name, status: c.status, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt, expiresAt: c.expiresAt, preview: c.preview })),
    grants: q.grantsOf(r.identityId, DETAILS_PER_KIND).map((g) => ({ resource: g.resource, role: g.role, privilege: g.privilege, via: g.via })),
    trusts: q.trustsOf(r.identityId, DETAILS_PER_KIND).map((t) => ({ principal: t.principal, principalType: t.principalType, condition: t.condition, risk: t.risk })),
    reaches: reaches(r.identityId),
    reachedBy: q.edgesInto(r.identityId, DETAILS_PER_KIND).map((e) => ({ from: e.from, mechanism: e.mechanism })),
  }));
  // Secrets that match no identity: one subject per credential.
  const loose = new Map<string, ReportFinding[]>();
  for (const f of details.findingsOf(null, UNATTACHED)) {
    const key = f.credentialId ?? f.id;
    loose.set(key, [...(loose.get(key) ?? []), f]);
  }
  for (const [credentialId, list] of loose) {
    const loc = list.find((f) => f.location)?.location ?? null;
    const worst = list.reduce((w, f) => (severityRank(f.severity) > severityRank(w) ? f.severity : w), list[0].severity);
    rows.push({
      detailed: true,
      id: credentialId,
      name: loc ? `${loc.repo}/${loc.path}:${loc.line}` : credentialId,
      provider: list[0].provider ?? 'unknown',
      kind: 'secret (no identity)',
      scope: loc?.repo ?? '',
      owner: null,
      worst,
      score: list.reduce((a, f) => a + SCORE[f.severity], 0),
      findingCount: list.length,
      rules: [...new Set(list.map((f) => f.ruleId))].sort(),
      findings: list.slice(0, FINDINGS_PER_SUBJECT).map(toHtmlFinding),
      credentials: [],
      grants: [],
      trusts: [],
      reaches: reaches(`ext:credential:${credentialId}`),
      reachedBy: [],
    });
  }
  rows.sort((a, b) => severityRank(b.worst) - severityRank(a.worst) || b.score - a.score || (a.id < b.id ? -1 : 1));
  return { total: details.subjectCount() + loose.size, rows: rows.slice(0, limits.top) };
}

/** How many subjects to embed as rows, and how many of them with details. */
export interface Limits {
  top: number;
  detailed: number;
}

export function buildHtmlReportData(report: ReportInput, db: DB, details: ReportDetails, limits: Limits = { top: TOP_N, detailed: DETAILED_N }): HtmlReportData {
  const summary = report.summary;
  const q = new HtmlReportQueries(db);
  const asOf = summary.asOf ?? summary.generatedAt;
  const chains = q.chains(CHAINS);
  const chainIndex = new Map(chains.map((c, i) => [`${c.nodeId}\u0000${c.layer}`, i]));
  const { total, rows } = subjects(details, q, chainIndex, limits);
  const byRule = new Map(summary.findingsByRule.map((r) => [r.ruleId, r.count]));
  const names = q.names(chains.flatMap((c) => c.chain.flatMap((h) => [h.from, h.to])));
  const rules = Object.fromEntries(
    RULES.map((r) => [r.meta.id, { title: r.meta.title, severity: r.meta.severity, owasp: r.meta.owasp, description: r.meta.description, remediation: r.meta.remediation }]),
  );
  const owasp = (Object.keys(OWASP_NHI) as OwaspNhiId[]).map((id) => {
    const ids = RULES.filter((r) => r.meta.owasp.includes(id)).map((r) => r.meta.id);
    return { id, name: OWASP_NHI[id], rules: ids, findings: ids.reduce((a, r) => a + (byRule.get(r) ?? 0), 0) };
  });
  return {
    tool: { name: 'nhi', version: VERSION },
    generatedAt: summary.generatedAt,
    asOf: summary.asOf,
    scan: summary.scan,
    scanWarning: scanCompleteness(summary).warning,
    totals: summary.totals,
    identitiesByProvider: summary.identitiesByProvider,
    findingsBySeverity: summary.findingsBySeverity,
    findingsByRule: summary.findingsByRule,
    rules,
    owasp,
    change: change(db),
    credentialAge: q.credentialAges(asOf),
    lastUse: q.lastUse(asOf),
    owners: details.owners(OWNERS).map((o) => ({ ...o, owner: o.owner ?? '(unowned)' })),
    ownership: q.ownership(),
    subjects: { total, shown: rows.length, limit: limits.top, detailed: Math.min(limits.detailed, rows.length), rows },
    chains: chains.map((c) => ({
      start: c.nodeId,
      layer: c.layer,
      hops: c.hops,
      nodes: [...new Set(c.chain.flatMap((h) => [h.from, h.to]))].map((id) => nodeLabel(id, names)),
      edges: c.chain,
    })),
  };
}

function nodeLabel(id: string, names: Map<string, string>): { id: string; label: string; type: string } {
  if (!id.startsWith('ext:')) return { id, label: names.get(id) ?? id, type: 'identity' };
  const rest = id.slice(4);
  const cut = rest.indexOf(':');
  const type = cut < 0 ? 'external' : rest.slice(0, cut);
  let label = cut < 0 ? rest : rest.slice(cut + 1);
  // A leaked secret's node is named by its keyed hash: shorten it.
  if (/^secret:[0-9a-f]{64}$/.test(label)) label = `leaked secret ${label.slice(7, 15)}…`;
  return { id, label, type };
}

function change(db: DB): HtmlReportData['change'] {
  if (new ScanLog(db).merged().length < 2) return null;
  const d = diffScans(db);
  return {
    from: d.from,
    to: d.to,
    identities: { appeared: d.identities.appeared.length, disappeared: d.identities.disappeared.length, changed: d.identities.changed.length },
    findings: { new: d.findings.new.length, resolved: d.findings.resolved.length },
  };
}
