// Every request the aws scanner sends to the demo organisation (the real @aws-sdk clients) is an
// action of the API version it names, as AWS publishes them: the IAM API Reference (2010-05-08),
// the STS API Reference (2011-06-15) and the AWS Organizations API Reference (2016-11-28), i.e.
// the action names of the SDK commands the scanner uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awsScanner } from '../../../scanners/aws/index.js';
import { startFakeAws } from '../../../scanners/aws/demo/fake-aws.js';
import { demoEstate } from '../../../scanners/aws/demo/estate.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import type { AwsOptions } from '../../../scanners/aws/clients.js';

/** Published read actions per service and API version (a subset: those an inventory may need). */
const PUBLISHED: Record<string, { version: string; actions: readonly string[] }> = {
  iam: {
    version: '2010-05-08',
    actions: [
      'GenerateCredentialReport', 'GetCredentialReport', 'GetAccountAuthorizationDetails', 'ListAccessKeys', 'GetAccessKeyLastUsed',
      'GetPolicy', 'GetPolicyVersion', 'ListOpenIDConnectProviders', 'GetOpenIDConnectProvider', 'ListSAMLProviders', 'GetSAMLProvider',
      'ListUsers', 'ListRoles', 'ListGroups', 'ListPolicies', 'GetRole', 'GetUser', 'ListUserTags', 'ListRoleTags', 'GetAccountSummary',
    ],
  },
  sts: { version: '2011-06-15', actions: ['AssumeRole', 'GetCallerIdentity'] },
  organizations: { version: '2016-11-28', actions: ['DescribeOrganization', 'ListAccounts', 'ListRoots', 'ListPolicies', 'ListPoliciesForTarget', 'ListTargetsForPolicy', 'ListChildren', 'DescribePolicy'] },
};

test('aws: every request is a published action of the API version it names', async (t) => {
  const now = new Date('2026-11-23T12:00:00Z');
  const estate = demoEstate(now, 0);
  const fake = await startFakeAws(estate);
  t.after(() => fake.close());
  const options: AwsOptions = {
    org: true,
    assumeRole: 'nhi-readonly',
    endpointUrl: fake.url,
    region: 'us-east-1',
    accessKeyId: estate.accessKeyId,
    secretAccessKey: estate.secretAccessKey,
    retryBaseDelayMs: 5,
    reportPollMs: 10,
    reportWaitSeconds: 5,
  };
  const res = await collect({ scanner: awsScanner, options, now });
  assert.ok(res.completedTargets.length >= 2, JSON.stringify(res.errors));
  const sent = fake.server.requests.map((r) => {
    const target = String(r.headers['x-amz-target'] ?? '');
    if (target) {
      const [prefix, action] = target.split('.');
      return { service: 'organizations', version: /V(\d{4})(\d{2})(\d{2})$/.exec(prefix)?.slice(1).join('-') ?? '', action };
    }
    const p = new URLSearchParams(r.body);
    const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(r.headers.authorization ?? ''))?.[1] ?? '';
    return { service, version: p.get('Version') ?? '', action: p.get('Action') ?? '' };
  });
  assert.ok(sent.length > 10);
  const unknown = sent.filter((s) => {
    const pub = PUBLISHED[s.service];
    return !pub || pub.version !== s.version || !pub.actions.includes(s.action);
  });
  assert.deepEqual(unknown, []);
  assert.ok(new Set(sent.map((s) => s.service)).size === 3, 'IAM, STS and Organizations were all asked');
});
