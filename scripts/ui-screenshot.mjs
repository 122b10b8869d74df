#!/usr/bin/env node
// Renders docs/ui.png from what `nhi ui` draws: the demo inventory, the explorer in a tmux pane
// driven by keys, the pane captured with its colours, then drawn as text in headless Chromium.
//   npm run build && node scripts/ui-screenshot.mjs [keys...]   (default keys: 3, the findings)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'nhi');
const out = join(root, 'docs', 'ui.png');
const keys = process.argv.slice(2).length ? process.argv.slice(2) : ['3'];
const COLS = 118;
const ROWS = 30;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.stdout}`);
  return r.stdout;
};

const dir = mkdtempSync(join(tmpdir(), 'nhi-shot-'));
const session = `nhi-shot-${process.pid}`;
try {
  run(process.execPath, [bin, 'scan', '--demo', '--db', join(dir, 'nhi.db')], { cwd: dir, env: { ...process.env, CI: '1' } });
  run('tmux', ['new-session', '-d', '-s', session, '-x', String(COLS), '-y', String(ROWS), '-c', dir, `TERM=xterm-256color '${process.execPath}' '${bin}' ui --db nhi.db`]);
  const capture = () => run('tmux', ['capture-pane', '-p', '-e', '-t', session]);
  for (let i = 0; i < 100 && !/1 of \d+/.test(capture()); i++) await sleep(100);
  await sleep(500);
  for (const k of keys) {
    run('tmux', ['send-keys', '-t', session, k]);
    await sleep(600);
  }
  const html = page(capture());
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
  try {
    const p = await browser.newPage({ viewport: { width: 900, height: 100 }, deviceScaleFactor: 1 });
    await p.setContent(html);
    await p.locator('pre').screenshot({ path: out });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${out}`);
} finally {
  spawnSync('tmux', ['kill-session', '-t', session]);
  rmSync(dir, { recursive: true, force: true });
}

/** The captured pane (text with SGR colour codes) as an HTML page of one <pre>. */
function page(ansi) {
  const PALETTE = ['#2e3436', '#ef2929', '#8ae234', '#fce94f', '#729fcf', '#ad7fa8', '#34e2e2', '#eeeeec'];
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let st = { fg: null, bold: false, dim: false, inverse: false };
  let html = '';
  // eslint-disable-next-line no-control-regex -- reading escape sequences is the point
  for (const part of ansi.replace(/\n+$/, '').split(/(\x1b\[[0-9;]*m)/)) {
    // eslint-disable-next-line no-control-regex
    const m = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (m) {
      const codes = (m[1] || '0').split(';').map(Number);
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i];
        if (c === 0) st = { fg: null, bold: false, dim: false, inverse: false };
        else if (c === 1) st.bold = true;
        else if (c === 2) st.dim = true;
        else if (c === 22) st.bold = st.dim = false;
        else if (c === 7) st.inverse = true;
        else if (c === 27) st.inverse = false;
        else if (c >= 30 && c <= 37) st.fg = PALETTE[c - 30];
        else if (c >= 90 && c <= 97) st.fg = PALETTE[c - 90];
        else if (c === 39) st.fg = null;
        else if (c === 38 && codes[i + 1] === 5) {
          const n = codes[i + 2];
          st.fg = n < 8 ? PALETTE[n] : n < 16 ? PALETTE[n - 8] : null;
          i += 2;
        }
      }
      continue;
    }
    if (!part) continue;
    const fg = st.fg ?? '#d3d7cf';
    const style = [
      st.inverse ? `background:${fg};color:#1e1e1e` : `color:${fg}`,
      st.bold ? 'font-weight:bold' : '',
      st.dim ? 'opacity:0.6' : '',
    ].filter(Boolean).join(';');
    html += `<span style="${style}">${esc(part)}</span>`;
  }
  return `<!doctype html><meta charset="utf-8"><style>
    body{margin:0;background:#1e1e1e}
    pre{margin:0;padding:10px 12px;display:inline-block;background:#1e1e1e;font:12px/1.3 'DejaVu Sans Mono',monospace;white-space:pre}
  </style><pre>${html}</pre>`;
}
