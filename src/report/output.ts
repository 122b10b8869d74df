// Where a report or export goes: stdout or a file (created 0600, written whole or not at all).
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { NhiError } from '../errors.js';

export interface Output {
  write(s: string): void;
  /** Flush and close; for a file, move it into place. */
  end(): void;
  /** Drop a half-written file. */
  abort(): void;
}

const CHUNK = 1 << 16;

export function openOutput(path?: string): Output {
  if (!path || path === '-') return outputToFd(1, null);
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o600);
  } catch (err) {
    throw new NhiError(`cannot write ${path}: ${(err as Error).message}`, { hint: 'Check that the folder exists and is writable, or use another --out path.' });
  }
  return outputToFd(fd, { tmp, path });
}

/** Buffered writes to an open descriptor; with `file`, a temporary file moved into place at the end. */
export function outputToFd(fd: number, file: { tmp: string; path: string } | null): Output {
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const data = buf.join('');
    buf = [];
    size = 0;
    try {
      writeAll(fd, data);
    } catch (err) {
      // A closed pipe (`nhi report | head`) is the reader's choice: end as SIGPIPE would, never 0.
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(128 + 13);
      throw err;
    }
  };
  return {
    write(s) {
      buf.push(s);
      size += s.length;
      if (size >= CHUNK) flush();
    },
    end() {
      flush();
      if (file) {
        closeSync(fd);
        renameSync(file.tmp, file.path);
      }
    },
    abort() {
      if (file) {
        try {
          closeSync(fd);
          unlinkSync(file.tmp);
        } catch {
          // already gone
        }
      }
    },
  };
}

// One write(2) may take only part of the data (a pipe with less room than that, a signal), and a
// non-blocking pipe may refuse it for now: write until all of it is taken.
function writeAll(fd: number, data: string): void {
  let b = Buffer.from(data);
  while (b.length) {
    try {
      const n = writeSync(fd, b);
      b = b.subarray(n);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}
