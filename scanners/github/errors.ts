// What each endpoint needs, and how a failed request becomes a scan error (with the
// scope or permission that fixes it) or a note (an endpoint the organisation does not have).
import type { ErrorRecord, NoteRecord } from '../../src/model/records.js';
import type { ExplainedError } from '../../src/scanners/contract.js';
import { ConfigError } from '../../src/errors.js';
import { networkFault } from '../../src/scanners/toolkit/index.js';
import { RateLimitWaitError } from './client.js';

export interface EndpointSpec {
  /** Operation name shown in scan errors and progress. */
  op: string;
  /** What grants read access, for the `fix` of a 403/404. */
  needs: string;
  /** A 404 here means the organisation does not have the feature: a note, not an error. */
  notFoundNote?: string;
}

export const ENDPOINTS = {
  members: {
    op: 'GET /orgs/{org}/members',
    needs: 'classic token: read:org; GitHub App / fine-grained token: Organization permission "Members: read"',
  },
  outsideCollaborators: {
    op: 'GET /orgs/{org}/outside_collaborators',
    needs: 'classic token: read:org; GitHub App / fine-grained token: Organization permission "Members: read"',
  },
  installations: {
    op: 'GET /orgs/{org}/installations',
    needs: 'an organisation owner\'s classic token with read:org (GitHub documents admin:read); GitHub App / fine-grained token: Organization permission "Administration: read"',
  },
  app: {
    op: 'GET /apps/{app_slug}',
    needs: 'nothing (public endpoint); a private app of another owner cannot be read',
  },
  patGrants: {
    op: 'GET /orgs/{org}/personal-access-tokens',
    needs: 'authenticate as a GitHub App (only Apps may call this endpoint: --app-id, --app-private-key) with Organization permission "Personal access tokens: read"',
  },
  patRequests: {
    op: 'GET /orgs/{org}/personal-access-token-requests',
    needs: 'authenticate as a GitHub App (only Apps may call this endpoint) with Organization permission "Personal access token requests: read"',
  },
  patRepositories: {
    op: 'GET /orgs/{org}/personal-access-tokens/{pat_id}/repositories',
    needs: 'a GitHub App with Organization permission "Personal access tokens: read"',
  },
  credentialAuthorizations: {
    op: 'GET /orgs/{org}/credential-authorizations',
    needs: 'an organisation owner\'s classic token with read:org (GitHub Enterprise Cloud with SAML SSO; GitHub Apps cannot read it)',
    notFoundNote: 'the organisation does not use SAML single sign-on (or is not on GitHub Enterprise Cloud), so there are no SAML credential authorizations to list',
  },
  organization: {
    op: 'GET /orgs/{org}',
    needs: 'an organisation owner\'s classic token with read:org; GitHub App / fine-grained token: Organization permission "Administration: read" (the member privilege fields are shown only to owners)',
  },
  hooks: {
    op: 'GET /orgs/{org}/hooks',
    needs: 'an organisation owner\'s classic token with admin:org_hook; GitHub App / fine-grained token: Organization permission "Webhooks: read"',
  },
  orgSecrets: {
    op: 'GET /orgs/{org}/actions/secrets',
    needs: 'classic token: admin:org (and repo for private repositories); GitHub App / fine-grained token: Organization permission "Secrets: read"',
  },
  dependabotSecrets: {
    op: 'GET /orgs/{org}/dependabot/secrets',
    needs: 'classic token: admin:org; GitHub App / fine-grained token: Organization permission "Dependabot secrets: read"',
  },
  repos: {
    op: 'GET /orgs/{org}/repos',
    needs: 'classic token: repo (for private repositories); GitHub App / fine-grained token: Repository permission "Metadata: read" on all repositories',
  },
  deployKeys: {
    op: 'GET /repos/{owner}/{repo}/keys',
    needs: 'admin access to the repository; classic token: repo; GitHub App / fine-grained token: Repository permission "Administration: read"',
  },
  repoHooks: {
    op: 'GET /repos/{owner}/{repo}/hooks',
    needs: 'admin access to the repository; classic token: repo (or admin:repo_hook); GitHub App / fine-grained token: Repository permission "Webhooks: read"',
  },
  environments: {
    op: 'GET /repos/{owner}/{repo}/environments',
    needs: 'classic token: repo; GitHub App / fine-grained token: Repository permission "Actions: read"',
  },
  environmentSecrets: {
    op: 'GET /repos/{owner}/{repo}/environments/{environment_name}/secrets',
    needs: 'classic token: repo; GitHub App / fine-grained token: Repository permission "Secrets: read" (fine-grained tokens: "Environments: read")',
  },
  repoSecrets: {
    op: 'GET /repos/{owner}/{repo}/actions/secrets',
    needs: 'classic token: repo; GitHub App / fine-grained token: Repository permission "Secrets: read"',
  },
  secretScanning: {
    op: 'GET /orgs/{org}/secret-scanning/alerts',
    needs: 'an organisation owner or security manager; classic token: security_events (or repo); GitHub App / fine-grained token: Repository permission "Secret scanning alerts: read"',
    notFoundNote: 'secret scanning is not enabled for the organisation\'s repositories (GitHub Advanced Security / Secret Protection), so there are no alerts to list',
  },
  teams: {
    op: 'GET /orgs/{org}/teams',
    needs: 'classic token: read:org; GitHub App / fine-grained token: Organization permission "Members: read"',
  },
  teamRepos: {
    op: 'GET /orgs/{org}/teams/{team_slug}/repos',
    needs: 'classic token: read:org and repo; GitHub App / fine-grained token: Organization permission "Members: read" and Repository permission "Metadata: read"',
  },
  repoCollaborators: {
    op: 'GET /repos/{owner}/{repo}/collaborators',
    needs: 'write access to the repository; classic token: read:org and repo; GitHub App / fine-grained token: Repository permission "Metadata: read"',
  },
  codeSearch: {
    op: 'GET /search/code',
    needs: 'classic token: repo; GitHub App / fine-grained token: Repository permission "Contents: read"',
  },
} satisfies Record<string, EndpointSpec>;

