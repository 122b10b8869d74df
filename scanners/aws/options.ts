// Options of the AWS scanner: flag > environment > `scanners.aws` config section > default.
import { defineOptions, type OptionsOf } from '../../src/scanners/contract.js';
import { MAX_RESPONSE_OPTION, REQUEST_TIMEOUT_OPTION } from '../../src/scanners/toolkit/options.js';
import { MAX_DURATION_OPTION } from '../../src/scanners/toolkit/window.js';
import { OWNERS_OPTIONS } from '../../src/owners/options.js';

export const DEFAULT_ASSUME_ROLE = 'nhi-readonly';

export const AWS_OPTIONS = defineOptions([
  { key: 'profile', flag: '--profile <name>', description: 'Named profile from ~/.aws/config (SSO profiles included)', type: 'string', env: ['AWS_PROFILE'] },
  { key: 'region', flag: '--region <region>', description: 'Region for signing and STS (IAM is global); default us-east-1', type: 'string', env: ['AWS_REGION', 'AWS_DEFAULT_REGION'] },
  { key: 'org', flag: '--org', description: 'Scan every active account of the AWS Organization (AssumeRole into each)', type: 'boolean', default: false },
  { key: 'assumeRole', flag: '--assume-role <name>', description: `Role name to assume in each member account with --org (read-only; default ${DEFAULT_ASSUME_ROLE})`, type: 'string', env: ['NHI_AWS_ASSUME_ROLE'], default: DEFAULT_ASSUME_ROLE },
  { key: 'externalId', flag: '--external-id <id>', description: 'sts:ExternalId to pass when assuming the member-account role', type: 'string', env: ['NHI_AWS_EXTERNAL_ID'] },
  { key: 'accounts', flag: '--accounts <ids>', description: 'With --org: only these account ids (comma-separated)', type: 'string[]' },
  { key: 'endpointUrl', flag: '--endpoint-url <url>', description: 'Endpoint for every AWS service (local emulators); AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work too', type: 'string' },
  { key: 'iamEndpoint', flag: '--iam-endpoint <url>', description: 'IAM endpoint override', type: 'string' },
  { key: 'stsEndpoint', flag: '--sts-endpoint <url>', description: 'STS endpoint override', type: 'string' },
  { key: 'organizationsEndpoint', flag: '--organizations-endpoint <url>', description: 'Organizations endpoint override', type: 'string' },
  { key: 'accessKeyId', flag: '--access-key-id <id>', description: 'Static access key id (tests, emulators); prefer profiles', type: 'string', secret: true },
  { key: 'secretAccessKey', flag: '--secret-access-key <key>', description: 'Static secret access key (tests, emulators)', type: 'string', secret: true },
  { key: 'sessionToken', flag: '--session-token <token>', description: 'Static session token (tests, emulators)', type: 'string', secret: true },
  { key: 'maxAttempts', flag: '--max-attempts <n>', description: 'Attempts per request with the SDK adaptive retry mode (throttling is retried, never fatal until this bound)', type: 'number', env: ['AWS_MAX_ATTEMPTS'], default: 8 },
  { key: 'retryBaseDelayMs', flag: '--retry-base-delay-ms <ms>', description: 'Base retry backoff in ms (default: the SDK own 100 ms / 500 ms when throttled)', type: 'number' },
  { key: 'reportWaitSeconds', flag: '--report-wait <seconds>', description: 'How long to wait for the IAM credential report before falling back to per-user calls', type: 'number', default: 60 },
  { key: 'reportPollMs', flag: '--report-poll-ms <ms>', description: 'Credential report polling interval', type: 'number', default: 2000 },
  REQUEST_TIMEOUT_OPTION,
  MAX_DURATION_OPTION,
  MAX_RESPONSE_OPTION,
  ...OWNERS_OPTIONS,
  { key: 'cloudtrailEndpoint', flag: '--cloudtrail-endpoint <url>', description: 'CloudTrail endpoint override (owners from logs)', type: 'string' },
  { key: 'cloudtrailRate', flag: '--cloudtrail-rate <n>', description: 'LookupEvents requests per second per account (AWS allows 2)', type: 'number', default: 2, min: 0.1 },
]);

/** The AWS scanner's options, typed from the list above. */
export type AwsOptions = OptionsOf<typeof AWS_OPTIONS>;
