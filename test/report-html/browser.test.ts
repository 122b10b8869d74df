// The HTML report opened in headless Chromium (Debian's, driven by playwright-core): it renders
// its charts, table and chains without console errors or any request but the file itself, the
// table filters and sorts through scripted clicks, and a hostile identity name stays text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { defaultConfig } from '../../src/config/config.js';
import { openReport } from '../../src/report/report-service.js';
import { openOutput } from '../../src/report/output.js';
import { htmlFormat } from '../../src/report/html/html-format.js';
import { runScan } from '../../src/scan/scan-service.js';
import { fakeScanner, identity } from '../helpers/fake-scanner.js';
import { nhi } from '../cli/nhi.js';
import { demoSecrets } from '../../scanners/repo/demo.js';
import { tempDir } from '../helpers/temp.js';
import { demoCopy } from '../cli/demo-copy.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOSTILE_OWNER = '"><script>alert(2)</script>';

let ctx: BrowserContext;

before(async () => {
  // Installs Chromium on a fresh Debian machine as root, else fails naming the command: never skipped.
  const ensure = spawnSync(process.execPath, [join(ROOT, 'scripts/ensure-chromium.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  assert.equal(ensure.status, 0, 'Chromium is needed for this test (see the message above)');
  const executablePath = ensure.stdout.trim();
  ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'nhi-chromium-')), {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    // Without the background-networking flags Chromium reaches for the network on its own.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await ctx?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await ctx.newPage();
  const o: Opened = { page, errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') o.errors.push(m.text());
  });
  page.on('pageerror', (e) => o.errors.push(String(e)));
  page.on('request', (r) => o.requests.push(r.url()));
  page.on('dialog', (d) => {
    o.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return o;
}

const rowCount = (page: Page) => page.locator('#identities tbody tr.row').count();

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buf: Buffer): { width: number; height: number } {
  assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

test('the demo report: renders, offline, filters and sorts, opens details, draws chains; a screenshot', { timeout: 180_000 }, async () => {
  const { dir } = demoCopy();
  // A second scan (the demo estate 30 days later), so the page has a change to show.
  assert.equal(nhi(dir, ['scan', '--demo', '--demo-day', '30']).code, 0);
  const r = nhi(dir, ['report', '--format', 'html', '--out', 'report.html']);
  assert.equal(r.code, 0, r.err);
  const file = join(dir, 'report.html');
  const size = statSync(file).size;
  assert.ok(size < 3 * 1024 * 1024, `the demo report is ${size} bytes`);
  const html = readFileSync(file, 'utf8');
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|@import|url\(http/i, 'nothing is loaded from elsewhere');
  const secrets = demoSecrets();
  for (const v of [secrets.awsSecret, secrets.githubToken, secrets.dbPassword, secrets.privateKeyPem.split('\n')[1]]) assert.ok(!html.includes(v), 'a secret value reached the HTML report');

  const { page, errors, requests, dialogs } = await open(file);
  const data = JSON.parse((await page.locator('#nhi-data').textContent()) ?? '{}') as { subjects: { shown: number; rows: { provider: string; name: string }[] }; chains: unknown[] };

  // Charts: every canvas was drawn on (some pixel is not transparent).
  // (A string: the test itself is compiled without the DOM's types.)
  const charts = (await page.evaluate(`[...document.querySelectorAll('canvas')].map((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
    return { id: c.id, width: c.width, painted };
  })`)) as { id: string; width: number; painted: number }[];
  assert.deepEqual(charts.map((c) => c.id).sort(), ['chart-credential-age', 'chart-last-use', 'chart-owners', 'chart-severity', 'chart-unowned']);
  for (const c of charts) assert.ok(c.width > 100 && c.painted > 500, `${c.id} is drawn (${c.painted} pixels)`);

  // The headline and the table.
  assert.match((await page.locator('#headline').textContent()) ?? '', /identities/);
  assert.match((await page.locator('#change').textContent()) ?? '', /previous scan \(#1 to #2\): \d+ new and \d+ resolved findings/);
  assert.equal(await page.locator('#owasp .owasp-tile').count(), 10);
  const all = await rowCount(page);
  assert.equal(all, Math.min(100, data.subjects.shown));
  assert.ok(all > 20, `${all} rows`);

  // Filter: one provider, then a search on top.
  await page.selectOption('select[data-filter="provider"]', 'aws');
  const aws = await rowCount(page);
  assert.ok(aws > 0 && aws < all, `aws narrows the table (${aws} of ${all})`);
  const providers = await page.locator('#identities tbody tr.row td:nth-child(3)').allTextContents();
  assert.deepEqual([...new Set(providers)], ['aws']);
  await page.fill('#identity-search', 'ci-deployer');
  assert.equal(await rowCount(page), 1);
  assert.match((await page.locator('#identity-count').textContent()) ?? '', /^1 of /);
  await page.click('#identities tbody tr.row');
  const detail = (await page.locator('#identities tr.detail-row').textContent()) ?? '';
  assert.match(detail, /Remediation/);
  assert.match(detail, /Credentials/);
  assert.match(detail, /Grants/);
  await page.fill('#identity-search', '');
  await page.selectOption('select[data-filter="severity"]', 'critical');
  const worst = await page.locator('#identities tbody tr.row td:first-child').allTextContents();
  assert.ok(worst.length > 0 && worst.length < aws && worst.every((w) => w === 'critical'), `critical only: ${worst.join(',')}`);
  await page.selectOption('select[data-filter="severity"]', '');
  await page.fill('#identity-search', 'no-such-identity-anywhere');
  assert.equal(await rowCount(page), 0);
  await page.fill('#identity-search', '');
  await page.selectOption('select[data-filter="provider"]', '');
  assert.equal(await rowCount(page), all);

  // Sort by name, ascending.
  await page.click('#identities th[data-sort="name"]');
  const names = await page.locator('#identities tbody tr.row td.name').allTextContents();
  assert.deepEqual(names, [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));
  assert.equal(await page.locator('#identities th[data-sort="name"]').getAttribute('aria-sort'), 'ascending');

  // Chains drawn as laid-out diagrams.
  assert.ok(data.chains.length > 0);
  assert.equal(await page.locator('figure.chain svg').count(), data.chains.length);
  assert.ok((await page.locator('figure.chain svg g.node').count()) >= data.chains.length * 2);

  await page.evaluate('window.scrollTo(0, 0)');
  const shot = await page.screenshot({ type: 'png' });
  const { width, height } = pngSize(shot);
  assert.deepEqual({ width, height }, { width: 1280, height: 900 });
  assert.ok(shot.length > 30_000 && shot.length < 200_000, `screenshot of ${shot.length} bytes`);
  writeFileSync(join(dir, 'report-html.png'), shot);
  if (process.env.UPDATE_SCREENSHOT === '1') writeFileSync(join(ROOT, 'docs/report-html.png'), shot);

  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [pathToFileURL(file).href], 'the page requests nothing but itself');
  assert.deepEqual(dialogs, []);
  await page.close();
});

test('a hostile identity name, owner and tag show as text; no script runs', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const dbPath = join(dir, 'nhi.db');
  const id = 'arn:aws:iam::111111111111:user/hostile';
  const estate = {
    targets: {
      'aws:111111111111': [
        identity(id, { name: HOSTILE_NAME, owner: HOSTILE_OWNER, tags: { team: '<b onmouseover=alert(3)>x</b>' }, createdAt: '2020-01-01T00:00:00Z', lastUsedAt: '2020-02-01T00:00:00Z', lastUsedSource: 'test' }),
        { type: 'grant' as const, identityId: id, provider: 'aws' as const, resource: 'aws:111111111111', role: '<svg onload=alert(4)>', privilege: 'admin' as const, via: 'direct' },
      ],
    },
  };
  await runScan({ dbPath, runs: [{ scanner: fakeScanner(estate), options: { estate } }], config: defaultConfig(), env: {}, concurrency: 1, signal: new AbortController().signal, now: new Date('2026-06-01T00:00:00Z') });
  const report = openReport({ dbPath, config: defaultConfig() });
  const file = join(dir, 'hostile.html');
  const out = openOutput(file);
  htmlFormat.write(out, { summary: report.summary(), findings: (o) => report.findings(o), db: report.inv.db, details: report }, { limit: 25, includeSuppressed: false, warn: () => {} });
  out.end();
  report.close();
  const html = readFileSync(file, 'utf8');
  assert.ok(!html.includes(HOSTILE_NAME) && !html.includes('<script>alert'), 'the raw file holds no hostile markup');

  const { page, errors, requests, dialogs } = await open(file);
  assert.ok((await rowCount(page)) >= 1);
  const row = page.locator('#identities tbody tr.row').first();
  assert.equal(await row.locator('td.name').textContent(), HOSTILE_NAME);
  assert.match((await row.textContent()) ?? '', /"><script>alert\(2\)<\/script>/);
  await row.click();
  await page.locator('#identities tr.detail-row').waitFor();
  assert.match((await page.locator('#identities tr.detail-row').textContent()) ?? '', /<svg onload=alert\(4\)>/);
  await page.selectOption('select[data-filter="owner"]', HOSTILE_OWNER);
  assert.equal(await rowCount(page), 1);
  // Give an injected handler the chance to fire, then look for any element the values could have made.
  await page.waitForTimeout(300);
  assert.equal(await page.locator('main img, main script, #identities svg, [onerror], [onload], [onmouseover]').count(), 0);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [pathToFileURL(file).href]);
  await page.close();
});
