import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { defaultConfig, loadConfig, type ResolvedConfig } from '../../src/config/config.js';
import { openReport } from '../../src/report/report-service.js';
import { openOutput } from '../../src/report/output.js';
import { writeCsv } from '../../src/report/formats/csv.js';
import { writeSarif } from '../../src/report/formats/sarif.js';
import { writeJsonReport } from '../../src/report/formats/json.js';
import { formatMarkdown } from '../../src/report/formats/markdown.js';
import { formatTable } from '../../src/report/formats/table.js';
import { FINDING_CSV } from '../../src/report/columns.js';
import { runScan } from '../../src/scan/scan-service.js';
import { defineScanner } from '../../src/scanners/contract.js';
import type { ScanRecord } from '../../src/model/records.js';
import { tempDir } from '../helpers/temp.js';
import { sarifValidator } from '../helpers/sarif-schema.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

// Secret values this estate handles; none may reach the database or any export.
const SECRETS = ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8h3kT2vL', 'ghp_R4nd0mT0kenV4lue9xQ2zL8pK3mN7bV1cX5d', 'postgres://app:S3cr3t-P4ssw0rd!@db.internal:5432/app'];

// A scanner that handles real secret values, the way the repo and GitHub scanners do.
const leakyScanner = defineScanner<Record<string, never>>({
  name: 'fake',
  provider: 'repo',
  title: 'Fake',
  description: 'test',
  needs: [],
  options: [],
  isConfigured: () => true,
  targets: async () => [{ key: 'repo:app', label: 'app' }],
  async *scan(ctx): AsyncIterable<ScanRecord> {
    yield { type: 'identity', id: 'arn:aws:iam::1:user/ci, "quoted"', provider: 'aws', scope: 'aws:1', kind: 'iam_user', name: 'ci, "quoted"\nnewline', createdAt: daysAgo(500), lastUsedAt: daysAgo(200), lastUsedSource: 'test' };
    yield { type: 'grant', identityId: 'arn:aws:iam::1:user/ci, "quoted"', provider: 'aws', resource: 'aws:1', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' };
    let line = 1;
    for (const value of SECRETS) {
      const p = ctx.secrets.protect(value);
      yield { type: 'credential', id: `secret:${p.hash}`, provider: 'repo', scope: 'repo:app', kind: 'hardcoded_secret', status: 'unknown', preview: p.preview, secretHash: p.hash, location: { repo: 'app', path: 'deploy/.env', line: line++ }, attributes: { detector: 'test', title: 'Test secret' } };
    }
  },
});

async function estate(config: ResolvedConfig = defaultConfig()) {
  const dir = tempDir();
  const dbPath = join(dir, 'nhi.db');
  await runScan({ dbPath, runs: [{ scanner: leakyScanner, options: {} }], config, env: {}, concurrency: 1, signal: new AbortController().signal, now: NOW });
  return { dir, dbPath };
}

function render(dbPath: string, dir: string, config: ResolvedConfig, write: (out: ReturnType<typeof openOutput>, r: ReturnType<typeof openReport>) => void, asOf?: Date): string {
  const file = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const r = openReport({ dbPath, config, asOf });
  const out = openOutput(file);
  write(out, r);
  out.end();
  r.close();
  return readFileSync(file, 'utf8');
}

test('no secret value reaches the database, its WAL, or any report or export format', async () => {
  const { dir, dbPath } = await estate();
  const cfg = defaultConfig();
  const texts = [
    readFileSync(dbPath, 'latin1'),
    render(dbPath, dir, cfg, (o, r) => writeJsonReport(o, r.summary(), r.findings())),
    render(dbPath, dir, cfg, (o, r) => writeSarif(o, r.summary(), r.findings())),
    render(dbPath, dir, cfg, (o, r) => writeCsv(o, r.findings(), FINDING_CSV)),
    render(dbPath, dir, cfg, (o, r) => o.write(formatMarkdown(r.summary(), [...r.findings()], 3))),
    render(dbPath, dir, cfg, (o, r) => o.write(formatTable(r.summary(), [...r.findings()], 3))),
  ];
  for (const t of texts) for (const s of SECRETS) assert.ok(!t.includes(s), `secret ${s.slice(0, 6)}… leaked`);
  // But the findings are there, with a redacted preview.
  assert.match(texts[1], /"preview":"wJal…T2vL"/);
});

test('CSV is RFC 4180 and parses back to the same findings', async () => {
  const { dir, dbPath } = await estate();
  const cfg = defaultConfig();
  const csv = render(dbPath, dir, cfg, (o, r) => writeCsv(o, r.findings(), FINDING_CSV));
  assert.match(csv, /\r\n/);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  const r = openReport({ dbPath, config: cfg });
  const findings = [...r.findings()];
  r.close();
  assert.equal(rows.length, findings.length);
  assert.ok(rows.length >= 5);
  for (const [i, f] of findings.entries()) {
    assert.equal(rows[i].id, f.id);
    assert.equal(rows[i].message, f.message);
    assert.equal(rows[i].identity_name, f.identity?.name ?? '');
    assert.deepEqual(JSON.parse(rows[i].evidence), f.evidence);
  }
  assert.ok(rows.some((row) => row.identity_name === 'ci, "quoted"\nnewline'), 'commas, quotes and newlines survive the round trip');
});

test('SARIF validates against the official SARIF 2.1.0 schema and carries rule help and severities', async () => {
  const { dir, dbPath } = await estate();
  const sarif = JSON.parse(render(dbPath, dir, defaultConfig(), (o, r) => writeSarif(o, r.summary(), r.findings())));
  const validate = sarifValidator();
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false, 'the schema check must be able to fail');
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const run = sarif.runs[0];
  assert.ok(run.results.length >= 5);
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.help.text.length > 50 && rule.help.markdown.includes('**Remediation.**'));
    assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
  }
  const leak = run.results.find((r: { ruleId: string }) => r.ruleId === 'leaked-credential');
  assert.equal(leak.locations[0].physicalLocation.artifactLocation.uri, 'deploy/.env');
  assert.ok(leak.locations[0].physicalLocation.region.startLine >= 1);
  assert.ok(run.results.every((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['nhiFindingId/v1']));
});

