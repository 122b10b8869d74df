// Record validation, field by field: what makes a record unstorable, what is cut to size in
// place, and that a valid record (the millions of a large scan) comes back with nothing to say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TEXT, TRUNCATED, checkRecord } from '../../src/model/validate.js';
import type { ScanRecord } from '../../src/model/records.js';
import { ENTITY_BY_RECORD } from '../../src/inventory/entities.js';

const identity = (extra: Record<string, unknown> = {}) =>
  ({ type: 'identity', id: 'aws:role/a', provider: 'aws', scope: 'aws:1', kind: 'iam_role', name: 'a', createdAt: '2026-01-01T00:00:00.000Z', tags: { env: 'prod' }, attributes: {}, ...extra }) as unknown as ScanRecord;

test('a valid record has no problems and nothing cut', () => {
  for (const r of [
    identity(),
    { type: 'credential', id: 'k1', identityId: 'aws:role/a', provider: 'aws', scope: 'aws:1', kind: 'access_key', status: 'active', attributes: {} },
    { type: 'grant', identityId: 'aws:role/a', provider: 'aws', resource: 'aws:1', role: 'ReadOnly', privilege: 'read', via: 'direct' },
    { type: 'error', operation: 'list', code: 'denied', message: 'no' },
    { type: 'note', message: 'fyi' },
  ] as unknown as ScanRecord[]) {
    assert.deepEqual(checkRecord(r), { problems: [], truncated: [] }, r.type);
  }
});

test('every problem of a record is named, not only the first', () => {
  const v = checkRecord(identity({ id: '', provider: 'AWS!', createdAt: 'yesterday-ish', tags: ['not', 'an', 'object'] }));
  assert.equal(v.problems.length, 4, v.problems.join('; '));
  assert.match(v.problems.join('; '), /id must not be empty; provider must be a lower-case provider name.*createdAt must be an ISO-8601 timestamp.*tags must be an object/);
});

test('oversized text and JSON values are cut in place, at any depth; an oversized id is a problem', () => {
  const long = 'x'.repeat(MAX_TEXT + 10);
  const r = identity({ name: long, tags: { env: 'prod', note: long }, attributes: { nested: { list: ['short', long] } } }) as unknown as Record<string, unknown>;
  const v = checkRecord(r as unknown as ScanRecord);
  assert.deepEqual(v, { problems: [], truncated: ['name', 'tags', 'attributes'] });
  assert.equal(r.name, 'x'.repeat(MAX_TEXT) + TRUNCATED);
  assert.deepEqual(r.tags, { env: 'prod', note: 'x'.repeat(MAX_TEXT) + TRUNCATED });
  assert.deepEqual(r.attributes, { nested: { list: ['short', 'x'.repeat(MAX_TEXT) + TRUNCATED] } });
  assert.deepEqual(checkRecord(identity({ id: long })).problems, [`id is longer than ${MAX_TEXT} characters`]);
});

test('credential extras, candidates, errors and notes are checked too', () => {
  const cred = (extra: Record<string, unknown>) =>
    ({ type: 'credential', id: 'k1', identityId: 'aws:role/a', provider: 'aws', scope: 'aws:1', kind: 'hardcoded_secret', status: 'active', attributes: {}, ...extra }) as unknown as ScanRecord;
  assert.deepEqual(checkRecord(cred({ preview: 'p'.repeat(17) })).problems, ['preview is longer than a redacted preview may be (use ctx.secrets.protect)']);
  assert.deepEqual(checkRecord(cred({ location: 'src/a.ts' })).problems, ['location must be an object']);
  assert.deepEqual(checkRecord(cred({ location: { path: '', line: -1, date: 'soon' } })).problems, [
    'location.path is required',
    'location.date must be an ISO-8601 timestamp, got "soon"',
    'location.line must be a line number',
  ]);
  assert.deepEqual(checkRecord(cred({ location: { path: 'src/a.ts', line: 3 } })).problems, []);
  const candidate = { type: 'owner_candidate', identityId: 'aws:role/a', provider: 'aws', person: 'p', source: 'git', confidence: 101 } as unknown as ScanRecord;
  assert.ok(checkRecord(candidate).problems.includes('confidence must be 0 to 100'));
  assert.deepEqual(checkRecord({ type: 'error', operation: 'list', message: '' } as unknown as ScanRecord).problems, ['code is required', 'message is required']);
  assert.deepEqual(checkRecord({ type: 'note' } as unknown as ScanRecord).problems, ['message is required']);
  assert.match(checkRecord({ type: 'gossip' } as unknown as ScanRecord).problems[0]!, /unknown record type "gossip"/);
});

