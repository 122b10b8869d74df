// The browser test's set-up on a fresh machine: when Chromium is missing and the machine can install
// it, the installer's own output must not reach the one line the test reads (the browser's path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/ensure-chromium.mjs', import.meta.url));

test('a missing Chromium: as root it is installed and only its path is printed (the installer talks on standard error); as anyone else the command to run is named', () => {
  const dir = tempDir();
  const browser = join(dir, 'chromium');
  // A stand-in apt-get first on PATH: talks on standard output as the real one does, then "installs".
  writeFileSync(join(dir, 'apt-get'), `#!/bin/sh\necho "Reading package lists..."\necho "Setting up chromium"\n[ "$1" = install ] && touch "${browser}" && chmod +x "${browser}"\nexit 0\n`);
  chmodSync(join(dir, 'apt-get'), 0o755);
  const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NHI_CHROMIUM: browser } });
  if (process.getuid?.() !== 0) {
    assert.equal(r.status, 1);
    assert.match(r.stderr, /sudo apt-get install -y chromium/);
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${browser}\n`);
  assert.match(r.stderr, /Reading package lists/);
  assert.ok(existsSync(browser));
});

test('a Chromium already there is named at once, nothing installed', () => {
  const dir = tempDir();
  const browser = join(dir, 'chromium');
  writeFileSync(browser, '');
  const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { ...process.env, PATH: dir, NHI_CHROMIUM: browser } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${browser}\n`);
});
