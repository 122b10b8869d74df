// `nhi scan repo [PATH] --staged` without --db: the pre-commit check. It reads the git
// index's staged changes, runs the detectors in this thread and prints what it found
// (detector, place, redacted preview) without writing an inventory. It loads only the
// repository scanner's engine (no cloud SDK, no database), so a commit waits a fraction
// of a second. Exit codes: 0 nothing found, 1 secrets staged, 2 usage error / not a
// repository, 3 the staged changes could not be read completely.
import { resolve } from 'node:path';
import { redactPreview } from '../../src/secrets/protect.js';
import { detectorById } from './detectors/index.js';
import { detect } from './engine/detect.js';
import { gitStaged, isGitRepo } from './git.js';
import { DEFAULT_MAX_FILE_SIZE } from './options.js';
import { pathFilter } from './walk.js';

export interface StagedFinding {
  path: string;
  line: number;
  detector: string;
  title: string;
  confidence: string;
  preview: string;
}

export interface StagedResult {
  findings: StagedFinding[];
  files: number;
  problems: string[];
}

export async function checkStaged(root: string, opts: { includeFixtures?: boolean } = {}): Promise<StagedResult> {
  const out: StagedResult = { findings: [], files: 0, problems: [] };
  const signal = new AbortController().signal;
  const skip = pathFilter({ includeVendored: false, exclude: [] });
  for await (const item of gitStaged(root, { maxFileSize: DEFAULT_MAX_FILE_SIZE, skip, signal })) {
    if (item.kind === 'note') out.problems.push(item.message);
    if (item.kind !== 'chunk') continue;
    out.files++;
    for (const f of detect(item.text, item.rel, { includeFixtures: opts.includeFixtures })) {
      const det = detectorById(f.detector);
      out.findings.push({
        path: item.rel,
        line: item.lines[f.line - 1] ?? f.line,
        detector: f.detector,
        title: det?.title ?? f.detector,
        confidence: f.confidence,
        preview: redactPreview(f.value),
      });
      f.value = '';
    }
  }
  return out;
}

/** The flags this fast path understands; anything else goes to the full CLI. */
const KNOWN = new Set(['--staged', '--include-fixtures', '--no-progress', '--json']);

/** Arguments after `scan repo`; null when they are not a plain staged check (the full CLI takes over). */
export function parseStagedArgs(args: string[]): { path: string; json: boolean; includeFixtures: boolean } | null {
  if (!args.includes('--staged')) return null;
  const paths = args.filter((a) => !a.startsWith('-'));
  if (args.some((a) => a.startsWith('-') && !KNOWN.has(a)) || paths.length > 1) return null;
  return { path: paths[0] ?? '.', json: args.includes('--json'), includeFixtures: args.includes('--include-fixtures') };
}

export async function main(args: string[]): Promise<number> {
  const a = parseStagedArgs(args);
  if (!a) return -1;
  const root = resolve(a.path);
  if (!isGitRepo(root)) {
    process.stderr.write(`nhi: ${root} is not the top folder of a git repository\nfix: run the check in the repository's top folder (where .git is), or give that folder: nhi scan repo PATH --staged\n`);
    return 2;
  }
  const res = await checkStaged(root, { includeFixtures: a.includeFixtures });
  if (a.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
  else {
    for (const f of res.findings) process.stdout.write(`${f.path}:${f.line}  ${f.title} [${f.detector}, ${f.confidence} confidence]  ${f.preview}\n`);
    for (const p of res.problems) process.stderr.write(`nhi: ${p}\n`);
    process.stderr.write(
      res.findings.length > 0
        ? `nhi: ${res.findings.length} secret(s) in the staged changes of ${res.files} file(s): remove them from the commit (git restore --staged FILE), then rotate what was exposed\n`
        : `nhi: no secrets in the staged changes of ${res.files} file(s)\n`,
    );
  }
  if (res.findings.length > 0) return 1;
  return res.problems.length > 0 ? 3 : 0;
}
