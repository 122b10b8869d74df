// Stored ids are derived from record contents by stableId: changing its output would make every
// existing inventory see each grant and trust edge disappear and reappear. These values are pinned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stableHash, stableId } from '../../src/model/ids.js';
import { grantId } from '../../src/inventory/scan-writer.js';

test('stable ids keep their values across releases', () => {
  assert.equal(stableHash(''), '1ab02e4cbea3fc83');
  assert.equal(stableId('a', null, 'é✓😀'), '74324c558184d259');
  assert.equal(stableId('a', null, 'é✓😀'), stableHash('a\u0000\u0000é✓😀'), 'parts are hashed as if joined with U+0000');
  assert.notEqual(stableId('ab', 'c'), stableId('a', 'bc'));
  assert.equal(
    grantId({ type: 'grant', identityId: 'arn:aws:iam::111111111111:role/deploy', provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' }),
    'g:f6ab408e0f4ee2c6',
  );
});
