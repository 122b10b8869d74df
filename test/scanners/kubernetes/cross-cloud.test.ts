// The demo's cross-cloud chain: the AWS and Kubernetes demos scanned through their real clients,
// their records fed to the reach engine: the IRSA-annotated service account reaches the AWS
// admin role in one federation hop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrantRecord, IdentityRecord, ScanRecord, TrustRecord } from '../../../src/model/records.js';
import { reachFromRows } from '../../../src/reach/index.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { awsScanner } from '../../../scanners/aws/index.js';
import { kubernetesScanner } from '../../../scanners/kubernetes/index.js';
import { DEMO_CLUSTER, DEMO_IRSA_ROLE } from '../../../scanners/kubernetes/demo/cluster.js';
import { accountId } from '../../../scanners/kubernetes/scan.js';
import type { KubernetesOptions } from '../../../scanners/kubernetes/options.js';
import { collect } from '../../helpers/scanner-acceptance.js';

test('cross-cloud: the IRSA service account of the demo cluster reaches the AWS demo admin role', async (t) => {
  const now = new Date();
  const workDir = mkdtempSync(join(tmpdir(), 'nhi-k8s-cross-'));
  t.after(() => rmSync(workDir, { recursive: true, force: true }));
  const aws = await awsScanner.demo!({ now, workDir });
  t.after(() => aws.stop());
  const k8s = await kubernetesScanner.demo!({ now, workDir });
  t.after(() => k8s.stop());
  const records: ScanRecord[] = [
    ...(await collect({ scanner: awsScanner, options: aws.options, now })).records,
    ...(await collect({ scanner: kubernetesScanner, options: { ...(resolveScannerOptions(kubernetesScanner, { flags: {}, env: {}, section: undefined }) as KubernetesOptions), ...k8s.options }, now })).records,
  ];
  const of = <T extends ScanRecord['type']>(type: T) => records.filter((r) => r.type === type);
  const { reach } = reachFromRows({
    identities: (of('identity') as IdentityRecord[]).map((i) => ({ ...i, attributes: i.attributes ?? null })),
    credentials: [],
    grants: (of('grant') as GrantRecord[]).map((g) => ({ ...g, evidence: g.evidence ?? null, attributes: g.attributes ?? null })),
    trusts: (of('trust') as TrustRecord[]).map((x) => ({ ...x, condition: x.condition ?? null, attributes: x.attributes ?? null })),
  });
  const sa = accountId(DEMO_CLUSTER, 'payments', 'payments-api');
  const s = reach.strongest(sa);
  assert.equal(s?.privilege, 'admin');
  assert.equal(s?.holder, DEMO_IRSA_ROLE);
  assert.deepEqual(s?.chain.map((h) => [h.from, h.to, h.mechanism]), [[sa, DEMO_IRSA_ROLE, 'federation']]);
  // A healthy account reaches nothing beyond its own read grants.
  assert.notEqual(reach.strongest(accountId(DEMO_CLUSTER, 'web', 'frontend'))?.privilege, 'admin');
});
