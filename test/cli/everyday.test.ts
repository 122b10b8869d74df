// Everyday use on the demo inventory: listings that do not silently cut, `show` that finds what
// `ls --search` finds, tables that fit the terminal, and diff and Markdown that honour what was asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, nhi } from './nhi.js';
import { demoCopy } from './demo-copy.js';

// One demo inventory for the whole file (about 3 s); every test only reads it.
const { dir, demo } = demoCopy();
assert.equal(demo.code, 0, demo.err + demo.out);

test('ls --json lists every match unless --limit is given; limits apply after filters; a cut table says so', { timeout: 60_000 }, () => {
  const total = JSON.parse(nhi(dir, ['report', '--format', 'json']).out).totals.identities as number;
  assert.ok(total > 100, `the demo has more identities than a table shows (${total})`);
  assert.equal(JSON.parse(nhi(dir, ['ls', 'identities', '--json']).out).length, total);
  assert.equal(JSON.parse(nhi(dir, ['ls', 'identities', '--json', '--limit', '7']).out).length, 7);
  const table = nhi(dir, ['ls', 'identities']).out;
  assert.equal(table.trimEnd().split('\n').length, 1 + 100 + 1, 'header, 100 rows, the note');
  assert.match(table, /\(first 100; more match: --limit N for more, --json for all\)\n$/);
  assert.doesNotMatch(nhi(dir, ['ls', 'identities', '--limit', String(total)]).out, /more match/, 'no note when nothing was cut');

  const mine = JSON.parse(nhi(dir, ['ls', 'findings', '--identity', 'ci-deployer', '--json']).out) as { identityId: string }[];
  assert.ok(mine.length >= 2, `ci-deployer has several findings (${mine.length})`);
  const limited = JSON.parse(nhi(dir, ['ls', 'findings', '--identity', 'ci-deployer', '--limit', '2', '--json']).out) as { identityId: string }[];
  assert.equal(limited.length, 2, 'the limit applies after the identity filter');
  assert.ok(limited.every((f) => f.identityId === mine[0].identityId));
});

test('show finds names, name parts, credentials and findings, and lists candidates when ambiguous', { timeout: 60_000 }, () => {
  const byPart = nhi(dir, ['show', 'prod-deployer']);
  assert.equal(byPart.code, 0, byPart.err);
  assert.match(byPart.out, /acme-prod-deployer/);
  const several = nhi(dir, ['show', 'deployer']);
  assert.equal(several.code, 2);
  assert.match(several.err, /"deployer" matches several identities:[\s\S]*ci-deployer[\s\S]*Pass one of the ids above/);

  const leaks = JSON.parse(nhi(dir, ['ls', 'credentials', '--kind', 'hardcoded_secret', '--provider', 'repo', '--json']).out) as { id: string; location: string | null }[];
  assert.ok(leaks.length > 0 && leaks.every((c) => c.location && /acme-deploy-scripts:[^:]+:\d+$/.test(c.location)), 'leaks carry where they were seen');
  assert.match(nhi(dir, ['ls', 'credentials', '--kind', 'hardcoded_secret']).out.split('\n')[0], /LOCATION/);
  const cred = nhi(dir, ['show', leaks[0].id]);
  assert.equal(cred.code, 0, cred.err);
  assert.match(cred.out, /Seen at \(\d+\)[\s\S]*acme-deploy-scripts/);
  assert.match(cred.out, /leaked-credential/);

  const finding = JSON.parse(nhi(dir, ['ls', 'findings', '--rule', 'god-mode', '--limit', '1', '--json']).out)[0] as { id: string; message: string };
  const shown = nhi(dir, ['show', finding.id]);
  assert.equal(shown.code, 0, shown.err);
  assert.ok(shown.out.includes(finding.message));
  assert.match(shown.out, /fix: /);
  assert.equal(JSON.parse(nhi(dir, ['show', finding.id, '--json']).out).finding.id, finding.id);
});

