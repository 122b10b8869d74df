// The Octokit client: built per scan from options (never at module level) with the
// throttling and retry plugins, token or GitHub App auth, and progress reporting.
import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { createAppAuth } from '@octokit/auth-app';
import { ConfigError } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';
import type { ProgressSink } from '../../src/scanners/contract.js';
import { backoffMs, guardedFetch, maxResponseBytes, networkFault, requestTimeoutMs, retryAfterMs, secondsMs, sleep, DEFAULT_MAX_WAIT_S } from '../../src/scanners/toolkit/index.js';
import type { GitHubOptions } from './options.js';

export const GitHub = Octokit;
export type GitHubClient = InstanceType<typeof GitHub>;

/** A rate limit whose reset is further away than --max-wait: the target is left partial. */
export class RateLimitWaitError extends Error {
  readonly code = 'rate-limited';
  readonly fix: string;
  constructor(op: string, kind: string, resetAt: Date, waitS: number, maxWaitS: number) {
    super(`${op}: GitHub ${kind} resets at ${resetAt.toISOString()} (${waitS} s away), longer than --max-wait ${maxWaitS} s; not waited for`);
    this.name = 'RateLimitWaitError';
    this.fix = `Rerun after ${resetAt.toISOString()}, raise --max-wait, or scan as a GitHub App (higher limits).`;
  }
}

export const DEFAULT_API_URL = 'https://api.github.com';

export interface AppAuth {
  appId: string;
  privateKey: string;
  installationId?: number;
}

/** Token, App, or both: some endpoints answer only to an App, others only to a user's token. */
export interface AuthMode {
  token: string | null;
  app: AppAuth | null;
}

/** Reads a PEM given inline (with real or escaped newlines) or as a file path. */
export function readPrivateKey(value: string): string {
  const v = value.trim();
  if (v.includes('-----BEGIN')) return v.replace(/\\n/g, '\n');
  try {
    return readFileSync(v, 'utf8');
  } catch {
    throw new ConfigError('--app-private-key is neither a PEM private key nor a readable file', 'Pass the App\'s private key PEM, or the path of the .pem file downloaded from the App settings.');
  }
}

export function authMode(o: GitHubOptions): AuthMode {
  let app: AppAuth | null = null;
  if (o.appId || o.appPrivateKey) {
    if (!o.appId || !o.appPrivateKey) {
      throw new ConfigError('GitHub App authentication needs both --app-id and --app-private-key', 'Set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (or the flags); --app-installation-id is optional (found per organisation).');
    }
    const inst = o.appInstallationId !== undefined && o.appInstallationId !== '' ? Number(o.appInstallationId) : undefined;
    if (inst !== undefined && !Number.isInteger(inst)) throw new ConfigError('--app-installation-id must be a number');
    app = { appId: String(o.appId), privateKey: readPrivateKey(o.appPrivateKey), installationId: inst };
  }
  return { token: o.token || null, app };
}

export interface ClientInput {
  options: GitHubOptions;
  /** A token, an App (as an installation when installationId is set, else as the App itself), or nothing. */
  auth: { token: string } | { app: AppAuth; installationId?: number } | null;
  progress: ProgressSink;
  signal: AbortSignal;
}

/** `GET /orgs/acme/members`: method and path, never the origin or the query. */
export function operationOf(o: { method?: string; url?: string }): string {
  const url = o.url ?? '';
  let path = url;
  try {
    path = new URL(url, 'http://x').pathname;
  } catch {
    path = url.split('?')[0];
  }
  return `${o.method ?? 'GET'} ${path}`;
}

interface LimitWait {
  kind: 'rate limit' | 'secondary rate limit';
  /** Seconds GitHub asks for (real time). */
  seconds: number;
  /** When the limit clears: the reset GitHub sent, or now plus retry-after. */
  resetAt: Date;
}

