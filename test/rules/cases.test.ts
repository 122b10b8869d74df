// The one tester of every registered rule: each rule folder's cases/*.json is a small estate in
// and the rule's findings out. A rule without cases, or a case folder without a rule, fails here.
// The case format is described in CONTRIBUTING.md ("Adding a rule").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyConfigObject, defaultConfig } from '../../src/config/config.js';
import { openInventory } from '../../src/inventory/db.js';
import { collectFindings } from '../../src/rules/engine.js';
import { RULES } from '../../src/rules/index.js';
import { runScan } from '../../src/scan/scan-service.js';
import type { ScanRecord } from '../../src/model/records.js';
import { fakeScanner } from '../helpers/fake-scanner.js';
import { tempDir } from '../helpers/temp.js';

const RULES_DIR = fileURLToPath(new URL('../../src/rules/', import.meta.url));
const DEFAULT_NOW = '2026-06-01T00:00:00.000Z';
const DAY = 86_400_000;

interface Expected {
  severity: string;
  identity: string | null;
  credential?: string | null;
  provider?: string;
  /** A regular expression the message must match. */
  message?: string;
}

interface RuleCase {
  description: string;
  now?: string;
  /** When the estate was scanned, if not `now` (to evaluate as of another date). */
  scannedAt?: string;
  config?: Record<string, unknown>;
  /** One target's records; or `targets` for several. */
  records?: Record<string, unknown>[];
  targets?: Record<string, Record<string, unknown>[]>;
  expect: Expected[];
}

// Defaults keep a case down to what it is about; an explicit value (null too) wins.
const DEFAULTS: Record<string, Record<string, unknown>> = {
  identity: { provider: 'aws', scope: 'aws:1', kind: 'iam_user', owner: 'team', createdAt: '-30d', lastUsedAt: '-1d', lastUsedSource: 'test' },
  credential: { provider: 'aws', scope: 'aws:1', kind: 'access_key', status: 'active', createdAt: '-10d', lastUsedAt: '-1d', lastUsedSource: 'test' },
  grant: { provider: 'aws', resource: 'aws:1', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' },
  trust: { provider: 'aws' },
  owner_candidate: { provider: 'aws', source: 'cloudtrail', event: 'CreateUser', at: '-20d', confidence: 90, departed: false, evidence: 'created by a person via CloudTrail (CreateUser)' },
};

/** `-30d`, `+700d`, `-90d23h`: that far from `now`. */
function relative(v: unknown, now: number): unknown {
  if (typeof v !== 'string') return v;
  const m = /^([+-])(\d+)d(?:(\d+)h)?$/.exec(v);
  if (!m) return v;
  const ms = Number(m[2]) * DAY + Number(m[3] ?? 0) * 3_600_000;
  return new Date(now + (m[1] === '-' ? -ms : ms)).toISOString();
}

function expand(rec: Record<string, unknown>, now: number): ScanRecord {
  const type = rec.type as string;
  const base: Record<string, unknown> = { ...(DEFAULTS[type] ?? {}) };
  if (type === 'identity') base.name = rec.id;
  if (type === 'credential') base.keyId = rec.id;
  const out: Record<string, unknown> = { ...base, ...rec };
  for (const [k, v] of Object.entries(out)) out[k] = relative(v, now);
  if (out.location && typeof out.location === 'object') {
    const l = out.location as Record<string, unknown>;
    out.location = { ...l, date: relative(l.date, now) };
  }
  return out as unknown as ScanRecord;
}

function casesOf(ruleId: string): { file: string; c: RuleCase }[] {
  const dir = join(RULES_DIR, ruleId, 'cases');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: `src/rules/${ruleId}/cases/${f}`, c: JSON.parse(readFileSync(join(dir, f), 'utf8')) as RuleCase }));
}

async function findingsFor(ruleId: string, c: RuleCase) {
  const now = Date.parse(c.now ?? DEFAULT_NOW);
  const scannedAt = Date.parse(c.scannedAt ?? c.now ?? DEFAULT_NOW);
  const config = defaultConfig();
  if (c.config) applyConfigObject(config, c.config, 'case');
  const targets: Record<string, ScanRecord[]> = {};
  for (const [k, recs] of Object.entries(c.targets ?? { t: c.records ?? [] })) targets[k] = recs.map((r) => expand(r, scannedAt));
  const dbPath = join(tempDir('nhi-rule-case-'), 'nhi.db');
  const estate = { targets };
  const summary = await runScan({ dbPath, runs: [{ scanner: fakeScanner(estate), options: { estate } }], config, env: {}, concurrency: 1, signal: new AbortController().signal, now: new Date(scannedAt) });
  assert.deepEqual(summary.errors, [], 'the case estate itself must be valid');
  const inv = openInventory(dbPath, { readonly: true });
  try {
    return collectFindings(inv.db, config, new Date(now)).filter((f) => f.ruleId === ruleId);
  } finally {
    inv.close();
  }
}

const key = (f: { severity: string; identity: string | null; credential?: string | null }) => `${f.severity} ${f.identity ?? '-'} ${f.credential ?? '-'}`;

for (const rule of RULES) {
  const id = rule.meta.id;
  test(`rule ${id} has cases`, () => {
    assert.ok(casesOf(id).length > 0, `add at least one case to src/rules/${id}/cases/`);
  });
  for (const { file, c } of casesOf(id)) {
    test(`${id}: ${c.description} (${file})`, async () => {
      const got = await findingsFor(id, c);
      assert.deepEqual(
        got.map((f) => key({ severity: f.severity, identity: f.identityId, credential: f.credentialId })).sort(),
        c.expect.map((e) => key(e)).sort(),
        JSON.stringify(got.map((f) => ({ severity: f.severity, identity: f.identityId, credential: f.credentialId, message: f.message })), null, 1),
      );
      for (const e of c.expect) {
        const f = got.find((x) => key({ severity: x.severity, identity: x.identityId, credential: x.credentialId }) === key(e))!;
        if (e.provider) assert.equal(f.provider, e.provider, `provider of ${key(e)}`);
        if (e.message) assert.match(f.message, new RegExp(e.message), `message of ${key(e)}`);
      }
    });
  }
}

test('every case folder belongs to a registered rule', () => {
  const known = new Set(RULES.map((r) => r.meta.id));
  for (const d of readdirSync(RULES_DIR, { withFileTypes: true })) {
    if (d.isDirectory() && existsSync(join(RULES_DIR, d.name, 'cases'))) assert.ok(known.has(d.name), `src/rules/${d.name} is not in src/rules/index.ts`);
  }
});
