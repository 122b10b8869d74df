// SDK clients for one scan, built from options and the environment (never at module level):
// the SDK's default credential chain and settings, adaptive retries, and a middleware that
// reports every attempt and retry to the progress sink.
import { Transform, type Readable } from 'node:stream';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ProgressSink } from '../../src/scanners/contract.js';
import { DEFAULT_TIMING, ScanRetryStrategy } from './retry.js';
import { MalformedBodyError, maxResponseBytes, networkFault, requestTimeoutMs, ResponseTooLargeError, TruncatedBodyError, type Pacer } from '../../src/scanners/toolkit/index.js';

// The SDK's notice that its future releases need a newer Node is for nhi's maintainers (package.json
// engines), not for someone running a scan, who can do nothing about it. The SDK checks once per
// process, on the first client: build one with its documented switch set, then restore the env.
{
  const key = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const was = process.env[key];
  process.env[key] = 'true';
  try {
    new STSClient({ region: 'us-east-1' }).destroy();
  } finally {
    if (was === undefined) delete process.env[key];
    else process.env[key] = was;
  }
}

export type { AwsOptions } from './options.js';
import type { AwsOptions } from './options.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Credentials, or a provider the SDK calls again when they near expiry (assumed-role sessions). */
export type CredentialsInput = StaticCredentials | (() => Promise<StaticCredentials>);

export type Service = 'iam' | 'sts' | 'organizations';

const ENV_SUFFIX: Record<Service, string> = { iam: 'IAM', sts: 'STS', organizations: 'ORGANIZATIONS' };

/**
 * Endpoint for a service: explicit option > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL (read from
 * the scan's environment, as the SDK does from process.env) > the SDK's own resolution (profile
 * `endpoint_url`, partitions).
 */
