// Faults between nhi and AWS IAM, through the real @aws-sdk clients and a fault-injecting proxy
// in front of the local IAM endpoint: what could not be read stays unknown (never zero), per-user
// failures are grouped, stalls time out, Marker loops and oversized answers end within bounds,
// and every error says what to do.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityRecord } from '../../src/model/records.js';
import { awsScanner } from '../../scanners/aws/index.js';
import { startFakeAws, type FakeAws, type FakeUser } from '../../scanners/aws/demo/fake-aws.js';
import type { AwsOptions } from '../../scanners/aws/clients.js';
import { raw, reset, stalled, truncated, type Fault } from './faults.js';
import { actionOf, startFaultProxy, type FaultProxy } from './proxy.js';
import { runScanner } from './run.js';

const ACCT = '210987654321';
const KEY_ID = ['AKIA', 'FAULTTESTKEY0001'].join('');
const SECRET = ['fault', 'Secret', 'Key', 'ForTests', '000000000000000'].join('/');
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

const users: FakeUser[] = Array.from({ length: 12 }, (_, i) => ({
  name: i < 8 ? `locked-${i}` : `open-${i}`,
  created: '2025-01-01T00:00:00Z',
  keys: [{ id: `AKIAFAULTUSER${String(i).padStart(7, '0')}`, status: 'Active' as const, created: '2025-02-01T00:00:00Z', lastUsed: '2026-11-01T00:00:00Z', service: 's3', region: 'us-east-1' }],
}));

const xmlError = (code: string, message: string) =>
  `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-1</RequestId></ErrorResponse>`;

let fake: FakeAws;
const proxies: FaultProxy[] = [];
before(async () => {
  fake = await startFakeAws({ now: new Date('2026-11-20T12:00:00Z'), callerAccount: ACCT, accessKeyId: KEY_ID, secretAccessKey: SECRET, accounts: [{ id: ACCT, name: 'faults', users }] });
});
after(async () => {
  for (const p of proxies) await p.close();
  await fake.close();
});

async function proxy(pick: (action: string, n: number, body: URLSearchParams) => Fault | null): Promise<FaultProxy> {
  const p = await startFaultProxy(fake.url, (req, n) => pick(actionOf(req), n, new URLSearchParams(req.body)));
  proxies.push(p);
  return p;
}

function options(p: FaultProxy, extra: Partial<AwsOptions> = {}): AwsOptions {
  return { endpointUrl: p.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, retryBaseDelayMs: 2, reportPollMs: 10, reportWaitSeconds: 2, maxAttempts: 3, requestTimeout: 2, ...extra };
}

const iamUsers = (run: { records: { type: string }[] }) => run.records.filter((r): r is IdentityRecord => r.type === 'identity' && (r as IdentityRecord).kind === 'iam_user');

describe('aws faults: partial reads', () => {
  it('users whose keys could not be listed keep unknown key counts, and the denial is one grouped error', async () => {
    const p = await proxy((action, _n, body) =>
      action === 'ListAccessKeys' && body.get('UserName')?.startsWith('locked-') ? raw(403, xmlError('AccessDenied', `User: arn:aws:iam::${ACCT}:user/nhi-scanner is not authorized to perform: iam:ListAccessKeys`), 'text/xml') : null,
    );
    const run = await runScanner(awsScanner, options(p));
    assert.deepEqual(run.targets.map((t) => t.state), ['partial']);
    const byName = new Map(iamUsers(run).map((u) => [u.name, u]));
    assert.equal(byName.size, 12, 'every user is kept');
    for (let i = 0; i < 8; i++) {
      const a = byName.get(`locked-${i}`)?.attributes ?? {};
      assert.equal('accessKeys' in a, false, `locked-${i} has no key count: ${JSON.stringify(a)}`);
      assert.equal('activeAccessKeys' in a, false);
      assert.deepEqual(a.unread, ['accessKeys']);
    }
    assert.equal(byName.get('open-9')?.attributes?.activeAccessKeys, 1);
    const denied = run.errors.filter((e) => e.operation === 'iam:ListAccessKeys');
    assert.equal(denied.length, 1, JSON.stringify(run.errors));
    assert.match(denied[0].message, /on 8 users/);
    assert.match(denied[0].fix ?? '', /Grant iam:ListAccessKeys/);
  });

  it('ServiceUnavailable that outlasts the retries is an error with a fix, keys unknown', async () => {
    const p = await proxy((action, _n, body) => (action === 'ListAccessKeys' && body.get('UserName') === 'open-9' ? raw(503, xmlError('ServiceUnavailable', 'Service is unavailable'), 'text/xml') : null));
    const run = await runScanner(awsScanner, options(p));
    const err = run.errors.find((e) => e.operation === 'iam:ListAccessKeys');
    assert.equal(err?.code, 'ServiceUnavailable', JSON.stringify(run.errors));
    assert.match(err?.fix ?? '', /server error/);
    assert.equal(p.seen.get('ListAccessKeys'), 12 + 2, 'the failing call was tried 3 times');
    assert.deepEqual(iamUsers(run).find((u) => u.name === 'open-9')?.attributes?.unread, ['accessKeys']);
  });
});

