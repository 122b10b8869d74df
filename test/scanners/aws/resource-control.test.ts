// Resource control policies read through the real @aws-sdk/client-organizations from the local
// Organizations endpoint (JSON 1.1 wire format) and applied to role trusts: read only when the
// organisation has them enabled, never in the management account, a denied read is a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsScanner } from '../../../scanners/aws/index.js';
import { fakeRootId, startFakeAws, type FakeAccount, type FakeEstate } from '../../../scanners/aws/demo/fake-aws.js';
import type { PolicyDocument } from '../../../scanners/aws/policy.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import type { TrustRecord } from '../../../src/model/records.js';

const now = new Date('2026-11-23T12:00:00Z');
const KEY = ['AKIA', 'RCPTEST', '000000001'].join('');
const SECRET = ['rcp', 'test', 'secret', '0000000000000000'].join('/');
const M = '100000000001';
const B = '222222222222';
const ORG = 'o-rcptest123';
const ROOT = fakeRootId(ORG);
const OUTSIDE = '999999999999';
const created = '2026-01-01T00:00:00Z';
const doc = (...Statement: Record<string, unknown>[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const trust = (principal: Record<string, unknown>, action = 'sts:AssumeRole', Condition?: Record<string, unknown>) => doc({ Effect: 'Allow', Principal: principal, Action: action, ...(Condition ? { Condition } : {}) });

const roles: FakeAccount['roles'] = [
  { name: 'vendor-access', created, trust: trust({ AWS: `arn:aws:iam::${OUTSIDE}:role/vendor` }) },
  { name: 'sibling-access', created, trust: trust({ AWS: `arn:aws:iam::${M}:root` }) },
  {
    name: 'gha-deploy',
    created,
    trust: trust({ Federated: `arn:aws:iam::${B}:oidc-provider/token.actions.githubusercontent.com` }, 'sts:AssumeRoleWithWebIdentity', { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' } }),
  },
];
const accounts: FakeAccount[] = [{ id: M, name: 'mgmt', roles }, { id: B, name: 'member', roles }];
const perimeter = {
  id: 'p-perimeter1',
  name: 'org-perimeter',
  targets: [ROOT],
  doc: doc({ Sid: 'OnlyOrg', Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } } }),
};
const fullAccess = { id: 'p-RCPFullAWSAccess', name: 'RCPFullAWSAccess', awsManaged: true, targets: [ROOT], doc: doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }) };

async function scan(org: FakeEstate['org'], extra: FakeAccount[] = []) {
  const fake = await startFakeAws({ now, callerAccount: M, accessKeyId: KEY, secretAccessKey: SECRET, accounts: [...accounts, ...extra], org });
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY, secretAccessKey: SECRET, org: true, retryBaseDelayMs: 2, reportPollMs: 10, reportWaitSeconds: 2, maxAttempts: 3 }, now });
    const ops = fake.server.requests.map((r) => `${String(r.headers['x-amz-target'] ?? '').split('.')[1] ?? ''} ${r.body.includes('RESOURCE_CONTROL_POLICY') ? 'RCP' : ''}`.trim());
    const trusts = res.records.filter((r): r is TrustRecord => r.type === 'trust');
    const trustOf = (acct: string, name: string) => trusts.find((t) => t.identityId === `arn:aws:iam::${acct}:role/${name}`) as TrustRecord;
    return { res, ops, trustOf };
  } finally {
    await fake.close();
  }
}

