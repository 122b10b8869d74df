// `nhi scan repo --staged`: only what the next commit adds is read, through the scanner
// (inventory) and through the pre-commit check (bin/nhi, no inventory, exit codes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { CredentialRecord } from '../../../src/model/records.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import { repoScanner } from '../../../scanners/repo/index.js';
import { checkStaged, parseStagedArgs } from '../../../scanners/repo/staged-check.js';
import { fake, seeded } from '../../../scanners/repo/samples.js';
import { TestRepo, tempDir, writeTree } from './helpers.js';

const r = seeded(99);

function repoWithStagedSecret(dir: string) {
  const committed = fake.githubToken('ghp', r);
  const staged = fake.githubToken('ghp', r);
  const unstaged = fake.githubToken('ghp', r);
  const repo = new TestRepo(dir).write({ 'old.ts': `const t = "${committed}";\n`, 'README.md': 'hello\n' });
  repo.commit('first');
  repo.write({ 'src/new.ts': `// added\nexport const token = "${staged}";\n` });
  repo.git(['add', 'src/new.ts']);
  writeTree(dir, { 'notes.txt': `token=${unstaged}\n` }); // on disk, not staged
  return { committed, staged, unstaged };
}

test('--staged reads only the staged changes: not the committed tree, not unstaged files', async () => {
  const t = tempDir();
  try {
    const s = repoWithStagedSecret(t.dir);
    const res = await collect({ scanner: repoScanner, options: { paths: [t.dir], staged: true } });
    assert.deepEqual(res.errors, []);
    const creds = res.records.filter((x): x is CredentialRecord => x.type === 'credential');
    assert.deepEqual(creds.map((c) => [c.location?.path, c.location?.line]), [['src/new.ts', 2]]);
    const check = await checkStaged(t.dir);
    assert.deepEqual(check.findings.map((f) => [f.path, f.line, f.detector]), [['src/new.ts', 2, 'github-token']]);
    assert.ok(!JSON.stringify(check).includes(s.staged), 'no secret value in the output');
  } finally {
    t.cleanup();
  }
});

test('--staged outside a git repository fails the target with a fix', async () => {
  const t = tempDir();
  try {
    const res = await collect({ scanner: repoScanner, options: { paths: [t.dir], staged: true } });
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].code, 'not-a-git-repository');
    assert.match(res.errors[0].fix ?? '', /top folder/);
  } finally {
    t.cleanup();
  }
});

test('the pre-commit check: exit 1 with redacted findings, 0 when clean, 2 outside a repository; other flags go to the full CLI', () => {
  const t = tempDir();
  try {
    const s = repoWithStagedSecret(t.dir);
    const bin = resolve('bin/nhi');
    const run = (cwd: string) => spawnSync(process.execPath, [bin, 'scan', 'repo', '--staged'], { cwd, encoding: 'utf8' });
    const dirty = run(t.dir);
    if (dirty.status === 2 && /compiled CLI is missing/.test(dirty.stderr)) assert.fail('run `npm run build` first: bin/nhi needs dist/');
    assert.equal(dirty.status, 1, dirty.stderr);
    assert.match(dirty.stdout, /^src\/new\.ts:2 .*github-token/);
    assert.ok(!dirty.stdout.includes(s.staged) && !dirty.stderr.includes(s.staged), 'the secret value is never printed');
    spawnSync('git', ['reset', '-q', 'src/new.ts'], { cwd: t.dir });
    const clean = run(t.dir);
    assert.equal(clean.status, 0, clean.stderr);
    const none = tempDir();
    try {
      assert.equal(run(none.dir).status, 2);
    } finally {
      none.cleanup();
    }
  } finally {
    t.cleanup();
  }
  assert.deepEqual(parseStagedArgs(['--staged']), { path: '.', json: false, includeFixtures: false });
  assert.equal(parseStagedArgs(['--staged', '--history']), null);
  assert.equal(parseStagedArgs(['.']), null);
});
