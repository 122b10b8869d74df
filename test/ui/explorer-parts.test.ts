// The explorer's pieces on their own: the filter line, the pager's bound on rows examined, and
// reach read from the stored edges giving the answer `nhi show` computes from the whole graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { demoCopy } from '../cli/demo-copy.js';
import { parseFilter, ignoredTerms } from '../../src/ui/explorer/filter.js';
import { Pager } from '../../src/ui/explorer/pager.js';
import { openInventory } from '../../src/inventory/db.js';
import { ReachQueries, reachSettings } from '../../src/inventory/reach-store.js';
import { StoredReach, providerPresent } from '../../src/inventory/explorer-queries.js';
import { loadConfig } from '../../src/config/config.js';

test('the filter line: key:value terms, commas, aliases, free text, and what it did not understand', () => {
  const { filter, problems } = parseFilter('provider:aws,GCP sev:high kind:iam_role owner:none deploy bot rule:god-mode,nope status:', (p) => p !== 'gcp');
  assert.deepEqual(filter, { provider: ['aws'], severity: 'high', kind: ['iam_role'], owner: 'none', text: 'deploy bot', rule: ['god-mode'] });
  assert.deepEqual(problems, ['provider gcp is not in this inventory', 'no rule nope (see `nhi rules`)']);
  assert.deepEqual(parseFilter('severity:urgent').problems, ['severity is one of critical, high, medium, low, info']);
  assert.deepEqual(parseFilter('http://x a:b').filter, { text: 'http://x a:b' }, 'unknown keys are text');
  assert.deepEqual(ignoredTerms(parseFilter('severity:high owner:x').filter, 'identities'), ['severity']);
});

test('a pager holds only what was asked for and examines a bounded number of rows per load', () => {
  let pulled = 0;
  function* rows() {
    for (let i = 0; i < 1_000_000; i++) {
      pulled++;
      yield i;
    }
  }
  const all = new Pager({ rows: rows() }, 10);
  all.ensure(10);
  assert.equal(all.rows.length, 11, 'a page and one row more, to know more exist');
  assert.equal(pulled, 11);
  pulled = 0;
  const rare = new Pager({ rows: rows(), keep: (i) => i % 300_000 === 299_999 }, 10, 1000);
  rare.ensure(10);
  assert.deepEqual([rare.rows.length, rare.stopped, pulled], [0, true, 1000], 'stops after the bound, says so');
  for (let i = 0; i < 300; i++) rare.ensure(10);
  assert.deepEqual(rare.rows, [299_999], 'each further load looks further');
  let closed = 0;
  const done = new Pager({ rows: [1, 2][Symbol.iterator](), close: () => closed++ }, 10);
  done.ensure(10);
  assert.deepEqual([done.rows, done.done, closed], [[1, 2], true, 1]);
});

test('reach from the stored edges answers as the whole graph does, for every identity of the demo', { timeout: 120_000 }, () => {
  const { dir, demo } = demoCopy();
  assert.equal(demo.code, 0, demo.err);
  const inv = openInventory(join(dir, 'nhi.db'), { readonly: true });
  try {
    const settings = reachSettings(inv.db, loadConfig({}));
    const whole = new ReachQueries(inv.db, settings);
    const stored = new StoredReach(inv.db);
    const ids = (inv.db.prepare('SELECT id FROM identities').all() as { id: string }[]).map((r) => r.id);
    let withChains = 0;
    for (const id of ids) {
      // Every reacher: past the 25 shown, which of several at the same distance comes first differs.
      const a = whole.about(id, 10_000);
      const b = stored.about(id, { maxDepth: settings.maxDepth, reachers: 10_000 });
      const key = (x: typeof a) => ({
        reachers: x.reachers.map((r) => `${r.id}/${r.hops}/${r.steps.length}`).sort(),
        scopes: x.scopes.map((s) => `${s.scope}/${s.privilege}/${s.hops}/${s.steps.map((h) => h.mechanism).join('>')}`),
      });
      assert.deepEqual(key(b), key(a), id);
      // The 25 shown are the nearest in both.
      assert.deepEqual(stored.about(id, { maxDepth: settings.maxDepth }).reachers.map((r) => r.hops), whole.about(id).reachers.map((r) => r.hops), id);
      if (a.reachers.length || a.scopes.some((s) => s.hops > 0)) withChains++;
    }
    assert.ok(withChains > 20, `the demo has chains to compare (${withChains})`);
    assert.equal(providerPresent(inv.db, 'aws'), true);
    assert.equal(providerPresent(inv.db, 'awz'), false);
  } finally {
    inv.close();
  }
});
