// The peer corpus (gitleaks' own per-rule true/false positive cases, ../shared/corpora
// beside the clone): recall on its true positives must not drop below what the detectors
// reach today, and its flagged false positives must not rise. Missing corpus = failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { peerCorpusDir, scorePeerCases, writePeerCases } from '../../../bench/secrets/peer-corpus.js';
import { tempDir } from './helpers.js';

/** Reached on 2026-12-01: 4,896 of 5,992 true positives (81.7 %), 33 of 374 false positives flagged (plus 8 that are another rule's true positive). */
const MIN_TP_FOUND = 4890;
const MAX_FP_FLAGGED = 33;

test('peer corpus: recall on gitleaks true positives holds, false positives do not rise', () => {
  const corpus = peerCorpusDir();
  assert.ok(existsSync(corpus), `peer corpus not found at ${corpus}: put the shared corpora folder beside the clone (../shared/corpora)`);
  const t = tempDir('nhi-peer-');
  try {
    writePeerCases(corpus, t.dir);
    const s = scorePeerCases(corpus, t.dir);
    assert.equal(s.tp, 5992, 'the corpus changed: re-measure and update the floors');
    assert.ok(s.tpFound >= MIN_TP_FOUND, `recall dropped: ${s.tpFound}/${s.tp} (floor ${MIN_TP_FOUND}); most missed: ${Object.entries(s.missedByRule).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    assert.ok(s.fpFlagged <= MAX_FP_FLAGGED, `false positives rose: ${s.fpFlagged}/${s.fp} (ceiling ${MAX_FP_FLAGGED}): ${s.flaggedFps.join(' ')}`);
  } finally {
    t.cleanup();
  }
});
