// `nhi report --format csv`: one row per finding, the same columns as `nhi export findings --format csv`.
import { FINDING_CSV } from '../columns.js';
import { writeCsv } from './csv.js';
import { scanCompleteness } from './scan-status.js';
import type { ReportFormat } from './types.js';

export const csvFormat: ReportFormat = {
  name: 'csv',
  description: 'one row per finding (RFC 4180), for spreadsheets',
  write(out, report, options) {
    // A CSV has no place for it: the warning goes to the person running nhi.
    const { warning } = scanCompleteness(report.summary);
    if (warning) options.warn(warning);
    writeCsv(out, report.findings({ includeSuppressed: options.includeSuppressed }), FINDING_CSV);
  },
};
