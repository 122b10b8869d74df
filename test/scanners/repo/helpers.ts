// Test helpers: temp trees and real git repositories built with the git CLI.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from '../../../scanners/repo/git.js';

export function tempDir(prefix = 'nhi-repo-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const BASE_ENV = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

export class TestRepo {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    git(dir, ['init', '-q', '-b', 'main'], BASE_ENV);
  }
  write(files: Record<string, string>): this {
    writeTree(this.dir, files);
    return this;
  }
  remove(rel: string): this {
    rmSync(join(this.dir, rel), { recursive: true, force: true });
    return this;
  }
  commit(message: string, author = 'Test Author', email = 'author@example.org', date = '2024-01-02T03:04:05Z'): string {
    const when = `@${Math.floor(Date.parse(date) / 1000)} +0000`;
    git(this.dir, ['add', '-A'], BASE_ENV);
    git(this.dir, ['commit', '-q', '--allow-empty', '-m', message], {
      ...BASE_ENV,
      GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: email, GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: email, GIT_COMMITTER_DATE: when,
    });
    return git(this.dir, ['rev-parse', 'HEAD'], BASE_ENV).trim();
  }
  git(args: string[]): string {
    return git(this.dir, args, BASE_ENV);
  }
}
