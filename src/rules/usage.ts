// How long something has gone unused, as far as the provider's data can tell.
import { daysSince } from './types.js';

/**
 * Days without use, or null when the data cannot tell. Never-used things count from creation;
 * a last-use window (AWS RoleLastUsed keeps 400 days) means null last use is "not within the window".
 */
export function unusedDays(
  x: { lastUsedAt: string | null; lastUsedSource: string | null; createdAt: string | null; lastUsedWindowDays?: number | null },
  now: Date,
): { days: number; never: boolean; windowed: boolean } | null {
  if (x.lastUsedAt) {
    const d = daysSince(x.lastUsedAt, now);
    return d === null ? null : { days: d, never: false, windowed: false };
  }
  if (!x.lastUsedSource) return null; // the provider has no last-use data for it
  const age = daysSince(x.createdAt, now);
  if (age === null) return null;
  const window = x.lastUsedWindowDays ?? null;
  if (window !== null && age > window) return { days: window, never: false, windowed: true };
  return { days: age, never: true, windowed: false };
}