test('suppressions need a reason, hide a finding until they expire, and apply without a rescan', async () => {
  const { dir, dbPath } = await estate();
  writeFileSync(join(dir, '.nhiignore'), '# accepted risks\ngod-mode arn:aws:iam::1:user/ci* 2026-07-01 break-glass user, reviewed by SRE\n');
  const cfg = loadConfig({ cwd: dir });
  assert.equal(cfg.suppressions.length, 1);
  const count = (asOf?: Date) => {
    const r = openReport({ dbPath, config: cfg, asOf, filters: { rule: ['god-mode'] } });
    const s = r.summary();
    const all = [...r.findings({ includeSuppressed: true })];
    r.close();
    return { open: s.totals.findings, suppressed: s.totals.suppressed, statuses: all.map((f) => f.status) };
  };
  assert.deepEqual(count(), { open: 0, suppressed: 1, statuses: ['suppressed'] });
  assert.deepEqual(count(new Date('2026-07-02T00:00:00Z')), { open: 1, suppressed: 0, statuses: ['open'] }, 'an expired suppression reopens the finding');
  // The riskiest identities count and list only what is open: the suppressed god-mode finding neither scores nor shows.
  const riskiest = (asOf?: Date) => {
    const r = openReport({ dbPath, config: cfg, asOf });
    const s = r.summary();
    r.close();
    return s.riskiest.map((x) => ({ id: x.identityId, findings: x.findings, worst: x.worst, rules: x.rules }));
  };
  const ci = 'arn:aws:iam::1:user/ci, "quoted"';
  assert.deepEqual(riskiest(), [{ id: ci, findings: 2, worst: 'high', rules: ['stale', 'unowned'] }]);
  assert.deepEqual(riskiest(new Date('2026-07-02T00:00:00Z')), [{ id: ci, findings: 3, worst: 'critical', rules: ['god-mode', 'stale', 'unowned'] }]);
  writeFileSync(join(dir, '.nhiignore'), 'god-mode arn:aws:iam::1:user/ci* 2026-07-01\n');
  assert.throws(() => loadConfig({ cwd: dir }), /expected "RULE SUBJECT EXPIRES REASON"/);
});

test('JSON report has a stable documented shape and filters narrow it', async () => {
  const { dir, dbPath } = await estate();
  const j = JSON.parse(render(dbPath, dir, defaultConfig(), (o, r) => writeJsonReport(o, r.summary(), r.findings())));
  assert.equal(j.schemaVersion, 1);
  for (const k of ['generatedAt', 'asOf', 'scan', 'totals', 'identitiesByProvider', 'findingsBySeverity', 'findingsByRule', 'riskiest', 'scanErrors', 'findings']) assert.ok(k in j, k);
  assert.deepEqual(Object.keys(j.findings[0]).sort(), ['credentialId', 'evidence', 'firstSeenScan', 'id', 'identity', 'lastSeenScan', 'location', 'message', 'owasp', 'provider', 'rule', 'severity', 'status', 'suppression', 'title'].sort());
  assert.equal(j.findings[0].severity, 'critical', 'most severe first');
  const r = openReport({ dbPath, config: defaultConfig(), filters: { provider: ['aws'], severity: 'high' } });
  const only = [...r.findings()];
  r.close();
  assert.ok(only.length > 0 && only.every((f) => f.provider === 'aws' && ['critical', 'high'].includes(f.severity)));
  assert.throws(() => openReport({ dbPath, config: defaultConfig(), filters: { rule: ['nope'] } }), /unknown rule "nope"/);
});
