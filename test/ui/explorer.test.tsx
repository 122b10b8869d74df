// The explorer driven by keys on the demo inventory, frame by frame (ink's testing library): the
// filter narrows, Enter opens what `nhi show` shows, a finding leads to its identity and on to its
// chains, Esc comes back the way it went, q ends it.
import '../helpers/interactive-ink.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { tempDir } from '../helpers/temp.js';
import { awsKeyPair, nhi, writeFiles } from '../cli/nhi.js';
import { demoCopy } from '../cli/demo-copy.js';
import { loadConfig } from '../../src/config/config.js';
import { openExplorerData } from '../../src/ui/explorer/explorer-data.js';
import { Explorer } from '../../src/ui/explorer/explorer.js';

const { dir, demo } = demoCopy();
assert.equal(demo.code, 0, demo.err + demo.out);
const dbPath = join(dir, 'nhi.db');
const data = openExplorerData(dbPath, loadConfig({}));
after(() => data.close());

const KEY = { enter: '\r', esc: '\x1b', down: '\x1b[B', pageDown: '\x1b[6~', tab: '\t', ctrlC: '\x03' };
// ink draws at most every 33 ms: wait past that for the frame of the last key.
const tick = () => new Promise((r) => setTimeout(r, 50));

function start(rows = 24) {
  const app = render(<Explorer data={data} inventory={dbPath} columns={120} rows={rows} debounceMs={0} />);
  // Colours off: the frames are compared as text.
  // eslint-disable-next-line no-control-regex -- removing escape sequences is the point
  const frame = () => (app.lastFrame() ?? '').replace(/\x1b\[[0-9;]*m/g, '');
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
    }
    return frame();
  };
  return { app, frame, press };
}

/** The list rows of a frame: the lines between the column header and the count line. */
function listRows(frame: string): string[] {
  const lines = frame.split('\n');
  const head = lines.findIndex((l) => /^(provider|severity)\s/.test(l));
  const count = lines.findIndex((l) => /^\d+ of \d+\+? · page/.test(l));
  return lines.slice(head + 1, count);
}

test('the first frame shows one page of identities, not the whole list; PgDn loads the next', async () => {
  const { app, frame, press } = start();
  await tick();
  assert.match(frame(), /1 Identities/);
  const first = listRows(frame());
  assert.equal(first.length, 24 - 7, `a screenful of rows:\n${frame()}`);
  assert.match(frame(), /1 of 18\+ · page 1/, 'one row past the page is read, to know more exist; no more');
  const second = await press(KEY.pageDown);
  assert.match(second, /18 of 3\d\+ · page 2/);
  assert.notDeepEqual(listRows(second), first);
  app.unmount();
});

test('typing a filter narrows the list as it is typed, keys arriving faster than frames included', async () => {
  const { app, frame, press } = start();
  await tick();
  const all = listRows(frame());
  assert.ok(all.some((l) => !l.startsWith('aws ')), 'the unfiltered list has more than aws');
  // One synchronous burst, as a paste or a fast typist delivers it.
  app.stdin.write('/');
  for (const c of 'provider:aws') app.stdin.write(c);
  await tick();
  const aws = listRows(frame());
  assert.match(frame(), /filter: provider:aws/);
  assert.ok(aws.length > 0 && aws.every((l) => l.startsWith('aws ')), aws.join('\n'));
  for (const c of ' kind:iam_role admin') app.stdin.write(c);
  const narrow = await press(KEY.enter);
  const roles = listRows(narrow);
  assert.ok(roles.length > 0 && roles.length < aws.length, narrow);
  assert.ok(roles.every((l) => /^aws\s+iam_role\s/.test(l) && /admin/i.test(l)), roles.join('\n'));
  // A typo is said, not silently an empty list.
  const typo = await press('/', ...'x provider:awz'.split(''), KEY.enter);
  assert.match(typo, /provider awz is not in this inventory/);
  app.unmount();
});

