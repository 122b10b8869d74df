// What the scanner benchmark needs from each provider: a generated estate served on 127.0.0.1
// in the provider's wire format behind its documented limits, the scanner options pointing at
// it, and the concurrency the floor is computed at.
import type { AnyScanner } from '../../src/scanners/contract.js';
import type { LimitRule, LimitStats } from './limits.js';

export interface BenchSettings {
  /** Share of the estate size (1 = full size). */
  scale: number;
  /** Real API latency per request, ms. */
  latencyMs: number;
  /** Divides every limit window, refill interval and latency. */
  factor: number;
}

export interface RunningEstate {
  scanner: AnyScanner;
  options: unknown;
  /** Targets scanned at once (the pipeline's --concurrency). */
  targetConcurrency: number;
  /** Requests nhi keeps in flight at most: the concurrency the latency floor is computed at. */
  inFlight: number;
  /** Identities in the generated estate. */
  identities: number;
  rules: LimitRule[];
  stats: LimitStats;
  /** What the estate is, for the table. */
  describe: string;
  stop(): Promise<void>;
}

export interface ProviderBench {
  name: string;
  start(s: BenchSettings): Promise<RunningEstate>;
}
