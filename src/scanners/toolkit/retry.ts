// Retry timing shared by the scanners: the provider's Retry-After when it sends one,
// otherwise exponential backoff with jitter.

/** Milliseconds a `Retry-After` value asks for (delta-seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | number | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Backoff before retry number `attempt` (1-based): base·2^(attempt-1), ±25 % jitter, capped. */
export function backoffMs(attempt: number, baseMs: number, capMs = 30_000): number {
  const raw = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.75 + Math.random() * 0.5));
}
