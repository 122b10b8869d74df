// GitHub REST shapes the scanner reads, taken from GitHub's published OpenAPI description
// (@octokit/openapi-types), so normalization code and test fixtures fail to compile when
// they drift from the real API. Type-only imports: nothing here exists at run time.
import type { components } from '@octokit/openapi-types';

type S = components['schemas'];

export type SimpleUser = S['simple-user'];
export type OrganizationFull = S['organization-full'];
export type MinimalRepository = S['minimal-repository'];
export type SimpleRepository = S['simple-repository'];
export type Installation = S['installation'];
export type AppPermissions = S['app-permissions'];
export type Integration = NonNullable<S['integration']>;
export type PatGrant = S['organization-programmatic-access-grant'];
export type PatGrantRequest = S['organization-programmatic-access-grant-request'];
export type DeployKey = S['deploy-key'];
export type OrgActionsSecret = S['organization-actions-secret'];
export type ActionsSecret = S['actions-secret'];
export type OrgDependabotSecret = S['organization-dependabot-secret'];
export type OrgHook = S['org-hook'];
export type RepoHook = S['hook'];
export type Environment = S['environment'];
export type SecretScanningAlert = S['organization-secret-scanning-alert'];
export type SecretScanningLocationCommit = S['secret-scanning-location-commit'];
export type CodeSearchResult = S['code-search-result-item'];
export type Team = S['team'];
export type Collaborator = S['collaborator'];

/**
 * GET /orgs/{org}/credential-authorizations item. This endpoint exists only on GitHub
 * Enterprise Cloud, and the api.github.com description that @octokit/openapi-types is
 * generated from does not carry it; this mirrors the `credential-authorization` schema of
 * GitHub's GHEC description (same field names, same optionality).
 */
export interface CredentialAuthorization {
  /** User login that owns the underlying credential. */
  login: string;
  credential_id: number;
  /** Human-readable type: "personal access token", "SSH key", … */
  credential_type: string;
  /** Only for personal access tokens. */
  token_last_eight?: string;
  credential_authorized_at: string;
  scopes?: string[];
  /** Only for SSH keys. */
  fingerprint?: string;
  credential_accessed_at: string | null;
  authorized_credential_id: number | null;
  /** Only for SSH keys. */
  authorized_credential_title?: string | null;
  /** Only for tokens. */
  authorized_credential_note?: string | null;
  /** Only for tokens; null when the token never expires. */
  authorized_credential_expires_at?: string | null;
}