test('findings: worst first; Enter opens the identity as `nhi show` does, c its chains, Enter a chain end, Esc back each step', async () => {
  const { app, frame, press } = start(40);
  await tick();
  const findings = await press('3');
  const rows = listRows(findings);
  assert.match(rows[0], /^critical /, 'the worst first');
  // An Azure application whose owners, and identities that own other applications, can become it.
  const filtered = await press('/', ...'rule:god-mode acme-gh-actions-deploy'.split(''), KEY.enter);
  const at = listRows(filtered).findIndex((l) => /god-mode\s+acme-gh-actions-deploy /.test(l));
  assert.ok(at >= 0, filtered);
  for (let i = 0; i < at; i++) await press(KEY.down);
  const target = listRows(frame())[at];
  const detail = await press(KEY.enter);
  const id = /^\s+id:\s+(\S+)/m.exec(detail)?.[1];
  assert.ok(id, detail);
  const shown = nhi(dir, ['show', id]).out.split('\n');
  const detailLines = detail.split('\n');
  for (const line of shown.slice(0, 6)) assert.ok(detailLines.includes(line), `nhi show's line is in the pane: ${line}`);
  assert.match(detail, /^Findings$/m);

  const chains = await press('c');
  assert.match(chains, /^Chains of service_principal acme-gh-actions-deploy: \d+ can become it/m);
  const entries = chains.split('\n').filter((l) => /^[←→] /.test(l));
  assert.ok(entries.length > 0, chains);
  // Move to the first entry that is an identity of the inventory (not an outside principal) and open it.
  const inside = entries.findIndex((l) => !/ {2}ext:/.test(l) && /\(([^()]*)\) {2}\(\d+ hops?\)$/.test(l));
  assert.ok(inside >= 0, `some chain end is an identity of the inventory:\n${entries.join('\n')}`);
  let now = chains;
  for (let i = 0; i < inside; i++) now = await press(KEY.down);
  assert.match(now, /^1\. /m, 'the chosen chain is drawn hop by hop');
  assert.match(now, /evidence: /);
  const endId = /\(([^()]*)\) {2}\(\d+ hops?\)$/.exec(entries[inside])![1];
  const next = await press(KEY.enter);
  assert.match(next, new RegExp(`^\\s+id:\\s+${endId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), 'the chain end opens as an identity');

  assert.match(await press(KEY.esc), /^Chains of service_principal acme-gh-actions-deploy/m, 'back to the chains');
  assert.match(await press(KEY.esc), new RegExp(`^\\s+id:\\s+${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), 'back to the identity');
  const list = await press(KEY.esc);
  assert.match(list, /3 Findings/);
  assert.equal(listRows(list)[at], target, 'back to the list as it was left');
  app.unmount();
});

test('e opens a finding itself (evidence, fix); Enter goes on to its identity', async () => {
  const { app, press } = start(40);
  await tick();
  await press('3');
  const finding = await press('e');
  assert.match(finding, /^\[critical\] /m);
  assert.match(finding, /^\s+evidence: /m);
  assert.match(finding, /^\s+fix: /m);
  assert.match(finding, /Enter its identity · c its chains/);
  const identityName = /^\s+identity:\s+\S+ (\S+) \(/m.exec(finding)?.[1];
  assert.ok(identityName, finding);
  const identity = await press(KEY.enter);
  assert.match(identity, new RegExp(`^\\S+ ${identityName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), 'the identity named by the finding');
  assert.match(await press(KEY.esc), /^\[critical\] /m, 'back to the finding');
  app.unmount();
});

test('a credential without an identity opens its own detail; q ends the explorer', async () => {
  const { frame, press } = start();
  await tick();
  await press('2', '/', ...'kind:hardcoded_secret'.split(''), KEY.enter);
  const leak = listRows(frame()).find((l) => /\(none matched\)/.test(l));
  if (leak) {
    for (const r of listRows(frame())) {
      if (r === leak) break;
      await press(KEY.down);
    }
    const d = await press(KEY.enter);
    assert.match(d, /^\s+identity:\s+\(none matched\)$/m);
    assert.match(d, /no identity: no chains/);
    await press(KEY.esc);
  }
  const before = frame();
  await press('q');
  // Unmounted: keys no longer change the frame.
  assert.equal(await press('1', '/', 'x'), before);
});

test('Ctrl-C ends the explorer too, even while the filter is being typed', async () => {
  const { frame, press } = start();
  await tick();
  await press('/', 'a');
  const before = await press(KEY.ctrlC);
  assert.equal(await press('b', 'c'), before);
  assert.match(frame(), /filter: a/);
});

test('names from a scanned repository reach the terminal inert, in the lists and in every detail', { timeout: 60_000 }, async () => {
  const ESC = '\u001b';
  const EVIL = `evil${ESC}[2J${ESC}]0;pwned\u0007\u009b31m\u202e`;
  const evilDir = tempDir();
  const repo = join(evilDir, 'app');
  writeFiles(repo, { [`${EVIL}.env`]: awsKeyPair('evilname').env });
  const scan = nhi(evilDir, ['scan', 'repo', repo]);
  assert.equal(scan.code, 0, scan.err + scan.out);
  const evilData = openExplorerData(join(evilDir, 'nhi.db'), loadConfig({}));
  const app = render(<Explorer data={evilData} inventory={`inv${EVIL}`} columns={200} rows={30} debounceMs={0} />);
  const frames: string[] = [];
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick();
      frames.push(app.lastFrame() ?? '');
    }
  };
  try {
    await tick();
    frames.push(app.lastFrame() ?? '');
    await press('3', KEY.enter, KEY.esc, '2', KEY.enter, KEY.esc, '/', ...'evil'.split(''), ESC, '[', '2', 'J', KEY.enter);
    const all = frames.join('\n');
    assert.match(all, /evil\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m\\u202e/, 'shown as visible escapes');
    // The explorer's own colours are its only escape sequences.
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
    // eslint-disable-next-line no-control-regex -- removing the explorer's own colours first
    for (const f of frames) assert.doesNotMatch(f.replace(/\u001b\[[0-9;]*m/g, ''), CONTROL, f);
  } finally {
    app.unmount();
    evilData.close();
  }
});
