// Messages between the scanner (main thread) and its detection workers. Findings carry
// the secret value back only within this process; the main thread hashes and redacts it
// immediately and drops it.
import type { RawFinding } from './detect.js';

export type Job =
  /** A file on disk, read by the worker (never through a symlink). */
  | { t: 'file'; abs: string | Uint8Array; rel: string }
  /** Text already in memory: the lines one commit added to one file. `lines[i]` = real line number of text line i+1. */
  | { t: 'text'; rel: string; text: string; lines: number[] };

export interface JobResult {
  findings: RawFinding[];
  bytes: number;
  skipped?: 'binary' | 'too-large' | 'unreadable' | 'not-a-file';
  /** errno code when unreadable (EACCES, ELOOP…). */
  code?: string;
}

export interface WorkerConfig {
  maxFileSize: number;
  includeFixtures: boolean;
}

export interface BatchRequest {
  id: number;
  jobs: Job[];
}

export interface BatchResponse {
  id: number;
  results: JobResult[];
  /** A crash inside detection (bug): the batch failed as a whole. */
  error?: string;
}
