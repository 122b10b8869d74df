// Owners from git on repositories built in the test: the author of the commit that introduced a
// leaked key (its earliest sighting, not a later copy), filed under the key id so it counts for the
// identity holding that key, and the recent committers of the file where a secret sits now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { OwnerCandidateRecord } from '../../../src/model/records.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import { repoScanner } from '../../../scanners/repo/index.js';
import { fake, seeded } from '../../../scanners/repo/samples.js';
import { TestRepo, tempDir } from './helpers.js';

const r = seeded(7);
const candidates = (recs: { type: string }[]) => recs.filter((x): x is OwnerCandidateRecord => x.type === 'owner_candidate');

test('the author of the leaking commit and the file\'s recent committers become owner candidates', async () => {
  const t = tempDir();
  try {
    const repo = new TestRepo(join(t.dir, 'service'));
    const awsId = fake.awsKeyId('AKIA', r);
    const awsSecret = fake.awsSecret(r);
    repo.write({ 'README.md': '# service\n' }).commit('init', 'Ann', 'ann@example.org', '2023-01-01T00:00:00Z');
    const leak = repo.write({ 'deploy/env.sh': `export AWS_ACCESS_KEY_ID=${awsId}\nexport AWS_SECRET_ACCESS_KEY=${awsSecret}\n` }).commit('deploy creds', 'Bob Leaker', 'Bob@Example.org', '2023-02-03T04:05:06Z');
    // A later copy elsewhere by someone else: not who introduced it.
    repo.write({ 'scripts/copy.sh': `KEY=${awsId}\nSECRET=${awsSecret}\n` }).commit('copy', 'Cy', 'cy@example.org', '2023-03-01T00:00:00Z');
    repo.write({ 'deploy/env.sh': `export AWS_ACCESS_KEY_ID=${awsId}\nexport AWS_SECRET_ACCESS_KEY=${awsSecret}\n# touched\n` }).commit('touch', 'Dee', '41+dee-gh@users.noreply.github.com', '2023-04-01T00:00:00Z');

    const res = await collect({ scanner: repoScanner, options: { paths: [repo.dir], history: true, ownersFromLogs: true } });
    assert.deepEqual(res.errors, []);
    const got = candidates(res.records).map((c) => `${c.identityId} ${c.event} ${c.person} ${c.confidence}`).sort();
    assert.deepEqual(got, [
      `key:${awsId} commit ${leak.slice(0, 12)} bob@example.org 70`,
      `key:${awsId} last commit to deploy/env.sh bob@example.org 30`,
      `key:${awsId} last commit to deploy/env.sh github:dee-gh 30`,
      `key:${awsId} last commit to scripts/copy.sh cy@example.org 30`,
    ]);
    const leaked = candidates(res.records).find((c) => c.confidence === 70)!;
    assert.equal(leaked.at, '2023-02-03T04:05:06.000Z');
    assert.equal(leaked.handle, 'Bob Leaker');
    assert.equal(leaked.evidence, `key leaked in a commit by bob@example.org on 2023-02-03 via git history (commit ${leak.slice(0, 12)})`);

    const off = await collect({ scanner: repoScanner, options: { paths: [repo.dir], history: true } });
    assert.equal(candidates(off.records).length, 0, 'only with --owners-from-logs');
  } finally {
    t.cleanup();
  }
});
