// Faults between nhi and the GitHub API, through the real Octokit: a body cut short or not
// JSON is an error for that request (retried, then a target error), never an empty page;
// pagination links to another origin are not followed with the token; loops, stalls and
// rate-limit resets past --max-wait end the listing within bounds; an abort ends a wait at once.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityRecord } from '../../src/model/records.js';
import { startLocalServer, type LocalServer } from '../../src/demo/local-server.js';
import { githubScanner } from '../../scanners/github/index.js';
import { gitHubHandler, type FakeRoutes } from '../../scanners/github/demo/fake-github.js';
import { orgHook, user } from '../../scanners/github/demo/fixtures.js';
import type { GitHubOptions } from '../../scanners/github/options.js';
import { emptyOrgRoutes } from '../scanners/github/helpers.js';
import { raw, reset, stalled, stalledBody, truncated, type Fault } from './faults.js';
import { runScanner } from './run.js';

const ORG = 'faulty';
const TOKEN = ['test-token', 'fault-0001'].join('-');
const MEMBERS = `/orgs/${ORG}/members`;
const HOOKS = `/orgs/${ORG}/hooks`;

function routes(): FakeRoutes {
  return {
    ...emptyOrgRoutes(ORG),
    [`GET ${MEMBERS}`]: { items: [user('ops-bot'), user('alice')] },
    [`GET ${HOOKS}`]: { items: [orgHook(ORG, { id: 1, url: 'https://ci.example/h', secret: true, events: ['push'], createdAt: '2026-01-01T00:00:00Z' })] },
  };
}

/** A GitHub endpoint where `faults[path]` answers the first `times` requests for that path (default: all). */
async function faultyGitHub(faults: Record<string, { fault: Fault; times?: number }>, r: FakeRoutes = routes()): Promise<LocalServer> {
  const handler = gitHubHandler(r);
  const seen = new Map<string, number>();
  return startLocalServer((req, res) => {
    const f = req.query.get('role') ? undefined : faults[req.path];
    const n = (seen.get(req.path) ?? 0) + 1;
    seen.set(req.path, n);
    if (f && (f.times === undefined || n <= f.times)) return f.fault(res);
    return handler(req, res);
  });
}

function options(server: LocalServer, extra: Partial<GitHubOptions> = {}): GitHubOptions {
  return { githubUrl: server.url, token: TOKEN, org: [ORG], maxRetries: 2, retryBaseMs: 10, skipOidcSearch: true, requestTimeout: 0.5, ...extra };
}

const kinds = (run: { records: { type: string }[] }) => run.records.filter((r): r is IdentityRecord => r.type === 'identity').map((r) => r.kind).sort();
const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function serve(faults: Record<string, { fault: Fault; times?: number }>, r?: FakeRoutes): Promise<LocalServer> {
  const s = await faultyGitHub(faults, r);
  servers.push(s);
  return s;
}

const membersBody = JSON.stringify([user('ops-bot'), user('alice')]);

