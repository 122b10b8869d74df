// Persons from the names audit logs use, and the budget that bounds and paces every owner step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { personFromAzureCaller, personFromCloudTrail, personFromCommit, personFromEntraUser, personFromGcpPrincipal, personFromGithubLogin } from '../../src/owners/persons.js';
import { ownerCandidate, withinRetention } from '../../src/owners/candidates.js';
import { OwnersBudget } from '../../src/owners/options.js';

test('CloudTrail: an e-mail session name is the person; SSO users, IAM users, automation and services', () => {
  const role = (session: string, issuer: string) => ({ type: 'AssumedRole', arn: `arn:aws:sts::111111111111:assumed-role/${issuer}/${session}`, accountId: '111111111111', sessionContext: { sessionIssuer: { userName: issuer } } });
  assert.deepEqual(personFromCloudTrail(role('Alice@Acme.example', 'AWSReservedSSO_Admin_1')), { person: 'alice@acme.example', handle: 'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_1/Alice@Acme.example', human: true });
  assert.equal(personFromCloudTrail(role('jlee', 'AWSReservedSSO_Admin_1'))?.person, 'aws-sso:jlee');
  assert.deepEqual(personFromCloudTrail(role('gha-42', 'deployer')), { person: 'aws-session:111111111111/deployer/gha-42', handle: 'arn:aws:sts::111111111111:assumed-role/deployer/gha-42', human: false });
  assert.equal(personFromCloudTrail({ type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/ops/bob', userName: 'bob' })?.person, 'aws-iam-user:111111111111/bob');
  assert.equal(personFromCloudTrail({ type: 'Root', arn: 'arn:aws:iam::111111111111:root', accountId: '111111111111' })?.human, false);
  assert.equal(personFromCloudTrail({ type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' }), null);
  assert.equal(personFromCloudTrail(undefined), null);
});

test('Entra, ARM callers, GCP principals, GitHub logins and commits meet at e-mails where the data links them', () => {
  assert.equal(personFromEntraUser({ id: 'x', userPrincipalName: 'Kim@Acme.example' })?.person, 'kim@acme.example');
  assert.equal(personFromEntraUser({ id: 'u-1', displayName: 'Kim' })?.person, 'entra-user:u-1');
  assert.equal(personFromEntraUser(null), null);
  assert.deepEqual(personFromAzureCaller('3f2a0000-0000-4000-8000-000000000001'), { person: 'entra-principal:3f2a0000-0000-4000-8000-000000000001', handle: null, human: false });
  assert.equal(personFromGcpPrincipal('ci@acme-ci.iam.gserviceaccount.com')?.human, false);
  assert.equal(personFromGcpPrincipal('priya@acme.example')?.human, true);
  const emails = new Map([['heidi-sec', 'heidi@acme.example']]);
  assert.deepEqual(personFromGithubLogin('Heidi-Sec', emails), { person: 'heidi@acme.example', handle: 'Heidi-Sec', human: true });
  assert.equal(personFromGithubLogin('renovate[bot]', emails)?.human, false);
  // A commit e-mail that is a member's public e-mail is the same person as the login; noreply addresses carry the login.
  assert.equal(personFromCommit('Heidi', 'heidi@acme.example')?.person, personFromGithubLogin('heidi-sec', emails)?.person);
  assert.equal(personFromCommit('H', '12345+heidi-sec@users.noreply.github.com', emails)?.person, 'heidi@acme.example');
  assert.equal(personFromCommit('Only A Name', '')?.person, 'git:Only A Name');
});

test('candidates: confidence by what the event did, automation weaker, the sentence people read; the retention window', () => {
  const c = ownerCandidate({ identityId: 'r', provider: 'aws', person: { person: 'a@b.example', handle: null, human: true }, source: 'cloudtrail', event: 'CreateRole', action: 'created', at: '2026-03-04T10:00:00Z' });
  assert.equal(c.confidence, 90);
  assert.equal(c.evidence, 'created by a@b.example on 2026-03-04 via CloudTrail (CreateRole)');
  const bot = ownerCandidate({ identityId: 'r', provider: 'aws', person: { person: 'x', handle: null, human: false }, source: 'cloudtrail', event: 'CreateRole', action: 'created', at: '2026-03-04T10:00:00Z' });
  assert.equal(bot.confidence, 50);
  const now = new Date('2026-06-01T00:00:00Z');
  assert.equal(withinRetention('2026-03-04T00:00:00Z', now, 90), true);
  assert.equal(withinRetention('2026-03-02T00:00:00Z', now, 90), false);
  assert.equal(withinRetention('not a date', now, 90), false);
});

test('the budget stops at its call bound and paces calls', async () => {
  const b = new OwnersBudget({ maxCalls: 3, perSecond: 20 }, new AbortController().signal);
  const t0 = Date.now();
  assert.equal(await b.take(), true);
  assert.equal(await b.take(), true);
  assert.equal(await b.take(), true);
  assert.ok(Date.now() - t0 >= 90, 'three calls at 20/s take at least 100 ms (two gaps)');
  assert.equal(await b.take(), false);
  assert.match(b.stopped ?? '', /stopped after 3 requests/);
  const late = new OwnersBudget({ maxSeconds: 1, perSecond: 0.5 }, new AbortController().signal);
  assert.equal(await late.take(), true);
  assert.equal(await late.take(), false, 'the next slot is past the time bound');
  assert.match(late.stopped ?? '', /--owners-max-seconds/);
});
