// The AWS demo organisation through the real SDK, the real pipeline, the inventory and the rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsScanner } from '../../../scanners/aws/index.js';
import { DEMO } from '../../../src/demo/estate.js';
import { assertScannerAcceptance } from '../../helpers/scanner-acceptance.js';
import type { CredentialRecord, GrantRecord, IdentityRecord, TrustRecord } from '../../../src/model/records.js';
import { DEMO_CALLER_SECRET } from '../../../scanners/aws/demo/estate.js';
import { assumedSecret } from '../../../scanners/aws/demo/fake-aws.js';

const now = new Date('2026-11-23T12:00:00Z');

test('demo organisation: headline risky identities and their healthy counterparts', async () => {
  const demo = await awsScanner.demo!({ now, workDir: '/tmp' });
  try {
    const res = await assertScannerAcceptance({
      scanner: awsScanner,
      options: demo.options,
      now,
      secrets: [DEMO_CALLER_SECRET, ...Object.values(DEMO.aws.accounts).map(assumedSecret)],
    });
    try {
      assert.deepEqual(res.errors, []);
      assert.deepEqual(
        res.completedTargets.sort(),
        [DEMO.aws.managementAccount, ...Object.values(DEMO.aws.accounts)].map((a) => `aws:${a}`).sort(),
      );
      const ids = res.records.filter((r): r is IdentityRecord => r.type === 'identity');
      assert.ok(ids.length >= 60 && ids.length <= 120, `demo has ${ids.length} identities`);
      const byName = (acct: string, name: string) => ids.find((i) => i.scope === `aws:${acct}` && i.name === name);
      const grants = res.records.filter((r): r is GrantRecord => r.type === 'grant');
      const admin = (id: string) => grants.filter((g) => g.identityId === id && g.privilege === 'admin');

      // God-mode CI user: admin through a group, the leaked key active, 400 days old and used recently.
      const ci = byName(DEMO.aws.ciUserAccount, DEMO.aws.ciUserName);
      assert.ok(ci);
      assert.equal(admin(ci.id)[0]?.via, 'group:deployers');
      assert.match(admin(ci.id)[0]?.evidence ?? '', /AdministratorAccess \(group:deployers\) statement #1 allows \* on \*/);
      const leaked = res.records.find((r): r is CredentialRecord => r.type === 'credential' && r.keyId === DEMO.aws.leakedAccessKeyId);
      assert.equal(leaked?.identityId, ci.id);
      assert.equal(leaked?.status, 'active');
      assert.equal(leaked?.createdAt, new Date(now.getTime() - 400 * 86400_000).toISOString());
      assert.ok(leaked?.lastUsedAt && now.getTime() - Date.parse(leaked.lastUsedAt) < 2 * 86400_000);

      // Unused admin role vs. the used, owned break-glass role.
      const unused = byName(DEMO.aws.accounts.prod, 'db-migration-admin');
      assert.ok(unused && admin(unused.id).length === 1);
      assert.equal(unused.lastUsedAt, null);
      assert.equal(unused.lastUsedSource, 'RoleLastUsed');
      assert.equal(unused.lastUsedWindowDays, 400);

      // Unowned key-holding user vs. owned automation users.
      const legacy = byName(DEMO.aws.accounts.prod, 'legacy-backup-sync');
      assert.equal(legacy?.owner, null);
      assert.equal(byName(DEMO.aws.accounts.prod, 'smtp-relay')?.owner, 'team-growth');
      assert.equal(byName(DEMO.aws.accounts.prod, 'smtp-relay')?.ownerSource, 'tag:owner');
      assert.equal(byName(DEMO.aws.accounts.prod, DEMO.aws.ciUserName)?.ownerSource, 'tag:team');

      // Any GitHub repository vs. a pinned one.
      const trusts = res.records.filter((r): r is TrustRecord => r.type === 'trust');
      const gh = byName(DEMO.aws.accounts.prod, 'github-actions-deploy');
      assert.equal(trusts.find((t) => t.identityId === gh?.id)?.risk, 'unpinned-subject');
      assert.equal(trusts.find((t) => t.identityId === gh?.id)?.attributes?.providerRegistered, true);
      const pinned = byName(DEMO.aws.accounts.prod, 'github-actions-release');
      assert.equal(trusts.find((t) => t.identityId === pinned?.id)?.risk, null);

      // Service-linked and Identity Center roles are AWS's; the shared console user is human use.
      const slrs = ids.filter((i) => i.kind === 'service_linked_role');
      assert.ok(slrs.length >= 10 && slrs.every((i) => i.providerManaged));
      assert.equal(byName(DEMO.aws.accounts.prod, 'ops-shared')?.humanUse, true);
      assert.equal(byName(DEMO.aws.accounts.prod, 'smtp-relay')?.humanUse, false);

      // Findings the rules draw from it.
      const f = (rule: string, id: string | undefined) => res.findings.filter((x) => x.ruleId === rule && x.identityId === id);
      assert.equal(f('god-mode', ci.id).length, 1);
      assert.equal(f('god-mode', unused.id)[0]?.severity, 'critical');
      assert.equal(f('unowned', legacy?.id).length, 1);
      assert.equal(f('external-trust', gh?.id).length, 1);
      assert.equal(f('human-use', byName(DEMO.aws.accounts.prod, 'ops-shared')?.id).length, 1);
      assert.ok(res.findings.some((x) => x.ruleId === 'long-lived' && x.credentialId === DEMO.aws.leakedAccessKeyId));
      assert.equal(res.findings.filter((x) => x.ruleId === 'stale' && slrs.some((s) => s.id === x.identityId)).length, 0);
      assert.equal(res.findings.filter((x) => x.ruleId === 'unowned' && slrs.some((s) => s.id === x.identityId)).length, 0);
      const healthy = byName(DEMO.aws.accounts.prod, 'orders-api-task');
      assert.equal(res.findings.filter((x) => x.identityId === healthy?.id).length, 0, 'a healthy workload role has no finding');
    } finally {
      res.cleanup();
    }
  } finally {
    await demo.stop();
  }
});
