// Client-side pacing for an API whose rate limit is not published (AWS IAM per account): the
// requests of one limit key share one pacer that learns the rate from the provider's own
// throttling answers. Unpaced until the first throttle; then additive increase on success and
// multiplicative decrease on throttling, one decrease per generation (a throttle of a request
// sent before the last change says nothing about the new rate). Throttling that does not ease
// when the pacer slows down is not a rate limit (random faults, a proxy): the decrease is undone
// for a while and the per-request retries handle it, so the pace does not fall to a crawl.
import { sleep } from './abort.js';

export interface PacerClock {
  now(): number;
  /** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const REAL_CLOCK: PacerClock = { now: () => Date.now(), sleep };

export interface PacerSettings {
  /** Share of the send rate kept on a throttle. */
  decrease: number;
  /** Rate added per second of successes, as a share of the rate set by the last decrease. */
  increasePerSecond: number;
  /** Never slower than this (requests a second). */
  minRate: number;
  /** Answers a generation needs before its throttling changes the rate (fewer: only retried). */
  minSample: number;
  /** A generation whose throttled share is at least this share of the previous one's did not ease. */
  easedBelow: number;
  /** ...and whose granted rate fell below this share of the previous one's (it fell as nhi slowed). */
  grantedFellBelow: number;
  /** After throttling judged not a rate limit, how long the pacer keeps its rate (ms). */
  holdMs: number;
}

export const DEFAULT_PACER: PacerSettings = { decrease: 0.7, increasePerSecond: 0.4, minRate: 0.5, minSample: 8, easedBelow: 0.6, grantedFellBelow: 0.8, holdMs: 5_000 };

/** What one request was sent under: answer it with `done`. */
export interface PacerTicket {
  readonly generation: number;
}

/** A change of pace, for the progress display. */
export interface PaceChange {
  /** Requests a second now, or null when unpaced. */
  rate: number | null;
  why: 'throttled' | 'not-a-rate-limit';
}

const RECENT = 16;

export type PacerOutcome = 'ok' | 'throttled' | 'other';

interface Generation {
  id: number;
  startedAt: number;
  sent: number;
  answers: number;
  throttled: number;
}

export class Pacer {
  private rate: number | null = null;
  /** The rate set by the last decrease: the scale of the additive increase. */
  private decreasedTo = 0;
  private nextAt = 0;
  private lastSentAt = -Infinity;
  private gen: Generation = { id: 1, startedAt: 0, sent: 0, answers: 0, throttled: 0 };
  /** The decrease that began the current generation: the rate before it and the throttled share that caused it. */
  private lastDecrease: { before: number | null; share: number; granted: number; measured: boolean } | null = null;
  private holdUntil = -Infinity;
  /** The rate before a decrease that did not ease the throttling, while the next one is judged. */
  private notEasedFrom: number | null = null;
  /** When the last requests were sent (a ring): the send rate at the moment of a throttle. */
  private readonly recent: number[] = [];
  private recentAt = 0;
  private readonly settings: PacerSettings;

  constructor(
    private readonly clock: PacerClock = REAL_CLOCK,
    settings: Partial<PacerSettings> = {},
    /** What pacers of the same kind of limit learned (other accounts' IAM): where this one starts pacing. */
    private readonly kin: LearnedRate = { rate: null },
  ) {
    this.settings = { ...DEFAULT_PACER, ...settings };
  }

  /** Requests a second the pacer allows, or null while no throttling has been seen. */
  get currentRate(): number | null {
    return this.rate;
  }

  /** Waits for this request's slot (none while unpaced); rejects at once when `signal` aborts. */
  async acquire(signal: AbortSignal, onWait?: (ms: number) => void): Promise<PacerTicket> {
    signal.throwIfAborted();
    if (this.rate !== null) {
      const now = this.clock.now();
      const at = Math.max(now, this.nextAt);
      this.nextAt = at + 1000 / this.rate;
      if (at > now) {
        onWait?.(at - now);
        await this.clock.sleep(at - now, signal);
      }
      // Slots are reserved ahead, so waiters woken late together (an event loop busy elsewhere)
      // would all send at once: each also waits one interval after the send before it.
      for (;;) {
        if (this.rate === null) break;
        const gap = 1000 / this.rate;
        const t = this.clock.now();
        const free = this.lastSentAt + gap;
        if (t >= free - Math.min(1, gap / 20)) break;
        await this.clock.sleep(free - t, signal);
      }
    }
    const sentAt = this.clock.now();
    this.lastSentAt = sentAt;
    // A generation's send rate is measured from its first request.
    if (this.gen.sent++ === 0) this.gen.startedAt = sentAt;
    this.recent[this.recentAt++ % RECENT] = sentAt;
    return { generation: this.gen.id };
  }

