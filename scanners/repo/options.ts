// Options of the repo scanner (flag > environment > config section `scanners.repo` > default).
import { availableParallelism } from 'node:os';
import { defineOptions, type OptionsOf } from '../../src/scanners/contract.js';


export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

export const REPO_OPTIONS = defineOptions([
  { key: 'paths', flag: '--path <paths...>', description: 'Directories or git repositories to scan (also positional: nhi scan repo PATH...)', type: 'string[]', env: ['NHI_REPO_PATHS'] },
  { key: 'history', flag: '--history', description: 'Scan every commit reachable from every ref, not only the working tree', type: 'boolean', env: ['NHI_REPO_HISTORY'], default: false },
  { key: 'staged', flag: '--staged', description: 'Scan only the staged changes of the git index (what the next commit adds), for a pre-commit hook', type: 'boolean', default: false },
  { key: 'maxFileSize', flag: '--max-file-size <bytes>', description: 'Skip files (and per-commit patches) larger than this', type: 'number', env: ['NHI_REPO_MAX_FILE_SIZE'], default: DEFAULT_MAX_FILE_SIZE, min: 1 },
  { key: 'includeVendored', flag: '--include-vendored', description: 'Also scan node_modules, vendor, dist, virtualenvs and other vendored/generated folders', type: 'boolean', default: false },
  { key: 'exclude', flag: '--exclude <names...>', description: 'Directory/file names or root-relative path prefixes to skip', type: 'string[]', default: [] },
  { key: 'includeFixtures', flag: '--include-fixtures', description: 'Report unverified secrets in test fixture/mock/example folders too (checksummed tokens are always reported)', type: 'boolean', default: false },
  { key: 'ownersFromLogs', flag: '--owners-from-logs', description: 'Also name owner candidates from git: the author of the commit that introduced each leaked secret, and the recent committers of the file it is in', type: 'boolean', default: false },
  { key: 'workers', flag: '--workers <n>', description: 'Detection worker threads (default: one per core, 0 = main thread)', type: 'number', env: ['NHI_REPO_WORKERS'], min: 0 },
]);

/** The repository scanner's options, typed from the list above. */
export type RepoOptions = OptionsOf<typeof REPO_OPTIONS>;
