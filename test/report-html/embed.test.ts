// The data a report embeds in <script type="application/json">: nothing in it may end the
// element or start markup, whatever a provider named its identities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedJson, escapeHtml } from '../../src/report/html/html-format.js';

const HOSTILE = ['</script><script>alert(1)</script>', '<!--', '<img src=x onerror=alert(1)>', '</SCRIPT >', 'a & b > c', 'line\u2028sep\u2029para', '"quoted" \\ back'];

test('embedded JSON has no <, > or & and parses back to the same value', () => {
  const value = { names: HOSTILE, nested: { tags: Object.fromEntries(HOSTILE.map((h, i) => [`k${i}${h}`, h])) } };
  const text = embeddedJson(value);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.doesNotMatch(text, /<\/script/i);
  assert.deepEqual(JSON.parse(text), value);
  // The escapes are JSON's own: what the page reads is exactly what was embedded.
  assert.ok(text.includes('\\u003c/script\\u003e'));
});

test('escapeHtml leaves no markup or attribute quote', () => {
  for (const h of HOSTILE) {
    const out = escapeHtml(h);
    assert.doesNotMatch(out, /[<>"']/);
  }
  assert.equal(escapeHtml('<a href="x">'), '&#60;a href=&#34;x&#34;&#62;');
});
