// Trust-policy edges and their risk on a table of role trust policies (pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trustEdges, type TrustContext } from '../../../scanners/aws/trust.js';

const ME = '111111111111';
const SIBLING = '222222222222';
const OUTSIDE = '999999999999';
const GH = 'token.actions.githubusercontent.com';
const ghProvider = `arn:aws:iam::${ME}:oidc-provider/${GH}`;
const ctxSingle: TrustContext = { accountId: ME, estateAccounts: new Set([ME]) };
const ctxOrg: TrustContext = { accountId: ME, estateAccounts: new Set([ME, SIBLING]), orgId: 'o-abc123' };

const trust = (Principal: unknown, extra: Record<string, unknown> = {}) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra }] });
const gh = (cond: Record<string, unknown>) => trust({ Federated: ghProvider }, { Action: 'sts:AssumeRoleWithWebIdentity', Condition: cond });

const CASES: { name: string; doc: unknown; ctx?: TrustContext; expect: [string, string, string | null][] }[] = [
  { name: 'Principal "*" is a wildcard', doc: trust('*'), expect: [['*', 'wildcard', 'wildcard']] },
  { name: 'Principal {AWS:"*"} is a wildcard', doc: trust({ AWS: '*' }), expect: [['*', 'wildcard', 'wildcard']] },
  { name: 'AWS "*" limited to the organisation is not risky', doc: trust({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }), ctx: ctxOrg, expect: [['*', 'wildcard', null]] },
  { name: 'AWS "*" limited to another organisation stays a wildcard', doc: trust({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-other' } } }), ctx: ctxOrg, expect: [['*', 'wildcard', 'wildcard']] },
  { name: 'own account root', doc: trust({ AWS: `arn:aws:iam::${ME}:root` }), expect: [[`arn:aws:iam::${ME}:root`, 'account', null]] },
  { name: 'bare account id of the account itself', doc: trust({ AWS: ME }), expect: [[ME, 'account', null]] },
  { name: 'sibling account in single-account mode is external', doc: trust({ AWS: `arn:aws:iam::${SIBLING}:root` }), expect: [[`arn:aws:iam::${SIBLING}:root`, 'external-account', 'external']] },
  { name: 'sibling account inside the scanned organisation is not external', doc: trust({ AWS: `arn:aws:iam::${SIBLING}:role/deployer` }), ctx: ctxOrg, expect: [[`arn:aws:iam::${SIBLING}:role/deployer`, 'identity', null]] },
  { name: 'outside account, even with an external id, is external', doc: trust({ AWS: `arn:aws:iam::${OUTSIDE}:root` }, { Condition: { StringEquals: { 'sts:ExternalId': 'x' } } }), ctx: ctxOrg, expect: [[`arn:aws:iam::${OUTSIDE}:root`, 'external-account', 'external']] },
  { name: 'a deleted principal left as a unique id', doc: trust({ AWS: 'AROAEXAMPLEDELETED123' }), expect: [['AROAEXAMPLEDELETED123', 'identity', null]] },
  { name: 'service principals, one edge each', doc: trust({ Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] }), expect: [['ec2.amazonaws.com', 'service', null], ['lambda.amazonaws.com', 'service', null]] },
  { name: 'GitHub OIDC without a sub condition', doc: gh({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }), expect: [[ghProvider, 'federated', 'unpinned-subject']] },
  { name: 'GitHub OIDC with sub repo:* (any repository)', doc: gh({ StringLike: { [`${GH}:sub`]: 'repo:*' } }), expect: [[ghProvider, 'federated', 'unpinned-subject']] },
  { name: 'GitHub OIDC with sub * (any subject)', doc: gh({ StringLike: { [`${GH}:sub`]: '*' } }), expect: [[ghProvider, 'federated', 'unpinned-subject']] },
  { name: 'GitHub OIDC with a wildcard owner (repo:*/app:*)', doc: gh({ StringLike: { [`${GH}:sub`]: ['repo:acme/app:*', 'repo:*/app:*'] } }), expect: [[ghProvider, 'federated', 'unpinned-subject']] },
  { name: 'GitHub OIDC pinned to the owner (repo:acme/*)', doc: gh({ StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }), expect: [[ghProvider, 'federated', null]] },
  { name: 'GitHub OIDC pinned to repo and branch', doc: gh({ StringEquals: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main', [`${GH}:aud`]: 'sts.amazonaws.com' } }), expect: [[ghProvider, 'federated', null]] },
  { name: 'StringEquals with a literal * is not a wildcard', doc: gh({ StringEquals: { [`${GH}:sub`]: 'repo:acme/app:*' } }), expect: [[ghProvider, 'federated', null]] },
  { name: 'condition keys are case-insensitive', doc: gh({ StringLike: { 'Token.Actions.GitHubUserContent.com:SUB': 'repo:*' } }), expect: [[ghProvider, 'federated', 'unpinned-subject']] },
  {
    name: 'EKS OIDC without a sub condition',
    doc: trust({ Federated: `arn:aws:iam::${ME}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC` }, { Action: 'sts:AssumeRoleWithWebIdentity' }),
    expect: [[`arn:aws:iam::${ME}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC`, 'federated', 'unpinned-subject']],
  },
  {
    name: 'EKS OIDC pinned to a service account',
    doc: trust({ Federated: `arn:aws:iam::${ME}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC` }, { Condition: { StringEquals: { 'oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:app:api' } } }),
    expect: [[`arn:aws:iam::${ME}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC`, 'federated', null]],
  },
  { name: 'Cognito without an identity-pool aud', doc: trust({ Federated: 'cognito-identity.amazonaws.com' }), expect: [['cognito-identity.amazonaws.com', 'federated', 'unpinned-subject']] },
  { name: 'SAML federation', doc: trust({ Federated: `arn:aws:iam::${ME}:saml-provider/Okta` }, { Action: 'sts:AssumeRoleWithSAML' }), expect: [[`arn:aws:iam::${ME}:saml-provider/Okta`, 'federated', null]] },
  { name: 'NotPrincipal in an Allow trusts everyone else', doc: { Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: `arn:aws:iam::${ME}:root` }, Action: 'sts:AssumeRole' }] }, expect: [[`NotPrincipal {"AWS":"arn:aws:iam::${ME}:root"}`, 'wildcard', 'wildcard']] },
  { name: 'Deny statements make no edge', doc: { Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }] }, expect: [] },
  {
    name: 'one edge per principal across statements, mixed kinds',
    doc: {
      Statement: [
        { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ME}:role/a`, `arn:aws:iam::${OUTSIDE}:user/b`], Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ME}:role/a` }, Action: 'sts:TagSession' },
      ],
    },
    expect: [
      [`arn:aws:iam::${ME}:role/a`, 'identity', null],
      [`arn:aws:iam::${OUTSIDE}:user/b`, 'external-account', 'external'],
      ['ecs-tasks.amazonaws.com', 'service', null],
    ],
  },
];

for (const c of CASES) {
  test(`trust: ${c.name}`, () => {
    const edges = trustEdges(c.doc as never, c.ctx ?? ctxSingle);
    assert.deepEqual(
      edges.map((e) => [e.principal, e.principalType, e.risk]),
      c.expect,
      JSON.stringify(edges.map((e) => e.attributes)),
    );
  });
}

test('trust: conditions render deterministically and SAML edges are flagged for human use', () => {
  const a = trustEdges(gh({ StringLike: { [`${GH}:sub`]: ['repo:b/*', 'repo:a/*'] }, StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }) as never, ctxSingle);
  const b = trustEdges(gh({ StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:sub`]: ['repo:a/*', 'repo:b/*'] } }) as never, ctxSingle);
  assert.equal(a[0]?.condition, `StringEquals ${GH}:aud=sts.amazonaws.com AND StringLike ${GH}:sub=repo:a/*|repo:b/*`);
  assert.equal(a[0]?.condition, b[0]?.condition);
  const saml = trustEdges(trust({ Federated: `arn:aws:iam::${ME}:saml-provider/Okta` }) as never, ctxSingle);
  assert.equal(saml[0]?.saml, true);
});
