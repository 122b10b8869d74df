// Plain-text tables for terminals and logs: widths from content.

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
