// Inventory benchmark: a synthetic estate of 1,000,000 identities, 2,000,000 credentials and
// 2,000,000 grants streamed through the same scan pipeline and inventory writer as a real
// scan, then every rule, then a report. Prints records/s, seconds per phase and peak RSS.
//
//   npm run bench                     (full size)
//   npm run bench -- --identities 100000   (a quicker run)
//   npm run bench -- --rescan         (then scan the same estate again: the steady state, no target)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config/config.js';
import type { ScanRecord } from '../src/model/records.js';
import { openReport } from '../src/report/report-service.js';
import { formatTable } from '../src/report/formats/table.js';
import { runScan } from '../src/scan/scan-service.js';
import { defineScanner } from '../src/scanners/contract.js';

const argIdx = process.argv.indexOf('--identities');
const IDENTITIES = argIdx > 0 ? Number(process.argv[argIdx + 1]) : 1_000_000;
const RESCAN = process.argv.includes('--rescan');
const TARGETS = 20;
const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const PROVIDERS = ['aws', 'azure', 'gcp', 'github'] as const;
const KINDS = { aws: 'iam_role', azure: 'service_principal', gcp: 'service_account', github: 'github_app' } as const;

// A cheap deterministic PRNG so every run ingests the same estate.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

// Whole days only, so a small cache spares the generator millions of Date objects: producing
// the estate is not what this benchmark measures (a real scanner gets timestamps as text).
const ISO_DAYS: string[] = [];
function iso(daysAgo: number): string {
  const d = Math.floor(daysAgo);
  return (ISO_DAYS[d] ??= new Date(NOW.getTime() - d * DAY).toISOString());
}

function* targetRecords(t: number): Generator<ScanRecord> {
  const per = Math.ceil(IDENTITIES / TARGETS);
  const rand = rng(t + 1);
  const provider = PROVIDERS[t % PROVIDERS.length];
  const scope = `${provider}:scope-${t}`;
  for (let j = 0; j < per && t * per + j < IDENTITIES; j++) {
    const n = t * per + j;
    const id = `${provider}:identity/${n}`;
    const r = rand();
    const created = 30 + rand() * 1500;
    yield {
      type: 'identity', id, provider, scope, kind: KINDS[provider], name: `workload-${n}`,
      createdAt: iso(created),
      lastUsedAt: r < 0.05 ? null : iso(r < 0.25 ? 91 + rand() * 600 : rand() * 60),
      lastUsedSource: 'bench',
      owner: rand() < 0.7 ? `team-${n % 97}` : null,
      ownerSource: 'tag:owner',
      humanUse: rand() < 0.01,
      tags: { env: n % 3 === 0 ? 'prod' : 'dev', app: `app-${n % 500}` },
      attributes: { path: '/', synthetic: true },
    };
    for (let k = 0; k < 2; k++) {
      const age = 1 + rand() * 800;
      yield {
        type: 'credential', id: `${id}/key/${k}`, identityId: id, provider, scope, kind: provider === 'github' ? 'pat' : provider === 'gcp' ? 'sa_key' : provider === 'azure' ? 'client_secret' : 'access_key',
        keyId: `K${n.toString(36).toUpperCase()}X${k}`,
        createdAt: iso(age),
        lastUsedAt: rand() < 0.1 ? null : iso(rand() * age),
        lastUsedSource: 'bench',
        status: k === 1 && rand() < 0.7 ? 'inactive' : 'active',
        attributes: rand() < 0.1 ? { neverExpires: true } : {},
      };
    }
    // Trust: chains of 50 identities, each trusting the one before it, with a cycle every 25 (so
    // reach walks long chains and loops), plus one outside account in a thousand.
    if (j % 50 !== 0) yield { type: 'trust', identityId: id, provider, principal: `${provider}:identity/${n - 1}`, principalType: 'identity' };
    if (j % 25 === 24) yield { type: 'trust', identityId: `${provider}:identity/${n - 24}`, provider, principal: id, principalType: 'identity' };
    if (n % 1000 === 7) yield { type: 'trust', identityId: id, provider, principal: '999999999999', principalType: 'external-account', risk: 'external' };
    for (let k = 0; k < 2; k++) {
      yield {
        type: 'grant', identityId: id, provider, resource: scope, role: k === 0 && rand() < 0.03 ? 'Owner' : `reader-${n % 50}-${k}`,
        privilege: k === 0 && rand() < 0.03 ? 'admin' : k === 0 ? 'read' : 'write', via: 'direct',
      };
    }
  }
}

