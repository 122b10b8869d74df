// Privilege computation on a table of identity policies (pure: no SDK involved).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseIdentity, globMatch, parsePolicyDocument, type PolicyDocument, type PolicySource } from '../../../scanners/aws/policy.js';

const ACCOUNT = '123456789012';
const doc = (...Statement: PolicyDocument['Statement'][]): PolicyDocument => ({ Version: '2012-10-17', Statement: Statement.flat() as never });
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: string | string[], Resource: string | string[] = '*', extra: Record<string, unknown> = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });

interface Case {
  name: string;
  kind?: 'user' | 'role';
  policies: { name: string; via?: string; doc: PolicyDocument | null }[];
  boundary?: PolicyDocument;
  /** Expected privilege per policy, in order. */
  expect: string[];
  evidence?: RegExp;
}

const CASES: Case[] = [
  { name: 'Allow * on * is admin', policies: [{ name: 'AdministratorAccess', doc: doc(allow('*')) }], expect: ['admin'], evidence: /full access: AdministratorAccess statement #1 allows \* on \*/ },
  { name: 'Action as a one-element list and *:* is admin', policies: [{ name: 'p', doc: doc(allow(['*:*'])) }], expect: ['admin'] },
  { name: 'iam:* on * is admin', policies: [{ name: 'IAMFullAccess', doc: doc(allow('iam:*')) }], expect: ['admin'], evidence: /all IAM actions: IAMFullAccess statement #1 allows iam:\* on \*/ },
  { name: 'read-only actions are read', policies: [{ name: 'ro', doc: doc(allow(['s3:Get*', 's3:List*', 'ec2:Describe*', 'iam:GetRole'])) }], expect: ['read'] },
  { name: 'scoped writes are write', policies: [{ name: 'app', doc: doc(allow(['s3:PutObject', 's3:GetObject'], 'arn:aws:s3:::bucket/*')) }], expect: ['write'], evidence: /app statement #1 allows s3:PutObject/ },
  { name: 'a deny-only policy grants nothing (read)', policies: [{ name: 'guard', doc: doc(deny('s3:DeleteBucket')) }], expect: ['read'] },
  { name: 'unreadable document is unknown', policies: [{ name: 'broken', doc: null }], expect: ['unknown'] },
  {
    name: 'explicit deny of iam:* removes full access and every IAM escalation',
    policies: [{ name: 'admin', doc: doc(allow('*')) }, { name: 'no-iam', doc: doc(deny('iam:*')) }],
    expect: ['write', 'read'],
  },
  {
    name: 'a deny on a few resources leaves full access',
    policies: [{ name: 'admin', doc: doc(allow('*'), deny('s3:DeleteBucket', 'arn:aws:s3:::prod-*')) }],
    expect: ['admin'],
    evidence: /full access/,
  },
  {
    name: 'a deny of another service on * keeps admin through IAM',
    policies: [{ name: 'admin', doc: doc(allow('*'), deny('s3:*')) }],
    expect: ['admin'],
    evidence: /all IAM actions: admin statement #1 allows iam:\* via \*/,
  },
  {
    name: 'a deny of most IAM writes leaves the escalation primitive it forgot',
    policies: [{ name: 'admin', doc: doc(allow('*'), deny(['iam:Attach*', 'iam:Put*', 'iam:Create*', 'iam:Update*', 'iam:SetDefaultPolicyVersion', 'iam:PassRole'])) }],
    expect: ['admin'],
    evidence: /privilege escalation, can add users to any group \(iam:AddUserToGroup\)/,
  },
  {
    name: 'a conditional deny does not hide admin',
    policies: [{ name: 'admin', doc: doc(allow('*'), deny('*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } })) }],
    expect: ['admin'],
  },
  {
    name: 'a permissions boundary caps an admin policy',
    policies: [{ name: 'AdministratorAccess', doc: doc(allow('*')) }],
    boundary: doc(allow(['s3:*', 'ec2:*', 'lambda:*'])),
    expect: ['write'],
  },
  {
    name: 'a boundary that allows everything does not cap',
    policies: [{ name: 'AdministratorAccess', doc: doc(allow('*')) }],
    boundary: doc(allow('*')),
    expect: ['admin'],
  },
  {
    name: 'a boundary allowing iam:PassRole and ec2 leaves write: passing roles is an edge of reach, not admin on its own',
    policies: [{ name: 'AdministratorAccess', doc: doc(allow('*')) }],
    boundary: doc(allow(['iam:PassRole', 'ec2:*'])),
    expect: ['write'],
  },
  { name: 'NotAction iam:* (PowerUser) is write, not admin', policies: [{ name: 'PowerUser', doc: doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }) }], expect: ['write'] },
  { name: 'NotAction s3:* still allows iam:* (admin)', policies: [{ name: 'not-s3', doc: doc({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }) }], expect: ['admin'], evidence: /all IAM actions: not-s3 statement #1 allows iam:\* via NotAction/ },
  { name: 'NotResource on a narrow ARN still covers every resource', policies: [{ name: 'nr', doc: doc({ Effect: 'Allow', Action: 'iam:AttachRolePolicy', NotResource: 'arn:aws:iam::*:role/protected-*' }) }], expect: ['admin'] },
  ...(
    [
      ['iam:CreatePolicyVersion', 'policy-version'],
      ['iam:SetDefaultPolicyVersion', 'managed policy'],
      ['iam:AttachUserPolicy', 'attach any policy to a user'],
      ['iam:AttachGroupPolicy', 'group'],
      ['iam:AttachRolePolicy', 'role'],
      ['iam:PutUserPolicy', 'inline policy on a user'],
      ['iam:PutGroupPolicy', 'group'],
      ['iam:PutRolePolicy', 'role'],
      ['iam:AddUserToGroup', 'add users'],
      ['iam:CreateAccessKey', 'access keys'],
      ['iam:CreateLoginProfile', 'console passwords'],
      ['iam:UpdateLoginProfile', 'console passwords'],
      ['iam:UpdateAssumeRolePolicy', 'trust policy'],
    ] as const
  ).map(([action]): Case => ({ name: `escalation primitive ${action} on * is admin`, policies: [{ name: 'esc', doc: doc(allow(action)) }], expect: ['admin'], evidence: new RegExp(`privilege escalation.*esc statement #1 allows ${action} on \\*`) })),
  { name: 'a wildcard that covers an escalation primitive (iam:Put*Policy) is admin', policies: [{ name: 'w', doc: doc(allow('iam:Put*Policy')) }], expect: ['admin'], evidence: /iam:PutUserPolicy via iam:Put\*Policy/ },
  { name: 'iam:Attach* scoped to app roles is write', policies: [{ name: 'scoped', doc: doc(allow('iam:AttachRolePolicy', 'arn:aws:iam::123456789012:role/app/*')) }], expect: ['write'] },
  { name: 'CreateAccessKey on your own user only (self-service) is write', policies: [{ name: 'self', doc: doc(allow(['iam:CreateAccessKey', 'iam:DeleteAccessKey'], 'arn:aws:iam::*:user/${aws:username}')) }], expect: ['write'] },
  {
    name: 'PutUserPolicy on your own user (policy variable) is admin',
    policies: [{ name: 'self-policy', doc: doc(allow('iam:PutUserPolicy', 'arn:aws:iam::*:user/${aws:username}', { Sid: 'SelfService' })) }],
    expect: ['admin'],
    evidence: /self-policy statement "SelfService" allows iam:PutUserPolicy on arn:aws:iam::\*:user\/\$\{aws:username\}/,
  },
  {
    name: 'a role that may attach policies to itself is admin',
    kind: 'role',
    policies: [{ name: 'self-attach', doc: doc(allow('iam:AttachRolePolicy', 'arn:aws:iam::123456789012:role/tester')) }],
    expect: ['admin'],
  },
  { name: 'iam:PassRole alone is write', policies: [{ name: 'pass', doc: doc(allow('iam:PassRole')) }], expect: ['write'] },
  // PassRole + compute reaches the roles the service may assume (reach's pass-role edges, PMapper's
  // standard): admin only when one of them is (test/reach/aws-scenarios.test.ts).
  { name: 'iam:PassRole + ec2:RunInstances is write on its own', policies: [{ name: 'pass', doc: doc(allow(['iam:PassRole', 'ec2:RunInstances'], '*', { Sid: 'Launch' })) }], expect: ['write'] },
  {
    name: 'iam:PassRole in one policy + lambda:CreateFunction in another is write on its own',
    policies: [{ name: 'pass', doc: doc(allow('iam:PassRole')) }, { name: 'lambda', via: 'group:devs', doc: doc(allow('lambda:*')) }],
    expect: ['write', 'write'],
  },
  { name: 'PassRole limited to one service role + compute is write', policies: [{ name: 'p', doc: doc(allow('iam:PassRole', 'arn:aws:iam::123456789012:role/service-role/app'), allow('ec2:RunInstances')) }], expect: ['write'] },
  { name: 'actions match case-insensitively', policies: [{ name: 'case', doc: doc(allow('IAM:createPolicyVersion')) }], expect: ['admin'] },
  { name: 'a single statement object (not a list) is understood', policies: [{ name: 'single', doc: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } }], expect: ['admin'] },
];

for (const c of CASES) {
  test(`privilege: ${c.name}`, () => {
    const kind = c.kind ?? 'user';
    const policies: PolicySource[] = c.policies.map((p) => ({ name: p.name, via: p.via ?? 'direct', document: p.doc }));
    const a = analyseIdentity({
      arn: `arn:aws:iam::${ACCOUNT}:${kind}/tester`,
      accountId: ACCOUNT,
      name: 'tester',
      kind,
      policies,
      boundary: c.boundary ? { name: 'boundary', via: 'boundary', document: c.boundary } : null,
    });
    assert.deepEqual(
      a.grants.map((g) => g.privilege),
      c.expect,
      a.grants.map((g) => g.evidence).join(' | '),
    );
    assert.equal(a.admin, c.expect.includes('admin'));
    if (c.evidence) assert.match(a.grants.map((g) => g.evidence).join(' | '), c.evidence);
  });
}

test('policy documents: URL-encoded (query API) and plain JSON both parse; garbage is null', () => {
  const d = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a b/*' }] };
  assert.deepEqual(parsePolicyDocument(encodeURIComponent(JSON.stringify(d))), d);
  assert.deepEqual(parsePolicyDocument(JSON.stringify(d)), d);
  assert.equal(parsePolicyDocument('%E0%A4%A'), null);
  assert.equal(parsePolicyDocument('not json'), null);
  assert.equal(parsePolicyDocument(undefined), null);
});

test('IAM wildcards: * any run, ? one character, resources case-sensitive', () => {
  assert.ok(globMatch('iam:Attach*Policy', 'iam:AttachRolePolicy', true));
  assert.ok(globMatch('iam:?etRole', 'iam:GetRole', true));
  assert.ok(!globMatch('iam:?etRole', 'iam:GGetRole', true));
  assert.ok(!globMatch('arn:aws:s3:::Bucket', 'arn:aws:s3:::bucket', false));
  assert.ok(globMatch('arn:aws:s3:::a.b/*', 'arn:aws:s3:::a.b/c', false));
  assert.ok(!globMatch('arn:aws:s3:::a.b/*', 'arn:aws:s3:::aXb/c', false));
});
