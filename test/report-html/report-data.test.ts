// What the HTML report embeds at scale: the riskiest N identities as rows, details for the first
// few, and counts for the rest, so a large estate keeps a small page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/config.js';
import { openReport } from '../../src/report/report-service.js';
import { buildHtmlReportData } from '../../src/report/html/report-data.js';
import { runScan } from '../../src/scan/scan-service.js';
import type { ScanRecord } from '../../src/model/records.js';
import { fakeScanner, identity } from '../helpers/fake-scanner.js';
import { tempDir } from '../helpers/temp.js';

test('top-N rows, details for the first ones, the rest counted; ranked worst first', async () => {
  const dir = tempDir();
  const dbPath = join(dir, 'nhi.db');
  const records: ScanRecord[] = [];
  for (let i = 0; i < 30; i++) {
    const id = `arn:aws:iam::111111111111:user/u${String(i).padStart(2, '0')}`;
    // Every third one is admin (god-mode, critical or high); all are unowned and unused for years.
    records.push(identity(id, { createdAt: '2020-01-01T00:00:00Z', lastUsedAt: '2021-01-01T00:00:00Z', lastUsedSource: 'test' }));
    if (i % 3 === 0) records.push({ type: 'grant', identityId: id, provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' });
  }
  const estate = { targets: { 'aws:111111111111': records } };
  await runScan({ dbPath, runs: [{ scanner: fakeScanner(estate), options: { estate } }], config: defaultConfig(), env: {}, concurrency: 1, signal: new AbortController().signal, now: new Date('2026-06-01T00:00:00Z') });
  const report = openReport({ dbPath, config: defaultConfig() });
  try {
    const input = { summary: report.summary(), findings: (o?: { includeSuppressed?: boolean; limit?: number }) => report.findings(o), db: report.inv.db, details: report };
    const data = buildHtmlReportData(input, report.inv.db, report, { top: 12, detailed: 4 });
    assert.equal(data.subjects.total, 30);
    assert.equal(data.subjects.shown, 12);
    assert.equal(data.subjects.rows.length, 12);
    assert.deepEqual(data.subjects.rows.map((r) => r.detailed), [...Array(4).fill(true), ...Array(8).fill(false)]);
    // The ten admins come first.
    assert.ok(data.subjects.rows.slice(0, 10).every((r) => r.rules.includes('god-mode')));
    assert.ok(data.subjects.rows[0].findings.length > 0 && data.subjects.rows[0].grants.length === 1);
    assert.equal(data.subjects.rows[5].findings.length, 0);
    // The counts cover everything, not only the rows.
    assert.equal(data.ownership[0].unowned, 30);
    assert.equal(data.owners[0].owner, '(unowned)');
    assert.equal(data.owners[0].findings, data.totals.findings);
    const nhi1 = data.owasp.find((o) => o.id === 'NHI1')!;
    assert.ok(nhi1.findings >= 30, `NHI1 counts every stale and unowned finding (${nhi1.findings})`);
    const full = buildHtmlReportData(input, report.inv.db, report);
    assert.equal(full.subjects.shown, 30);
    assert.ok(full.subjects.rows.every((r) => r.detailed));
  } finally {
    report.close();
  }
});
