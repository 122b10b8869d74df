// Options of the gcp scanner: which projects, how to authenticate, where the APIs live
// (private/restricted endpoints), and how patient to be with quotas.
import { defineOptions, type OptionsOf } from '../../src/scanners/contract.js';
import { REQUEST_TIMEOUT_OPTION } from '../../src/scanners/toolkit/options.js';
import { MAX_DURATION_OPTION } from '../../src/scanners/toolkit/window.js';
import { OWNERS_OPTIONS } from '../../src/owners/options.js';


export const GCP_OPTIONS = defineOptions([
  {
    key: 'project',
    flag: '--project <id>',
    description: 'Project id to scan (repeat or comma-separate); default: every project the credentials can see',
    type: 'string[]',
    env: ['NHI_GCP_PROJECTS'],
  },
  { key: 'org', flag: '--org <id>', description: 'Organisation id: scan the projects under organizations/<id>', type: 'string', env: ['NHI_GCP_ORG'] },
  {
    key: 'domain',
    flag: '--domain <domain>',
    description: "Your domains besides the organisation's (members of other domains are external); repeat or comma-separate",
    type: 'string[]',
  },
  {
    key: 'ownerDescriptionPrefix',
    flag: '--owner-description-prefix <prefix>',
    description: "A service-account description line starting with this names its owner (e.g. 'owner:')",
    type: 'string',
  },
  { key: 'skipActivity', flag: '--skip-activity', description: 'Do not query Policy Analyzer for last authentication', type: 'boolean', default: false },
  {
    key: 'keyFile',
    flag: '--key-file <path>',
    description: 'Credentials JSON file (default: Application Default Credentials)',
    type: 'string',
    env: ['GOOGLE_APPLICATION_CREDENTIALS'],
  },
  {
    key: 'accessToken',
    flag: '--access-token <token>',
    description: 'An OAuth2 access token to use instead of Application Default Credentials',
    type: 'string',
    env: ['NHI_GCP_ACCESS_TOKEN', 'CLOUDSDK_AUTH_ACCESS_TOKEN'],
    secret: true,
  },
  {
    key: 'quotaProject',
    flag: '--quota-project <id>',
    description: 'Project billed for API quota (sent as x-goog-user-project)',
    type: 'string',
    env: ['GOOGLE_CLOUD_QUOTA_PROJECT'],
  },
  {
    key: 'resourceManagerEndpoint',
    flag: '--resource-manager-endpoint <url>',
    description: 'Cloud Resource Manager endpoint (private/restricted Google APIs), e.g. https://cloudresourcemanager.p.googleapis.com',
    type: 'string',
  },
  { key: 'iamEndpoint', flag: '--iam-endpoint <url>', description: 'IAM API endpoint, e.g. https://iam.p.googleapis.com', type: 'string' },
  {
    key: 'policyAnalyzerEndpoint',
    flag: '--policy-analyzer-endpoint <url>',
    description: 'Policy Analyzer endpoint, e.g. https://policyanalyzer.p.googleapis.com',
    type: 'string',
  },
  { key: 'maxRetries', flag: '--max-retries <n>', description: 'Retries of a throttled or unavailable request', type: 'number', default: 6 },
  { key: 'retryBaseMs', flag: '--retry-base-ms <ms>', description: 'First retry delay (doubles per retry; Retry-After wins)', type: 'number', default: 1000 },
  REQUEST_TIMEOUT_OPTION,
  MAX_DURATION_OPTION,
  { key: 'pageSize', flag: '--page-size <n>', description: 'Page size of list calls', type: 'number', default: 100 },
  ...OWNERS_OPTIONS,
  { key: 'loggingEndpoint', flag: '--logging-endpoint <url>', description: 'Cloud Logging API endpoint (owners from logs), e.g. https://logging.p.googleapis.com', type: 'string' },
]);

/** The GCP scanner's options, typed from the list above. */
export type GcpOptions = OptionsOf<typeof GCP_OPTIONS>;
