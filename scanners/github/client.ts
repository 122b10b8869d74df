// The Octokit client: built per scan from options (never at module level) with the
// throttling and retry plugins, token or GitHub App auth, and progress reporting.
import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { createAppAuth } from '@octokit/auth-app';
import { ConfigError } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';
import type { ProgressSink } from '../../src/scanners/contract.js';
import type { GitHubOptions } from './options.js';

/**
 * Reports every attempt to the progress sink. Listed before the throttling and retry plugins so
 * its hook sits inside theirs and sees each retried attempt (same options object) again.
 */
const progressPlugin: Parameters<typeof Octokit.plugin>[0] = (octokit, options) => {
  const progress = (options as { nhiProgress?: ProgressSink }).nhiProgress;
  if (!progress) return {};
  const seen = new WeakSet<object>();
  octokit.hook.before('request', (req) => {
    const op = operationOf(req);
    const key = req.request as object | undefined;
    if (key && seen.has(key)) progress.retry(op, undefined, 'retrying after a rate limit or server error');
    else if (key) seen.add(key);
    progress.apiCall(op);
  });
  return {};
};

export const GitHub = Octokit.plugin(progressPlugin, throttling, retry);
export type GitHubClient = InstanceType<typeof GitHub>;

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

export function createClient(input: ClientInput): GitHubClient {
  const { options: o, progress } = input;
  const baseUrl = (o.githubUrl || DEFAULT_API_URL).replace(/\/+$/, '');
  const baseMs = Math.max(0, Number(o.retryBaseMs ?? 1000));
  const maxRetries = Math.max(0, Number(o.maxRetries ?? 5));
  const onLimit = (kind: string) => (retryAfter: number, req: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
    const op = operationOf(req);
    if (retryCount >= maxRetries) {
      progress.log(`${op}: ${kind} did not clear after ${retryCount} retries; giving up on this request`);
      return false;
    }
    const waitMs = retryAfter * baseMs;
    progress.waiting(Date.now() + waitMs, `GitHub ${kind} (${op})`);
    return true;
  };
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
    nhiProgress: progress,
    log: { debug: () => {}, info: () => {}, warn: (m: string) => progress.log(String(m).slice(0, 300)), error: () => {} },
    retry: { retries: Math.min(maxRetries, 3), retryAfterBaseValue: baseMs },
    throttle: {
      retryAfterBaseValue: baseMs,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
  });
  // Outermost hook, once per call: a fresh `request` options object (Octokit shares one defaults
  // object between calls, and the plugins keep their retry counts in it) carrying the abort signal.
  // Every hook layer receives this same options object, so the plugins count per call.
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: input.signal };
  });
  return octokit;
}
