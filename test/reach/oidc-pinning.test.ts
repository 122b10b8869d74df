// One judgement of GitHub OIDC pinning for AWS trust conditions, GCP principals and pool
// conditions, and Azure federated credential subjects and flexible expressions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ext, judgeOidcSubject, type OidcProvider, type Pinning } from '../../src/reach/index.js';
import { awsRole, estate, grant, identity, reachOf, trust } from './estate.js';

const GH = 'token.actions.githubusercontent.com';
const AZ_GH = `https://${GH}`;
const AUD = `StringEquals ${GH}:aud=sts.amazonaws.com`;
const POOL = 'iam.googleapis.com/projects/410000000003/locations/global/workloadIdentityPools/github';

const cases: [OidcProvider, string, string, Pinning, RegExp][] = [
  // AWS trust conditions (as scanners/aws/trust.ts renders them).
  ['aws', GH, `${AUD} AND StringEquals ${GH}:sub=repo:acme/app:ref:refs/heads/main`, 'pinned-ref-or-environment', /one repository \(acme\/app\), ref refs\/heads\/main only/],
  ['aws', GH, `${AUD} AND StringEquals ${GH}:sub=repo:acme/app:environment:production`, 'pinned-ref-or-environment', /environment production only/],
  ['aws', GH, `${AUD} AND StringLike ${GH}:sub=repo:acme/app:*`, 'repository-any-ref', /one repository \(acme\/app\), any branch/],
  ['aws', GH, `${AUD} AND StringLike ${GH}:sub=repo:acme/app:ref:refs/heads/*`, 'repository-any-ref', /any ref matching refs\/heads\/\*/],
  ['aws', GH, `${AUD} AND StringEquals ${GH}:sub=repo:acme/app:pull_request`, 'repository-any-ref', /any pull request/],
  ['aws', GH, `${AUD} AND StringLike ${GH}:sub=repo:acme-corp/*`, 'organization-any-repository', /any repository of acme-corp/],
  ['aws', GH, `${AUD} AND StringLike ${GH}:sub=repo:acme/app*`, 'organization-any-repository', /any repository whose name matches app\*/],
  ['aws', GH, `${AUD} AND StringLike ${GH}:sub=repo:*`, 'anything', /any repository of any organisation/],
  ['aws', GH, AUD, 'anything', /no token\.actions\.githubusercontent\.com:sub condition/],
  ['aws', GH, `${AUD} AND StringLike ${GH}:sub=repo:acme/app:ref:refs/heads/main|repo:acme/*`, 'organization-any-repository', /widest of 2 allowed subjects/],
  // Two sub blocks must both hold: the pinned one bounds the wide one.
  ['aws', GH, `${AUD} AND StringEquals ${GH}:sub=repo:acme/app:ref:refs/heads/main AND StringLike ${GH}:sub=repo:acme/*`, 'pinned-ref-or-environment', /ref refs\/heads\/main only/],
  ['aws', GH, `${AUD} AND StringEquals ${GH}:repository_owner=acme`, 'organization-any-repository', /only repository_owner acme/],
  // GCP principals and pool attribute conditions.
  ['gcp', '', `principal://${POOL}/subject/repo:acme/app:ref:refs/heads/main`, 'pinned-ref-or-environment', /ref refs\/heads\/main only/],
  ['gcp', '', `principalSet://${POOL}/attribute.repository/acme/app`, 'repository-any-ref', /one repository \(acme\/app\), any branch/],
  ['gcp', '', `principalSet://${POOL}/attribute.repository_owner/acme`, 'organization-any-repository', /any repository of acme/],
  ['gcp', '', `principalSet://${POOL}/*`, 'anything', /every identity of the pool/],
  ['gcp', '', "assertion.repository == 'acme/app' && assertion.ref == 'refs/heads/main'", 'pinned-ref-or-environment', /ref refs\/heads\/main only/],
  ['gcp', '', "assertion.repository_owner == 'acme'", 'organization-any-repository', /any repository of acme/],
  // Azure federated credentials: exact subjects and flexible expressions.
  ['azure', AZ_GH, 'repo:acme/infra:environment:production', 'pinned-ref-or-environment', /environment production only/],
  ['azure', AZ_GH, `${AZ_GH} sub=repo:acme/infra:ref:refs/heads/main`, 'pinned-ref-or-environment', /ref refs\/heads\/main only/],
  ['azure', AZ_GH, "claims['sub'] matches 'repo:acme/deploy:ref:refs/heads/*'", 'repository-any-ref', /one repository \(acme\/deploy\), any ref/],
  ['azure', AZ_GH, 'repo:acme/infra:pull_request', 'repository-any-ref', /any pull request/],
  ['azure', AZ_GH, "claims['sub'] matches 'repo:acme/*'", 'organization-any-repository', /any repository of acme/],
  ['azure', AZ_GH, "claims['sub'] matches '*'", 'anything', /any GitHub workflow/],
  // Another issuer: judged on its subject alone.
  ['azure', 'https://eastus.oic.prod-aks.azure.com/t/u/', 'system:serviceaccount:orders:orders-api', 'pinned-ref-or-environment', /one exact subject/],
];

for (const [provider, issuer, text, pinning, message] of cases) {
  test(`OIDC pinning: ${provider} ${text.replace(AUD + ' AND ', '')} → ${pinning}`, () => {
    const j = judgeOidcSubject(provider, issuer, text);
    assert.equal(j.pinning, pinning, j.message);
    assert.match(j.message, message);
  });
}

