// The scanner through the real pipeline on real directories: records, skips, symlinks,
// unreadable files, workers, acceptance (no secret value in records or the database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { CredentialRecord } from '../../../src/model/records.js';
import { assertScannerAcceptance, collect } from '../../helpers/scanner-acceptance.js';
import { repoScanner } from '../../../scanners/repo/index.js';
import { fake, fakeGcpKeyJson, seeded } from '../../../scanners/repo/samples.js';
import { tempDir, writeTree } from './helpers.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { ConfigError } from '../../../src/errors.js';

const r = seeded(1234);
const creds = (recs: { type: string }[]) => recs.filter((x): x is CredentialRecord => x.type === 'credential');

function sampleTree(root: string) {
  const awsId = fake.awsKeyId('AKIA', r);
  const awsSecret = fake.awsSecret(r);
  const gh = fake.githubToken('ghp', r);
  const gcp = fakeGcpKeyJson({ projectId: 'acme-data', email: 'etl@acme-data.iam.gserviceaccount.com', rand: r });
  const dbPw = fake.password(r);
  writeTree(root, {
    'deploy/.env': `AWS_ACCESS_KEY_ID=${awsId}\nAWS_SECRET_ACCESS_KEY=${awsSecret}\n`,
    'src/github.ts': `export const token = "${gh}";\n`,
    'src/copy-of-github.ts': `// same token, second sighting\nconst t = '${gh}';\n`,
    'keys/etl.json': gcp.json,
    'config/db.yaml': `url: postgres://etl:${dbPw}@db.acme.internal/etl\n`,
    'docs/README.md': 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\npassword: <your-password>\n',
    'node_modules/lib/index.js': `const leaked = "${fake.githubToken('ghp', r)}";\n`,
    'dist/bundle.js': `const leaked = "${fake.githubToken('ghp', r)}";\n`,
  });
  writeFileSync(join(root, 'src/blob.bin'), Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`token=${fake.githubToken('ghp', r)}`)]));
  writeFileSync(join(root, 'logo.png'), Buffer.from(`png ${fake.githubToken('ghp', r)}`));
  return { awsId, awsSecret, gh, gcp, dbPw, secrets: [awsSecret, gh, dbPw, gcp.json.match(/MII[^\\"]{20}/)?.[0] ?? ''] };
}

test('working tree: one credential per secret, many sightings; keyId for AWS and GCP; skips vendored and binary', async () => {
  const t = tempDir();
  try {
    const s = sampleTree(t.dir);
    const res = await assertScannerAcceptance({ scanner: repoScanner, options: { paths: [t.dir] }, secrets: s.secrets });
    try {
      const c = creds(res.records);
      const byDet = (d: string) => c.filter((x) => x.attributes?.detector === d);
      assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
      assert.deepEqual([...new Set(c.map((x) => x.attributes?.detector))].sort(), ['aws-access-key-id', 'aws-secret-access-key', 'database-url', 'gcp-service-account-key', 'github-token']);
      // AWS: key id and secret both carry the key id
      assert.deepEqual(byDet('aws-access-key-id').map((x) => x.keyId), [s.awsId]);
      assert.deepEqual(byDet('aws-secret-access-key').map((x) => x.keyId), [s.awsId]);
      // GCP: private_key_id and client email
      const g = byDet('gcp-service-account-key')[0];
      assert.equal(g.keyId, s.gcp.keyId);
      assert.equal(g.attributes?.clientEmail, 'etl@acme-data.iam.gserviceaccount.com');
      assert.equal(g.attributes?.provider, 'gcp');
      // one GitHub token, two sightings, same credential id
      const gh = byDet('github-token');
      assert.equal(gh.length, 2);
      assert.equal(new Set(gh.map((x) => x.id)).size, 1);
      assert.deepEqual(gh.map((x) => x.location?.path).sort(), ['src/copy-of-github.ts', 'src/github.ts']);
      for (const x of c) {
        assert.equal(x.kind, 'hardcoded_secret');
        assert.equal(x.provider, 'repo');
        assert.equal(x.identityId, null);
        assert.match(x.id, /^secret:[0-9a-f]{64}$/);
        assert.equal(x.id, `secret:${x.secretHash}`);
        assert.equal(x.scope, `repo:${t.dir.split('/').pop()}`);
        assert.equal(x.location?.repo, t.dir);
        assert.equal(x.attributes?.validity, 'unknown');
        assert.ok(x.location?.line && x.location.line > 0);
      }
      assert.equal(res.completedTargets[0], `repo:${t.dir}`);
      // the leaked-credential rule saw them (no live key here: severity from confidence)
      assert.ok(res.findings.some((f) => f.ruleId === 'leaked-credential'));
      assert.equal(res.summary.status, 'complete');
    } finally {
      res.cleanup();
    }
    // vendored folders are scanned when asked
    const all = await collect({ scanner: repoScanner, options: { paths: [t.dir], includeVendored: true, workers: 0 } });
    const paths = creds(all.records).map((x) => x.location?.path);
    assert.ok(paths.includes('node_modules/lib/index.js') && paths.includes('dist/bundle.js'));
    assert.ok(!paths.includes('src/blob.bin') && !paths.includes('logo.png'), 'binaries are never scanned');
  } finally {
    t.cleanup();
  }
});

test('symlinks are never followed out of the tree; large files are skipped with a note', async () => {
  const outside = tempDir('nhi-outside-');
  const t = tempDir();
  try {
    writeTree(outside.dir, { 'secret.txt': `token=${fake.githubToken('ghp', r)}\n`, 'dir/x.ts': `const t = "${fake.githubToken('ghp', r)}";\n` });
    writeTree(t.dir, { 'src/ok.ts': 'export const x = 1;\n', 'big.txt': `${'a'.repeat(3000)}\n${fake.githubToken('ghp', r)}\n` });
    symlinkSync(join(outside.dir, 'secret.txt'), join(t.dir, 'link-to-file'));
    symlinkSync(join(outside.dir, 'dir'), join(t.dir, 'link-to-dir'));
    symlinkSync(join(t.dir, 'src/ok.ts'), join(t.dir, 'inside-link'));
    symlinkSync('/nonexistent/nowhere', join(t.dir, 'dangling'));
    const res = await collect({ scanner: repoScanner, options: { paths: [t.dir], maxFileSize: 1000 } });
    assert.equal(creds(res.records).length, 0, 'nothing read through a symlink out of the tree');
    assert.equal(res.errors.length, 0);
    const msgs = res.notes.map((n) => n.message);
    assert.ok(msgs.some((m) => m.includes('link-to-file') && m.includes('outside')), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.includes('link-to-dir') && m.includes('outside')));
    assert.ok(!msgs.some((m) => m.includes('inside-link') || m.includes('dangling')));
    assert.ok(msgs.some((m) => m.includes('larger than 1000 bytes') && m.includes('big.txt')));
    assert.deepEqual(res.completedTargets, [`repo:${t.dir}`], 'notes do not make the target partial');
  } finally {
    t.cleanup();
    outside.cleanup();
  }
});

test('an unreadable file or folder makes the target partial with an error listing what was not read; the scan goes on', async (tt) => {
  const t = tempDir();
  try {
    const token = fake.githubToken('ghp', r);
    writeTree(t.dir, { 'locked.txt': `token=${fake.githubToken('ghp', r)}\n`, 'open.ts': `const t = "${token}";\n`, 'closed/x.ts': 'x\n' });
    chmodSync(join(t.dir, 'locked.txt'), 0o000);
    chmodSync(join(t.dir, 'closed'), 0o000);
    chmodSync(t.dir, 0o755);
    let paths: (string | undefined)[];
    let errors: string[];
    let completed: string[];
    if (process.getuid?.() === 0) {
      // root reads anything: run the same scan as an unprivileged user in a child process
      const script = resolve('test/scanners/repo/run-as-user.mts');
      const out = spawnSync(process.execPath, ['--import', 'tsx', script, t.dir], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: resolve('.'), env: { ...process.env, HOME: '/tmp' } });
      if (out.status !== 0 && /EACCES|permission/i.test(out.stderr)) {
        tt.skip(`cannot run as an unprivileged user here: ${out.stderr.split('\n')[0]}`);
        return;
      }
      assert.equal(out.status, 0, out.stderr);
      ({ paths, errors, completed } = JSON.parse(out.stdout) as { paths: string[]; errors: string[]; completed: string[] });
    } else {
      const res = await collect({ scanner: repoScanner, options: { paths: [t.dir] } });
      paths = creds(res.records).map((x) => x.location?.path);
      errors = res.errors.map((e) => e.message);
      completed = res.completedTargets;
    }
    assert.deepEqual(paths, ['open.ts']);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /locked\.txt \(EACCES\)/);
    assert.match(errors[0], /closed\/ \(EACCES\)/);
    assert.deepEqual(completed, [], 'a target that could not read everything is not complete');
  } finally {
    chmodSync(join(t.dir, 'closed'), 0o755);
    t.cleanup();
  }
});

