// A fetch for SDKs that take one (Octokit): a timeout over the whole exchange, the body read
// in full and checked (cut short or not JSON is an error, never an empty page), a size bound,
// and no request to any origin but the API's own (pagination links carry credentials).
import { requestSignal } from './abort.js';
import { ConnectionError, ForeignOriginError, MalformedBodyError, RequestTimeoutError, ResponseTooLargeError, TruncatedBodyError } from './faults.js';

export interface GuardedFetchOptions {
  /** The scan's signal: aborting it ends the request at once with its reason. */
  signal: AbortSignal;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Only URLs on this origin are fetched (e.g. `https://api.github.com`). */
  origin: string;
  /** A successful non-empty answer must be JSON. */
  json: boolean;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function urlOf(input: string | URL | Request): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}

function causeCode(err: unknown): string {
  const c = (err as { cause?: { code?: string; message?: string } })?.cause;
  return c?.code ?? c?.message ?? (err as Error)?.message ?? 'error';
}

export function guardedFetch(o: GuardedFetchOptions): typeof fetch {
  const seconds = Math.round(o.timeoutMs / 100) / 10;
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    if (url.origin !== o.origin) throw new ForeignOriginError(url.origin, o.origin);
    const host = url.host;
    const perRequest = requestSignal(o.signal, o.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, perRequest]) : perRequest;
    const failure = (err: unknown, whileReading: { received: number; declared: number | null } | null): Error => {
      if (o.signal.aborted || init?.signal?.aborted) return err as Error;
      if (perRequest.aborted) return new RequestTimeoutError(host, seconds);
      if (err instanceof ResponseTooLargeError) return err;
      if (whileReading) return new TruncatedBodyError(host, whileReading.received, whileReading.declared);
      const code = causeCode(err);
      return new ConnectionError(host, code, /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(code));
    };
    let res: Response;
    try {
      res = await fetch(input, { ...init, signal });
    } catch (err) {
      throw failure(err, null);
    }
    const declaredHeader = res.headers.get('content-length');
    const declared = declaredHeader !== null && /^\d+$/.test(declaredHeader) ? Number(declaredHeader) : null;
    if (declared !== null && declared > o.maxBodyBytes) {
      await res.body?.cancel().catch(() => {});
      throw new ResponseTooLargeError(host, o.maxBodyBytes);
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      if (res.body) {
        for await (const chunk of res.body) {
          received += chunk.byteLength;
          if (received > o.maxBodyBytes) throw new ResponseTooLargeError(host, o.maxBodyBytes);
          chunks.push(chunk);
        }
      }
    } catch (err) {
      await res.body?.cancel().catch(() => {});
      throw failure(err, { received, declared });
    }
    if (declared !== null && received < declared) throw new TruncatedBodyError(host, received, declared);
    let body: Buffer | null = NULL_BODY.has(res.status) ? null : Buffer.concat(chunks);
    const headers = new Headers(res.headers);
    if (body && o.json) {
      let parsed = true;
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        parsed = false;
      }
      if (!parsed && res.status < 300) throw new MalformedBodyError(host, body.length === 0 ? 'JSON (empty body)' : 'JSON');
      if (!parsed) {
        // An error page that is not JSON (a proxy's HTML): keep the status, not the raw text.
        body = Buffer.from(JSON.stringify({ message: `HTTP ${res.status} from ${host} (the body was not JSON)` }));
        headers.set('content-type', 'application/json; charset=utf-8');
      }
    }
    headers.delete('content-length');
    headers.delete('content-encoding');
    const out = new Response(body, { status: res.status, statusText: res.statusText, headers });
    Object.defineProperty(out, 'url', { value: res.url || url.href });
    return out;
  };
}
