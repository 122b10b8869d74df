// The AWS part of the demo estate: Acme Corp's organisation (management, prod, staging,
// sandbox). Healthy owned workloads everywhere, and the risky identities the story needs:
// the God-mode CI user whose 400-day-old key leaked into the sample repository, an unused
// admin role, an unowned key-holding user, a role any GitHub repository can assume, a
// PassRole path, a shared console user, a vendor role from outside the org, and a chain from a
// sandbox user's leaked key through a staging role to a production admin role.
import { DEMO } from '../../../src/demo/estate.js';
import type { PolicyDocument } from '../policy.js';
import { fakeUniqueId, type FakeAccount, type FakeEstate, type FakePolicy, type FakeRole, type FakeUser } from './fake-aws.js';

const AWS = 'arn:aws:iam::aws:policy';
export const DEMO_CALLER_KEY_ID = 'AKIAI44QH8DHBEXAMPLE';
export const DEMO_CALLER_SECRET = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY';
const VENDOR_ACCOUNT = '210987654321';
const GITHUB = 'token.actions.githubusercontent.com';

const allow = (Action: string | string[], Resource: string | string[] = '*', Sid?: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ ...(Sid ? { Sid } : {}), Effect: 'Allow', Action, Resource }],
});

/** AWS managed policies the estate attaches (documents abridged to what matters for the demo). */
const AWS_POLICIES: FakePolicy[] = [
  { arn: `${AWS}/AdministratorAccess`, doc: allow('*'), description: 'Provides full access to AWS services and resources.' },
  { arn: `${AWS}/SecurityAudit`, doc: allow(['iam:GenerateCredentialReport', 'iam:Get*', 'iam:List*', 'organizations:Describe*', 'organizations:List*', 's3:GetBucketPolicy', 'ec2:Describe*', 'cloudtrail:DescribeTrails']) },
  { arn: `${AWS}/ReadOnlyAccess`, doc: allow(['ec2:Describe*', 's3:Get*', 's3:List*', 'iam:Get*', 'iam:List*', 'cloudwatch:Get*', 'logs:Get*', 'rds:Describe*']) },
  { arn: `${AWS}/AmazonS3ReadOnlyAccess`, doc: allow(['s3:Get*', 's3:List*', 's3:Describe*']) },
  { arn: `${AWS}/CloudWatchAgentServerPolicy`, doc: allow(['cloudwatch:PutMetricData', 'ec2:DescribeVolumes', 'ec2:DescribeTags', 'logs:PutLogEvents', 'logs:CreateLogStream', 'logs:CreateLogGroup']) },
  { arn: `${AWS}/service-role/AWSLambdaBasicExecutionRole`, doc: allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']) },
  { arn: `${AWS}/service-role/AmazonECSTaskExecutionRolePolicy`, doc: allow(['ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'logs:CreateLogStream', 'logs:PutLogEvents']) },
  { arn: `${AWS}/aws-service-role/AmazonECSServiceRolePolicy`, doc: allow(['ec2:AttachNetworkInterface', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:Describe*', 'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets']) },
  { arn: `${AWS}/aws-service-role/AWSElasticLoadBalancingServiceRolePolicy`, doc: allow(['ec2:DescribeAddresses', 'ec2:DescribeInstances', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']) },
  { arn: `${AWS}/aws-service-role/AmazonRDSServiceRolePolicy`, doc: allow(['ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateNetworkInterface', 'ec2:Describe*', 'cloudwatch:PutMetricData', 'logs:CreateLogGroup']) },
  { arn: `${AWS}/aws-service-role/AutoScalingServiceRolePolicy`, doc: allow(['ec2:RunInstances', 'ec2:TerminateInstances', 'ec2:Describe*', 'elasticloadbalancing:Register*']) },
  { arn: `${AWS}/aws-service-role/AWSSupportServiceRolePolicy`, doc: allow(['ec2:Describe*', 'iam:Get*', 'iam:List*', 'support:*']) },
  { arn: `${AWS}/aws-service-role/AWSTrustedAdvisorServiceRolePolicy`, doc: allow(['ec2:Describe*', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport', 'trustedadvisor:*']) },
  { arn: `${AWS}/aws-service-role/AWSOrganizationsServiceTrustPolicy`, doc: allow(['iam:DeleteRole', 'iam:DeleteServiceLinkedRole', 'iam:GetServiceLinkedRoleDeletionStatus'], 'arn:aws:iam::*:role/aws-service-role/organizations.amazonaws.com/*') },
  { arn: `${AWS}/aws-service-role/AWSSSOServiceRolePolicy`, doc: allow(['iam:AttachRolePolicy', 'iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRole'], 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*') },
];

export interface DemoClock {
  ago(days: number, hours?: number): string;
}

function clock(now: Date): DemoClock {
  return { ago: (days, hours = 0) => new Date(now.getTime() - days * 86400_000 - hours * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

const trustService = (service: string): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
const trustAccount = (account: string, extra: Record<string, unknown> = {}): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole', ...extra }],
});
const trustGithub = (account: string, sub: string, op: 'StringEquals' | 'StringLike'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${GITHUB}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' }, ...(op === 'StringLike' ? { StringLike: { [`${GITHUB}:sub`]: sub } } : { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com', [`${GITHUB}:sub`]: sub } }) },
    },
  ],
});

function serviceLinked(c: DemoClock, service: string, name: string, policy: string, lastUsedDays: number | null, createdDays: number): FakeRole {
  return {
    name,
    path: `/aws-service-role/${service}/`,
    created: c.ago(createdDays),
    trust: trustService(service),
    attached: [`${AWS}/aws-service-role/${policy}`],
    lastUsed: lastUsedDays === null ? null : { date: c.ago(lastUsedDays, 3), region: 'eu-west-1' },
  };
}

/** Plenty of healthy, owned, recently used workload roles. */
function workloadRoles(c: DemoClock, account: string, env: string, apps: [string, string, string, string[]][]): { roles: FakeRole[]; policies: FakePolicy[] } {
  const roles: FakeRole[] = [];
  const policies: FakePolicy[] = [];
  apps.forEach(([name, team, service, actions], i) => {
    const policyArn = `arn:aws:iam::${account}:policy/${name}-access`;
    policies.push({ arn: policyArn, doc: allow(actions, [`arn:aws:*:*:${account}:*${name}*`, `arn:aws:s3:::acme-${env}-${name}/*`], 'AppAccess'), created: c.ago(300 + i) });
    roles.push({
      name: `${name}-${({ 'lambda.amazonaws.com': 'lambda', 'ec2.amazonaws.com': 'instance', 'sagemaker.amazonaws.com': 'sagemaker' } as Record<string, string>)[service] ?? 'task'}`,
      path: '/workloads/',
      created: c.ago(280 + i * 7),
      trust: trustService(service),
      attached: [policyArn, ...(service === 'lambda.amazonaws.com' ? [`${AWS}/service-role/AWSLambdaBasicExecutionRole`] : service === 'ec2.amazonaws.com' ? [`${AWS}/CloudWatchAgentServerPolicy`] : [])],
      tags: { owner: team, env, 'cost-center': `cc-${100 + i}` },
      lastUsed: { date: c.ago(i % 3, 2 + i), region: 'eu-west-1' },
      ...(service === 'ec2.amazonaws.com' ? { instanceProfiles: [`${name}-instance`] } : {}),
    });
  });
  return { roles, policies };
}

function commonRoles(c: DemoClock, account: string): FakeRole[] {
  return [
    {
      name: 'nhi-readonly',
      created: c.ago(120),
      trust: trustAccount(DEMO.aws.managementAccount),
      attached: [`${AWS}/SecurityAudit`],
      tags: { owner: 'security-engineering', purpose: 'nhi inventory scans' },
      lastUsed: { date: c.ago(1), region: 'us-east-1' },
    },
    {
      name: 'OrganizationAccountAccessRole',
      created: c.ago(1400),
      trust: trustAccount(DEMO.aws.managementAccount),
      attached: [`${AWS}/AdministratorAccess`],
      tags: { owner: 'cloud-platform', 'break-glass': 'true' },
      lastUsed: { date: c.ago(12), region: 'us-east-1' },
    },
    {
      name: `AWSReservedSSO_ReadOnly_${fakeUniqueId('', `${account}/sso-ro`, 16).toLowerCase()}`,
      path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
      created: c.ago(700),
      trust: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${account}:saml-provider/AWSSSO_5f7c3b1e2d4a6c8e_DO_NOT_DELETE` }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }],
      },
      attached: [`${AWS}/ReadOnlyAccess`],
      lastUsed: { date: c.ago(0, 5), region: 'eu-west-1' },
    },
    serviceLinked(c, 'support.amazonaws.com', 'AWSServiceRoleForSupport', 'AWSSupportServiceRolePolicy', null, 1400),
    serviceLinked(c, 'trustedadvisor.amazonaws.com', 'AWSServiceRoleForTrustedAdvisor', 'AWSTrustedAdvisorServiceRolePolicy', null, 1400),
    serviceLinked(c, 'sso.amazonaws.com', 'AWSServiceRoleForSSO', 'AWSSSOServiceRolePolicy', 3, 700),
    serviceLinked(c, 'organizations.amazonaws.com', 'AWSServiceRoleForOrganizations', 'AWSOrganizationsServiceTrustPolicy', 40, 1400),
  ];
}

const key = (seed: string, status: 'Active' | 'Inactive', created: string, lastUsed: string | null, service = 's3', region = 'eu-west-1') => ({
  id: fakeUniqueId('AKIA', seed, 20),
  status,
  created,
  lastUsed,
  service,
  region,
});

export function demoEstate(now: Date, day = 0): FakeEstate {
  const c = clock(now);
  const { managementAccount: mgmt } = DEMO.aws;
  const { prod, staging, sandbox } = DEMO.aws.accounts;

  // ---------------------------------------------------------------- management
  const management: FakeAccount = {
    id: mgmt,
    name: 'acme-management',
    created: c.ago(2100),
    policies: [...AWS_POLICIES],
    samlProviders: ['AWSSSO_5f7c3b1e2d4a6c8e_DO_NOT_DELETE'],
    users: [
      {
        name: 'nhi-scanner',
        path: '/automation/',
        created: c.ago(120),
        tags: { owner: 'security-engineering' },
        attached: [`${AWS}/SecurityAudit`],
        inline: { 'assume-nhi-readonly': allow('sts:AssumeRole', 'arn:aws:iam::*:role/nhi-readonly', 'AssumeScanRole') },
        keys: [key('mgmt/nhi-scanner', 'Active', c.ago(30), c.ago(0, 1), 'sts', 'us-east-1')],
      },
      {
        name: 'billing-export',
        path: '/automation/',
        created: c.ago(900),
        tags: { team: 'finance-eng' },
        inline: { 'cur-bucket': allow(['s3:PutObject', 's3:GetBucketLocation'], 'arn:aws:s3:::acme-cur-exports/*', 'WriteCostReports') },
        keys: [key('mgmt/billing-export', 'Active', c.ago(60), c.ago(1), 's3')],
      },
    ],
    roles: [
      ...commonRoles(c, mgmt).filter((r) => r.name !== 'OrganizationAccountAccessRole'),
      {
        name: 'org-audit-collector',
        path: '/security/',
        created: c.ago(365),
        trust: trustService('lambda.amazonaws.com'),
        attached: [`${AWS}/SecurityAudit`, `${AWS}/service-role/AWSLambdaBasicExecutionRole`],
        tags: { owner: 'security-engineering' },
        lastUsed: { date: c.ago(0, 6), region: 'us-east-1' },
      },
    ],
  };

  // ---------------------------------------------------------------- prod
  const prodApps = workloadRoles(c, prod, 'prod', [
    ['orders-api', 'team-orders', 'ecs-tasks.amazonaws.com', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'sqs:SendMessage']],
    ['payments-worker', 'team-payments', 'ecs-tasks.amazonaws.com', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:Decrypt', 'secretsmanager:GetSecretValue']],
    ['image-resizer', 'team-media', 'lambda.amazonaws.com', ['s3:GetObject', 's3:PutObject']],
    ['search-indexer', 'team-search', 'lambda.amazonaws.com', ['es:ESHttpPost', 'es:ESHttpPut', 'dynamodb:GetRecords']],
    ['checkout-web', 'team-checkout', 'ec2.amazonaws.com', ['s3:GetObject', 'ssm:GetParameter', 'ssm:GetParameters']],
    ['notifications', 'team-growth', 'lambda.amazonaws.com', ['ses:SendEmail', 'sns:Publish']],
    ['reporting-etl', 'team-data', 'ecs-tasks.amazonaws.com', ['s3:GetObject', 's3:PutObject', 'glue:StartJobRun', 'athena:StartQueryExecution']],
    ['fraud-scoring', 'team-risk', 'ecs-tasks.amazonaws.com', ['sagemaker:InvokeEndpoint', 'dynamodb:GetItem']],
  ]);
  const prodAccount: FakeAccount = {
    id: prod,
    name: 'acme-prod',
    created: c.ago(1500),
    policies: [
      ...AWS_POLICIES,
      ...prodApps.policies,
      { arn: `arn:aws:iam::${prod}:policy/deploy-artifacts`, doc: allow(['s3:PutObject', 's3:GetObject', 'ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecs:UpdateService', 'ecs:DescribeServices'], '*', 'DeployArtifacts'), created: c.ago(500) },
    ],
    oidcProviders: [GITHUB],
    samlProviders: ['AWSSSO_5f7c3b1e2d4a6c8e_DO_NOT_DELETE'],
    groups: [
      // The God-mode path: AdministratorAccess reaches ci-deployer through a group, not directly.
      { name: 'deployers', path: '/ci/', created: c.ago(800), attached: [`${AWS}/AdministratorAccess`] },
      { name: 'app-readers', created: c.ago(800), attached: [`${AWS}/AmazonS3ReadOnlyAccess`], inline: { 'logs-read': allow(['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:DescribeLogGroups'], '*', 'ReadLogs') } },
    ],
    users: [
      {
        name: DEMO.aws.ciUserName,
        path: '/ci/',
        created: c.ago(820),
        tags: { team: 'platform-eng', purpose: 'legacy Jenkins deploys' },
        groups: ['deployers'],
        keys: [
          { id: DEMO.aws.leakedAccessKeyId, status: 'Active' as const, created: c.ago(400), lastUsed: c.ago(0, 3), service: 'cloudformation', region: 'eu-west-1' },
        ],
      },
      {
        // Unowned, key-holding, two active keys (a rotation that never finished).
        name: 'legacy-backup-sync',
        created: c.ago(1100),
        inline: { 'backup-buckets': allow(['s3:PutObject', 's3:GetObject', 's3:ListBucket', 's3:DeleteObject'], ['arn:aws:s3:::acme-backups', 'arn:aws:s3:::acme-backups/*'], 'BackupWrite') },
        // From demo day 1 the never-used key is deactivated (a plan step applied) and stays quiet.
        keys: [key('prod/legacy-backup-sync/1', 'Active', c.ago(700), c.ago(31), 's3'), key('prod/legacy-backup-sync/2', day >= 1 ? 'Inactive' : 'Active', c.ago(250), null)],
      },
      {
        // A person signs in to the console with a "service" user that also holds a key.
        name: 'ops-shared',
        created: c.ago(600),
        tags: { owner: 'sre-oncall' },
        groups: ['app-readers'],
        password: { lastUsed: c.ago(2, 4), changed: c.ago(200) },
        mfa: true,
        keys: [key('prod/ops-shared', 'Active', c.ago(45), c.ago(2), 'logs')],
      },
      {
        name: 'smtp-relay',
        path: '/automation/',
        created: c.ago(400),
        tags: { owner: 'team-growth' },
        inline: { 'ses-send': allow('ses:SendRawEmail', '*', 'SendMail') },
        keys: [key('prod/smtp-relay/new', 'Active', c.ago(40), c.ago(0, 2), 'ses'), key('prod/smtp-relay/old', 'Inactive', c.ago(380), c.ago(45), 'ses')],
      },
      {
        name: 'metrics-pusher',
        path: '/automation/',
        created: c.ago(200),
        tags: { owner: 'sre-oncall' },
        attached: [`${AWS}/CloudWatchAgentServerPolicy`],
        keys: [key('prod/metrics-pusher', 'Active', c.ago(20), c.ago(0, 1), 'monitoring')],
      },
    ],
    roles: [
      ...commonRoles(c, prod),
      ...prodApps.roles,
      serviceLinked(c, 'ecs.amazonaws.com', 'AWSServiceRoleForECS', 'AmazonECSServiceRolePolicy', 0, 1200),
      serviceLinked(c, 'elasticloadbalancing.amazonaws.com', 'AWSServiceRoleForElasticLoadBalancing', 'AWSElasticLoadBalancingServiceRolePolicy', 0, 1200),
      serviceLinked(c, 'rds.amazonaws.com', 'AWSServiceRoleForRDS', 'AmazonRDSServiceRolePolicy', 1, 1100),
      serviceLinked(c, 'autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling', 'AutoScalingServiceRolePolicy', null, 1300),
      {
        // The end of the sandbox → staging → production chain: admin, trusting the staging release role.
        name: DEMO.aws.prodAdminRoleName,
        path: '/ci/',
        created: c.ago(280),
        trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${staging}:role/ci/${DEMO.aws.stagingRoleName}` }, Action: 'sts:AssumeRole' }] },
        attached: [`${AWS}/AdministratorAccess`],
        tags: { owner: 'platform-eng' },
        lastUsed: { date: c.ago(2), region: 'eu-west-1' },
      },
      {
        // Unused admin role: created for a one-off migration, never used since.
        name: 'db-migration-admin',
        created: c.ago(540),
        trust: trustAccount(prod),
        attached: [`${AWS}/AdministratorAccess`],
        tags: { owner: 'team-data', ticket: 'DATA-1182' },
        lastUsed: null,
      },
      {
        // Any repository on GitHub can assume this role: the sub condition is a bare wildcard.
        name: 'github-actions-deploy',
        path: '/ci/',
        created: c.ago(300),
        trust: trustGithub(prod, 'repo:*', 'StringLike'),
        attached: [`arn:aws:iam::${prod}:policy/deploy-artifacts`],
        tags: { owner: 'platform-eng' },
        lastUsed: { date: c.ago(0, 8), region: 'eu-west-1' },
      },
      {
        name: 'github-actions-release',
        path: '/ci/',
        created: c.ago(150),
        trust: trustGithub(prod, `repo:${DEMO.github.org}/${DEMO.repo.name}:ref:refs/heads/main`, 'StringEquals'),
        attached: [`arn:aws:iam::${prod}:policy/deploy-artifacts`],
        tags: { owner: 'platform-eng' },
        lastUsed: { date: c.ago(1), region: 'eu-west-1' },
      },
      {
        // A monitoring vendor's account assumes this role (external, with an external id).
        name: 'vendor-observability-readonly',
        path: '/third-party/',
        created: c.ago(420),
        trust: trustAccount(VENDOR_ACCOUNT, { Condition: { StringEquals: { 'sts:ExternalId': 'acme-7f3c9e' } } }),
        attached: [`${AWS}/SecurityAudit`],
        inline: { 'cloudwatch-read': allow(['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'tag:GetResources'], '*', 'Metrics') },
        tags: { owner: 'sre-oncall', vendor: 'observability-saas' },
        lastUsed: { date: c.ago(0, 1), region: 'us-east-1' },
      },
    ],
  };

  // ---------------------------------------------------------------- staging
  const stagingApps = workloadRoles(c, staging, 'staging', [
    ['orders-api', 'team-orders', 'ecs-tasks.amazonaws.com', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'sqs:SendMessage']],
    ['payments-worker', 'team-payments', 'ecs-tasks.amazonaws.com', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'kms:Decrypt']],
    ['image-resizer', 'team-media', 'lambda.amazonaws.com', ['s3:GetObject', 's3:PutObject']],
    ['checkout-web', 'team-checkout', 'ec2.amazonaws.com', ['s3:GetObject', 'ssm:GetParameter']],
    ['load-tester', 'team-perf', 'ecs-tasks.amazonaws.com', ['cloudwatch:PutMetricData', 's3:PutObject']],
  ]);
  const stagingAccount: FakeAccount = {
    id: staging,
    name: 'acme-staging',
    created: c.ago(1300),
    policies: [...AWS_POLICIES, ...stagingApps.policies],
    oidcProviders: [GITHUB],
    samlProviders: ['AWSSSO_5f7c3b1e2d4a6c8e_DO_NOT_DELETE'],
    users: [
      {
        name: 'qa-fixtures-loader',
        path: '/automation/',
        created: c.ago(330),
        tags: { owner: 'team-qa' },
        inline: { 'fixtures-bucket': allow(['s3:PutObject', 's3:GetObject'], 'arn:aws:s3:::acme-staging-fixtures/*', 'Fixtures') },
        keys: [key('staging/qa-fixtures-loader', 'Active', c.ago(70), c.ago(1), 's3')],
      },
    ],
    roles: [
      ...commonRoles(c, staging),
      ...stagingApps.roles,
      serviceLinked(c, 'ecs.amazonaws.com', 'AWSServiceRoleForECS', 'AmazonECSServiceRolePolicy', 0, 1100),
      serviceLinked(c, 'elasticloadbalancing.amazonaws.com', 'AWSServiceRoleForElasticLoadBalancing', 'AWSElasticLoadBalancingServiceRolePolicy', 2, 1100),
      {
        // Can pass any role to a new Lambda function: reaches the roles Lambda may assume (PMapper's standard).
        name: 'lambda-deployer',
        path: '/ci/',
        created: c.ago(260),
        trust: trustGithub(staging, `repo:${DEMO.github.org}/*`, 'StringLike'),
        inline: {
          'deploy-functions': {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'PassAnyRole', Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
              { Sid: 'ManageFunctions', Effect: 'Allow', Action: ['lambda:CreateFunction', 'lambda:UpdateFunctionCode', 'lambda:GetFunction'], Resource: '*' },
            ],
          },
        },
        tags: { owner: 'platform-eng' },
        lastUsed: { date: c.ago(3), region: 'eu-west-1' },
      },
      {
        // Trusts the whole sandbox account (any identity there allowed sts:AssumeRole on it), and may
        // assume the production release admin role: the middle of the sandbox → production chain.
        name: DEMO.aws.stagingRoleName,
        path: '/ci/',
        created: c.ago(280),
        trust: trustAccount(sandbox),
        inline: { promote: allow('sts:AssumeRole', `arn:aws:iam::${prod}:role/ci/${DEMO.aws.prodAdminRoleName}`, 'PromoteToProd') },
        tags: { owner: 'platform-eng' },
        lastUsed: { date: c.ago(2), region: 'eu-west-1' },
      },
      {
        // Not used for seven months: stale, but harmless (read-only).
        name: 'perf-dashboard-reader',
        created: c.ago(500),
        trust: trustService('ec2.amazonaws.com'),
        attached: [`${AWS}/AmazonS3ReadOnlyAccess`],
        tags: { owner: 'team-perf' },
        lastUsed: { date: c.ago(210), region: 'eu-west-1' },
      },
    ],
  };

  // ---------------------------------------------------------------- sandbox
  const sandboxApps = workloadRoles(c, sandbox, 'sandbox', [
    ['ml-notebooks', 'team-data', 'sagemaker.amazonaws.com', ['s3:GetObject', 's3:PutObject', 'sagemaker:CreatePresignedNotebookInstanceUrl']],
    ['prototype-api', 'team-labs', 'lambda.amazonaws.com', ['dynamodb:GetItem', 'dynamodb:PutItem']],
    ['hackathon-bot', 'team-labs', 'lambda.amazonaws.com', ['sqs:SendMessage', 'ssm:GetParameter']],
  ]);
  const sandboxAccount: FakeAccount = {
    id: sandbox,
    name: 'acme-sandbox',
    created: c.ago(900),
    policies: [
      ...AWS_POLICIES,
      ...sandboxApps.policies,
      { arn: `arn:aws:iam::${sandbox}:policy/sandbox-guardrail`, doc: { Version: '2012-10-17', Statement: [{ Sid: 'StayInSandbox', Effect: 'Allow', Action: ['ec2:*', 's3:*', 'lambda:*', 'dynamodb:*', 'logs:*'], Resource: '*' }] }, created: c.ago(600) },
    ],
    samlProviders: ['AWSSSO_5f7c3b1e2d4a6c8e_DO_NOT_DELETE'],
    users: [
      {
        // Its key leaked into the demo repository's smoke test; it may assume the staging release role.
        name: DEMO.aws.sandboxUserName,
        path: '/automation/',
        created: c.ago(200),
        tags: { owner: 'team-labs' },
        inline: { 'smoke-tests': { Version: '2012-10-17', Statement: [{ Sid: 'Smoke', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::acme-sandbox-smoke/*' }, { Sid: 'AssumeStaging', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${staging}:role/ci/*` }] } },
        keys: [{ id: DEMO.aws.sandboxLeakedAccessKeyId, status: 'Active' as const, created: c.ago(150), lastUsed: c.ago(1), service: 'sts', region: 'eu-west-1' }],
      },
      {
        // Admin policy, but capped by a permissions boundary: write, not God-mode.
        name: 'sandbox-provisioner',
        path: '/automation/',
        created: c.ago(300),
        tags: { owner: 'team-labs' },
        attached: [`${AWS}/AdministratorAccess`],
        boundary: `arn:aws:iam::${sandbox}:policy/sandbox-guardrail`,
        keys: [key('sandbox/sandbox-provisioner', 'Active', c.ago(25), c.ago(0, 4), 'ec2')],
      },
    ],
    roles: [
      ...commonRoles(c, sandbox),
      ...sandboxApps.roles,
      {
        name: 'intern-2023-experiments',
        created: c.ago(800),
        trust: trustAccount(sandbox),
        inline: { 'ec2-play': allow(['ec2:RunInstances', 'ec2:TerminateInstances', 'ec2:Describe*'], '*', 'Play') },
        lastUsed: null, // last used ~600 days ago: beyond RoleLastUsed's 400-day window
      },
    ],
  };

  return {
    now,
    callerAccount: mgmt,
    callerUser: 'automation/nhi-scanner',
    accessKeyId: DEMO_CALLER_KEY_ID,
    secretAccessKey: DEMO_CALLER_SECRET,
    accounts: [management, prodAccount, stagingAccount, sandboxAccount],
    org: { id: 'o-acme7x2k9q', pageSize: 2 },
  };
}

export type { FakeUser };