test('aws RCPs: an RCP denying outside principals closes a member role\'s outside trust, not the management account\'s, not an in-org one', async () => {
  const { res, ops, trustOf } = await scan({ id: ORG, rcps: [fullAccess, perimeter] });
  assert.deepEqual(res.errors, []);
  assert.ok(ops.includes('ListRoots') && ops.includes('ListPolicies RCP'), `read RCPs once enabled: ${ops.join(', ')}`);
  const closed = trustOf(B, 'vendor-access');
  assert.equal(closed.risk, null, 'closed to the outside account: no longer an external trust');
  assert.match(String(closed.attributes?.resourceControlDenied), /org-perimeter statement "OnlyOrg" \(attached to r-.*\) denies sts:AssumeRole on arn:aws:iam::222222222222:role\/vendor-access/);
  assert.equal(trustOf(M, 'vendor-access').risk, 'external', 'RCPs do not apply to the management account');
  assert.equal(trustOf(M, 'vendor-access').attributes?.resourceControlDenied, undefined);
  assert.equal(trustOf(B, 'sibling-access').attributes?.resourceControlDenied, undefined, 'a caller of the organisation passes aws:PrincipalOrgID');
  assert.equal(trustOf(B, 'gha-deploy').attributes?.resourceControlDenied, undefined, 'the RCP names sts:AssumeRole, not AssumeRoleWithWebIdentity');
});

test('aws RCPs: a deny of sts:AssumeRoleWithWebIdentity closes GitHub OIDC trusts (no AWS principal keys in a web identity request)', async () => {
  const web = { ...perimeter, id: 'p-noweb00001', name: 'no-web-identity', doc: doc({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRoleWith*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG } } }) };
  const { trustOf } = await scan({ id: ORG, rcps: [fullAccess, web] });
  assert.match(String(trustOf(B, 'gha-deploy').attributes?.resourceControlDenied), /no-web-identity statement #1 .* denies sts:AssumeRoleWithWebIdentity/);
  assert.equal(trustOf(B, 'vendor-access').attributes?.resourceControlDenied, undefined);
});

test('aws RCPs: not read when the organisation has not enabled them', async () => {
  const { res, ops, trustOf } = await scan({ id: ORG });
  assert.deepEqual(res.errors, []);
  assert.ok(ops.includes('ListRoots'));
  assert.ok(!ops.includes('ListPolicies RCP'), `no RCP listing: ${ops.join(', ')}`);
  assert.equal(trustOf(B, 'vendor-access').risk, 'external');
  assert.deepEqual(res.notes.filter((n) => /resource control/.test(n.message)), []);
});

for (const denied of ['ListRoots', 'ListPolicies']) {
  test(`aws RCPs: organizations:${denied} denied is a note naming the permission, the scan completes`, async () => {
    const { res, trustOf } = await scan({ id: ORG, rcps: [fullAccess, perimeter], deny: [denied] });
    assert.deepEqual(res.errors, []);
    assert.equal(res.completedTargets.length, 2);
    const notes = res.notes.filter((n) => /resource control policies could not be read/.test(n.message));
    assert.ok(notes.length >= 1, JSON.stringify(res.notes));
    assert.match(notes[0]!.message, /AccessDenied.*Grant organizations:ListRoots, ListPolicies/);
    assert.equal(trustOf(B, 'vendor-access').risk, 'external', 'not applied when not read');
  });
}

test('aws RCPs: a policy on a nested OU reaches the accounts under it, the tree walked from the root a page of children at a time', async () => {
  const OUTER = 'ou-rcpt-outer001';
  const INNER = 'ou-rcpt-inner002';
  // 24 more accounts under the root: more than one page (20) of the root's children.
  const spare: FakeAccount[] = Array.from({ length: 24 }, (_, i) => ({ id: String(300000000000 + i), name: `spare-${i}`, roles: [] }));
  const org: FakeEstate['org'] = {
    id: ORG,
    rcps: [fullAccess, { ...perimeter, targets: [INNER] }],
    ous: [
      { id: OUTER, name: 'outer', parent: ROOT, accounts: [] },
      { id: INNER, name: 'inner', parent: OUTER, accounts: [B] },
    ],
  };
  const { res, ops, trustOf } = await scan(org, spare);
  assert.deepEqual(res.errors, []);
  assert.equal(trustOf(B, 'vendor-access').risk, null, 'closed by the policy two OUs down');
  assert.equal(trustOf(M, 'vendor-access').risk, 'external', 'the management account is never subject to it');
  assert.ok(!ops.includes('ListParents'), 'no call per account');
  // Root: 2 pages of accounts + 1 of OUs; outer: 1 + 1; inner: 1 + 1.
  assert.equal(ops.filter((o) => o === 'ListChildren').length, 7, ops.join(', '));
});
