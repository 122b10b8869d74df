// SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning reads help, tags and
// security-severity from the rules). Cloud identities have no file: they get a stable
// pseudo-path under nhi/ plus a logical location naming the identity. Leaks point at their
// files relative to a base id per repository (originalUriBaseIds names the repository).
import { RULES } from '../../rules/index.js';
import type { Severity } from '../../model/records.js';
import type { Rule } from '../../rules/types.js';
import { OWASP_NHI } from '../../rules/types.js';
import { VERSION } from '../../version.js';
import type { Output } from '../output.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';
import { findingLocations, sightingCount, type FindingLocation } from './locations.js';
import { scanCompleteness } from './scan-status.js';
import { VERB, type Mechanism } from '../../reach/index.js';
import type { ReportFormat } from './types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export function sarifRule(r: Rule) {
  const m = r.meta;
  const owasp = m.owasp.map((id) => `${id}: ${OWASP_NHI[id]}`);
  return {
    id: m.id,
    name: m.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: m.title },
    fullDescription: { text: m.description },
    helpUri: m.references[0],
    help: {
      text: `${m.description}\n\nRisk: ${m.risk}\n\nRemediation: ${m.remediation}\n\nOWASP NHI Top 10: ${owasp.join('; ')}`,
      markdown: `${m.description}\n\n**Risk.** ${m.risk}\n\n**Remediation.** ${m.remediation}\n\n**OWASP NHI Top 10:** ${owasp.join('; ')}\n\n${m.references.map((u) => `- <${u}>`).join('\n')}`,
    },
    defaultConfiguration: { level: LEVEL[m.severity] },
    properties: {
      tags: ['security', 'non-human-identity', ...m.owasp.map((id) => `owasp-${id.toLowerCase()}`)],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[m.severity],
    },
  };
}

function pseudoPath(f: ReportFinding): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._@-]+/g, '_').slice(0, 120);
  const who = f.identity ? `${safe(f.identity.scope)}/${safe(f.identity.kind)}/${safe(f.identity.name)}` : safe(f.credentialId ?? f.id);
  return `nhi/${safe(f.provider ?? 'unknown')}/${who}`;
}

/** A relative path as a valid `uri-reference`: each segment percent-encoded (spaces, `|`, non-ASCII). */
export function uriPath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** Base ids for the repositories leaks were found in, named after them and unique within the run. */
export class RepositoryBases {
  private readonly ids = new Map<string, string>();
  private readonly used = new Set<string>();

  idFor(repo: string): string {
    let id = this.ids.get(repo);
    if (id) return id;
    const base = `REPO_${(repo.replace(/\/+$/, '').split(/[\\/]/).slice(-2).join('_') || 'root').replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
    id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.ids.set(repo, id);
    this.used.add(id);
    return id;
  }

  /** The run's originalUriBaseIds: a local checkout resolves to its folder; a hosted repository is named. */
  toJSON(): Record<string, { uri?: string; description: { text: string } }> {
    const out: Record<string, { uri?: string; description: { text: string } }> = {};
    for (const [repo, id] of this.ids) {
      const local = repo.startsWith('/') ? `file://${repo.replace(/\/+$/, '').split('/').map((s) => encodeURIComponent(s)).join('/')}/` : undefined;
      out[id] = { ...(local ? { uri: local } : {}), description: { text: `repository ${repo}` } };
    }
    return out;
  }
}

function fileLocation(l: FindingLocation, bases: RepositoryBases) {
  return {
    physicalLocation: {
      artifactLocation: { uri: uriPath(l.path), ...(l.repo ? { uriBaseId: bases.idFor(l.repo) } : {}) },
      ...(l.line ? { region: { startLine: l.line } } : {}),
    },
  };
}

interface ChainHop {
  from: string;
  to: string;
  mechanism: Mechanism;
  evidence: string;
}

/** The chain a reach-based finding carries as evidence (god-mode, leaked-credential, environment-crossing…). */
function chainOf(f: ReportFinding): ChainHop[] {
  const c = (f.evidence as { chain?: unknown } | null)?.chain;
  if (!Array.isArray(c)) return [];
  return c.filter((h): h is ChainHop => !!h && typeof h === 'object' && typeof h.from === 'string' && typeof h.to === 'string' && typeof h.mechanism === 'string');
}

const hopText = (h: ChainHop) => `${h.from} ${VERB[h.mechanism] ?? h.mechanism} ${h.to}${h.evidence ? ` — ${h.evidence}` : ''}`;

