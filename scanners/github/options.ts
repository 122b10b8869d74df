// Options of the GitHub scanner: flag > environment > `scanners.github` config section > default.
import { defineOptions, type OptionsOf } from '../../src/scanners/contract.js';
import { MAX_RESPONSE_OPTION, MAX_WAIT_OPTION, REQUEST_TIMEOUT_OPTION } from '../../src/scanners/toolkit/options.js';
import { MAX_DURATION_OPTION } from '../../src/scanners/toolkit/window.js';
import { OWNERS_OPTIONS } from '../../src/owners/options.js';


export const GITHUB_OPTIONS = defineOptions([
  { key: 'org', flag: '--org <org>', description: 'Organisation to scan (repeatable; default: every organisation the token or App can see)', type: 'string[]', env: ['NHI_GITHUB_ORGS'] },
  { key: 'token', flag: '--token <token>', description: 'Token: an organisation owner\'s classic PAT (read:org, admin:org_hook, admin:org, repo, security_events) or a fine-grained token; may be combined with App credentials', type: 'string', env: ['GITHUB_TOKEN', 'GH_TOKEN'], secret: true },
  { key: 'githubUrl', flag: '--github-url <url>', description: 'REST API base URL (GitHub Enterprise Server: https://HOST/api/v3)', type: 'string', env: ['GITHUB_API_URL'], default: 'https://api.github.com' },
  { key: 'appId', flag: '--app-id <id>', description: 'GitHub App id (authenticate as an App; with --token too, the token reads only SAML credential authorizations)', type: 'string', env: ['GITHUB_APP_ID'] },
  { key: 'appPrivateKey', flag: '--app-private-key <pem-or-path>', description: 'GitHub App private key (PEM text or path to the .pem file)', type: 'string', env: ['GITHUB_APP_PRIVATE_KEY'], secret: true },
  { key: 'appInstallationId', flag: '--app-installation-id <id>', description: 'Installation id of the App (default: found per organisation)', type: 'string', env: ['GITHUB_APP_INSTALLATION_ID'] },
  { key: 'skipRepos', flag: '--skip-repos', description: 'Do not read every repository for deploy keys, webhooks, environments and Actions secrets (4+ requests per repository)', type: 'boolean', default: false },
  { key: 'skipOidcSearch', flag: '--skip-oidc-search', description: 'Do not run the one code search per organisation that finds workflows requesting OIDC tokens (id-token: write)', type: 'boolean', default: false },
  { key: 'maxRetries', flag: '--max-retries <n>', description: 'Retries per request on rate limits and server errors before it becomes a scan error', type: 'number', default: 5 },
  { key: 'retryBaseMs', flag: '--retry-base-ms <ms>', description: 'Milliseconds per second of GitHub\'s retry-after (1000 = honour it exactly; lower only for tests)', type: 'number', default: 1000 },
  MAX_WAIT_OPTION,
  REQUEST_TIMEOUT_OPTION,
  MAX_DURATION_OPTION,
  MAX_RESPONSE_OPTION,
  ...OWNERS_OPTIONS,
]);

/** The GitHub scanner's options, typed from the list above. */
export type GitHubOptions = OptionsOf<typeof GITHUB_OPTIONS>;