test('a file name that is not UTF-8 is read by its bytes; a NUL byte at the start does not hide a secret', async () => {
  const t = tempDir();
  try {
    const a = fake.githubToken('ghp', r);
    const b = fake.githubToken('ghp', r);
    writeFileSync(Buffer.concat([Buffer.from(t.dir + '/caf'), Buffer.from([0xe9]), Buffer.from('.env')]), `GITHUB_TOKEN=${a}\n`);
    writeFileSync(join(t.dir, 'nul-first.txt'), Buffer.concat([Buffer.from([0]), Buffer.from(`# settings\ntoken: ${b}\n`)]));
    writeFileSync(join(t.dir, 'real.bin'), Buffer.concat([Buffer.alloc(64), Buffer.from(`token: ${fake.githubToken('ghp', r)}`)]));
    for (const workers of [0, 1]) {
      const res = await collect({ scanner: repoScanner, options: { paths: [t.dir], workers } });
      assert.deepEqual(res.errors, []);
      const found = creds(res.records).map((x) => x.location?.path).sort();
      assert.equal(found.length, 2, JSON.stringify(found));
      assert.ok(found.includes('nul-first.txt'));
      assert.ok(found.some((p) => p?.startsWith('caf') && p.endsWith('.env')), JSON.stringify(found));
    }
  } finally {
    t.cleanup();
  }
});

