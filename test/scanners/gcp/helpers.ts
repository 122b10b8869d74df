// Runs the gcp scanner through the pipeline against the local Google API stand-in.
import { startLocalServer, type LocalServer } from '../../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { gcpScanner } from '../../../scanners/gcp/index.js';
import { googleApiHandler, type FakeEstate, type FakeFaults } from '../../../scanners/gcp/demo/google-api.js';
import type { GcpOptions } from '../../../scanners/gcp/options.js';
import { TOKEN } from './fixtures.js';

export async function serve(estate: FakeEstate, faults: FakeFaults = {}): Promise<LocalServer> {
  return startLocalServer(googleApiHandler(estate, faults));
}

export function optionsFor(server: LocalServer, extra: Partial<GcpOptions> = {}): GcpOptions {
  const defaults = resolveScannerOptions(gcpScanner, { flags: {}, env: {}, section: undefined }) as GcpOptions;
  return {
    ...defaults,
    resourceManagerEndpoint: server.url,
    iamEndpoint: server.url,
    policyAnalyzerEndpoint: server.url,
    accessToken: TOKEN,
    retryBaseMs: 5,
    maxRetries: 3,
    ...extra,
  };
}