export function endpointFor(service: Service, o: AwsOptions, env: Record<string, string | undefined>): string | undefined {
  const explicit = service === 'iam' ? o.iamEndpoint : service === 'sts' ? o.stsEndpoint : o.organizationsEndpoint;
  if (explicit) return explicit;
  if (o.endpointUrl) return o.endpointUrl;
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  return env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`] || env.AWS_ENDPOINT_URL || undefined;
}

export function regionOf(o: AwsOptions, env: Record<string, string | undefined>): string {
  return o.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/**
 * The region: option > AWS_REGION/AWS_DEFAULT_REGION > the profile's `region` (as the SDK resolves
 * it) > us-east-1 (IAM is global; the region only picks the STS endpoint and the partition).
 */
export async function resolveRegion(o: AwsOptions, env: Record<string, string | undefined>): Promise<string> {
  const explicit = o.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (explicit) return explicit;
  const probe = new STSClient(o.profile ? { profile: o.profile } : {});
  try {
    return (await probe.config.region()) || 'us-east-1';
  } catch {
    return 'us-east-1';
  } finally {
    probe.destroy();
  }
}

export interface ClientInput {
  options: AwsOptions;
  env: Record<string, string | undefined>;
  progress: ProgressSink;
  /** Credentials of an assumed role; otherwise the static test credentials or the SDK chain. */
  credentials?: CredentialsInput;
  /** Resolved region (resolveRegion); defaults to option/env/us-east-1. */
  region?: string;
  /** The pace shared by every request to this service in one account (IAM's limit is per account). */
  pacing?: Pacing;
}

export interface Pacing {
  pacer: Pacer;
  /** What is paced, for progress lines: `IAM in 123456789012`. */
  label: string;
  /** The scan's signal: a wait for a slot ends with it. */
  signal: AbortSignal;
}

const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|Rate exceeded/i;

function attemptsOf(o: AwsOptions): number {
  return Math.max(1, Math.min(20, o.maxAttempts ?? 8));
}

function retryStrategy(o: AwsOptions): ScanRetryStrategy {
  const maxAttempts = attemptsOf(o);
  const base = o.retryBaseDelayMs;
  // A base given (local emulators, tests) applies to throttling too.
  return new ScanRetryStrategy(base === undefined ? { maxAttempts, ...DEFAULT_TIMING } : { maxAttempts, baseMs: Math.max(1, base), throttleBaseMs: Math.max(1, base), capMs: 20_000 });
}

interface Stackable {
  middlewareStack: { add: (mw: unknown, opts: Record<string, unknown>) => void };
}

/** Report every attempt (apiCall) and every retry with the wait before it and what caused it (throttling shows as such). */
function instrument(client: Stackable, service: Service, progress: ProgressSink, maxAttempts: number): void {
  const lastEnd = new Map<string, { at: number; code: string }>();
  client.middlewareStack.add(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { request?: { headers?: Record<string, string> } }) => {
      const op = `${service}:${(context.commandName ?? 'Command').replace(/Command$/, '')}`;
      const header = args.request?.headers?.['amz-sdk-request'] ?? '';
      const invocation = args.request?.headers?.['amz-sdk-invocation-id'] ?? op;
      const attempt = Number(/attempt=(\d+)/.exec(header)?.[1] ?? '1');
      if (attempt > 1) {
        const ended = lastEnd.get(invocation);
        const cause = ended?.code ?? 'error';
        const why = THROTTLED.test(cause) ? `throttled by AWS (${cause})` : `after ${cause}`;
        progress.retry(op, ended ? Date.now() - ended.at : undefined, `${why}, attempt ${attempt} of ${maxAttempts}`);
      }
      progress.apiCall(op);
      let code = 'ok';
      try {
        return await next(args);
      } catch (err) {
        code = errorInfo(err).code;
        throw err;
      } finally {
        lastEnd.set(invocation, { at: Date.now(), code });
        if (lastEnd.size > 200) lastEnd.clear();
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'nhiProgress', override: true },
  );
}

/**
 * Every attempt (first sends and retries) waits for its slot in the account's pace, and tells the
 * pacer whether it was throttled; a change of pace and a wait of a second or more show in progress.
 */
function pace(client: Stackable, pacing: Pacing, progress: ProgressSink): void {
  const { pacer, label, signal } = pacing;
  client.middlewareStack.add(
    (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
      const ticket = await pacer.acquire(signal, (waitMs) => {
        if (waitMs >= 1000) progress.waiting(Date.now() + waitMs, `${label} paced at ${rateText(pacer.currentRate)} after throttling`);
      });
      let outcome: 'ok' | 'throttled' | 'other' = 'ok';
      try {
        return await next(args);
      } catch (err) {
        outcome = THROTTLED.test(errorInfo(err).code) ? 'throttled' : 'other';
        throw err;
      } finally {
        const change = pacer.done(ticket, outcome);
        if (change?.why === 'throttled') progress.log(`${label} paced at ${rateText(change.rate)}: AWS throttled it`);
        else if (change) progress.log(`${label} back to ${rateText(change.rate)}: throttling did not ease when slowed, so it is retried, not paced`);
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'nhiPace', override: true },
  );
}

function rateText(rate: number | null): string {
  if (rate === null) return 'full speed';
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)} requests/s`;
}

/**
 * Refuses an answer larger than --max-response-mb before the XML parser sees it: by its declared
 * length at once, or by counting a chunked body as it streams in.
 */
