// Owners from CloudTrail through the real @aws-sdk/client-cloudtrail against a local LookupEvents
// in its wire format (AWS JSON 1.1, CloudTrailEvent as a JSON string): persons from SSO sessions and
// IAM users, paging, throttling, a denied permission, the 90-day window and the 2-per-second pace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsScanner } from '../../../scanners/aws/index.js';
import { startFakeAws, type FakeEstate } from '../../../scanners/aws/demo/fake-aws.js';
import { startFakeCloudTrail, type FakeTrailEvent } from '../../../scanners/aws/demo/fake-cloudtrail.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import type { OwnerCandidateRecord } from '../../../src/model/records.js';

const now = new Date('2026-11-23T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * 86400_000).toISOString();
const ACCT = '123456789012';
const KEY_ID = ['AKIA', 'IOSFODNN7', 'OWNERS01'].join('');
const SECRET = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYOWNERSKEY'].join('/');
const svcTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const fast = { retryBaseDelayMs: 2, reportPollMs: 10, reportWaitSeconds: 2, maxAttempts: 6 };

const estate: FakeEstate = {
  now,
  callerAccount: ACCT,
  accessKeyId: KEY_ID,
  secretAccessKey: SECRET,
  accounts: [
    {
      id: ACCT,
      name: 'one',
      users: [{ name: 'etl', path: '/svc/', created: ago(30) }],
      roles: [{ name: 'app', path: '/workloads/', created: ago(20), trust: svcTrust }],
    },
  ],
};

const sso = (session: string) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/${session}`,
  accountId: ACCT,
  sessionContext: { sessionIssuer: { type: 'Role', userName: 'AWSReservedSSO_Admin_0123456789abcdef' } },
});

const events: FakeTrailEvent[] = [
  { account: ACCT, name: 'CreateRole', time: ago(20), identity: sso('Alice@Acme.example'), request: { roleName: 'app' }, response: { role: { roleName: 'app' } } },
  { account: ACCT, name: 'AttachRolePolicy', time: ago(3), identity: sso('bob@acme.example'), request: { roleName: 'app', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
  { account: ACCT, name: 'CreateUser', time: ago(30), identity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCT}:user/admin-carol`, accountId: ACCT, userName: 'admin-carol' }, request: { userName: 'etl', path: '/svc/' } },
  // A key the user made for itself: no userName in the request.
  { account: ACCT, name: 'CreateAccessKey', time: ago(2), identity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCT}:user/svc/etl`, accountId: ACCT, userName: 'etl' }, request: {} },
  // A pipeline's role session: automation, a weaker candidate.
  { account: ACCT, name: 'PutRolePolicy', time: ago(1), identity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT}:assumed-role/deployer/gha-1234`, accountId: ACCT, sessionContext: { sessionIssuer: { userName: 'deployer' } } }, request: { roleName: 'app', policyName: 'x' } },
  // A service acting on its own is nobody; a refused call created nothing; a role not in this scan is skipped.
  { account: ACCT, name: 'CreateRole', time: ago(5), identity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' }, request: { roleName: 'app' } },
  { account: ACCT, name: 'CreateRole', time: ago(4), identity: sso('mallory@acme.example'), request: { roleName: 'app' }, errorCode: 'AccessDenied' },
  { account: ACCT, name: 'CreateRole', time: ago(6), identity: sso('dan@acme.example'), request: { roleName: 'deleted-role' } },
];

async function run(trailOpts: Partial<Parameters<typeof startFakeCloudTrail>[0]> = {}, opts: Record<string, unknown> = {}) {
  const fake = await startFakeAws(estate);
  const trail = await startFakeCloudTrail({ events, callerKey: KEY_ID, callerAccount: ACCT, pageSize: 1, ...trailOpts });
  try {
    const got = await collect({
      scanner: awsScanner,
      now,
      options: { endpointUrl: fake.url, cloudtrailEndpoint: trail.url, region: 'us-east-1', accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast, ownersFromLogs: true, cloudtrailRate: 50, ...opts },
    });
    return { ...got, trail };
  } finally {
    await fake.close();
    await trail.close();
  }
}

const candidates = (recs: { type: string }[]) => recs.filter((r): r is OwnerCandidateRecord => r.type === 'owner_candidate');

