// Network options every cloud scanner shares: one definition, spread into each option list.
import type { OptionsOf, ScannerOption } from '../contract.js';

export const DEFAULT_REQUEST_TIMEOUT_S = 30;
export const DEFAULT_MAX_RESPONSE_MB = 32;
export const DEFAULT_MAX_WAIT_S = 300;


export const REQUEST_TIMEOUT_OPTION = {
  key: 'requestTimeout',
  flag: '--request-timeout <seconds>',
  description: 'Seconds one request may take from connecting to its last byte; a timeout is retried like a server error',
  type: 'number',
  default: DEFAULT_REQUEST_TIMEOUT_S,
} as const satisfies ScannerOption;

export const MAX_RESPONSE_OPTION = {
  key: 'maxResponseMb',
  flag: '--max-response-mb <mb>',
  description: 'Largest answer read from the provider, in MB (a larger one is an error, so a broken endpoint cannot exhaust memory)',
  type: 'number',
  default: DEFAULT_MAX_RESPONSE_MB,
} as const satisfies ScannerOption;

export const MAX_WAIT_OPTION = {
  key: 'maxWait',
  flag: '--max-wait <seconds>',
  description: 'Longest rate-limit wait; a reset further away leaves the target partial with the reset time in its error',
  type: 'number',
  default: DEFAULT_MAX_WAIT_S,
} as const satisfies ScannerOption;

/** A positive number of seconds as milliseconds, else the default (options arrive from flags, config or env). */
export function secondsMs(value: unknown, defaultSeconds: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : defaultSeconds * 1000;
}

export function requestTimeoutMs(o: NetworkOptions): number {
  return secondsMs(o.requestTimeout, DEFAULT_REQUEST_TIMEOUT_S);
}

export function maxResponseBytes(o: NetworkOptions): number {
  const n = Number(o.maxResponseMb);
  return Math.round((Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_RESPONSE_MB) * 1048576);
}

/** The network options every cloud scanner takes (derived from their definitions above). */
export type NetworkOptions = OptionsOf<readonly [typeof REQUEST_TIMEOUT_OPTION, typeof MAX_RESPONSE_OPTION]>;
