// The two labelled corpora of the secrets benchmark, each scanned by nhi, gitleaks and
// secretlint in their own processes: the peer corpus (gitleaks' own rule cases, scored
// per case file) and the realistic corpus (scored per line: recall and precision).
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { peerCorpusDir, scorePeerFindings, writePeerCases } from './peer-corpus.js';
import { generateRealisticCorpus, scoreCorpus } from './realistic-corpus.js';
import { runGitleaks, runNhi, runSecretlint, type ToolRun } from './tools.js';

function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return n;
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '—');

export async function benchCorpora(root: string, work: string, timeoutMs: number): Promise<string[][]> {
  const rows = [['corpus', 'tool', 'recall', 'precision / false positives', 'time s', 'MB/s']];
  // secretlint's per-file profiler grows faster than linearly with the number of files: on
  // the 6,366 case files it did not finish in 300 s, so it runs on the realistic corpus only.
  const tools = async (dir: string, label: string, secretlint: boolean): Promise<[string, ToolRun][]> => [
    ['nhi scan repo', await runNhi(root, work, [dir], label)],
    ['gitleaks 8 (WASM)', await runGitleaks(root, work, dir, label, timeoutMs)],
    ...(secretlint ? [['secretlint', await runSecretlint(root, work, dir, '**/*', label, timeoutMs)] as [string, ToolRun]] : []),
  ];
  const rel = (dir: string, f: string) => (f.startsWith(dir + '/') ? f.slice(dir.length + 1) : f);

  const peerDir = join(work, 'peer');
  mkdirSync(peerDir, { recursive: true });
  const corpus = peerCorpusDir();
  writePeerCases(corpus, peerDir);
  const peerMb = bytesUnder(peerDir) / 1e6;
  for (const [tool, run] of await tools(peerDir, 'peer', false)) {
    if (run.note?.startsWith('did not finish')) {
      rows.push(['gitleaks rule cases', tool, '—', '—', `> ${run.seconds.toFixed(0)}`, '—']);
      continue;
    }
    const s = scorePeerFindings(corpus, peerDir, run.findings.map((f) => rel(peerDir, f.file)));
    rows.push(['gitleaks rule cases', tool, `${s.tpFound}/${s.tp} (${pct(s.tpFound, s.tp)})`, `${s.fpFlagged}/${s.fp} fps flagged (+${s.fpAlsoTpFlagged} that are another rule's tp)`, run.seconds.toFixed(1), (peerMb / run.seconds).toFixed(2)]);
  }

  const realDir = join(work, 'realistic');
  const c = generateRealisticCorpus(realDir);
  const realMb = c.bytes / 1e6;
  for (const [tool, run] of await tools(realDir, 'realistic', true)) {
    if (run.note?.startsWith('did not finish')) {
      rows.push(['realistic (nhi)', tool, '—', '—', `> ${run.seconds.toFixed(0)}`, '—']);
      continue;
    }
    const s = scoreCorpus(c, run.findings.map((f) => ({ file: rel(realDir, f.file), line: f.line })));
    rows.push(['realistic (nhi)', tool, `${s.found}/${s.positives} (${pct(s.found, s.positives)})`, `${pct(s.findings - s.falsePositives, s.findings)} (${s.falsePositives} of ${s.findings} findings)`, run.seconds.toFixed(1), (realMb / run.seconds).toFixed(2)]);
  }
  return rows;
}
