// Progress of a scan, per scanner and target: counters the UI draws and the
// inventory stores. Scanners only see the ProgressSink face of it.
import type { ProgressSink } from '../scanners/contract.js';

export type TargetState = 'discovering' | 'running' | 'complete' | 'partial' | 'failed';

export interface TargetProgress {
  scanner: string;
  targetKey: string;
  label: string;
  state: TargetState;
  found: number;
  apiCalls: number;
  retries: number;
  errors: number;
  notes: number;
  /** Epoch ms until which the target waits for a rate limit, if it does. */
  waitingUntil: number | null;
  waitingReason: string | null;
  lastLog: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export type ProgressListener = (t: TargetProgress, event: 'update' | 'log', message?: string) => void;

export function newTargetProgress(scanner: string, targetKey: string, label: string, state: TargetState = 'running'): TargetProgress {
  return {
    scanner, targetKey, label, state, found: 0, apiCalls: 0, retries: 0, errors: 0, notes: 0,
    waitingUntil: null, waitingReason: null, lastLog: null, startedAt: Date.now(), finishedAt: null,
  };
}

/** A sink that updates `t` and tells the listener. */
export function progressSink(t: TargetProgress, listener: ProgressListener = () => {}): ProgressSink {
  return {
    apiCall() {
      t.apiCalls++;
      t.waitingUntil = null;
      listener(t, 'update');
    },
    retry(operation, waitMs, reason) {
      t.retries++;
      const msg = `retrying ${operation}${waitMs ? ` in ${Math.ceil(waitMs / 1000)}s` : ''}${reason ? ` (${reason})` : ''}`;
      t.lastLog = msg;
      listener(t, 'log', msg);
    },
    waiting(until, reason) {
      t.waitingUntil = until;
      t.waitingReason = reason;
      const msg = `waiting ${Math.max(0, Math.ceil((until - Date.now()) / 1000))}s: ${reason}`;
      t.lastLog = msg;
      listener(t, 'log', msg);
    },
    log(message) {
      t.lastLog = message;
      listener(t, 'log', message);
    },
  };
}