test('a missing path fails that target with a fix; other paths are still scanned', async () => {
  const t = tempDir();
  try {
    mkdirSync(join(t.dir, 'ok'));
    writeTree(t.dir, { 'ok/a.ts': `const t = "${fake.githubToken('ghp', r)}";\n` });
    const res = await collect({ scanner: repoScanner, options: { paths: [join(t.dir, 'ok'), join(t.dir, 'missing')] } });
    assert.equal(creds(res.records).length, 1);
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].code, 'not-found');
    assert.match(res.errors[0].fix ?? '', /path/);
    assert.equal(res.errors[0].targetKey, `repo:${join(t.dir, 'missing')}`);
  } finally {
    t.cleanup();
  }
});

test('a single file can be a target; the option list has positional paths', async () => {
  const t = tempDir();
  try {
    writeTree(t.dir, { '.env': `GITHUB_TOKEN=${fake.githubToken('ghp', r)}\n` });
    const res = await collect({ scanner: repoScanner, options: { paths: [join(t.dir, '.env')], workers: 1 } });
    assert.deepEqual(creds(res.records).map((x) => [x.location?.path, x.attributes?.detector]), [['.env', 'github-token']]);
    assert.equal(repoScanner.positionalOption, 'paths');
    assert.ok(repoScanner.options.some((o) => o.key === 'history' && o.type === 'boolean'));
    assert.equal(repoScanner.isConfigured({ paths: [] } as never, {}, false), false);
    assert.equal(repoScanner.isConfigured({ paths: ['.'] } as never, {}, false), true);
  } finally {
    t.cleanup();
  }
});

