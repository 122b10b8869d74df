// What a worker does with one job: read the file safely (no symlinks, size bound, binary
// sniffing) and run the detectors. Also used in-thread when workers are disabled.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { detect } from './detect.js';
import type { Job, JobResult, WorkerConfig } from './protocol.js';

const SNIFF = 8000;

/**
 * Binary when NUL bytes are more than a trace of the first 8000 bytes: one stray NUL
 * (a BOM-like marker, a padded header) in a text file must not hide what follows.
 */
export function isBinary(buf: Buffer, n: number): boolean {
  const end = Math.min(n, SNIFF);
  let nul = 0;
  for (let i = 0; i < end; i++) if (buf[i] === 0) nul++;
  return nul > Math.max(1, end / 200);
}

export function runJob(job: Job, cfg: WorkerConfig): JobResult {
  if (job.t === 'text') {
    const findings = detect(job.text, job.rel, cfg);
    for (const f of findings) f.line = job.lines[f.line - 1] ?? f.line;
    return { findings, bytes: job.text.length };
  }
  let fd: number;
  try {
    // A name that is not UTF-8 crosses the thread boundary as bytes (a Uint8Array).
    fd = openSync(typeof job.abs === 'string' ? job.abs : Buffer.from(job.abs), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    return { findings: [], bytes: 0, skipped: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { findings: [], bytes: 0, skipped: 'not-a-file' };
    if (st.size > cfg.maxFileSize) return { findings: [], bytes: 0, skipped: 'too-large' };
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < st.size) {
      const r = readSync(fd, buf, n, st.size - n, n);
      if (r === 0) break;
      n += r;
    }
    if (isBinary(buf, n)) return { findings: [], bytes: n, skipped: 'binary' };
    return { findings: detect(buf.toString('utf8', 0, n), job.rel, cfg), bytes: n };
  } catch (err) {
    return { findings: [], bytes: 0, skipped: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'EIO' };
  } finally {
    closeSync(fd);
  }
}
