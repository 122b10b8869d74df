// Owners from CloudTrail: LookupEvents (management events of the trailing 90 days) for the IAM calls
// that create an identity, add its keys or grant it policies; the caller behind each (an SSO or SAML
// session named by an e-mail, an IAM user) is an owner candidate. Read-only, opt-in
// (--owners-from-logs), bounded, and paced at LookupEvents' 2 requests a second per account and region.
import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import type { ScanContext } from '../../src/scanners/contract.js';
import type { IdentityRecord, ScanRecord } from '../../src/model/records.js';
import { PageGuard, requestTimeoutMs } from '../../src/scanners/toolkit/index.js';
import { ownerCandidate, withinRetention, type OwnerAction } from '../../src/owners/candidates.js';
import { personFromCloudTrail, type CloudTrailUserIdentity } from '../../src/owners/persons.js';
import { OwnersBudget } from '../../src/owners/options.js';
import { DEFAULT_TIMING, ScanRetryStrategy } from './retry.js';
import { errorInfo, isAccessDenied, type AwsOptions, type CredentialsInput } from './clients.js';

/** CloudTrail's event history keeps 90 days of management events. */
export const CLOUDTRAIL_RETENTION_DAYS = 90;
/** LookupEvents: 2 transactions per second per account per region. */
export const LOOKUP_EVENTS_PER_SECOND = 2;

interface EventKind {
  name: string;
  action: OwnerAction;
  /** The identity the event acted on. */
  subject: 'user' | 'role';
}

/** One LookupEvents listing per name (the API filters on one attribute at a time). */
export const CLOUDTRAIL_EVENTS: EventKind[] = [
  { name: 'CreateUser', action: 'created', subject: 'user' },
  { name: 'CreateRole', action: 'created', subject: 'role' },
  { name: 'CreateAccessKey', action: 'added-credential', subject: 'user' },
  { name: 'AttachRolePolicy', action: 'granted', subject: 'role' },
  { name: 'PutRolePolicy', action: 'granted', subject: 'role' },
  { name: 'AttachUserPolicy', action: 'granted', subject: 'user' },
  { name: 'PutUserPolicy', action: 'granted', subject: 'user' },
];

/** The account's users and roles by name, as the IAM scan reported them (event parameters carry names, not ARNs). */
export class IdentityNames {
  private readonly byName = new Map<string, string>();
  see(r: ScanRecord): void {
    if (r.type !== 'identity') return;
    const kind = kindOf(r);
    if (kind) this.byName.set(`${kind}:${r.name}`, r.id);
  }
  get(kind: 'user' | 'role', name: string): string | undefined {
    return this.byName.get(`${kind}:${name}`);
  }
}

function kindOf(r: IdentityRecord): 'user' | 'role' | null {
  if (r.kind === 'iam_user') return 'user';
  if (r.kind === 'iam_role') return 'role';
  return null;
}

interface CloudTrailRecord {
  eventTime?: string;
  eventName?: string;
  userIdentity?: CloudTrailUserIdentity;
  requestParameters?: { userName?: string; roleName?: string } | null;
  responseElements?: { accessKey?: { userName?: string }; user?: { userName?: string }; role?: { roleName?: string } } | null;
  errorCode?: string;
}

function subjectName(kind: EventKind, rec: CloudTrailRecord): string | undefined {
  const p = rec.requestParameters ?? {};
  const r = rec.responseElements ?? {};
  if (kind.subject === 'role') return p.roleName ?? r.role?.roleName;
  // CreateAccessKey without a userName creates a key for the caller itself.
  return p.userName ?? r.user?.userName ?? r.accessKey?.userName ?? (rec.userIdentity?.type === 'IAMUser' ? rec.userIdentity.userName : undefined);
}

export interface CloudTrailInput {
  credentials?: CredentialsInput;
  accountId: string;
  identities: IdentityNames;
}

