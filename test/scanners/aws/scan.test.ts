// The scanner through the real @aws-sdk clients against a local IAM/STS/Organizations endpoint
// speaking their wire formats: pagination, throttling, the credential report and its fallbacks,
// permission failures, every policy attachment path, and organisations with a failing account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsScanner } from '../../../scanners/aws/index.js';
import { assumedSecret, startFakeAws, type FakeAccount, type FakeEstate } from '../../../scanners/aws/demo/fake-aws.js';
import { assertScannerAcceptance, collect } from '../../helpers/scanner-acceptance.js';
import type { CredentialRecord, GrantRecord, IdentityRecord, ScanRecord, TrustRecord } from '../../../src/model/records.js';

const now = new Date('2026-11-23T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * 86400_000).toISOString();
const ACCT = '123456789012';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const svcTrust = (s: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: s }, Action: 'sts:AssumeRole' }] });
const fast = { retryBaseDelayMs: 2, reportPollMs: 10, reportWaitSeconds: 2, maxAttempts: 6 };

function attachmentAccount(id = ACCT): FakeAccount {
  return {
    id,
    name: 'attachments',
    policies: [
      { arn: ADMIN, doc: allowAll },
      { arn: `arn:aws:iam::${id}:policy/only-s3`, doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
      { arn: `arn:aws:iam::${id}:policy/readers`, doc: { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] } },
    ],
    groups: [
      { name: 'admins-managed', attached: [ADMIN] },
      { name: 'admins-inline', inline: { 'iam-all': { Version: '2012-10-17', Statement: [{ Sid: 'IamAll', Effect: 'Allow', Action: 'iam:*', Resource: '*' }] } } },
      { name: 'readers', attached: [`arn:aws:iam::${id}:policy/readers`] },
    ],
    users: [
      { name: 'u-direct', created: ago(300), tags: { owner: 'team-a' }, attached: [ADMIN] },
      { name: 'u-inline', created: ago(300), tags: { Owner: 'team-b' }, inline: { everything: allowAll } },
      { name: 'u-group-managed', created: ago(300), groups: ['admins-managed'] },
      { name: 'u-group-inline', created: ago(300), groups: ['admins-inline', 'readers'] },
      { name: 'u-bounded', created: ago(300), attached: [ADMIN], boundary: `arn:aws:iam::${id}:policy/only-s3` },
      {
        name: 'u-human',
        created: ago(300),
        groups: ['readers'],
        password: { lastUsed: ago(3) },
        mfa: true,
        keys: [{ id: 'AKIAHUMANKEY00000001', status: 'Active', created: ago(100), lastUsed: ago(10), service: 's3', region: 'eu-west-1' }],
      },
      {
        name: 'u-keys',
        path: '/automation/',
        created: ago(500),
        tags: { team: 'platform' },
        keys: [
          { id: 'AKIAOLDKEY0000000001', status: 'Inactive', created: ago(450), lastUsed: ago(200), service: 'sts', region: 'us-east-1' },
          { id: 'AKIANEWKEY0000000002', status: 'Active', created: ago(5), lastUsed: null },
        ],
      },
    ],
    roles: [
      { name: 'r-managed', created: ago(100), trust: svcTrust('ec2.amazonaws.com'), attached: [ADMIN], tags: { owner: 'ops' }, lastUsed: { date: ago(1), region: 'eu-west-1' } },
      {
        name: 'r-inline',
        created: ago(100),
        trust: svcTrust('lambda.amazonaws.com'),
        inline: { escalate: { Version: '2012-10-17', Statement: [{ Sid: 'Grow', Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: '*' }] } },
        lastUsed: { date: ago(2), region: 'eu-west-1' },
        instanceProfiles: ['r-inline-profile'],
      },
      { name: 'r-old-unused', created: ago(500), trust: svcTrust('ec2.amazonaws.com'), inline: { s3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] } }, tags: { owner: 'ops' }, lastUsed: null },
      { name: 'AWSServiceRoleForSupport', path: '/aws-service-role/support.amazonaws.com/', created: ago(900), trust: svcTrust('support.amazonaws.com'), lastUsed: null },
      {
        name: 'r-saml',
        created: ago(100),
        trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${id}:saml-provider/Okta` }, Action: 'sts:AssumeRoleWithSAML' }] },
        attached: [`arn:aws:iam::${id}:policy/readers`],
        tags: { owner: 'it' },
        lastUsed: { date: ago(1), region: 'eu-west-1' },
      },
    ],
    samlProviders: ['Okta'],
  };
}

function estate(accounts: FakeAccount[], extra: Partial<FakeEstate> = {}): FakeEstate {
  return { now, callerAccount: accounts[0]?.id ?? ACCT, accessKeyId: KEY_ID, secretAccessKey: SECRET, accounts, ...extra };
}

const identities = (rs: ScanRecord[]) => rs.filter((r): r is IdentityRecord => r.type === 'identity');
const grantsOf = (rs: ScanRecord[], name: string) => rs.filter((r): r is GrantRecord => r.type === 'grant' && r.identityId.endsWith(`/${name}`));
const byName = (rs: ScanRecord[], name: string) => identities(rs).find((i) => i.name === name);

test('single account through AWS_ENDPOINT_URL_*: paginated authorization details, throttling, every attachment path', async () => {
  const acct = attachmentAccount();
  acct.faults = { throttle: { GetAccountAuthorizationDetails: 2, ListAccessKeys: 1 }, reportInProgress: 2 };
  const fake = await startFakeAws(estate([acct], { pageSize: 3 }));
  try {
    const res = await assertScannerAcceptance({
      scanner: awsScanner,
      options: { accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast },
      env: { AWS_ENDPOINT_URL_IAM: fake.url, AWS_ENDPOINT_URL_STS: fake.url, AWS_REGION: 'eu-west-1' },
      now,
      secrets: [SECRET],
    });
    try {
      assert.deepEqual(res.errors, []);
      assert.deepEqual(res.completedTargets, [`aws:${ACCT}`]);
      const target = res.targets.find((t) => t.key === `aws:${ACCT}`);
      assert.ok(target && target.retries >= 3, `retries reported: ${JSON.stringify(res.targets)}`);
      assert.ok(target.apiCalls >= 10, 'API calls counted per account');

      // Pagination: several GetAccountAuthorizationDetails pages, each following the Marker.
      const gaad = fake.server.requests.filter((r) => r.body.includes('Action=GetAccountAuthorizationDetails'));
      assert.ok(gaad.filter((r) => r.body.includes('Marker=')).length >= 4, 'followed IsTruncated/Marker');
      assert.ok(gaad.some((r) => r.body.includes('Filter.member.1=User') && r.body.includes('Filter.member.2=Role')));
      assert.equal(identities(res.records).length, 12);

      // Every attachment path that makes an identity admin is seen.
      const adminVia = (n: string) => grantsOf(res.records, n).filter((g) => g.privilege === 'admin').map((g) => `${g.role}|${g.via}`);
      assert.deepEqual(adminVia('u-direct'), ['AdministratorAccess|direct']);
      assert.deepEqual(adminVia('u-inline'), ['everything|inline']);
      assert.deepEqual(adminVia('u-group-managed'), ['AdministratorAccess|group:admins-managed']);
      assert.deepEqual(adminVia('u-group-inline'), ['iam-all|group:admins-inline:inline']);
      assert.deepEqual(adminVia('r-managed'), ['AdministratorAccess|direct']);
      assert.deepEqual(adminVia('r-inline'), ['escalate|inline']);
      assert.match(grantsOf(res.records, 'r-inline')[0]?.evidence ?? '', /iam:PutRolePolicy.*escalate \(inline\) statement "Grow"/);
      assert.deepEqual(grantsOf(res.records, 'u-group-inline').map((g) => `${g.role}|${g.via}|${g.privilege}`), ['iam-all|group:admins-inline:inline|admin', 'readers|group:readers|read']);
      assert.deepEqual(adminVia('u-bounded'), [], 'the boundary caps AdministratorAccess');
      assert.equal(grantsOf(res.records, 'u-bounded')[0]?.privilege, 'write');
      assert.equal(byName(res.records, 'u-direct')?.attributes?.admin, true);

      // Owners from the configured tag keys, in order; never guessed.
      assert.equal(byName(res.records, 'u-inline')?.owner, 'team-b');
      assert.equal(byName(res.records, 'u-inline')?.ownerSource, 'tag:Owner');
      assert.equal(byName(res.records, 'u-group-managed')?.owner ?? null, null);

      // Credential report: human signs, last use, keys matched to report slots.
      const human = byName(res.records, 'u-human');
      assert.equal(human?.humanUse, true);
      assert.deepEqual(human?.attributes?.humanUseSigns, ['console password', 'MFA device']);
      assert.equal(human?.lastUsedAt, ago(3));
      assert.equal(human?.lastUsedSource, 'credential-report');
      const keys = res.records.filter((r): r is CredentialRecord => r.type === 'credential');
      assert.deepEqual(keys.map((k) => `${k.keyId}|${k.status}|${k.lastUsedAt}|${k.lastUsedSource}`).sort(), [
        `AKIAHUMANKEY00000001|active|${ago(10)}|credential-report`,
        'AKIANEWKEY0000000002|active|null|credential-report',
        `AKIAOLDKEY0000000001|inactive|${ago(200)}|credential-report`,
      ]);
      assert.equal(fake.server.requests.filter((r) => r.body.includes('Action=GetAccessKeyLastUsed')).length, 0, 'the report made GetAccessKeyLastUsed unnecessary');
      assert.ok(fake.server.requests.filter((r) => r.body.includes('Action=GenerateCredentialReport')).length >= 3, 'polled until COMPLETE');
      const slr = byName(res.records, 'AWSServiceRoleForSupport');
      assert.equal(slr?.kind, 'service_linked_role');
      assert.equal(slr?.providerManaged, true);
      assert.equal(byName(res.records, 'r-saml')?.humanUse, true);
      assert.deepEqual(byName(res.records, 'r-inline')?.attributes?.instanceProfiles, ['r-inline-profile']);

      // Rules on top: RoleLastUsed window, grace for a new never-used key, providers' roles exempt.
      const f = (rule: string, name: string) => res.findings.filter((x) => x.ruleId === rule && x.identityId?.endsWith(`/${name}`));
      assert.match(f('stale', 'r-old-unused')[0]?.message ?? '', /400-day window/);
      assert.equal(res.findings.filter((x) => x.ruleId === 'stale' && x.credentialId === 'AKIANEWKEY0000000002').length, 0, 'a 5-day-old unused key is not stale');
      assert.equal(f('stale', 'AWSServiceRoleForSupport').length + f('unowned', 'AWSServiceRoleForSupport').length, 0);
      assert.equal(f('unowned', 'u-group-managed')[0]?.severity, 'high');
      assert.equal(f('human-use', 'u-human').length, 1);
    } finally {
      res.cleanup();
    }
  } finally {
    await fake.close();
  }
});

test('credential report denied: per-user fallback and a note; a denied provider list is an error with its fix, the rest goes on', async () => {
  const acct = attachmentAccount();
  acct.faults = { deny: ['GenerateCredentialReport', 'ListOpenIDConnectProviders'] };
  const fake = await startFakeAws(estate([acct]));
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast }, now });
    assert.equal(res.notes.length, 1);
    assert.match(res.notes[0]?.message ?? '', /credential report unavailable.*fell back to ListAccessKeys \+ GetAccessKeyLastUsed.*Grant iam:GenerateCredentialReport/);
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0]?.code, 'AccessDenied');
    assert.equal(res.errors[0]?.operation, 'iam:ListOpenIDConnectProviders');
    assert.match(res.errors[0]?.fix ?? '', /Grant iam:ListOpenIDConnectProviders/);
    assert.equal(res.targets.find((t) => t.key === `aws:${ACCT}`)?.state, 'partial');
    assert.equal(identities(res.records).length, 12, 'everything else was still read');
    const keys = res.records.filter((r): r is CredentialRecord => r.type === 'credential');
    assert.deepEqual(keys.map((k) => `${k.keyId}|${k.lastUsedAt}|${k.lastUsedSource}`).sort(), [
      `AKIAHUMANKEY00000001|${ago(10)}|GetAccessKeyLastUsed`,
      'AKIANEWKEY0000000002|null|GetAccessKeyLastUsed',
      `AKIAOLDKEY0000000001|${ago(200)}|GetAccessKeyLastUsed`,
    ]);
    assert.equal(fake.server.requests.filter((r) => r.body.includes('Action=ListAccessKeys')).length, 7, 'every user asked');
    const human = byName(res.records, 'u-human');
    assert.equal(human?.lastUsedSource, 'GetAccessKeyLastUsed');
    assert.equal(human?.lastUsedAt, ago(10));
    assert.equal(byName(res.records, 'u-direct')?.lastUsedSource ?? null, null, 'no last-use data for a key-less user without the report');
    const samlEdge = res.records.find((r): r is TrustRecord => r.type === 'trust' && r.identityId.endsWith('/r-saml'));
    assert.equal(samlEdge?.attributes?.providerRegistered, null, 'unknown when the provider lists could not be read');
  } finally {
    await fake.close();
  }
});

test('credential report not ready within the bound: fallback and a note, no error', async () => {
  const acct = attachmentAccount();
  acct.faults = { reportInProgress: 10_000 };
  const fake = await startFakeAws(estate([acct]));
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast, reportWaitSeconds: 0.2 }, now });
    assert.deepEqual(res.errors, []);
    assert.match(res.notes[0]?.message ?? '', /still (STARTED|INPROGRESS) after/);
    assert.deepEqual(res.completedTargets, [`aws:${ACCT}`]);
    assert.ok(fake.server.requests.some((r) => r.body.includes('Action=GetAccessKeyLastUsed')));
  } finally {
    await fake.close();
  }
});

test('a managed policy missing from the authorization details is fetched; when that is denied, well-known AWS policies still count', async () => {
  const acct = attachmentAccount();
  acct.faults = { omitPolicies: [ADMIN, `arn:aws:iam::${ACCT}:policy/readers`] };
  let fake = await startFakeAws(estate([acct]));
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast }, now });
    assert.deepEqual(res.errors, []);
    assert.equal(fake.server.requests.filter((r) => r.body.includes('Action=GetPolicyVersion')).length, 2, 'each missing policy fetched once');
    assert.equal(grantsOf(res.records, 'u-direct')[0]?.privilege, 'admin');
    assert.equal(grantsOf(res.records, 'r-saml')[0]?.privilege, 'read');
  } finally {
    await fake.close();
  }
  acct.faults = { omitPolicies: [ADMIN, `arn:aws:iam::${ACCT}:policy/readers`], deny: ['GetPolicy'] };
  fake = await startFakeAws(estate([acct]));
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast }, now });
    assert.equal(res.errors.length, 1, 'one error, not one per policy');
    assert.match(res.errors[0]?.fix ?? '', /iam:GetPolicy and iam:GetPolicyVersion/);
    assert.equal(grantsOf(res.records, 'u-direct')[0]?.privilege, 'admin', 'AdministratorAccess is known without its document');
    assert.equal(grantsOf(res.records, 'r-saml')[0]?.privilege, 'unknown', 'an unreadable customer policy is unknown, not read');
  } finally {
    await fake.close();
  }
});

test('--org: paginated and throttled ListAccounts, AssumeRole with external id, one account that cannot be assumed fails alone', async () => {
  const MGMT = '100000000001';
  const PROD = '100000000002';
  const LOCKED = '100000000003';
  const OUTSIDE = '999999999999';
  const mgmt: FakeAccount = { id: MGMT, name: 'mgmt', users: [{ name: 'scanner', created: ago(10), tags: { owner: 'sec' } }] };
  const prod: FakeAccount = {
    id: PROD,
    name: 'prod',
    policies: [{ arn: ADMIN, doc: allowAll }],
    roles: [
      { name: 'nhi-readonly', created: ago(50), trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MGMT}:root` }, Action: 'sts:AssumeRole' }] }, tags: { owner: 'sec' } },
      {
        name: 'cross',
        created: ago(50),
        trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${LOCKED}:role/deployer`, `arn:aws:iam::${OUTSIDE}:root`] }, Action: 'sts:AssumeRole' }] },
        attached: [ADMIN],
        tags: { owner: 'ops' },
      },
    ],
  };
  const locked: FakeAccount = { id: LOCKED, name: 'locked', users: [] };
  const fake = await startFakeAws(estate([mgmt, prod, locked], { org: { id: 'o-test12345', pageSize: 1, throttleListAccounts: 1, unassumable: [LOCKED], externalId: 'ext-123' } }));
  try {
    const res = await assertScannerAcceptance({
      scanner: awsScanner,
      options: { org: true, endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, externalId: 'ext-123', assumeRole: 'nhi-readonly', ...fast },
      now,
      secrets: [SECRET, assumedSecret(PROD), assumedSecret(LOCKED)],
    });
    try {
      assert.deepEqual(res.completedTargets.sort(), [`aws:${MGMT}`, `aws:${PROD}`]);
      const failed = res.targets.find((t) => t.key === `aws:${LOCKED}`);
      assert.equal(failed?.state, 'failed');
      assert.equal(res.errors.length, 1);
      const e = res.errors[0];
      assert.equal(e?.targetKey, `aws:${LOCKED}`);
      assert.equal(e?.code, 'AccessDenied');
      assert.match(e?.message ?? '', /cannot assume arn:aws:iam::100000000003:role\/nhi-readonly/);
      assert.match(e?.fix ?? '', /Create role nhi-readonly in account 100000000003 .*trusts arn:aws:iam::100000000001:user\/nhi-scanner with the sts:ExternalId/);
      assert.equal(fake.calls.get(`${MGMT}:ListAccounts`), 1 + 3 + 3 * 2, 'three pages plus one throttled answer (then twice more for the second run and the database run)');
      assert.ok((res.targets.find((t) => t.key === 'aws:discovery')?.retries ?? 0) >= 1, 'the throttled ListAccounts was retried');
      const assume = fake.server.requests.find((r) => r.body.includes('Action=AssumeRole'));
      assert.match(assume?.body ?? '', /ExternalId=ext-123/);
      assert.match(assume?.body ?? '', /RoleSessionName=nhi-scan/);
      // The management account is read with the caller's own credentials.
      assert.ok(!fake.server.requests.some((r) => r.body.includes(`RoleArn=arn%3Aaws%3Aiam%3A%3A${MGMT}`)));
      // Organisation-aware trust: a sibling account is not external, an outside one is.
      const trusts = res.records.filter((r): r is TrustRecord => r.type === 'trust' && r.identityId.endsWith('/cross'));
      assert.deepEqual(trusts.map((t) => `${t.principalType}|${t.risk}`), ['identity|null', 'external-account|external']);
      // An outside account that can assume an admin role: critical (the rules table).
      assert.equal(res.findings.filter((x) => x.ruleId === 'external-trust' && x.identityId?.endsWith('/cross'))[0]?.severity, 'critical');
    } finally {
      res.cleanup();
    }
  } finally {
    await fake.close();
  }
});

test('authorization details denied fails the account with the permission to grant', async () => {
  const acct = attachmentAccount();
  acct.faults = { deny: ['GetAccountAuthorizationDetails'] };
  const fake = await startFakeAws(estate([acct]));
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast }, now });
    assert.equal(res.targets.find((t) => t.key === `aws:${ACCT}`)?.state, 'failed');
    assert.equal(res.errors[0]?.code, 'AccessDenied');
    assert.match(res.errors[0]?.fix ?? '', /Grant iam:GetAccountAuthorizationDetails .*SecurityAudit/);
  } finally {
    await fake.close();
  }
});

test('isConfigured and explainError', () => {
  assert.equal(awsScanner.isConfigured({}, { HOME: '/nonexistent' }, false), false);
  assert.equal(awsScanner.isConfigured({}, { HOME: '/nonexistent', AWS_PROFILE: 'prod' }, false), true);
  assert.equal(awsScanner.isConfigured({}, { HOME: '/nonexistent' }, true), true);
  const ex = awsScanner.explainError!(Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized to perform: iam:ListRoles on resource: *'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
  assert.equal(ex.code, 'AccessDenied');
  assert.match(ex.fix ?? '', /Grant iam:ListRoles/);
  assert.equal(awsScanner.explainError!(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })).code, 'no-credentials');
  assert.match(awsScanner.explainError!(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })).fix ?? '', /max-attempts/);
});

test('reaching an admin role makes an identity admin (assumable-role), as PMapper counts it', async () => {
  const acct: FakeAccount = {
    id: ACCT,
    name: 'reach',
    policies: [{ arn: ADMIN, doc: allowAll }],
    users: [
      { name: 'u-assumer', created: ago(10), inline: { hop: { Version: '2012-10-17', Statement: [{ Sid: 'Hop', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCT}:role/*` }] } } },
      { name: 'u-assumer-denied', created: ago(10), inline: { hop: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }, { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCT}:role/r-admin` }] } } },
      { name: 'u-named', created: ago(10) },
      { name: 'u-nothing', created: ago(10), inline: { s3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } } },
      { name: 'u-admin-already', created: ago(10), attached: [ADMIN] },
    ],
    roles: [
      {
        name: 'r-admin',
        created: ago(10),
        attached: [ADMIN],
        trust: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:user/u-named` }, Action: 'sts:AssumeRole' },
          ],
        },
      },
      { name: 'r-plain', created: ago(10), trust: svcTrust('ec2.amazonaws.com'), inline: { hop: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } } },
    ],
  };
  const fake = await startFakeAws(estate([acct]));
  try {
    const res = await collect({ scanner: awsScanner, options: { endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast }, now });
    assert.deepEqual(res.errors, []);
    const reach = res.records.filter((r): r is GrantRecord => r.type === 'grant' && r.via === 'assumable-role');
    // u-admin-already can assume it too, but is admin on its own: no extra grant.
    assert.deepEqual(reach.map((g) => `${g.identityId.split('/').at(-1)}|${g.role}|${g.privilege}`).sort(), ['r-plain|r-admin|admin', 'u-assumer|r-admin|admin', 'u-named|r-admin|admin']);
    assert.match(reach.find((g) => g.identityId.endsWith('/u-assumer'))?.evidence ?? '', /can assume admin role arn:aws:iam::123456789012:role\/r-admin \(trusts account 123456789012 when Bool aws:MultiFactorAuthPresent=true\): hop \(inline\) statement "Hop" allows sts:AssumeRole on arn:aws:iam::123456789012:role\/\*/);
    assert.match(reach.find((g) => g.identityId.endsWith('/u-named'))?.evidence ?? '', /its trust policy names it/);
  } finally {
    await fake.close();
  }
});

