// The 90 days on the demo, through the built binary: scan, plan (golden Markdown and JSON), act
// (the demo estate N days later), verify (plan status, diff), enforce (baselines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp.js';
import { demoCopy } from '../cli/demo-copy.js';

const BIN = fileURLToPath(new URL('../../bin/nhi', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));

function nhi(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NHI_DB: '', NHI_HASH_KEY: '', CI: '1' }, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * Dates move with the clock the demo runs on; everything else must not. Some provider dates are
 * whole days (Google reports activity at Pacific midnights, Entra secrets end on a date), so a count
 * of days moves by one with the time of day: counts are compared to the nearest ten.
 */
const normalize = (s: string) =>
  s
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z/g, '<time>')
    .replace(/\b(20\d{2})-\d{2}-\d{2}\b(?!T)/g, (d, year: string) => (Number(year) >= 2020 ? '<date>' : d))
    .replace(/\b(\d+) days ago\b/g, (_, n: string) => `~${Math.round(Number(n) / 10) * 10} days ago`)
    .replace(/[^\s`"]*nhi-demo-[A-Za-z0-9]+/g, '<demo-dir>')
    .replace(/secret:[0-9a-f]{64}/g, 'secret:<keyed-hash>');

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  if (actual === readFileSync(file, 'utf8')) return;
  const seen = join(tempDir('nhi-golden-'), name);
  writeFileSync(seen, actual);
  assert.fail(`${name} differs from the golden file: diff ${seen} ${file} (UPDATE_GOLDEN=1 rewrites it after review)`);
}

test('the demo over 31 days: plan, steps applied, ready to delete, used again, done; the script refuses a changed inventory; baselines gate', { timeout: 400_000 }, () => {
  const { dir } = demoCopy();

  const md = nhi(dir, ['plan', '--format', 'markdown']);
  assert.equal(md.code, 0, md.err);
  golden('demo-plan.md', normalize(md.out));
  const json = nhi(dir, ['plan', '--format', 'json']);
  golden('demo-plan.json', normalize(json.out));
  const plan = JSON.parse(json.out) as { groups: { group: string }[]; identities: { steps: { command: string }[] }[] };
  assert.ok(plan.groups.some((g) => g.group === 'platform-eng'));
  // Every loose trust gets a command and the narrowed statement, never "needs a person".
  const pins = plan.identities.flatMap((p) => p.steps as unknown as { action: string; command: string; snippet: string | null; identityId: string }[]).filter((s) => s.action === 'pin-trust');
  assert.ok(pins.length >= 5, `pin-trust steps: ${pins.length}`);
  for (const p of pins) {
    assert.doesNotMatch(p.command, /no provider command/, p.identityId);
    assert.ok(p.snippet, `a snippet for ${p.identityId}`);
  }
  const oidcRole = pins.find((p) => p.identityId.endsWith(':role/ci/lambda-deployer'));
  const statement = JSON.parse(oidcRole!.snippet!) as { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } };
  assert.equal(statement.Principal.Federated, 'arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com');
  assert.equal(statement.Condition.StringEquals['token.actions.githubusercontent.com:sub'], 'repo:acme-corp/<repository>:ref:refs/heads/main');
  // No command acts on a wildcard; the one place a `*` may appear is the exact member of a binding
  // being removed (a pool-wide principalSet is named as it is bound).
  const removedMember = /^gcloud .* remove-iam-policy-binding .* --member '[^']*'/;
  for (const p of plan.identities) {
    for (const s of p.steps) for (const line of s.command.split('\n')) assert.doesNotMatch(line.replace(removedMember, ''), /\*/, `no wildcard in a command: ${line}`);
  }

  // The reviewed script runs (every command is a comment) while the inventory is unchanged.
  assert.equal(nhi(dir, ['plan', '--format', 'sh', '--out', 'plan.sh']).code, 0);
  const shim = join(dir, 'bin');
  mkdirSync(shim);
  writeFileSync(join(shim, 'nhi'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shim, 'nhi'), 0o755);
  const runScript = () => spawnSync('sh', ['plan.sh'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${shim}:${process.env.PATH}`, CI: '1' } });
  assert.equal(runScript().status, 0);
  assert.equal(nhi(dir, ['baseline', 'write', 'baseline.json']).code, 0);
  assert.equal(nhi(dir, ['report', '--format', 'sarif', '--out', 'day0.sarif']).code, 0);

  // Day 1: a never-used key deactivated, an old key rotated away, a stale account disabled.
  assert.equal(nhi(dir, ['scan', '--demo', '--demo-day', '1']).code, 0);
  const refused = runScript();
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /refusing to run: the inventory changed/);

  // Day 31: the key stayed quiet for 30 days; the account was re-enabled and used on day 30.
  assert.equal(nhi(dir, ['scan', '--demo', '--demo-day', '31']).code, 0);
  const status = JSON.parse(nhi(dir, ['plan', 'status', '--json']).out) as { steps: { id: string; state: string }[] };
  const state = (id: string) => status.steps.find((s) => s.id === id)?.state;
  assert.equal(state('deactivate-key:AKIA4H3WYHHWEHDWAHPW'), 'ready-to-delete');
  assert.equal(state('disable-identity:reporting-export@acme-prod.iam.gserviceaccount.com'), 'investigate');
  assert.equal(state('rotate-key:8f8872f33955fa7b54e991781f61fe6e7d5d57e9'), 'done');
  assert.equal(state('disable-identity:arn:aws:iam::444444444444:role/intern-2023-experiments'), 'not-started', 'left alone');
  const text = nhi(dir, ['plan', 'status']).out;
  assert.match(text, /investigate: disable-identity:reporting-export@acme-prod\.iam\.gserviceaccount\.com/);
  assert.match(nhi(dir, ['diff']).out, /plan steps: \d+ completed[\s\S]*deactivate-key:AKIA4H3WYHHWEHDWAHPW → ready-to-delete/);

  // Enforce: against a baseline, only what is new since counts.
  for (const base of [['--baseline', 'baseline.json'], ['--baseline', 'day0.sarif'], ['--since-scan', '1']]) {
    const r = nhi(dir, ['report', ...base, '--fail-on', 'info', '--format', 'json', '--out', 'r.json']);
    const m = /baseline .*: (\d+) new, (\d+) unchanged, (\d+) resolved/.exec(r.err);
    assert.ok(m, r.err);
    assert.equal(r.code, Number(m![1]) > 0 ? 1 : 0, r.err);
    assert.ok(Number(m![3]) >= 1, 'the rotated key resolved findings');
  }
  assert.equal(nhi(dir, ['report', '--since-scan', '3', '--fail-on', 'info']).code, 0, 'nothing is new since the latest scan');
});