describe('aws faults: throttling', () => {
  it('throttling on half the calls slows the scan in proportion, at the default retry timing', async () => {
    const throttled = raw(400, xmlError('Throttling', 'Rate exceeded'), 'text/xml');
    const p = await proxy((action, n) => (action !== 'GenerateCredentialReport' && n % 2 === 1 ? throttled : null));
    const run = await runScanner(awsScanner, { ...options(p), retryBaseDelayMs: undefined, maxAttempts: 8 });
    // 12 users: about 40 calls, half of them retried once after a ~100 ms jittered wait.
    assert.ok(run.elapsedMs < 8_000, `took ${run.elapsedMs} ms`);
    assert.deepEqual(run.errors, []);
    assert.deepEqual(run.targets.map((t) => t.state), ['complete']);
    assert.equal(iamUsers(run).length, 12);
    // The progress display says the retries are AWS throttling, not just "an error".
    assert.ok(run.logs.some((l) => /^retrying iam:ListAccessKeys .*\(throttled by AWS \(Throttling\), attempt 2 of 8\)$/.test(l)), JSON.stringify(run.logs.slice(0, 5)));
  });
});

describe('aws faults: stalls, cuts and broken bodies', () => {
  it('a stalled ListAccessKeys times out, is retried, and leaves that user unknown within bounds', async () => {
    const p = await proxy((action, _n, body) => (action === 'ListAccessKeys' && body.get('UserName') === 'open-10' ? stalled : null));
    const run = await runScanner(awsScanner, options(p, { requestTimeout: 0.3 }));
    assert.ok(run.elapsedMs < 10_000, `took ${run.elapsedMs} ms`);
    const err = run.errors.find((e) => e.operation === 'iam:ListAccessKeys');
    assert.equal(err?.code, 'timeout', JSON.stringify(run.errors));
    assert.match(err?.fix ?? '', /--request-timeout/);
    assert.deepEqual(run.targets.map((t) => t.state), ['partial']);
  });

  it('a page cut off mid-body is never read as a shorter page', async () => {
    const p = await proxy((action) => (action === 'GetAccountAuthorizationDetails' ? truncated(`<GetAccountAuthorizationDetailsResponse xmlns="${IAM_NS}"><GetAccountAuthorizationDetailsResult><IsTruncated>false</IsTruncated><UserDetailList><member><UserName>x</UserName></member></UserDetailList></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>`, 'text/xml') : null));
    const run = await runScanner(awsScanner, options(p));
    assert.ok(run.elapsedMs < 10_000);
    assert.deepEqual(run.targets.map((t) => t.state), ['failed']);
    assert.equal(iamUsers(run).length, 0);
    assert.equal(run.errors[0]?.code, 'truncated-response', JSON.stringify(run.errors));
    assert.match(run.errors[0]?.fix ?? '', /rerun/);
    assert.equal(p.seen.get('GetAccountAuthorizationDetails'), 3, 'retried like a 5xx');
  });

  it('a body that is not XML is a malformed-response error, never "inspect $response"', async () => {
    const p = await proxy((action) => (action === 'GetAccountAuthorizationDetails' ? raw(200, '<html><body>Proxy login</body></html>', 'text/html') : null));
    const run = await runScanner(awsScanner, options(p));
    assert.deepEqual(run.targets.map((t) => t.state), ['failed']);
    const err = run.errors[0];
    assert.ok(err, 'one error');
    assert.doesNotMatch(`${err.message} ${err.fix}`, /\$response/);
    assert.equal(err.code, 'malformed-response', JSON.stringify(err));
    assert.match(err.fix ?? '', /proxy/);
  });

  it('a connection reset on every try is an error with a fix', async () => {
    const p = await proxy((action, _n, body) => (action === 'ListAccessKeys' && body.get('UserName') === 'open-11' ? reset : null));
    const run = await runScanner(awsScanner, options(p));
    const err = run.errors.find((e) => e.operation === 'iam:ListAccessKeys');
    assert.ok(err, JSON.stringify(run.errors));
    assert.match(err.fix ?? "", /connection/i, JSON.stringify(err));
  });
});