test('OIDC pinning: the issue’s three inconsistencies get one answer each', () => {
  // Azure `refs/heads/*` on one repository is one repository, any branch — not "any repository".
  assert.equal(judgeOidcSubject('azure', AZ_GH, "claims['sub'] matches 'repo:acme-corp/acme-deploy-scripts:ref:refs/heads/*'").pinning, 'repository-any-ref');
  // AWS `repo:acme-corp/*` is any repository of the organisation, not pinned.
  assert.equal(judgeOidcSubject('aws', GH, `StringLike ${GH}:sub=repo:acme-corp/*`).pinning, 'organization-any-repository');
  // `:pull_request` is judged alike on both clouds.
  const aws = judgeOidcSubject('aws', GH, `StringEquals ${GH}:sub=repo:acme/app:pull_request`);
  const azure = judgeOidcSubject('azure', AZ_GH, 'repo:acme/app:pull_request');
  assert.equal(aws.pinning, azure.pinning);
});

/**
 * End to end per cloud: an admin identity trusts GitHub OIDC at one pinning; who reaches it?
 * A pusher of acme/app, a pusher of another repository of acme (acme/other).
 */
function federatedAdmin(provider: OidcProvider, pinning: Pinning) {
  const e = estate();
  const subject: Record<Pinning, string> = {
    'pinned-ref-or-environment': 'repo:acme/app:environment:production',
    'repository-any-ref': 'repo:acme/app:*',
    'organization-any-repository': 'repo:acme/*',
    anything: '*',
  };
  let target: string;
  if (provider === 'aws') {
    target = identity(e, awsRole('222222222222', 'ci/deploy'), 'aws', 'aws:222222222222');
    trust(e, target, 'aws', `arn:aws:iam::222222222222:oidc-provider/${GH}`, 'federated', {
      condition: `${AUD} AND StringLike ${GH}:sub=${subject[pinning]}`,
      attributes: { protocol: 'oidc', issuer: GH },
    });
  } else if (provider === 'gcp') {
    target = identity(e, 'deploy@acme-prod.iam.gserviceaccount.com', 'gcp', 'gcp:acme-prod');
    const principal: Record<Pinning, string> = {
      'pinned-ref-or-environment': `principal://${POOL}/subject/repo:acme/app:environment:production`,
      'repository-any-ref': `principalSet://${POOL}/attribute.repository/acme/app`,
      'organization-any-repository': `principalSet://${POOL}/attribute.repository_owner/acme`,
      anything: `principalSet://${POOL}/*`,
    };
    trust(e, target, 'gcp', principal[pinning], 'federated', { attributes: { roles: ['roles/iam.workloadIdentityUser'], level: 'service-account' } });
  } else {
    target = identity(e, '33333333-0000-4000-8000-000000000001', 'azure', 'azure:72f988bf-0000-4000-8000-00000000a11c');
    const principal = pinning === 'pinned-ref-or-environment' ? `${AZ_GH} sub=${subject[pinning]}` : `${AZ_GH} claims['sub'] matches '${subject[pinning]}'`;
    trust(e, target, 'azure', principal, 'federated', { condition: 'aud in [api://AzureADTokenExchange]' });
  }
  grant(e, target, provider, 'prod-scope', 'admin-role', 'admin');
  for (const repo of ['app', 'other']) {
    const pusher = identity(e, `github:acme/${repo}/deploy-key/1`, 'github', 'github:acme');
    grant(e, pusher, 'github', `github:acme/${repo}`, 'deploy-key:write', 'write');
  }
  return { e, target };
}

const expectations: [Pinning, { app: boolean; other: boolean; source: string }][] = [
  ['pinned-ref-or-environment', { app: true, other: false, source: ext('github-subject', 'repo:acme/app:environment:production') }],
  ['repository-any-ref', { app: true, other: false, source: ext('github-repo', 'acme/app') }],
  ['organization-any-repository', { app: true, other: true, source: ext('github-org-repos', 'acme') }],
  ['anything', { app: true, other: true, source: '' }],
];

for (const provider of ['aws', 'gcp', 'azure'] as const) {
  for (const [pinning, want] of expectations) {
    test(`OIDC reach: ${provider} admin trusting GitHub ${pinning}`, () => {
      const { e, target } = federatedAdmin(provider, pinning);
      const { reach } = reachOf(e);
      const fed = reach.reachersOf(target).filter((r) => r.hops === 1).map((r) => r.id);
      if (want.source) assert.deepEqual(fed, [want.source]);
      if (provider === 'gcp' && pinning === 'anything') {
        // A whole pool admits whatever its provider admits: the pool is the source, not GitHub.
        assert.deepEqual(fed, [ext('gcp-pool', `principalSet://${POOL}/*`)]);
        assert.equal(reach.strongest('github:acme/app/deploy-key/1').privilege, 'write');
        return;
      }
      assert.equal(reach.strongest('github:acme/app/deploy-key/1').privilege, want.app ? 'admin' : 'write');
      assert.equal(reach.strongest('github:acme/other/deploy-key/1').privilege, want.other ? 'admin' : 'write');
      const chain = reach.strongest('github:acme/app/deploy-key/1').chain;
      assert.equal(chain[0]?.mechanism, 'push-to-repository');
      assert.equal(chain.at(-1)?.mechanism, 'federation');
      assert.match(chain.at(-1)?.evidence ?? '', new RegExp(pinning));
    });
  }
}
