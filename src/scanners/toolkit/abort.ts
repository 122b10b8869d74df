// Cancellation with Node's own AbortSignal APIs: one signal per request that fires on the
// scan's abort or the request timeout, and waits that end the moment the scan is aborted.
import { setTimeout as delay } from 'node:timers/promises';

/** The scan's signal combined with a per-request timeout (`TimeoutError` when it fires). */
export function requestSignal(scan: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([scan, AbortSignal.timeout(Math.max(1, timeoutMs))]);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms <= 0) return;
  await delay(ms, undefined, { signal });
}

/** Rejects with the signal's reason once it aborts, whatever `work` is still doing. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/** True when `err` is the scan being stopped (not a request timing out). */
export function isScanAbort(err: unknown, scan: AbortSignal): boolean {
  return scan.aborted && (err === scan.reason || (err as Error)?.name === 'AbortError');
}
