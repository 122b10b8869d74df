// The same network layer for Azure, through the real core-rest-pipeline in emulator mode:
// a stalled Graph listing times out per attempt, is retried, then is an error with its fix;
// an abort ends a hanging scan at once; a nextLink that loops is an error, not a short list.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalServer, type LocalRequest, type LocalServer } from '../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../src/scan/options.js';
import { azureScanner } from '../../scanners/azure/index.js';
import { buildAzureEstate } from '../../scanners/azure/demo/estate.js';
import { azureHandler, type BaseHolder } from '../../scanners/azure/demo/server.js';
import { stalled, type Fault } from './faults.js';
import { runScanner } from './run.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function faulty(pick: (req: LocalRequest) => Fault | null): Promise<LocalServer> {
  const holder: BaseHolder = { base: '' };
  const handler = azureHandler(buildAzureEstate(new Date('2026-11-20T12:00:00Z')), holder);
  const s = await startLocalServer((req, res) => {
    const f = pick(req);
    return f ? f(res) : handler(req, res);
  });
  holder.base = `https://127.0.0.1:${s.port}`;
  servers.push(s);
  return s;
}

const options = (s: LocalServer, flags: Record<string, unknown> = {}) =>
  resolveScannerOptions(azureScanner, { flags: { armEndpoint: `https://127.0.0.1:${s.port}`, graphEndpoint: `https://127.0.0.1:${s.port}`, accessToken: 'fault-test-token', emulator: true, retryDelayMs: 10, maxRetries: 1, ...flags }, env: {}, section: undefined });

describe('azure faults', () => {
  it('a stalled Graph listing times out on each attempt, then is an error with its fix', async () => {
    const server = await faulty((req) => (req.path === '/v1.0/applications' ? stalled : null));
    const run = await runScanner(azureScanner, options(server, { requestTimeout: 0.2 }));
    assert.ok(run.elapsedMs < 10_000, `took ${run.elapsedMs} ms`);
    const err = run.errors.find((e) => e.code === 'timeout');
    assert.ok(err, JSON.stringify(run.errors));
    assert.match(err.fix ?? '', /--request-timeout/);
    // Each application listing read at once (owners expanded, federated-credential holders) stalls on its own.
    const tries = new Map<string, number>();
    for (const r of server.requests.filter((r) => r.path === '/v1.0/applications')) tries.set(r.url, (tries.get(r.url) ?? 0) + 1);
    assert.ok(tries.size > 0);
    for (const [url, n] of tries) assert.equal(n, 2, `first try + 1 retry: ${url}`);
    assert.ok(run.targets.some((t) => t.state !== 'complete'));
  });

  it('an abort while a request hangs ends the scan at once', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const server = await faulty((req) => {
      if (req.path !== '/v1.0/applications') return null;
      if (!abortedAt) {
        abortedAt = Date.now();
        setImmediate(() => ac.abort());
      }
      return stalled;
    });
    const run = await runScanner(azureScanner, options(server, { requestTimeout: 60 }), { signal: ac.signal });
    assert.ok(abortedAt > 0);
    assert.ok(Date.now() - abortedAt < 2_000, `ended ${Date.now() - abortedAt} ms after the abort`);
    assert.ok(!run.targets.every((t) => t.state === 'complete'));
  });

  it('a nextLink that names the same page again is a pagination-loop error', async () => {
    let server: LocalServer | null = null;
    const loop: Fault = (res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ value: [], '@odata.nextLink': `https://127.0.0.1:${server?.port}/v1.0/servicePrincipals?$skiptoken=7` }));
    };
    server = await faulty((req) => (req.path === '/v1.0/servicePrincipals' ? loop : null));
    const run = await runScanner(azureScanner, options(server));
    // Two lists of service principals are read at once (owners, and the list read ahead): each stops at the repeated link.
    assert.ok(server.requests.filter((r) => r.path === '/v1.0/servicePrincipals').length <= 4);
    const err = run.errors.find((e) => e.code === 'pagination-loop');
    assert.ok(err, JSON.stringify(run.errors));
  });
});
