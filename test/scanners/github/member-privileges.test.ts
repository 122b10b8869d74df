// An organisation whose base permission lets every member push: GET /orgs/{org} read through the
// real Octokit from a local endpoint in GitHub's wire format, its record turned into reach with an
// AWS role trusting one repository's workflows (repositories are not listed here). The chain reads members of the org → push → repository → OIDC → the cloud role trusting it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrustRecord } from '../../../src/model/records.js';
import { githubScanner } from '../../../scanners/github/index.js';
import { forbidden } from '../../../scanners/github/demo/fake-github.js';
import { organization, user } from '../../../scanners/github/demo/fixtures.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import { reachFromRows, type Hop } from '../../../src/reach/index.js';
import { emptyOrgRoutes, startFakeGitHub, testOptions } from './helpers.js';

const org = 'octo-org';
const now = new Date('2026-11-20T12:00:00Z');
const members = [user('ana'), user('ben'), user('cho')];
const path = (chain: Hop[]) => chain.map((h) => `${h.mechanism}>${h.to}`);
const ROLE = 'arn:aws:iam::111111111111:role/deploy';

async function scanWith(orgRoute: ReturnType<typeof organization> | ReturnType<typeof forbidden>) {
  const server = await startFakeGitHub({
    ...emptyOrgRoutes(org),
    [`GET /orgs/${org}/members?role=admin`]: { items: [members[0]] },
    [`GET /orgs/${org}/members`]: { items: members },
    [`GET /orgs/${org}`]: 'status' in orgRoute ? orgRoute : { status: 200, body: orgRoute },
  });
  try {
    return await collect({ scanner: githubScanner, options: testOptions(server, { org: [org], skipRepos: true }), now });
  } finally {
    await server.close();
  }
}

/** The GitHub records, an AWS admin role trusting any ref of octo-org/deploy, and reach over both. */
function reachWithRole(records: Awaited<ReturnType<typeof scanWith>>['records']) {
  const trusts = records.filter((r): r is TrustRecord => r.type === 'trust').map((t) => ({ ...t, condition: t.condition ?? null }));
  return reachFromRows({
    identities: [{ id: ROLE, provider: 'aws', scope: 'aws:111111111111', kind: 'iam_role', name: 'deploy' }],
    credentials: [],
    grants: [{ identityId: ROLE, provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin', via: 'direct', evidence: null }],
    trusts: [
      ...trusts,
      {
        identityId: ROLE,
        provider: 'aws',
        principal: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com',
        principalType: 'federated',
        condition: `StringLike token.actions.githubusercontent.com:sub=repo:${org}/deploy:*`,
        attributes: { protocol: 'oidc', issuer: 'token.actions.githubusercontent.com' },
      },
    ],
  }).reach;
}

test('github: a default repository permission of write lets every member push: members → repository → OIDC → the role', async () => {
  const res = await scanWith(organization(org, { defaultRepositoryPermission: 'write' }));
  assert.deepEqual(res.errors, []);
  const t = res.records.find((r): r is TrustRecord => r.type === 'trust' && r.principal === `ext:github-members:${org}`);
  assert.ok(t, 'a trust row for the members');
  assert.equal(t.identityId, `ext:github-org:${org}`);
  assert.deepEqual(t.attributes, { defaultRepositoryPermission: 'write', members: 3, membersCanCreateRepositories: true, why: `default repository permission write: every member (3) of ${org} can push to every repository` });
  const reach = reachWithRole(res.records);
  const r = reach.strongest(`ext:github-members:${org}`);
  assert.equal(r.privilege, 'admin');
  assert.deepEqual(path(r.chain), [`push-to-repository>ext:github-repo:${org}/deploy`, `federation>${ROLE}`]);
  assert.match(r.chain[0]!.evidence, /every member \(3\) of octo-org can push to every repository, octo-org\/deploy among them/);
  assert.ok(reach.reachersOf(ROLE).some((w) => w.id === `ext:github-members:${org}`), 'the role lists the members among who can become it');
});

test('github: a default repository permission of read is no way in', async () => {
  const res = await scanWith(organization(org, { defaultRepositoryPermission: 'read' }));
  assert.deepEqual(res.errors, []);
  assert.equal(res.records.filter((r) => r.type === 'trust').length, 0);
  assert.equal(reachWithRole(res.records).strongest(`ext:github-members:${org}`).privilege, null);
});

test('github: member privileges hidden from a non-owner, or the organisation forbidden, are a note, never an error', async () => {
  for (const route of [organization(org, { defaultRepositoryPermission: null }), forbidden()]) {
    const res = await scanWith(route);
    assert.deepEqual(res.errors, []);
    const note = res.notes.find((n) => n.operation === 'GET /orgs/{org}');
    assert.ok(note, JSON.stringify(res.notes));
    assert.match(note.message, /Administration: read/);
  }
});
