// One demo inventory per test run, copied into each test that only reads it: `nhi scan --demo`
// costs about 5 s of CPU, and a dozen files each ran their own. The test files of one run are
// children of one runner process, so its pid names the shared copy; the first file to get
// there builds it, the others wait for it. A test of the demo scan itself runs its own.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';
import { BIN, nhi, type Run } from './nhi.js';

const WAIT_MS = 180_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The shared demo: its folder (nhi.db and its key) and what the scan printed. */
function shared(): { dir: string; run: Run } {
  // The build is part of the name: a rebuilt binary gets a new demo.
  const root = join(tmpdir(), `nhi-test-demo-${process.ppid}-${Math.round(statSync(join(BIN, '..', '..', 'dist')).mtimeMs)}`);
  const done = join(root, 'done');
  const lock = join(root + '.lock');
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(done)) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // Another file is building it.
    }
    if (mine) {
      const build = `${root}.build-${process.pid}`;
      mkdirSync(build, { recursive: true });
      const run = nhi(build, ['scan', '--demo']);
      writeFileSync(join(build, 'scan.json'), JSON.stringify(run));
      if (run.code !== 0) {
        rmSync(lock, { recursive: true, force: true });
        return { dir: build, run };
      }
      mkdirSync(root, { recursive: true });
      for (const f of readdirSync(build)) renameSync(join(build, f), join(root, f));
      writeFileSync(done, '');
      break;
    }
    if (Date.now() > deadline) throw new Error(`the shared demo inventory did not appear in ${WAIT_MS / 1000} s (${lock} is held)`);
    sleep(200);
  }
  return { dir: root, run: JSON.parse(readFileSync(join(root, 'scan.json'), 'utf8')) as Run };
}

/** A fresh folder holding a copy of the run's demo inventory, and what `nhi scan --demo` printed. */
export function demoCopy(): { dir: string; demo: Run } {
  const { dir: from, run } = shared();
  const dir = tempDir();
  for (const f of readdirSync(from)) if (f.startsWith('nhi.db')) copyFileSync(join(from, f), join(dir, f));
  return { dir, demo: run };
}