test('--org: an assumed-role session that nears expiry is renewed during the scan', async () => {
  const MGMT = '100000000001';
  const MEMBER = '100000000002';
  const member = attachmentAccount(MEMBER);
  const fake = await startFakeAws(estate([{ id: MGMT, name: 'mgmt' }, member], { org: { id: 'o-test12345', sessionSeconds: 60 } }));
  try {
    const res = await collect({ scanner: awsScanner, options: { org: true, accounts: [MEMBER], endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast }, now });
    assert.deepEqual(res.errors, []);
    assert.deepEqual(res.completedTargets, [`aws:${MEMBER}`]);
    assert.ok((fake.calls.get(`${MGMT}:AssumeRole`) ?? 0) > 1, 'the session was renewed');
    assert.equal(identities(res.records).length, 12);
  } finally {
    await fake.close();
  }
});

test('throttling that outlasts --max-attempts: a scan error for that call (or that account), never an aborted scan', async () => {
  const acct = attachmentAccount();
  acct.faults = { throttle: { ListSAMLProviders: 50 } };
  const other = { ...attachmentAccount('123456789013'), faults: { throttle: { GetAccountAuthorizationDetails: 50 } } };
  const fake = await startFakeAws(estate([acct, other], { org: { id: 'o-test12345' } }));
  try {
    const res = await collect({ scanner: awsScanner, options: { org: true, endpointUrl: fake.url, accessKeyId: KEY_ID, secretAccessKey: SECRET, ...fast, maxAttempts: 3 }, now });
    const partial = res.targets.find((t) => t.key === `aws:${ACCT}`);
    assert.equal(partial?.state, 'partial');
    assert.ok((partial?.retries ?? 0) >= 2);
    assert.deepEqual(res.errors.filter((e) => e.targetKey === `aws:${ACCT}`).map((e) => `${e.operation}|${e.code}`), ['iam:ListSAMLProviders|Throttling']);
    assert.equal(identities(res.records).filter((i) => i.scope === `aws:${ACCT}`).length, 12);
    const failed = res.errors.find((e) => e.targetKey === 'aws:123456789013');
    assert.equal(res.targets.find((t) => t.key === 'aws:123456789013')?.state, 'failed');
    assert.equal(failed?.code, 'Throttling');
    assert.match(failed?.fix ?? '', /--max-attempts/);
    assert.equal(fake.calls.get('123456789013:GetAccountAuthorizationDetails'), 3, 'bounded attempts');
  } finally {
    await fake.close();
  }
});

test('the AssumeRole fix names the principal a trust policy can name', async () => {
  const { trustPrincipalFor } = await import('../../../scanners/aws/index.js');
  assert.equal(trustPrincipalFor('arn:aws:iam::111111111111:user/ci/scanner'), 'arn:aws:iam::111111111111:user/ci/scanner');
  assert.match(trustPrincipalFor('arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Audit_abc/jane@acme.example'), /^arn:aws:iam::111111111111:role\/AWSReservedSSO_Audit_abc \(the role behind your session; or the account root arn:aws:iam::111111111111:root\)$/);
});