function boundResponses(client: Stackable, service: Service, maxBytes: number): void {
  const host = `the ${service} endpoint`;
  // Query services answer `<ActionResponse>`, Organizations a JSON object: anything else is a proxy's page.
  const shape = service === 'organizations' ? /^\s*\{/ : /^\s*(<\?xml[^>]*\?>\s*)?<\w+Response[\s>]/;
  client.middlewareStack.add(
    (next: (a: unknown) => Promise<{ response: { statusCode?: number; headers?: Record<string, string>; body?: unknown } }>) => async (args: unknown) => {
      const out = await next(args);
      const res = out.response;
      const declaredHeader = res.headers?.['content-length'];
      const declared = declaredHeader !== undefined && /^\d+$/.test(declaredHeader) ? Number(declaredHeader) : null;
      const body = res.body as Readable | undefined;
      if (declared !== null && declared > maxBytes) {
        body?.destroy?.();
        throw retryableFault(new ResponseTooLargeError(host, maxBytes));
      }
      if (!body || typeof body.pipe !== 'function') return out;
      const ok = (res.statusCode ?? 200) < 300;
      let seen = 0;
      let head = '';
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > maxBytes) {
            body.destroy();
            return done(retryableFault(new ResponseTooLargeError(host, maxBytes)));
          }
          if (ok && head.length < 256) {
            head += chunk.subarray(0, 256).toString('utf8');
            if (head.length >= 256 && !shape.test(head)) return done(retryableFault(new MalformedBodyError(host, service === 'organizations' ? 'JSON' : 'AWS XML')));
          }
          done(null, chunk);
        },
        flush(done) {
          if (declared !== null && seen < declared) return done(retryableFault(new TruncatedBodyError(host, seen, declared)));
          if (ok && seen > 0 && !shape.test(head)) return done(retryableFault(new MalformedBodyError(host, service === 'organizations' ? 'JSON' : 'AWS XML')));
          done();
        },
      });
      body.on('error', () => counted.destroy(retryableFault(new TruncatedBodyError(host, seen, declared))));
      res.body = body.pipe(counted);
      return out;
    },
    // Inside the deserializer: sees the raw response before it is parsed.
    { step: 'deserialize', priority: 'low', name: 'nhiResponseBound', override: true },
  );
}

/** Marks a fault the SDK's retry strategy should retry (its `$retryable` trait). */
function retryableFault<E extends Error & { retryable: boolean }>(err: E): E {
  return err.retryable ? Object.assign(err, { $retryable: {} }) : err;
}

function common(input: ClientInput, service: Service, region: string) {
  const o = input.options;
  const timeout = requestTimeoutMs(o);
  const creds = input.credentials ?? (o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, sessionToken: o.sessionToken } : undefined);
  return {
    region,
    endpoint: endpointFor(service, o, input.env),
    ...(creds ? { credentials: creds } : o.profile ? { profile: o.profile } : {}),
    retryStrategy: retryStrategy(o),
    // Connect and idle-socket timeouts: a stalled answer becomes a TimeoutError the SDK retries.
    requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, socketTimeout: timeout, throwOnRequestTimeout: true },
  };
}

function prepare<C>(client: C, service: Service, input: ClientInput): C {
  if (input.pacing) pace(client as unknown as Stackable, input.pacing, input.progress);
  instrument(client as unknown as Stackable, service, input.progress, attemptsOf(input.options));
  boundResponses(client as unknown as Stackable, service, maxResponseBytes(input.options));
  return client;
}

export function iamClient(input: ClientInput): IAMClient {
  return prepare(new IAMClient(common(input, 'iam', input.region ?? regionOf(input.options, input.env))), 'iam', input);
}

export function stsClient(input: ClientInput): STSClient {
  return prepare(new STSClient(common(input, 'sts', input.region ?? regionOf(input.options, input.env))), 'sts', input);
}

export function organizationsClient(input: ClientInput): OrganizationsClient {
  // Organizations is served from us-east-1 (aws partition) whatever the scan region.
  const region = input.region ?? regionOf(input.options, input.env);
  return prepare(new OrganizationsClient(common(input, 'organizations', region.startsWith('us-gov-') ? 'us-gov-west-1' : region.startsWith('cn-') ? 'cn-northwest-1' : 'us-east-1')), 'organizations', input);
}

/** An error that already knows its code and the fix, thrown to fail one target. */
export class AwsScanError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'AwsScanError';
  }
}

