// Every request goes through call(): it is counted, retried with backoff when Google
// throttles (429 / RESOURCE_EXHAUSTED / quota 403) or is briefly unavailable (5xx), and
// its failure is described in Google's own terms (HTTP status, status, ErrorInfo reason,
// the permission or service named) so the scan can say exactly what would fix it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProgressSink } from '../../src/scanners/contract.js';
import { networkFault, raceAbort, requestSignal, RequestTimeoutError, sleep } from '../../src/scanners/toolkit/index.js';

export interface GoogleFailure {
  httpStatus: number | null;
  /** Canonical status: PERMISSION_DENIED, RESOURCE_EXHAUSTED, NOT_FOUND… */
  status: string | null;
  /** ErrorInfo reason: IAM_PERMISSION_DENIED, SERVICE_DISABLED, RATE_LIMIT_EXCEEDED… */
  reason: string | null;
  message: string;
  /** Permission named by the error (ErrorInfo metadata or message). */
  permission: string | null;
  /** Service named by a SERVICE_DISABLED error. */
  service: string | null;
  retryAfterMs: number | null;
  network: boolean;
}

const GRPC_STATUS: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

const STATUS_OF_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

type Loose = Record<string, unknown>;

function asObj(v: unknown): Loose | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : null;
}

function parseJson(s: unknown): Loose | null {
  if (typeof s !== 'string') return null;
  const t = s.trim();
  if (!t.startsWith('{')) return null;
  try {
    return asObj(JSON.parse(t));
  } catch {
    return null;
  }
}

function header(headers: unknown, name: string): string | null {
  if (!headers) return null;
  const h = headers as { get?: (n: string) => string | null } & Record<string, unknown>;
  if (typeof h.get === 'function') return h.get(name);
  const v = h[name] ?? h[name.toLowerCase()];
  return typeof v === 'string' ? v : null;
}

