// `nhi scan --demo`, GCP part: the demo estate served in Google's REST shapes on 127.0.0.1.
import type { DemoEndpoint, DemoInput } from '../../../src/scanners/contract.js';
import { startLocalServer } from '../../../src/demo/local-server.js';
import type { GcpOptions } from '../options.js';
import { buildDemoEstate, DEMO_GCP } from './estate.js';
import { googleApiHandler } from './google-api.js';
import { demoLogEntries, loggingHandler } from './audit-log.js';

export async function startGcpDemo(input: DemoInput): Promise<DemoEndpoint<GcpOptions>> {
  const google = googleApiHandler(buildDemoEstate(input.now, input.day ?? 0), { maxPage: 10 });
  const logs = loggingHandler({ entries: demoLogEntries(input.now) });
  const server = await startLocalServer((req, res) => (logs(req, res) ? undefined : google(req, res)));
  return {
    options: {
      resourceManagerEndpoint: server.url,
      iamEndpoint: server.url,
      policyAnalyzerEndpoint: server.url,
      accessToken: 'demo-local-access-token',
      org: DEMO_GCP.org,
      ownerDescriptionPrefix: 'owner:',
      maxRetries: 2,
      retryBaseMs: 20,
      pageSize: 10,
      ownersFromLogs: true,
      loggingEndpoint: server.url,
    },
    stop: () => server.close(),
  };
}
