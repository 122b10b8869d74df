// Throughput of an AWS scan under random throttling: 300 users with a key each, behind a proxy
// that answers a share of all IAM calls with `Throttling` (400), at the scanner's default retry
// settings. Run: node --import tsx test/faults/aws-throttle-bench.ts [rates...]
// Figures are recorded in the README's reliability section.
import { awsScanner } from '../../scanners/aws/index.js';
import { startFakeAws, type FakeUser } from '../../scanners/aws/demo/fake-aws.js';
import { raw } from './faults.js';
import { startFaultProxy } from './proxy.js';
import { runScanner } from './run.js';

const ACCT = '311122223333';
const KEY_ID = ['AKIA', 'BENCHTHROTTLE001'].join('');
const SECRET = ['bench', 'Secret', 'Key', 'ForThrottling', '0000000000'].join('/');
const THROTTLED = `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>bench</RequestId></ErrorResponse>`;

const users: FakeUser[] = Array.from({ length: 300 }, (_, i) => ({
  name: `svc-${i}`,
  created: '2025-01-01T00:00:00Z',
  keys: [{ id: `AKIABENCH${String(i).padStart(11, '0')}`, status: 'Active' as const, created: '2025-02-01T00:00:00Z', lastUsed: null }],
}));

const rates = process.argv.slice(2).map(Number).filter((n) => n >= 0 && n < 1);
const fake = await startFakeAws({ now: new Date('2026-11-20T12:00:00Z'), callerAccount: ACCT, accessKeyId: KEY_ID, secretAccessKey: SECRET, accounts: [{ id: ACCT, name: 'bench', users }], pageSize: 100 });
try {
  for (const rate of rates.length ? rates : [0, 0.1, 0.3]) {
    let calls = 0;
    let throttled = 0;
    const proxy = await startFaultProxy(fake.url, () => {
      calls++;
      if (Math.random() < rate) {
        throttled++;
        return raw(400, THROTTLED, 'text/xml');
      }
      return null;
    });
    try {
      const run = await runScanner(awsScanner, { endpointUrl: proxy.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, reportPollMs: 10 });
      const ids = run.records.filter((r) => r.type === 'identity').length;
      for (const e of run.errors) console.log(`  error: ${e.operation} ${e.code} ${e.message.slice(0, 160)}`);
      console.log(`throttling ${Math.round(rate * 100)}%: ${(run.elapsedMs / 1000).toFixed(1)} s, ${calls} calls (${throttled} throttled), ${ids} identities, ${run.errors.length} errors, state ${run.targets.map((t) => t.state).join(',')}`);
    } finally {
      await proxy.close();
    }
  }
} finally {
  await fake.close();
}
