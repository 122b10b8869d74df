// The Azure part of `nhi scan --demo`, run through the scanner (emulator mode: the real SDK
// pipelines, plain HTTP to 127.0.0.1 only) and the rules: the headline risky identities are
// found and their healthy counterparts are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { azureScanner } from '../../../scanners/azure/index.js';
import { gid } from '../../../scanners/azure/demo/estate.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { assertScannerAcceptance } from '../../helpers/scanner-acceptance.js';
import type { IdentityRecord } from '../../../src/model/records.js';

const SP = (n: number) => gid('5e5e5e5e', n);
const DEPLOYER = SP(1);
const LEGACY = SP(2);
const ORPHAN = SP(3);
const GH_DEPLOY = SP(4);
const GH_INFRA = SP(5);
const PARTNER_SSO = SP(6);
const APP_LIFECYCLE = SP(7);
const CONTOSO = gid('3a3a3a3a', 1);
const FABRIKAM = gid('3a3a3a3a', 2);

test('demo: the Azure estate tells its story through the rules', async () => {
  const now = new Date();
  const started = Date.now();
  const ep = await azureScanner.demo!({ now, workDir: '/tmp' });
  try {
    const options = resolveScannerOptions(azureScanner, { flags: ep.options as Record<string, unknown>, env: {}, section: undefined });
    const res = await assertScannerAcceptance({ scanner: azureScanner, options, now, secrets: ['demo-static-token'] });
    try {
      assert.deepEqual(res.errors, []);
      assert.equal(res.completedTargets.length, 3, 'tenant + two subscriptions complete');
      const ids = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
      assert.ok(ids.length >= 40 && ids.length <= 80, `~40–80 identities, got ${ids.length}`);
      assert.equal(new Set(ids.map((i) => i.id)).size, ids.length, 'no identity emitted twice (managed identities come from ARM only)');

      const f = (rule: string, identityId: string) => res.findings.filter((x) => x.ruleId === rule && x.identityId === identityId);
      // An app whose client secret never expires and whose service principal is Owner of a subscription.
      assert.equal(f('god-mode', DEPLOYER).length, 1);
      const ll = f('long-lived', DEPLOYER);
      assert.equal(ll.length, 1);
      assert.equal(ll[0].severity, 'high');
      assert.equal(ll[0].evidence.neverExpires, true);
      // A third-party multi-tenant app with Directory.ReadWrite.All.
      assert.equal(f('god-mode', CONTOSO)[0]?.severity, 'critical');
      assert.equal(f('third-party-access', CONTOSO).length, 1);
      assert.equal(f('third-party-access', FABRIKAM).length, 0, 'read-only third party is not flagged');
      // A service principal unused for 200 days.
      const stale = f('stale', LEGACY).filter((x) => x.credentialId === null);
      assert.equal(stale.length, 1);
      assert.ok((stale[0].evidence.unusedDays as number) >= 199);
      // An app with no owners.
      assert.equal(f('unowned', ORPHAN).length, 1);
      // A federated credential trusting any branch of one repository (and Contributor: admin):
      // judged as on every cloud, one repository with any ref, scaled by the admin it reaches.
      const ext = f('external-trust', GH_DEPLOY);
      assert.equal(ext.length, 1);
      assert.equal(ext[0].evidence.pinning, 'repository-any-ref');
      assert.match(ext[0].message, /one repository \(acme-corp\/acme-deploy-scripts\)/);
      assert.equal(ext[0].severity, 'medium');
      assert.equal(f('external-trust', GH_INFRA).length, 0, 'pinned subject is fine');
      // Hygiene and directory roles.
      assert.equal(res.findings.filter((x) => x.ruleId === 'expired-credential' && x.identityId === PARTNER_SSO).length, 1);
      assert.equal(f('god-mode', APP_LIFECYCLE).length, 1);

      // Healthy managed identities: owned (tag), recently used, not admin.
      const mis = ids.filter((i) => i.kind === 'managed_identity');
      assert.equal(mis.length, 11);
      for (const mi of mis) {
        assert.equal(mi.ownerSource, 'tag:owner');
        assert.equal(mi.lastUsedSource, 'sign-in-activity');
        assert.ok(mi.lastUsedAt);
        assert.deepEqual(res.findings.filter((x) => x.identityId === mi.id).map((x) => x.ruleId), []);
      }
      // Healthy apps: most identities carry no finding at all.
      const flagged = new Set(res.findings.map((x) => x.identityId));
      assert.ok(ids.filter((i) => !flagged.has(i.id)).length >= 25, 'plenty of healthy identities');
      assert.ok(Date.now() - started < 15_000);
    } finally {
      res.cleanup();
    }
  } finally {
    await ep.stop();
  }
});
