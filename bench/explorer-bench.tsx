// How quickly `nhi ui` answers on a large inventory: first paint, each filter as typed (the time
// from the keys to the frame that shows the result), and opening an identity and its chains.
//   NHI_BENCH_KEEP=1 npm run bench            (keeps the 1M inventory; prints its path)
//   npm run build && node dist/bench/explorer-bench.js --db <that path>
import React from 'react';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { render } from 'ink-testing-library';
import { loadConfig } from '../src/config/config.js';
import { openExplorerData } from '../src/ui/explorer/explorer-data.js';
import { Explorer } from '../src/ui/explorer/explorer.js';

const dbIdx = process.argv.indexOf('--db');
if (dbIdx < 0) {
  console.error('usage: node dist/bench/explorer-bench.js --db <inventory> [--text <rare text>]');
  process.exit(2);
}
const dbPath = process.argv[dbIdx + 1] as string;
const textIdx = process.argv.indexOf('--text');
const rare = textIdx > 0 ? (process.argv[textIdx + 1] as string) : 'nothing-is-called-this';

const ms = (t0: number) => Math.round(performance.now() - t0);
const frameOf = (app: ReturnType<typeof render>) => (app.lastFrame() ?? '').replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex

async function until(app: ReturnType<typeof render>, ok: (f: string) => boolean, limitMs = 120_000): Promise<string> {
  const t0 = performance.now();
  for (;;) {
    const f = frameOf(app);
    if (ok(f)) return f;
    if (performance.now() - t0 > limitMs) throw new Error(`no frame matched within ${limitMs} ms:\n${f}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** From starting `nhi ui` under a real terminal (util-linux script) to its first frame, and from q to its exit. */
async function terminalRun(): Promise<void> {
  if (spawnSync('script', ['--version']).status !== 0) return console.log('terminal run skipped: util-linux script is not installed');
  const bin = fileURLToPath(new URL('../../bin/nhi', import.meta.url));
  const t0 = performance.now();
  const child = spawn('script', ['-qfec', `stty cols 120 rows 40; '${process.execPath}' '${bin}' ui --db '${dbPath}'`, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let painted = 0;
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    if (!painted && /1 of \d+\+? · page 1/.test(out)) {
      painted = ms(t0);
      const tq = performance.now();
      child.stdin.write('q');
      void exited.then(() => console.log(`terminal: first paint ${String(painted).padStart(6)} ms from the command (node start included), q to exit ${ms(tq)} ms`));
    }
  });
  await exited;
}

async function main() {
  await terminalRun();
  const t0 = performance.now();
  const data = openExplorerData(dbPath, loadConfig({}));
  const openMs = ms(t0);
  const app = render(<Explorer data={data} inventory={dbPath} columns={120} rows={40} debounceMs={0} />);
  await until(app, (f) => /1 of \d+\+? · page 1/.test(f));
  console.log(`open inventory          ${String(openMs).padStart(6)} ms`);
  console.log(`first paint             ${String(ms(t0)).padStart(6)} ms  (from opening the inventory to the first page of identities drawn)`);

  const cases: [string, string][] = [
    ['1', ''],
    ['1', 'provider:gcp'],
    ['1', 'provider:aws kind:iam_role'],
    ['1', 'owner:none'],
    ['1', 'workload-12345'],
    ['1', rare],
    ['2', ''],
    ['2', 'status:inactive'],
    ['2', rare],
    ['3', ''],
    ['3', 'severity:critical'],
    ['3', 'rule:god-mode'],
    ['3', 'owner:none severity:high'],
    ['3', rare],
  ];
  let n = 0;
  for (const [tab, line] of cases) {
    app.stdin.write(tab);
    // The whole line as one burst (a paste): one query per line, the figure a typist sees after the last key.
    app.stdin.write('/');
    app.stdin.write('\x15'); // Ctrl-U: clear the line
    const t = performance.now();
    if (line) app.stdin.write(line);
    app.stdin.write('\r');
    const marker = `filter: ${line}`;
    const f = await until(app, (x) => x.includes(line ? marker : 'filter: (press') && /(\d+ of \d+\+?|0 of \d+|examined)/.test(x));
    const took = ms(t);
    const status = f.split('\n').find((l) => / of .* · page/.test(l)) ?? '';
    console.log(`${['identities', 'credentials', 'findings'][Number(tab) - 1]!.padEnd(12)} ${JSON.stringify(line).padEnd(30)} ${String(took).padStart(6)} ms   ${status.trim()}`);
    n++;
  }
  // Open the first finding's identity, then its chains.
  app.stdin.write('/');
  app.stdin.write('\x15');
  app.stdin.write('\r');
  await until(app, (x) => x.includes('filter: (press') && /1 of/.test(x));
  let t = performance.now();
  app.stdin.write('\r');
  await until(app, (x) => /^\s+id:\s/m.test(x));
  console.log(`open identity (detail)  ${String(ms(t)).padStart(6)} ms`);
  t = performance.now();
  app.stdin.write('c');
  const chains = await until(app, (x) => /^Chains of /m.test(x));
  console.log(`chains                  ${String(ms(t)).padStart(6)} ms  (${chains.split('\n')[0]!.trim()})`);
  app.unmount();
  data.close();
  console.log(`${n} filters; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
