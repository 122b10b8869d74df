#!/usr/bin/env node
// The HTML report's browser test drives Debian's Chromium. On a fresh Debian machine run as root
// this installs it (apt-get install -y chromium); anywhere else it fails with the command to run,
// so the browser test is never skipped silently.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.NHI_CHROMIUM || '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    throw new Error(`${CHROMIUM} is missing: the HTML report's browser test needs Chromium. Install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu), or set NHI_CHROMIUM to a Chromium binary.`);
  }
  console.error('installing chromium for the HTML report browser test: apt-get install -y chromium');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // apt-get's talk goes to standard error: standard output carries only the browser's path, which callers read.
  const stdio = ['ignore', 2, 2];
  let r = spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio, env });
  // A fresh image has no package lists yet.
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio, env });
    r = spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio, env });
  }
  if (r.status !== 0 || !existsSync(CHROMIUM)) throw new Error('`apt-get install -y chromium` failed; install Chromium by hand and run the tests again.');
  return CHROMIUM;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
