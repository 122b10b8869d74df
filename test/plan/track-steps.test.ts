import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStatus, runPlan, stepLines, stepsChanged } from '../../src/plan/plan-service.js';
import { openInventory } from '../../src/inventory/db.js';
import { DAY0, USERS, day, inventory, records, stale } from './estate.js';

const keyStep = (n: number) => `deactivate-key:AKIAPLANTEST0000000${n}`;

test('a disabled key goes observing, then ready to delete once quiet for the window; one used again needs investigating', async () => {
  const inv = inventory();
  await inv.scan(records([stale, stale]), DAY0);
  const { plan, steps } = runPlan({ dbPath: inv.dbPath, config: inv.config });
  assert.deepEqual(
    plan.identities.flatMap((p) => p.steps.map((s) => s.id)).filter((id) => id.startsWith('deactivate-key')).sort(),
    [keyStep(0), keyStep(1)],
  );
  assert.equal(steps.find((s) => s.id === keyStep(0))?.state, 'not-started');
  assert.match(plan.identities.find((p) => p.identity.id === USERS[0])!.steps.find((s) => s.id === keyStep(0))!.command, /^aws iam update-access-key --user-name batch-quiet --access-key-id AKIAPLANTEST00000000 --status Inactive$/);

  // Day 10: both keys deactivated, as the plan said.
  const off = (s: typeof stale) => ({ ...s, status: 'inactive' as const });
  await inv.scan(records([off(stale), off(stale)]), day(10));
  let st = planStatus({ dbPath: inv.dbPath, config: inv.config }).steps;
  assert.equal(st.find((s) => s.id === keyStep(0))?.state, 'observing');
  assert.equal(st.find((s) => s.id === keyStep(1))?.state, 'observing');

  // Day 45: the first stayed quiet for more than 30 days; the second was turned back on and used.
  await inv.scan(records([off(stale), { status: 'active', lastUsedAt: day(44).toISOString() }]), day(45));
  st = planStatus({ dbPath: inv.dbPath, config: inv.config }).steps;
  assert.equal(st.find((s) => s.id === keyStep(0))?.state, 'ready-to-delete');
  assert.equal(st.find((s) => s.id === keyStep(1))?.state, 'investigate');

  // `nhi diff --from 2 --to 3` lists the steps that moved in scan 3.
  const h = openInventory(inv.dbPath, { readonly: true });
  const moved = stepsChanged(h.db, 2, 3);
  h.close();
  assert.deepEqual(moved.map((s) => [s.id, s.state]).sort(), [[keyStep(0), 'ready-to-delete'], [keyStep(1), 'investigate']]);
  assert.match(stepLines(moved).join('\n'), /deactivate-key:AKIAPLANTEST00000000 → ready-to-delete/);
});

test('a key used while still disabled is investigated too, and a deleted key is done', async () => {
  const inv = inventory();
  await inv.scan(records([stale, stale]), DAY0);
  runPlan({ dbPath: inv.dbPath, config: inv.config });
  const off = { ...stale, status: 'inactive' as const };
  await inv.scan(records([off, off]), day(5));
  planStatus({ dbPath: inv.dbPath, config: inv.config });
  await inv.scan(records([off, { status: 'inactive', lastUsedAt: day(6).toISOString() }]).filter((r) => !(r.type === 'credential' && r.id.endsWith('0'))), day(8));
  const st = planStatus({ dbPath: inv.dbPath, config: inv.config }).steps;
  assert.equal(st.find((s) => s.id === keyStep(0))?.state, 'done');
  assert.equal(st.find((s) => s.id === keyStep(1))?.state, 'investigate');
});

test('a shorter observation window makes a key ready sooner', async () => {
  const inv = inventory();
  await inv.scan(records([stale, stale]), DAY0);
  runPlan({ dbPath: inv.dbPath, config: inv.config, observeDays: 7 });
  const off = { ...stale, status: 'inactive' as const };
  await inv.scan(records([off, stale]), day(1));
  planStatus({ dbPath: inv.dbPath, config: inv.config, observeDays: 7 });
  await inv.scan(records([off, stale]), day(9));
  const st = planStatus({ dbPath: inv.dbPath, config: inv.config, observeDays: 7 }).steps;
  assert.equal(st.find((s) => s.id === keyStep(0))?.state, 'ready-to-delete');
  assert.equal(st.find((s) => s.id === keyStep(1))?.state, 'not-started');
});
