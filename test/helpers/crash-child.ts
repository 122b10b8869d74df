// A scan in a child process for the crash-safety test: streams a large fake estate and
// says where it is on stdout, so the parent can SIGKILL or SIGINT it at chosen moments.
import { defaultConfig } from '../../src/config/config.js';
import { runScan } from '../../src/scan/scan-service.js';
import type { ScanRecord } from '../../src/model/records.js';
import { fakeScanner } from './fake-scanner.js';

const [dbPath, countArg, tag, slowArg] = process.argv.slice(2);
const count = Number(countArg);
const slow = slowArg === 'slow';

function* estate(): Generator<ScanRecord> {
  for (let i = 0; i < count; i++) {
    yield { type: 'identity', id: `arn:aws:iam::111111111111:user/u${i}`, provider: 'aws', scope: 'aws:111111111111', kind: 'iam_user', name: `u${i}`, attributes: { tag } };
    yield { type: 'grant', identityId: `arn:aws:iam::111111111111:user/u${i}`, provider: 'aws', resource: 'aws:111111111111', role: 'AdministratorAccess', privilege: 'admin', via: 'direct' };
  }
}

const records = [...estate()];
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
const estateSpec = {
  targets: { 'aws:111111111111': records },
  onYield: async (n: number) => {
    if (n === 20_000) process.stdout.write('staged\n');
    if (slow && n >= 20_000) await new Promise((r) => setTimeout(r, 5));
    if (n === records.length - 1) process.stdout.write('finalizing\n');
  },
};
const scanner = fakeScanner(estateSpec);
const summary = await runScan({
  dbPath,
  runs: [{ scanner, options: { estate: estateSpec } }],
  config: defaultConfig(),
  env: {},
  concurrency: 1,
  signal: controller.signal,
});
process.stdout.write(`done ${summary.status}${summary.interruptedWhileCommitting ? ' interrupted-while-committing' : ''}\n`);
process.exitCode = summary.status === 'interrupted' ? 130 : 0;
