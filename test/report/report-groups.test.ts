// The report's groups (identities by kind, findings by rule and severity, open findings per owner) are added up in
// keyed temporary tables rather than by SQL's GROUP BY: they must equal what GROUP BY gives, for
// every scope, with suppressed findings left out and identities with no owner as one group; at
// equal scores declared owners come before suggested ones, and no owner last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openInventory } from '../../src/inventory/db.js';
import { ReportReader, type FindingScope } from '../../src/inventory/report-reader.js';
import { demoCopy } from '../cli/demo-copy.js';

const SEV_SCORE = "CASE f.severity WHEN 'critical' THEN 100 WHEN 'high' THEN 30 WHEN 'medium' THEN 8 WHEN 'low' THEN 2 ELSE 0 END";
const SEV_RANK = "CASE f.severity WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 ELSE 1 END";

test('report groups equal GROUP BY over the same findings, per scope and with suppressions', () => {
  const { dir } = demoCopy();
  const inv = openInventory(join(dir, 'nhi.db'));
  try {
    const db = inv.db;
    const scopes: { scope: FindingScope; where: string; params: unknown[] }[] = [
      { scope: { source: 'findings' }, where: 'f.resolved_scan IS NULL', params: [] },
      { scope: { source: 'findings', provider: ['aws', 'github'] }, where: "f.resolved_scan IS NULL AND f.provider IN ('aws', 'github')", params: [] },
      { scope: { source: 'findings', severities: ['critical', 'high'] }, where: "f.resolved_scan IS NULL AND f.severity IN ('critical', 'high')", params: [] },
    ];
    assert.deepEqual(
      new ReportReader(db, { source: 'findings' }).identitiesByProvider(),
      db.prepare('SELECT provider, kind, count(*) AS count FROM identities WHERE gone_scan IS NULL GROUP BY 1, 2 ORDER BY provider, count DESC, kind').all(),
      'identities by provider and kind',
    );
    const ids = db.prepare('SELECT id FROM findings WHERE resolved_scan IS NULL ORDER BY id').pluck().all() as string[];
    const suppressed = ids.filter((_, i) => i % 3 === 0);
    for (const { scope, where } of scopes) {
      const reader = new ReportReader(db, scope);
      const counts = db.prepare(`SELECT f.rule_id AS ruleId, f.severity, count(*) AS n FROM findings f WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`).all();
      assert.ok(counts.length > 3, 'the scope has findings of several rules');
      assert.deepEqual(reader.countsByRuleAndSeverity(), counts, `by rule and severity: ${JSON.stringify(scope)}`);
      for (const excluded of [[], suppressed]) {
        const supp = excluded.length ? ` AND f.id NOT IN (${excluded.map(() => '?').join(',')})` : '';
        const owners = (
          db
            .prepare(
              `SELECT * FROM (SELECT coalesce(i.owner, i.suggested_owner) AS owner, (i.owner IS NULL AND i.suggested_owner IS NOT NULL) AS suggested, count(*) AS identities,
                 sum(a.n) AS findings, sum(a.score) AS score, sum(a.critical) AS critical, sum(a.high) AS high, max(a.worst) AS worstRank
               FROM identities i JOIN (SELECT f.identity_id AS id, sum(${SEV_SCORE}) AS score, count(*) AS n, sum(f.severity = 'critical') AS critical,
                 sum(f.severity = 'high') AS high, max(${SEV_RANK}) AS worst FROM findings f WHERE ${where} AND f.identity_id IS NOT NULL${supp} GROUP BY 1) a ON a.id = i.id
               GROUP BY 1, 2) ORDER BY score DESC, owner IS NULL, suggested, owner`,
            )
            .all(...excluded) as Record<string, unknown>[]
        ).map((r) => ({ ...r, suggested: r.suggested === 1 }) as { owner: string | null; suggested: boolean });
        if (!scope.provider && !scope.severities && !excluded.length) {
          assert.ok(owners.some((o) => o.owner === null), 'the demo has identities with open findings and no owner');
          assert.ok(owners.some((o) => o.suggested), 'and some with only a suggested owner');
        }
        assert.deepEqual(reader.byOwner(excluded, 1000), owners, `by owner: ${JSON.stringify(scope)}, ${excluded.length} suppressed`);
        assert.deepEqual(reader.byOwner(excluded, 2), owners.slice(0, 2), 'the riskiest owners first, at most the limit');
      }
    }
  } finally {
    inv.close();
  }
});
