// SDK clients for one scan, built from options and the environment (never at module level):
// the SDK's default credential chain and settings, adaptive retries, and a middleware that
// reports every attempt and retry to the progress sink.
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import type { ProgressSink } from '../../src/scanners/contract.js';

export interface AwsOptions {
  profile?: string;
  region?: string;
  org?: boolean;
  assumeRole?: string;
  externalId?: string;
  accounts?: string[];
  endpointUrl?: string;
  iamEndpoint?: string;
  stsEndpoint?: string;
  organizationsEndpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  reportWaitSeconds?: number;
  reportPollMs?: number;
}

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
}

function retryStrategy(o: AwsOptions): AdaptiveRetryStrategy {
  const maxAttempts = Math.max(1, Math.min(20, o.maxAttempts ?? 8));
  const base = o.retryBaseDelayMs;
  if (base === undefined) return new AdaptiveRetryStrategy(async () => maxAttempts);
  // A smaller base (local emulators, tests) also lets the adaptive limiter recover faster.
  const b = Math.max(1, base);
  return new AdaptiveRetryStrategy(async () => maxAttempts, {
    rateLimiter: new DefaultRateLimiter({ minFillRate: Math.max(0.5, 1000 / b) }),
    baseDelay: b,
    maxAttempts,
    backoff: {
      setDelayBase() {},
      computeNextBackoffDelay: (attempt: number) => Math.min(20_000, b * 2 ** Math.min(attempt, 10) * (0.5 + Math.random() / 2)),
    },
  });
}

interface Stackable {
  middlewareStack: { add: (mw: unknown, opts: Record<string, unknown>) => void };
}

/** Report every attempt (apiCall) and every retry with the wait before it. */
function instrument(client: Stackable, service: Service, progress: ProgressSink): void {
  const lastEnd = new Map<string, number>();
  client.middlewareStack.add(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { request?: { headers?: Record<string, string> } }) => {
      const op = `${service}:${(context.commandName ?? 'Command').replace(/Command$/, '')}`;
      const header = args.request?.headers?.['amz-sdk-request'] ?? '';
      const invocation = args.request?.headers?.['amz-sdk-invocation-id'] ?? op;
      const attempt = Number(/attempt=(\d+)/.exec(header)?.[1] ?? '1');
      if (attempt > 1) {
        const ended = lastEnd.get(invocation);
        progress.retry(op, ended ? Date.now() - ended : undefined, 'throttled or transient error');
      }
      progress.apiCall(op);
      try {
        return await next(args);
      } finally {
        lastEnd.set(invocation, Date.now());
        if (lastEnd.size > 200) lastEnd.clear();
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'nhiProgress', override: true },
  );
}

function common(input: ClientInput, service: Service, region: string) {
  const o = input.options;
  const creds = input.credentials ?? (o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, sessionToken: o.sessionToken } : undefined);
  return {
    region,
    endpoint: endpointFor(service, o, input.env),
    ...(creds ? { credentials: creds } : o.profile ? { profile: o.profile } : {}),
    retryStrategy: retryStrategy(o),
  };
}

export function iamClient(input: ClientInput): IAMClient {
  const c = new IAMClient(common(input, 'iam', input.region ?? regionOf(input.options, input.env)));
  instrument(c as unknown as Stackable, 'iam', input.progress);
  return c;
}

export function stsClient(input: ClientInput): STSClient {
  const c = new STSClient(common(input, 'sts', input.region ?? regionOf(input.options, input.env)));
  instrument(c as unknown as Stackable, 'sts', input.progress);
  return c;
}

export function organizationsClient(input: ClientInput): OrganizationsClient {
  // Organizations is served from us-east-1 (aws partition) whatever the scan region.
  const region = input.region ?? regionOf(input.options, input.env);
  const c = new OrganizationsClient(common(input, 'organizations', region.startsWith('us-gov-') ? 'us-gov-west-1' : region.startsWith('cn-') ? 'cn-northwest-1' : 'us-east-1'));
  instrument(c as unknown as Stackable, 'organizations', input.progress);
  return c;
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
  const e = err as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return {
    code: e?.Code ?? e?.name ?? e?.code ?? 'Error',
    status: e?.$metadata?.httpStatusCode,
    message: e?.message ?? String(err),
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
  const { code, message } = errorInfo(err);
  if (/CredentialsProviderError|Could not load credentials|Region is missing|ProviderError/i.test(`${code} ${message}`)) return { code: 'no-credentials', fix: CREDENTIAL_FIX, message };
  if (/ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClient/i.test(code)) return { code, fix: 'The credentials are invalid or expired: refresh them (`aws sso login`, new session token) and retry.', message };
  if (/Throttl|TooManyRequests|RequestLimitExceeded|Rate exceeded/i.test(`${code} ${message}`)) return { code, fix: 'AWS kept throttling after the retries: retry later, or raise --max-attempts.', message };
  const denied = /not authorized to perform: ([\w:*]+)/.exec(message);
  if (isAccessDenied(err)) return { code, fix: denied ? `Grant ${denied[1]} to the scanning identity (see the aws scanner README for the read-only policy).` : 'Grant the read-only policy from the aws scanner README to the scanning identity.', message };
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT/i.test(`${code} ${message}`)) return { code: 'network', fix: 'Check network access to the AWS endpoints (or the endpoint URL you configured).', message };
  return { code, message };
}
