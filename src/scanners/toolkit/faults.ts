// Typed network faults: what went wrong on the wire, whether retrying can help, and the
// line a person can act on. Every scanner maps these the same way.

export abstract class NetworkFault extends Error {
  abstract readonly code: string;
  /** Worth another attempt (a timeout, a cut connection), or final (a foreign link, a loop). */
  abstract readonly retryable: boolean;
  abstract readonly fix: string;
}

export class RequestTimeoutError extends NetworkFault {
  readonly code = 'timeout';
  readonly retryable = true;
  readonly fix: string;
  constructor(host: string, seconds: number) {
    super(`no complete answer from ${host} within ${seconds} s`);
    this.name = 'RequestTimeoutError';
    this.fix = `Check network access to ${host} (proxy, firewall, VPN); if the endpoint is just slow, raise --request-timeout (now ${seconds} s).`;
  }
}

export class ConnectionError extends NetworkFault {
  readonly code: string;
  readonly retryable = true;
  readonly fix: string;
  constructor(host: string, detail: string, refused: boolean) {
    super(refused ? `could not connect to ${host} (${detail})` : `the connection to ${host} was reset (${detail})`);
    this.name = 'ConnectionError';
    this.code = refused ? 'network' : 'connection-reset';
    this.fix = refused
      ? `Check network access to ${host} and the endpoint setting of this scanner.`
      : `The connection to ${host} was cut by the server or something between (proxy, load balancer); rerun the scan, and if it keeps happening check the network path.`;
  }
}

export class TruncatedBodyError extends NetworkFault {
  readonly code = 'truncated-response';
  readonly retryable = true;
  readonly fix: string;
  constructor(host: string, received: number, declared: number | null) {
    super(`the answer from ${host} ended after ${received}${declared !== null ? ` of ${declared}` : ''} bytes (connection closed mid-body)`);
    this.name = 'TruncatedBodyError';
    this.fix = `A connection to ${host} was cut mid-response; rerun the scan, and if it keeps happening check proxies between nhi and ${host}.`;
  }
}

export class MalformedBodyError extends NetworkFault {
  readonly code = 'malformed-response';
  readonly retryable = true;
  readonly fix: string;
  constructor(host: string, what: string) {
    super(`the answer from ${host} is not valid ${what}`);
    this.name = 'MalformedBodyError';
    this.fix = `Something between nhi and ${host} (a proxy, a captive portal) or the endpoint itself answered with a broken body; check the endpoint setting and the network path, then rerun.`;
  }
}

export class ResponseTooLargeError extends NetworkFault {
  readonly code = 'response-too-large';
  readonly retryable = false;
  readonly fix: string;
  constructor(host: string, limitBytes: number) {
    super(`an answer from ${host} is larger than ${Math.round(limitBytes / 1048576)} MB; not read`);
    this.name = 'ResponseTooLargeError';
    this.fix = `No listing page of this provider should be that large: check the endpoint setting (a proxy or a wrong URL); the limit is --max-response-mb.`;
  }
}

export class ForeignOriginError extends NetworkFault {
  readonly code = 'foreign-link';
  readonly retryable = false;
  readonly fix: string;
  constructor(target: string, allowed: string) {
    super(`a pagination link points to ${target}, not to the API at ${allowed}; not followed, so credentials were not sent there`);
    this.name = 'ForeignOriginError';
    this.fix = `Check that the API URL setting is the API's own address and that no proxy rewrites Link headers; nhi follows pagination only on ${allowed}.`;
  }
}

export class PaginationLoopError extends NetworkFault {
  readonly code = 'pagination-loop';
  readonly retryable = false;
  readonly fix = 'The endpoint keeps answering with more pages (a repeated cursor, or more pages than any real listing); report it to the provider or the proxy in between; this listing is left as it was.';
  constructor(listing: string, detail: string) {
    super(`${listing}: ${detail}; listing stopped`);
    this.name = 'PaginationLoopError';
  }
}

/** The first NetworkFault in an error's cause chain (SDKs wrap what a fetch threw). */
export function networkFault(err: unknown): NetworkFault | null {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof NetworkFault) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
