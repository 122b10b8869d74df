// A scan that read nothing has its own exit code, and a report on a partial or failed scan says
// so in every format, so neither a person nor a CI gate mistakes "could not look" for "clean".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tempDir } from '../helpers/temp.js';
import { awsKeyPair, nhi, writeFiles } from './nhi.js';

test('a scan where every target failed exits 4, and --require-complete fails the gate', { timeout: 60_000 }, () => {
  const dir = tempDir();
  const scan = nhi(dir, ['scan', 'repo', join(dir, 'nonexistent', 'path')]);
  assert.equal(scan.code, 4, scan.err + scan.out);
  assert.match(scan.out, /scan failed: nothing was read/);
  assert.equal(nhi(dir, ['scan', 'REPO', join(dir, 'nonexistent', 'path')]).code, 4, 'provider names fold case too');

  // A gate over a scan that read nothing fails even without --require-complete, and says why.
  const lenient = nhi(dir, ['report', '--fail-on', 'high']);
  assert.equal(lenient.code, 4, lenient.err);
  assert.match(lenient.out, /WARNING: latest scan #\d+ failed: nothing was read/);
  assert.match(lenient.err, /the gate cannot pass on it/);
  const strict = nhi(dir, ['report', '--fail-on', 'high', '--require-complete', '--format', 'sarif', '--out', 'nhi.sarif']);
  assert.notEqual(strict.code, 0, 'a CI job written from the README cannot pass when nhi did not look');
  assert.ok(strict.code === 3 || strict.code === 4, `exit ${strict.code}`);
  assert.match(strict.err, /(--require-complete|--fail-on high): latest scan #\d+/);
});

test('a partial scan: every report format says the scan did not read everything', { timeout: 60_000 }, () => {
  const dir = tempDir();
  writeFiles(join(dir, 'app'), { 'deploy.env': awsKeyPair('partial').env });
  const scan = nhi(dir, ['scan', 'repo', 'app', join(dir, 'missing')]);
  assert.equal(scan.code, 3, scan.err + scan.out);

  const table = nhi(dir, ['report']);
  assert.match(table.out, /WARNING: latest scan #1 is partial: 1 target\(s\)\/endpoint\(s\) could not be read/);
  const md = nhi(dir, ['report', '--format', 'markdown']);
  assert.match(md.out, /^> \*\*Warning:\*\* latest scan #1 is partial/m);
  const json = JSON.parse(nhi(dir, ['report', '--format', 'json']).out);
  assert.equal(json.scanComplete, false);
  assert.match(json.scanWarning, /partial/);
  assert.equal(json.scan.status, 'partial');
  const csv = nhi(dir, ['report', '--format', 'csv']);
  assert.match(csv.err, /warning: latest scan #1 is partial/);
  assert.ok((parse(csv.out, { columns: true }) as unknown[]).length > 0, 'the findings that were read are still listed');
  const sarif = JSON.parse(nhi(dir, ['report', '--format', 'sarif']).out);
  const inv = sarif.runs[0].invocations[0];
  assert.equal(inv.executionSuccessful, false);
  const texts = inv.toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text).join('\n');
  assert.match(texts, /partial/);
  assert.match(texts, /missing/, 'the scan error itself is a notification');

  assert.equal(nhi(dir, ['report', '--require-complete']).code, 3);
  assert.equal(nhi(dir, ['report', '--fail-on', 'low', '--require-complete']).code, 1, 'findings found is the more specific failure');
});

test('a complete scan passes --require-complete and SARIF reports a successful execution', { timeout: 60_000 }, () => {
  const dir = tempDir();
  writeFiles(join(dir, 'app'), { 'README.md': 'nothing secret here\n' });
  assert.equal(nhi(dir, ['scan', 'repo', 'app']).code, 0);
  const gate = nhi(dir, ['report', '--fail-on', 'high', '--require-complete']);
  assert.equal(gate.code, 0, gate.err);
  assert.doesNotMatch(gate.out, /WARNING/);
  const sarif = JSON.parse(nhi(dir, ['report', '--format', 'sarif']).out);
  assert.equal(sarif.runs[0].invocations[0].executionSuccessful, true);
  assert.equal(sarif.runs[0].invocations[0].toolExecutionNotifications, undefined);
  assert.equal(JSON.parse(nhi(dir, ['report', '--format', 'json']).out).scanComplete, true);
});