describe('github faults: bodies cut short or broken', () => {
  it('a members page cut off mid-body is retried, then a target error, never an empty list', async () => {
    const server = await serve({ [MEMBERS]: { fault: truncated(membersBody) } });
    const run = await runScanner(githubScanner, options(server));
    assert.ok(run.elapsedMs < 10_000, `took ${run.elapsedMs} ms`);
    assert.deepEqual(run.targets, [{ key: `github:${ORG}`, state: 'partial' }]);
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/members');
    assert.ok(err, JSON.stringify(run.errors));
    assert.equal(err.code, 'truncated-response');
    assert.match(err.message, /ended after \d+ of \d+ bytes/);
    assert.match(err.fix ?? '', /rerun/i);
    assert.equal(server.requests.filter((r) => r.path === MEMBERS && !r.query.get('role')).length, 3, 'first try + 2 retries');
    // Members unread: nobody may be called departed.
    assert.ok(run.notes.some((n) => /owners who left the organisation cannot be detected/.test(n.message)));
  });

  it('a cut that happens once is retried and the page is read in full', async () => {
    const server = await serve({ [MEMBERS]: { fault: truncated(membersBody), times: 1 } });
    const run = await runScanner(githubScanner, options(server));
    assert.deepEqual(run.errors, []);
    assert.deepEqual(run.targets, [{ key: `github:${ORG}`, state: 'complete' }]);
    assert.deepEqual(kinds(run), ['bot_account', 'webhook']);
  });

  it('a 200 whose body is not JSON is a malformed-response error naming no raw body text', async () => {
    const body = '<html>captive portal: total_count</html>';
    const server = await serve({ [HOOKS]: { fault: raw(200, body, 'text/html') } });
    const run = await runScanner(githubScanner, options(server));
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks');
    assert.equal(err?.code, 'malformed-response', JSON.stringify(run.errors));
    assert.doesNotMatch(err?.message ?? '', /captive|Cannot use 'in'/);
    assert.match(err?.fix ?? '', /proxy/);
    assert.deepEqual(run.targets.map((t) => t.state), ['partial']);
    assert.deepEqual(kinds(run), ['bot_account'], 'the rest of the organisation is still read');
  });

  it('JSON cut short with no length declared is malformed, not an empty page', async () => {
    const server = await serve({ [HOOKS]: { fault: raw(200, '[{"id": 1, "name": "web"') } });
    const run = await runScanner(githubScanner, options(server));
    assert.equal(run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks')?.code, 'malformed-response');
  });

  it('an error page that is not JSON keeps its status, without the raw body', async () => {
    const server = await serve({ [HOOKS]: { fault: raw(502, '<html><body>Bad gateway from proxy-17</body></html>', 'text/html') } });
    const run = await runScanner(githubScanner, options(server));
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks');
    assert.equal(err?.code, 'http-502', JSON.stringify(run.errors));
    assert.doesNotMatch(err?.message ?? '', /proxy-17|<html>/);
  });

  it('a connection reset before any answer is retried, then an error with a fix', async () => {
    const server = await serve({ [HOOKS]: { fault: reset } });
    const run = await runScanner(githubScanner, options(server));
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks');
    assert.equal(err?.code, 'connection-reset', JSON.stringify(run.errors));
    assert.match(err?.fix ?? '', /rerun/i);
    assert.equal(server.requests.filter((r) => r.path === HOOKS).length, 3);
  });
});

describe('github faults: an API that cannot be reached', () => {
  it('a refused connection on the first listing fails the target (nothing read), instead of a partial scan of every listing', async () => {
    const gone = await startLocalServer(() => undefined);
    const url = gone.url;
    await gone.close();
    const run = await runScanner(githubScanner, { ...options({ url } as LocalServer), maxRetries: 0 });
    assert.deepEqual(run.targets, [{ key: `github:${ORG}`, state: 'failed' }]);
    assert.equal(run.errors.length, 1, JSON.stringify(run.errors));
    assert.equal(run.errors[0]?.code, 'network');
    assert.match(run.errors[0]?.fix ?? '', /network access/);
  });

  it('an API that takes connections and never answers fails the target (nothing read) with the timeout and its fix', async () => {
    const silent = await startLocalServer((_req, res) => stalled(res));
    servers.push(silent);
    const run = await runScanner(githubScanner, { ...options(silent, { requestTimeout: 0.5 }), maxRetries: 1 });
    assert.ok(run.elapsedMs < 10_000, `took ${run.elapsedMs} ms`);
    assert.deepEqual(run.targets, [{ key: `github:${ORG}`, state: 'failed' }]);
    assert.equal(run.errors.length, 1, JSON.stringify(run.errors));
    assert.equal(run.errors[0]?.code, 'timeout');
    assert.match(run.errors[0]?.fix ?? '', /--request-timeout/);
  });
});

describe('github faults: pagination links', () => {
  it('never follows a next link to another origin, so the token is not sent there', async () => {
    const elsewhere = await startLocalServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    servers.push(elsewhere);
    const r = routes();
    r[`GET ${MEMBERS}`] = () => ({ status: 200, body: [user('ops-bot')], headers: { link: `<${elsewhere.url}${MEMBERS}?page=2>; rel="next"` } });
    const server = await serve({}, r);
    const run = await runScanner(githubScanner, options(server));
    assert.equal(elsewhere.requests.length, 0, 'nothing was sent to the other host');
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/members');
    assert.equal(err?.code, 'foreign-link', JSON.stringify(run.errors));
    assert.match(err?.message ?? '', /not followed/);
    assert.deepEqual(run.targets.map((t) => t.state), ['partial']);
    assert.equal(server.requests.filter((q) => q.path === MEMBERS && !q.query.get('role')).length, 1, 'not retried');
  });

  it('ends a Link loop (next names the same page again) with a pagination-loop error', async () => {
    const r = routes();
    r[`GET ${HOOKS}`] = (req) => ({ status: 200, body: [], headers: { link: `<http://${req.headers.host}${HOOKS}?page=2>; rel="next"` } });
    const server = await serve({}, r);
    const run = await runScanner(githubScanner, options(server));
    assert.ok(run.elapsedMs < 10_000);
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks');
    assert.equal(err?.code, 'pagination-loop', JSON.stringify(run.errors));
    assert.ok(server.requests.filter((q) => q.path === HOOKS).length <= 3);
  });
});

describe('github faults: stalls, rate limits and aborts', () => {
  it('a stalled answer times out, is retried, and fails that listing with the timeout and its fix', async () => {
    const server = await serve({ [HOOKS]: { fault: stalled } });
    const run = await runScanner(githubScanner, options(server, { requestTimeout: 0.2 }));
    // 3 attempts of 0.2 s plus short backoffs (the default timeout would take 90 s).
    assert.ok(run.elapsedMs < 20_000, `took ${run.elapsedMs} ms`);
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks');
    assert.equal(err?.code, 'timeout', JSON.stringify(run.errors));
    assert.match(err?.fix ?? '', /--request-timeout/);
    assert.deepEqual(run.targets.map((t) => t.state), ['partial']);
  });

  it('a body that stops arriving times out too', async () => {
    const server = await serve({ [MEMBERS]: { fault: stalledBody(membersBody) } });
    const run = await runScanner(githubScanner, options(server, { requestTimeout: 0.2 }));
    assert.ok(run.elapsedMs < 20_000, `took ${run.elapsedMs} ms`);
    assert.equal(run.errors.find((e) => e.operation === 'GET /orgs/{org}/members')?.code, 'timeout');
  });

  it('a rate limit resetting past --max-wait is not waited for: partial, with the reset time', async () => {
    // An hour away, one second before a minute turns: the message must name the reset
    // GitHub sent, not now plus the wait (which would land in the next minute).
    const reset = Math.ceil((Date.now() / 1000 + 3600) / 60) * 60 + 59;
    const limited = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) };
    const server = await serve({ [HOOKS]: { fault: raw(403, JSON.stringify({ message: 'API rate limit exceeded' }), 'application/json', limited) } });
    const run = await runScanner(githubScanner, options(server, { retryBaseMs: 1000, maxWait: 300 }));
    assert.ok(run.elapsedMs < 20_000, `took ${run.elapsedMs} ms`);
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks');
    assert.equal(err?.code, 'rate-limited', JSON.stringify(run.errors));
    assert.ok(err?.message.includes(`resets at ${new Date(reset * 1000).toISOString()}`), err?.message);
    assert.ok(err?.fix?.includes(new Date(reset * 1000).toISOString()), err?.fix ?? undefined);
    assert.match(err?.fix ?? '', /--max-wait/);
    assert.deepEqual(run.targets.map((t) => t.state), ['partial']);
  });

  it('a rate limit whose reset is not a time waits as an unnamed limit would: partial with a fix, no crash', async () => {
    const limited = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' };
    const server = await serve({ [HOOKS]: { fault: raw(403, JSON.stringify({ message: 'API rate limit exceeded' }), 'application/json', limited) } });
    const run = await runScanner(githubScanner, options(server, { retryBaseMs: 1000, maxWait: 30 }));
    assert.ok(run.elapsedMs < 20_000, `took ${run.elapsedMs} ms`);
    const err = run.errors.find((e) => e.operation === 'GET /orgs/{org}/hooks');
    assert.equal(err?.code, 'rate-limited', JSON.stringify(run.errors));
    assert.match(err?.message ?? '', /\(60 s away\)/);
    assert.deepEqual(run.targets.map((t) => t.state), ['partial']);
  });

  it('an abort during a rate-limit wait ends the scan at once', async () => {
    const limited = { 'retry-after': '120' };
    const server = await serve({ [HOOKS]: { fault: raw(429, JSON.stringify({ message: 'You have exceeded a secondary rate limit' }), 'application/json', limited) } });
    const ac = new AbortController();
    let waitSeen = 0;
    const run = await runScanner(githubScanner, options(server, { retryBaseMs: 1000, maxWait: 600 }), {
      signal: ac.signal,
      onWait: () => {
        waitSeen = Date.now();
        ac.abort();
      },
    });
    assert.ok(waitSeen > 0, 'the scan was waiting');
    assert.ok(Date.now() - waitSeen < 2_000, `stopped ${Date.now() - waitSeen} ms after the abort`);
    assert.equal(server.requests.filter((r) => r.path === HOOKS).length, 1, 'no request after the abort');
    assert.ok(run.thrown !== undefined || run.targets.every((t) => t.state !== 'complete'));
  });
});
