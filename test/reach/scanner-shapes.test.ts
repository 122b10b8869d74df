// The engine reads what the scanners write: trust records made by the scanners' own
// normalization functions (AWS trust policies, Azure federated credentials) become the edges
// the scenarios expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsPolicyTrusts } from './estate.js';
import { federatedRecords } from '../../scanners/azure/normalize.js';
import { deriveEdges, ext, type TrustInput } from '../../src/reach/index.js';

const GH = 'token.actions.githubusercontent.com';
const ROLE = 'arn:aws:iam::222222222222:role/ci/deploy';

function awsTrusts(statement: Record<string, unknown>): TrustInput[] {
  const ctx = { accountId: '222222222222', estateAccounts: new Set(['222222222222', '111111111111']) };
  return awsPolicyTrusts(ROLE, { Version: '2012-10-17', Statement: [statement] }, ctx);
}

const edgesOf = (trusts: TrustInput[]) => [...deriveEdges({ identities: [], credentials: [], grants: [], trusts })];

test('scanner shapes: an AWS GitHub OIDC trust on repo:acme/* comes from any repository of acme', () => {
  const trusts = awsTrusts({
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::222222222222:oidc-provider/${GH}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${GH}:sub`]: 'repo:acme/*' } },
  });
  const [e] = edgesOf(trusts);
  assert.equal(e?.from, ext('github-org-repos', 'acme'));
  assert.equal(e?.mechanism, 'federation');
  assert.match(e?.evidence ?? '', /organization-any-repository/);
});

test('scanner shapes: AWS trusts naming a role of another estate account, an account root, and a service', () => {
  const trusts = awsTrusts({
    Effect: 'Allow',
    Principal: { AWS: ['arn:aws:iam::111111111111:role/builder', 'arn:aws:iam::222222222222:root'], Service: 'lambda.amazonaws.com' },
    Action: 'sts:AssumeRole',
  });
  const got = edgesOf(trusts).map((e) => [e.from, e.mechanism]);
  assert.deepEqual(got.sort(), [
    ['arn:aws:iam::111111111111:role/builder', 'may-assume'],
    [ext('aws-account', '222222222222'), 'may-assume'],
    [ext('aws-service', 'lambda.amazonaws.com'), 'may-assume'],
  ]);
});

test('scanner shapes: an Azure flexible federated credential on one repository, any branch', () => {
  const [, t] = federatedRecords('app-1', 'azure:t', {
    id: 'fic-1',
    name: 'github-any-branch',
    issuer: `https://${GH}`,
    subject: null,
    audiences: ['api://AzureADTokenExchange'],
    claimsMatchingExpression: { value: "claims['sub'] matches 'repo:acme/deploy:ref:refs/heads/*'", languageVersion: 1 },
  });
  const [e] = edgesOf([{ identityId: t.identityId, provider: 'azure', principal: t.principal, principalType: t.principalType, condition: t.condition ?? null, attributes: t.attributes ?? {} }]);
  assert.equal(e?.from, ext('github-repo', 'acme/deploy'));
  assert.match(e?.evidence ?? '', /\(repository-any-ref\): .*one repository \(acme\/deploy\), any ref/);
});