function retryAfter(v: string | null): number | null {
  if (!v) return null;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Describe any error thrown by gaxios, google-gax or fetch in Google's own terms. */
export function describeFailure(err: unknown): GoogleFailure {
  const e = (asObj(err) ?? {}) as Loose;
  const response = asObj(e.response);
  const body = asObj(response?.data) ?? parseJson(response?.data) ?? parseJson(e.message);
  const error = asObj(body?.error);
  let httpStatus: number | null = null;
  for (const c of [response?.status, e.status, error?.code]) {
    if (typeof c === 'number' && c >= 100 && c < 600) {
      httpStatus = c;
      break;
    }
  }
  if (httpStatus === null && typeof e.code === 'number' && e.code >= 100) httpStatus = e.code;
  let status = typeof error?.status === 'string' ? error.status : null;
  if (!status && typeof e.code === 'number' && e.code < 100) status = GRPC_STATUS[e.code] ?? null;
  if (!status && httpStatus !== null) status = STATUS_OF_HTTP[httpStatus] ?? null;
  let reason: string | null = typeof e.reason === 'string' ? e.reason : null;
  let permission: string | null = null;
  let service: string | null = null;
  for (const d of Array.isArray(error?.details) ? (error.details as unknown[]) : []) {
    const det = asObj(d);
    if (!det || !String(det['@type'] ?? '').endsWith('google.rpc.ErrorInfo')) continue;
    if (typeof det.reason === 'string') reason = det.reason;
    const md = asObj(det.metadata);
    if (typeof md?.permission === 'string') permission = md.permission;
    if (typeof md?.service === 'string') service = md.service;
  }
  // Older APIs put the reason in error.errors[].reason (rateLimitExceeded, quotaExceeded).
  const legacy = Array.isArray(error?.errors) ? asObj((error.errors as unknown[])[0]) : null;
  if (!reason && typeof legacy?.reason === 'string') reason = legacy.reason;
  const message = typeof error?.message === 'string' ? error.message : typeof e.message === 'string' ? e.message : String(err);
  if (!permission) permission = /Permission '([\w.]+)'/.exec(message)?.[1] ?? /permission\s+'?([a-z]+\.[\w.]+)'?/i.exec(message)?.[1] ?? null;
  if (!service && reason === 'SERVICE_DISABLED') service = /apis\/api\/([\w.-]+)\//.exec(message)?.[1] ?? null;
  const code = typeof e.code === 'string' ? e.code : '';
  return {
    httpStatus,
    status,
    reason,
    message: message.length > 500 ? `${message.slice(0, 500)}…` : message,
    permission,
    service,
    retryAfterMs: retryAfter(header(response?.headers, 'retry-after')),
    network: networkFault(err)?.retryable === true || /^(ECONNRESET|ETIMEDOUT|EAI_AGAIN|EPIPE|UND_ERR_SOCKET|ECONNREFUSED)$/.test(code),
  };
}

const QUOTA_REASONS = new Set(['RATE_LIMIT_EXCEEDED', 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

export function isThrottled(f: GoogleFailure): boolean {
  return f.httpStatus === 429 || f.status === 'RESOURCE_EXHAUSTED' || (f.reason !== null && QUOTA_REASONS.has(f.reason));
}

export function isRetryable(f: GoogleFailure): boolean {
  return isThrottled(f) || f.network || (f.httpStatus !== null && [500, 502, 503, 504].includes(f.httpStatus)) || f.status === 'UNAVAILABLE';
}

export function isServiceDisabled(f: GoogleFailure): boolean {
  return f.reason === 'SERVICE_DISABLED' || /has not been used in project|it is disabled/i.test(f.message);
}

export interface CallContext {
  progress: ProgressSink;
  signal: AbortSignal;
  maxRetries: number;
  retryBaseMs: number;
  /** One attempt's bound, connect to last byte (--request-timeout). */
  timeoutMs: number;
  /** The host an operation talks to, for timeout messages. */
  host(operation: string): string;
}

/**
 * The signal of the attempt in progress, for clients that take no signal per call (the
 * Resource Manager clients): their fetch reads it here, so a timed-out or aborted attempt
 * closes its connection instead of leaving it to hold the process open.
 */
const currentAttempt = new AsyncLocalStorage<AbortSignal>();

export function attemptSignal(): AbortSignal | undefined {
  return currentAttempt.getStore();
}

/** Maximum single wait, so a long Retry-After cannot stall a scan forever. */
const MAX_WAIT_MS = 60_000;

/**
 * One logical request: counted, retried on throttling/unavailability/timeouts with bounded backoff.
 * `fn` gets an abort signal to hand to the client (one per attempt, firing on the scan's abort or
 * the request timeout). The attempt is also raced against that signal, so a client that does not
 * honour it cannot hold the scan: an abort ends the call at once, a stall after the timeout.
 */
export async function call<T>(cx: CallContext, operation: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    cx.signal.throwIfAborted();
    cx.progress.apiCall(operation);
    const attemptSignal = requestSignal(cx.signal, cx.timeoutMs);
    try {
      return await raceAbort(currentAttempt.run(attemptSignal, () => fn(attemptSignal)), attemptSignal);
    } catch (err) {
      if (cx.signal.aborted) throw cx.signal.reason ?? err;
      const failure = attemptSignal.aborted ? new RequestTimeoutError(cx.host(operation), Math.round(cx.timeoutMs / 100) / 10) : err;
      const f = describeFailure(failure);
      if (!isRetryable(f) || attempt >= cx.maxRetries) throw failure;
      const backoff = cx.retryBaseMs * 2 ** attempt;
      const wait = Math.min(MAX_WAIT_MS, f.retryAfterMs ?? backoff);
      const why = isThrottled(f) ? `throttled (${f.httpStatus ?? f.status})` : `unavailable (${f.httpStatus ?? f.status ?? networkFault(failure)?.code ?? 'network'})`;
      cx.progress.retry(operation, wait, why);
      if (isThrottled(f) && wait >= 1000) cx.progress.waiting(Date.now() + wait, `${operation}: ${why}`);
      await sleep(wait, cx.signal);
    }
  }
}
