// `nhi ui` under a real pseudo-terminal (util-linux `script`): the first frame appears on the
// alternate screen, q exits 0 and leaves the terminal as it was (main screen back, cursor shown).
// Without a terminal it refuses with exit 2 and points at the commands that do the same in scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nhi } from '../cli/nhi.js';
import { demoCopy } from '../cli/demo-copy.js';

const BIN = fileURLToPath(new URL('../../bin/nhi', import.meta.url));

const { dir, demo } = demoCopy();
assert.equal(demo.code, 0, demo.err + demo.out);
const db = join(dir, 'nhi.db');

const ENTER_ALT = '\x1b[?1049h';
const LEAVE_ALT = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

test('under a terminal: the first frame, then q exits 0 with the main screen back and the cursor shown', { timeout: 60_000 }, async () => {
  // util-linux `script` (Debian's essential bsdutils) gives the child a real pseudo-terminal.
  assert.equal(spawnSync('script', ['--version'], { encoding: 'utf8' }).status, 0, 'util-linux `script` is needed for this test: apt-get install bsdutils');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const child = spawn('script', ['-qfec', `stty cols 110 rows 30; ${quote(process.execPath)} ${quote(BIN)} ui --db ${quote(db)}`, '/dev/null'], {
    cwd: dir,
    env: { ...process.env, NHI_DB: '', NO_COLOR: '', TERM: 'xterm-256color' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = async (re: RegExp, ms: number) => {
    const until = Date.now() + ms;
    while (!re.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return re.test(out);
  };
  try {
    assert.ok(await waitFor(/1 Identities[\s\S]*↑↓ move/, 30_000), `the first frame appears:\n${JSON.stringify(out.slice(-2000))}`);
    assert.ok(out.indexOf(ENTER_ALT) >= 0 && out.indexOf(ENTER_ALT) < out.indexOf('1 Identities'), 'drawn on the alternate screen');
    child.stdin.write('3');
    assert.ok(await waitFor(/3 Findings[\s\S]*critical/, 10_000), 'keys reach it');
    child.stdin.write('q');
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 15_000))]);
    assert.equal(code, 0);
    const tail = out.slice(out.lastIndexOf('↑↓ move'));
    assert.ok(tail.includes(LEAVE_ALT), `the main screen is back: ${JSON.stringify(tail.slice(-200))}`);
    assert.ok(tail.lastIndexOf(SHOW_CURSOR) > tail.lastIndexOf('\x1b[?25l'), 'the cursor is shown again');
  } finally {
    child.kill();
  }
});

test('without a terminal it refuses with exit 2 and names the commands for scripts', () => {
  const r = nhi(dir, ['ui']);
  assert.equal(r.code, 2);
  assert.match(r.err, /nhi ui needs an interactive terminal/);
  assert.match(r.err, /nhi ls identities\|credentials\|findings.*nhi show/);
  assert.equal(r.out, '', 'nothing drawn on a pipe');
});
