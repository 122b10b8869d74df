// Scanner benchmark (`npm run bench:scan`): each cloud/code scanner against a local endpoint
// serving a generated large estate in the provider's wire format, with latency and the
// provider's documented rate limits enforced as the provider does. A time factor divides every
// limit window and latency of a provider's run so it takes minutes, not hours; what counts is
// the ratio of the wall time to the floor the limits, latency and nhi's concurrency imply for
// the requests the scanner needed. Exits 1 when a provider takes more than 1.5 times its floor.
//   --scale <x>      share of the estate sizes (default 1)
//   --latency <ms>   real API latency per request (default 50)
//   --factor <n>     time compression for every provider (default: each provider's own, below)
//   --provider <p>   only these (aws, azure, gcp, github; repeatable)
import { defaultConfig } from '../src/config/config.js';
import { createProtector } from '../src/secrets/protect.js';
import { runPipeline } from '../src/scan/pipeline.js';
import { once } from 'node:events';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyScanner } from '../src/scanners/contract.js';
import { spawnWorker } from '../src/workers.js';
import { awsScanner } from '../scanners/aws/index.js';
import { azureScanner } from '../scanners/azure/index.js';
import { gcpScanner } from '../scanners/gcp/index.js';
import { githubScanner } from '../scanners/github/index.js';
import type { EndpointCounts, EndpointReady } from './scan/endpoint-worker.js';
import type { BenchSettings } from './scan/provider.js';

// Each provider's default factor is the least compression that keeps its full-size run to a few
// minutes: AWS and Azure run in real time (a minute and seconds); GCP's 42,000 calls at 6,000 a
// minute and GitHub's 8,400 at 5,000 an hour are compressed twenty times. Compression shrinks the
// latency and limits the floor is made of, not the scanner's own CPU time: it can only make a
// scanner look slower against its floor, never faster.
const PROVIDERS: { name: string; scanner: AnyScanner; factor: number }[] = [
  { name: 'aws', scanner: awsScanner, factor: 1 },
  { name: 'azure', scanner: azureScanner, factor: 1 },
  { name: 'gcp', scanner: gcpScanner, factor: 20 },
  { name: 'github', scanner: githubScanner, factor: 20 },
];
const TARGET_RATIO = 1.5;

function args(argv: string[]): Omit<BenchSettings, 'factor'> & { factor: number | null; providers: string[] } {
  const out = { scale: 1, latencyMs: 50, factor: null as number | null, providers: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--scale') out.scale = Number(v);
    else if (argv[i] === '--latency') out.latencyMs = Number(v);
    else if (argv[i] === '--factor') out.factor = Number(v);
    else if (argv[i] === '--provider') out.providers.push(v);
    else continue;
    i++;
  }
  if (!(out.scale > 0) || !(out.latencyMs >= 0) || !(out.factor === null || out.factor >= 1)) throw new Error('--scale > 0, --latency >= 0 and --factor >= 1');
  return out;
}

interface Row {
  provider: string;
  factor: number;
  estate: string;
  identities: number;
  calls: number;
  callsPer1k: number;
  wallS: number;
  floorS: number;
  bound: string;
  ratio: number;
  retries: number;
  throttled: number;
  peakRssMb: number;
  errors: number;
  /** Share of the wall time the scanner's thread was busy (event loop utilisation): near 100 % it is bound by CPU, not by the provider. */
  busy: number;
}

