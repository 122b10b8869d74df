// The realistic corpus (code, config, CI, HTTP fixtures, docs, test folders; generated at
// run time with line labels): recall and precision must hold where they are today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateRealisticCorpus, scoreCorpus } from '../../../bench/secrets/realistic-corpus.js';
import { runJob } from '../../../scanners/repo/engine/scan-file.js';
import { tempDir } from './helpers.js';

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

test('realistic corpus: recall at least 97 %, no false positive on the look-alikes and filler', () => {
  const t = tempDir('nhi-realistic-');
  try {
    const c = generateRealisticCorpus(join(t.dir, 'corpus'), 6);
    const findings = filesUnder(c.root).flatMap((abs) => {
      const rel = abs.slice(c.root.length + 1);
      return runJob({ t: 'file', abs, rel }, { maxFileSize: 1 << 22, includeFixtures: false }).findings.map((f) => ({ file: rel, line: f.line }));
    });
    const s = scoreCorpus(c, findings);
    assert.ok(s.found / s.positives >= 0.97, `recall ${s.found}/${s.positives}; missed: ${JSON.stringify(s.missedByKind)}`);
    assert.equal(s.falsePositives, 0, `false positives: ${JSON.stringify(s.fpByKind)}`);
  } finally {
    t.cleanup();
  }
});
