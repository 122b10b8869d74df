// The retry strategy of every AWS client: each request retries throttling, server errors and
// transient faults up to --max-attempts with full-jitter backoff (or the service's Retry-After).
// Not the SDK's adaptive limiter and no shared retry budget: the limiter fell to its floor
// (0.5 request/s) under 10 % random throttling and stayed there (7 s became 64 s), and a shared
// budget turns sustained throttling into failed reads. Pacing is the account's pacer (clients.ts,
// toolkit/pacer.ts), which undoes a slowdown that did not ease the throttling.
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

export interface RetryTiming {
  maxAttempts: number;
  /** Base delay of a retry after a server or transient error. */
  baseMs: number;
  /** Base delay of a retry after throttling. */
  throttleBaseMs: number;
  capMs: number;
}

export const DEFAULT_TIMING: Omit<RetryTiming, 'maxAttempts'> = { baseMs: 100, throttleBaseMs: 200, capMs: 20_000 };

function token(retryCount: number, delay: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delay };
}

export class ScanRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  constructor(private readonly timing: RetryTiming) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retries = previous.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || retries >= this.timing.maxAttempts) throw new Error('no retry left');
    const base = info.errorType === 'THROTTLING' ? this.timing.throttleBaseMs : this.timing.baseMs;
    const backoff = Math.floor(Math.random() * Math.min(this.timing.capMs, base * 2 ** (retries - 1)));
    const hinted = info.retryAfterHint ? Math.max(0, info.retryAfterHint.getTime() - Date.now()) : null;
    return token(retries, Math.min(this.timing.capMs, hinted ?? backoff));
  }

  recordSuccess(): void {}
}
