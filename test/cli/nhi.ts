// Runs the built binary as a user or a CI job would, with no cloud credentials in reach.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/nhi', import.meta.url));

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

export function nhi(cwd: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NHI_DB: '', NHI_HASH_KEY: '', CI: '1', COLUMNS: '', NO_COLOR: '', ...env },
    maxBuffer: 64 << 20,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** An AWS key pair as it sits in a .env file, built at run time (no secret-shaped literal in the source). */
export function awsKeyPair(seed: string): { keyId: string; secret: string; env: string } {
  const tail = (seed.toUpperCase().replace(/[^A-Z2-7]/g, '') + 'QWPLX4R2NZ3MVKD7').slice(0, 16);
  const keyId = 'AKIA' + tail;
  const secret = ['q8Jf2LxV9mTr4WbZ', '1nKc7HsP0dYe6GuA', seed.padEnd(8, 'x').slice(0, 8)].join('');
  return { keyId, secret, env: `AWS_ACCESS_KEY_ID=${keyId}\nAWS_SECRET_ACCESS_KEY=${secret}\n` };
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}
