// A local CloudTrail answering LookupEvents in its own wire format (AWS JSON 1.1: the
// `X-Amz-Target` header, epoch-second timestamps, `CloudTrailEvent` as a JSON string), per account
// (told by the signing key, like the fake IAM), with paging, throttling and denial on demand.
import { startLocalServer, type LocalServer } from '../../../src/demo/local-server.js';
import type { CloudTrailUserIdentity } from '../../../src/owners/persons.js';

export interface FakeTrailEvent {
  account: string;
  name: string;
  /** ISO time. */
  time: string;
  identity: CloudTrailUserIdentity;
  request?: Record<string, unknown>;
  response?: Record<string, unknown> | null;
  errorCode?: string;
}

export interface FakeCloudTrailOptions {
  events: FakeTrailEvent[];
  /** The static key of the scanning account, and which account it belongs to. */
  callerKey: string;
  callerAccount: string;
  pageSize?: number;
  /** Accounts whose LookupEvents is denied. */
  denied?: string[];
  /** Answer this many first requests with ThrottlingException. */
  throttleFirst?: number;
  /** Return events older than StartTime too (a clock skew, an archive replayed): the scanner must still leave them out. */
  ignoreStartTime?: boolean;
}

const TARGET = 'CloudTrail_20131101.LookupEvents';

export async function startFakeCloudTrail(o: FakeCloudTrailOptions): Promise<LocalServer & { times: number[] }> {
  let throttled = 0;
  /** When each request arrived (ms), to check the client's pace. */
  const times: number[] = [];
  const accountOf = (auth: string): string | null => {
    const key = /Credential=([^/]+)\//.exec(auth)?.[1];
    if (!key) return null;
    if (key === o.callerKey) return o.callerAccount;
    return /^ASIA(\d{12})XMPL$/.exec(key)?.[1] ?? null;
  };
  const server = await startLocalServer((req, res) => {
    times.push(Date.now());
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': '6f1c1c43-9d8e-4f55-8c1a-3b0c2f7d9e01' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== TARGET) return send(400, { __type: 'UnknownOperationException', message: `unsupported: ${String(req.headers['x-amz-target'])}` });
    const account = accountOf(String(req.headers.authorization ?? ''));
    if (!account) return send(400, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    if (throttled < (o.throttleFirst ?? 0)) {
      throttled++;
      return send(400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    }
    if (o.denied?.includes(account)) {
      return send(400, {
        __type: 'AccessDeniedException',
        message: `User: arn:aws:sts::${account}:assumed-role/nhi-readonly/nhi-scan is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
      });
    }
    const body = JSON.parse(req.body || '{}') as { LookupAttributes?: { AttributeKey: string; AttributeValue: string }[]; StartTime?: number; EndTime?: number; MaxResults?: number; NextToken?: string };
    const attr = body.LookupAttributes?.[0];
    const from = body.StartTime !== undefined && !o.ignoreStartTime ? body.StartTime * 1000 : -Infinity;
    const matching = o.events
      .filter((e) => e.account === account && (!attr || attr.AttributeKey !== 'EventName' || attr.AttributeValue === e.name) && Date.parse(e.time) >= from)
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    const size = Math.min(body.MaxResults ?? 50, o.pageSize ?? 50);
    const offset = body.NextToken ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8').split(':')[1]) : 0;
    const page = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? Buffer.from(`${attr?.AttributeValue ?? ''}:${offset + size}`).toString('base64') : undefined;
    send(200, {
      Events: page.map((e, i) => {
        const id = `${(offset + i + 1).toString(16).padStart(8, '0')}-1f2e-4d3c-8b4a-${account}`;
        const resource = (e.request?.roleName ?? e.request?.userName) as string | undefined;
        return {
          EventId: id,
          EventName: e.name,
          ReadOnly: 'false',
          EventTime: Date.parse(e.time) / 1000,
          EventSource: 'iam.amazonaws.com',
          Username: e.identity.userName ?? e.identity.arn?.split('/').pop(),
          Resources: resource ? [{ ResourceType: e.request?.roleName ? 'AWS::IAM::Role' : 'AWS::IAM::User', ResourceName: resource }] : [],
          CloudTrailEvent: JSON.stringify({
            eventVersion: '1.09',
            userIdentity: e.identity,
            eventTime: e.time.replace(/\.\d{3}Z$/, 'Z'),
            eventSource: 'iam.amazonaws.com',
            eventName: e.name,
            awsRegion: 'us-east-1',
            sourceIPAddress: '203.0.113.24',
            userAgent: 'aws-cli/2.15.0',
            ...(e.errorCode ? { errorCode: e.errorCode, errorMessage: 'denied' } : {}),
            requestParameters: e.request ?? null,
            responseElements: e.response ?? null,
            requestID: id,
            eventID: id,
            readOnly: false,
            eventType: 'AwsApiCall',
            managementEvent: true,
            recipientAccountId: account,
            eventCategory: 'Management',
          }),
        };
      }),
      ...(next ? { NextToken: next } : {}),
    });
  });
  return Object.assign(server, { times });
}
