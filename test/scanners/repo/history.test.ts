// Git history on repositories built in the test with the git CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialRecord } from '../../../src/model/records.js';
import { assertScannerAcceptance, collect } from '../../helpers/scanner-acceptance.js';
import { repoScanner } from '../../../scanners/repo/index.js';
import { fake, fakeGcpKeyJson, seeded } from '../../../scanners/repo/samples.js';
import { TestRepo, tempDir } from './helpers.js';

const r = seeded(99);
const creds = (recs: { type: string }[]) => recs.filter((x): x is CredentialRecord => x.type === 'credential');

test('a secret added then deleted is found only with --history, with commit, author, date and line', async () => {
  const t = tempDir();
  try {
    const repo = new TestRepo(join(t.dir, 'service'));
    const awsId = fake.awsKeyId('AKIA', r);
    const awsSecret = fake.awsSecret(r);
    const gcp = fakeGcpKeyJson({ projectId: 'acme-ci', email: 'ci@acme-ci.iam.gserviceaccount.com', rand: r });
    repo.write({ 'README.md': '# service\n', 'src/main.py': 'print("hi")\n' }).commit('init', 'Ann', 'ann@example.org', '2023-01-01T00:00:00Z');
    repo.write({ 'src/main.py': `import boto3\n\nKEY = "${awsId}"\nSECRET = "${awsSecret}"\n`, 'ci/key.json': gcp.json });
    const leak = repo.commit('add deploy creds', 'Bob Leaker', 'bob@example.org', '2023-02-03T04:05:06Z');
    repo.write({ 'src/main.py': 'import boto3\n\nKEY = os.environ["KEY"]\n' }).remove('ci/key.json').commit('remove creds', 'Ann', 'ann@example.org', '2023-02-04T00:00:00Z');
    // on another branch, the same secret again (a second sighting of the same credential)
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.write({ 'scripts/deploy.sh': `export AWS_ACCESS_KEY_ID=${awsId}\nexport AWS_SECRET_ACCESS_KEY=${awsSecret}\n` });
    const again = repo.commit('deploy script', 'Cy', 'cy@example.org', '2023-03-01T00:00:00Z');
    repo.git(['checkout', '-q', 'main']);

    const tree = await collect({ scanner: repoScanner, options: { paths: [repo.dir] } });
    assert.equal(creds(tree.records).length, 0, 'the working tree of main is clean');

    const res = await assertScannerAcceptance({ scanner: repoScanner, options: { paths: [repo.dir], history: true }, secrets: [awsSecret] });
    try {
      const c = creds(res.records);
      const secretSightings = c.filter((x) => x.attributes?.detector === 'aws-secret-access-key');
      assert.equal(secretSightings.length, 2);
      assert.equal(new Set(secretSightings.map((x) => x.id)).size, 1, 'one credential, two sightings');
      assert.deepEqual(secretSightings.map((x) => x.keyId), [awsId, awsId]);
      const first = secretSightings.find((x) => x.location?.commit === leak);
      assert.deepEqual(first?.location, { repo: repo.dir, path: 'src/main.py', line: 4, commit: leak, author: 'Bob Leaker <bob@example.org>', date: '2023-02-03T04:05:06.000Z' });
      const second = secretSightings.find((x) => x.location?.commit === again);
      assert.equal(second?.location?.path, 'scripts/deploy.sh');
      assert.equal(second?.location?.line, 2);
      const g = c.find((x) => x.attributes?.detector === 'gcp-service-account-key');
      assert.equal(g?.keyId, gcp.keyId);
      assert.equal(g?.location?.commit, leak);
      assert.equal(g?.attributes?.clientEmail, 'ci@acme-ci.iam.gserviceaccount.com');
      assert.equal(res.errors.length, 0);
      assert.equal(res.notes.length, 0, JSON.stringify(res.notes));
    } finally {
      res.cleanup();
    }
  } finally {
    t.cleanup();
  }
});

test('history skips vendored paths and binaries; a folder without .git gets a note', async () => {
  const t = tempDir();
  try {
    const repo = new TestRepo(join(t.dir, 'web'));
    repo.write({ 'node_modules/x/index.js': `const t = "${fake.githubToken('ghp', r)}";\n` });
    writeFileSync(join(repo.dir, 'data.bin'), Buffer.concat([Buffer.from([0, 0, 0]), Buffer.from(fake.githubToken('ghp', r))]));
    repo.commit('vendored + binary');
    const res = await collect({ scanner: repoScanner, options: { paths: [repo.dir], history: true } });
    assert.equal(creds(res.records).length, 0);
    const plain = join(t.dir, 'plain');
    new TestRepo(plain).remove('.git');
    const res2 = await collect({ scanner: repoScanner, options: { paths: [t.dir + '/web', plain], history: true } });
    assert.ok(res2.notes.some((n) => n.message.includes('not the top folder of a git repository')));
  } finally {
    t.cleanup();
  }
});

test('a corrupt object becomes a note, not a crash; the working tree is still scanned', async () => {
  const t = tempDir();
  try {
    const repo = new TestRepo(join(t.dir, 'broken'));
    const token = fake.githubToken('ghp', r);
    repo.write({ 'a.txt': 'one\n' }).commit('one');
    repo.write({ 'b.txt': `token = "${token}"\n` }).commit('two');
    // Corrupt every loose blob object: git log -p cannot inflate them.
    const objects = join(repo.dir, '.git', 'objects');
    const blobs = repo.git(['rev-list', '--objects', '--all']).split('\n').map((l) => l.split(' ')).filter((p) => p[1]).map((p) => p[0]);
    for (const sha of blobs) {
      const dir = join(objects, sha.slice(0, 2));
      if (readdirSync(dir).includes(sha.slice(2))) writeFileSync(join(dir, sha.slice(2)), 'garbage, not zlib');
    }
    const res = await collect({ scanner: repoScanner, options: { paths: [repo.dir], history: true } });
    assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
    assert.ok(res.notes.some((n) => /git history could not be read completely/.test(n.message)), JSON.stringify(res.notes));
    assert.deepEqual(creds(res.records).map((x) => x.location?.path), ['b.txt'], 'the working-tree copy is found');
    assert.ok(!JSON.stringify(res.notes).includes(token));
  } finally {
    t.cleanup();
  }
});

test('history keeps unusual file names (quoted by git) and line numbers of later hunks', async () => {
  const t = tempDir();
  try {
    const repo = new TestRepo(join(t.dir, 'names'));
    const token = fake.githubToken('ghs', r);
    repo.write({ 'conf/we"ird\tname €.txt': 'a\nb\nc\nd\n' }).commit('one');
    repo.write({ 'conf/we"ird\tname €.txt': `a\nb\nc\nd\ne\ntoken: ${token}\n` });
    const sha = repo.commit('two');
    repo.remove('conf/we"ird\tname €.txt').commit('three');
    const res = await collect({ scanner: repoScanner, options: { paths: [repo.dir], history: true } });
    assert.deepEqual(creds(res.records).map((x) => [x.location?.path, x.location?.line, x.location?.commit]), [['conf/we"ird\tname €.txt', 6, sha]]);
  } finally {
    t.cleanup();
  }
});

