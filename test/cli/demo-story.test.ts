// The demo's cross-cloud reach story as a user meets it: `nhi paths` walks the chains step by step
// and `nhi report` carries them in its findings (JSON, SARIF related locations).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nhi } from './nhi.js';
import { demoCopy } from './demo-copy.js';
import { DEMO } from '../../src/demo/estate.js';

const { dir, demo } = demoCopy();
assert.equal(demo.code, 0, demo.err + demo.out);

const { accounts } = DEMO.aws;
const STAGING_ROLE = `arn:aws:iam::${accounts.staging}:role/ci/${DEMO.aws.stagingRoleName}`;
const PROD_ADMIN = `arn:aws:iam::${accounts.prod}:role/ci/${DEMO.aws.prodAdminRoleName}`;
const REPO = `ext:github-repo:${DEMO.github.org}/${DEMO.repo.name}`;

test('story: a leaked sandbox key → a staging role (account-root trust) → a production admin role', { timeout: 120_000 }, () => {
  const paths = nhi(dir, ['paths', DEMO.aws.sandboxLeakedAccessKeyId, '--json']);
  assert.equal(paths.code, 0, paths.err);
  const out = JSON.parse(paths.out) as { paths: { target: string; path: { steps: { mechanism: string; to: string; evidence: string }[] } | null }[] };
  const steps = out.paths.find((p) => p.target === 'admin')?.path?.steps ?? [];
  assert.deepEqual(steps.map((h) => `${h.mechanism}>${h.to}`).slice(-2), [`may-assume>${STAGING_ROLE}`, `may-assume>${PROD_ADMIN}`], paths.out);
  assert.match(steps.at(-2)?.evidence ?? '', new RegExp(`trusts account ${accounts.sandbox}, and smoke-tests \\(inline\\) statement "AssumeStaging" allows sts:AssumeRole`));

  const report = JSON.parse(nhi(dir, ['report', '--format', 'json']).out) as { findings: { rule: string; severity: string; message: string; evidence: { chain?: { to: string }[]; keyId?: string } }[] };
  const leak = report.findings.find((f) => f.rule === 'leaked-credential' && f.evidence.keyId === DEMO.aws.sandboxLeakedAccessKeyId);
  assert.equal(leak?.severity, 'critical', 'the leak of a non-admin user that reaches admin is critical');
  assert.deepEqual(leak?.evidence.chain?.slice(-2).map((h) => h.to), [STAGING_ROLE, PROD_ADMIN]);
  assert.ok(report.findings.some((f) => f.rule === 'environment-crossing' && /sandbox-ci-runner/.test(f.message)), 'a sandbox identity reaching production admin crosses environments');

  const sarif = JSON.parse(nhi(dir, ['report', '--format', 'sarif']).out) as { runs: { results: { ruleId: string; message: { text: string }; relatedLocations?: { message: { text: string } }[] }[] }[] };
  const god = sarif.runs[0]!.results.find((r) => r.ruleId === 'god-mode' && /sandbox-ci-runner can become admin/.test(r.message.text));
  assert.ok(god, 'god-mode on the chain');
  assert.match(god.message.text, /Chain:\n1\. .*sandbox-ci-runner may assume .*staging-release/);
  assert.deepEqual(god.relatedLocations?.map((l) => /^hop \d \((may-assume)\)/.exec(l.message.text)?.[1]), ['may-assume', 'may-assume']);
});

test('story: a repository → GitHub OIDC → the AWS deploy role and the GCP CI account → Token Creator on a production owner', { timeout: 120_000 }, () => {
  const toOwner = nhi(dir, ['paths', REPO, '--to', 'terraform-prod@acme-prod.iam.gserviceaccount.com']);
  assert.equal(toOwner.code, 0, toOwner.err);
  assert.match(toOwner.out, /1\. ext:github-repo:acme-corp\/acme-deploy-scripts\s+is trusted through federation by ci-deployer@acme-ci\.iam\.gserviceaccount\.com/);
  assert.match(toOwner.out, /2\. ci-deployer@acme-ci\.iam\.gserviceaccount\.com\s+may mint tokens for terraform-prod@acme-prod\.iam\.gserviceaccount\.com/);
  const toAws = nhi(dir, ['paths', REPO, '--to', 'github-actions-deploy']);
  assert.equal(toAws.code, 0, toAws.err);
  assert.match(toAws.out, /is trusted through federation by github-actions-deploy/);
  const show = nhi(dir, ['show', 'terraform-prod@acme-prod.iam.gserviceaccount.com']);
  assert.match(show.out, /^ci-deployer@acme-ci\.iam\.gserviceaccount\.com .*\s1\s+mint-token/m, 'who can become the production owner');
});

