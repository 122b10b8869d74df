// One target = one path. The working tree is walked in this thread and read + scanned by
// the detection workers; with --history, the patches of every commit follow. Batches
// stay bounded (a few per worker in flight), so memory does not grow with the tree.
import { stat } from 'node:fs/promises';
import type { ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { DetectionPool } from './engine/pool.js';
import type { Job, JobResult } from './engine/protocol.js';
import { gitHistory, gitStaged, isGitRepo } from './git.js';
import { DEFAULT_MAX_FILE_SIZE, defaultWorkers, type RepoOptions } from './options.js';
import { toCredential, type KeyIdMemo } from './records.js';
import { pathFilter, walkTree } from './walk.js';

export interface TargetData {
  root: string;
  name: string;
  /** Detection workers for this target (the scanner's share of the cores). */
  workers?: number;
}

interface Meta {
  rel: string;
  commit?: string;
  author?: string;
  date?: string;
}

interface Stats {
  files: number;
  bytes: number;
  binary: number;
  tooLarge: string[];
  tooLargeCount: number;
  unreadable: number;
  /** What could not be read (files and folders/), first MAX_UNREADABLE_LISTED. */
  unreadableList: string[];
  skipped: Record<string, number>;
  commits: number;
  patches: number;
  findings: number;
}

const BATCH_JOBS = 24;
const BATCH_TEXT = 1 << 20;
const MAX_UNREADABLE_LISTED = 20;
const MAX_WALK_NOTES = 20;

type Source = AsyncIterable<{ job: Job; meta: Meta } | { note: ScanRecord }>;

async function* drive(pool: DetectionPool, source: Source, emit: (res: JobResult, meta: Meta) => ScanRecord[]): AsyncGenerator<ScanRecord> {
  const inflight: { p: Promise<JobResult[]>; metas: Meta[] }[] = [];
  const limit = Math.max(2, pool.size * 3);
  let jobs: Job[] = [];
  let metas: Meta[] = [];
  let textSize = 0;
  const dispatch = () => {
    if (jobs.length === 0) return;
    const p = pool.run(jobs);
    p.catch(() => {}); // awaited below, in order
    inflight.push({ p, metas });
    jobs = [];
    metas = [];
    textSize = 0;
  };
  async function* drain(keep: number): AsyncGenerator<ScanRecord> {
    while (inflight.length > keep) {
      const head = inflight.shift() as { p: Promise<JobResult[]>; metas: Meta[] };
      const results = await head.p;
      for (let i = 0; i < results.length; i++) for (const r of emit(results[i], head.metas[i])) yield r;
    }
  }
  for await (const item of source) {
    if ('note' in item) {
      yield item.note;
      continue;
    }
    jobs.push(item.job);
    metas.push(item.meta);
    if (item.job.t === 'text') textSize += item.job.text.length;
    if (jobs.length >= BATCH_JOBS || textSize >= BATCH_TEXT) {
      dispatch();
      yield* drain(limit - 1);
    }
  }
  dispatch();
  yield* drain(0);
}

export async function* scanTarget(ctx: ScanContext<RepoOptions>): AsyncGenerator<ScanRecord> {
  const { root, name, workers } = ctx.target.data as TargetData;
  const o = ctx.options;
  const st = await stat(root); // a missing path fails the target (explainError says why)
  const scope = `repo:${name}`;
  const maxFileSize = o.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const walkOpts = { includeVendored: o.includeVendored ?? false, exclude: o.exclude ?? [] };
  const pool = new DetectionPool(workers ?? o.workers ?? defaultWorkers(), { maxFileSize, includeFixtures: o.includeFixtures ?? false });
  const memo: KeyIdMemo = new Map();
  const stats: Stats = { files: 0, bytes: 0, binary: 0, tooLarge: [], tooLargeCount: 0, unreadable: 0, unreadableList: [], skipped: {}, commits: 0, patches: 0, findings: 0 };
  const started = Date.now();
  let walkNotes = 0;

  const unreadable = (rel: string, code: string) => {
    stats.unreadable++;
    if (stats.unreadableList.length < MAX_UNREADABLE_LISTED) stats.unreadableList.push(`${rel} (${code})`);
  };

  const emit = (res: JobResult, meta: Meta): ScanRecord[] => {
    stats.bytes += res.bytes;
    const out: ScanRecord[] = [];
    if (res.skipped === 'binary') stats.binary++;
    else if (res.skipped === 'too-large') {
      stats.tooLargeCount++;
      if (stats.tooLarge.length < 5) stats.tooLarge.push(meta.rel);
    } else if (res.skipped === 'unreadable') unreadable(meta.rel, res.code ?? 'EIO');
    for (const f of res.findings) {
      stats.findings++;
      out.push(
        toCredential(
          f,
          { repo: root, path: meta.rel, line: f.line, ...(meta.commit ? { commit: meta.commit, author: meta.author, date: meta.date || undefined } : {}) },
          scope,
          ctx.secrets,
          memo,
          ctx.now,
        ),
      );
      f.value = ''; // the value is hashed: drop it
    }
    return out;
  };

  try {
    if (o.staged) {
      if (!isGitRepo(root)) throw Object.assign(new Error(`${root} is not the top folder of a git repository`), { code: 'ENOTGIT', path: root });
      const skip = pathFilter(walkOpts);
      const staged: Source = (async function* () {
        for await (const item of gitStaged(root, { maxFileSize, skip, signal: ctx.signal })) {
          if (item.kind === 'chunk') {
            stats.patches++;
            yield { job: { t: 'text', rel: item.rel, text: item.text, lines: item.lines } as Job, meta: { rel: item.rel } };
          } else if (item.kind === 'note') {
            // A pre-commit check that could not read the changes must not pass.
            yield { note: { type: 'error', operation: item.operation, code: 'git-failed', message: item.message, fix: 'Run the check inside the repository with git on PATH.' } as ScanRecord };
          } else if (item.kind === 'skipped') stats.skipped[`staged-${item.reason}`] = (stats.skipped[`staged-${item.reason}`] ?? 0) + 1;
        }
      })();
      ctx.progress.apiCall('git diff --cached');
      yield* drive(pool, staged, emit);
    } else if (st.isFile()) {
      stats.files++;
      yield* drive(pool, (async function* () {
        yield { job: { t: 'file', abs: root, rel: name } as Job, meta: { rel: name } };
      })(), emit);
    } else {
      const tree: Source = (async function* () {
        for await (const item of walkTree(root, walkOpts, ctx.signal)) {
          if (item.kind === 'file') {
            stats.files++;
            yield { job: { t: 'file', abs: item.abs, rel: item.rel } as Job, meta: { rel: item.rel } };
          } else if (item.kind === 'unreadable') {
            unreadable(item.rel, item.code);
          } else if (item.kind === 'note') {
            if (++walkNotes <= MAX_WALK_NOTES) yield { note: { type: 'note', operation: item.operation, message: item.message } as ScanRecord };
          } else stats.skipped[item.reason] = (stats.skipped[item.reason] ?? 0) + 1;
        }
      })();
      yield* drive(pool, tree, emit);
      if (walkNotes > MAX_WALK_NOTES) {
        yield { type: 'note', operation: 'walk tree', message: `${walkNotes - MAX_WALK_NOTES} more symlinks out of the tree were not followed` };
      }

      if (o.history) {
        if (!isGitRepo(root)) {
          yield { type: 'note', operation: 'read git history', message: `${name} is not the top folder of a git repository (no .git in it): only the files were scanned; give the repository's top folder to scan its history` };
        } else {
          const skip = pathFilter(walkOpts);
          const hist: Source = (async function* () {
            for await (const item of gitHistory(root, { maxFileSize, skip, signal: ctx.signal })) {
              if (item.kind === 'chunk') {
                stats.patches++;
                yield { job: { t: 'text', rel: item.rel, text: item.text, lines: item.lines } as Job, meta: { rel: item.rel, commit: item.commit, author: item.author, date: item.date } };
              } else if (item.kind === 'commit') stats.commits++;
              else if (item.kind === 'note') yield { note: { type: 'note', operation: item.operation, message: item.message } as ScanRecord };
              else stats.skipped[`history-${item.reason}`] = (stats.skipped[`history-${item.reason}`] ?? 0) + 1;
            }
          })();
          ctx.progress.apiCall('git log');
          yield* drive(pool, hist, emit);
        }
      }
    }
  } finally {
    await pool.close();
  }
  if (stats.unreadable > 0) {
    // Not read = not looked at: the target is partial, never "complete".
    const more = stats.unreadable - stats.unreadableList.length;
    yield {
      type: 'error',
      operation: 'read files',
      code: 'unreadable',
      message: `could not read ${stats.unreadable} file(s) or folder(s): ${stats.unreadableList.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
      fix: 'Run nhi as a user that can read them (read on files, read + execute on folders), or --exclude them.',
    };
  }
  if (stats.tooLargeCount > 0) {
    yield {
      type: 'note',
      operation: 'read file',
      message: `skipped ${stats.tooLargeCount} file(s) larger than ${maxFileSize} bytes (e.g. ${stats.tooLarge.join(', ')}); raise --max-file-size to scan them`,
    };
  }
  const secs = (Date.now() - started) / 1000;
  const mb = stats.bytes / 1e6;
  const skipped = Object.entries(stats.skipped).map(([k, v]) => `${v} ${k}`).join(', ');
  ctx.progress.log(
    `${name}: ${stats.files} files, ${mb.toFixed(1)} MB in ${secs.toFixed(1)} s (${(mb / Math.max(secs, 0.001)).toFixed(1)} MB/s), ${stats.binary} binary` +
      `${skipped ? `, skipped ${skipped}` : ''}${o.history ? `, ${stats.commits} commits / ${stats.patches} patches` : ''}, ${stats.findings} sightings`,
  );
}
