// The repo part of `nhi scan --demo`: the sample repository through the scanner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialRecord } from '../../../src/model/records.js';
import { DEMO } from '../../../src/demo/estate.js';
import { assertScannerAcceptance, collect } from '../../helpers/scanner-acceptance.js';
import { repoScanner } from '../../../scanners/repo/index.js';
import { demoSecrets } from '../../../scanners/repo/demo.js';
import { tempDir } from './helpers.js';

const creds = (recs: { type: string }[]) => recs.filter((x): x is CredentialRecord => x.type === 'credential');

test('demo repository: the God-mode CI user\'s AWS key is in history only; other leaks found; look-alikes ignored', async () => {
  const t = tempDir('nhi-demo-');
  const now = new Date('2026-06-01T12:00:00Z');
  try {
    const started = Date.now();
    const ep = await repoScanner.demo!({ now, workDir: t.dir });
    assert.deepEqual(ep.options.history, true);
    assert.equal(ep.options.paths?.length, 1);
    assert.ok(ep.options.paths?.[0].endsWith(DEMO.repo.name));
    const s = demoSecrets();
    const res = await assertScannerAcceptance({ scanner: repoScanner, options: ep.options, now, secrets: [s.awsSecret, s.githubToken, s.dbPassword, s.privateKeyPem.split('\n')[1], s.sandboxAwsSecret] });
    try {
      assert.ok(Date.now() - started < 5000 * 3, 'fast enough for the demo (built + scanned three times here)');
      const c = creds(res.records);
      const detectors = [...new Set(c.map((x) => x.attributes?.detector))].sort();
      assert.deepEqual(detectors, ['aws-access-key-id', 'aws-secret-access-key', 'database-url', 'github-token', 'private-key']);
      assert.equal(new Set(c.map((x) => x.id)).size, 7, 'seven secrets (two AWS key pairs), no look-alike');
      // The sandbox smoke test's key pair (the reach story's leak) is in the working tree too.
      const sandbox = c.filter((x) => x.keyId === DEMO.aws.sandboxLeakedAccessKeyId);
      assert.ok(sandbox.length >= 2 && sandbox.every((x) => x.location?.path === 'scripts/sandbox-smoke.sh'));
      const aws = c.filter((x) => x.keyId === DEMO.aws.leakedAccessKeyId);
      assert.equal(aws.length, 2);
      for (const a of aws) {
        assert.equal(a.location?.path, '.env');
        assert.ok(a.location?.commit, 'found in a commit, not in the working tree');
        assert.equal(a.location?.author, `Dana Ops <dana@${DEMO.domain}>`);
        assert.equal(a.location?.date, new Date(now.getTime() - 400 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z'));
      }
      // the GitHub token: working tree + the commit that added it = one credential, two sightings
      const gh = c.filter((x) => x.attributes?.detector === 'github-token');
      assert.equal(gh.length, 2);
      assert.equal(new Set(gh.map((x) => x.id)).size, 1);
      const leaked = res.findings.filter((f) => f.ruleId === 'leaked-credential');
      // Each AWS key's id and secret are one finding about that key.
      assert.equal(leaked.length, 5);
      // without history the AWS key is not visible
      const tree = await collect({ scanner: repoScanner, options: { ...ep.options, history: false }, now });
      assert.equal(creds(tree.records).filter((x) => x.keyId === DEMO.aws.leakedAccessKeyId).length, 0);
      assert.equal(new Set(creds(tree.records).map((x) => x.id)).size, 5);
    } finally {
      res.cleanup();
      await ep.stop();
    }
  } finally {
    t.cleanup();
  }
});

test('demo without git on the PATH: the files of the leaking commit, scanned as a tree', async () => {
  const t = tempDir('nhi-demo-nogit-');
  const saved = process.env.PATH;
  try {
    process.env.PATH = '/nonexistent';
    const ep = await repoScanner.demo!({ now: new Date('2026-06-01T12:00:00Z'), workDir: t.dir });
    process.env.PATH = saved;
    assert.equal(ep.options.history, false);
    const res = await collect({ scanner: repoScanner, options: ep.options });
    const aws = creds(res.records).filter((x) => x.keyId === DEMO.aws.leakedAccessKeyId);
    assert.deepEqual(aws.map((x) => x.location?.path), ['.env', '.env']);
    assert.equal(new Set(creds(res.records).map((x) => x.id)).size, 7);
  } finally {
    process.env.PATH = saved;
    t.cleanup();
  }
});
