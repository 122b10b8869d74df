import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openReport } from '../../src/report/report-service.js';
import { openOutput } from '../../src/report/output.js';
import { writeSarif } from '../../src/report/formats/sarif.js';
import { writeJsonReport } from '../../src/report/formats/json.js';
import { openInventory } from '../../src/inventory/db.js';
import { baselineGate, readBaseline, writeBaseline } from '../../src/plan/baseline.js';
import { identity } from '../helpers/fake-scanner.js';
import { DAY0, day, inventory, records, stale } from './estate.js';

// Scan 1: two stale keys. Scan 2: the first key deleted (its findings resolved), a new admin user (new high finding).
const admin = [
  identity('arn:aws:iam::111111111111:user/new-admin', { name: 'new-admin', createdAt: day(1).toISOString(), owner: 'team-batch', ownerSource: 'tag:owner' }),
  { type: 'grant', identityId: 'arn:aws:iam::111111111111:user/new-admin', provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' } as const,
];

async function twoScans() {
  const inv = inventory();
  await inv.scan(records([stale, stale]), DAY0);
  const write = (name: string, fn: (out: ReturnType<typeof openOutput>, r: ReturnType<typeof openReport>) => void) => {
    const file = join(inv.dir, name);
    const r = openReport({ dbPath: inv.dbPath, config: inv.config });
    const out = openOutput(file);
    fn(out, r);
    out.end();
    r.close();
    return file;
  };
  const sarif = write('base.sarif', (out, r) => writeSarif(out, r.summary(), r.findings({})));
  const json = write('base.json', (out, r) => writeJsonReport(out, r.summary(), r.findings({})));
  const h = openInventory(inv.dbPath, { readonly: true });
  const own = join(inv.dir, 'baseline.json');
  const count = writeBaseline(h.db, own, 1);
  h.close();
  await inv.scan(records([stale, stale], admin).filter((r) => !(r.type === 'credential' && r.id.endsWith('0'))), day(2));
  return { inv, sarif, json, own, count };
}

function gate(inv: ReturnType<typeof inventory>, flags: { baseline?: string; sinceScan?: string }, failOn: 'high' | 'critical' | undefined) {
  const r = openReport({ dbPath: inv.dbPath, config: inv.config });
  const lines: string[] = [];
  try {
    return { code: baselineGate(r, flags, failOn, (s) => lines.push(s)), text: lines.join('') };
  } finally {
    r.close();
  }
}

test('a baseline from SARIF, JSON, a baseline file or a scan number fails only on what is new', async () => {
  const { inv, sarif, json, own, count } = await twoScans();
  assert.ok(count >= 2, 'scan 1 had findings');
  assert.equal(readBaseline(sarif).ids.size, count, 'the SARIF report carries every finding id');
  assert.deepEqual([...readBaseline(json).ids].sort(), [...readBaseline(own).ids].sort());
  for (const flags of [{ baseline: sarif }, { baseline: json }, { baseline: own }, { sinceScan: '1' }]) {
    const { code, text } = gate(inv, flags, 'high');
    assert.equal(code, 1, JSON.stringify(flags));
    assert.match(text, /god-mode:arn:aws:iam::111111111111:user\/new-admin/);
    const m = /(\d+) new, (\d+) unchanged, (\d+) resolved/.exec(text)!;
    assert.ok(Number(m[1]) >= 1 && Number(m[2]) >= 1 && Number(m[3]) >= 1, text);
  }
  // Only stale/long-lived (medium) findings are new at or above critical: nothing fails.
  assert.equal(gate(inv, { baseline: sarif }, 'critical').code, 0);
});

test('with the new findings in the baseline, the gate passes; a foreign file is refused with a hint', async () => {
  const { inv } = await twoScans();
  assert.equal(gate(inv, { sinceScan: '2' }, 'high').code, 0);
  const bad = join(inv.dir, 'bad.json');
  (await import('node:fs')).writeFileSync(bad, '{"hello": 1}');
  assert.throws(() => readBaseline(bad), /not a baseline nhi understands/);
  assert.throws(() => gate(inv, { sinceScan: '9' }, 'high'), /scan #9 is not in this inventory/);
  assert.ok(readFileSync(bad, 'utf8'));
});
