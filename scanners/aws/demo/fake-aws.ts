// A local stand-in for IAM, STS and Organizations that answers in their own wire formats:
// the AWS Query protocol (form-encoded POST, `<XResponse><XResult>…` XML, `<ErrorResponse>`
// errors) for IAM and STS, JSON 1.1 (`X-Amz-Target: AWSOrganizationsV20161128.*`) for
// Organizations. It serves an estate model, so the demo and the tests drive the real SDK.
import type { ServerResponse } from 'node:http';
import { startLocalServer, type LocalHandler, type LocalRequest, type LocalServer } from '../../../src/demo/local-server.js';
import type { PolicyDocument } from '../policy.js';

export interface FakeKey {
  id: string;
  status: 'Active' | 'Inactive';
  created: string;
  lastUsed?: string | null;
  service?: string;
  region?: string;
}

export interface FakeUser {
  name: string;
  path?: string;
  created: string;
  tags?: Record<string, string>;
  groups?: string[];
  /** Managed policy ARNs attached directly. */
  attached?: string[];
  inline?: Record<string, PolicyDocument>;
  boundary?: string;
  /** Console password; lastUsed null = never used since tracking began (`no_information`). */
  password?: { lastUsed: string | null; changed?: string };
  mfa?: boolean;
  keys?: FakeKey[];
}

export interface FakeGroup {
  name: string;
  path?: string;
  created?: string;
  attached?: string[];
  inline?: Record<string, PolicyDocument>;
}

export interface FakeRole {
  name: string;
  path?: string;
  created: string;
  trust: PolicyDocument;
  attached?: string[];
  inline?: Record<string, PolicyDocument>;
  boundary?: string;
  tags?: Record<string, string>;
  lastUsed?: { date: string; region: string } | null;
  instanceProfiles?: string[];
}

export interface FakePolicy {
  arn: string;
  doc: PolicyDocument;
  created?: string;
  description?: string;
}

export interface FakeAccount {
  id: string;
  name: string;
  email?: string;
  created?: string;
  users?: FakeUser[];
  groups?: FakeGroup[];
  roles?: FakeRole[];
  policies?: FakePolicy[];
  oidcProviders?: string[];
  samlProviders?: string[];
  faults?: {
    /** IAM/STS actions answered with AccessDenied. */
    deny?: string[];
    /** Answer the first N calls of an action with Throttling. */
    throttle?: Record<string, number>;
    /** GenerateCredentialReport answers INPROGRESS this many times before COMPLETE. */
    reportInProgress?: number;
    /** Managed policy ARNs GetAccountAuthorizationDetails leaves out (fetched with GetPolicy). */
    omitPolicies?: string[];
  };
}

export interface FakeEstate {
  now: Date;
  /** The account the static credentials belong to (the organisation's management account). */
  callerAccount: string;
  callerUser?: string;
  accessKeyId: string;
  secretAccessKey: string;
  accounts: FakeAccount[];
  org?: {
    id: string;
    /** Member accounts where AssumeRole fails (role missing or trust policy refusing the caller). */
    unassumable?: string[];
    externalId?: string;
    pageSize?: number;
    throttleListAccounts?: number;
    /** Lifetime of assumed-role sessions (default one hour). */
    sessionSeconds?: number;
    /** Organisational units: parent is the root (`fakeRootId`) or another OU; accounts not in any OU sit under the root. */
    ous?: { id: string; name: string; parent: string; accounts: string[] }[];
    /** Service control policies and where they are attached (root, OU or account ids); absent: the policy type is not enabled. */
    scps?: { id: string; name: string; doc: PolicyDocument; targets: string[]; awsManaged?: boolean }[];
    /** Resource control policies, likewise; absent: the policy type is not enabled. */
    rcps?: { id: string; name: string; doc: PolicyDocument; targets: string[]; awsManaged?: boolean }[];
    /** Organizations operations answered with AccessDeniedException. */
    deny?: string[];
  };
  /** GetAccountAuthorizationDetails page size (items per page across all lists). */
  pageSize?: number;
}

