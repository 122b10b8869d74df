// Credentials, HTTP pipelines and clients. Built per target from ctx (never module-level),
// so tests and the demo point them at a local endpoint. ARM goes through the official
// management SDKs; Microsoft Graph and the subscription list go through a plain
// @azure/core-rest-pipeline pipeline with the SDK's own retry and bearer-token policies.
import { DefaultAzureCredential } from '@azure/identity';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { setMaxListeners } from 'node:events';
import type { ProgressSink } from '../../src/scanners/contract.js';
import { PageGuard, requestTimeoutMs } from '../../src/scanners/toolkit/index.js';
import { resolveEndpoints, type AzureOptions, type ResolvedEndpoints } from './options.js';

/** A token that never changes: for local emulators and tests only (option accessToken). */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 }),
  };
}

export function buildCredential(o: AzureOptions, ep: ResolvedEndpoints): TokenCredential {
  if (o.accessToken) return staticTokenCredential(o.accessToken);
  return new DefaultAzureCredential({ tenantId: o.tenant || undefined, authorityHost: ep.authority });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Emulator mode (--emulator): the SDK's bearer-token policy only signs https URLs, so requests
 * keep their https URL through the pipeline and only this HTTP client (the SDK's documented
 * `httpClient` option) sends them over plain HTTP — to loopback hosts only.
 */
export function emulatorHttpClient(): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const u = new URL(request.url);
      if (!LOOPBACK.has(u.hostname)) throw new Error(`emulator mode only reaches 127.0.0.1/localhost; refused ${u.host}`);
      if (u.protocol !== 'https:') return inner.sendRequest(request);
      const original = { url: request.url, insecure: request.allowInsecureConnection };
      u.protocol = 'http:';
      request.url = u.toString();
      request.allowInsecureConnection = true;
      try {
        return await inner.sendRequest(request);
      } finally {
        request.url = original.url;
        request.allowInsecureConnection = original.insecure;
      }
    },
  };
}

const GUIDISH = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** A short operation label for progress lines: method + path with ids elided. */
export function operationOf(method: string, url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  path = path.replace(GUIDISH, '{id}').replace(/\(appId='[^']*'\)/g, "(appId='{id}')").replace(/\/resourceGroups\/[^/]+/gi, '/resourceGroups/{rg}');
  return `${method} ${path}`;
}

/** Reports every attempt, and every throttled/failed attempt the SDK will retry, to the progress sink. */
export function progressPolicy(progress: ProgressSink): PipelinePolicy {
  return {
    name: 'nhiProgressPolicy',
    async sendRequest(request, next) {
      const op = operationOf(request.method, request.url);
      progress.apiCall(op);
      const res = await next(request);
      if (res.status === 429 || res.status >= 500) {
        const ra = res.headers.get('retry-after');
        const secs = ra !== undefined && ra !== null && /^\d+(\.\d+)?$/.test(ra.trim()) ? Number(ra) : null;
        const waitMs = secs !== null ? secs * 1000 : undefined;
        progress.retry(op, waitMs, res.status === 429 ? 'throttled (429)' : `HTTP ${res.status}`);
        if (waitMs !== undefined && res.status === 429) progress.waiting(Date.now() + waitMs, `${op} throttled`);
      }
      return res;
    },
  };
}

/**
 * One attempt's time bound (--request-timeout), connect to last byte. Placed after the retry
 * policy so each attempt gets its own; a timeout becomes the ETIMEDOUT RestError the SDK's
 * retry strategy retries like a 5xx, while an abort of the scan stays an abort.
 */
export function timeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'nhiTimeoutPolicy',
    async sendRequest(request, next) {
      const original = request.abortSignal;
      const timer = AbortSignal.timeout(timeoutMs);
      request.abortSignal = original ? AbortSignal.any([original as AbortSignal, timer]) : timer;
      try {
        return await next(request);
      } catch (err) {
        if (timer.aborted && !original?.aborted) {
          throw new RestError(`no complete answer from ${new URL(request.url).host} within ${Math.round(timeoutMs / 100) / 10} s`, { code: 'ETIMEDOUT', request });
        }
        throw err;
      } finally {
        request.abortSignal = original;
      }
    },
  };
}

/** At most `limit` requests of a target in flight, whichever client sends them (retries hold their slot). */
export function concurrencyPolicy(limit: number): PipelinePolicy {
  let active = 0;
  const queue: (() => void)[] = [];
  const acquire = () =>
    new Promise<void>((resolve) => {
      if (active < limit) {
        active++;
        resolve();
      } else queue.push(() => resolve());
    });
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  return {
    name: 'nhiConcurrencyPolicy',
    async sendRequest(request, next) {
      await acquire();
      try {
        return await next(request);
      } finally {
        release();
      }
    },
  };
}

/** Parallel ARM requests per target (a subscription's reads share one token bucket: 250, refilled at 25/s). */
export const MAX_IN_FLIGHT = 4;
/**
 * Parallel Graph requests of the tenant target: Graph allows 8,000 resource units per 10 s per
 * app and tenant, so at 4 the tenant's per-application reads were bound by latency alone.
 */
export const GRAPH_IN_FLIGHT = 16;

export interface Clients {
  endpoints: ResolvedEndpoints;
  /** The scan's abort signal, relayed to a signal that tolerates many concurrent SDK listeners. */
  signal: AbortSignal;
  credential: TokenCredential;
  /** Options for the ARM management SDK clients (endpoint, scopes, retry, progress, emulator transport). */
  armClientOptions: {
    endpoint: string;
    credentialScopes: string[];
    retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
    additionalPolicies: { policy: PipelinePolicy; position: 'perCall' | 'perRetry' }[];
    httpClient?: HttpClient;
    userAgentOptions: { userAgentPrefix: string };
  };
  graph: RestClient;
  arm: RestClient;
}

