#!/usr/bin/env node
// Runs the test suite with Node's own runner (TypeScript through tsx).
// `node scripts/run-tests.mjs [folder-or-file...]` narrows it, e.g. test/scanners/aws.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function find(p, out) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const e of readdirSync(p).sort()) if (e !== 'fixtures' && e !== 'node_modules') find(join(p, e), out);
  } else if (/\.test\.tsx?$/.test(p)) out.push(p);
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['test']).flatMap((r) => find(r, []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Three files at a time on two cores: most tests wait on child processes and local endpoints, so
// the default (cores - 1, one at a time here) leaves the machine half idle.
const concurrency = process.env.NHI_TEST_CONCURRENCY ?? '3';
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit', env: { ...process.env, NHI_TEST: '1' } });
// The demo inventory the test files shared (test/cli/demo-copy.ts) is named after the runner.
for (const e of readdirSync(tmpdir())) if (res.pid && e.startsWith(`nhi-test-demo-${res.pid}-`)) rmSync(join(tmpdir(), e), { recursive: true, force: true });
process.exit(res.status ?? 1);