test('CloudTrail events become owner candidates: SSO e-mail sessions and IAM users resolved to persons, paged one event at a time', async () => {
  const { records, errors, notes, trail } = await run();
  assert.deepEqual(errors, []);
  assert.deepEqual(notes.map((n) => n.message), []);
  const got = candidates(records).map((c) => `${c.identityId.split(':').pop()} ${c.event} ${c.person} ${c.confidence}`).sort();
  assert.deepEqual(got, [
    `role/workloads/app AttachRolePolicy bob@acme.example 40`,
    `role/workloads/app CreateRole alice@acme.example 90`,
    `role/workloads/app PutRolePolicy aws-session:${ACCT}/deployer/gha-1234 5`,
    `user/svc/etl CreateAccessKey aws-iam-user:${ACCT}/etl 60`,
    `user/svc/etl CreateUser aws-iam-user:${ACCT}/admin-carol 90`,
  ]);
  const created = candidates(records).find((c) => c.event === 'CreateRole')!;
  assert.equal(created.evidence, `created by alice@acme.example on ${ago(20).slice(0, 10)} via CloudTrail (CreateRole)`);
  // One request per page (page size 1) for each of the seven event names, filtered by name, from 90 days back.
  const bodies = trail.requests.map((r) => JSON.parse(r.body) as { LookupAttributes: { AttributeValue: string }[]; StartTime: number; NextToken?: string });
  assert.equal(bodies.filter((b) => b.LookupAttributes[0].AttributeValue === 'CreateRole').length, 4);
  assert.ok(bodies.some((b) => b.NextToken));
  assert.equal(Math.round(bodies[0].StartTime), Math.round((now.getTime() - 90 * 86400_000) / 1000));
  assert.ok(trail.requests.every((r) => r.headers['x-amz-target'] === 'CloudTrail_20131101.LookupEvents'));
});

test('without --owners-from-logs CloudTrail is not called', async () => {
  const { records, trail } = await run({}, { ownersFromLogs: false });
  assert.equal(trail.requests.length, 0);
  assert.equal(candidates(records).length, 0);
});

test('throttling is retried and counted; the candidates still arrive', async () => {
  const { records, errors, targets } = await run({ throttleFirst: 3 });
  assert.deepEqual(errors, []);
  assert.equal(candidates(records).length, 5);
  const account = targets.find((t) => t.key === `aws:${ACCT}`)!;
  assert.ok(account.retries >= 3, `retries ${account.retries}`);
});

test('a denied cloudtrail:LookupEvents is a note naming the permission, and the scan stays complete', async () => {
  const { records, errors, notes, completedTargets } = await run({ denied: [ACCT] });
  assert.deepEqual(errors, []);
  assert.deepEqual(completedTargets, [`aws:${ACCT}`]);
  assert.equal(candidates(records).length, 0);
  assert.equal(notes.length, 1);
  assert.match(notes[0].message, /cloudtrail:LookupEvents was denied \(AccessDeniedException\); grant cloudtrail:LookupEvents/);
  assert.ok(records.some((r) => r.type === 'identity'), 'the IAM scan is kept');
});

test('events older than the 90-day window are left out even when the service returns them', async () => {
  const old: FakeTrailEvent = { account: ACCT, name: 'CreateRole', time: ago(120), identity: sso('old@acme.example'), request: { roleName: 'app' } };
  const { records } = await run({ events: [...events, old], ignoreStartTime: true });
  assert.ok(!candidates(records).some((c) => c.person === 'old@acme.example'));
  assert.equal(candidates(records).length, 5);
});

test('LookupEvents is paced at 2 requests a second per account, and bounded by --owners-max-calls', async () => {
  const { trail, notes } = await run({ pageSize: 50 }, { cloudtrailRate: 2, ownersMaxCalls: 3 });
  assert.equal(trail.requests.length, 3);
  const gaps = trail.times.slice(1).map((t, i) => t - trail.times[i]);
  assert.ok(gaps.every((g) => g >= 450), `gaps between requests ${gaps.join(', ')} ms`);
  assert.match(notes.map((n) => n.message).join('\n'), /stopped after 3 requests \(--owners-max-calls\)/);
});
