// JSON report: a stable, documented shape (schemaVersion bumps on any breaking change).
// Written as a stream so a million findings never sit in one string.
import type { Output } from '../output.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';

export const REPORT_SCHEMA_VERSION = 1;

export function publicFinding(f: ReportFinding) {
  return {
    id: f.id,
    rule: f.ruleId,
    title: f.title,
    severity: f.severity,
    owasp: f.owasp,
    status: f.status,
    provider: f.provider,
    message: f.message,
    identity: f.identity,
    credentialId: f.credentialId,
    location: f.location,
    evidence: f.evidence,
    firstSeenScan: f.firstSeenScan,
    lastSeenScan: f.lastSeenScan,
    suppression: f.suppression,
  };
}

export function writeJsonReport(out: Output, summary: ReportSummary, findings: Iterable<ReportFinding>): void {
  const { scanErrors, ...rest } = summary;
  out.write(`{\n  "schemaVersion": ${REPORT_SCHEMA_VERSION},\n  "tool": "nhi",\n`);
  for (const [k, v] of Object.entries(rest)) out.write(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`);
  out.write(`  "scanErrors": ${JSON.stringify(scanErrors)},\n  "findings": [`);
  let first = true;
  for (const f of findings) {
    out.write((first ? '\n    ' : ',\n    ') + JSON.stringify(publicFinding(f)));
    first = false;
  }
  out.write(first ? ']\n}\n' : '\n  ]\n}\n');
}
