// What the HTML report embeds: the headline, the chart series, the riskiest subjects (identities,
// or leaked secrets that match none) with their details, and the chains to draw. At most TOP_N
// subjects are embedded; the rest are counted, so a million-identity estate stays a few MB.
import { diffScans } from '../../inventory/browse-queries.js';
import { HtmlReportQueries, type CredentialAgeRow, type LastUseRow, type OwnershipRow } from '../../inventory/html-report-queries.js';
import { ScanLog } from '../../inventory/scan-log.js';
import type { DB } from '../../inventory/db.js';
import { SEVERITIES, type Severity } from '../../model/records.js';
import { RULES } from '../../rules/index.js';
import { OWASP_NHI, type OwaspNhiId } from '../../rules/types.js';
import { VERSION } from '../../version.js';
import { scanCompleteness } from '../formats/scan-status.js';
import type { ReportInput } from '../formats/types.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';

export const TOP_N = 5000;
const FINDINGS_PER_SUBJECT = 50;
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
  subjects: { total: number; shown: number; limit: number; rows: HtmlSubject[] };
  chains: HtmlChain[];
}

interface Tally {
  score: number;
  worst: number;
  count: number;
  rules: Set<string>;
  provider: string;
}

/** The ranking the other reports use: worst severity first, then the score. */
function rank(t: Tally): number {
  return t.worst * 1e12 + t.score;
}

function severityIndex(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function buildHtmlReportData(report: ReportInput, db: DB): HtmlReportData {
  const summary = report.summary;
  const q = new HtmlReportQueries(db);
  const asOf = summary.asOf ?? summary.generatedAt;
  // First pass: a tally per subject and per owner (suppressed findings are not counted, as elsewhere).
  const tallies = new Map<string, Tally>();
  const owners = new Map<string, { score: number; findings: number; critical: number; high: number }>();
  const owaspFindings = new Map<OwaspNhiId, number>();
  for (const f of report.findings()) {
    const key = subjectKey(f);
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { score: 0, worst: 0, count: 0, rules: new Set(), provider: f.provider ?? 'unknown' }));
    t.score += SCORE[f.severity];
    t.worst = Math.max(t.worst, severityIndex(f.severity));
    t.count++;
    t.rules.add(f.ruleId);
    const owner = f.identity?.owner ?? '(unowned)';
    let o = owners.get(owner);
    if (!o) owners.set(owner, (o = { score: 0, findings: 0, critical: 0, high: 0 }));
    o.score += SCORE[f.severity];
    o.findings++;
    if (f.severity === 'critical') o.critical++;
    if (f.severity === 'high') o.high++;
    for (const id of f.owasp) owaspFindings.set(id, (owaspFindings.get(id) ?? 0) + 1);
  }
  const ranked = [...tallies.entries()].sort((a, b) => rank(b[1]) - rank(a[1]) || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_N);
  const shown = new Map(ranked.map(([k], i) => [k, i]));
  // Second pass: the findings of the shown subjects, with evidence.
  const findings = new Map<string, HtmlFinding[]>();
  for (const f of report.findings()) {
    const key = subjectKey(f);
    if (!shown.has(key)) continue;
    let list = findings.get(key);
    if (!list) findings.set(key, (list = []));
    if (list.length < FINDINGS_PER_SUBJECT) {
      list.push({ id: f.id, rule: f.ruleId, severity: f.severity, message: f.message, evidence: f.evidence, credentialId: f.credentialId, location: f.location, status: f.status });
    }
  }
  const chains = q.chains(CHAINS);
  const chainIndex = new Map(chains.map((c, i) => [`${c.nodeId}\u0000${c.layer}`, i]));
  const rows: HtmlSubject[] = ranked.map(([key, t]) => {
    const head = key.startsWith('identity:') ? q.identityHeader(key.slice('identity:'.length)) : undefined;
    const list = findings.get(key) ?? [];
    const base = {
      score: t.score,
      worst: SEVERITIES[SEVERITIES.length - t.worst],
      findingCount: t.count,
      rules: [...t.rules].sort(),
      findings: list,
    };
    if (!head) {
      const credentialId = list[0]?.credentialId ?? key.slice(key.indexOf(':') + 1);
      const loc = list[0]?.location;
      return {
        ...base,
        id: credentialId,
        name: loc ? `${loc.repo}/${loc.path}:${loc.line}` : credentialId,
        provider: t.provider,
        kind: 'secret (no identity)',
        scope: loc?.repo ?? '',
        owner: null,
        credentials: [],
        grants: [],
        trusts: [],
        reaches: q.reachOf(`ext:credential:${credentialId}`).map((r) => ({ layer: r.layer, hops: r.hops, holder: r.holder, chain: chainIndex.get(`${r.nodeId}\u0000${r.layer}`) ?? null })),
        reachedBy: [],
      };
    }
    return {
      ...base,
      id: head.id,
      name: head.name,
      provider: head.provider,
      kind: head.kind,
      scope: head.scope,
      owner: head.owner,
      credentials: q.credentialsOf(head.id).map((c) => ({ id: c.id, kind: c.kind, name: c.name, status: c.status, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt, expiresAt: c.expiresAt, preview: c.preview })),
      grants: q.grantsOf(head.id).map((g) => ({ resource: g.resource, role: g.role, privilege: g.privilege, via: g.via })),
      trusts: q.trustsOf(head.id).map((t) => ({ principal: t.principal, principalType: t.principalType, condition: t.condition, risk: t.risk })),
      reaches: q.reachOf(head.id).map((r) => ({ layer: r.layer, hops: r.hops, holder: r.holder, chain: chainIndex.get(`${r.nodeId}\u0000${r.layer}`) ?? null })),
      reachedBy: q.edgesInto(head.id).map((e) => ({ from: e.from, mechanism: e.mechanism })),
    };
  });
  const names = q.names(chains.flatMap((c) => c.chain.flatMap((h) => [h.from, h.to])));
  const rules = Object.fromEntries(
    RULES.map((r) => [r.meta.id, { title: r.meta.title, severity: r.meta.severity, owasp: r.meta.owasp, description: r.meta.description, remediation: r.meta.remediation }]),
  );
  const owasp = (Object.keys(OWASP_NHI) as OwaspNhiId[]).map((id) => ({
    id,
    name: OWASP_NHI[id],
    rules: RULES.filter((r) => r.meta.owasp.includes(id)).map((r) => r.meta.id),
    findings: owaspFindings.get(id) ?? 0,
  }));
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
    owners: [...owners.entries()]
      .map(([owner, o]) => ({ owner, ...o }))
      .sort((a, b) => b.score - a.score || a.owner.localeCompare(b.owner))
      .slice(0, OWNERS),
    ownership: q.ownership(),
    subjects: { total: tallies.size, shown: rows.length, limit: TOP_N, rows },
    chains: chains.map((c) => ({
      start: c.nodeId,
      layer: c.layer,
      hops: c.hops,
      nodes: [...new Set(c.chain.flatMap((h) => [h.from, h.to]))].map((id) => nodeLabel(id, names)),
      edges: c.chain,
    })),
  };
}

/** Findings group by identity; a secret that matches no identity is its own subject. */
function subjectKey(f: ReportFinding): string {
  if (f.identityId) return `identity:${f.identityId}`;
  return `credential:${f.credentialId ?? f.id}`;
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
