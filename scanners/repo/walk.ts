// Walks a directory tree: skips VCS folders, vendored dependencies and build output
// (unless asked), binary file types by extension, and never follows a symlink (one
// pointing out of the tree is reported as a note; one inside it is scanned at its real path).
import { readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Always skipped: version-control internals (history is read through git itself). */
export const VCS_DIRS = ['.git', '.hg', '.svn'];

/** Skipped unless --include-vendored: third-party code and generated output. */
export const VENDORED_DIRS = [
  'node_modules', 'vendor', 'dist', 'bower_components', 'jspm_packages', '.venv', 'venv', 'site-packages', '__pycache__',
  '.tox', '.mypy_cache', '.pytest_cache', '.gradle', '.terraform', '.next', '.nuxt', '.yarn', 'Pods', 'coverage',
];

const BINARY_EXT = new Set(
  ('png jpg jpeg gif bmp ico webp tiff psd svgz mp3 mp4 m4a wav ogg flac avi mov mkv webm zip gz tgz bz2 xz 7z rar zst jar war ear ' +
    'class dll exe so dylib a o obj lib bin dat db sqlite sqlite3 woff woff2 ttf otf eot pdf doc docx xls xlsx ppt pptx ' +
    'pyc pyo wasm node iso dmg img deb rpm apk ipa parquet avro orc npy npz pkl h5 onnx pt pth tflite lockb').split(' '),
);

export interface WalkOptions {
  includeVendored: boolean;
  /** Directory/file names or root-relative path prefixes to skip. */
  exclude: string[];
}

export type WalkItem =
  /** abs is a Buffer when the name is not valid UTF-8 (read by its exact bytes, never re-encoded). */
  | { kind: 'file'; abs: string | Buffer; rel: string }
  | { kind: 'note'; operation: string; message: string }
  | { kind: 'unreadable'; rel: string; code: string }
  | { kind: 'skipped'; reason: SkipReason };

/** A child path: a string while every name on the way is valid UTF-8, the exact bytes otherwise. */
function child(dir: string | Buffer, name: Buffer): string | Buffer {
  if (typeof dir === 'string') {
    const s = name.toString('utf8');
    if (!s.includes('\uFFFD') || Buffer.from(s).equals(name)) return join(dir, s);
  }
  return Buffer.concat([Buffer.from(dir), Buffer.from(sep), name]);
}

const text = (p: string | Buffer) => (typeof p === 'string' ? p : p.toString('utf8'));

/** POSIX-style relative path (records and detectors see `/` on every platform). */
export function toRel(root: string, abs: string): string {
  const r = relative(root, abs);
  return sep === '/' ? r : r.split(sep).join('/');
}

export type SkipReason = 'vendored' | 'binary-type' | 'excluded';

/** Why a root-relative path is skipped (null: scan it). Used for the tree and for history. */
export function pathFilter(opts: WalkOptions): (rel: string) => SkipReason | null {
  const skipDirs = new Set([...VCS_DIRS, ...(opts.includeVendored ? [] : VENDORED_DIRS)]);
  const vendored = new Set(VENDORED_DIRS);
  return (rel: string) => {
    const parts = rel.split('/');
    for (const p of parts.slice(0, -1)) {
      if (skipDirs.has(p)) return vendored.has(p) ? 'vendored' : 'excluded';
    }
    if (opts.exclude.some((e) => rel === e || rel.startsWith(e.endsWith('/') ? e : e + '/') || parts.includes(e))) return 'excluded';
    const name = parts[parts.length - 1];
    const dot = name.lastIndexOf('.');
    if (dot > 0 && BINARY_EXT.has(name.slice(dot + 1).toLowerCase())) return 'binary-type';
    return null;
  };
}

export async function* walkTree(root: string, opts: WalkOptions, signal: AbortSignal): AsyncGenerator<WalkItem> {
  const skipDirs = new Set([...VCS_DIRS, ...(opts.includeVendored ? [] : VENDORED_DIRS)]);
  const vendored = new Set(VENDORED_DIRS);
  const filter = pathFilter(opts);
  const stack: (string | Buffer)[] = [root];
  while (stack.length > 0) {
    if (signal.aborted) return;
    const dir = stack.pop() as string | Buffer;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      yield { kind: 'unreadable', rel: `${toRel(root, text(dir)) || '.'}/`, code };
      continue;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    const subdirs: (string | Buffer)[] = [];
    for (const e of entries) {
      const abs = child(dir, e.name);
      const rel = toRel(root, text(abs));
      const name = e.name.toString('utf8');
      if (e.isSymbolicLink()) {
        let target: string | null = null;
        try {
          target = await realpath(abs);
        } catch {
          target = null; // dangling: nothing to read
        }
        if (target !== null && target !== root && !target.startsWith(root + sep)) {
          yield { kind: 'note', operation: 'walk tree', message: `did not follow symlink ${rel}: it points outside the scanned tree` };
        }
        continue;
      }
      if (e.isDirectory()) {
        if (skipDirs.has(name)) {
          if (vendored.has(name)) yield { kind: 'skipped', reason: 'vendored' };
          continue;
        }
        if (opts.exclude.some((x) => x === name || x === rel || x === rel + '/')) {
          yield { kind: 'skipped', reason: 'excluded' };
          continue;
        }
        subdirs.push(abs);
        continue;
      }
      if (!e.isFile()) continue; // sockets, FIFOs, devices
      const why = filter(rel);
      if (why === 'binary-type' || why === 'excluded' || why === 'vendored') {
        yield { kind: 'skipped', reason: why };
        continue;
      }
      yield { kind: 'file', abs, rel };
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
}
