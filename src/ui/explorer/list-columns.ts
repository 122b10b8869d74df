// The columns of each list, fitted to the terminal width, and what Enter opens from a row.
import type { CredentialRow, IdentityRow } from '../../inventory/rows.js';
import type { ReportFinding } from '../../report/report-service.js';
import { inert } from '../../report/text-table.js';
import type { ListName } from './explorer-data.js';

type Target = { entity: 'identity' | 'credential' | 'finding'; id: string };

interface Col<T> {
  header: string;
  /** Fixed width; the one column without one takes the rest. */
  width?: number;
  get: (row: T) => string | null | undefined;
}

export interface ListSpec<T> {
  header(width: number): string;
  line(row: T, width: number): string;
  colour?: (row: T) => string | undefined;
  /** What Enter opens: the identity behind the row where there is one. */
  open(row: T): Target;
  /** What `e` opens: the row itself (a finding's evidence and fix, a credential's sightings). */
  self(row: T): Target;
}

function fit(s: string, w: number): string {
  return s.length > w ? s.slice(0, Math.max(0, w - 1)) + '…' : s.padEnd(w);
}

function spec<T>(cols: Col<T>[], rest: Omit<ListSpec<T>, 'header' | 'line'>): ListSpec<T> {
  const widths = (width: number) => {
    const fixed = cols.reduce((a, c) => a + (c.width ?? 0) + 1, 0);
    return cols.map((c) => c.width ?? Math.max(10, width - fixed - 1));
  };
  const join = (cells: string[], width: number) => {
    const w = widths(width);
    return cells.map((c, i) => fit(c, w[i] as number)).join(' ').trimEnd();
  };
  return {
    header: (width) => join(cols.map((c) => c.header), width),
    line: (row, width) => join(cols.map((c) => inert(c.get(row) ?? '')), width),
    ...rest,
  };
}

const SEVERITY_COLOUR: Record<string, string> = { critical: 'red', high: 'magenta', medium: 'yellow' };

export const LISTS: Record<ListName, ListSpec<never>> = {
  identities: spec<IdentityRow>(
    [
      { header: 'provider', width: 10, get: (r) => r.provider },
      { header: 'kind', width: 20, get: (r) => r.kind },
      { header: 'name', width: 32, get: (r) => r.name },
      { header: 'owner', width: 18, get: (r) => r.owner ?? '(none)' },
      { header: 'last used', width: 10, get: (r) => r.lastUsedAt?.slice(0, 10) ?? (r.lastUsedSource ? 'never' : '') },
      { header: 'scope', get: (r) => r.scope },
    ],
    { open: (r) => ({ entity: 'identity', id: r.id }), self: (r) => ({ entity: 'identity', id: r.id }) },
  ),
  credentials: spec<CredentialRow>(
    [
      { header: 'provider', width: 10, get: (r) => r.provider },
      { header: 'kind', width: 18, get: (r) => r.kind },
      { header: 'name', width: 30, get: (r) => r.name ?? r.keyId },
      { header: 'status', width: 8, get: (r) => r.status },
      { header: 'created', width: 10, get: (r) => r.createdAt?.slice(0, 10) },
      { header: 'identity', get: (r) => r.identityId ?? '(none matched)' },
    ],
    { open: (r) => (r.identityId ? { entity: 'identity', id: r.identityId } : { entity: 'credential', id: r.id }), self: (r) => ({ entity: 'credential', id: r.id }) },
  ),
  findings: spec<ReportFinding>(
    [
      { header: 'severity', width: 8, get: (f) => f.severity },
      { header: 'rule', width: 24, get: (f) => f.ruleId },
      { header: 'identity', width: 28, get: (f) => f.identity?.name ?? f.credentialId ?? '' },
      { header: 'owner', width: 14, get: (f) => (f.identity ? (f.identity.owner ?? '(none)') : '') },
      { header: 'finding', get: (f) => f.message },
    ],
    {
      colour: (f) => (process.env.NO_COLOR ? undefined : SEVERITY_COLOUR[f.severity]),
      open: (f) => (f.identityId ? { entity: 'identity', id: f.identityId } : { entity: 'finding', id: f.id }),
      self: (f) => ({ entity: 'finding', id: f.id }),
    },
  ),
} as Record<ListName, ListSpec<never>>;