test('--exclude skips folders and files; parallel targets share the cores; CRLF files and dotfiles are read', async () => {
  const t = tempDir();
  try {
    const a = fake.githubToken('ghp', r);
    writeTree(t.dir, {
      'one/keep.ts': `const t = "${a}";\r\n`,
      'one/generated/x.ts': `const t = "${fake.githubToken('ghp', r)}";\n`,
      'one/skip-me.txt': `const t = "${fake.githubToken('ghp', r)}";\n`,
      'one/.env': `API_TOKEN=${fake.password(r)}\r\nLOG_LEVEL=info\r\n`,
      'two/b.ts': `const t = "${fake.githubToken('ghp', r)}";\n`,
    });
    const targets = await repoScanner.targets({ options: { paths: [join(t.dir, 'one'), join(t.dir, 'two')], workers: 2 } } as never);
    assert.deepEqual(targets.map((x) => (x.data as { workers: number }).workers), [1, 1]);
    const res = await collect({ scanner: repoScanner, options: { paths: [join(t.dir, 'one'), join(t.dir, 'two')], exclude: ['generated', 'skip-me.txt'] } });
    const found = creds(res.records).map((x) => `${x.scope} ${x.location?.path} ${x.attributes?.detector} ${x.location?.line}`).sort();
    assert.deepEqual(found, ['repo:one .env dotenv-secret 1', 'repo:one keep.ts github-token 1', 'repo:two b.ts github-token 1']);
    assert.deepEqual(res.completedTargets.sort(), [`repo:${join(t.dir, 'one')}`, `repo:${join(t.dir, 'two')}`]);
  } finally {
    t.cleanup();
  }
});

test('--max-file-size below 1 (or not a number) and negative --workers are usage errors', () => {
  for (const bad of ['-1', '0', 'ten', '1e']) {
    assert.throws(() => resolveScannerOptions(repoScanner, { flags: { maxFileSize: bad }, env: {}, section: undefined }), (e: unknown) => e instanceof ConfigError && /maxFileSize/.test((e as Error).message), bad);
  }
  assert.throws(() => resolveScannerOptions(repoScanner, { flags: {}, env: { NHI_REPO_MAX_FILE_SIZE: '-5' }, section: undefined }), ConfigError);
  assert.throws(() => resolveScannerOptions(repoScanner, { flags: { workers: '-1' }, env: {}, section: undefined }), ConfigError);
  assert.equal(resolveScannerOptions(repoScanner, { flags: { maxFileSize: '1' }, env: {}, section: undefined }).maxFileSize, 1);
});

test('an AI provider key found in source is its own credential kind (ai_api_key), and leaked-credential reports it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeTree(dir, { 'deploy.sh': `export OPENAI_API_KEY=${fake.openaiKey(seeded(7))}\n`, 'app.env': `SLACK_WEBHOOK_SECRET=${fake.alnum(32, seeded(8))}\n` });
    const res = await assertScannerAcceptance({ scanner: repoScanner, options: { paths: [dir] } });
    try {
      const kinds = res.records.filter((r): r is CredentialRecord => r.type === 'credential').map((c) => `${c.kind}:${c.attributes?.detector}`);
      assert.ok(kinds.includes('ai_api_key:openai-api-key'), kinds.join(' '));
      assert.ok(kinds.some((k) => k.startsWith('hardcoded_secret:')), 'other secrets stay hardcoded_secret');
      const leak = res.findings.find((f) => f.ruleId === 'leaked-credential' && /OpenAI/.test(f.message));
      assert.equal(leak?.severity, 'high');
    } finally {
      res.cleanup();
    }
  } finally {
    cleanup();
  }
});
