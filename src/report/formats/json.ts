// JSON report: a stable, documented shape (schemaVersion bumps on any breaking change).
// Written as a stream so a million findings never sit in one string.
import type { Output } from '../output.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';
import { scanCompleteness } from './scan-status.js';
import type { ReportFormat } from './types.js';

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
  const { complete, warning } = scanCompleteness(summary);
  out.write(`{\n  "schemaVersion": ${REPORT_SCHEMA_VERSION},\n  "tool": "nhi",\n`);
  for (const [k, v] of Object.entries(rest)) out.write(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`);
  // false when the latest scan is partial, failed or missing: the findings may be incomplete.
  out.write(`  "scanComplete": ${complete},\n  "scanWarning": ${JSON.stringify(warning)},\n`);
  out.write(`  "scanErrors": ${JSON.stringify(scanErrors)},\n  "findings": [`);
  let first = true;
  for (const f of findings) {
    out.write((first ? '\n    ' : ',\n    ') + JSON.stringify(publicFinding(f)));
    first = false;
  }
  out.write(first ? ']\n}\n' : '\n  ]\n}\n');
}

export const jsonFormat: ReportFormat = {
  name: 'json',
  description: 'the documented report object with every finding (schemaVersion 1)',
  write(out, report, options) {
    writeJsonReport(out, report.summary, report.findings({ includeSuppressed: options.includeSuppressed }));
  },
};
