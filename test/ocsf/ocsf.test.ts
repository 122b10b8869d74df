// OCSF Detection Finding events from the demo inventory, through the built binary, validated
// against the schema subset written from the published OCSF 1.3.0 class (detection-finding.schema.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoSecrets } from '../../scanners/repo/demo.js';
import { Ajv } from 'ajv';
import { nhi } from '../cli/nhi.js';
import { demoCopy } from '../cli/demo-copy.js';

const schema = JSON.parse(readFileSync(new URL('./detection-finding.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

type Event = {
  class_uid: number;
  severity_id: number;
  status_id: number;
  time: number;
  finding_info: { uid: string; types: string[]; analytic: { uid: string }; first_seen_time?: number; last_seen_time?: number };
  resources: { uid: string; name?: string; type: string }[];
};

function parseNdjson(text: string): Event[] {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'NDJSON ends with a newline');
  return lines.map((l) => JSON.parse(l) as Event);
}

function check(events: Event[]): void {
  for (const e of events) {
    if (!validate(e)) assert.fail(`${(e as Event).finding_info?.uid}: ${JSON.stringify(validate.errors)}`);
  }
}

test('report and export findings --format ocsf: one valid Detection Finding per open finding, mapped', { timeout: 120_000 }, () => {
  const { dir, demo } = demoCopy();
  assert.equal(demo.code, 0, demo.err);
  const json = JSON.parse(nhi(dir, ['report', '--format', 'json']).out) as { findings: { id: string; severity: string; rule: string; owasp: string[]; identity: { id: string } | null }[] };

  const report = nhi(dir, ['report', '--format', 'ocsf', '--out', 'findings.ocsf.ndjson']);
  assert.equal(report.code, 0, report.err);
  const fromReport = parseNdjson(readFileSync(join(dir, 'findings.ocsf.ndjson'), 'utf8'));
  const exported = nhi(dir, ['export', 'findings', '--format', 'ocsf']);
  assert.equal(exported.code, 0, exported.err);
  const fromExport = parseNdjson(exported.out);

  assert.ok(fromReport.length > 10, `the demo has findings (${fromReport.length})`);
  assert.equal(fromReport.length, json.findings.length);
  assert.deepEqual(fromExport.map((e) => e.finding_info.uid), fromReport.map((e) => e.finding_info.uid));
  check(fromReport);
  check(fromExport);

  const byId = new Map(fromReport.map((e) => [e.finding_info.uid, e]));
  const sevId: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
  for (const f of json.findings) {
    const e = byId.get(f.id)!;
    assert.equal(e.class_uid, 2004);
    assert.equal(e.severity_id, sevId[f.severity], f.id);
    assert.equal(e.status_id, 1);
    assert.equal(e.finding_info.analytic.uid, f.rule);
    assert.deepEqual(e.finding_info.types.map((t) => t.split(':')[0]), f.owasp.map((o) => `OWASP ${o}`));
    if (f.identity) assert.equal(e.resources[0].uid, f.identity.id);
    assert.ok(e.finding_info.first_seen_time! > 1_500_000_000_000 && e.finding_info.last_seen_time! >= e.finding_info.first_seen_time!, 'times in epoch milliseconds');
  }
  const leak = fromReport.find((e) => e.finding_info.analytic.uid === 'leaked-credential' && e.severity_id === 5);
  assert.ok(leak, 'the leaked key of the God-mode CI user is a critical Detection Finding');
  assert.ok(leak.finding_info.types.some((t) => t.startsWith('OWASP NHI2')));

  // No secret value planted in the demo repository reaches the events (only redacted previews).
  const s = demoSecrets();
  const pemBody = s.privateKeyPem.split('\n')[1];
  for (const value of [s.awsSecret, s.githubToken, s.dbPassword, pemBody]) {
    assert.ok(value.length >= 8);
    assert.ok(!exported.out.includes(value) && !exported.out.includes(JSON.stringify(value).slice(1, -1)), 'a secret value reached the OCSF output');
  }
});

test('a suppressed finding is an OCSF update with status Suppressed; identities cannot be exported as OCSF', { timeout: 120_000 }, () => {
  const { dir, demo } = demoCopy();
  assert.equal(demo.code, 0, demo.err);
  // A finding whose id is one word, as a suppression subject is.
  const first = parseNdjson(nhi(dir, ['export', 'findings', '--format', 'ocsf']).out).find((e) => !/\s/.test(e.finding_info.uid))!;
  writeFileSync(join(dir, '.nhiignore'), `${first.finding_info.analytic.uid} ${first.finding_info.uid} never accepted for the test\n`);
  const all = parseNdjson(nhi(dir, ['export', 'findings', '--format', 'ocsf', '--include-suppressed']).out);
  check(all);
  const s = all.find((e) => e.finding_info.uid === first.finding_info.uid)!;
  assert.equal(s.status_id, 3);
  assert.equal((s as unknown as { activity_id: number }).activity_id, 2);
  const open = parseNdjson(nhi(dir, ['export', 'findings', '--format', 'ocsf']).out);
  assert.equal(open.length, all.length - 1);

  const bad = nhi(dir, ['export', 'identities', '--format', 'ocsf']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /findings only/);
});
