// Rate limits through the real Octokit throttling and retry plugins: primary limits
// (x-ratelimit-remaining: 0 + x-ratelimit-reset), secondary limits (retry-after, 403 and 429),
// server errors; waits are reported for the countdown, and a limit that never clears becomes
// one scan error while the rest of the scan goes on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorRecord, IdentityRecord, ScanRecord } from '../../../src/model/records.js';
import type { LocalRequest } from '../../../src/demo/local-server.js';
import type { FakeRoutes, FakeRouteValue } from '../../../scanners/github/demo/fake-github.js';
import { orgHook, orgSecret, user } from '../../../scanners/github/demo/fixtures.js';
import { emptyOrgRoutes, scanDirect, startFakeGitHub, testOptions } from './helpers.js';

const ORG = 'limits';

/** Answers `failures` times with `fail`, then with `ok`. */
function flaky(failures: number, fail: () => FakeRouteValue, ok: FakeRouteValue): (req: LocalRequest) => FakeRouteValue {
  let n = 0;
  return () => (n++ < failures ? fail() : ok);
}

const secondary = (status: 403 | 429) => () => ({
  status,
  headers: { 'retry-after': '1' },
  body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
});

const primary = () => ({
  status: 403,
  headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1) },
  body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
});

function baseRoutes(): FakeRoutes {
  return {
    ...emptyOrgRoutes(ORG),
    [`GET /orgs/${ORG}/members`]: { items: [user('ops-bot'), user('alice')] },
    [`GET /orgs/${ORG}/hooks`]: { items: [orgHook(ORG, { id: 1, url: 'https://ci.example/h', secret: true, events: ['push'], createdAt: '2026-01-01T00:00:00Z' })] },
    [`GET /orgs/${ORG}/actions/secrets`]: { items: [orgSecret('NPM_TOKEN', '2026-01-01T00:00:00Z', '2026-10-01T00:00:00Z')], wrap: 'secrets' },
  };
}

const names = (records: ScanRecord[]) => records.filter((r): r is IdentityRecord => r.type === 'identity').map((r) => r.kind).sort();

describe('github scanner: rate limits and retries', () => {
  it('waits out primary and secondary rate limits (403 and 429) and server errors, reporting the countdown', async () => {
    const routes = baseRoutes();
    routes[`GET /orgs/${ORG}/members`] = flaky(1, primary, { items: [user('ops-bot'), user('alice')] });
    routes[`GET /orgs/${ORG}/hooks`] = flaky(1, secondary(403), routes[`GET /orgs/${ORG}/hooks`] as FakeRouteValue);
    routes[`GET /orgs/${ORG}/installations`] = flaky(1, secondary(429), { items: [], wrap: 'installations' });
    routes[`GET /orgs/${ORG}/actions/secrets`] = flaky(2, () => ({ status: 502, body: { message: 'Server Error' } }), routes[`GET /orgs/${ORG}/actions/secrets`] as FakeRouteValue);
    const server = await startFakeGitHub(routes);
    try {
      const t0 = Date.now();
      const { records, progress } = await scanDirect(testOptions(server, { org: [ORG] }));
      assert.ok(Date.now() - t0 < 10_000);
      assert.deepEqual(records.filter((r) => r.type === 'error'), []);
      assert.deepEqual(names(records), ['bot_account', 'webhook']);
      assert.ok(records.some((r) => r.type === 'credential' && r.name === 'NPM_TOKEN'));
      // Three limit waits shown as countdowns, each in the future when announced.
      assert.equal(progress.waits.length, 3, JSON.stringify(progress.waits));
      assert.ok(progress.waits.some((w) => /^GitHub rate limit \(GET \/orgs\/limits\/members/.test(w.reason)));
      assert.equal(progress.waits.filter((w) => /secondary rate limit/.test(w.reason)).length, 2);
      // Every retried attempt is reported (3 limits + 2 server errors).
      assert.equal(progress.retries.length, 5, JSON.stringify(progress.retries));
      assert.equal(server.requests.filter((r) => r.path === `/orgs/${ORG}/actions/secrets`).length, 3);
    } finally {
      await server.close();
    }
  });

  it('honours retry-after in real time at the default pace', async () => {
    const routes = baseRoutes();
    routes[`GET /orgs/${ORG}/hooks`] = flaky(1, secondary(403), routes[`GET /orgs/${ORG}/hooks`] as FakeRouteValue);
    const server = await startFakeGitHub(routes);
    try {
      const t0 = Date.now();
      const { progress } = await scanDirect(testOptions(server, { org: [ORG], retryBaseMs: 1000 }));
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 950, `waited ${elapsed} ms for retry-after: 1`);
      assert.equal(progress.waits.length, 1);
      assert.ok(progress.waits[0].until - t0 >= 900);
    } finally {
      await server.close();
    }
  });

  it('gives up on a limit that never clears after the retry budget: one scan error, the rest goes on', async () => {
    const routes = baseRoutes();
    routes[`GET /orgs/${ORG}/hooks`] = secondary(403);
    const server = await startFakeGitHub(routes);
    try {
      const { records, progress } = await scanDirect(testOptions(server, { org: [ORG], maxRetries: 2 }));
      const errors = records.filter((r): r is ErrorRecord => r.type === 'error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].operation, 'GET /orgs/{org}/hooks');
      assert.equal(errors[0].code, 'rate-limited');
      assert.match(errors[0].fix ?? '', /--max-retries|rerun/);
      assert.equal(server.requests.filter((r) => r.path === `/orgs/${ORG}/hooks`).length, 3, 'first try + 2 retries');
      assert.equal(progress.waits.length, 2);
      assert.ok(progress.logs.some((l) => /did not clear/.test(l)));
      // Everything after the hooks was still read.
      assert.ok(records.some((r) => r.type === 'credential' && r.name === 'NPM_TOKEN'));
      assert.deepEqual(names(records), ['bot_account']);
    } finally {
      await server.close();
    }
  });
});
