// The contract every report format implements: a plain object in the registry (index.ts).
import type { DB } from '../../inventory/db.js';
import type { Output } from '../output.js';
import type { Report, ReportFinding, ReportSummary } from '../report-service.js';

/** What a format that lists more than the summary reads (html): the report's own ranked queries. */
export type ReportDetails = Pick<Report, 'riskiest' | 'subjectCount' | 'owners' | 'findingsOf'>;

/** What a format reads: the summary, and the findings streamed most severe first. */
export interface ReportInput {
  summary: ReportSummary;
  findings(opts?: { includeSuppressed?: boolean; limit?: number }): Iterable<ReportFinding>;
  /** The open inventory (read only), for formats that show more than the findings (html, ocsf). */
  db?: DB;
  details?: ReportDetails;
}

export interface FormatOptions {
  /** Findings listed by the summary formats (table, markdown); the full formats list all. */
  limit: number;
  includeSuppressed: boolean;
  /** Width to fit tables to; undefined keeps whole rows. */
  width?: number;
  /** A message for the person running nhi (stderr), for formats that cannot carry it. */
  warn(message: string): void;
}

export interface ReportFormat {
  name: string;
  description: string;
  write(out: Output, report: ReportInput, options: FormatOptions): void;
}
