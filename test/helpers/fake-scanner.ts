// A scanner whose estate the test controls: for core tests of the pipeline and inventory
// (provider scanners are tested against their real SDKs instead).
import type { ScanRecord } from '../../src/model/records.js';
import { defineScanner, type ScanTarget } from '../../src/scanners/contract.js';

export interface FakeEstate {
  /** Records per target key; a string entry makes that target throw with this message. */
  targets: Record<string, ScanRecord[] | string>;
  /** Called before each record is yielded (to slow down or kill a scan mid-way). */
  onYield?: (n: number) => void | Promise<void>;
}

export function fakeScanner(estate: FakeEstate, name = 'fake') {
  return defineScanner<{ estate: FakeEstate }>({
    name,
    provider: 'aws',
    title: 'Fake',
    description: 'test scanner',
    needs: [],
    options: [],
    isConfigured: () => true,
    async targets(ctx) {
      return Object.keys(ctx.options.estate.targets).map((k): ScanTarget => ({ key: k, label: k }));
    },
    async *scan(ctx) {
      const recs = ctx.options.estate.targets[ctx.target.key];
      if (typeof recs === 'string') throw Object.assign(new Error(recs), { code: 'AccessDenied' });
      let n = 0;
      const onYield = ctx.options.estate.onYield;
      for (const r of recs) {
        ctx.progress.apiCall('List');
        if (onYield) await onYield(n++);
        yield r;
      }
    },
    explainError: (err) => ({ code: (err as { code?: string }).code ?? 'error', fix: 'grant iam:List*' }),
  });
}

export function identity(id: string, extra: Partial<Extract<ScanRecord, { type: 'identity' }>> = {}): ScanRecord {
  return { type: 'identity', id, provider: 'aws', scope: 'aws:111111111111', kind: 'iam_user', name: id.split('/').pop() ?? id, ...extra };
}
