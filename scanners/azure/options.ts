// Options of the azure scanner: which tenant and subscriptions, which cloud, how to
// authenticate, where the APIs live (sovereign clouds, private endpoints, local emulators).
import { defineOptions, type OptionsOf } from '../../src/scanners/contract.js';
import { REQUEST_TIMEOUT_OPTION } from '../../src/scanners/toolkit/options.js';
import { MAX_DURATION_OPTION } from '../../src/scanners/toolkit/window.js';
import { OWNERS_OPTIONS } from '../../src/owners/options.js';

export const AZURE_CLOUDS = ['AzurePublicCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type AzureCloud = (typeof AZURE_CLOUDS)[number];


export const AZURE_OPTIONS = defineOptions([
  {
    key: 'tenant',
    flag: '--tenant <id>',
    description: 'Tenant (directory) id; default: the tenant of the credential / of the visible subscriptions',
    type: 'string',
    env: ['AZURE_TENANT_ID'],
  },
  {
    key: 'subscription',
    flag: '--subscription <id>',
    description: 'Subscription id to scan (repeat or comma-separate); default: every subscription the credential can list',
    type: 'string[]',
    env: ['NHI_AZURE_SUBSCRIPTIONS'],
  },
  {
    key: 'azureCloud',
    flag: '--azure-cloud <name>',
    description: `Cloud: ${AZURE_CLOUDS.join(' | ')}`,
    type: 'string',
    env: ['AZURE_CLOUD'],
    default: 'AzurePublicCloud',
  },
  { key: 'armEndpoint', flag: '--arm-endpoint <url>', description: 'Azure Resource Manager endpoint override (private endpoint, emulator)', type: 'string' },
  { key: 'graphEndpoint', flag: '--graph-endpoint <url>', description: 'Microsoft Graph endpoint override (private endpoint, emulator)', type: 'string' },
  { key: 'skipGraph', flag: '--skip-graph', description: 'Do not read Microsoft Graph (directory): subscriptions only', type: 'boolean', default: false },
  {
    key: 'skipSignInActivity',
    flag: '--skip-sign-in-activity',
    description: 'Do not read the sign-in activity reports (no last-use data then)',
    type: 'boolean',
    default: false,
  },
  {
    key: 'accessToken',
    flag: '--access-token <token>',
    description: 'Static bearer token for every request instead of DefaultAzureCredential (local emulators and tests)',
    type: 'string',
    env: ['NHI_AZURE_ACCESS_TOKEN'],
    secret: true,
  },
  {
    key: 'emulator',
    flag: '--emulator',
    description: 'Local emulator mode: reach https endpoints on 127.0.0.1/localhost over plain HTTP (refused for other hosts)',
    type: 'boolean',
    default: false,
  },
  { key: 'maxRetries', flag: '--max-retries <n>', description: 'Retries of a throttled (429) or failing (5xx) request', type: 'number', default: 6 },
  { key: 'retryDelayMs', flag: '--retry-delay-ms <ms>', description: 'First retry delay in ms (Retry-After wins when sent)', type: 'number', default: 1000 },
  { key: 'pageSize', flag: '--page-size <n>', description: 'Page size asked of Microsoft Graph list calls ($top, max 999)', type: 'number', default: 999 },
  REQUEST_TIMEOUT_OPTION,
  MAX_DURATION_OPTION,
  ...OWNERS_OPTIONS,
]);

/** The Azure scanner's options, typed from the list above. */
export type AzureOptions = OptionsOf<typeof AZURE_OPTIONS>;

export interface CloudEndpoints {
  arm: string;
  graph: string;
  /** Authority host for DefaultAzureCredential. */
  authority: string;
}

export const CLOUD_ENDPOINTS: Record<AzureCloud, CloudEndpoints> = {
  AzurePublicCloud: { arm: 'https://management.azure.com', graph: 'https://graph.microsoft.com', authority: 'https://login.microsoftonline.com' },
  AzureUSGovernment: { arm: 'https://management.usgovcloudapi.net', graph: 'https://graph.microsoft.us', authority: 'https://login.microsoftonline.us' },
  AzureChinaCloud: { arm: 'https://management.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn', authority: 'https://login.chinacloudapi.cn' },
};

export interface ResolvedEndpoints {
  cloud: AzureCloud;
  arm: string;
  graph: string;
  authority: string;
  /** Token scopes: the cloud's own audience even when the endpoint is overridden. */
  armScope: string;
  graphScope: string;
}

const trim = (u: string) => u.replace(/\/+$/, '');

export function resolveEndpoints(o: AzureOptions): ResolvedEndpoints {
  // `AzureCloud` is the Azure CLI's name for the public cloud.
  const cloud = ((o.azureCloud as string | undefined) === 'AzureCloud' ? 'AzurePublicCloud' : (o.azureCloud ?? 'AzurePublicCloud')) as AzureCloud;
  const base = CLOUD_ENDPOINTS[cloud];
  if (!base) throw new Error(`unknown --azure-cloud "${String(o.azureCloud)}" (expected ${AZURE_CLOUDS.join(', ')})`);
  return {
    cloud,
    arm: trim(o.armEndpoint ?? base.arm),
    graph: trim(o.graphEndpoint ?? base.graph),
    authority: base.authority,
    armScope: `${base.arm}/.default`,
    graphScope: `${base.graph}/.default`,
  };
}