describe('aws faults: runaway answers', () => {
  it('IsTruncated with the same Marker forever ends the listing after a repeat', async () => {
    const body = `<GetAccountAuthorizationDetailsResponse xmlns="${IAM_NS}"><GetAccountAuthorizationDetailsResult><IsTruncated>true</IsTruncated><Marker>c2FtZQ==</Marker><UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`;
    const p = await proxy((action) => (action === 'GetAccountAuthorizationDetails' ? raw(200, body, 'text/xml') : null));
    const run = await runScanner(awsScanner, options(p));
    assert.ok(run.elapsedMs < 10_000);
    assert.ok((p.seen.get('GetAccountAuthorizationDetails') ?? 0) <= 3, `calls: ${p.seen.get('GetAccountAuthorizationDetails')}`);
    assert.deepEqual(run.targets.map((t) => t.state), ['failed']);
    assert.equal(run.errors[0]?.code, 'pagination-loop', JSON.stringify(run.errors));
  });

  it('a policy document far larger than IAM allows is skipped with a note; its user is kept', async () => {
    const bigArn = `arn:aws:iam::${ACCT}:policy/huge`;
    const big = await startFakeAws({
      now: new Date('2026-11-20T12:00:00Z'),
      callerAccount: ACCT,
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      accounts: [{ id: ACCT, name: 'big', policies: [{ arn: bigArn, doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: Array.from({ length: 30_000 }, (_, i) => `s3:Get${i}`), Resource: '*' }] } }], users: [{ name: 'holder', created: '2025-01-01T00:00:00Z', attached: [bigArn] }] }],
    });
    try {
      const run = await runScanner(awsScanner, { endpointUrl: big.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, retryBaseDelayMs: 2, reportPollMs: 10 });
      assert.deepEqual(run.errors, []);
      assert.deepEqual(iamUsers(run).map((u) => u.name), ['holder']);
      assert.ok(run.notes.some((n) => /1 policy document\(s\) over 131072 characters were not read.*policy\/huge/.test(n.message)), JSON.stringify(run.notes));
    } finally {
      await big.close();
    }
  });

  it('an answer larger than --max-response-mb is refused before it is parsed, in bounded memory', async () => {
    const chunk = Buffer.alloc(1 << 20, 'a');
    const huge: Fault = (res) => {
      // Chunked (no declared length), 50 MB of one policy document, written as the client reads.
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write(`<GetAccountAuthorizationDetailsResponse xmlns="${IAM_NS}"><GetAccountAuthorizationDetailsResult><Policies><member><PolicyVersionList><member><Document>`);
      let sent = 0;
      const pump = () => {
        while (sent < 50) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('</Document></member></PolicyVersionList></member></Policies></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>');
      };
      res.on('error', () => {});
      pump();
    };
    const p = await proxy((action) => (action === 'GetAccountAuthorizationDetails' ? huge : null));
    const rss0 = process.memoryUsage().rss;
    const run = await runScanner(awsScanner, options(p, { maxResponseMb: 4 }));
    const grown = (process.memoryUsage().rss - rss0) / 1048576;
    assert.ok(grown < 200, `RSS grew ${grown.toFixed(0)} MB`);
    assert.deepEqual(run.targets.map((t) => t.state), ['failed']);
    assert.equal(run.errors[0]?.code, 'response-too-large', JSON.stringify(run.errors));
    assert.match(run.errors[0]?.fix ?? '', /--max-response-mb/);
  });
});

describe('aws: quiet output', () => {
  it("building clients prints no SDK notice about Node versions (a scan's user cannot act on it)", async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const code = "const { iamClient } = await import('./scanners/aws/clients.ts'); iamClient({ options: { region: 'us-east-1' }, env: {}, progress: { apiCall() {}, retry() {}, waiting() {}, log() {} } }).destroy();";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /NodeVersionSupportWarning|AWS SDK for JavaScript/);
  });
});
