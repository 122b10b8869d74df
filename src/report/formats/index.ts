// Every report format, in the order `--format` lists them. Adding a format: one file exporting
// a ReportFormat, one line here.
import { csvFormat } from './csv-report.js';
import { htmlFormat } from '../html/html-format.js';
import { jsonFormat } from './json.js';
import { markdownFormat } from './markdown.js';
import { ocsfFormat } from './ocsf.js';
import { sarifFormat } from './sarif.js';
import { tableFormat } from './table.js';
import type { ReportFormat } from './types.js';

export type { FormatOptions, ReportFormat, ReportInput } from './types.js';

export const REPORT_FORMATS: ReportFormat[] = [tableFormat, jsonFormat, csvFormat, sarifFormat, markdownFormat, htmlFormat, ocsfFormat];

export function reportFormat(name: string): ReportFormat | undefined {
  return REPORT_FORMATS.find((f) => f.name === name.toLowerCase());
}
