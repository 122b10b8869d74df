// Whoever controls a scanned repository controls its file names: nothing from it may reach the
// reviewer's terminal as a control sequence, a spreadsheet as a formula, or Markdown as HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tempDir } from '../helpers/temp.js';
import { awsKeyPair, nhi, writeFiles } from './nhi.js';
import { openOutput } from '../../src/report/output.js';
import { writeCsv } from '../../src/report/formats/csv.js';
import { formatMarkdown, mdText } from '../../src/report/formats/markdown.js';
import { readFileSync } from 'node:fs';

const ESC = '\u001b';
// Clear the screen, set the window title, ring the bell, a C1 CSI, and a right-to-left override.
const EVIL = `evil${ESC}[2J${ESC}]0;pwned\u0007\u009b31m\u202e`;
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('report, ls, show, diff, scans and the scan summary print scanned names inert', { timeout: 90_000 }, () => {
  const dir = tempDir();
  const repo = join(dir, 'app');
  writeFiles(repo, { [`${EVIL}.env`]: awsKeyPair('evilname').env });
  const scan = nhi(dir, ['scan', 'repo', repo]);
  assert.equal(scan.code, 0, scan.err + scan.out);
  const creds = JSON.parse(nhi(dir, ['ls', 'credentials', '--json']).out) as { id: string; location: string | null }[];
  assert.ok(creds.some((c) => c.location?.includes(EVIL)), '--json keeps the real value');
  const findings = JSON.parse(nhi(dir, ['report', '--format', 'json']).out).findings as { id: string; message: string }[];
  assert.ok(findings.some((f) => f.message.includes(EVIL)), 'the finding names the file');

  rmSync(join(repo, `${EVIL}.env`));
  assert.equal(nhi(dir, ['scan', 'repo', repo]).code, 0);
  const outputs: Record<string, string> = {
    scan: scan.out + scan.err,
    report: nhi(dir, ['report', '--as-of', new Date().toISOString().slice(0, 10)]).out,
    'ls credentials': nhi(dir, ['ls', 'credentials', '--include-gone']).out,
    'ls findings': nhi(dir, ['ls', 'findings']).out,
    'show credential': nhi(dir, ['show', creds[0].id]).out,
    'show finding': nhi(dir, ['show', findings[0].id]).out,
    diff: nhi(dir, ['diff']).out,
    'diff from the start': nhi(dir, ['diff', '--from', '0', '--to', '1']).out,
    scans: nhi(dir, ['scans']).out,
  };
  assert.match(outputs['diff from the start'], /evil/);
  assert.match(outputs['show credential'], /evil\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m\\u202e/, 'shown as visible escapes');
  for (const [what, text] of Object.entries(outputs)) {
    assert.ok(text.length > 0, what);
    assert.doesNotMatch(text, CONTROL, `${what} printed a raw control character`);
  }
});

test('CSV cells that a spreadsheet would run as a formula get a leading quote (OWASP CSV injection)', () => {
  const dir = tempDir();
  const file = join(dir, 'out.csv');
  const out = openOutput(file);
  const cells = ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', 'plain', 'a=b'];
  writeCsv(out, cells.map((c, i) => ({ c, n: -i })), [
    { header: 'cell', get: (r) => r.c },
    { header: 'number', get: (r) => r.n },
  ]);
  out.end();
  const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as { cell: string; number: string }[];
  assert.deepEqual(rows.map((r) => r.cell), ["'=HYPERLINK(\"http://x\",\"y\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", 'plain', 'a=b']);
  assert.deepEqual(rows.map((r) => r.number), ['0', '-1', '-2', '-3', '-4', '-5', '-6', '-7'], 'numbers are data, not text: left as they are');
});

test('Markdown escapes table syntax and HTML in every value from the inventory', () => {
  assert.equal(mdText('a|b <img src=x onerror=alert(1)> [link](http://x) `code` *em*'), 'a\\|b &lt;img src=x onerror=alert(1)&gt; \\[link\\](http://x) \\`code\\` \\*em\\*');
  const md = formatMarkdown(
    {
      generatedAt: '2026-06-01T00:00:00.000Z', asOf: '2026-06-01T00:00:00.000Z', reEvaluated: false, inventory: 'nhi.db',
      scan: { id: 1, status: 'complete', startedAt: '2026-06-01T00:00:00.000Z', finishedAt: null, evaluatedAt: null, scanners: ['repo'], demo: false },
      totals: { identities: 1, credentials: 0, grants: 0, trusts: 0, findings: 1, suppressed: 0 },
      identitiesByProvider: [],
      findingsBySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      findingsByRule: [],
      riskiest: [{ identityId: 'x', name: 'ci|</details><script>', kind: 'iam_user', provider: 'aws', scope: 'aws:1', owner: null, score: 30, findings: 1, worst: 'high', rules: ['god-mode'] }],
      scanErrors: [],
      filters: {},
    },
    [],
    1,
  );
  const row = md.split('\n').find((l) => l.includes('ci'))!;
  assert.equal(row.split(/(?<!\\)\|/).length, 7, `five cells: ${row}`);
  assert.ok(!md.includes('<script>') && !md.includes('</details><'), 'no HTML from a name');
});
