import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { runPlan } from '../../src/plan/plan-service.js';
import { formatPlanCsv, formatPlanJson, formatPlanMarkdown, formatPlanScript } from '../../src/plan/format-plan.js';
import { identity } from '../helpers/fake-scanner.js';
import { DAY0, inventory, records, stale } from './estate.js';

const extra = [
  identity('arn:aws:iam::111111111111:role/orphan-admin', { kind: 'iam_role', name: 'orphan-admin', createdAt: '2024-01-01T00:00:00Z' }),
  { type: 'grant', identityId: 'arn:aws:iam::111111111111:role/orphan-admin', provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' } as const,
];

async function planned() {
  const inv = inventory();
  await inv.scan(records([stale, stale], extra), DAY0);
  return { inv, ...runPlan({ dbPath: inv.dbPath, config: inv.config }) };
}

test('the plan groups by owner (unowned by scope), orders by risk removed per step, and names exact resources', async () => {
  const { plan } = await planned();
  assert.deepEqual(plan.groups.map((g) => g.group).sort(), ['team-batch', 'unowned: aws:111111111111']);
  const orphan = plan.identities.find((p) => p.identity.name === 'orphan-admin')!;
  assert.equal(orphan.group, 'unowned: aws:111111111111');
  const scope = orphan.steps.find((s) => s.action === 'scope-down')!;
  assert.equal(scope.command, 'aws iam detach-role-policy --role-name orphan-admin --policy-arn arn:aws:iam::aws:policy/AdministratorAccess');
  assert.deepEqual(orphan.blastRadius, [{ scope: 'aws:111111111111', privilege: 'admin', via: null }]);
  const perStep = plan.identities.map((p) => p.riskReduced / p.steps.length);
  assert.deepEqual(perStep, [...perStep].sort((a, b) => b - a));
  for (const p of plan.identities) for (const s of p.steps) assert.doesNotMatch(s.command, /\*/, s.id);
});

test('Markdown has a section per owner; JSON and CSV carry every step; the script is all comments behind a scan check', async () => {
  const { plan, inv } = await planned();
  const md = formatPlanMarkdown(plan);
  assert.match(md, /^## team-batch$/m);
  assert.match(md, /^## unowned: aws:111111111111$/m);
  assert.match(md, /aws iam update-access-key --user-name batch-quiet --access-key-id AKIAPLANTEST00000000 --status Inactive/);
  const steps = plan.identities.flatMap((p) => p.steps);
  assert.equal((JSON.parse(formatPlanJson(plan)) as { identities: { steps: unknown[] }[] }).identities.flatMap((p) => p.steps).length, steps.length);
  const rows = parse(formatPlanCsv(plan), { columns: true }) as { step_id: string; command: string }[];
  assert.deepEqual(rows.map((r) => r.step_id).sort(), steps.map((s) => s.id).sort());
  const script = formatPlanScript(plan, inv.dbPath);
  const body = script.split('\n').slice(script.split('\n').indexOf('fi') + 1);
  assert.ok(body.every((l) => l === '' || l.startsWith('#')), 'every command is commented out');
  assert.match(script, new RegExp(`nhi plan check --scan ${plan.scan} --db`));
  assert.match(script, /# aws iam detach-role-policy --role-name orphan-admin/);
});
