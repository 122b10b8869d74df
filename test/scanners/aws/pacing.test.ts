// IAM's request rate is per account and unpublished: an organisation scan through the real
// @aws-sdk clients against a local endpoint that keeps a token bucket per account and answers
// over it as IAM does (HTTP 400, `Throttling` in the IAM XML error shape). The scanner learns
// each account's rate from those answers instead of spending its time in throttled retries.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { awsScanner } from '../../../scanners/aws/index.js';
import { startFakeAws, type FakeAccount, type FakeAws } from '../../../scanners/aws/demo/fake-aws.js';
import type { LocalRequest } from '../../../src/demo/local-server.js';
import type { IdentityRecord } from '../../../src/model/records.js';
import { runScanner } from '../../faults/run.js';

const CALLER = '400000000001';
const KEY_ID = ['AKIA', 'PACINGTESTKEY001'].join('');
const SECRET = ['pacing', 'Secret', 'Key', 'ForTests', '0000000000000'].join('/');
const AT = '2026-01-01T00:00:00Z';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

function account(id: string, users: number): FakeAccount {
  return {
    id,
    name: `pacing-${id}`,
    users: Array.from({ length: users }, (_, i) => ({
      name: `svc-${i}`,
      created: AT,
      keys: [{ id: `AKIA${id}${String(i).padStart(4, '0')}`, status: 'Active' as const, created: AT, lastUsed: AT, service: 's3', region: 'us-east-1' }],
    })),
  };
}

// Two accounts with different limits: nothing about either rate is known to the scanner.
const LIMITS: Record<string, { capacity: number; perSecond: number }> = { '400000000002': { capacity: 5, perSecond: 12 }, '400000000003': { capacity: 5, perSecond: 6 } };
const accounts = [account(CALLER, 2), account('400000000002', 40), account('400000000003', 20)];

interface Bucket {
  tokens: number;
  at: number;
}
const served = new Map<string, number>();
const throttled = new Map<string, number>();
const buckets = new Map<string, Bucket>();

/** IAM requests signed with an account's assumed-role key go through that account's bucket. */
function accountLimit(handler: (req: LocalRequest, res: ServerResponse) => void | Promise<void>) {
  return async (req: LocalRequest, res: ServerResponse) => {
    const auth = String(req.headers.authorization ?? '');
    const acct = /Credential=ASIA(\d{12})XMPL\/\d+\/[^/]+\/iam\//.exec(auth)?.[1];
    const limit = acct ? LIMITS[acct] : undefined;
    if (acct && limit) {
      const b = buckets.get(acct) ?? { tokens: limit.capacity, at: Date.now() };
      buckets.set(acct, b);
      b.tokens = Math.min(limit.capacity, b.tokens + ((Date.now() - b.at) / 1000) * limit.perSecond);
      b.at = Date.now();
      if (b.tokens < 1) {
        throttled.set(acct, (throttled.get(acct) ?? 0) + 1);
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(`<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>pacing-1</RequestId></ErrorResponse>`);
        return;
      }
      b.tokens--;
      served.set(acct, (served.get(acct) ?? 0) + 1);
    }
    // Some latency, as a real endpoint has: the unpaced scanner sends 4 at a time per account.
    await new Promise((r) => setTimeout(r, 3));
    await handler(req, res);
  };
}

let fake: FakeAws;
before(async () => {
  fake = await startFakeAws({ now: new Date('2026-11-20T12:00:00Z'), callerAccount: CALLER, accessKeyId: KEY_ID, secretAccessKey: SECRET, accounts, org: { id: 'o-pacing0001' } }, accountLimit);
});
after(async () => {
  await fake.close();
});

test('--org: each account is paced at the rate its IAM allows, learned from its Throttling answers', async () => {
  const run = await runScanner(awsScanner, { org: true, assumeRole: 'nhi-readonly', endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, reportPollMs: 10, reportWaitSeconds: 5 });
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.targets.map((t) => t.state), ['complete', 'complete', 'complete']);
  const users = run.records.filter((r): r is IdentityRecord => r.type === 'identity' && r.kind === 'iam_user');
  assert.equal(users.length, 62);
  const s2 = served.get('400000000002') ?? 0;
  const s3 = served.get('400000000003') ?? 0;
  const t2 = throttled.get('400000000002') ?? 0;
  const t3 = throttled.get('400000000003') ?? 0;
  // Unpaced, four requests at a time per account, each throttled one retried after a jittered
  // backoff: 99-103 throttled answers for these 72 served requests on an idle machine. Paced: 26-43
  // in 12 runs (one run in four went over 60 while a small bucket refilled during backoff was
  // taken for throttling that pacing does not ease).
  assert.ok(t2 + t3 <= 65, `throttled ${t2} + ${t3} answers for ${s2} + ${s3} served requests`);
  // Each account needs (requests - 5) / rate, 3.5 s, at its limit: the bound leaves room for a loaded machine.
  assert.ok(run.elapsedMs < 15_000, `took ${run.elapsedMs} ms`);
  // The progress display says which account is paced and why.
  assert.ok(run.logs.some((l) => /^IAM in 40000000000[23] paced at [\d.]+ requests\/s: AWS throttled it$/.test(l)), JSON.stringify(run.logs.slice(0, 8)));
});
