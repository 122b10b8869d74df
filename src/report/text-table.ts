// Plain-text tables for terminals and logs: widths from content, fitted to the terminal, and
// every cell rendered inert (scanned names can carry escape sequences aimed at the reader's terminal).

export interface Column<T> {
  header: string;
  get: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
  /** Truncate longer cells (with …). */
  max?: number;
}

// C0 controls, DEL, C1 controls and the bidirectional overrides that reorder what a reader sees.
// Matching control characters is the point here.
/* eslint-disable no-control-regex */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A value from a provider or a scanned file, safe to print: control characters become visible escapes. */
export function inert(s: string | number | null | undefined): string {
  return String(s ?? '').replace(UNSAFE, escapeChar);
}

/** A whole block of output: keeps its line breaks, escapes every other control character. */
export function inertText(s: string): string {
  return s.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

/**
 * The width tables fit: the terminal's when stdout is one, else `COLUMNS` when set; piped
 * output (files, grep) keeps whole rows and is not fitted (undefined).
 */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: Record<string, string | undefined> = process.env): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (stream.isTTY) return stream.columns && stream.columns > 0 ? stream.columns : 80;
  return undefined;
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, Math.max(0, max - 1)) + '…' : s;
}

function cell(v: string | number | null | undefined, max?: number): string {
  const s = v === null || v === undefined || v === '' ? '-' : inert(String(v).replace(/[ \t\r\n]+/g, ' '));
  return max ? clip(s, max) : s;
}

const GAP = 2;
const MIN_WIDTH = 6;
const TIGHT_WIDTH = 4;

/**
 * Narrow the widest left-aligned columns until the row fits `width`: first down to their
 * headers, then (a narrow terminal) down to a few characters.
 */
function fit(widths: number[], cols: Column<unknown>[], width: number): number[] {
  const w = [...widths];
  const total = () => w.reduce((a, b) => a + b, 0) + GAP * (w.length - 1);
  for (const floorOf of [(i: number) => Math.max(MIN_WIDTH, Math.min(cols[i].header.length, w[i])), () => TIGHT_WIDTH]) {
    while (total() > width) {
      let widest = -1;
      for (let i = 0; i < w.length; i++) {
        if (cols[i].align !== 'right' && w[i] > floorOf(i) && (widest < 0 || w[i] > w[widest])) widest = i;
      }
      if (widest < 0) break;
      w[widest]--;
    }
  }
  return w;
}

export function renderTable<T>(rows: T[], cols: Column<T>[], opts: { width?: number } = {}): string {
  const cells = rows.map((r) => cols.map((c) => cell(c.get(r), c.max)));
  const natural = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const widths = opts.width ? fit(natural, cols as Column<unknown>[], opts.width) : natural;
  const line = (vals: string[]) =>
    vals
      .map((v, i) => clip(v, widths[i]))
      .map((v, i) => (cols[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(cols.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}