function cloudTrailClient(ctx: ScanContext<AwsOptions>, input: CloudTrailInput): CloudTrailClient {
  const o = ctx.options;
  const env = ctx.env;
  const timeout = requestTimeoutMs(o);
  const creds = input.credentials ?? (o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, sessionToken: o.sessionToken } : undefined);
  const maxAttempts = Math.max(1, Math.min(20, o.maxAttempts ?? 8));
  const base = o.retryBaseDelayMs;
  const client = new CloudTrailClient({
    // IAM is global and CloudTrail records its calls in us-east-1 (us-gov-west-1, cn-north-1 in those partitions).
    region: iamEventRegion(o.region ?? env.AWS_REGION ?? ''),
    endpoint: o.cloudtrailEndpoint || o.endpointUrl || env.AWS_ENDPOINT_URL_CLOUDTRAIL || env.AWS_ENDPOINT_URL || undefined,
    ...(creds ? { credentials: creds } : o.profile ? { profile: o.profile } : {}),
    retryStrategy: new ScanRetryStrategy(base === undefined ? { maxAttempts, ...DEFAULT_TIMING } : { maxAttempts, baseMs: Math.max(1, base), throttleBaseMs: Math.max(1, base), capMs: 20_000 }),
    requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, socketTimeout: timeout, throwOnRequestTimeout: true },
  });
  // Every attempt and retry shows in the scan's progress, like the IAM calls.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers ?? {};
      const attempt = Number(/attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1] ?? '1');
      const op = `cloudtrail:${(context.commandName ?? 'Command').replace(/Command$/, '')}`;
      if (attempt > 1) ctx.progress.retry(op, undefined, `attempt ${attempt} of ${maxAttempts}`);
      ctx.progress.apiCall(op);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'nhiOwnersProgress', override: true },
  );
  return client;
}

export function iamEventRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region.startsWith('cn-')) return 'cn-north-1';
  return 'us-east-1';
}

const PERMISSION = 'cloudtrail:LookupEvents';

/** Owner candidates for one account's users and roles; every failure is a note (owners are an addition, never a reason to fail the scan). */
export async function* ownersFromCloudTrail(ctx: ScanContext<AwsOptions>, input: CloudTrailInput): AsyncGenerator<ScanRecord> {
  const o = ctx.options;
  const budget = new OwnersBudget({ maxCalls: o.ownersMaxCalls, maxSeconds: o.ownersMaxSeconds, perSecond: o.cloudtrailRate ?? LOOKUP_EVENTS_PER_SECOND }, ctx.signal);
  const client = cloudTrailClient(ctx, input);
  const start = new Date(ctx.now.getTime() - CLOUDTRAIL_RETENTION_DAYS * 86_400_000);
  let events = 0;
  let candidates = 0;
  let expired = 0;
  let unmatched = 0;
  try {
    outer: for (const kind of CLOUDTRAIL_EVENTS) {
      const guard = new PageGuard(`${PERMISSION} ${kind.name}`);
      let token: string | undefined;
      do {
        guard.next(token);
        if (!(await budget.take())) break outer;
        let page: { Events?: Event[]; NextToken?: string };
        try {
          page = await client.send(
            new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: kind.name }], StartTime: start, EndTime: ctx.now, MaxResults: 50, NextToken: token }),
            { abortSignal: ctx.signal },
          );
        } catch (err) {
          if ((err as Error)?.name === 'AbortError' || ctx.signal.aborted) throw err;
          const { code, message } = errorInfo(err);
          yield {
            type: 'note',
            operation: PERMISSION,
            message: isAccessDenied(err)
              ? `owners from CloudTrail in ${input.accountId}: ${PERMISSION} was denied (${code}); grant ${PERMISSION} to the scanning role to see who created each identity`
              : `owners from CloudTrail in ${input.accountId} stopped at ${kind.name}: ${code}: ${message}`,
          };
          break outer;
        }
        for (const e of page.Events ?? []) {
          events++;
          const rec = parseEvent(e.CloudTrailEvent);
          if (!rec || rec.errorCode) continue; // a refused call created nothing
          const at = e.EventTime ?? (rec.eventTime ? new Date(rec.eventTime) : null);
          if (!at || !withinRetention(at, ctx.now, CLOUDTRAIL_RETENTION_DAYS)) {
            expired++;
            continue;
          }
          const person = personFromCloudTrail(rec.userIdentity);
          const name = subjectName(kind, rec);
          const identityId = name ? input.identities.get(kind.subject, name) : undefined;
          if (!person || !identityId) {
            unmatched++;
            continue;
          }
          candidates++;
          yield ownerCandidate({ identityId, provider: 'aws', person, source: 'cloudtrail', event: kind.name, action: kind.action, at });
        }
        token = page.NextToken || undefined;
      } while (token);
    }
  } finally {
    client.destroy();
  }
  if (budget.stopped) yield { type: 'note', operation: PERMISSION, message: `owners from CloudTrail in ${input.accountId} ${budget.stopped}: owners of the events not read are unknown` };
  ctx.progress.log(
    `owners from CloudTrail (${input.accountId}): ${events} events in ${budget.used} requests, ${candidates} owner candidates` +
      `${expired ? `, ${expired} outside the ${CLOUDTRAIL_RETENTION_DAYS}-day window left out` : ''}${unmatched ? `, ${unmatched} about identities not in this scan or by AWS services` : ''}`,
  );
}

function parseEvent(text: string | undefined): CloudTrailRecord | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as CloudTrailRecord) : null;
  } catch {
    return null;
  }
}