test('tables fit the terminal width with an ellipsis; --json keeps whole values', { timeout: 60_000 }, () => {
  for (const args of [['ls', 'findings'], ['ls', 'credentials'], ['ls', 'identities'], ['show', 'ci-deployer'], ['scans']]) {
    const out = nhi(dir, args, { COLUMNS: '80' }).out;
    const wide = out.split('\n').filter((l) => l.length > 80);
    assert.deepEqual(wide, [], `nhi ${args.join(' ')} at 80 columns`);
  }
  const narrow = nhi(dir, ['report'], { COLUMNS: '80' }).out;
  const tableRows = narrow.split('\n').filter((l) => /^(critical|high|medium|low)\s/.test(l));
  assert.ok(tableRows.length > 0 && tableRows.every((l) => l.length <= 80), 'report tables fit');
  assert.match(narrow, /…/);
  const full = JSON.parse(nhi(dir, ['ls', 'findings', '--json', '--limit', '3']).out) as { message: string }[];
  assert.ok(full.some((f) => f.message.length > 60) && full.every((f) => !f.message.endsWith('…')));
  // The finding comes before its (long) id, so a narrow terminal still shows what is wrong.
  const header = nhi(dir, ['ls', 'findings'], { COLUMNS: '80' }).out.split('\n')[0];
  assert.ok(header.indexOf('FINDING') < header.indexOf('ID'));
});

test('Markdown honours --limit; diff names what appeared', { timeout: 60_000 }, () => {
  const md = nhi(dir, ['report', '--format', 'markdown', '--limit', '3']).out;
  const top = md.slice(md.indexOf('### Top findings'));
  assert.match(top, /^### Top findings \(3 of \d+\)/);
  assert.equal(top.split('\n').filter((l) => /^\| (critical|high|medium|low|info) \|/.test(l)).length, 3);
  const diff = nhi(dir, ['diff', '--from', '0', '--to', '1']);
  assert.equal(diff.code, 0, diff.err);
  const identities = diff.out.slice(diff.out.indexOf('identities:'), diff.out.indexOf('credentials:')).split('\n').filter((l) => l.startsWith('  + '));
  assert.equal(identities.length, 25);
  for (const line of identities) assert.match(line, /^ {2}\+ [a-z_]+ .+ {2}\(.+\)$/, 'kind, name, then the id');
  const json = JSON.parse(nhi(dir, ['diff', '--from', '0', '--to', '1', '--json']).out);
  const id = json.identities.appeared[0];
  assert.ok(json.names[id].name, 'JSON carries the names beside the ids');
});

test('paths: a leaked key reaches admin through its carrier; a key nothing carries starts at its identity', { timeout: 60_000 }, () => {
  const leaks = JSON.parse(nhi(dir, ['ls', 'credentials', '--kind', 'hardcoded_secret', '--json']).out) as { id: string; keyId: string | null }[];
  const leak = leaks.find((c) => c.keyId?.startsWith('AKIA'));
  assert.ok(leak, 'the demo leaks an AWS key');
  const fromLeak = nhi(dir, ['paths', leak.id, '--to', 'admin', '--json']);
  assert.equal(fromLeak.code, 0, fromLeak.err);
  const p = JSON.parse(fromLeak.out) as { from: string; paths: { path: { privilege: string; steps: { mechanism: string; to: string }[] } | null }[] };
  assert.equal(p.from, `ext:credential:${leak.id}`);
  assert.equal(p.paths[0]!.path?.privilege, 'admin');
  const keys = JSON.parse(nhi(dir, ['ls', 'credentials', '--kind', 'access_key', '--json']).out) as { id: string; keyId: string; identityId: string; status: string }[];
  assert.deepEqual(p.paths[0]!.path?.steps.slice(0, 2).map((s) => [s.mechanism, s.to]), [
    ['holds-credential', `ext:credential:${leak.keyId}`],
    ['holds-credential', keys.find((k) => k.keyId === leak.keyId)?.identityId],
  ]);

  const plain = keys.find((k) => k.status === 'active' && !leaks.some((l) => l.keyId === k.keyId));
  assert.ok(plain);
  const fromKey = nhi(dir, ['paths', plain.keyId]);
  assert.equal(fromKey.code, 0, fromKey.err);
  assert.match(fromKey.out.split('\n')[0]!, new RegExp(`^paths from ${plain.identityId.replace(/[/]/g, '\\/')}, as which key ${plain.id} authenticates,`));
  assert.equal(JSON.parse(nhi(dir, ['paths', plain.keyId, '--json']).out).key, plain.id);

  const none = nhi(dir, ['paths', 'no-such-identity-anywhere']);
  assert.equal(none.code, 2);
  assert.match(none.err, /nothing matches "no-such-identity-anywhere"[\s\S]*nhi ls identities --search/);
});

test('output piped into a reader that stops early (| head) ends quietly, as other tools do on SIGPIPE', { timeout: 60_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, 'ls', 'identities', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NHI_DB: '', CI: '1' } });
  // The reader is gone before the first write.
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.doesNotMatch(err, /EPIPE|Unhandled|at /, err);
  assert.equal(code, 141, 'the exit status a pipeline sees from a tool stopped by SIGPIPE (never 0: a gate must not read it as clean)');
});