  /** The answer to a request: the pacer speeds up on success and may slow down on throttling. */
  done(ticket: PacerTicket, outcome: PacerOutcome): PaceChange | null {
    if (ticket.generation !== this.gen.id || outcome === 'other') return null;
    const g = this.gen;
    g.answers++;
    if (outcome === 'ok') {
      // Additive: `increasePerSecond` of the decreased rate per second of answers at the current rate.
      if (this.rate !== null) this.rate += (this.settings.increasePerSecond * this.decreasedTo) / this.rate;
      return null;
    }
    g.throttled++;
    if (g.answers < this.settings.minSample) return null;
    const now = this.clock.now();
    const share = g.throttled / g.answers;
    // What the endpoint granted in this generation: under a rate limit it stays near the limit's
    // rate however fast nhi sends; under throttling unrelated to the rate it falls as nhi slows.
    const granted = ((g.answers - g.throttled) * 1000) / Math.max(1, now - g.startedAt);
    const last = this.lastDecrease;
    // Throttled after slowing down at a share no lower, and granted less as it slowed: slowing did
    // not ease it. Judged only when both generations had successes enough to measure what was
    // granted, and never the first decrease, from full speed (its generation held the burst).
    const measured = g.answers - g.throttled >= this.settings.minSample / 2;
    const judged = last !== null && last.before !== null && last.measured && measured;
    const eased = !(judged && last && share >= last.share * this.settings.easedBelow && granted < last.granted * this.settings.grantedFellBelow);
    // Two generations in a row: a few answers of a small bucket that refilled during the retries'
    // backoff look like one (granted more, then less as nhi slowed).
    if (eased || !last) this.notEasedFrom = null;
    else if (this.notEasedFrom === null) this.notEasedFrom = last.before;
    else {
      // Back to the rate before the first of those decreases: the retries handle throttling pacing does not ease.
      this.rate = this.notEasedFrom;
      this.decreasedTo = this.notEasedFrom ?? 0;
      this.notEasedFrom = null;
      this.lastDecrease = null;
      this.holdUntil = now + this.settings.holdMs;
      this.gen = this.newGeneration(now);
      return { rate: this.rate, why: 'not-a-rate-limit' };
    }
    if (now < this.holdUntil) return null;
    const sentRate = this.recentSendRate();
    // Leaving full speed, once the limit's burst ran out: at the rate its kin settled on, else from
    // the rate it was sending at.
    if (this.rate === null) return this.decrease(now, share, granted, measured, Math.min(this.kin.rate ?? Infinity, sentRate * this.settings.decrease));
    // Granted while paced and throttled: the limit's rate as far as this generation shows it.
    this.kin.rate = granted;
    const from = Math.min(this.rate, sentRate);
    // Granted far below the send rate is the limit's own rate: go there at once.
    return this.decrease(now, share, granted, measured, Math.min(from * this.settings.decrease, Math.max(granted, from / 16)));
  }

  private decrease(now: number, share: number, granted: number, measured: boolean, to: number): PaceChange {
    const next = Math.max(this.settings.minRate, to);
    this.lastDecrease = { before: this.rate, share, granted, measured };
    this.rate = next;
    this.decreasedTo = next;
    this.gen = this.newGeneration(now);
    return { rate: next, why: 'throttled' };
  }

  /**
   * Requests a second at which the last sends (the ring) went out, from the shorter gaps between
   * them (the first quartile): pauses (a credential report generating, retries backing off) are
   * gaps too, not a slower rate.
   */
  private recentSendRate(): number {
    const n = Math.min(this.recentAt, RECENT);
    const times = Array.from({ length: n }, (_, i) => this.recent[(this.recentAt - n + i) % RECENT]);
    const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
    if (gaps.length === 0) return this.settings.minRate;
    return 1000 / Math.max(1, gaps[Math.floor(gaps.length / 4)]);
  }

  private newGeneration(at: number): Generation {
    return { id: this.gen.id + 1, startedAt: at, sent: 0, answers: 0, throttled: 0 };
  }
}

/** The rate pacers of one kind of limit last saw granted while throttled. */
export interface LearnedRate {
  rate: number | null;
}

/**
 * One pacer per limit key (`iam:<account>`, `sts:<account>`), shared by every request of that key.
 * Keys of one kind (the part before `:`) share what they learned: a new account starts pacing at
 * the rate the others were granted instead of learning it again.
 */
export class Pacers {
  private readonly byKey = new Map<string, Pacer>();
  private readonly learned = new Map<string, LearnedRate>();
  constructor(
    private readonly clock: PacerClock = REAL_CLOCK,
    private readonly settings: Partial<PacerSettings> = {},
  ) {}

  for(key: string): Pacer {
    let p = this.byKey.get(key);
    if (!p) {
      const kind = key.split(':')[0];
      let kin = this.learned.get(kind);
      if (!kin) this.learned.set(kind, (kin = { rate: null }));
      this.byKey.set(key, (p = new Pacer(this.clock, this.settings, kin)));
    }
    return p;
  }
}
