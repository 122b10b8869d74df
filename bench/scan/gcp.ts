// GCP at scale: an organisation of 500 projects holding 20,000 service accounts (a quarter with
// a user-managed key), served by the demo's Google API endpoint. Limits are per consumer
// (quota) project, as Google enforces its quotas, with the defaults the console shows:
// IAM 6,000 read requests a minute, Resource Manager 6,000 read requests a minute, Policy
// Analyzer 600 queries a minute; over a quota Google answers 429 RESOURCE_EXHAUSTED.
import { startLocalServer, type LocalRequest } from '../../src/demo/local-server.js';
import { gcpScanner } from '../../scanners/gcp/index.js';
import { googleApiHandler, FOREVER, type FakeEstate } from '../../scanners/gcp/demo/google-api.js';
import type { GcpOptions } from '../../scanners/gcp/options.js';
import { limited, type LimitRule } from './limits.js';
import type { ProviderBench } from './provider.js';
import { DEFAULT_CONCURRENCY } from '../../src/cli/scan-args.js';

const AT = '2025-06-01T00:00:00Z';

function estate(projects: number, accounts: number): FakeEstate {
  const e: FakeEstate = { organizations: [{ id: '9001', domain: 'bench.example', createTime: AT, policy: [{ role: 'roles/browser', members: ['domain:bench.example'] }] }], folders: [], projects: [] };
  const per = Math.max(1, Math.round(accounts / projects));
  for (let i = 0; i < projects; i++) {
    const id = `bench-${String(i).padStart(4, '0')}`;
    e.projects.push({
      projectId: id,
      number: String(700000 + i),
      parent: 'organizations/9001',
      createTime: AT,
      activityApi: 'enabled',
      policy: [{ role: 'roles/editor', members: [`serviceAccount:${700000 + i}-compute@developer.gserviceaccount.com`] }],
      serviceAccounts: Array.from({ length: per }, (_, j) => ({
        email: `sa-${j}@${id}.iam.gserviceaccount.com`,
        uniqueId: `1${String(i).padStart(5, '0')}${String(j).padStart(15, '0')}`,
        lastAuthenticated: AT,
        keys: j % 4 === 0 ? [{ id: `${String(i).padStart(8, '0')}${String(j).padStart(8, '0')}`.padEnd(40, 'a'), keyType: 'USER_MANAGED' as const, validAfterTime: AT, validBeforeTime: FOREVER }] : [],
      })),
    });
  }
  return e;
}

const consumer = (r: LocalRequest) => String(r.headers['x-goog-user-project'] ?? 'adc-project');

export const gcpBench: ProviderBench = {
  name: 'gcp',
  async start(s) {
    const projects = Math.max(2, Math.round(500 * s.scale));
    const accounts = Math.max(2, Math.round(20000 * s.scale));
    const e = estate(projects, accounts);
    const rules: LimitRule[] = [
      { name: 'iam.googleapis.com read requests/minute (6,000)', key: (r) => (/^\/v1\/projects\/[^/]+\/serviceAccounts/.test(r.path) ? consumer(r) : null), capacity: 6000, perSecond: 100 },
      { name: 'cloudresourcemanager.googleapis.com read requests/minute (6,000)', key: (r) => (r.path.startsWith('/v3/') ? consumer(r) : null), capacity: 6000, perSecond: 100 },
      { name: 'policyanalyzer.googleapis.com queries/minute (600)', key: (r) => (r.path.includes('/activities:query') ? consumer(r) : null), capacity: 600, perSecond: 10 },
    ];
    const { handler, stats } = limited(googleApiHandler(e), {
      rules,
      latencyMs: s.latencyMs,
      factor: s.factor,
      throttled: (_req, res, rule) => {
        res.writeHead(429, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: `Quota exceeded for quota metric '${rule.name}'.`, details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' }] } }));
      },
    });
    const server = await startLocalServer(handler);
    const options = { resourceManagerEndpoint: server.url, iamEndpoint: server.url, policyAnalyzerEndpoint: server.url, accessToken: 'bench-access-token', org: '9001', maxRetries: 8, retryBaseMs: Math.max(1, Math.round(1000 / s.factor)) } as GcpOptions;
    const identities = e.projects.reduce((n, p) => n + p.serviceAccounts.length, 0);
    return { scanner: gcpScanner, options, targetConcurrency: DEFAULT_CONCURRENCY, inFlight: 32, identities, rules, stats, describe: `${projects} projects, ${identities} service accounts`, stop: () => server.close() };
  },
};