test('the shared result of a valid record cannot be changed by a caller', () => {
  const v = checkRecord(identity());
  assert.throws(() => v.problems.push('x'));
  assert.deepEqual(checkRecord(identity()).problems, []);
});

test('each field of each record type, broken alone, is named or cut: the compiled fast check never lets one through', () => {
  const valid: Record<string, Record<string, unknown>> = {
    identity: { ...(identity() as unknown as Record<string, unknown>), lastUsedAt: '2026-02-01T00:00:00.000Z', humanUse: false },
    credential: { type: 'credential', id: 'k1', identityId: 'aws:role/a', provider: 'aws', scope: 'aws:1', kind: 'access_key', status: 'active', preview: 'AKIA…WXYZ', createdAt: '2026-01-01T00:00:00.000Z', attributes: {} },
    grant: { type: 'grant', identityId: 'aws:role/a', provider: 'aws', resource: 'aws:1', role: 'ReadOnly', privilege: 'read', via: 'direct' },
    trust: { type: 'trust', identityId: 'aws:role/a', provider: 'aws', principal: 'arn:aws:iam::1:root', principalType: 'account', risk: 'external' },
    owner_candidate: { type: 'owner_candidate', identityId: 'aws:role/a', provider: 'aws', person: 'p', source: 'git', event: 'commit', at: '2026-01-01T00:00:00.000Z', confidence: 50, departed: false, evidence: 'committed src/a.ts' },
  };
  const long = 'x'.repeat(MAX_TEXT + 1);
  let broken = 0;
  for (const [type, spec] of Object.entries(ENTITY_BY_RECORD)) {
    const base = valid[type]!;
    assert.deepEqual(checkRecord({ ...base } as unknown as ScanRecord), { problems: [], truncated: [] }, `${type} base`);
    for (const c of spec.columns.filter((col) => !col.derived && !col.computed)) {
      const bad: unknown[] = [[], long];
      if (c.type !== 'integer') bad.push(42);
      if (c.required && c.type !== 'boolean') bad.push(null, undefined);
      if (c.required && c.type === 'text') bad.push('');
      if (c.oneOf || c.name) bad.push('Not-A-Listed Value');
      if (c.type === 'time') bad.push('soon');
      if (c.type === 'integer') bad.push(1.5, '3');
      if (c.type === 'json') bad.push({ deep: [{ deeper: long }] }, 'text');
      if (c.type === 'boolean') bad.push('yes');
      for (const v of bad) {
        // raw takes any JSON value: only size is a problem there.
        if (c.column === 'raw' && v !== long && !(v as { deep?: unknown } | null)?.deep) continue;
        const r = { ...base, [c.field]: v };
        const out = checkRecord(r as unknown as ScanRecord);
        const named = out.problems.some((p) => p.startsWith(c.field)) || out.truncated.includes(c.field);
        assert.ok(named, `${type}.${c.field} = ${JSON.stringify(v)?.slice(0, 40)}: ${JSON.stringify(out)}`);
        broken++;
      }
    }
    // Another ISO-8601 form is not the canonical one, but valid: the fast check defers, the full check accepts.
    const time = spec.columns.find((col) => col.type === 'time' && !col.derived);
    if (time) assert.deepEqual(checkRecord({ ...base, [time.field]: '2026-01-01T00:00:00Z' } as unknown as ScanRecord).problems, [], `${type}.${time.field}`);
  }
  assert.ok(broken > 150, `${broken} broken fields tried`);
});