async function runOne(p: (typeof PROVIDERS)[number], s: BenchSettings): Promise<Row> {
  // The endpoint runs on its own thread: its work is the provider's, not the scanner's.
  const worker = spawnWorker(new URL(`./scan/${basename(fileURLToPath(import.meta.url))}`, import.meta.url).href, 'endpoint-worker', { provider: p.name, settings: s });
  const [estate] = (await once(worker, 'message')) as [EndpointReady];
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  let identities = 0;
  let errors = 0;
  let retries = 0;
  const t0 = Date.now();
  const elu0 = performance.eventLoopUtilization();
  try {
    const res = await runPipeline(
      {
        runs: [{ scanner: p.scanner, options: estate.options }],
        config: defaultConfig(),
        env: {},
        secrets: createProtector(Buffer.alloc(32, 7)),
        concurrency: estate.targetConcurrency,
        signal: new AbortController().signal,
        now: new Date(),
      },
      {
        record: (r) => {
          if (r.type === 'identity') identities++;
        },
        error: (e) => {
          if (e.level === 'error') {
            errors++;
            if (errors <= 3) console.error(`  ${p.name} error: ${e.operation} ${e.code}: ${e.message.slice(0, 200)}`);
          }
        },
      },
    );
    retries = res.targets.reduce((n, t) => n + t.retries, 0);
  } finally {
    clearInterval(sampler);
  }
  const wallMs = Date.now() - t0;
  const busy = performance.eventLoopUtilization(elu0).utilization;
  worker.postMessage('stop');
  const [counts] = (await once(worker, 'message')) as [EndpointCounts];
  await once(worker, 'exit');
  const calls = counts.served;
  const limit = counts.limitFloor;
  // At the requests in flight the scanner is built for, or at as many as it was seen to keep (the
  // floor must not flatter a scanner that sent more at once than it says).
  const inFlight = Math.max(estate.inFlight, counts.maxInFlight);
  const latencyFloor = (calls * s.latencyMs) / inFlight;
  // A list paged with opaque continuation tokens is read one page after another, however many
  // requests are in flight: its pages × the latency.
  const chainFloor = counts.pageChain.pages * s.latencyMs;
  const floorRealMs = Math.max(limit.ms, latencyFloor, chainFloor);
  const floorMs = floorRealMs / s.factor;
  return {
    provider: p.name,
    factor: s.factor,
    estate: estate.describe,
    identities,
    calls,
    callsPer1k: identities ? Math.round((calls / identities) * 1000) : 0,
    wallS: wallMs / 1000,
    floorS: floorMs / 1000,
    bound:
      floorRealMs === limit.ms
        ? limit.bound
        : floorRealMs === latencyFloor
          ? `latency (${calls} requests × ${s.latencyMs} ms / ${inFlight} in flight)`
          : `pages read one after another (${counts.pageChain.pages} pages × ${s.latencyMs} ms: ${counts.pageChain.list})`,
    ratio: wallMs / Math.max(1, floorMs),
    retries,
    throttled: counts.throttled,
    peakRssMb: Math.round(peak / 1048576),
    errors,
    busy,
  };
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const chosen = a.providers.length ? PROVIDERS.filter((p) => a.providers.includes(p.name)) : PROVIDERS;
  console.log(`scanner benchmark: scale ${a.scale}, latency ${a.latencyMs} ms; a provider's time factor divides its limit windows and latency (real-time figures are the factor × the wall and floor below)`);
  const rows: Row[] = [];
  for (const p of chosen) {
    const factor = a.factor ?? p.factor;
    const row = await runOne(p, { scale: a.scale, latencyMs: a.latencyMs, factor });
    rows.push(row);
    console.log(`${row.provider} (time factor ${factor}): ${row.estate}; ${row.identities} identities, ${row.calls} calls (${row.callsPer1k}/1,000 identities), wall ${row.wallS.toFixed(1)} s, floor ${row.floorS.toFixed(1)} s [${row.bound}], ratio ${row.ratio.toFixed(2)}, retries ${row.retries} (${row.throttled} throttled answers), peak RSS ${row.peakRssMb} MB, scanner thread busy ${Math.round(row.busy * 100)} %, errors ${row.errors}`);
  }
  console.log('\n| provider | time factor | estate | identities | calls / 1,000 identities | wall s | floor s | bound | ratio | retries | peak RSS MB | scanner thread busy |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.provider} | ${r.factor} | ${r.estate} | ${r.identities} | ${r.callsPer1k} | ${r.wallS.toFixed(1)} | ${r.floorS.toFixed(1)} | ${r.bound} | ${r.ratio.toFixed(2)} | ${r.retries} | ${r.peakRssMb} | ${Math.round(r.busy * 100)} % |`);
  }
  const missed = rows.filter((r) => r.ratio > TARGET_RATIO || r.errors > 0);
  if (missed.length) {
    console.log(`\nmissed the ${TARGET_RATIO}× target (or read with errors): ${missed.map((r) => r.provider).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
