// Git history: one `git log --all -p -U0` stream (every commit reachable from every ref,
// patches without context), parsed into the lines each commit added to each file. A
// secret is found in the commit that introduced it, with that commit's id, author and
// date, even when a later commit deleted it. Corrupt objects end the stream early with a
// note; nothing here throws for a bad repository.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface HistoryChunk {
  kind: 'chunk';
  commit: string;
  author: string;
  date: string;
  rel: string;
  text: string;
  /** Real line number (in the new file) of each text line. */
  lines: number[];
}

export type HistoryItem = HistoryChunk | { kind: 'note'; operation: string; message: string } | { kind: 'commit' } | { kind: 'skipped'; reason: string };

export function isGitRepo(root: string): boolean {
  return existsSync(join(root, '.git'));
}

/** Environment for git: no prompts, no pager, stable messages. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', LANG: 'C', ...extra };
}

/** Run git synchronously (repository building in the demo and tests). Throws with stderr on failure. */
export function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync('git', args, { cwd, env: gitEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args[0]} failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  return r.stdout;
}

/** Undo git's C-style quoting of unusual path names ("a\tb", octal escapes for UTF-8 bytes). */
export function unquotePath(p: string): string {
  if (!p.startsWith('"') || !p.endsWith('"')) return p;
  const bytes: number[] = [];
  const s = p.slice(1, -1);
  const map: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, a: 7, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1];
      if (/[0-7]/.test(n)) {
        bytes.push(parseInt(s.slice(i + 1, i + 4), 8));
        i += 3;
      } else {
        bytes.push(map[n] ?? n.charCodeAt(0));
        i += 1;
      }
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface HistoryOptions {
  maxFileSize: number;
  skip(rel: string): string | null;
  signal: AbortSignal;
}

const MARK = '\x01';

const PATCH_ARGS = ['-p', '-U0', '-M', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/'];

/** Every commit reachable from every ref, as the lines each commit added to each file. */
export function gitHistory(root: string, opts: HistoryOptions): AsyncGenerator<HistoryItem> {
  return gitPatches(root, ['-c', 'core.quotepath=off', 'log', '--all', ...PATCH_ARGS, `--format=${MARK}%H%x02%an <%ae>%x02%cI`], 'read git history', 'git history', opts);
}

/** The index's staged changes (what the next commit adds), like `gitleaks protect --staged`. */
export function gitStaged(root: string, opts: HistoryOptions): AsyncGenerator<HistoryItem> {
  return gitPatches(root, ['-c', 'core.quotepath=off', 'diff', '--cached', '--diff-filter=d', ...PATCH_ARGS], 'read staged changes', 'the staged changes', opts);
}

async function* gitPatches(root: string, args: string[], operation: string, what: string, opts: HistoryOptions): AsyncGenerator<HistoryItem> {
  const child = spawn('git', args, { cwd: root, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });
  const onAbort = () => child.kill();
  opts.signal.addEventListener('abort', onAbort, { once: true });

  let commit = '';
  let author = '';
  let date = '';
  let rel: string | null = null;
  let skipFile = false;
  let inHunk = false;
  let newLine = 0;
  let text: string[] = [];
  let lines: number[] = [];
  let size = 0;

  const flush = (): HistoryChunk | null => {
    if (rel === null || text.length === 0 || skipFile) {
      text = [];
      lines = [];
      size = 0;
      return null;
    }
    const c: HistoryChunk = { kind: 'chunk', commit, author, date, rel, text: text.join('\n'), lines };
    text = [];
    lines = [];
    size = 0;
    return c;
  };

  try {
    let buf = '';
    child.stdout.setEncoding('utf8');
    for await (const data of child.stdout as AsyncIterable<string>) {
      buf += data;
      let nl: number;
      let start = 0;
      const out: HistoryItem[] = [];
      while ((nl = buf.indexOf('\n', start)) >= 0) {
        const line = buf.slice(start, nl);
        start = nl + 1;
        if (line.startsWith(MARK)) {
          const c = flush();
          if (c) out.push(c);
          const [h, a, d] = line.slice(1).split('\x02');
          commit = h;
          author = a ?? '';
          const t = Date.parse(d ?? '');
          date = Number.isNaN(t) ? '' : new Date(t).toISOString();
          rel = null;
          inHunk = false;
          out.push({ kind: 'commit' });
        } else if (line.startsWith('diff --git ')) {
          const c = flush();
          if (c) out.push(c);
          rel = null;
          inHunk = false;
          skipFile = false;
        } else if (!inHunk && line.startsWith('+++ ')) {
          // git ends the line with a TAB when the name has whitespace (for patch(1)), and C-quotes odd names
          const p = unquotePath(line.slice(4).replace(/\t$/, ''));
          if (p === '/dev/null') rel = null;
          else {
            rel = p.startsWith('b/') ? p.slice(2) : p;
            const why = opts.skip(rel);
            skipFile = why !== null;
            if (why) out.push({ kind: 'skipped', reason: why });
          }
        } else if (line.startsWith('@@ ')) {
          const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
          newLine = m ? Number(m[1]) : 0;
          inHunk = true;
        } else if (inHunk && line.startsWith('+')) {
          if (rel !== null && !skipFile) {
            if (size + line.length > opts.maxFileSize) {
              skipFile = true;
              out.push({ kind: 'skipped', reason: 'too-large' });
              text = [];
              lines = [];
            } else {
              text.push(line.slice(1));
              lines.push(newLine);
              size += line.length;
            }
          }
          newLine++;
        }
      }
      buf = buf.slice(start);
      for (const item of out) yield item;
      if (opts.signal.aborted) break;
    }
    const c = flush();
    if (c) yield c;
    const { code, error } = await exited;
    if (error) {
      yield {
        kind: 'note',
        operation,
        message: error.code === 'ENOENT' ? `git is not installed or not on PATH, so ${what} could not be scanned (install git)` : `could not run git: ${error.code ?? error.message}`,
      };
    } else if (code !== 0 && !opts.signal.aborted) {
      const first = stderr.trim().split('\n').filter(Boolean).slice(0, 2).join(' / ').slice(0, 300);
      const hint = /dubious ownership/.test(stderr) ? ' (git refuses a repository owned by another user: add it to safe.directory)' : '';
      yield { kind: 'note', operation, message: `${what} could not be read completely (git exited with ${code}: ${first || 'no message'})${hint}; what was read before the failure was scanned` };
    }
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill();
  }
}
