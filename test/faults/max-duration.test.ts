// --max-duration against slow local endpoints (the real SDKs): when the window closes, in-flight
// requests stop at once, what was read is kept, each unfinished target is partial (or failed when
// nothing was read) with an error saying the window was reached and how to raise it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalServer, type LocalServer } from '../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../src/scan/options.js';
import { parseScanArgs } from '../../src/cli/scan-args.js';
import { parseDuration } from '../../src/scanners/toolkit/window.js';
import { azureScanner } from '../../scanners/azure/index.js';
import { buildAzureEstate } from '../../scanners/azure/demo/estate.js';
import { azureHandler, type BaseHolder } from '../../scanners/azure/demo/server.js';
import { gcpScanner } from '../../scanners/gcp/index.js';
import { googleApiHandler } from '../../scanners/gcp/demo/google-api.js';
import { bigEstate } from '../scanners/gcp/fixtures.js';
import { stalled } from './faults.js';
import { runScanner } from './run.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function slowAzure(latencyMs: number, stallPath?: string): Promise<LocalServer> {
  const holder: BaseHolder = { base: '' };
  const handler = azureHandler(buildAzureEstate(new Date('2026-11-20T12:00:00Z')), holder, { latencyMs });
  const s = await startLocalServer((req, res) => (stallPath && req.path === stallPath ? stalled(res) : handler(req, res)));
  holder.base = `https://127.0.0.1:${s.port}`;
  servers.push(s);
  return s;
}

const azureOptions = (s: LocalServer, flags: Record<string, unknown> = {}) =>
  resolveScannerOptions(azureScanner, {
    flags: { armEndpoint: `https://127.0.0.1:${s.port}`, graphEndpoint: `https://127.0.0.1:${s.port}`, accessToken: 'window-test-token', emulator: true, retryDelayMs: 10, maxRetries: 1, requestTimeout: 60, ...flags },
    env: {},
    section: undefined,
  });

describe('--max-duration', () => {
  it('ends a slow scan at its window: partial targets keep their records, with an error naming the fix', async () => {
    // Bounds with room for a loaded CI machine: at this latency the scan needs more than its window (its reads run at once, so 300 ms was not enough), and reads something well within it.
    const server = await slowAzure(600);
    const run = await runScanner(azureScanner, azureOptions(server), { maxDurationMs: 3000 });
    assert.equal(run.thrown, undefined);
    assert.ok(run.elapsedMs < 9000, `took ${run.elapsedMs} ms`);
    const window = run.errors.filter((e) => e.code === 'max-duration');
    assert.ok(window.length >= 1, JSON.stringify(run.errors));
    assert.match(window[0].message, /scan window of 3 s reached/);
    assert.match(window[0].fix ?? '', /--max-duration/);
    assert.ok(run.targets.some((t) => t.state === 'partial' && run.found[t.key] > 0), JSON.stringify(run.targets));
    assert.ok(run.targets.every((t) => t.state !== 'complete' || !window.some((e) => e.targetKey === t.key)));
    assert.ok(run.records.length > 0, 'what was read before the window closed is kept');
  });

  it('stops a request that hangs when the window closes, without waiting for its timeout', async () => {
    const server = await slowAzure(0, '/v1.0/servicePrincipals');
    const run = await runScanner(azureScanner, azureOptions(server), { maxDurationMs: 2500 });
    assert.ok(run.elapsedMs < 8000, `took ${run.elapsedMs} ms (request timeout is 60 s)`);
    const tenant = run.targets.find((t) => t.key.startsWith('azure:'));
    assert.ok(tenant && tenant.state !== 'complete');
    assert.ok(run.errors.some((e) => e.targetKey === tenant.key && e.code === 'max-duration'));
    assert.ok(run.targets.some((t) => t.key.startsWith('azure-sub:') && t.state === 'complete'), 'targets that finished in time are complete');
  });

  it('a provider maxDuration bounds each of its targets from the target start', async () => {
    const estate = bigEstate(3, 60);
    const inner = googleApiHandler(estate);
    const server = await startLocalServer(async (req, res) => {
      await new Promise((r) => setTimeout(r, 40));
      return inner(req, res);
    });
    servers.push(server);
    const options = { ...(resolveScannerOptions(gcpScanner, { flags: {}, env: {}, section: undefined }) as object), resourceManagerEndpoint: server.url, iamEndpoint: server.url, policyAnalyzerEndpoint: server.url, accessToken: 'window-test-token', skipActivity: true, maxDuration: '1s' };
    const run = await runScanner(gcpScanner, options);
    assert.ok(run.elapsedMs < 9000, `took ${run.elapsedMs} ms`);
    const window = run.errors.filter((e) => e.code === 'max-duration');
    assert.equal(window.length, run.targets.length, JSON.stringify(run.targets));
    assert.match(window[0].fix ?? '', /nhi scan gcp --max-duration|maxDuration/);
  });

  it('durations: 90s, 45m, 1h30m, bare seconds; a bad one is a usage error', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('45m'), 2_700_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('120'), 120_000);
    assert.equal(parseDuration(undefined), undefined);
    assert.throws(() => parseDuration('soon'), /not a duration/);
    assert.throws(() => parseDuration('0s'), /longer than zero/);
    const parsed = parseScanArgs(['--max-duration', '2h', 'gcp', '--max-duration', '20m'], [gcpScanner]);
    assert.equal(parsed.global.maxDurationMs, 7_200_000);
    assert.equal(parsed.segments[0].flags.maxDuration, '20m');
  });
});
