// Report and export output: every byte reaches the reader even when one write(2) takes only part
// of it. A FIFO opened non-blocking, drained by another process slower than we write, fills up
// and takes partial writes (or refuses with EAGAIN), as a pipe to a slow consumer does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputToFd } from '../../src/report/output.js';
import { tempDir } from '../helpers/temp.js';

test('output to a full non-blocking pipe loses nothing: partial writes are completed', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const fifo = join(dir, 'pipe');
  const copy = join(dir, 'copy');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  // A reader that takes its time, so the pipe is full when most writes come.
  const reader = spawn('sh', ['-c', `exec 3<"${fifo}"; sleep 0.3; cat <&3 > "${copy}"`]);
  const done = new Promise<number | null>((r) => reader.on('close', r));
  // Non-blocking, as some shells and parents hand stdout over; it opens once the reader is there.
  let fd = -1;
  for (let i = 0; fd < 0; i++) {
    try {
      fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO' || i > 500) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  // The reader is slow to start draining: the pipe fills before it does.
  await new Promise((r) => setTimeout(r, 10));
  const out = outputToFd(fd, null);
  const line = 'x'.repeat(99) + '\n';
  for (let i = 0; i < 30_000; i++) out.write(line);
  out.end();
  closeSync(fd);
  assert.equal(await done, 0);
  const got = readFileSync(copy, 'utf8');
  assert.equal(got.length, 3_000_000);
  assert.ok(got.endsWith('x\n'));
});
