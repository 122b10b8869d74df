// Plain-text tables for terminals and logs: no colours unless asked, widths from content.

export interface Column<T> {
  header: string;
  get: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
  /** Truncate longer cells (with …). */
  max?: number;
}

function cell(v: string | number | null | undefined, max?: number): string {
  const s = v === null || v === undefined || v === '' ? '-' : String(v).replace(/\s+/g, ' ');
  return max && s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function renderTable<T>(rows: T[], cols: Column<T>[]): string {
  const cells = rows.map((r) => cols.map((c) => cell(c.get(r), c.max)));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (cols[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

const COLORS: Record<string, string> = { critical: '\x1b[1;35m', high: '\x1b[1;31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };

export function paintSeverity(s: string, color: boolean): string {
  return color && COLORS[s] ? `${COLORS[s]}${s}\x1b[0m` : s;
}
