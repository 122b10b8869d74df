// The built binary, end to end, as a user or a CI job runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers/temp.js';
import { createHmac } from 'node:crypto';

const BIN = fileURLToPath(new URL('../../bin/nhi', import.meta.url));

function nhi(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NHI_DB: '', NHI_HASH_KEY: '', CI: '1', ...env }, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('demo scan, then every report format, export, ls, show, scans and rules', { timeout: 180_000 }, () => {
  const dir = tempDir();
  const scan = nhi(dir, ['scan', '--demo']);
  assert.equal(scan.code, 0, scan.err + scan.out);
  assert.match(scan.out, /scan #1 complete/);
  assert.match(scan.out, /Riskiest identities/);
  assert.match(scan.out, /critical\s+\d+\s+aws\/iam_user ci-deployer/, 'the God-mode CI user whose key leaked leads the report');
  assert.ok(!scan.err.includes('\u001b['), 'plain progress (no terminal escapes) when stderr is not a TTY');
  assert.match(scan.err, /scan aws .*: complete — \d+ records/);

  const sarif = nhi(dir, ['report', '--format', 'sarif']);
  assert.equal(sarif.code, 0, sarif.err);
  const s = JSON.parse(sarif.out);
  assert.equal(s.version, '2.1.0');
  assert.ok(s.runs[0].results.length > 20);

  const csv = nhi(dir, ['report', '--format', 'csv', '--severity', 'critical']);
  const rows = parse(csv.out, { columns: true }) as Record<string, string>[];
  assert.ok(rows.length > 0 && rows.every((r) => r.severity === 'critical'));
  assert.ok(rows.some((r) => r.rule === 'leaked-credential' && r.identity_name === 'ci-deployer'));

  const md = nhi(dir, ['report', '--format', 'markdown', '--provider', 'github']);
  assert.match(md.out, /^## nhi: non-human identity report/m);

  const json = JSON.parse(nhi(dir, ['report', '--format', 'json']).out);
  assert.ok(json.totals.identities >= 100, `demo has hundreds of identities (${json.totals.identities})`);
  for (const p of ['aws', 'github', 'gcp', 'repo']) assert.ok(JSON.stringify(json.identitiesByProvider).includes(`"${p}"`) || p === 'repo', p);

  assert.equal(nhi(dir, ['report', '--fail-on', 'critical']).code, 1);
  assert.equal(nhi(dir, ['report', '--fail-on', 'critical', '--rule', 'unowned']).code, 0);

  const ids = nhi(dir, ['export', 'identities', '--format', 'ndjson', '--out', 'ids.ndjson']);
  assert.equal(ids.code, 0, ids.err);
  const lines = readFileSync(join(dir, 'ids.ndjson'), 'utf8').trim().split('\n');
  assert.equal(lines.length, json.totals.identities);
  assert.ok(JSON.parse(lines[0]).id);
  assert.equal(nhi(dir, ['export', 'credentials', '--format', 'csv', '--out', 'creds.csv']).code, 0);
  assert.equal(nhi(dir, ['export', 'findings', '--format', 'json', '--out', 'findings.json']).code, 0);

  const ls = JSON.parse(nhi(dir, ['ls', 'identities', '--provider', 'aws', '--owner', 'none', '--json']).out);
  assert.ok(ls.length > 0 && ls.every((i: { provider: string; owner: string | null }) => i.provider === 'aws' && i.owner === null));

  const show = nhi(dir, ['show', 'ci-deployer']);
  assert.equal(show.code, 0, show.err);
  assert.match(show.out, /leaked-credential/);
  assert.match(show.out, /AdministratorAccess/);

  assert.match(nhi(dir, ['scans']).out, /#1 .*complete \(demo\)/);
  assert.match(nhi(dir, ['rules']).out, /god-mode\s+\[high\]/);

  // The demo refuses to overwrite an inventory that holds a real scan.
  const real = join(dir, 'real');
  mkdirSync(join(real, 'src'), { recursive: true });
  assert.equal(nhi(real, ['scan', 'repo', 'src']).code, 0);
  const refused = nhi(real, ['scan', '--demo']);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /holds 1 real scan\(s\); the demo will not overwrite it[\s\S]*--db demo\.db/);
  assert.match(nhi(real, ['scans']).out, /#1 .*complete/);
});

test('secret values from the demo never reach the database or an export: the repo scanner finds nothing in them', { timeout: 180_000 }, () => {
  const dir = tempDir();
  assert.equal(nhi(dir, ['scan', '--demo', '--db', 'demo.db']).code, 0);
  const dump = join(dir, 'dump');
  mkdirSync(dump);
  // Every text cell of every table, one file per table, as a reader of nhi.db would see it.
  const db = new Database(join(dir, 'demo.db'), { readonly: true });
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  for (const t of tables) {
    const rows = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[];
    writeFileSync(join(dump, `${t}.txt`), rows.map((r) => Object.values(r).join('\n')).join('\n'));
  }
  db.close();
  for (const f of ['json', 'csv', 'sarif', 'markdown']) writeFileSync(join(dump, `report.${f}`), nhi(dir, ['report', '--db', 'demo.db', '--format', f]).out);
  for (const what of ['findings', 'identities', 'credentials']) writeFileSync(join(dump, `${what}.ndjson`), nhi(dir, ['export', what, '--db', 'demo.db', '--format', 'ndjson']).out);
  const sweep = nhi(dir, ['scan', '--db', 'sweep.db', 'repo', dump, '--include-fixtures']);
  assert.equal(sweep.code, 0, sweep.err + sweep.out);
  // Identifiers can look like secrets by design: AWS access key IDS (AWS documents them as
  // non-secret; they tie a leak to its live key), `secret:<keyed hash>` ids, 40-hex GCP key ids,
  // ids stored under names like "credential". So the check is exact rather than by pattern:
  // every value the sweep flags must be one of the demo inventory's own identifiers, which we
  // verify by hashing each identifier with the sweep inventory's key. Any other hit is a value
  // that got through.
  const demo = new Database(join(dir, 'demo.db'), { readonly: true });
  const identifiers = new Set<string>();
  const cols: Record<string, string[]> = {
    identities: ['id'], credentials: ['id', 'identity_id', 'key_id', 'secret_hash'], grants: ['id', 'identity_id'],
    trusts: ['id', 'identity_id', 'principal'], findings: ['id', 'identity_id', 'credential_id'], credential_sightings: ['credential_id', 'commit_sha'],
  };
  for (const [t, cs] of Object.entries(cols)) {
    for (const r of demo.prepare(`SELECT ${cs.join(', ')} FROM ${t}`).raw().all() as (string | null)[][]) for (const v of r) if (v) identifiers.add(v);
  }
  demo.close();
  const key = Buffer.from(readFileSync(join(dir, 'sweep.db.key'), 'utf8').trim(), 'hex');
  const known = new Set([...identifiers].map((v) => createHmac('sha256', key).update(v).digest('hex')));
  const sw = new Database(join(dir, 'sweep.db'), { readonly: true });
  const hits = sw.prepare(`SELECT json_extract(attributes, '$.detector') AS detector, secret_hash AS hash, preview FROM credentials`).all() as { detector: string; hash: string; preview: string }[];
  sw.close();
  assert.ok(hits.some((h) => h.detector === 'aws-access-key-id'), 'the sweep must see the AWS key ids, or it is not looking');
  for (const h of hits) assert.ok(known.has(h.hash), `${h.detector} flagged ${h.preview}, which is not one of the inventory's identifiers: a secret value got through`);
});

test('diff shows a leak that was fixed, and exit codes and errors say what to do', { timeout: 60_000 }, () => {
  const dir = tempDir();
  const repo = join(dir, 'app');
  mkdirSync(repo);
  // Built at run time so no secret-shaped literal sits in the source.
  const keyId = 'AKIA' + 'Z3MVKD7QWPLX4R2N';
  const secret = ['q8Jf2LxV9mTr4WbZ', '1nKc7HsP0dYe6GuA', '3iQoXt5B'].join('');
  writeFileSync(join(repo, 'deploy.env'), `AWS_ACCESS_KEY_ID=${keyId}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);
  const first = nhi(dir, ['scan', 'repo', repo]);
  assert.equal(first.code, 0, first.err + first.out);
  const leaks = JSON.parse(nhi(dir, ['export', 'credentials', '--format', 'json']).out) as { id: string; keyId: string | null }[];
  assert.equal(leaks.length, 2, 'the key id and its secret');
  assert.ok(leaks.every((l) => l.keyId === keyId), 'both carry the key id, for correlation');
  writeFileSync(join(repo, 'deploy.env'), 'AWS_PROFILE=deploy\n');
  assert.equal(nhi(dir, ['scan', 'repo', repo]).code, 0);
  const diff = JSON.parse(nhi(dir, ['diff', '--json']).out);
  assert.deepEqual(diff.credentials.disappeared, leaks.map((l) => l.id).sort());
  assert.equal(diff.findings.resolved.length, 1, 'the key id and its secret are one finding about one key');
  assert.equal(diff.findings.new.length, 0);

  const missing = nhi(dir, ['report', '--db', 'nope.db']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no inventory at .*nope\.db\n\s+→ Run `nhi scan`/);
  writeFileSync(join(dir, 'broken.db'), 'not a database, but it has a db name');
  const broken = nhi(dir, ['report', '--db', 'broken.db']);
  assert.equal(broken.code, 2);
  assert.match(broken.err, /not a readable nhi inventory/);
  writeFileSync(join(dir, 'nhi.config.json'), '{ "thresholds": { "staleDayz": 30 } }');
  const cfg = nhi(dir, ['report']);
  assert.equal(cfg.code, 2);
  assert.match(cfg.err, /unknown threshold "staleDayz"[\s\S]*Known thresholds: staleDays/);
  rmSync(join(dir, 'nhi.config.json'));
  const unknownFlag = nhi(dir, ['scan', 'aws', '--orgz']);
  assert.equal(unknownFlag.code, 2);
  assert.match(unknownFlag.err, /unknown option --orgz for aws[\s\S]*--org/);
  // Nothing in the environment may make a scanner look configured (this must never reach a cloud).
  const clear = Object.fromEntries(
    Object.keys(process.env).filter((k) => /^(AWS_|AZURE_|GOOGLE_|GCLOUD|CLOUDSDK_|GITHUB_|GH_|NHI_|IDENTITY_ENDPOINT|MSI_ENDPOINT)/.test(k)).map((k) => [k, '']),
  );
  const none = nhi(dir, ['scan'], { ...clear, HOME: dir, USERPROFILE: dir });
  assert.equal(none.code, 2, none.err);
  assert.match(none.err, /no scanner is configured[\s\S]*nhi scan --demo/);
});
