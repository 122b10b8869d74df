// Every request the gcp scanner sends, recorded at the local endpoint through the real client
// libraries, is a method of the published discovery documents, with the parameters they declare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collect } from '../../helpers/scanner-acceptance.js';
import { gcpScanner } from '../../../scanners/gcp/index.js';
import { fixtureEstate, NOW } from './fixtures.js';
import { optionsFor, serve } from './helpers.js';
import { GCP_PUBLISHED, publishedOperation } from './published-api.js';

test('gcp: every request is a published method of the API version it names', async (t) => {
  const server = await serve(fixtureEstate());
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { org: '1001' }), now: NOW });
  assert.deepEqual(res.errors, []);
  assert.ok(server.requests.length > 20);
  const unknown = server.requests.filter((r) => !publishedOperation(GCP_PUBLISHED, r.method, r.path, r.query));
  assert.deepEqual(unknown.map((r) => `${r.method} ${r.path}?${r.query.toString()}`), []);
  const used = new Set(server.requests.map((r) => publishedOperation(GCP_PUBLISHED, r.method, r.path, r.query)!.id));
  assert.ok(used.size >= 9, [...used].join(', '));
});
