import type { EnvironmentConfig } from '../reach/environment.js';
// Names and ids the demo estate shares across providers, so the parts tell one story:
// the access key leaked in the sample repository belongs to the AWS God-mode CI user.
export const DEMO = {
  company: 'Acme Corp',
  domain: 'acme.example',
  aws: {
    managementAccount: '111111111111',
    accounts: { prod: '222222222222', staging: '333333333333', sandbox: '444444444444' },
    /** The God-mode CI user whose 400-day-old key leaked into the sample repository. */
    ciUserName: 'ci-deployer',
    ciUserAccount: '222222222222',
    leakedAccessKeyId: 'AKIAQ3EFXZ2L7KPRW4TM',
    /**
     * The reach story: a sandbox user whose key leaked into a smoke-test script may assume a
     * staging release role (which trusts the sandbox account), which may assume an admin role in production.
     */
    sandboxUserName: 'sandbox-ci-runner',
    sandboxLeakedAccessKeyId: ['AKIA', 'W5SB', 'X3QK', 'L7MN', 'R2TD'].join(''),
    stagingRoleName: 'staging-release',
    prodAdminRoleName: 'prod-release-admin',
  },
  github: { org: 'acme-corp', departedMember: 'former-contractor' },
  azure: {
    tenantId: '72f988bf-0000-4000-8000-00000000a11c',
    subscriptions: { prod: '8d3f1a2b-1111-4c5d-9e8f-000000000001', dev: '8d3f1a2b-2222-4c5d-9e8f-000000000002' },
  },
  gcp: { organizationId: '123456789012', projects: ['acme-prod', 'acme-data', 'acme-ci'] },
  repo: { name: 'acme-deploy-scripts' },
} as const;

/** Which parts of the demo estate are production, for the environment-crossing rule and reach. */
export const DEMO_ENVIRONMENTS = {
  scopes: {
    [`aws:${DEMO.aws.accounts.prod}`]: 'prod',
    [`aws:${DEMO.aws.accounts.staging}`]: 'non-prod',
    [`aws:${DEMO.aws.accounts.sandbox}`]: 'non-prod',
    'gcp:acme-prod': 'prod',
    'gcp:acme-data': 'prod',
    'gcp:acme-ci': 'non-prod',
    'projects/acme-prod': 'prod',
    'projects/acme-data': 'prod',
    'projects/acme-ci': 'non-prod',
  },
  patterns: [
    { pattern: `/subscriptions/${DEMO.azure.subscriptions.prod}*`, environment: 'prod' },
    { pattern: `/subscriptions/${DEMO.azure.subscriptions.dev}*`, environment: 'non-prod' },
  ],
} as const satisfies EnvironmentConfig;
