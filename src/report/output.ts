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
  let fd: number;
  let tmp: string | null = null;
  if (path && path !== '-') {
    tmp = `${path}.tmp-${process.pid}`;
    try {
      fd = openSync(tmp, 'w', 0o600);
    } catch (err) {
      throw new NhiError(`cannot write ${path}: ${(err as Error).message}`, { hint: 'Check that the folder exists and is writable, or use another --out path.' });
    }
  } else {
    fd = 1;
  }
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const data = buf.join('');
    buf = [];
    size = 0;
    try {
      writeSync(fd, data);
    } catch (err) {
      // A closed pipe (`nhi report | head`) is the reader's choice, not an error.
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        writeAll(fd, data);
        return;
      }
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
      if (tmp && path) {
        closeSync(fd);
        renameSync(tmp, path);
      }
    },
    abort() {
      if (tmp) {
        try {
          closeSync(fd);
          unlinkSync(tmp);
        } catch {
          // already gone
        }
      }
    },
  };
}

// Non-blocking stdout (a pipe in some shells) can refuse a large write: retry the rest.
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
