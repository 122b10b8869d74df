// One provider's generated estate, served from its own thread so the endpoint's work (building
// pages, enforcing limits) does not share the scanner's thread: started on `workerData`, it
// posts the scanner options, then on any message its counts and the floor the limits imply.
import { parentPort, workerData } from 'node:worker_threads';
import { limitFloorMs, longestPageChain } from './limits.js';
import type { BenchSettings, ProviderBench } from './provider.js';
import { awsBench } from './aws.js';
import { azureBench } from './azure.js';
import { gcpBench } from './gcp.js';
import { githubBench } from './github.js';

const BENCHES: Record<string, ProviderBench> = { aws: awsBench, azure: azureBench, gcp: gcpBench, github: githubBench };

export interface EndpointReady {
  options: unknown;
  targetConcurrency: number;
  inFlight: number;
  identities: number;
  describe: string;
}

export interface EndpointCounts {
  served: number;
  throttled: number;
  maxInFlight: number;
  limitFloor: { ms: number; bound: string };
  /** The longest list read page after page (its pages cannot overlap). */
  pageChain: { pages: number; list: string };
}

const { provider, settings } = workerData as { provider: string; settings: BenchSettings };
const running = await BENCHES[provider].start(settings);
const ready: EndpointReady = { options: running.options, targetConcurrency: running.targetConcurrency, inFlight: running.inFlight, identities: running.identities, describe: running.describe };
parentPort!.postMessage(ready);
parentPort!.once('message', () => {
  const counts: EndpointCounts = { served: running.stats.served, throttled: running.stats.throttled, maxInFlight: running.stats.maxInFlight, limitFloor: limitFloorMs(running.rules, running.stats.perKey), pageChain: longestPageChain(running.stats) };
  parentPort!.postMessage(counts);
  void running.stop().then(() => parentPort!.close());
});
