// `nhi report`: the summary and findings in any registered format; --fail-on and
// --require-complete make it a CI gate.
import { EXIT } from '../../errors.js';
import { SEVERITIES, type Severity } from '../../model/records.js';
import { openOutput } from '../../report/output.js';
import { openReport } from '../../report/report-service.js';
import { REPORT_FORMATS, reportFormat } from '../../report/formats/index.js';
import { scanCompleteness } from '../../report/formats/scan-status.js';
import { outputWidth } from '../../report/text-table.js';
import { ConfigError } from '../../errors.js';
import { checkChoice, providerNames, SEVERITY_CHOICES, wholeNumber } from '../choices.js';
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
  requireComplete?: boolean;
  out?: string;
  limit?: string;
  includeSuppressed?: boolean;
  baseline?: string;
  sinceScan?: string;
}

export const REPORT_FORMAT_NAMES = REPORT_FORMATS.map((f) => f.name);

function severity(flag: string, v: string | undefined): Severity | undefined {
  return v === undefined ? undefined : (checkChoice(flag, v, SEVERITY_CHOICES) as Severity);
}

/** The exit code for a latest scan that did not look at everything (3 partial, 4 nothing read). */
function incompleteCode(status: string | undefined): number {
  return status === 'partial' ? EXIT.partial : EXIT.scanFailed;
}

export async function runReportCommand(flags: ReportFlags, opts: { quietHint?: boolean } = {}): Promise<number> {
  const format = reportFormat(flags.format ?? 'table');
  if (!format) throw new ConfigError(`--format: "${flags.format}" is not a report format`, `Use one of: ${REPORT_FORMAT_NAMES.join(', ')}.`);
  const failOn = severity('--fail-on', flags.failOn);
  const limit = wholeNumber('--limit', flags.limit, 0) ?? 25;
  const ctx = commandContext(flags);
  const report = openReport({
    dbPath: ctx.dbPath,
    config: ctx.config,
    asOf: parseDate(flags.asOf, '--as-of'),
    filters: { provider: providerNames('--provider', list(flags.provider)), rule: list(flags.rule)?.map((r) => r.toLowerCase()), severity: severity('--severity', flags.severity) },
  });
  const out = openOutput(flags.out);
  try {
    const summary = report.summary();
    format.write(
      out,
      { summary, findings: (o) => report.findings(o), db: report.inv.db, details: report },
      {
        limit,
        includeSuppressed: !!flags.includeSuppressed,
        width: flags.out ? undefined : outputWidth(),
        warn: (m) => process.stderr.write(`nhi: warning: ${m}\n`),
      },
    );
    out.end();
    if (flags.out && !opts.quietHint) process.stderr.write(`wrote ${format.name} report to ${flags.out}\n`);
    let code: number = EXIT.ok;
    // With a baseline, only findings new since it fail the gate; the completeness checks below still apply.
    if (flags.baseline || flags.sinceScan) code = baselineGate(report, flags, failOn);
    else if (failOn) {
      const hit = SEVERITIES.slice(0, SEVERITIES.indexOf(failOn) + 1).filter((s) => summary.findingsBySeverity[s] > 0);
      if (hit.length) {
        process.stderr.write(`--fail-on ${failOn}: ${hit.map((s) => `${summary.findingsBySeverity[s]} ${s}`).join(', ')} open finding(s)\n`);
        code = EXIT.findings;
      }
    }
    const { complete, warning } = scanCompleteness(summary);
    // A gate over a latest scan that read nothing has nothing to judge: it never passes, strict or not.
    const readNothing = summary.scan?.status === 'failed' || summary.scan?.status === 'interrupted';
    if (failOn && readNothing && code === EXIT.ok) {
      process.stderr.write(`--fail-on ${failOn}: ${warning}; the gate cannot pass on it\n`);
      code = incompleteCode(summary.scan?.status);
    } else if (flags.requireComplete && !complete) {
      process.stderr.write(`--require-complete: ${warning}\n`);
      // Findings found are the more specific failure; either way the gate fails.
      if (code === EXIT.ok) code = incompleteCode(summary.scan?.status);
    }
    return code;
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    report.close();
  }
}
