// Hand-written responses in the shapes of the IAM API reference examples (not produced by the
// demo's renderer): plain-JSON policy documents as in the published GetAccountAuthorizationDetails
// example, a single Statement object, NotAction, instance profiles, and a credential report with
// `N/A`, `no_information` and `not_supported` values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalServer } from '../../../src/demo/local-server.js';
import { awsScanner } from '../../../scanners/aws/index.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import type { CredentialRecord, GrantRecord, IdentityRecord } from '../../../src/model/records.js';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const META = '<ResponseMetadata><RequestId>92e79ae7-7399-11e4-8c85-4b53eEXAMPLE</RequestId></ResponseMetadata>';
const ok = (action: string, inner: string) => `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result>${META}</${action}Response>`;
const q = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const GROUPS = `
<IsTruncated>false</IsTruncated>
<GroupDetailList>
  <member>
    <GroupId>AGPACKCEVSQ6C7EXAMPLE</GroupId>
    <GroupName>Operators</GroupName>
    <Path>/</Path>
    <Arn>arn:aws:iam::123456789012:group/Operators</Arn>
    <CreateDate>2019-10-14T18:32:24Z</CreateDate>
    <GroupPolicyList>
      <member>
        <PolicyName>FullAccess-201909151020</PolicyName>
        <PolicyDocument>${q('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}')}</PolicyDocument>
      </member>
    </GroupPolicyList>
  </member>
  <member>
    <GroupId>AGPACKCEVSQ6C8EXAMPLE</GroupId>
    <GroupName>Builders</GroupName>
    <Path>/</Path>
    <Arn>arn:aws:iam::123456789012:group/Builders</Arn>
    <CreateDate>2019-10-14T18:33:55Z</CreateDate>
    <GroupPolicyList>
      <member>
        <PolicyName>PowerUser-201910141133</PolicyName>
        <PolicyDocument>${q('{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}')}</PolicyDocument>
      </member>
    </GroupPolicyList>
  </member>
</GroupDetailList>`;

const USERS_ROLES = `
<IsTruncated>false</IsTruncated>
<UserDetailList>
  <member>
    <GroupList><member>Operators</member></GroupList>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Path>/</Path>
    <UserName>build-bot</UserName>
    <Arn>arn:aws:iam::123456789012:user/build-bot</Arn>
    <CreateDate>2019-10-14T18:32:24Z</CreateDate>
  </member>
  <member>
    <GroupList><member>Builders</member></GroupList>
    <UserPolicyList>
      <member>
        <PolicyName>DenyBilling</PolicyName>
        <PolicyDocument>${q('{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"aws-portal:*","Resource":"*"}}')}</PolicyDocument>
      </member>
    </UserPolicyList>
    <UserId>AIDACKCEVSQ6C3EXAMPLE</UserId>
    <Path>/</Path>
    <UserName>release-bot</UserName>
    <Arn>arn:aws:iam::123456789012:user/release-bot</Arn>
    <CreateDate>2019-10-14T18:32:25Z</CreateDate>
  </member>
</UserDetailList>
<RoleDetailList>
  <member>
    <RolePolicyList>
      <member>
        <PolicyName>S3andDDB-web-201907301009</PolicyName>
        <PolicyDocument>${q('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[ "s3:*","dynamodb:*"],"Resource":"*"}}')}</PolicyDocument>
      </member>
    </RolePolicyList>
    <InstanceProfileList>
      <member>
        <InstanceProfileName>web</InstanceProfileName>
        <Roles>
          <member>
            <Path>/</Path>
            <Arn>arn:aws:iam::123456789012:role/web</Arn>
            <RoleName>web</RoleName>
            <AssumeRolePolicyDocument>${q('{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')}</AssumeRolePolicyDocument>
            <CreateDate>2019-07-30T17:09:20Z</CreateDate>
            <RoleId>AROAFP4BKI7Y7TEXAMPLE</RoleId>
          </member>
        </Roles>
        <Path>/</Path>
        <Arn>arn:aws:iam::123456789012:instance-profile/web</Arn>
        <InstanceProfileId>AIPAFFYRBHWXW2EXAMPLE</InstanceProfileId>
        <CreateDate>2019-07-30T17:09:20Z</CreateDate>
      </member>
    </InstanceProfileList>
    <Path>/</Path>
    <Arn>arn:aws:iam::123456789012:role/web</Arn>
    <RoleName>web</RoleName>
    <AssumeRolePolicyDocument>${q('{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')}</AssumeRolePolicyDocument>
    <CreateDate>2019-07-30T17:09:20Z</CreateDate>
    <RoleId>AROAFP4BKI7Y7TEXAMPLE</RoleId>
    <RoleLastUsed><LastUsedDate>2026-11-20T08:00:00Z</LastUsedDate><Region>us-west-2</Region></RoleLastUsed>
  </member>
</RoleDetailList>`;