/** A setup problem found while preparing a target, with its code and fix. */
export class GitHubSetupError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'GitHubSetupError';
  }
}

interface HttpishError {
  status?: number;
  message?: string;
  name?: string;
  code?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

export function httpStatus(err: unknown): number | undefined {
  const s = (err as HttpishError)?.status;
  return typeof s === 'number' ? s : undefined;
}

export function isRateLimited(err: unknown): boolean {
  const e = err as HttpishError;
  if (e?.status === 429) return true;
  if (e?.status !== 403) return false;
  return e.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '');
}

/** GitHub's error message without the documentation URL noise, and never longer than a line. */
function shortMessage(err: unknown): string {
  const m = (err as HttpishError)?.message ?? String(err);
  return m.replace(/\s*-\s*https:\/\/docs\.github\.com\S*/g, '').slice(0, 300);
}

/** A failed list call: a note when the feature is absent, otherwise an error naming the fix. */
export function failureRecord(spec: EndpointSpec, err: unknown, resource?: string): ErrorRecord | NoteRecord {
  const status = httpStatus(err);
  if (status === 404 && spec.notFoundNote) return { type: 'note', operation: spec.op, message: spec.notFoundNote };
  const ex = explainGitHubError(err);
  const denied = !isRateLimited(err) && (status === 403 || status === 404 || status === 401);
  const fix = denied ? `Grant: ${spec.needs}.` : (ex.fix ?? null);
  return { type: 'error', operation: spec.op, code: ex.code, message: shortMessage(err), fix, resource: resource ?? null };
}

/** Map a thrown Octokit/network error to a code and what fixes it. */
export function explainGitHubError(err: unknown): ExplainedError {
  const e = err as HttpishError;
  if (e?.name === 'AbortError') return { code: 'aborted', message: 'scan interrupted' };
  if (err instanceof GitHubSetupError) return { code: err.code, fix: err.fix, message: err.message };
  if (err instanceof ConfigError) return { code: 'config', fix: err.hint, message: err.message };
  const fault = networkFault(err);
  if (fault) return { code: fault.code, fix: fault.fix, message: fault.message };
  if (err instanceof RateLimitWaitError) return { code: err.code, fix: err.fix, message: err.message };
  const status = httpStatus(err);
  const code = e?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  // Octokit reports an unreachable host as a RequestError with status 500 and "fetch failed".
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || /fetch failed|ECONNREFUSED|ENOTFOUND/i.test(e?.message ?? '')) {
    return { code: 'network', fix: 'Check network access to the GitHub API and the --github-url / GITHUB_API_URL setting.' };
  }
  if (isRateLimited(err)) {
    return { code: 'rate-limited', fix: 'The rate limit did not clear within the retry budget; rerun later, raise --max-retries, or scan as a GitHub App (higher limits).' };
  }
  switch (status) {
    case 401:
      return { code: 'unauthorized', fix: 'Provide a valid token (--token, GITHUB_TOKEN or GH_TOKEN) or GitHub App credentials (--app-id, --app-private-key, --app-installation-id).' };
    case 403:
      return { code: 'forbidden', fix: 'The token lacks a scope or permission: see the GitHub scanner README for the read-only scopes (read:org, admin:org_hook, repo, security_events) or App permissions.' };
    case 404:
      return { code: 'not-found', fix: 'Check the organisation name (--org) and that the token\'s user or the App installation can see it; GitHub answers 404 when a token may not read a resource.' };
    default:
      break;
  }
  if (typeof status === 'number' && status >= 500) return { code: `http-${status}`, fix: 'GitHub returned a server error after retries; rerun the scan.' };
  return { code: typeof status === 'number' ? `http-${status}` : 'error' };
}
