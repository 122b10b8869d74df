// A team or an outside collaborator with write on one repository reaches the cloud identities
// that trust that repository's workflows: the rows the GitHub scanner writes (its own
// normalizers, on GitHub's wire shapes) next to AWS roles trusting GitHub Actions OIDC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrustRecord } from '../../src/model/records.js';
import { reachFromRows, type Hop } from '../../src/reach/index.js';
import { normalizeOutsideCollaborator, normalizeTeamRepo } from '../../scanners/github/push-grants.js';
import type { OrgFacts } from '../../scanners/github/normalize.js';
import { repo } from '../../scanners/github/demo/fixtures.js';
import { collaborator, team, teamRepo } from '../../scanners/github/demo/fixtures-access.js';
import { createProtector } from '../../src/secrets/protect.js';

const org = 'octo-org';
const f: OrgFacts = { org, scope: `github:${org}`, people: new Set(['ana']), outside: new Set(['vendor-x']), secrets: createProtector(Buffer.alloc(32, 7)), now: new Date('2026-11-20T12:00:00Z') };
const DEPLOY = 'arn:aws:iam::111111111111:role/deploy-admin';
const INFRA = 'arn:aws:iam::111111111111:role/infra-admin';
const path = (chain: Hop[]) => chain.map((h) => `${h.mechanism}>${h.to}`);

function awsAdminTrusting(role: string, sub: string) {
  return {
    identity: { id: role, provider: 'aws', scope: 'aws:111111111111', kind: 'iam_role', name: role.split('/').pop() as string },
    grant: { identityId: role, provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin' as const, via: 'direct', evidence: null },
    trust: {
      identityId: role,
      provider: 'aws',
      principal: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
      principalType: 'federated' as const,
      condition: `StringLike token.actions.githubusercontent.com:sub=${sub}`,
      attributes: { protocol: 'oidc', issuer: 'token.actions.githubusercontent.com' },
    },
  };
}

function reachOver(github: TrustRecord[]) {
  const roles = [awsAdminTrusting(DEPLOY, `repo:${org}/deploy:*`), awsAdminTrusting(INFRA, `repo:${org}/infra:ref:refs/heads/main`)];
  return reachFromRows({
    identities: roles.map((r) => r.identity),
    credentials: [],
    grants: roles.map((r) => r.grant),
    trusts: [...github.map((t) => ({ ...t, condition: t.condition ?? null })), ...roles.map((r) => r.trust)],
  }).reach;
}

const rows = [
  ...normalizeTeamRepo(team(org, 'platform', { id: 1, name: 'Platform' }), teamRepo(org, 'deploy', 'write'), f),
  ...normalizeTeamRepo(team(org, 'readers', { id: 2 }), teamRepo(org, 'deploy', 'read'), f),
  ...normalizeOutsideCollaborator(collaborator('vendor-x', 'write'), repo(org, 'infra'), f),
];

test('reach: a team with write on a repository reaches the admin role trusting its workflows', () => {
  const reach = reachOver(rows);
  const r = reach.strongest(`ext:github-team:${org}/platform`);
  assert.equal(r.privilege, 'admin');
  assert.deepEqual(path(r.chain), [`push-to-repository>ext:github-repo:${org}/deploy`, `federation>${DEPLOY}`]);
  assert.match(r.chain[0]!.evidence, /team Platform \(octo-org\/platform\) has write on octo-org\/deploy: can push, so can run its workflows/);
  assert.ok(reach.reachersOf(DEPLOY).some((w) => w.id === `ext:github-team:${org}/platform`), 'the role lists the team among who can become it');
  assert.equal(reach.strongest(`ext:github-team:${org}/readers`).privilege, null, 'a read grant is no way in');
});

test('reach: an outside collaborator with write reaches an admin role pinned to a branch of that repository', () => {
  const reach = reachOver(rows);
  const r = reach.strongest('ext:github-user:vendor-x');
  assert.equal(r.privilege, 'admin');
  assert.deepEqual(path(r.chain), [`push-to-repository>ext:github-repo:${org}/infra`, `push-to-repository>ext:github-subject:repo:${org}/infra:ref:refs/heads/main`, `federation>${INFRA}`]);
  assert.match(r.chain[0]!.evidence, /outside collaborator vendor-x \(not a member of octo-org\) has write on octo-org\/infra/);
  assert.ok(reach.reachersOf(INFRA).some((w) => w.id === 'ext:github-user:vendor-x'));
});
