// The demo with owners from logs, through the built binary: every identity with a creation event
// has a suggested owner and its evidence, unowned findings name them, one departed owner is flagged,
// and reports, exports and `ls --owner` carry suggested owners beside declared ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { nhi } from '../cli/nhi.js';
import { demoCopy } from '../cli/demo-copy.js';

test('demo: suggested owners, departed owners, the by-owner summary and exports', { timeout: 300_000 }, () => {
  const { dir, demo: scan } = demoCopy();
  assert.equal(scan.code, 0, scan.err);

  const db = new Database(join(dir, 'nhi.db'), { readonly: true });
  try {
    // Every identity with a creation event (and no declared owner) has a suggested owner with its sentence.
    const created = db
      .prepare(
        `SELECT DISTINCT i.name, i.suggested_owner AS s, i.suggested_owner_evidence AS e FROM owner_candidates o JOIN identities i ON i.id = o.identity_id
         WHERE o.gone_scan IS NULL AND o.event IN ('CreateUser','CreateRole','CreateServiceAccount','Add application','Add service principal','public_key.create','hook.create','integration_installation.create','org.add_member') AND i.owner IS NULL`,
      )
      .all() as { name: string; s: string | null; e: string | null }[];
    assert.ok(created.length >= 4, `creation events on unowned identities: ${created.length}`);
    for (const c of created) assert.ok(c.s && c.e?.startsWith('created by'), `${c.name}: ${c.s} ${c.e}`);
    const sources = (db.prepare('SELECT DISTINCT source FROM owner_candidates').pluck().all() as string[]).sort();
    assert.deepEqual(sources, ['activity-log', 'cloud-audit-log', 'cloudtrail', 'directory-audit', 'git', 'github-api', 'github-audit-log']);
  } finally {
    db.close();
  }

  const report = nhi(dir, ['report', '--format', 'json']);
  const r = JSON.parse(report.out) as {
    byOwner: { owner: string | null; suggested: boolean; worst: string }[];
    findings: { rule: string; message: string; identity: { name: string; suggestedOwner: string | null } | null }[];
  };
  const unowned = r.findings.filter((f) => f.rule === 'unowned');
  assert.ok(unowned.some((f) => /Contoso Backup Cloud has no owner.*; probably lee\.admin@acme\.example: created by lee\.admin@acme\.example on \d{4}-\d\d-\d\d via the Entra ID audit log \(Add service principal\)/.test(f.message)));
  assert.ok(unowned.some((f) => /reporting-export@.* probably priya\.shah@acme\.example: created by .* via Cloud Audit Logs \(CreateServiceAccount\)/.test(f.message)));
  const departed = r.findings.filter((f) => f.rule === 'owner-departed').map((f) => f.identity?.name).sort();
  assert.ok(departed.includes('orphaned-invoice-bot'), departed.join(', '));
  assert.ok(departed.includes('prod-deploy (infra)'), departed.join(', '));
  assert.ok(r.byOwner.some((o) => o.owner === 'lee.admin@acme.example' && o.suggested && o.worst === 'critical'));
  assert.ok(r.byOwner.some((o) => o.owner === 'platform-eng' && !o.suggested));

  const table = nhi(dir, ['report']);
  assert.match(table.out, /Findings by owner \(\? = suggested by audit logs or git, not declared\)/);
  assert.match(table.out, /lee\.admin@acme\.example\?/);

  const csv = nhi(dir, ['export', 'findings', '--format', 'csv']);
  const header = csv.out.split('\r\n')[0].split(',');
  assert.equal(header[header.indexOf('owner') + 1], 'suggested_owner');
  assert.match(csv.out, /,heidi\.schmidt@acme\.example,/);
  const ids = nhi(dir, ['export', 'identities', '--format', 'csv']);
  assert.ok(ids.out.split('\r\n')[0].split(',').includes('suggested_owner_evidence'));

  const ls = nhi(dir, ['ls', 'identities', '--owner', 'Heidi.Schmidt@acme.example', '--json']);
  assert.equal(ls.code, 0, ls.err);
  assert.deepEqual((JSON.parse(ls.out) as { name: string }[]).map((i) => i.name), ['auth-mirror (auth-service)']);
  const declared = nhi(dir, ['ls', 'identities', '--owner', 'platform-eng', '--json']);
  assert.ok((JSON.parse(declared.out) as unknown[]).length >= 1);
});