/** GitHub's primary (remaining 0 until reset) and secondary (retry-after) rate limits. */
function rateLimitOf(err: unknown): LimitWait | null {
  const e = err as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  if (e?.status !== 403 && e?.status !== 429) return null;
  const h = e.response?.headers ?? {};
  if (h['x-ratelimit-remaining'] === '0' && h['x-ratelimit-reset']) {
    const resetMs = Number(h['x-ratelimit-reset']) * 1000;
    // A reset that is not a time (a broken or hostile answer) waits as long as an unnamed limit.
    if (!Number.isFinite(resetMs) || resetMs <= 0) return { kind: 'rate limit', seconds: 60, resetAt: new Date(Date.now() + 60_000) };
    return { kind: 'rate limit', seconds: Math.max(Math.ceil((resetMs - Date.now()) / 1000) + 1, 0), resetAt: new Date(resetMs) };
  }
  if (e.status === 429 || /\bsecondary rate\b/i.test(e.message ?? '') || h['retry-after'] !== undefined) {
    const after = retryAfterMs(h['retry-after']);
    const seconds = after === null ? 60 : Math.ceil(after / 1000);
    return { kind: 'secondary rate limit', seconds, resetAt: new Date(Date.now() + seconds * 1000) };
  }
  return null;
}

/** Server errors and network faults that another attempt may cure. */
function retryable(err: unknown): boolean {
  const fault = networkFault(err);
  if (fault) return fault.retryable;
  const status = (err as { status?: number })?.status;
  return typeof status === 'number' && status >= 500;
}

export function createClient(input: ClientInput): GitHubClient {
  const { options: o, progress, signal } = input;
  const baseUrl = (o.githubUrl || DEFAULT_API_URL).replace(/\/+$/, '');
  const baseMs = Math.max(0, Number(o.retryBaseMs ?? 1000));
  const maxRetries = Math.max(0, Number(o.maxRetries ?? 5));
  const serverRetries = Math.min(maxRetries, 3);
  const maxWaitMs = secondsMs(o.maxWait, DEFAULT_MAX_WAIT_S);
  const a = input.auth;
  const auth =
    a && 'app' in a
      ? { authStrategy: createAppAuth, auth: { appId: a.app.appId, privateKey: a.app.privateKey, ...(a.installationId !== undefined ? { installationId: a.installationId } : {}) } }
      : a && 'token' in a
        ? { auth: a.token }
        : {};
  const octokit = new GitHub({
    ...auth,
    baseUrl,
    userAgent: `nhi/${VERSION}`,
    log: { debug: () => {}, info: () => {}, warn: (m: string) => progress.log(String(m).slice(0, 300)), error: () => {} },
    request: {
      fetch: guardedFetch({ signal, timeoutMs: requestTimeoutMs(o), maxBodyBytes: maxResponseBytes(o), origin: new URL(baseUrl).origin, json: true }),
    },
  });
  // Outermost hook, once per call (each page of a listing is a call): every attempt counted,
  // rate limits waited out up to --max-wait, server errors and network faults retried with
  // backoff; every wait ends at once when the scan is aborted.
  octokit.hook.wrap('request', async (request, options) => {
    const op = operationOf(options);
    let limitRetries = 0;
    let otherRetries = 0;
    for (;;) {
      signal.throwIfAborted();
      progress.apiCall(op);
      try {
        return await request(options);
      } catch (err) {
        if (signal.aborted) throw err;
        const limit = rateLimitOf(err);
        if (limit) {
          if (limitRetries >= maxRetries) {
            progress.log(`${op}: ${limit.kind} did not clear after ${limitRetries} retries; giving up on this request`);
            throw err;
          }
          const waitMs = limit.seconds * baseMs;
          if (waitMs > maxWaitMs) throw new RateLimitWaitError(op, limit.kind, limit.resetAt, limit.seconds, Math.round(maxWaitMs / 1000));
          limitRetries++;
          progress.waiting(Date.now() + waitMs, `GitHub ${limit.kind} (${op})`);
          progress.retry(op, waitMs, `waiting for the GitHub ${limit.kind}`);
          await sleep(waitMs, signal);
          continue;
        }
        if (!retryable(err) || otherRetries >= serverRetries) throw err;
        otherRetries++;
        const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers;
        const after = retryAfterMs(headers?.['retry-after']);
        const waitMs = after !== null ? (after * baseMs) / 1000 : backoffMs(otherRetries, baseMs);
        progress.retry(op, waitMs, networkFault(err)?.code ?? 'server error');
        await sleep(waitMs, signal);
      }
    }
  });
  return octokit;
}
