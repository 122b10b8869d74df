// The repo scanner: hard-coded secrets in directories and git repositories (working
// tree, and with --history every commit reachable from any ref). Each secret becomes one
// `hardcoded_secret` credential (id = keyed hash of the value) with one record per
// sighting; AWS key ids and GCP private_key_ids are kept as keyId so the core ties the
// leak to the live key, whichever was scanned first.
import { realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { defineScanner, type ScanTarget } from '../../src/scanners/contract.js';
import { defaultWorkers, REPO_OPTIONS, type RepoOptions } from './options.js';
import { scanTarget, type TargetData } from './scan.js';
import { buildDemoRepository } from './demo.js';
import { withLeakOwners } from './owners.js';

export const repoScanner = defineScanner<RepoOptions>({
  name: 'repo',
  provider: 'repo',
  title: 'Repositories (hard-coded secrets)',
  description: 'Finds secrets hard-coded in directories and git repositories (working tree and, with --history, every commit), and keeps the key ids that tie them to live cloud keys.',
  needs: ['read access to the paths', 'git on PATH for --history'],
  options: REPO_OPTIONS,
  positionalOption: 'paths',
  isConfigured(options, _env, hasConfigSection) {
    return hasConfigSection || (options.paths?.length ?? 0) > 0;
  },
  async targets(ctx) {
    const paths = ctx.options.paths?.length ? ctx.options.paths : ['.'];
    return paths.map((p): ScanTarget => {
      let root = resolve(p);
      try {
        root = realpathSync(root); // the tree boundary symlinks are checked against
      } catch {
        /* missing: the scan of this target fails with a clear error */
      }
      const name = basename(root) || root;
      // Targets run up to 4 at a time, each with its own workers: share the cores between them.
      const workers = Math.max(ctx.options.workers === 0 ? 0 : 1, Math.ceil((ctx.options.workers ?? defaultWorkers()) / Math.min(paths.length, 4)));
      const data: TargetData = { root, name, workers };
      return { key: `repo:${root}`, label: name, data };
    });
  },
  scan: (ctx) => withLeakOwners(ctx, scanTarget(ctx)),
  explainError(err) {
    const e = err as NodeJS.ErrnoException;
    switch (e?.code) {
      case 'ENOENT':
        return { code: 'not-found', message: `path not found: ${e.path ?? ''}`.trim(), fix: 'Check the path given to nhi scan repo (or scanners.repo.paths in the config).' };
      case 'EACCES':
      case 'EPERM':
        return { code: 'access-denied', message: `permission denied: ${e.path ?? ''}`.trim(), fix: 'Run nhi as a user that can read the directory (read + execute on every folder).' };
      case 'ENOTGIT':
        return { code: 'not-a-git-repository', message: e.message, fix: 'Give the top folder of the repository (where .git is) to nhi scan repo --staged, or run it there.' };
      case 'ENOTDIR':
        return { code: 'not-a-directory', fix: 'Give a directory, a git repository or a file.' };
      default:
        return { code: e?.code ?? 'error' };
    }
  },
  async demo(input) {
    const repo = await buildDemoRepository(input);
    return { options: { paths: [repo.dir], history: repo.history, ownersFromLogs: true }, stop: async () => {} };
  },
});

export default repoScanner;
