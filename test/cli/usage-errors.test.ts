// Usage errors exit 2 everywhere (1 is --fail-on's "findings found"), and every enumerated
// flag value is checked, so a typo can never turn a CI gate into "0 open findings".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';
import { awsKeyPair, nhi, writeFiles } from './nhi.js';

function inventory(): string {
  const dir = tempDir();
  writeFiles(join(dir, 'app'), { 'deploy.env': awsKeyPair('usage').env });
  const scan = nhi(dir, ['scan', 'repo', 'app']);
  assert.equal(scan.code, 0, scan.err + scan.out);
  return dir;
}

test('bad flag values are usage errors (exit 2) naming the valid values, whatever the command', { timeout: 60_000 }, () => {
  const dir = inventory();
  const cases: [string[], RegExp][] = [
    // Providers are open (each scanner names its own): a value is checked against what the inventory holds.
    [['report', '--fail-on', 'high', '--provider', 'gihub'], /"gihub" is not a provider of this inventory[\s\S]*It holds: repo/],
    [['report', '--fail-on', 'high', '--provider', 'aws'], /"aws" is not a provider of this inventory/],
    [['ls', 'identities', '--provider', 'github'], /"github" is not a provider of this inventory/],
    [['report', '--format', 'xml'], /"xml" is not a known report format[\s\S]*table, json, csv, sarif, markdown/],
    [['report', '--fail-on', 'hihg'], /"hihg" is not a known severity[\s\S]*critical, high/],
    [['report', '--bogus'], /unknown option '--bogus'/],
    [['export', 'findings', '--format', 'xml'], /"xml" is not a known export format[\s\S]*json, ndjson, csv/],
    [['ls', 'credentials', '--status', 'actve'], /"actve" is not a known credential status[\s\S]*active, inactive, expired/],
    [['ls', 'credentials', '--kind', 'acess_key'], /"acess_key" is not a known credential kind[\s\S]*access_key/],
    [['ls', 'identities', '--kind', 'iam_usr'], /"iam_usr" is not a known identity kind/],
    [['ls', 'findings', '--severity', 'urgent'], /"urgent" is not a known severity/],
    [['ls', 'identities', '--limit', 'ten'], /--limit must be a whole number/],
    [['ls', 'nothing'], /cannot list "nothing"/],
    [['show'], /missing required argument/],
    [['diff', '--bogus'], /unknown option '--bogus'/],
    [['scans', '--errors', '99'], /there is no scan #99[\s\S]*Scans: #1/],
    [['report', '--as-of', '2026-02-30'], /--as-of must be a real date like 2026-06-30, got "2026-02-30"/],
    [['export', 'identities', '--kind', 'iam_usr'], /"iam_usr" is not a known identity kind/],
    [['export', 'credentials', '--kind', 'pats'], /"pats" is not a known credential kind/],
  ];
  for (const [args, message] of cases) {
    const r = nhi(dir, args);
    assert.equal(r.code, 2, `nhi ${args.join(' ')} → ${r.code}\n${r.err}`);
    assert.match(r.err, message, `nhi ${args.join(' ')}`);
  }
});

test('suppressions naming an unknown rule or an impossible date, and --as-of before the first scan, are errors with the fix', { timeout: 60_000 }, () => {
  const dir = inventory();
  writeFiles(dir, {
    'typo.nhiignore': 'stail * never reviewed\n',
    'typo.json': JSON.stringify({ suppressions: [{ rule: 'nosuch', subject: '*', reason: 'reviewed' }] }),
    'feb30.json': JSON.stringify({ suppressions: [{ rule: 'stale', subject: '*', reason: 'reviewed', expires: '2027-02-30' }] }),
    'feb30.nhiignore': 'stale * 2027-02-30 reviewed\n',
  });
  const cases: [string[], RegExp][] = [
    [['report', '--ignore-file', 'typo.nhiignore'], /typo\.nhiignore:1: unknown rule "stail"[\s\S]*god-mode/],
    [['report', '--config', 'typo.json'], /unknown rule "nosuch"/],
    [['scan', 'repo', 'app', '--config', 'typo.json'], /unknown rule "nosuch"/],
    [['report', '--config', 'feb30.json'], /"expires" must be a real date like 2027-01-31, got "2027-02-30"/],
    [['ls', 'findings', '--ignore-file', 'feb30.nhiignore'], /"expires" must be a real date/],
    [['report', '--as-of', '2020-01-01'], /--as-of 2020-01-01 is before the first scan of this inventory[\s\S]*nhi scans/],
    [['export', 'findings', '--as-of', '2020-01-01'], /before the first scan/],
  ];
  for (const [args, message] of cases) {
    const r = nhi(dir, args);
    assert.equal(r.code, 2, `nhi ${args.join(' ')} → ${r.code}\n${r.err}`);
    assert.match(r.err, message, `nhi ${args.join(' ')}`);
  }
  // The first scan's own day is a valid --as-of.
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(nhi(dir, ['report', '--as-of', today]).code, 0);
});

test('an inventory file with no schema yet (a first scan creating it) is said to hold no scan, not to need an upgrade', { timeout: 60_000 }, () => {
  const dir = tempDir();
  writeFiles(dir, { 'new.db': '' });
  for (const args of [['report'], ['ls', 'identities'], ['scans']]) {
    const r = nhi(dir, [...args, '--db', 'new.db']);
    assert.equal(r.code, 2, `nhi ${args.join(' ')} → ${r.code}\n${r.err}`);
    assert.match(r.err, /new\.db holds no scan yet[\s\S]*wait for it to finish/, `nhi ${args.join(' ')}`);
    assert.doesNotMatch(r.err, /schema upgrade/);
  }
});

test('provider, status and severity values match case-insensitively (AWS is aws)', { timeout: 60_000 }, () => {
  const dir = inventory();
  const lower = JSON.parse(nhi(dir, ['report', '--format', 'json', '--provider', 'repo']).out);
  const upper = nhi(dir, ['report', '--format', 'json', '--provider', 'REPO', '--severity', 'LOW']);
  assert.equal(upper.code, 0, upper.err);
  assert.ok(lower.totals.findings > 0);
  assert.deepEqual(JSON.parse(upper.out).findings.map((f: { id: string }) => f.id), lower.findings.map((f: { id: string }) => f.id));
  assert.equal(nhi(dir, ['report', '--fail-on', 'LOW', '--provider', 'Repo']).code, 1, 'the gate still fires with capitalised values');
  assert.equal(nhi(dir, ['ls', 'credentials', '--status', 'UNKNOWN', '--json']).code, 0);
});

test('`nhi help scan` prints what `nhi scan --help` prints; `nhi rules` takes --db and --config like every command', { timeout: 60_000 }, () => {
  const dir = tempDir();
  const viaHelp = nhi(dir, ['help', 'scan']);
  const viaFlag = nhi(dir, ['scan', '--help']);
  assert.equal(viaHelp.code, 0);
  assert.equal(viaHelp.out, viaFlag.out);
  assert.match(viaHelp.out, /--org/, 'the providers\' options are listed');
  assert.match(viaHelp.out, /4 failed \(nothing was read/, 'the scan help names exit 4');
  const rules = nhi(dir, ['rules', '--db', 'x.db', '--config', 'missing.json']);
  assert.equal(rules.code, 2, 'a --config that does not exist is reported, not rejected as an unknown option');
  assert.doesNotMatch(rules.err, /unknown option/);
  assert.equal(nhi(dir, ['rules', '--db', 'x.db', '--json']).code, 0);
  assert.match(nhi(dir, ['--help']).out, /4 scan failed \(nothing was read\)/, 'the exit codes are in --help');
});
