import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScanArgs } from '../../src/cli/scan-args.js';
import { defineScanner, type AnyScanner } from '../../src/scanners/contract.js';

const base = { title: 't', description: 'd', needs: [], isConfigured: () => true, targets: async () => [], async *scan() {} };
const aws = defineScanner<Record<string, unknown>>({
  ...base, name: 'aws', provider: 'aws',
  options: [
    { key: 'org', flag: '--org', description: '', type: 'boolean' },
    { key: 'assumeRole', flag: '--assume-role <name>', description: '', type: 'string' },
  ],
});
const github = defineScanner<Record<string, unknown>>({ ...base, name: 'github', provider: 'github', options: [{ key: 'org', flag: '--org <org>', description: '', type: 'string[]' }] });
const repo = defineScanner<Record<string, unknown>>({
  ...base, name: 'repo', provider: 'repo', positionalOption: 'paths',
  options: [{ key: 'paths', flag: '--path <paths...>', description: '', type: 'string[]' }, { key: 'history', flag: '--history', description: '', type: 'boolean' }],
});
const ALL: AnyScanner[] = [aws, github, repo];

test('flags after a provider belong to it; global flags go anywhere', () => {
  const p = parseScanArgs(['--db', 'x.db', 'aws', '--org', '--assume-role=audit', 'github', '--org', 'acme', '--org', 'b,c', 'repo', '.', 'src', '--no-history', '--concurrency', '8'], ALL);
  assert.deepEqual(p.global, { db: 'x.db', demo: false, progress: true, help: false, concurrency: 8 });
  assert.deepEqual(p.segments.map((s) => [s.scanner.name, s.flags]), [
    ['aws', { org: true, assumeRole: 'audit' }],
    ['github', { org: ['acme', 'b', 'c'] }],
    ['repo', { paths: ['.', 'src'], history: false }],
  ]);
});

// The message says what is wrong; the hint (printed after it) what to do.
function fails(args: string[], re: RegExp) {
  assert.throws(() => parseScanArgs(args, ALL), (e: Error & { hint?: string }) => re.test(`${e.message}\n${e.hint ?? ''}`));
}

test('mistakes are errors that say what to do', () => {
  fails(['--org'], /Provider options go after the provider name/);
  fails(['aws', '--orgs'], /unknown option --orgs for aws[\s\S]*--org, --assume-role/);
  fails(['aws', 'extra'], /unknown provider "extra"/);
  fails(['aws', 'aws'], /named twice/);
  fails(['aws', '--assume-role'], /--assume-role needs a value/);
  fails(['--concurrency', '0'], /1 to 64/);
});
