// List calls against one cluster's API server: the real client's kubeconfig handling (TLS,
// tokens, client certificates, exec plugins) applied to plain HTTPS requests, so the scanner
// can ask for metadata-only lists and follow `metadata.continue` itself.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ProgressSink } from '../../src/scanners/contract.js';
import { MalformedBodyError, RequestTimeoutError, ResponseTooLargeError } from '../../src/scanners/toolkit/faults.js';
import { backoffMs, retryAfterMs } from '../../src/scanners/toolkit/retry.js';

/** Longest wait between two attempts. */
const MAX_WAIT_MS = 60_000;

type Json = Record<string, unknown>;

/** Ask for metadata only (no Secret data on the wire); plain JSON is the fallback a server may pick. */
export const METADATA_ONLY_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json';

export interface KubeObject {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string }[];
  };
  [key: string]: unknown;
}

/** A failed API call: the Kubernetes `Status` it answered with, or the network error. */
export class KubeApiError extends Error {
  constructor(
    readonly operation: string,
    readonly httpStatus: number | null,
    readonly reason: string | null,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface ClientSettings {
  pageSize: number;
  maxRetries: number;
  retryBaseMs: number;
  progress: ProgressSink;
  signal: AbortSignal;
  /** From connecting to the last byte of the answer. */
  timeoutMs: number;
  /** Largest answer read: a broken or hostile server cannot exhaust memory. */
  maxBytes: number;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason ?? new Error('aborted'))), { once: true });
  });

export class KubeClient {
  constructor(
    private readonly kc: KubeConfig,
    private readonly settings: ClientSettings,
  ) {}

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  private async send(path: string, accept: string): Promise<Reply> {
    const url = new URL(path, this.server.replace(/\/+$/, '') + '/');
    const { timeoutMs, maxBytes } = this.settings;
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: accept } };
    await this.kc.applyToHTTPSOptions(opts);
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise<Reply>((resolve, reject) => {
      const req = lib.request(url, { ...opts, signal: this.settings.signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) req.destroy(new ResponseTooLargeError(url.host, maxBytes));
          else chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      // The whole exchange, not only silence on the socket: a server trickling bytes is bounded too.
      const timer = setTimeout(() => req.destroy(new RequestTimeoutError(url.host, timeoutMs / 1000)), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end();
    });
  }

  /** One GET with retries of 429 and 5xx (Retry-After wins over the doubling delay). */
  async get(operation: string, path: string, accept = 'application/json'): Promise<Reply> {
    const { maxRetries, retryBaseMs, progress, signal } = this.settings;
    for (let attempt = 0; ; attempt++) {
      progress.apiCall(operation);
      let reply: Reply;
      try {
        reply = await this.send(path, accept);
      } catch (err) {
        if ((err as Error)?.name === 'AbortError' || signal.aborted) throw err;
        const msg = (err as Error)?.message ?? String(err);
        if (err instanceof ResponseTooLargeError) throw new KubeApiError(operation, null, 'ResponseTooLarge', `${operation}: ${msg}`, err.fix);
        // A timeout is retried like a server error; after the last retry it is the target's error.
        if (err instanceof RequestTimeoutError) {
          if (attempt < maxRetries) {
            const wait = backoffMs(attempt + 1, retryBaseMs, MAX_WAIT_MS);
            progress.retry(operation, wait, 'timed out');
            await sleep(wait, signal);
            continue;
          }
          throw new KubeApiError(operation, null, 'Timeout', `${operation}: ${msg}`, err.fix);
        }
        throw new KubeApiError(operation, null, 'Unreachable', `${operation}: cannot reach ${this.server}: ${msg}`, REACH_HINT);
      }
      const retryable = reply.status === 429 || (reply.status >= 500 && reply.status !== 501);
      if (!retryable || attempt >= maxRetries) return reply;
      const header = reply.headers['retry-after'];
      const wait = Math.min(retryAfterMs(Array.isArray(header) ? header[0] : header) ?? backoffMs(attempt + 1, retryBaseMs, MAX_WAIT_MS), MAX_WAIT_MS);
      progress.retry(operation, wait, reply.status === 429 ? 'throttled (429)' : `server error ${reply.status}`);
      if (wait >= 2000) progress.waiting(Date.now() + wait, 'API server asked to slow down');
      await sleep(wait, signal);
    }
  }

  /**
   * Every item of a list, page by page. A continue token that expired (410 Gone) restarts the
   * list and skips what was already yielded (by uid).
   */
  async *list(operation: string, path: string, opts: { accept?: string; fieldSelector?: string } = {}): AsyncGenerator<KubeObject> {
    const seen = new Set<string>();
    let restarts = 0;
    let token: string | undefined;
    for (;;) {
      const q = new URLSearchParams({ limit: String(this.settings.pageSize) });
      if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
      if (token) q.set('continue', token);
      const reply = await this.get(operation, `${path}?${q.toString()}`, opts.accept);
      if (reply.status === 410 && token && restarts < 3) {
        restarts++;
        this.settings.progress.log(`${operation}: continue token expired (410 Gone), listing again from the start`);
        token = undefined;
        continue;
      }
      if (reply.status !== 200) throw statusError(operation, reply);
      const body = parse(reply.body) as { items?: KubeObject[]; metadata?: { continue?: string } } | null;
      // An answer that is not a list is an error for this list, never an empty one.
      if (!body || !Array.isArray(body.items)) {
        const e = new MalformedBodyError(new URL(this.server).host, 'Kubernetes list JSON');
        throw new KubeApiError(operation, 200, 'MalformedResponse', `${operation}: ${e.message}`, e.fix);
      }
      for (const item of body.items ?? []) {
        const uid = item.metadata?.uid ?? `${item.metadata?.namespace}/${item.metadata?.name}`;
        if (seen.has(uid)) continue;
        seen.add(uid);
        yield item;
      }
      token = body.metadata?.continue || undefined;
      if (!token) return;
    }
  }
}

function parse(text: string): Json | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

export const REACH_HINT =
  'Check that the cluster is reachable from here (VPN, private endpoint, `kubectl --context <name> get ns`) and that its certificate authority is in the kubeconfig.';
export const AUTH_HINT =
  'Refresh the kubeconfig credentials (`aws eks update-kubeconfig`, `gcloud container clusters get-credentials`, `az aks get-credentials`, or the exec plugin they configure) and retry.';

/** The permission a list needs, for the fix of a 403. */
export function rbacHint(operation: string): string {
  return `Grant get and list on ${operation.replace(/^list /, '')} to the scanning identity: apply the nhi-reader ClusterRole and ClusterRoleBinding from scanners/kubernetes/README.md.`;
}

function statusError(operation: string, reply: Reply): KubeApiError {
  const s = (parse(reply.body) ?? {}) as { reason?: string; message?: string };
  const reason = s.reason ?? null;
  const message = `${operation} failed: ${reply.status}${reason ? ` ${reason}` : ''}${s.message ? `: ${s.message}` : ''}`;
  const hint =
    reply.status === 401
      ? AUTH_HINT
      : reply.status === 403
        ? rbacHint(operation)
        : reply.status === 429
          ? 'The API server kept throttling after every retry: run again later or raise --max-retries.'
          : reply.status === 410
            ? 'The list changed faster than it could be read; run the scan again.'
            : 'Check the API server (kubectl get --raw /healthz) and run the scan again.';
  return new KubeApiError(operation, reply.status, reason, message, hint);
}