const synthetic = defineScanner<Record<string, never>>({
  name: 'synthetic',
  provider: 'aws',
  title: 'Synthetic estate',
  description: 'benchmark data',
  needs: [],
  options: [],
  isConfigured: () => true,
  targets: async () => Array.from({ length: TARGETS }, (_, t) => ({ key: `synthetic:${t}`, label: `target ${t}`, data: t })),
  async *scan(ctx) {
    let i = 0;
    for (const r of targetRecords(ctx.target.data as number)) {
      yield r;
      // Yield to the event loop now and then, as a scanner awaiting API pages does.
      if (++i % 5000 === 0) await new Promise((res) => setImmediate(res));
    }
  },
});

function secs(ms: number): string {
  return (ms / 1000).toFixed(1);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'nhi-bench-'));
  const dbPath = join(dir, 'nhi.db');
  try {
    console.log(`generating and ingesting ${IDENTITIES.toLocaleString('en')} identities, ${(IDENTITIES * 2).toLocaleString('en')} credentials, ${(IDENTITIES * 2).toLocaleString('en')} grants, ~${IDENTITIES.toLocaleString('en')} trust edges…`);
    const scan = () =>
      runScan({
        dbPath,
        runs: [{ scanner: synthetic, options: {} }],
        config: defaultConfig(),
        env: {},
        concurrency: 4,
        signal: new AbortController().signal,
        now: NOW,
      });
    const t0 = performance.now();
    const summary = await scan();
    const total = performance.now() - t0;
    const c = summary.counts!;
    const records = c.identities + c.credentials + c.grants + c.trusts;
    const rulesMs = c.rulesMs;
    const reachMs = c.reachMs;
    const ingestMs = total - rulesMs - reachMs;
    const scanRssMb = process.resourceUsage().maxRSS / 1024;
    const t1 = performance.now();
    const report = openReport({ dbPath, config: defaultConfig() });
    const s = report.summary();
    const text = formatTable(s, [...report.findings({ limit: 25 })], s.totals.findings);
    report.close();
    const reportMs = performance.now() - t1;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const dbMb = statSync(dbPath).size / 1024 / 1024;
    console.log(text.split('\n').slice(0, 12).join('\n'));
    console.log('');
    console.log('phase                 seconds   target');
    console.log(`ingest (stream+merge) ${secs(ingestMs).padStart(7)}   ≤ 30   (${Math.round(records / (ingestMs / 1000)).toLocaleString('en')} records/s; staging ${secs(ingestMs - c.mergeMs - c.commitMs)} s, merge ${secs(c.mergeMs)} s, commit ${secs(c.commitMs)} s)`);
    console.log(`reach                 ${secs(reachMs).padStart(7)}   ≤ 15   (${c.trusts.toLocaleString('en')} trust edges in, ${c.edges.toLocaleString('en')} graph edges)`);
    console.log(`all rules             ${secs(rulesMs).padStart(7)}   ≤ 15   (${c.findingsOpen.toLocaleString('en')} findings)`);
    console.log(`report                ${secs(reportMs).padStart(7)}   ≤ 5`);
    console.log(`peak RSS              ${rssMb.toFixed(0).padStart(7)} MB ≤ 1024 MB (${scanRssMb.toFixed(0)} MB by the end of the scan)`);
    console.log(`inventory size        ${dbMb.toFixed(0).padStart(7)} MB`);
    if (RESCAN) {
      // Every record again: each row is compared and updated in place, and the WAL carries it all.
      const t2 = performance.now();
      const again = (await scan()).counts!;
      const rescanMs = performance.now() - t2;
      console.log(
        `rescan (no target)    ${secs(rescanMs - again.rulesMs - again.reachMs).padStart(7)} s ingest (staging ${secs(rescanMs - again.rulesMs - again.reachMs - again.mergeMs - again.commitMs)} s, merge ${secs(again.mergeMs)} s, commit ${secs(again.commitMs)} s), reach ${secs(again.reachMs)} s, rules ${secs(again.rulesMs)} s`,
      );
    }
    const ok = ingestMs <= 30_000 && reachMs <= 15_000 && rulesMs <= 15_000 && reportMs <= 5_000 && rssMb <= 1024;
    console.log(ok ? 'all targets met' : 'TARGET MISSED');
    if (IDENTITIES >= 1_000_000 && !ok) process.exitCode = 1;
  } finally {
    if (process.env.NHI_BENCH_KEEP) console.log(`kept ${dbPath}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