const REPORT = [
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  '<root_account>,arn:aws:iam::123456789012:root,2014-06-18T18:05:24+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'build-bot,arn:aws:iam::123456789012:user/build-bot,2019-10-14T18:32:24+00:00,false,N/A,N/A,N/A,false,true,2025-01-10T09:00:00+00:00,2026-11-22T10:15:00+00:00,us-east-1,cloudformation,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
  'release-bot,arn:aws:iam::123456789012:user/release-bot,2019-10-14T18:32:25+00:00,true,no_information,2019-10-15T10:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
].join('\n');

test('responses in the published example shapes normalize as expected', async () => {
  const server = await startLocalServer((req, res) => {
    const p = new URLSearchParams(req.body);
    const action = p.get('Action');
    let body: string;
    if (action === 'GetCallerIdentity') {
      body = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>${META}</GetCallerIdentityResponse>`;
    } else if (action === 'GenerateCredentialReport') body = ok(action, '<State>COMPLETE</State>');
    else if (action === 'GetCredentialReport') body = ok(action, `<Content>${Buffer.from(REPORT).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-23T11:42:50Z</GeneratedTime>`);
    else if (action === 'ListOpenIDConnectProviders') body = ok(action, '<OpenIDConnectProviderList/>');
    else if (action === 'ListSAMLProviders') body = ok(action, '<SAMLProviderList/>');
    else if (action === 'GetAccountAuthorizationDetails') body = ok(action, p.get('Filter.member.1') === 'User' ? USERS_ROLES : GROUPS);
    else if (action === 'ListAccessKeys') {
      body = ok(
        action,
        p.get('UserName') === 'build-bot'
          ? '<UserName>build-bot</UserName><AccessKeyMetadata><member><UserName>build-bot</UserName><AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId><Status>Active</Status><CreateDate>2025-01-10T09:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>'
          : '<AccessKeyMetadata/><IsTruncated>false</IsTruncated>',
      );
    } else {
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>unexpected ${action}</Message></Error><RequestId>x</RequestId></ErrorResponse>`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(body);
  });
  try {
    const now = new Date('2026-11-23T12:00:00Z');
    const r = await collect({ scanner: awsScanner, options: { endpointUrl: server.url, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', retryBaseDelayMs: 2, maxAttempts: 2 }, now });
    assert.deepEqual(r.errors, []);
    const ids = r.records.filter((x): x is IdentityRecord => x.type === 'identity');
    assert.deepEqual(ids.map((i) => `${i.kind}:${i.name}`), ['iam_user:build-bot', 'iam_user:release-bot', 'iam_role:web']);
    const grants = r.records.filter((x): x is GrantRecord => x.type === 'grant');
    assert.deepEqual(grants.map((g) => `${g.identityId.split(':').at(-1)}|${g.role}|${g.via}|${g.privilege}`), [
      'user/build-bot|FullAccess-201909151020|group:Operators:inline|admin',
      'user/release-bot|DenyBilling|inline|read',
      'user/release-bot|PowerUser-201910141133|group:Builders:inline|write',
      'role/web|S3andDDB-web-201907301009|inline|write',
    ]);
    const bot = ids[0] as IdentityRecord;
    assert.equal(bot.lastUsedAt, '2026-11-22T10:15:00.000Z');
    assert.equal(bot.humanUse, false);
    const release = ids[1] as IdentityRecord;
    assert.equal(release.humanUse, true, 'a console password is a sign of human use');
    assert.equal(release.lastUsedAt, null);
    assert.equal(release.lastUsedSource, 'credential-report');
    const key = r.records.find((x): x is CredentialRecord => x.type === 'credential');
    assert.equal(key?.lastUsedAt, '2026-11-22T10:15:00.000Z');
    assert.equal(key?.attributes?.lastUsedService, 'cloudformation');
    assert.deepEqual((ids[2] as IdentityRecord).attributes?.instanceProfiles, ['web']);
    assert.equal((ids[2] as IdentityRecord).lastUsedAt, '2026-11-20T08:00:00.000Z');
  } finally {
    await server.close();
  }
});
