// Options of the gcp scanner: which projects, how to authenticate, where the APIs live
// (private/restricted endpoints), and how patient to be with quotas.
import type { ScannerOption } from '../../src/scanners/contract.js';
import { REQUEST_TIMEOUT_OPTION, type NetworkOptions } from '../../src/scanners/toolkit/options.js';

export interface GcpOptions extends NetworkOptions {
  /** Project ids to scan; empty = every project searchProjects returns (under --org when given). */
  project?: string[];
  /** Organisation id: scan every project whose ancestry reaches organizations/<id>. */
  org?: string;
  /** Domains that are yours besides the organisation's own (members from other domains are external). */
  domain?: string[];
  /** A service-account description line starting with this names the owner (e.g. `owner:`). */
  ownerDescriptionPrefix?: string;
  /** Skip the Policy Analyzer activity queries (no last-use data then). */
  skipActivity?: boolean;
  /** Explicit credentials file (otherwise Application Default Credentials). */
  keyFile?: string;
  /** A ready OAuth access token (tests, short-lived CI tokens). */
  accessToken?: string;
  /** Project billed for the API quota (x-goog-user-project), e.g. when user credentials need one for Policy Analyzer. */
  quotaProject?: string;
  /** Cloud Resource Manager endpoint, e.g. https://cloudresourcemanager.p.googleapis.com */
  resourceManagerEndpoint?: string;
  /** IAM endpoint, e.g. https://iam.p.googleapis.com */
  iamEndpoint?: string;
  /** Policy Analyzer endpoint, e.g. https://policyanalyzer.p.googleapis.com */
  policyAnalyzerEndpoint?: string;
  /** Retries of a throttled (429/RESOURCE_EXHAUSTED) or unavailable (5xx) request. */
  maxRetries?: number;
  /** First retry delay in ms (doubles each retry, Retry-After wins when given). */
  retryBaseMs?: number;
  /** Page size asked of list calls. */
  pageSize?: number;
}

export const GCP_OPTIONS: ScannerOption[] = [
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
  { key: 'pageSize', flag: '--page-size <n>', description: 'Page size of list calls', type: 'number', default: 100 },
];
