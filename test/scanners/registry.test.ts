// Every registered scanner passes the acceptance checks, with nothing to add but its registry line:
// its demo part (a local endpoint in the provider's own wire format) is scanned through the real
// pipeline, and the records must validate, keep their ids across two runs, carry the scanner's
// provider, and keep secret values out of the records and the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCANNERS } from '../../src/scanners/registry.js';
import { resolveScannerOptions } from '../../src/scan/options.js';
import { assertScannerAcceptance } from '../helpers/scanner-acceptance.js';
import { tempDir } from '../helpers/temp.js';

for (const scanner of SCANNERS) {
  test(`registered scanner ${scanner.name}: passes the acceptance checks against its demo endpoint`, { timeout: 120_000 }, async () => {
    assert.ok(scanner.demo, `${scanner.name} must serve a demo part (a local endpoint) so that it can be checked`);
    const now = new Date();
    const ep = await scanner.demo({ now, workDir: tempDir(`nhi-accept-${scanner.name}-`) });
    try {
      const options = resolveScannerOptions(scanner, { flags: ep.options as Record<string, unknown>, env: {}, section: undefined });
      const res = await assertScannerAcceptance({ scanner, options, now });
      try {
        assert.ok(res.records.some((r) => r.type === 'identity' || r.type === 'credential'), 'the demo part yields records');
        const foreign = res.records.filter((r) => 'provider' in r && r.provider !== scanner.provider);
        assert.deepEqual(foreign.map((r) => `${r.type} ${(r as { provider: string }).provider}`).slice(0, 5), [], `records carry the scanner's provider (${scanner.provider})`);
      } finally {
        res.cleanup();
      }
    } finally {
      await ep.stop();
    }
  });
}