/** The SDK's error name/code, HTTP status and message. */
export function errorInfo(err: unknown): { code: string; status?: number; message: string } {
  const fault = networkFault(err);
  if (fault) return { code: fault.code, message: fault.message };
  const e = err as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return {
    code: e?.Code ?? e?.name ?? e?.code ?? 'Error',
    status: e?.$metadata?.httpStatusCode,
    message: cleanMessage(e?.message ?? String(err)),
  };
}

export function isAccessDenied(err: unknown): boolean {
  const { code, status } = errorInfo(err);
  if (/InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient|IncompleteSignature/i.test(code)) return false;
  return /AccessDenied|UnauthorizedOperation|NotAuthorized|AccessDeniedException/i.test(code) || status === 403;
}

const CREDENTIAL_FIX =
  'Configure AWS credentials the SDK can find: AWS_PROFILE / --profile (including SSO profiles: run `aws sso login`), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role from the environment; and set AWS_REGION.';

/** Map a thrown error to a code and the permission/setting that fixes it. */
export function explainAwsError(err: unknown): { code: string; fix?: string; message?: string } {
  if (err instanceof AwsScanError) return { code: err.code, fix: err.fix, message: err.message };
  const fault = networkFault(err);
  if (fault) return { code: fault.code, fix: fault.fix, message: cleanMessage(fault.message) };
  const { code, message } = errorInfo(err);
  if (/CredentialsProviderError|Could not load credentials|Region is missing|ProviderError/i.test(`${code} ${message}`)) return { code: 'no-credentials', fix: CREDENTIAL_FIX, message };
  if (/ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient/i.test(code)) return { code, fix: 'The credentials are invalid or expired: refresh them (`aws sso login`, new session token) and retry.', message };
  if (/Throttl|TooManyRequests|RequestLimitExceeded|Rate exceeded/i.test(`${code} ${message}`)) return { code, fix: 'AWS kept throttling after the retries: retry later, or raise --max-attempts.', message };
  const denied = /not authorized to perform: ([\w:*]+)/.exec(message);
  if (isAccessDenied(err)) return { code, fix: denied ? `Grant ${denied[1]} to the scanning identity (see the aws scanner README for the read-only policy).` : 'Grant the read-only policy from the aws scanner README to the scanning identity.', message };
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH/i.test(`${code} ${message}`)) return { code: 'network', fix: 'Check network access to the AWS endpoints (or the endpoint URL you configured).', message };
  const sys = (err as { code?: string })?.code ?? '';
  if (/ECONNRESET|EPIPE|socket hang up|other side closed/i.test(`${sys} ${message}`) && !/timed out|timeout/i.test(message)) {
    return { code: 'connection-reset', fix: 'The connection to AWS was cut repeatedly (a proxy, firewall or unstable network); rerun the scan, and check what sits between nhi and the AWS endpoints if it persists.', message };
  }
  if (/TimeoutError|ETIMEDOUT|timed out|exceeded the configured/i.test(`${code} ${sys} ${message}`)) {
    return { code: 'timeout', fix: 'AWS did not answer within --request-timeout, even after retries: check network access to the AWS endpoints (proxy, VPN), or raise --request-timeout.', message };
  }
  if (/ServiceUnavailable|InternalFailure|InternalError|ServiceFailure/i.test(code) || (errorInfo(err).status ?? 0) >= 500) {
    return { code, fix: 'AWS answered with a server error after every retry: rerun the scan later; raise --max-attempts if it is intermittent.', message };
  }
  if (/Deserialization error|Invalid XML|not well-formed|Unclosed|Unexpected end|char '/i.test(errorMessageOf(err))) {
    return { code: 'malformed-response', fix: 'The endpoint answered with a body that is not AWS XML (a proxy, a captive portal, or a wrong endpoint URL): check the endpoint setting and the network path, then rerun.', message };
  }
  return { code, message };
}

function errorMessageOf(err: unknown): string {
  return String((err as Error)?.message ?? err);
}

/** The SDK appends a hint about a hidden `$response` field to parse errors: no use to a reader. */
export function cleanMessage(message: string): string {
  return message.replace(/\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\.?/g, '').trim();
}