test('story: any member of the organisation can push to that repository (base permission write), so the chain starts with them', { timeout: 120_000 }, () => {
  const members = `ext:github-members:${DEMO.github.org}`;
  const toOwner = nhi(dir, ['paths', members, '--to', 'terraform-prod@acme-prod.iam.gserviceaccount.com']);
  assert.equal(toOwner.code, 0, toOwner.err);
  assert.match(toOwner.out, /1\. ext:github-members:acme-corp\s+may push to ext:github-repo:acme-corp\/acme-deploy-scripts\s+evidence: default repository permission write: every member \(\d+\) of acme-corp can push to every repository/);
  assert.match(toOwner.out, /3\. ci-deployer@acme-ci\.iam\.gserviceaccount\.com\s+may mint tokens for terraform-prod@acme-prod\.iam\.gserviceaccount\.com/);
  const toAws = nhi(dir, ['paths', members, '--to', 'github-actions-release']);
  assert.match(toAws.out, /ext:github-subject:repo:acme-corp\/acme-deploy-scripts:ref:refs\/heads\/main\s+is trusted through federation by github-actions-release/);

  const report = JSON.parse(nhi(dir, ['report', '--format', 'json']).out) as { findings: { rule: string; severity: string; message: string; identity?: { id: string }; evidence: { pushedBy?: string; pushChain?: { from: string; to: string }[] } }[] };
  const trust = report.findings.find((f) => f.rule === 'external-trust' && f.identity?.id === 'ci-deployer@acme-ci.iam.gserviceaccount.com' && f.evidence.pushedBy);
  assert.ok(trust, 'the OIDC trust of the CI service account says who can push to its repository');
  assert.match(trust.message, /every member of acme-corp can push to acme-corp\/acme-deploy-scripts/);
  assert.deepEqual(trust.evidence.pushChain?.map((h) => `${h.from}>${h.to}`), [`${members}>${REPO}`]);
});

test('story: a team with write on that repository, and an outside collaborator with write on infra, start chains too', { timeout: 120_000 }, () => {
  const team = 'ext:github-team:acme-corp/release-engineering';
  const toOwner = nhi(dir, ['paths', team, '--to', 'terraform-prod@acme-prod.iam.gserviceaccount.com']);
  assert.equal(toOwner.code, 0, toOwner.err);
  assert.match(toOwner.out, /1\. ext:github-team:acme-corp\/release-engineering\s+may push to ext:github-repo:acme-corp\/acme-deploy-scripts\s+evidence: team Release engineering \(acme-corp\/release-engineering\) has write on acme-corp\/acme-deploy-scripts/);
  const show = nhi(dir, ['show', 'ci-deployer@acme-ci.iam.gserviceaccount.com']);
  assert.match(show.out, /^ext:github-team:acme-corp\/release-engineering\s+2\s+push-to-repository/m, 'the CI account lists the team among who can become it');

  const outside = nhi(dir, ['paths', 'ext:github-user:vendor-consultant', '--to', 'prod']);
  assert.equal(outside.code, 0, outside.err);
  assert.match(outside.out, /outside collaborator vendor-consultant \(not a member of acme-corp\) has write on acme-corp\/infra/);
  assert.match(outside.out, /is trusted through federation by acme-gh-actions-infra/);
  const report = JSON.parse(nhi(dir, ['report', '--format', 'json']).out) as { findings: { rule: string; message: string; identity?: { name: string }; evidence: { outsideCollaborators?: { node: string }[] } }[] };
  const trust = report.findings.find((f) => f.rule === 'external-trust' && f.identity?.name === 'acme-gh-actions-infra');
  assert.ok(trust, 'a trust pinned to an environment is still flagged when someone outside the organisation can push to its repository');
  assert.deepEqual(trust.evidence.outsideCollaborators?.map((o) => o.node), ['ext:github-user:vendor-consultant']);
});
