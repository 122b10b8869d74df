// `nhi report`: summary and findings in table, json, csv, sarif or markdown; --fail-on for CI.
import { ConfigError, EXIT } from '../../errors.js';
import { SEVERITIES } from '../../model/records.js';
import { openOutput } from '../../report/output.js';
import { openReport, parseSeverity, type ReportFinding } from '../../report/report-service.js';
import { formatTable } from '../../report/formats/table.js';
import { formatMarkdown } from '../../report/formats/markdown.js';
import { writeJsonReport } from '../../report/formats/json.js';
import { writeSarif } from '../../report/formats/sarif.js';
import { writeCsv } from '../../report/formats/csv.js';
import { FINDING_CSV } from '../../report/columns.js';
import { commandContext, list, parseDate } from '../context.js';
import { baselineGate } from '../../plan/baseline.js';

export interface ReportFlags {
  db?: string;
  config?: string;
  ignoreFile?: string;
  format?: string;
  provider?: string[];
  rule?: string[];
  severity?: string;
  asOf?: string;
  failOn?: string;
  out?: string;
  limit?: string;
  includeSuppressed?: boolean;
  baseline?: string;
  sinceScan?: string;
}

export const REPORT_FORMATS = ['table', 'json', 'csv', 'sarif', 'markdown'] as const;

export async function runReportCommand(flags: ReportFlags, opts: { quietHint?: boolean } = {}): Promise<number> {
  const format = flags.format ?? 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new ConfigError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${format}"`);
  const failOn = parseSeverity(flags.failOn, '--fail-on');
  const limit = flags.limit === undefined ? 25 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new ConfigError('--limit must be a whole number');
  const ctx = commandContext(flags);
  const report = openReport({
    dbPath: ctx.dbPath,
    config: ctx.config,
    asOf: parseDate(flags.asOf, '--as-of'),
    filters: { provider: list(flags.provider), rule: list(flags.rule), severity: parseSeverity(flags.severity, '--severity') },
  });
  const out = openOutput(flags.out);
  try {
    const summary = report.summary();
    const includeSuppressed = !!flags.includeSuppressed;
    switch (format) {
      case 'table': {
        const top = [...report.findings({ limit })];
        out.write(formatTable(summary, top, summary.totals.findings));
        break;
      }
      case 'markdown': {
        const top = [...report.findings({ limit: Math.max(limit, 50) })];
        out.write(formatMarkdown(summary, top, summary.totals.findings));
        break;
      }
      case 'json':
        writeJsonReport(out, summary, report.findings({ includeSuppressed }));
        break;
      case 'sarif':
        writeSarif(out, summary, report.findings({ includeSuppressed }));
        break;
      case 'csv':
        writeCsv<ReportFinding>(out, report.findings({ includeSuppressed }), FINDING_CSV);
        break;
    }
    out.end();
    if (flags.out && !opts.quietHint) process.stderr.write(`wrote ${format} report to ${flags.out}\n`);
    if (flags.baseline || flags.sinceScan) return baselineGate(report, flags, failOn);
    if (failOn) {
      const hit = SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1).filter((s) => summary.findingsBySeverity[s] > 0);
      if (hit.length) {
        process.stderr.write(`--fail-on ${failOn}: ${hit.map((s) => `${summary.findingsBySeverity[s]} ${s}`).join(', ')} open finding(s)\n`);
        return EXIT.findings;
      }
    }
    return EXIT.ok;
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    report.close();
  }
}
