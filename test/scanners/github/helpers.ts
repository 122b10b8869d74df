// Test helpers: a fake GitHub on 127.0.0.1 (GitHub's wire format, Link pagination) and a way to
// run the real scanner against it with a progress sink the test can read.
import { startLocalServer, type LocalServer } from '../../../src/demo/local-server.js';
import type { ScanRecord } from '../../../src/model/records.js';
import { defaultConfig } from '../../../src/config/config.js';
import { createProtector } from '../../../src/secrets/protect.js';
import type { ProgressSink } from '../../../src/scanners/contract.js';
import { githubScanner } from '../../../scanners/github/index.js';
import type { GitHubOptions } from '../../../scanners/github/options.js';
import { gitHubHandler, type FakeRoutes } from '../../../scanners/github/demo/fake-github.js';

export interface FakeGitHub extends LocalServer {
  /** Most requests the server had in flight at once. */
  maxInFlight(): number;
}

/** `delayMs` holds every response that long, so concurrency shows. */
export async function startFakeGitHub(routes: FakeRoutes, opts: { delayMs?: number } = {}): Promise<FakeGitHub> {
  const handler = gitHubHandler(routes);
  let inFlight = 0;
  let max = 0;
  const server = await startLocalServer(async (req, res) => {
    inFlight++;
    max = Math.max(max, inFlight);
    res.on('close', () => inFlight--);
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    await handler(req, res);
  });
  return Object.assign(server, { maxInFlight: () => max });
}

/**
 * Every organisation-level route the scanner calls, each answering with nothing (and members and
 * admins empty): a test spreads it and overrides the routes it is about.
 */
export function emptyOrgRoutes(org: string): FakeRoutes {
  return {
    [`GET /orgs/${org}/members?role=admin`]: { items: [] },
    [`GET /orgs/${org}/members`]: { items: [] },
    [`GET /orgs/${org}/outside_collaborators`]: { items: [] },
    [`GET /orgs/${org}/teams`]: { items: [] },
    [`GET /orgs/${org}/installations`]: { items: [], wrap: 'installations' },
    [`GET /orgs/${org}/personal-access-tokens`]: { items: [] },
    [`GET /orgs/${org}/personal-access-token-requests`]: { items: [] },
    [`GET /orgs/${org}/credential-authorizations`]: { items: [] },
    [`GET /orgs/${org}/hooks`]: { items: [] },
    [`GET /orgs/${org}/actions/secrets`]: { items: [], wrap: 'secrets' },
    [`GET /orgs/${org}/dependabot/secrets`]: { items: [], wrap: 'secrets' },
    [`GET /orgs/${org}/secret-scanning/alerts`]: { items: [] },
    [`GET /orgs/${org}/repos`]: { items: [] },
  };
}

export function testOptions(server: LocalServer, extra: Partial<GitHubOptions> = {}): GitHubOptions {
  return { githubUrl: server.url, token: 'test-token-not-real-0001', maxRetries: 3, retryBaseMs: 20, skipRepos: false, skipOidcSearch: true, ...extra };
}

export interface ProgressLog {
  apiCalls: string[];
  retries: { op: string; reason?: string }[];
  waits: { until: number; reason: string }[];
  logs: string[];
}

export function recordingProgress(): { sink: ProgressSink; log: ProgressLog } {
  const log: ProgressLog = { apiCalls: [], retries: [], waits: [], logs: [] };
  return {
    log,
    sink: {
      apiCall: (op) => log.apiCalls.push(op ?? ''),
      retry: (op, _ms, reason) => log.retries.push({ op, reason }),
      waiting: (until, reason) => log.waits.push({ until, reason }),
      log: (m) => log.logs.push(m),
    },
  };
}

/** Run the scanner's targets() and scan() directly (no pipeline), collecting records and progress. */
export async function scanDirect(options: GitHubOptions, now = new Date('2026-11-20T12:00:00Z')): Promise<{ records: ScanRecord[]; progress: ProgressLog; targets: string[] }> {
  const { sink, log } = recordingProgress();
  const base = { options, config: defaultConfig(), env: {}, secrets: createProtector(Buffer.alloc(32, 7)), progress: sink, signal: new AbortController().signal, now };
  const targets = await githubScanner.targets(base);
  const records: ScanRecord[] = [];
  for (const target of targets) for await (const r of githubScanner.scan({ ...base, target })) records.push(r);
  return { records, progress: log, targets: targets.map((t) => t.key) };
}
