// GitHub at scale: one organisation with 2,000 repositories (each with a deploy key, a webhook,
// secrets, every fifth with an environment and its secrets), served by the demo's GitHub
// endpoint. Limits as GitHub documents them (docs.github.com/rest/using-the-rest-api/
// rate-limits-for-the-rest-api): 5,000 requests an hour per token, reported in x-ratelimit-*
// headers and answered 403 with x-ratelimit-remaining: 0 when spent; secondary limits of
// 900 points a minute (a GET is one point) answered 429 with Retry-After.
import { startLocalServer } from '../../src/demo/local-server.js';
import { githubScanner } from '../../scanners/github/index.js';
import { gitHubHandler, type FakeRoutes } from '../../scanners/github/demo/fake-github.js';
import { deployKey, environment, repo, repoHook, repoSecret } from '../../scanners/github/demo/fixtures.js';
import type { GitHubOptions } from '../../scanners/github/options.js';
import { limited, type LimitRule } from './limits.js';
import type { ProviderBench } from './provider.js';
import { DEFAULT_CONCURRENCY } from '../../src/cli/scan-args.js';

const ORG = 'bench-org';
const AT = '2025-06-01T00:00:00Z';

function routes(repos: number): { routes: FakeRoutes; identities: number } {
  const r: FakeRoutes = {
    [`GET /orgs/${ORG}/members?role=admin`]: { items: [] },
    [`GET /orgs/${ORG}/members`]: { items: [] },
    [`GET /orgs/${ORG}/outside_collaborators`]: { items: [] },
    [`GET /orgs/${ORG}/installations`]: { items: [], wrap: 'installations' },
    [`GET /orgs/${ORG}/personal-access-tokens`]: { items: [] },
    [`GET /orgs/${ORG}/personal-access-token-requests`]: { items: [] },
    [`GET /orgs/${ORG}/credential-authorizations`]: { items: [] },
    [`GET /orgs/${ORG}/hooks`]: { items: [] },
    [`GET /orgs/${ORG}/actions/secrets`]: { items: [], wrap: 'secrets' },
    [`GET /orgs/${ORG}/dependabot/secrets`]: { items: [], wrap: 'secrets' },
    [`GET /orgs/${ORG}/secret-scanning/alerts`]: { items: [] },
  };
  const list = [];
  let identities = 0;
  for (let i = 0; i < repos; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const full = `${ORG}/${name}`;
    list.push(repo(ORG, name, { createdAt: AT }));
    r[`GET /repos/${full}/keys`] = { items: [deployKey(full, { id: 900_000 + i, title: `deploy ${name}`, readOnly: i % 3 !== 0, createdAt: AT, addedBy: null, lastUsed: null })] };
    r[`GET /repos/${full}/hooks`] = { items: [repoHook(full, { id: 800_000 + i, url: `https://ci.example/hooks/${name}`, secret: true, events: ['push'], createdAt: AT })] };
    const envs = i % 5 === 0 ? [environment(full, 'production', AT)] : [];
    r[`GET /repos/${full}/environments`] = { items: envs, wrap: 'environments' };
    if (envs.length) r[`GET /repos/${full}/environments/production/secrets`] = { items: [repoSecret('DEPLOY_TOKEN', AT, AT)], wrap: 'secrets' };
    r[`GET /repos/${full}/actions/secrets`] = { items: [repoSecret('NPM_TOKEN', AT, AT), repoSecret('SENTRY_DSN', AT, AT)], wrap: 'secrets' };
    identities += 2 + (envs.length ? 1 : 0) + 2;
  }
  r[`GET /orgs/${ORG}/repos`] = { items: list };
  return { routes: r, identities };
}

const HOUR = 3_600_000;

export const githubBench: ProviderBench = {
  name: 'github',
  async start(s) {
    const repos = Math.max(10, Math.round(2000 * s.scale));
    const { routes: r, identities } = routes(repos);
    const byToken = (req: { headers: Record<string, unknown> }) => String(req.headers.authorization ?? 'anonymous');
    const rules: LimitRule[] = [
      { name: 'primary: 5,000 requests/hour per token', key: byToken, capacity: 5000, windowMs: HOUR },
      { name: 'secondary: 900 points/minute', key: byToken, capacity: 900, perSecond: 15 },
    ];
    const realReset = (resetAtWall: number) => String(Math.ceil((Date.now() + Math.max(0, resetAtWall - Date.now()) * s.factor) / 1000));
    const { handler, stats } = limited(gitHubHandler(r), {
      rules,
      latencyMs: s.latencyMs,
      factor: s.factor,
      throttled: (_req, res, rule, waitMs, resetAt) => {
        const primary = rule.windowMs !== undefined;
        // GitHub's clock is the real one: its reset and Retry-After are in real seconds (nhi's
        // --retry-base-ms, divided by the factor too, turns them into compressed waits).
        res.writeHead(primary ? 403 : 429, {
          'content-type': 'application/json; charset=utf-8',
          'x-ratelimit-limit': String(rule.capacity),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': realReset(resetAt),
          'x-ratelimit-resource': 'core',
          ...(primary ? {} : { 'retry-after': String(Math.max(1, Math.ceil((waitMs * s.factor) / 1000))) }),
        });
        res.end(JSON.stringify({ message: primary ? 'API rate limit exceeded for installation.' : 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api', status: primary ? '403' : '429' }));
      },
      headers: (rule, remaining, resetAt): Record<string, string> =>
        rule.windowMs ? { 'x-ratelimit-limit': String(rule.capacity), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': realReset(resetAt), 'x-ratelimit-used': String(rule.capacity - remaining) } : {},
    });
    const server = await startLocalServer(handler);
    const options: GitHubOptions = {
      org: [ORG],
      githubUrl: server.url,
      token: 'bench-owner-token',
      maxRetries: 5,
      retryBaseMs: Math.max(1, Math.round(1000 / s.factor)),
      skipOidcSearch: true,
      maxWait: 7200,
    } as GitHubOptions;
    return { scanner: githubScanner, options, targetConcurrency: DEFAULT_CONCURRENCY, inFlight: 4, identities, rules, stats, describe: `1 organisation, ${repos} repositories`, stop: () => server.close() };
  },
};
