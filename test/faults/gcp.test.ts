// The same network layer for GCP, through the real Google clients against the local Google API
// stand-in: a stalled request times out and is retried, then an error with its fix; an abort
// ends the scan at once even while a request hangs; a page token that repeats ends the listing.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { startLocalServer, type LocalServer } from '../../src/demo/local-server.js';
import { gcpScanner } from '../../scanners/gcp/index.js';
import { googleApiHandler } from '../../scanners/gcp/demo/google-api.js';
import { fixtureEstate } from '../scanners/gcp/fixtures.js';
import { optionsFor } from '../scanners/gcp/helpers.js';
import { stalled, type Fault } from './faults.js';
import { runScanner } from './run.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function faulty(pick: (path: string, query: URLSearchParams) => Fault | null, onRequest?: (path: string) => void): Promise<LocalServer> {
  const handler = googleApiHandler(fixtureEstate());
  const s = await startLocalServer((req, res) => {
    onRequest?.(req.path);
    const f = pick(req.path, req.query);
    return f ? f(res) : handler(req, res);
  });
  servers.push(s);
  return s;
}

const KEYS_OF_APP = '/v1/projects/alpha/serviceAccounts/app@alpha.iam.gserviceaccount.com/keys';

describe('gcp faults', () => {
  it('a stalled keys listing times out, is retried, and is an error with its fix', async () => {
    const server = await faulty((path) => (path === KEYS_OF_APP ? stalled : null));
    // 1 s, not less: on a loaded machine the first request (connection and discovery) can take longer than a shorter timeout.
    const run = await runScanner(gcpScanner, optionsFor(server, { requestTimeout: 1, maxRetries: 1 }));
    assert.ok(run.elapsedMs < 10_000, `took ${run.elapsedMs} ms`);
    const err = run.errors.find((e) => e.operation === 'serviceAccounts.keys.list');
    assert.equal(err?.code, 'timeout', JSON.stringify(run.errors));
    assert.match(err?.fix ?? '', /--request-timeout/);
    assert.equal(server.requests.filter((r) => r.path === KEYS_OF_APP).length, 2);
    assert.ok(run.targets.some((t) => t.key === 'gcp:alpha' && t.state === 'partial'), JSON.stringify(run.targets));
  });

  it('an abort while a request hangs ends the scan at once', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const server = await faulty(
      (path) => (path === KEYS_OF_APP ? stalled : null),
      (path) => {
        if (path === KEYS_OF_APP && !abortedAt) {
          abortedAt = Date.now();
          setImmediate(() => ac.abort());
        }
      },
    );
    const run = await runScanner(gcpScanner, optionsFor(server, { requestTimeout: 60 }), { signal: ac.signal });
    assert.ok(abortedAt > 0);
    const after = Date.now() - abortedAt;
    assert.ok(after < 2_000, `ended ${after} ms after the abort`);
    assert.ok(!run.targets.every((t) => t.state === 'complete'));
  });

  it('a stalled Resource Manager call is cancelled: its connection is closed, so nothing keeps the process alive', async () => {
    const open = new Set<Socket>();
    const server = await faulty((path) =>
      path === '/v3/projects/alpha'
        ? (res) => {
            const s = res.socket;
            if (!s) return;
            open.add(s);
            s.on('close', () => open.delete(s));
          }
        : null,
    );
    const run = await runScanner(gcpScanner, optionsFor(server, { project: ['alpha'], requestTimeout: 1, maxRetries: 1 }));
    assert.match(run.errors.find((e) => e.code === 'timeout')?.fix ?? '', /--request-timeout/, JSON.stringify(run.errors));
    // Its first call timing out after the retries: the project failed (nothing read), not partial.
    assert.deepEqual(run.targets.map((t) => t.state), ['failed'], JSON.stringify(run.targets));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(open.size, 0, 'a timed-out request left its connection open');
  });

  it('endpoints that refuse every connection fail the project (nothing read), instead of a partial scan of every call', async () => {
    const gone = await startLocalServer(() => undefined);
    await gone.close();
    const run = await runScanner(gcpScanner, optionsFor(gone, { project: ['alpha'], maxRetries: 0 }));
    assert.deepEqual(run.targets, [{ key: 'gcp:alpha', state: 'failed' }], JSON.stringify(run.errors));
    assert.equal(run.errors.length, 1, JSON.stringify(run.errors));
    assert.equal(run.errors[0]?.code, 'network');
    assert.match(run.errors[0]?.fix ?? '', /network access/, 'a network fault is not fixed by granting a role');
  });

  it('a service account listing whose page token repeats ends with a pagination-loop error', async () => {
    const body = JSON.stringify({ accounts: [], nextPageToken: 'again' });
    const loop: Fault = (res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(body);
    };
    const server = await faulty((path) => (path === '/v1/projects/beta/serviceAccounts' ? loop : null));
    const run = await runScanner(gcpScanner, optionsFor(server));
    assert.ok(server.requests.filter((r) => r.path === '/v1/projects/beta/serviceAccounts').length <= 3);
    const err = run.errors.find((e) => e.operation === 'serviceAccounts.list');
    assert.equal(err?.code, 'pagination-loop', JSON.stringify(run.errors));
  });
});

describe('gcp without credentials', () => {
  it('fails with the authentication fix, without probing the metadata server or printing its warning', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const empty = mkdtempSync(join(tmpdir(), 'nhi-no-gcloud-'));
    const saved = { adc: process.env.GOOGLE_APPLICATION_CREDENTIALS, sdk: process.env.CLOUDSDK_CONFIG };
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.CLOUDSDK_CONFIG = empty;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const run = await runScanner(gcpScanner, { project: ['alpha'] });
      assert.ok(run.elapsedMs < 5_000, `took ${run.elapsedMs} ms`);
      assert.equal(run.errors[0]?.code, 'unauthenticated', JSON.stringify(run.errors));
      assert.match(run.errors[0]?.fix ?? '', /application-default login/);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.filter((w) => /MetadataLookup/.test(w)), []);
    } finally {
      process.off('warning', onWarning);
      if (saved.adc !== undefined) process.env.GOOGLE_APPLICATION_CREDENTIALS = saved.adc;
      if (saved.sdk !== undefined) process.env.CLOUDSDK_CONFIG = saved.sdk;
      else delete process.env.CLOUDSDK_CONFIG;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
