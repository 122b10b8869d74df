// SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning reads help, tags and
// security-severity from the rules). Cloud identities have no file: they get a stable
// pseudo-path under nhi/ plus a logical location naming the identity.
import { RULES } from '../../rules/index.js';
import type { Severity } from '../../model/records.js';
import type { Rule } from '../../rules/types.js';
import { OWASP_NHI } from '../../rules/types.js';
import { VERSION } from '../../version.js';
import type { Output } from '../output.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';

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
  return `nhi/${f.provider ?? 'unknown'}/${who}`;
}

export function sarifResult(f: ReportFinding, ruleIndex: number) {
  const loc = f.location;
  const physicalLocation = loc
    ? { artifactLocation: { uri: loc.path.replace(/^\/+/, '') }, ...(loc.line ? { region: { startLine: loc.line } } : {}) }
    : { artifactLocation: { uri: pseudoPath(f) }, region: { startLine: 1 } };
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation,
        logicalLocations: [{ fullyQualifiedName: f.identity?.id ?? f.credentialId ?? f.id, kind: 'resource' }],
      },
    ],
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
    },
  };
}

export function writeSarif(out: Output, summary: ReportSummary, findings: Iterable<ReportFinding>): void {
  const index = new Map(RULES.map((r, i) => [r.meta.id, i]));
  const head = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
  };
  const driver = {
    name: 'nhi',
    semanticVersion: VERSION,
    rules: RULES.map(sarifRule),
  };
  out.write(`{"$schema":${JSON.stringify(head.$schema)},"version":"2.1.0","runs":[{"tool":{"driver":${JSON.stringify(driver)}},`);
  out.write(`"invocations":[{"executionSuccessful":true,"endTimeUtc":${JSON.stringify(summary.generatedAt)}}],"results":[`);
  let first = true;
  for (const f of findings) {
    out.write((first ? '' : ',') + JSON.stringify(sarifResult(f, index.get(f.ruleId) ?? 0)));
    first = false;
  }
  out.write(']}]}\n');
}
