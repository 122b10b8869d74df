// Judgements more than one rule makes, written once, in SQL over the inventory's columns.
// JS rules get them as fields of the rows the view hands out (InventoryView.adminHolders).

/** SQL: whole days from a timestamp column to the evaluation clock (@nowJd, its Julian day). */
export function sqlDays(col: string): string {
  return `CAST(@nowJd - julianday(${col}) AS INTEGER)`;
}

/**
 * Days without use, as SQL over a row with last_used_at, last_used_source, created_at and
 * (identities) last_used_window_days: never-used things count from creation, and a provider that
 * keeps only N days of last-use data (AWS RoleLastUsed: 400) turns "null" into "not within N
 * days", never "never". `known` is false when the provider has no last-use data for it.
 * `stale` compares text with @before (the cutoff for @limit days): no date is parsed for what is in use.
 */
export function unusedSql(windowed: boolean): { days: string; windowed: string; known: string; stale: string } {
  const window = windowed ? `(last_used_at IS NULL AND last_used_window_days IS NOT NULL AND ${sqlDays('created_at')} > last_used_window_days)` : '0';
  return {
    known: '(last_used_at IS NOT NULL OR (last_used_source IS NOT NULL AND created_at IS NOT NULL))',
    windowed: window,
    days: `CASE WHEN last_used_at IS NOT NULL THEN ${sqlDays('last_used_at')}${windowed ? ` WHEN ${window} THEN last_used_window_days` : ''} ELSE ${sqlDays('created_at')} END`,
    stale: `CASE WHEN last_used_at IS NOT NULL THEN last_used_at <= @before${windowed ? ` WHEN ${window} THEN last_used_window_days > @limit` : ''} ELSE created_at <= @before END`,
  };
}

/**
 * The latest creation date of what existed at the evaluation clock: an --as-of report of a past date
 * leaves out what was created after it. A day of slack, so a provider clock ahead of ours never
 * hides a new identity. Bound as @existedBy in finding queries.
 */
export function existedByCutoff(now: Date): string {
  return new Date(now.getTime() + 86_400_000).toISOString();
}

/** The evaluation clock as a Julian day number, exactly as SQLite's julianday() computes it. */
export function julianDay(d: Date): number {
  return (d.getTime() + 210_866_760_000_000) / 86_400_000;
}

/**
 * Holders of a current admin grant as an SQL table (id, direct = 1, r = the identity's rowid, NULL
 * when no identity row has that id): the admin set's first part, and all of it for a view read
 * outside an evaluation.
 */
export const DIRECT_ADMINS = `(SELECT g.identity_id AS id, 1 AS direct, (SELECT i.rowid FROM identities i WHERE i.id = g.identity_id) AS r
  FROM grants g WHERE g.privilege = 'admin' AND g.gone_scan IS NULL)`;
