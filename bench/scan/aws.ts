// AWS at scale: an organisation of 200 accounts, each with 250 IAM users (a third with an
// access key) and 250 roles, served by the demo's IAM/STS/Organizations endpoint. IAM does not
// publish its request rate per account: it is modelled as a token bucket of 40 requests
// refilled at 20 a second per account (the order of magnitude AWS support quotes), answered
// like IAM: HTTP 400 with the `Throttling` error code. STS AssumeRole: 600 a second per account.
import { awsScanner } from '../../scanners/aws/index.js';
import { startFakeAws, type FakeAccount, type FakeEstate } from '../../scanners/aws/demo/fake-aws.js';
import { DEMO_CALLER_KEY_ID, DEMO_CALLER_SECRET } from '../../scanners/aws/demo/estate.js';
import type { AwsOptions } from '../../scanners/aws/clients.js';
import type { LocalRequest } from '../../src/demo/local-server.js';
import { limited, type LimitRule } from './limits.js';
import type { ProviderBench } from './provider.js';
import { DEFAULT_CONCURRENCY } from '../../src/cli/scan-args.js';

const AT = '2025-06-01T00:00:00Z';
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

function estate(accounts: number, perAccount: number): { estate: FakeEstate; identities: number } {
  const list: FakeAccount[] = [];
  for (let a = 0; a < accounts; a++) {
    const id = String(100000000000 + a);
    const users = Array.from({ length: Math.ceil(perAccount / 2) }, (_, i) => ({
      name: `svc-${i}`,
      created: AT,
      tags: { owner: `team-${i % 20}` },
      attached: i % 50 === 0 ? ['arn:aws:iam::aws:policy/AdministratorAccess'] : [],
      keys: i % 3 === 0 ? [{ id: `AKIA${id}${String(i).padStart(8, '0')}`.slice(0, 20), status: 'Active' as const, created: AT, lastUsed: AT, service: 's3', region: 'us-east-1' }] : [],
    }));
    const roles = Array.from({ length: Math.floor(perAccount / 2) }, (_, i) => ({ name: `role-${i}`, created: AT, trust, lastUsed: { date: AT, region: 'us-east-1' } }));
    list.push({ id, name: `account-${a}`, users, roles, policies: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] });
  }
  return {
    estate: { now: new Date(), callerAccount: list[0].id, accessKeyId: DEMO_CALLER_KEY_ID, secretAccessKey: DEMO_CALLER_SECRET, accounts: list, org: { id: 'o-bench00001' }, pageSize: 1000 },
    identities: accounts * perAccount,
  };
}

const accountKey = (req: LocalRequest): string => /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'anonymous';
const isService = (req: LocalRequest, service: string) => new RegExp(`Credential=[^/]+/\\d+/[^/]+/${service}/`).test(String(req.headers.authorization ?? ''));

export const awsBench: ProviderBench = {
  name: 'aws',
  async start(s) {
    const accounts = Math.max(2, Math.round(200 * s.scale));
    const { estate: e, identities } = estate(accounts, 500);
    const rules: LimitRule[] = [
      { name: 'IAM requests per account (modelled: 40 burst, 20/s)', key: (r) => (isService(r, 'iam') ? accountKey(r) : null), capacity: 40, perSecond: 20 },
      { name: 'STS requests per account (600/s)', key: (r) => (isService(r, 'sts') ? accountKey(r) : null), capacity: 600, perSecond: 600 },
    ];
    let stats: ReturnType<typeof limited>['stats'] | null = null;
    const fake = await startFakeAws(e, (h) => {
      const l = limited(h, {
        rules,
        latencyMs: s.latencyMs,
        factor: s.factor,
        throttled: (_req, res) => {
          res.writeHead(400, { 'content-type': 'text/xml' });
          res.end('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>');
        },
      });
      stats = l.stats;
      return l.handler;
    });
    const options: AwsOptions = {
      org: true,
      assumeRole: 'nhi-readonly',
      endpointUrl: fake.url,
      region: 'us-east-1',
      accessKeyId: e.accessKeyId,
      secretAccessKey: e.secretAccessKey,
      retryBaseDelayMs: Math.max(1, Math.round(200 / s.factor)),
      reportPollMs: Math.max(1, Math.round(2000 / s.factor)),
      reportWaitSeconds: 60,
    };
    return { scanner: awsScanner, options, targetConcurrency: DEFAULT_CONCURRENCY, inFlight: 16, identities, rules, stats: stats!, describe: `${accounts} accounts × 500 users/roles`, stop: () => fake.close() };
  },
};