/** One related location per hop: the hop's target as a logical location, the mechanism in its message. */
function hopLocation(h: ChainHop, i: number, id: number) {
  return {
    id,
    physicalLocation: { artifactLocation: { uri: uriPath(`nhi/chain/${h.to.replace(/[^A-Za-z0-9._@-]+/g, '_').slice(0, 160)}`) }, region: { startLine: 1 } },
    logicalLocations: [{ fullyQualifiedName: h.to, kind: 'resource' }],
    message: { text: `hop ${i + 1} (${h.mechanism}): ${hopText(h)}` },
  };
}

export function sarifResult(f: ReportFinding, ruleIndex: number, bases: RepositoryBases = new RepositoryBases()) {
  const logical = [{ fullyQualifiedName: f.identity?.id ?? f.credentialId ?? f.id, kind: 'resource' }];
  // The first sighting is the one the message names; the others are related locations.
  const [primary, ...others] = findingLocations(f);
  const location = primary
    ? { ...fileLocation(primary, bases), logicalLocations: logical }
    : { physicalLocation: { artifactLocation: { uri: uriPath(pseudoPath(f)) }, region: { startLine: 1 } }, logicalLocations: logical };
  const sightings = sightingCount(f);
  const chain = chainOf(f);
  const related = [
    ...others.map((l, i) => ({ id: i + 1, ...fileLocation(l, bases), message: { text: `also seen here${l.commit ? ` (commit ${l.commit.slice(0, 12)})` : ''}` } })),
    ...chain.map((h, i) => hopLocation(h, i, others.length + i + 1)),
  ];
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: chain.length ? `${f.message}\n\nChain:\n${chain.map((h, i) => `${i + 1}. ${hopText(h)}`).join('\n')}` : f.message },
    locations: [location],
    ...(related.length ? { relatedLocations: related } : {}),
    partialFingerprints: { 'nhiFindingId/v1': f.id },
    ...(f.status === 'suppressed' && f.suppression
      ? { suppressions: [{ kind: 'external', justification: `${f.suppression.reason}${f.suppression.expires ? ` (until ${f.suppression.expires})` : ''}` }] }
      : {}),
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      provider: f.provider,
      identity: f.identity?.id ?? null,
      credential: f.credentialId,
      owner: f.identity?.owner ?? null,
      firstSeenScan: f.firstSeenScan,
      ...(primary ? { sightings } : {}),
    },
  };
}

export function writeSarif(out: Output, summary: ReportSummary, findings: Iterable<ReportFinding>): void {
  const index = new Map(RULES.map((r, i) => [r.meta.id, i]));
  const driver = {
    name: 'nhi',
    semanticVersion: VERSION,
    rules: RULES.map(sarifRule),
  };
  // A partial or failed scan is an unsuccessful execution, its errors the notifications, so a
  // dashboard never shows "no results" for a scan that could not look.
  const { complete, warning } = scanCompleteness(summary);
  const notifications = [
    ...(warning ? [{ level: 'error', message: { text: warning } }] : []),
    ...summary.scanErrors
      .filter((e) => e.level === 'error')
      .map((e) => ({
        level: 'error',
        message: { text: `${e.scanner} ${e.targetKey ?? ''} ${e.operation ?? ''}: ${e.code ?? 'error'}: ${e.message}${e.fix ? ` — fix: ${e.fix}` : ''}`.replace(/\s+/g, ' ') },
        ...(e.code ? { descriptor: { id: e.code } } : {}),
        properties: { scanner: e.scanner, target: e.targetKey, operation: e.operation, fix: e.fix },
      })),
  ];
  const invocation = { executionSuccessful: complete, endTimeUtc: summary.generatedAt, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) };
  out.write(`{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":${JSON.stringify(driver)}},`);
  out.write(`"invocations":[${JSON.stringify(invocation)}],"results":[`);
  const bases = new RepositoryBases();
  let first = true;
  for (const f of findings) {
    out.write((first ? '' : ',') + JSON.stringify(sarifResult(f, index.get(f.ruleId) ?? 0, bases)));
    first = false;
  }
  // Written after the results (key order is free in JSON): the repositories are known once they are streamed.
  const baseIds = bases.toJSON();
  out.write(`]${Object.keys(baseIds).length ? `,"originalUriBaseIds":${JSON.stringify(baseIds)}` : ''}}]}\n`);
}

export const sarifFormat: ReportFormat = {
  name: 'sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning and other dashboards',
  write(out, report, options) {
    writeSarif(out, report.summary, report.findings({ includeSuppressed: options.includeSuppressed }));
  },
};
