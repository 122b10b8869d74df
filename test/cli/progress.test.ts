// The live progress honours NO_COLOR and never passes a scanned name's escape sequences through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./fixtures/progress-child.tsx', import.meta.url));
// Select Graphic Rendition sequences that set a colour or dim text.
// eslint-disable-next-line no-control-regex -- looking for escape sequences is the point
const COLOUR = /\u001b\[(?:2|3[0-7]|9[0-7])m/;

function render(env: Record<string, string>): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string;
}

test('live progress: colour unless NO_COLOR is set; names and log lines are inert', { timeout: 60_000 }, () => {
  const coloured = render({ FORCE_COLOR: '1', NO_COLOR: '' });
  assert.match(coloured, COLOUR, 'with colour forced on, the check can see colour');
  const plain = render({ FORCE_COLOR: '1', NO_COLOR: '1' });
  assert.doesNotMatch(plain, COLOUR);
  assert.match(plain, /app/);
  for (const out of [coloured, plain]) {
    assert.ok(!out.includes('\u001b]0;'), 'a set-title sequence from a scanned name never reaches the terminal');
    assert.ok(!out.includes('\u0007'));
    assert.match(out, /app\\x1b\]0;title\\x07/);
  }
});
