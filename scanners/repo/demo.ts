// The repo part of `nhi scan --demo`: a sample git repository built at run time. Its
// history leaked the AWS key of the demo's God-mode CI user (added in an old commit,
// "removed" later, so only --history finds it), plus a GitHub token, a database password
// and a private key still in the working tree, next to placeholders and look-alikes that
// must not be reported. Values come from a seeded generator: fake, and the same every run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DemoInput } from '../../src/scanners/contract.js';
import { DEMO } from '../../src/demo/estate.js';
import { git } from './git.js';
import { fake, fakePrivateKeyPem, seeded } from './samples.js';

const DAY = 86_400_000;

export interface DemoSecrets {
  awsSecret: string;
  githubToken: string;
  dbPassword: string;
  privateKeyPem: string;
  sandboxAwsSecret: string;
}

/** The fake secrets planted in the demo repository (tests pass them to the acceptance check). */
export function demoSecrets(): DemoSecrets {
  const r = seeded(0x5eed);
  return {
    awsSecret: fake.awsSecret(r),
    githubToken: fake.githubToken('ghp', r),
    dbPassword: fake.password(r),
    privateKeyPem: fakePrivateKeyPem('RSA PRIVATE KEY', r),
    sandboxAwsSecret: fake.awsSecret(r),
  };
}

export async function buildDemoRepository(input: DemoInput): Promise<{ dir: string; history: boolean }> {
  const dir = join(input.workDir, DEMO.repo.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const s = demoSecrets();
  const now = input.now.getTime();
  const base = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  // Without git on the PATH the demo still works: the files are written as they were at the
  // leaking commit (the .env stays), and only the working tree is scanned.
  let hasGit = true;
  try {
    git(dir, ['init', '-q', '-b', 'main'], base);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    hasGit = false;
  }

  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const commit = (daysAgo: number, who: [string, string], message: string) => {
    if (!hasGit) return;
    const when = `@${Math.floor((now - daysAgo * DAY) / 1000)} +0000`;
    git(dir, ['add', '-A'], base);
    git(dir, ['commit', '-q', '--no-verify', '-m', message], {
      ...base,
      GIT_AUTHOR_NAME: who[0], GIT_AUTHOR_EMAIL: who[1], GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: who[0], GIT_COMMITTER_EMAIL: who[1], GIT_COMMITTER_DATE: when,
    });
  };
  const dana: [string, string] = ['Dana Ops', `dana@${DEMO.domain}`];
  const sam: [string, string] = ['Sam Builder', `sam@${DEMO.domain}`];

  write('README.md', [
    '# acme-deploy-scripts', '', 'Deploys the Acme services. Configure credentials through the environment, e.g.:', '',
    '```sh', 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '```', '',
  ].join('\n'));
  write('deploy.sh', [
    '#!/bin/sh', 'set -eu', '# Credentials come from the CI environment.', 'aws sts get-caller-identity', 'aws s3 sync ./site "s3://acme-site-${STAGE}"',
    'curl -fsS -H "Authorization: Bearer ${GITHUB_TOKEN}" https://api.github.com/repos/acme-corp/site/deployments', '',
  ].join('\n'));
  write('.env.example', ['AWS_ACCESS_KEY_ID=<your-access-key-id>', 'AWS_SECRET_ACCESS_KEY=<your-secret-key>', 'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'DB_PASSWORD=changeme', ''].join('\n'));
  commit(430, sam, 'Initial deploy scripts');

  write('.env', [`AWS_ACCESS_KEY_ID=${DEMO.aws.leakedAccessKeyId}`, `AWS_SECRET_ACCESS_KEY=${s.awsSecret}`, 'AWS_DEFAULT_REGION=eu-west-1', ''].join('\n'));
  commit(400, dana, 'Add CI deploy credentials so the nightly deploy works');

  if (hasGit) rmSync(join(dir, '.env'));
  write('.gitignore', '.env\n');
  commit(396, dana, 'Remove credentials, read them from the CI environment');

  write('scripts/notify.py', [
    'import os', 'import requests', '', '# TODO: move to the CI secret store', `GITHUB_TOKEN = "${s.githubToken}"`, '',
    'def notify(sha: str) -> None:', '    requests.post(', '        "https://api.github.com/repos/acme-corp/site/statuses/" + sha,',
    '        headers={"Authorization": f"token {GITHUB_TOKEN}"},', '        json={"state": "success"},', '    )', '',
  ].join('\n'));
  // A look-alike: right shape, wrong checksum.
  const bad = fake.githubToken('ghp', seeded(7));
  write('tests/test_notify.py', ['def test_rejects_bad_token():', `    assert not valid("${bad.slice(0, -6)}AAAAAA")`, ''].join('\n'));
  commit(210, sam, 'Post deploy status to GitHub');

  // The sandbox smoke test's key: its user may assume a staging role that may assume a production admin role.
  write('scripts/sandbox-smoke.sh', ['#!/bin/sh', 'set -eu', `export AWS_ACCESS_KEY_ID=${DEMO.aws.sandboxLeakedAccessKeyId}`, `export AWS_SECRET_ACCESS_KEY=${s.sandboxAwsSecret}`, 'aws s3 cp ./smoke.json s3://acme-sandbox-smoke/', ''].join('\n'));
  commit(120, sam, 'Sandbox smoke test');

  write('config/database.yml', [
    'production:', `  url: postgres://deploy:${s.dbPassword}@db.prod.acme.internal:5432/acme`, 'development:', '  url: postgres://dev:${DEV_DB_PASSWORD}@localhost:5432/acme_dev',
    'test:', '  url: postgres://postgres:postgres@localhost:5432/acme_test', '',
  ].join('\n'));
  write('keys/deploy_rsa.pem', s.privateKeyPem);
  write('docs/tokens.md', [
    '# Tokens', '', 'A JWT looks like this (the jwt.io sample):', '',
    '    eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    '', 'Never commit an API key: api_key = "${API_KEY}"; password = "<your-password>"', '',
  ].join('\n'));
  commit(95, dana, 'Database migrations and the deploy key');
  return { dir, history: hasGit };
}
