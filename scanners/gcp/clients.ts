// Clients built per scan from options: Application Default Credentials (or an explicit key
// file / access token), the resource manager clients on their REST transport, the IAM v1
// client, and plain authorised REST calls for Policy Analyzer (no dedicated client).
// Endpoint overrides point all of them at private/restricted Google APIs endpoints, or at
// a local endpoint in tests and the demo.
import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import { iam, type iam_v1 } from '@googleapis/iam';
import { GoogleAuth, OAuth2Client, type AuthClient } from 'google-auth-library';
import type { GcpOptions } from './options.js';
import { attemptSignal } from './call.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface Endpoint {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  /** `https://host[:port]` without a trailing slash. */
  origin: string;
}

/** Parse `https://host`, `host`, `host:port` or `http://127.0.0.1:8080` into an endpoint. */
export function parseEndpoint(value: string): Endpoint {
  const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `https://${value}`;
  const u = new URL(withScheme);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  const port = u.port ? Number(u.port) : protocol === 'http' ? 80 : 443;
  return { protocol, host: u.hostname, port, origin: `${protocol}://${u.host}` };
}

export interface GcpClients {
  auth: AuthClient;
  projects: ProjectsClient;
  folders: FoldersClient;
  organizations: OrganizationsClient;
  iam: iam_v1.Iam;
  /** Base URL of Policy Analyzer, no trailing slash. */
  policyAnalyzerUrl: string;
  close(): Promise<void>;
}

export async function buildAuth(options: GcpOptions): Promise<AuthClient> {
  let client: AuthClient;
  if (options.accessToken) {
    // A token handed over as is: no refresh, no token endpoint contacted.
    const c = new OAuth2Client();
    c.setCredentials({ access_token: options.accessToken });
    client = c;
  } else {
    const ga = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], keyFilename: options.keyFile || undefined });
    // Without a key file or gcloud credentials, google-auth-library pings the metadata server; off
    // Google Cloud that ping can print Node's MetadataLookupWarning and wait. Decide from the BIOS
    // and the serverless environment instead, unless the user chose a detection mode.
    const chosen = process.env.METADATA_SERVER_DETECTION;
    if (chosen === undefined) process.env.METADATA_SERVER_DETECTION = 'bios-only';
    try {
      client = (await ga.getClient()) as AuthClient;
    } finally {
      if (chosen === undefined) delete process.env.METADATA_SERVER_DETECTION;
    }
  }
  // Sent as x-goog-user-project on every request.
  if (options.quotaProject) client.quotaProjectId = options.quotaProject;
  return client;
}

/** Per-request timeout of the IAM and Policy Analyzer calls (the resource manager clients have their own 60 s). */
export const REQUEST_TIMEOUT_MS = 60_000;

function gaxOptions(auth: AuthClient, endpoint: string | undefined) {
  const base = { fallback: true as const, authClient: auth };
  if (!endpoint) return base;
  const e = parseEndpoint(endpoint);
  return { ...base, apiEndpoint: e.host, port: e.port, protocol: e.protocol };
}

/**
 * google-gax's REST transport fetches through the auth client and passes no caller signal: give
 * each of its fetches the signal of the call() attempt it runs in.
 */
function fetchWithAttemptSignal(auth: AuthClient): void {
  const plain = auth.fetch.bind(auth) as (input: unknown, init?: { signal?: AbortSignal }) => ReturnType<AuthClient['fetch']>;
  auth.fetch = ((input: unknown, init?: { signal?: AbortSignal }) => {
    const attempt = attemptSignal();
    if (!attempt) return plain(input, init);
    const signal = init?.signal ? AbortSignal.any([init.signal, attempt]) : attempt;
    return plain(input, { ...init, signal });
  }) as AuthClient['fetch'];
}

export async function buildClients(options: GcpOptions): Promise<GcpClients> {
  const auth = await buildAuth(options);
  fetchWithAttemptSignal(auth);
  // `protocol` is read by google-gax's REST transport though the generated option types omit it.
  const rm = gaxOptions(auth, options.resourceManagerEndpoint) as unknown as ConstructorParameters<typeof ProjectsClient>[0];
  const projects = new ProjectsClient(rm);
  const folders = new FoldersClient(rm);
  const organizations = new OrganizationsClient(rm);
  const iamClient = iam({
    version: 'v1',
    auth: auth as never,
    ...(options.iamEndpoint ? { rootUrl: `${parseEndpoint(options.iamEndpoint).origin}/` } : {}),
  });
  const policyAnalyzerUrl = options.policyAnalyzerEndpoint ? parseEndpoint(options.policyAnalyzerEndpoint).origin : 'https://policyanalyzer.googleapis.com';
  return {
    auth,
    projects,
    folders,
    organizations,
    iam: iamClient,
    policyAnalyzerUrl,
    async close() {
      await Promise.allSettled([projects.close(), folders.close(), organizations.close()]);
    },
  };
}
