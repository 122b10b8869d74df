// The peer corpus: gitleaks' own per-rule true/false positive cases (../shared/corpora,
// beside the clone). Its scorer writes one file per case; each file is scanned through the
// repository scanner's engine (runJob: the same read + detect a worker does) and a case
// counts as found when any finding lies in its file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJob } from '../../scanners/repo/engine/scan-file.js';
import type { RawFinding } from '../../scanners/repo/engine/detect.js';

export interface PeerScore {
  tp: number;
  tpFound: number;
  fp: number;
  fpFlagged: number;
  /** fp cases that are exact tps of another rule, flagged (not an error of ours). */
  fpAlsoTpFlagged: number;
  bytes: number;
  seconds: number;
  missedByRule: Record<string, number>;
  flaggedFps: string[];
}

interface Case {
  rule: string;
  label: 'tp' | 'fp';
  also_tp_for?: string[];
}

/** The corpus folder: `../shared/corpora` beside the clone (CI copies it there, read-only). */
export function peerCorpusDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'package.json'))) return resolve(d, '..', 'shared', 'corpora');
    d = dirname(d);
  }
  throw new Error('cannot find the nhi package root');
}

export class PeerCorpusMissing extends Error {
  readonly hint: string;
  constructor(dir: string) {
    super(`peer corpus not found at ${dir}`);
    this.hint = 'Put the shared corpora folder beside the clone (../shared/corpora with gitleaks-cases.jsonl and score-gitleaks-cases.mjs).';
  }
}

/** Write the cases with the corpus' own scorer into `out` (it picks each file's extension). */
export function writePeerCases(corpus: string, out: string): void {
  const script = join(corpus, 'score-gitleaks-cases.mjs');
  if (!existsSync(script) || !existsSync(join(corpus, 'gitleaks-cases.jsonl'))) throw new PeerCorpusMissing(corpus);
  const r = spawnSync(process.execPath, [script, 'write', out, '--force'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`writing the peer cases failed: ${r.stderr}`);
}

function filesUnder(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => filesUnder(join(p, n)));
}

/** One case into the score: a true positive found or missed, a false positive flagged or not. */
function tally(s: PeerScore, c: Case, found: boolean, unit: string): void {
  if (c.label === 'tp') {
    s.tp++;
    if (found) s.tpFound++;
    else s.missedByRule[c.rule] = (s.missedByRule[c.rule] ?? 0) + 1;
    return;
  }
  s.fp++;
  if (found && c.also_tp_for?.length) s.fpAlsoTpFlagged++;
  else if (found) {
    s.fpFlagged++;
    s.flaggedFps.push(unit);
  }
}

/** Score any tool's findings (paths relative to `out`, or absolute under it) against the cases' labels. */
export function scorePeerFindings(corpus: string, out: string, files: string[]): PeerScore {
  const flagged = new Set(files.map((f) => (f.startsWith(out + '/') ? f.slice(out.length + 1) : f)).map((f) => f.split('/').slice(0, 3).join('/').replace(/\.[^/]*$/, '')));
  const cases = readFileSync(join(corpus, 'gitleaks-cases.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Case);
  const perRule = new Map<string, number>();
  const s: PeerScore = { tp: 0, tpFound: 0, fp: 0, fpFlagged: 0, fpAlsoTpFlagged: 0, bytes: 0, seconds: 0, missedByRule: {}, flaggedFps: [] };
  for (const c of cases) {
    const n = (perRule.get(c.rule) ?? 0) + 1;
    perRule.set(c.rule, n);
    tally(s, c, flagged.has(`cases/${c.rule}/${n}`), `${c.rule}/${n}`);
  }
  return s;
}

export function scorePeerCases(corpus: string, out: string, detectFiles?: (rel: string, findings: RawFinding[]) => void): PeerScore {
  const cases = readFileSync(join(corpus, 'gitleaks-cases.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Case);
  const byUnit = new Map<string, string[]>();
  const casesDir = join(out, 'cases');
  for (const rule of readdirSync(casesDir)) {
    for (const n of readdirSync(join(casesDir, rule))) {
      const unit = `${rule}/${n.replace(/\..*$/, '')}`;
      byUnit.set(unit, filesUnder(join(casesDir, rule, n)));
    }
  }
  const perRule = new Map<string, number>();
  const s: PeerScore = { tp: 0, tpFound: 0, fp: 0, fpFlagged: 0, fpAlsoTpFlagged: 0, bytes: 0, seconds: 0, missedByRule: {}, flaggedFps: [] };
  const started = process.hrtime.bigint();
  for (const c of cases) {
    const n = (perRule.get(c.rule) ?? 0) + 1;
    perRule.set(c.rule, n);
    const unit = `${c.rule}/${n}`;
    let found = false;
    for (const abs of byUnit.get(unit) ?? []) {
      const rel = abs.slice(out.length + 1);
      const res = runJob({ t: 'file', abs, rel }, { maxFileSize: 5 << 20, includeFixtures: false });
      s.bytes += res.bytes;
      detectFiles?.(rel, res.findings);
      if (res.findings.length > 0) found = true;
    }
    tally(s, c, found, unit);
  }
  s.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return s;
}
