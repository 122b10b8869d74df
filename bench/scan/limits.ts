// Rate limits enforced the way each provider enforces them, in front of a local endpoint's
// handler: token buckets (ARM, Graph, IAM, Google quotas) and fixed windows (GitHub's hourly
// budget), keyed per tenant, account, project or token; latency on every answer; and the
// counts the floor is computed from. All times are divided by one factor (--factor).
import type { ServerResponse } from 'node:http';
import type { LocalHandler, LocalRequest } from '../../src/demo/local-server.js';

export interface LimitRule {
  /** What the provider calls this limit (printed with the floor). */
  name: string;
  /** The key the limit is kept per (tenant, account, project, token), or null when it does not apply. */
  key(req: LocalRequest): string | null;
  /** Requests allowed at once (a bucket's size, or a window's budget). */
  capacity: number;
  /** Token bucket: requests added per real second. */
  perSecond?: number;
  /** Fixed window: real milliseconds until the budget is whole again. */
  windowMs?: number;
}

/** How the provider answers a request over a limit: status, body, headers (with the compressed wait). */
export type Throttled = (req: LocalRequest, res: ServerResponse, rule: LimitRule, waitMs: number, resetAtMs: number) => void;

export interface LimitStats {
  served: number;
  throttled: number;
  /** Served requests per rule and key. */
  perKey: Map<string, number>;
  maxInFlight: number;
  /** Served later pages per list (LimitedOptions.continues): pages of one list come one after another. */
  laterPages: Map<string, number>;
}

interface State {
  tokens: number;
  at: number;
  windowStart: number;
}

export interface LimitedOptions {
  rules: LimitRule[];
  throttled: Throttled;
  /** Real latency of one answer, ms (divided by the factor). */
  latencyMs: number;
  factor: number;
  /** Headers a served answer carries about its limit (GitHub's x-ratelimit-*). */
  headers?: (rule: LimitRule, remaining: number, resetAtMs: number) => Record<string, string>;
  /**
   * The list a request reads a later page of, where the provider pages with an opaque continuation
   * token (the list: the request without its token); null for any other request. Each page needs
   * the previous one's token, so a list of N pages takes N round trips however many are in flight.
   * The same list read twice would count as one chain twice as long: each bench reads a list once.
   */
  continues?: (req: LocalRequest) => string | null;
}

/** The longest list read page after page: its later pages plus its first. */
export function longestPageChain(stats: LimitStats): { pages: number; list: string } {
  let best = { pages: 0, list: '' };
  for (const [list, later] of stats.laterPages) if (later + 1 > best.pages) best = { pages: later + 1, list };
  return best;
}

export function limited(handler: LocalHandler, o: LimitedOptions): { handler: LocalHandler; stats: LimitStats } {
  const stats: LimitStats = { served: 0, throttled: 0, perKey: new Map(), maxInFlight: 0, laterPages: new Map() };
  const states = new Map<string, State>();
  const t0 = Date.now();
  let inFlight = 0;
  // Real time elapsed on the provider's clock.
  const now = () => (Date.now() - t0) * o.factor;
  const take = (rule: LimitRule, key: string): { ok: boolean; waitMs: number; remaining: number; resetAt: number } => {
    const id = `${rule.name}|${key}`;
    const t = now();
    let s = states.get(id);
    if (!s) states.set(id, (s = { tokens: rule.capacity, at: t, windowStart: t }));
    if (rule.windowMs) {
      if (t - s.windowStart >= rule.windowMs) {
        s.windowStart += Math.floor((t - s.windowStart) / rule.windowMs) * rule.windowMs;
        s.tokens = rule.capacity;
      }
      const resetAt = s.windowStart + rule.windowMs;
      if (s.tokens < 1) return { ok: false, waitMs: resetAt - t, remaining: 0, resetAt };
      s.tokens--;
      return { ok: true, waitMs: 0, remaining: s.tokens, resetAt };
    }
    s.tokens = Math.min(rule.capacity, s.tokens + ((t - s.at) / 1000) * (rule.perSecond ?? 0));
    s.at = t;
    if (s.tokens < 1) return { ok: false, waitMs: ((1 - s.tokens) / (rule.perSecond ?? 1)) * 1000, remaining: 0, resetAt: t + ((rule.capacity - s.tokens) / (rule.perSecond ?? 1)) * 1000 };
    s.tokens--;
    return { ok: true, waitMs: 0, remaining: Math.floor(s.tokens), resetAt: t };
  };
  const wall = (realMs: number) => t0 + realMs / o.factor;
  const wrapped: LocalHandler = async (req, res) => {
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      if (o.latencyMs > 0) await new Promise((r) => setTimeout(r, o.latencyMs / o.factor));
      const extra: Record<string, string> = {};
      for (const rule of o.rules) {
        const key = rule.key(req);
        if (key === null) continue;
        const r = take(rule, key);
        if (!r.ok) {
          stats.throttled++;
          o.throttled(req, res, rule, r.waitMs / o.factor, wall(r.resetAt));
          return;
        }
        Object.assign(extra, o.headers?.(rule, r.remaining, wall(r.resetAt)) ?? {});
      }
      for (const rule of o.rules) {
        const key = rule.key(req);
        if (key !== null) stats.perKey.set(`${rule.name}|${key}`, (stats.perKey.get(`${rule.name}|${key}`) ?? 0) + 1);
      }
      stats.served++;
      const list = o.continues?.(req) ?? null;
      if (list !== null) stats.laterPages.set(list, (stats.laterPages.get(list) ?? 0) + 1);
      if (Object.keys(extra).length > 0) {
        // The endpoint's own headers first, then the limit's (GitHub's x-ratelimit-* replace the fixed ones).
        const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => ServerResponse;
        (res as unknown as { writeHead: unknown }).writeHead = (status: number, headers?: Record<string, string>) => writeHead(status, { ...(headers ?? {}), ...extra });
      }
      await handler(req, res);
    } finally {
      inFlight--;
    }
  };
  return { handler: wrapped, stats };
}

/** The least real time the counted requests can take under the rules: the slowest key of any rule. */
export function limitFloorMs(rules: LimitRule[], perKey: Map<string, number>): { ms: number; bound: string } {
  let worst = { ms: 0, bound: 'none' };
  for (const [id, calls] of perKey) {
    const [name, key] = [id.slice(0, id.indexOf('|')), id.slice(id.indexOf('|') + 1)];
    const rule = rules.find((r) => r.name === name);
    if (!rule) continue;
    const ms = rule.windowMs ? Math.max(0, Math.ceil(calls / rule.capacity) - 1) * rule.windowMs : (Math.max(0, calls - rule.capacity) / (rule.perSecond ?? Infinity)) * 1000;
    if (ms > worst.ms) worst = { ms, bound: `${name} (${key}: ${calls} requests)` };
  }
  return worst;
}
