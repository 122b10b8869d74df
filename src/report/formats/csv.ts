// CSV (RFC 4180: CRLF rows, quoted when needed) through csv-stringify. Text cells a spreadsheet
// would run as a formula are neutralized as OWASP's CSV-injection guidance says: a leading quote.
import { stringify } from 'csv-stringify/sync';
import type { Output } from '../output.js';

export interface CsvColumn<T> {
  header: string;
  get: (row: T) => unknown;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell that cannot start a formula (numbers stay numbers). */
export function csvText(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function value(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return csvText(JSON.stringify(v));
  if (typeof v === 'string') return csvText(v);
  return String(v);
}

/** Write rows as CSV in chunks of 1,000 so large exports stream. */
export function writeCsv<T>(out: Output, rows: Iterable<T>, cols: CsvColumn<T>[]): void {
  const opts = { record_delimiter: '\r\n' as const, quoted_match: /^'/ };
  out.write(stringify([cols.map((c) => c.header)], opts));
  let chunk: string[][] = [];
  for (const r of rows) {
    chunk.push(cols.map((c) => value(c.get(r))));
    if (chunk.length >= 1000) {
      out.write(stringify(chunk, opts));
      chunk = [];
    }
  }
  if (chunk.length) out.write(stringify(chunk, opts));
}
