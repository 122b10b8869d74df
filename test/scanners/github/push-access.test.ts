// Who else can push to a repository: teams (GET /orgs/{org}/teams, then each team's repositories)
// and outside collaborators (GET /repos/{o}/{r}/collaborators?affiliation=outside), read through
// the real Octokit from a local endpoint in GitHub's wire format: lists of two pages, read and
// triage grants left out, and a token that may not read them leaving notes, never a failed scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityRecord, ScanRecord, TrustRecord } from '../../../src/model/records.js';
import { githubScanner } from '../../../scanners/github/index.js';
import { forbidden, type FakeRoutes } from '../../../scanners/github/demo/fake-github.js';
import { deployKey, repo, user } from '../../../scanners/github/demo/fixtures.js';
import { collaborator, team, teamRepo } from '../../../scanners/github/demo/fixtures-access.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import { emptyOrgRoutes, startFakeGitHub, testOptions } from './helpers.js';

const org = 'octo-org';
const now = new Date('2026-11-20T12:00:00Z');

/** Two repositories with empty per-repository lists and a write deploy key on `deploy`. */
function estate(extra: FakeRoutes): FakeRoutes {
  const routes: FakeRoutes = {
    ...emptyOrgRoutes(org),
    [`GET /orgs/${org}/members`]: { items: [user('ana')] },
    [`GET /orgs/${org}/outside_collaborators`]: { items: [user('vendor-x')] },
    [`GET /orgs/${org}/repos`]: { items: [repo(org, 'deploy'), repo(org, 'web')] },
  };
  for (const r of ['deploy', 'web']) {
    routes[`GET /repos/${org}/${r}/keys`] = { items: r === 'deploy' ? [deployKey(`${org}/deploy`, { id: 11, title: 'release', readOnly: false, createdAt: '2026-01-01T00:00:00Z', addedBy: 'ana', lastUsed: null })] : [] };
    routes[`GET /repos/${org}/${r}/hooks`] = { items: [] };
    routes[`GET /repos/${org}/${r}/environments`] = { items: [], wrap: 'environments' };
    routes[`GET /repos/${org}/${r}/actions/secrets`] = { items: [], wrap: 'secrets' };
    routes[`GET /repos/${org}/${r}/collaborators?affiliation=outside`] = { items: [] };
  }
  return { ...routes, ...extra };
}

async function scan(routes: FakeRoutes) {
  const server = await startFakeGitHub(routes);
  try {
    const res = await collect({ scanner: githubScanner, options: testOptions(server, { org: [org] }), now });
    return { res, requests: server.requests };
  } finally {
    await server.close();
  }
}

const pushRows = (records: ScanRecord[]) =>
  records
    .filter((r): r is TrustRecord => r.type === 'trust' && typeof r.attributes?.repositoryRole === 'string')
    .map((t) => `${t.principal} ${String(t.attributes?.repositoryRole)} ${t.identityId}`)
    .sort();

