// Whether the latest scan looked at everything: every format says so when it did not,
// so a report can never read as "clean" when nhi could not look.
import type { ReportSummary } from '../report-service.js';

export interface ScanCompleteness {
  complete: boolean;
  /** Why the report may be missing findings; null when the latest scan is complete. */
  warning: string | null;
}

export function scanCompleteness(s: ReportSummary): ScanCompleteness {
  const scan = s.scan;
  if (!scan) return { complete: false, warning: 'no scan has been recorded in this inventory: nothing was looked at' };
  const errors = s.scanErrors.filter((e) => e.level === 'error').length;
  const see = `see \`nhi scans --errors ${scan.id}\``;
  switch (scan.status) {
    case 'complete':
      return { complete: true, warning: null };
    case 'partial':
      return { complete: false, warning: `latest scan #${scan.id} is partial: ${errors} target(s)/endpoint(s) could not be read, so findings may be missing (${see})` };
    case 'failed':
      return { complete: false, warning: `latest scan #${scan.id} failed: nothing was read, so this report holds no fresh data (${see})` };
    default:
      return { complete: false, warning: `latest scan #${scan.id} is ${scan.status}: it was not merged, so this report shows an earlier scan's data` };
  }
}
