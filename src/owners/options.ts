// The options every provider's owner step shares: opt-in, and bounded in calls and time.
import type { ScannerOption } from '../scanners/contract.js';
import { sleep } from '../scanners/toolkit/abort.js';

export const OWNERS_FROM_LOGS_OPTION = {
  key: 'ownersFromLogs',
  flag: '--owners-from-logs',
  description: 'Also read the audit log (who created each identity, who added its credentials) for owner candidates; read-only, bounded by --owners-max-calls and --owners-max-seconds',
  type: 'boolean',
  default: false,
} as const satisfies ScannerOption;

export const OWNERS_MAX_CALLS_OPTION = {
  key: 'ownersMaxCalls',
  flag: '--owners-max-calls <n>',
  description: 'Most audit-log requests per target for owners (a note says when it stopped short)',
  type: 'number',
  default: 200,
  min: 1,
} as const satisfies ScannerOption;

export const OWNERS_MAX_SECONDS_OPTION = {
  key: 'ownersMaxSeconds',
  flag: '--owners-max-seconds <s>',
  description: 'Longest time per target spent reading audit logs for owners',
  type: 'number',
  default: 120,
  min: 1,
} as const satisfies ScannerOption;

export const OWNERS_OPTIONS = [OWNERS_FROM_LOGS_OPTION, OWNERS_MAX_CALLS_OPTION, OWNERS_MAX_SECONDS_OPTION] as const;

/**
 * Bounds one target's owner step: at most `maxCalls` requests and `maxSeconds`, and at most `perSecond`
 * requests a second (CloudTrail LookupEvents allows 2 per account and region). Calls wait their turn.
 */
export class OwnersBudget {
  private calls = 0;
  private readonly deadline: number;
  private nextAt = 0;
  /** Why the step stopped short, once it has. */
  stopped: string | null = null;

  constructor(
    private readonly opts: { maxCalls?: number; maxSeconds?: number; perSecond?: number },
    private readonly signal: AbortSignal,
    private readonly clock: () => number = Date.now,
  ) {
    this.deadline = clock() + (opts.maxSeconds ?? 120) * 1000;
  }

  get used(): number {
    return this.calls;
  }

  /** Wait for the rate limit and take one call; false (and `stopped` set) when the budget is spent. */
  async take(): Promise<boolean> {
    if (this.stopped) return false;
    if (this.calls >= (this.opts.maxCalls ?? 200)) {
      this.stopped = `stopped after ${this.calls} requests (--owners-max-calls)`;
      return false;
    }
    const gap = this.opts.perSecond ? 1000 / this.opts.perSecond : 0;
    const wait = this.nextAt - this.clock();
    if (this.clock() + Math.max(0, wait) > this.deadline) {
      this.stopped = `stopped after ${this.opts.maxSeconds ?? 120} s (--owners-max-seconds)`;
      return false;
    }
    if (wait > 0) await sleep(wait, this.signal);
    this.nextAt = this.clock() + gap;
    this.calls++;
    return true;
  }
}