export function buildClients(o: AzureOptions, progress: ProgressSink, scanSignal: AbortSignal): Clients {
  const relay = new AbortController();
  setMaxListeners(0, relay.signal);
  if (scanSignal.aborted) relay.abort(scanSignal.reason);
  else scanSignal.addEventListener('abort', () => relay.abort(scanSignal.reason), { once: true });
  const signal = relay.signal;
  const endpoints = resolveEndpoints(o);
  const credential = buildCredential(o, endpoints);
  const maxRetries = Math.max(0, o.maxRetries ?? 6);
  const retryDelayInMs = Math.max(1, o.retryDelayMs ?? 1000);
  const retryOptions = { maxRetries, retryDelayInMs, maxRetryDelayInMs: Math.max(retryDelayInMs, 60_000) };
  const httpClient = o.emulator ? emulatorHttpClient() : undefined;
  const policy = progressPolicy(progress);
  const limiter = concurrencyPolicy(MAX_IN_FLIGHT);
  const graphLimiter = concurrencyPolicy(GRAPH_IN_FLIGHT);
  const timeout = timeoutPolicy(requestTimeoutMs(o));
  const mkRest = (base: string, scope: string, bound: PipelinePolicy) => {
    const pipeline = createPipelineFromOptions({ retryOptions, userAgentOptions: { userAgentPrefix: 'nhi' } });
    pipeline.addPolicy(bound);
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: scope }), { phase: 'Sign' });
    pipeline.addPolicy(policy, { afterPhase: 'Retry' });
    pipeline.addPolicy(timeout, { afterPhase: 'Retry' });
    return new RestClient(base, pipeline, httpClient ?? createDefaultHttpClient(), signal);
  };
  return {
    endpoints,
    signal,
    credential,
    armClientOptions: {
      endpoint: endpoints.arm,
      credentialScopes: [endpoints.armScope],
      retryOptions,
      additionalPolicies: [
        { policy: limiter, position: 'perCall' },
        { policy, position: 'perRetry' },
        { policy: timeout, position: 'perRetry' },
      ],
      httpClient,
      userAgentOptions: { userAgentPrefix: 'nhi' },
    },
    graph: mkRest(endpoints.graph, endpoints.graphScope, graphLimiter),
    arm: mkRest(endpoints.arm, endpoints.armScope, limiter),
  };
}

/** A non-2xx answer from Graph or ARM REST, with the service's own error code. */
export class AzureHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly operation: string,
  ) {
    super(message);
    this.name = 'AzureHttpError';
  }
}

function parseError(res: PipelineResponse): { code: string; message: string } {
  try {
    const b = JSON.parse(res.bodyAsText ?? '') as { error?: { code?: string; message?: string } };
    if (b?.error) return { code: b.error.code ?? `HTTP${res.status}`, message: b.error.message ?? `HTTP ${res.status}` };
  } catch {
    // not JSON
  }
  return { code: `HTTP${res.status}`, message: `HTTP ${res.status}` };
}

/** Plain JSON REST over an SDK pipeline: GET one resource, or page through a collection. */
export class RestClient {
  constructor(
    readonly base: string,
    private readonly pipeline: Pipeline,
    private readonly httpClient: HttpClient,
    private readonly signal: AbortSignal,
  ) {}

  url(pathOrUrl: string): string {
    return /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
  }

  async get<T = unknown>(pathOrUrl: string, headers: Record<string, string> = {}): Promise<T> {
    const url = this.url(pathOrUrl);
    const req = createPipelineRequest({ url, method: 'GET', abortSignal: this.signal });
    req.headers.set('Accept', 'application/json');
    for (const [k, v] of Object.entries(headers)) req.headers.set(k, v);
    const res = await this.pipeline.sendRequest(this.httpClient, req);
    if (res.status < 200 || res.status >= 300) {
      const e = parseError(res);
      throw new AzureHttpError(res.status, e.code, e.message, operationOf('GET', url));
    }
    return (res.bodyAsText ? JSON.parse(res.bodyAsText) : {}) as T;
  }

  /** Pages of `value`, following `@odata.nextLink` (Graph) or `nextLink` (ARM); `headers` go with every page. */
  async *pages<T = Record<string, unknown>>(pathOrUrl: string, headers: Record<string, string> = {}): AsyncGenerator<T[]> {
    let next: string | undefined = pathOrUrl;
    const guard = new PageGuard(operationOf('GET', this.url(pathOrUrl)));
    const origin = new URL(this.base).origin;
    while (next) {
      // A nextLink seen before, or pages without end, is an error: never a silently short list.
      guard.next(next);
      if (/^https?:\/\//i.test(next) && new URL(next).origin !== origin) {
        // Never send the bearer token to a host the scan was not pointed at.
        throw new AzureHttpError(0, 'UnexpectedNextLink', `refusing to follow a next link to another host (${new URL(next).host})`, operationOf('GET', next));
      }
      const body: { value?: T[]; '@odata.nextLink'?: string; nextLink?: string } = await this.get(next, headers);
      yield body.value ?? [];
      next = body['@odata.nextLink'] ?? body.nextLink ?? undefined;
    }
  }
}

export { mapLimit } from '../../src/scanners/toolkit/limit.js';