test('github: teams and outside collaborators with write or higher, over two pages each, become push rows; read, triage and archived do not', async () => {
  // 120 repositories of the platform team: read on the first page, write on `deploy` on the second.
  const platformRepos = [...Array.from({ length: 119 }, (_, i) => teamRepo(org, `lib-${i}`, 'read')), teamRepo(org, 'deploy', 'write')];
  const archived = { ...teamRepo(org, 'old-infra', 'admin'), archived: true };
  // 110 outside collaborators of `deploy`: readers, and vendor-x with maintain on the second page.
  const deployCollaborators = [...Array.from({ length: 109 }, (_, i) => collaborator(`reader-${i}`, 'read')), collaborator('vendor-x', 'maintain')];
  const { res, requests } = await scan(
    estate({
      [`GET /orgs/${org}/teams`]: { items: [team(org, 'platform', { id: 1, name: 'Platform' }), team(org, 'docs', { id: 2 })] },
      [`GET /orgs/${org}/teams/platform/repos`]: { items: [...platformRepos, archived] },
      [`GET /orgs/${org}/teams/docs/repos`]: { items: [teamRepo(org, 'web', 'triage')] },
      [`GET /repos/${org}/deploy/collaborators?affiliation=outside`]: { items: deployCollaborators },
      [`GET /repos/${org}/web/collaborators?affiliation=outside`]: { items: [collaborator('vendor-x', 'admin')] },
    }),
  );
  assert.deepEqual(res.errors, []);
  assert.deepEqual(res.notes.filter((n) => /teams|collaborators/.test(n.operation ?? '')), []);
  assert.deepEqual(pushRows(res.records), [
    `ext:github-team:${org}/platform write ext:github-repo:${org}/deploy`,
    `ext:github-user:vendor-x admin ext:github-repo:${org}/web`,
    `ext:github-user:vendor-x maintain ext:github-repo:${org}/deploy`,
  ]);
  const outside = res.records.find((r): r is TrustRecord => r.type === 'trust' && r.principal === 'ext:github-user:vendor-x' && r.identityId.endsWith('/deploy'));
  assert.equal(outside?.principalType, 'external-account');
  assert.equal(outside?.attributes?.why, `outside collaborator vendor-x (not a member of ${org}) has maintain on ${org}/deploy`);
  const pages = (path: string) => requests.filter((r) => r.path === path).map((r) => `${r.query.get('per_page')}:${r.query.get('page') ?? '1'}`);
  assert.deepEqual(pages(`/orgs/${org}/teams/platform/repos`), ['100:1', '100:2']);
  assert.deepEqual(pages(`/repos/${org}/deploy/collaborators`), ['100:1', '100:2']);
  assert.ok(requests.filter((r) => r.path.endsWith('/collaborators')).every((r) => r.query.get('affiliation') === 'outside'));
});

test('github: a token that may not list teams or a repository\'s collaborators leaves notes; the scan completes with its repositories', async () => {
  const { res } = await scan(
    estate({
      [`GET /orgs/${org}/teams`]: forbidden(),
      [`GET /repos/${org}/deploy/collaborators?affiliation=outside`]: forbidden('Must have push access to view repository collaborators.'),
      [`GET /repos/${org}/web/collaborators?affiliation=outside`]: { items: [collaborator('vendor-x', 'write')] },
    }),
  );
  assert.deepEqual(res.errors, []);
  assert.deepEqual(res.completedTargets, [`github:${org}`]);
  const teams = res.notes.find((n) => n.operation === 'GET /orgs/{org}/teams');
  assert.match(teams?.message ?? '', /the teams of octo-org could not be read \(GET \/orgs\/\{org\}\/teams answered 403\).*Members: read/);
  const collaborators = res.notes.find((n) => n.operation === 'GET /repos/{owner}/{repo}/collaborators');
  assert.match(collaborators?.message ?? '', /outside collaborators of 1 repository \(octo-org\/deploy\)/);
  // The repositories are still read: the deploy key, and the other repository's collaborator.
  assert.ok(res.records.some((r) => r.type === 'identity' && (r as IdentityRecord).kind === 'deploy_key'));
  assert.deepEqual(pushRows(res.records), [`ext:github-user:vendor-x write ext:github-repo:${org}/web`]);
});

test('github: an organisation without outside collaborators is not asked for each repository\'s; a team whose repositories are hidden is a note', async () => {
  const { res, requests } = await scan(
    estate({
      [`GET /orgs/${org}/outside_collaborators`]: { items: [] },
      [`GET /orgs/${org}/teams`]: { items: [team(org, 'secret-team', { id: 1 }), team(org, 'ops', { id: 2 })] },
      [`GET /orgs/${org}/teams/secret-team/repos`]: forbidden(),
      [`GET /orgs/${org}/teams/ops/repos`]: { items: [teamRepo(org, 'web', 'admin')] },
    }),
  );
  assert.deepEqual(res.errors, []);
  assert.equal(requests.filter((r) => r.path.endsWith('/collaborators')).length, 0);
  assert.deepEqual(pushRows(res.records), [`ext:github-team:${org}/ops admin ext:github-repo:${org}/web`]);
  const note = res.notes.find((n) => n.operation === 'GET /orgs/{org}/teams/{team_slug}/repos');
  assert.match(note?.message ?? '', /the repositories of 1 team \(secret-team\) could not be read/);
});