/** The fake organisation's root id. */
export const fakeRootId = (orgId: string) => `r-${orgId.slice(2, 6)}`;

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, inner: string | number | boolean | null | undefined) => (inner === undefined || inner === null ? '' : `<${name}>${inner}</${name}>`);
const text = (name: string, v: string | number | boolean | null | undefined) => (v === undefined || v === null ? '' : el(name, esc(String(v))));
const members = (name: string, items: string[]) => `<${name}>${items.map((i) => `<member>${i}</member>`).join('')}</${name}>`;
const isoSec = (d: string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** RFC 3986 encoding, as IAM returns policy documents. */
const urlEncode = (doc: unknown) => encodeURIComponent(JSON.stringify(doc)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const tagsXml = (tags: Record<string, string> | undefined) =>
  tags && Object.keys(tags).length ? members('Tags', Object.entries(tags).map(([k, v]) => text('Key', k) + text('Value', v))) : '';
const isAwsManaged = (arn: string) => arn.startsWith('arn:aws:iam::aws:policy/');
const policyName = (arn: string) => arn.split('/').at(-1) as string;
const attachedXml = (arns: string[] | undefined) => members('AttachedManagedPolicies', (arns ?? []).map((a) => text('PolicyName', policyName(a)) + text('PolicyArn', a)));
const inlineXml = (name: string, inline: Record<string, PolicyDocument> | undefined) =>
  members(name, Object.entries(inline ?? {}).map(([n, d]) => text('PolicyName', n) + text('PolicyDocument', urlEncode(d))));
const boundaryXml = (arn: string | undefined) => (arn ? el('PermissionsBoundary', text('PermissionsBoundaryType', 'PermissionsBoundaryPolicy') + text('PermissionsBoundaryArn', arn)) : '');

/** Stable pseudo ids in IAM's style (AIDA… for users, AROA… for roles, ANPA… for policies). */
export function fakeUniqueId(prefix: string, seed: string, length = 21): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = prefix;
  let x = h;
  for (let i = prefix.length; i < length; i++) {
    out += alphabet[x % 32];
    x = Math.imul(x ^ (i + 7), 2654435761) >>> 0;
  }
  return out;
}

/** Every managed policy a document of the account refers to, AWS managed ones included. */
function allPolicies(a: FakeAccount): Map<string, FakePolicy & { attachments: number }> {
  const m = new Map<string, FakePolicy & { attachments: number }>();
  for (const p of a.policies ?? []) m.set(p.arn, { ...p, attachments: 0 });
  const bump = (arn: string) => {
    const p = m.get(arn);
    if (p) p.attachments++;
  };
  for (const u of a.users ?? []) (u.attached ?? []).forEach(bump);
  for (const g of a.groups ?? []) (g.attached ?? []).forEach(bump);
  for (const r of a.roles ?? []) (r.attached ?? []).forEach(bump);
  return m;
}

function userXml(a: FakeAccount, u: FakeUser): string {
  const path = u.path ?? '/';
  return (
    text('Path', path) +
    text('UserName', u.name) +
    text('UserId', fakeUniqueId('AIDA', `${a.id}/${u.name}`)) +
    text('Arn', `arn:aws:iam::${a.id}:user${path}${u.name}`) +
    text('CreateDate', isoSec(u.created)) +
    inlineXml('UserPolicyList', u.inline) +
    members('GroupList', (u.groups ?? []).map(esc)) +
    attachedXml(u.attached) +
    boundaryXml(u.boundary) +
    tagsXml(u.tags)
  );
}

function groupXml(a: FakeAccount, g: FakeGroup): string {
  const path = g.path ?? '/';
  return (
    text('Path', path) +
    text('GroupName', g.name) +
    text('GroupId', fakeUniqueId('AGPA', `${a.id}/${g.name}`)) +
    text('Arn', `arn:aws:iam::${a.id}:group${path}${g.name}`) +
    text('CreateDate', isoSec(g.created ?? '2020-01-01T00:00:00Z')) +
    inlineXml('GroupPolicyList', g.inline) +
    attachedXml(g.attached)
  );
}

function roleXml(a: FakeAccount, r: FakeRole): string {
  const path = r.path ?? '/';
  const arn = `arn:aws:iam::${a.id}:role${path}${r.name}`;
  const profiles = (r.instanceProfiles ?? []).map(
    (p) =>
      text('Path', '/') +
      text('InstanceProfileName', p) +
      text('InstanceProfileId', fakeUniqueId('AIPA', `${a.id}/${p}`)) +
      text('Arn', `arn:aws:iam::${a.id}:instance-profile/${p}`) +
      text('CreateDate', isoSec(r.created)) +
      members('Roles', [text('Path', path) + text('RoleName', r.name) + text('RoleId', fakeUniqueId('AROA', `${a.id}/${r.name}`)) + text('Arn', arn) + text('CreateDate', isoSec(r.created)) + text('AssumeRolePolicyDocument', urlEncode(r.trust))]),
  );
  return (
    text('Path', path) +
    text('RoleName', r.name) +
    text('RoleId', fakeUniqueId('AROA', `${a.id}/${r.name}`)) +
    text('Arn', arn) +
    text('CreateDate', isoSec(r.created)) +
    text('AssumeRolePolicyDocument', urlEncode(r.trust)) +
    members('InstanceProfileList', profiles) +
    inlineXml('RolePolicyList', r.inline) +
    attachedXml(r.attached) +
    boundaryXml(r.boundary) +
    tagsXml(r.tags) +
    el('RoleLastUsed', r.lastUsed ? text('LastUsedDate', isoSec(r.lastUsed.date)) + text('Region', r.lastUsed.region) : '')
  );
}

function policyXml(p: FakePolicy & { attachments: number }): string {
  const name = policyName(p.arn);
  const path = p.arn.replace(/^arn:aws:iam::[^:]*:policy/, '').replace(/[^/]*$/, '') || '/';
  const created = isoSec(p.created ?? '2019-01-01T00:00:00Z');
  return (
    text('PolicyName', name) +
    text('PolicyId', fakeUniqueId('ANPA', p.arn)) +
    text('Arn', p.arn) +
    text('Path', path) +
    text('DefaultVersionId', 'v1') +
    text('AttachmentCount', p.attachments) +
    text('PermissionsBoundaryUsageCount', 0) +
    text('IsAttachable', true) +
    text('Description', p.description) +
    text('CreateDate', created) +
    text('UpdateDate', created) +
    members('PolicyVersionList', [text('Document', urlEncode(p.doc)) + text('VersionId', 'v1') + text('IsDefaultVersion', true) + text('CreateDate', created)])
  );
}

const csvDate = (d: string) => isoSec(d).replace(/Z$/, '+00:00');

export function credentialReportCsv(a: FakeAccount, now: Date): string {
  const header =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const created = a.created ?? new Date(now.getTime() - 2000 * 86400_000).toISOString();
  const lines = [header, `<root_account>,arn:aws:iam::${a.id}:root,${csvDate(created)},not_supported,${csvDate(new Date(now.getTime() - 200 * 86400_000).toISOString())},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`];
  for (const u of a.users ?? []) {
    const keys = [...(u.keys ?? [])].sort((x, y) => x.created.localeCompare(y.created));
    const k = (i: number) => {
      const key = keys[i];
      if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
      return [String(key.status === 'Active'), csvDate(key.created), key.lastUsed ? csvDate(key.lastUsed) : 'N/A', key.lastUsed ? key.region ?? 'us-east-1' : 'N/A', key.lastUsed ? key.service ?? 'sts' : 'N/A'];
    };
    const pw = u.password;
    lines.push(
      [
        u.name,
        `arn:aws:iam::${a.id}:user${u.path ?? '/'}${u.name}`,
        csvDate(u.created),
        String(!!pw),
        pw ? (pw.lastUsed ? csvDate(pw.lastUsed) : 'no_information') : 'N/A',
        pw ? csvDate(pw.changed ?? u.created) : 'N/A',
        'N/A',
        String(!!u.mfa),
        ...k(0),
        ...k(1),
        'false',
        'N/A',
        'false',
        'N/A',
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

interface Reply {
  status: number;
  body: string;
  contentType: string;
}

export interface FakeAws {
  server: LocalServer;
  url: string;
  estate: FakeEstate;
  /** Calls per `account:Action`. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** Credentials handed out by the fake AssumeRole: one access key id per account. */
export const assumedKeyId = (account: string) => `ASIA${account}XMPL`;
export const assumedSecret = (account: string) => `fakeAssumedSecret/${account}/wJalrXUtnFEMIK7MDENGbPxRfiCY`;

/** `wrap` puts something in front of the handler (the scanner benchmark's latency and limits). */
export async function startFakeAws(estate: FakeEstate, wrap: (h: LocalHandler) => LocalHandler = (h) => h): Promise<FakeAws> {
  const calls = new Map<string, number>();
  const reportCalls = new Map<string, number>();
  let requestSeq = 0;
  const requestId = () => {
    requestSeq++;
    return `7a62c49f-347e-4fc4-9331-${String(requestSeq).padStart(12, '0')}`;
  };
  const accounts = new Map(estate.accounts.map((a) => [a.id, a]));

  const xml = (action: string, ns: string, inner: string): Reply => ({
    status: 200,
    contentType: 'text/xml',
    body: `<${action}Response xmlns="${ns}">\n  <${action}Result>${inner}</${action}Result>\n  <ResponseMetadata>\n    <RequestId>${requestId()}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
  });
  const xmlError = (status: number, code: string, message: string, ns: string): Reply => ({
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse xmlns="${ns}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${esc(message)}</Message>\n  </Error>\n  <RequestId>${requestId()}</RequestId>\n</ErrorResponse>\n`,
  });
  const json = (status: number, body: unknown): Reply => ({ status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(body) });

  /** Which account a request is signed for: the static caller key, or a key from AssumeRole. */
  const accountOf = (req: LocalRequest): string | null => {
    const m = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''));
    if (!m) return null;
    if (m[1] === estate.accessKeyId) return estate.callerAccount;
    const a = /^ASIA(\d{12})XMPL$/.exec(m[1] as string);
    return a ? (a[1] as string) : null;
  };
  const callerArn = (acct: string) =>
    acct === estate.callerAccount ? `arn:aws:iam::${acct}:user/${estate.callerUser ?? 'nhi-scanner'}` : `arn:aws:sts::${acct}:assumed-role/nhi-readonly/nhi-scan`;

  function iam(acct: FakeAccount, action: string, p: URLSearchParams): Reply {
    const policies = allPolicies(acct);
    switch (action) {
      case 'GetAccountAuthorizationDetails': {
        const filters = [...p.entries()].filter(([k]) => k.startsWith('Filter.member.')).map(([, v]) => v);
        const want = (t: string) => filters.length === 0 || filters.includes(t);
        const omit = new Set(acct.faults?.omitPolicies ?? []);
        const items: [string, string][] = [
          ...(want('User') ? (acct.users ?? []).map((u) => ['U', userXml(acct, u)] as [string, string]) : []),
          ...(want('Group') ? (acct.groups ?? []).map((g) => ['G', groupXml(acct, g)] as [string, string]) : []),
          ...(want('Role') ? (acct.roles ?? []).map((r) => ['R', roleXml(acct, r)] as [string, string]) : []),
          ...[...policies.values()]
            .filter((pol) => !omit.has(pol.arn) && (isAwsManaged(pol.arn) ? want('AWSManagedPolicy') && pol.attachments > 0 : want('LocalManagedPolicy')))
            .map((pol) => ['P', policyXml(pol)] as [string, string]),
        ];
        const size = Math.min(Number(p.get('MaxItems') ?? 100), estate.pageSize ?? 100);
        const start = p.get('Marker') ? Number(Buffer.from(p.get('Marker') as string, 'base64').toString('utf8').replace(/^offset:/, '')) : 0;
        const slice = items.slice(start, start + size);
        const more = start + size < items.length;
        const list = (kind: string, name: string) => members(name, slice.filter(([k]) => k === kind).map(([, x]) => x));
        return xml(
          action,
          IAM_NS,
          text('IsTruncated', more) +
            list('U', 'UserDetailList') +
            (more ? text('Marker', Buffer.from(`offset:${start + size}`).toString('base64')) : '') +
            list('G', 'GroupDetailList') +
            list('R', 'RoleDetailList') +
            list('P', 'Policies'),
        );
      }
      case 'GenerateCredentialReport': {
        const n = (reportCalls.get(acct.id) ?? 0) + 1;
        reportCalls.set(acct.id, n);
        const inProgress = acct.faults?.reportInProgress ?? 0;
        const state = n === 1 && inProgress >= 0 ? (inProgress > 0 ? 'STARTED' : 'COMPLETE') : n <= inProgress ? 'INPROGRESS' : 'COMPLETE';
        return xml(action, IAM_NS, text('State', state) + (state === 'COMPLETE' ? '' : text('Description', 'No report exists. Starting a new report generation task')));
      }
      case 'GetCredentialReport': {
        const csv = credentialReportCsv(acct, estate.now);
        return xml(action, IAM_NS, text('Content', Buffer.from(csv).toString('base64')) + text('ReportFormat', 'text/csv') + text('GeneratedTime', isoSec(estate.now.toISOString())));
      }
      case 'ListAccessKeys': {
        const u = (acct.users ?? []).find((x) => x.name === p.get('UserName'));
        if (!u) return xmlError(404, 'NoSuchEntity', `The user with name ${p.get('UserName')} cannot be found.`, IAM_NS);
        const keys = [...(u.keys ?? [])].sort((x, y) => x.created.localeCompare(y.created));
        return xml(
          action,
          IAM_NS,
          text('IsTruncated', false) + members('AccessKeyMetadata', keys.map((k) => text('UserName', u.name) + text('AccessKeyId', k.id) + text('Status', k.status) + text('CreateDate', isoSec(k.created)))),
        );
      }
      case 'GetAccessKeyLastUsed': {
        for (const u of acct.users ?? []) {
          const k = (u.keys ?? []).find((x) => x.id === p.get('AccessKeyId'));
          if (!k) continue;
          const last = k.lastUsed
            ? text('LastUsedDate', isoSec(k.lastUsed)) + text('ServiceName', k.service ?? 'sts') + text('Region', k.region ?? 'us-east-1')
            : text('ServiceName', 'N/A') + text('Region', 'N/A');
          return xml(action, IAM_NS, text('UserName', u.name) + el('AccessKeyLastUsed', last));
        }
        return xmlError(403, 'AccessDenied', 'The access key does not belong to this account.', IAM_NS);
      }
      case 'GetPolicy': {
        const pol = policies.get(p.get('PolicyArn') ?? '');
        if (!pol) return xmlError(404, 'NoSuchEntity', `Policy ${p.get('PolicyArn')} does not exist or is not attachable.`, IAM_NS);
        const created = isoSec(pol.created ?? '2019-01-01T00:00:00Z');
        return xml(
          action,
          IAM_NS,
          el(
            'Policy',
            text('PolicyName', policyName(pol.arn)) + text('DefaultVersionId', 'v1') + text('PolicyId', fakeUniqueId('ANPA', pol.arn)) + text('Path', '/') + text('Arn', pol.arn) + text('AttachmentCount', pol.attachments) + text('CreateDate', created) + text('UpdateDate', created) + text('IsAttachable', true),
          ),
        );
      }
      case 'GetPolicyVersion': {
        const pol = policies.get(p.get('PolicyArn') ?? '');
        if (!pol || p.get('VersionId') !== 'v1') return xmlError(404, 'NoSuchEntity', 'Policy version does not exist.', IAM_NS);
        return xml(action, IAM_NS, el('PolicyVersion', text('Document', urlEncode(pol.doc)) + text('VersionId', 'v1') + text('IsDefaultVersion', true) + text('CreateDate', isoSec(pol.created ?? '2019-01-01T00:00:00Z'))));
      }
      case 'ListOpenIDConnectProviders':
        return xml(action, IAM_NS, members('OpenIDConnectProviderList', (acct.oidcProviders ?? []).map((u) => text('Arn', `arn:aws:iam::${acct.id}:oidc-provider/${u}`))));
      case 'ListSAMLProviders':
        return xml(
          action,
          IAM_NS,
          members('SAMLProviderList', (acct.samlProviders ?? []).map((n) => text('Arn', `arn:aws:iam::${acct.id}:saml-provider/${n}`) + text('ValidUntil', '2030-01-01T00:00:00Z') + text('CreateDate', '2021-03-01T00:00:00Z'))),
        );
      default:
        return xmlError(400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-08`, IAM_NS);
    }
  }

  function sts(acct: string, action: string, p: URLSearchParams): Reply {
    if (action === 'GetCallerIdentity') {
      return xml(action, STS_NS, text('Arn', callerArn(acct)) + text('UserId', acct === estate.callerAccount ? fakeUniqueId('AIDA', `${acct}/caller`) : `${fakeUniqueId('AROA', acct)}:nhi-scan`) + text('Account', acct));
    }
    if (action === 'AssumeRole') {
      const roleArn = p.get('RoleArn') ?? '';
      const target = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
      const refuse = () => xmlError(403, 'AccessDenied', `User: ${callerArn(acct)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, STS_NS);
      if (!target || !accounts.has(target[1] as string)) return refuse();
      if ((estate.org?.unassumable ?? []).includes(target[1] as string)) return refuse();
      if (estate.org?.externalId && p.get('ExternalId') !== estate.org.externalId) return refuse();
      const expiration = new Date(Date.now() + (estate.org?.sessionSeconds ?? 3600) * 1000).toISOString();
      return xml(
        action,
        STS_NS,
        el(
          'Credentials',
          text('AccessKeyId', assumedKeyId(target[1] as string)) +
            text('SecretAccessKey', assumedSecret(target[1] as string)) +
            text('SessionToken', `FwoGZXIvYXdzEFAKE${target[1]}SessionToken`) +
            text('Expiration', isoSec(expiration)),
        ) +
          el('AssumedRoleUser', text('AssumedRoleId', `${fakeUniqueId('AROA', roleArn)}:${p.get('RoleSessionName') ?? 'nhi-scan'}`) + text('Arn', `arn:aws:sts::${target[1]}:assumed-role/${target[2]}/${p.get('RoleSessionName') ?? 'nhi-scan'}`)) +
          text('PackedPolicySize', 6),
      );
    }
    return xmlError(400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`, STS_NS);
  }

  function organizations(acct: string, op: string, body: Record<string, unknown>): Reply {
    const o = estate.org;
    if (!o || acct !== estate.callerAccount) return json(400, { __type: 'AWSOrganizationsNotInUseException', Message: 'Your account is not a member of an organization.' });
    if (op === 'DescribeOrganization') {
      return json(200, {
        Organization: {
          Id: o.id,
          Arn: `arn:aws:organizations::${estate.callerAccount}:organization/${o.id}`,
          FeatureSet: 'ALL',
          MasterAccountArn: `arn:aws:organizations::${estate.callerAccount}:account/${o.id}/${estate.callerAccount}`,
          MasterAccountId: estate.callerAccount,
          MasterAccountEmail: `aws-root@acme.example`,
        },
      });
    }
    if (op === 'ListAccounts') {
      const size = o.pageSize ?? 20;
      const start = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8').replace(/^page:/, '')) : 0;
      const all = estate.accounts;
      const page = all.slice(start, start + size).map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::${estate.callerAccount}:account/${o.id}/${a.id}`,
        Email: a.email ?? `aws+${a.name}@acme.example`,
        Name: a.name,
        Status: 'ACTIVE',
        State: 'ACTIVE',
        JoinedMethod: a.id === estate.callerAccount ? 'INVITED' : 'CREATED',
        JoinedTimestamp: Math.floor(new Date(a.created ?? '2020-01-01T00:00:00Z').getTime() / 1000),
      }));
      return json(200, { Accounts: page, ...(start + size < all.length ? { NextToken: Buffer.from(`page:${start + size}`).toString('base64') } : {}) });
    }
    if ((o.deny ?? []).includes(op)) return json(400, { __type: 'AccessDeniedException', Message: `You don't have permissions to access this resource (organizations:${op}).` });
    const root = fakeRootId(o.id);
    if (op === 'ListRoots') {
      const types = [...(o.scps ? ['SERVICE_CONTROL_POLICY'] : []), ...(o.rcps ? ['RESOURCE_CONTROL_POLICY'] : [])];
      return json(200, { Roots: [{ Id: root, Arn: `arn:aws:organizations::${estate.callerAccount}:root/${o.id}/${root}`, Name: 'Root', PolicyTypes: types.map((Type) => ({ Type, Status: 'ENABLED' })) }] });
    }
    if (op === 'ListChildren') {
      // A root's or OU's child OUs or accounts, at most 20 a page (the API's MaxResults bound).
      const parent = String(body.ParentId ?? '');
      const type = body.ChildType;
      if (type !== 'ACCOUNT' && type !== 'ORGANIZATIONAL_UNIT') return json(400, { __type: 'InvalidInputException', Message: 'You provided a value that does not match the required pattern.', Reason: 'INVALID_ENUM' });
      const ous = o.ous ?? [];
      const ou = ous.find((u) => u.id === parent);
      if (parent !== root && !ou) return json(400, { __type: 'ParentNotFoundException', Message: "We can't find a root or OU with the ParentId that you specified." });
      const inOus = new Set(ous.flatMap((u) => u.accounts));
      const ids =
        type === 'ORGANIZATIONAL_UNIT'
          ? ous.filter((u) => u.parent === parent).map((u) => u.id)
          : ou
            ? ou.accounts
            : estate.accounts.map((a) => a.id).filter((id) => !inOus.has(id));
      const size = Math.min(20, Math.max(1, Number(body.MaxResults) || 20));
      const start = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8').replace(/^children:/, '')) : 0;
      const page = ids.slice(start, start + size).map((Id) => ({ Id, Type: type }));
      return json(200, { Children: page, ...(start + size < ids.length ? { NextToken: Buffer.from(`children:${start + size}`).toString('base64') } : {}) });
    }
    if (op === 'ListPolicies' || op === 'DescribePolicy' || op === 'ListTargetsForPolicy') {
      const notEnabled = () => json(400, { __type: 'PolicyTypeNotEnabledException', Message: 'This operation can be performed only for enabled policy types.' });
      const typed = [...(o.scps ?? []).map((p) => ({ ...p, type: 'SERVICE_CONTROL_POLICY' })), ...(o.rcps ?? []).map((p) => ({ ...p, type: 'RESOURCE_CONTROL_POLICY' }))];
      const summary = (p: (typeof typed)[number]) => ({
        Id: p.id,
        Arn: `arn:aws:organizations::${p.awsManaged ? 'aws' : estate.callerAccount}:policy/${p.awsManaged ? '' : `${o.id}/`}${p.type.toLowerCase()}/${p.id}`,
        Name: p.name,
        Description: '',
        Type: p.type,
        AwsManaged: !!p.awsManaged,
      });
      if (op === 'ListPolicies') {
        const enabled = body.Filter === 'SERVICE_CONTROL_POLICY' ? o.scps : body.Filter === 'RESOURCE_CONTROL_POLICY' ? o.rcps : [];
        return enabled ? json(200, { Policies: typed.filter((p) => p.type === body.Filter).map(summary) }) : notEnabled();
      }
      const p = typed.find((x) => x.id === body.PolicyId);
      if (!p) return json(400, { __type: 'PolicyNotFoundException', Message: "We can't find a policy with the PolicyId that you specified." });
      if (op === 'DescribePolicy') return json(200, { Policy: { PolicySummary: summary(p), Content: JSON.stringify(p.doc) } });
      return json(200, {
        Targets: p.targets.map((t) => ({
          TargetId: t,
          Arn: `arn:aws:organizations::${estate.callerAccount}:${t.startsWith('r-') ? 'root' : t.startsWith('ou-') ? 'ou' : 'account'}/${o.id}/${t}`,
          Name: t,
          Type: t.startsWith('r-') ? 'ROOT' : t.startsWith('ou-') ? 'ORGANIZATIONAL_UNIT' : 'ACCOUNT',
        })),
      });
    }
    return json(400, { __type: 'InvalidInputException', Message: `unsupported operation ${op}` });
  }

  const count = (key: string) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return n;
  };

  const handler = (req: LocalRequest, res: ServerResponse) => {
    const acct = accountOf(req);
    let reply: Reply;
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith('AWSOrganizationsV20161128.')) {
      const op = target.slice('AWSOrganizationsV20161128.'.length);
      const n = count(`${acct}:${op}`);
      if (!acct) reply = json(400, { __type: 'UnrecognizedClientException', Message: 'The security token included in the request is invalid.' });
      else if (op === 'ListAccounts' && n <= (estate.org?.throttleListAccounts ?? 0)) reply = json(400, { __type: 'TooManyRequestsException', Type: 'ListAccounts', Message: 'AWS Organizations can\'t complete your request because another request is already in progress. Try again later.' });
      else reply = organizations(acct, op, req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {});
    } else {
      const p = new URLSearchParams(req.body);
      const action = p.get('Action') ?? '';
      const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'iam';
      const ns = service === 'sts' ? STS_NS : IAM_NS;
      const n = count(`${acct}:${action}`);
      const account = acct ? accounts.get(acct) : undefined;
      if (!acct) reply = xmlError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.', ns);
      else if (account && (account.faults?.deny ?? []).includes(action)) {
        reply = xmlError(403, 'AccessDenied', `User: ${callerArn(acct)} is not authorized to perform: ${service}:${action} on resource: *`, ns);
      } else if (account && n <= (account.faults?.throttle?.[action] ?? 0)) reply = xmlError(400, 'Throttling', 'Rate exceeded', ns);
      else if (service === 'sts') reply = sts(acct, action, p);
      else if (!account) reply = xmlError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.', ns);
      else reply = iam(account, action, p);
    }
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'x-amzn-requestid': `req-${requestSeq}` });
    res.end(reply.body);
  };

  const server = await startLocalServer(wrap(handler));
  return { server, url: server.url, estate, calls, close: () => server.close() };
}
