// Factories for GitHub REST payloads, typed against GitHub's published OpenAPI description
// (@octokit/openapi-types via ../wire.ts): a field renamed or retyped upstream fails `tsc`.
// Shared by the demo estate and the tests.
import { createHash } from 'node:crypto';
import type { components, operations } from '@octokit/openapi-types';
import type {
  ActionsSecret,
  AppPermissions,
  CodeSearchResult,
  CredentialAuthorization,
  DeployKey,
  Environment,
  Installation,
  Integration,
  MinimalRepository,
  OrgActionsSecret,
  OrgHook,
  OrganizationFull,
  RepoHook,
  PatGrant,
  PatGrantRequest,
  SecretScanningAlert,
  SimpleRepository,
  SimpleUser,
} from '../wire.js';

const WEB = 'https://github.com';
const API = 'https://api.github.com';

export type InstallationToken = components['schemas']['installation-token'];
export type OrganizationSimple = components['schemas']['organization-simple'];
export type CodeSearchResponse = operations['search/code']['responses'][200]['content']['application/json'];

function numId(seed: string): number {
  return 1_000_000 + (createHash('sha256').update(seed).digest().readUInt32BE(0) % 90_000_000);
}

/** GET /orgs/{org} as an owner sees it: the member privileges included. */
export function organization(login: string, o: { defaultRepositoryPermission: 'read' | 'write' | 'admin' | 'none' | null; membersCanCreateRepositories?: boolean; createdAt?: string }): OrganizationFull {
  const created = o.createdAt ?? '2019-03-01T09:00:00Z';
  // The same organisation as the one listed (orgSimple), with what only the full read adds.
  return {
    ...orgSimple(login),
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${WEB}/${login}`,
    type: 'Organization',
    created_at: created,
    updated_at: created,
    archived_at: null,
    ...(o.defaultRepositoryPermission ? { default_repository_permission: o.defaultRepositoryPermission } : {}),
    members_can_create_repositories: o.membersCanCreateRepositories ?? true,
  };
}

export function user(login: string, type: 'User' | 'Bot' | 'Organization' = 'User', id = numId(`user:${login}`)): SimpleUser {
  const u = `${API}/users/${login}`;
  return {
    login,
    id,
    node_id: `U_${Buffer.from(login).toString('base64url')}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: u,
    html_url: `${WEB}/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type,
    site_admin: false,
    user_view_type: 'public',
  };
}

function repoUrls(full: string): Omit<SimpleRepository, 'id' | 'node_id' | 'name' | 'full_name' | 'owner' | 'private' | 'description' | 'fork'> {
  const r = `${API}/repos/${full}`;
  return {
    html_url: `${WEB}/${full}`,
    url: r,
    archive_url: `${r}/{archive_format}{/ref}`,
    assignees_url: `${r}/assignees{/user}`,
    blobs_url: `${r}/git/blobs{/sha}`,
    branches_url: `${r}/branches{/branch}`,
    collaborators_url: `${r}/collaborators{/collaborator}`,
    comments_url: `${r}/comments{/number}`,
    commits_url: `${r}/commits{/sha}`,
    compare_url: `${r}/compare/{base}...{head}`,
    contents_url: `${r}/contents/{+path}`,
    contributors_url: `${r}/contributors`,
    deployments_url: `${r}/deployments`,
    downloads_url: `${r}/downloads`,
    events_url: `${r}/events`,
    forks_url: `${r}/forks`,
    git_commits_url: `${r}/git/commits{/sha}`,
    git_refs_url: `${r}/git/refs{/sha}`,
    git_tags_url: `${r}/git/tags{/sha}`,
    issue_comment_url: `${r}/issues/comments{/number}`,
    issue_events_url: `${r}/issues/events{/number}`,
    issues_url: `${r}/issues{/number}`,
    keys_url: `${r}/keys{/key_id}`,
    labels_url: `${r}/labels{/name}`,
    languages_url: `${r}/languages`,
    merges_url: `${r}/merges`,
    milestones_url: `${r}/milestones{/number}`,
    notifications_url: `${r}/notifications{?since,all,participating}`,
    pulls_url: `${r}/pulls{/number}`,
    releases_url: `${r}/releases{/id}`,
    stargazers_url: `${r}/stargazers`,
    statuses_url: `${r}/statuses/{sha}`,
    subscribers_url: `${r}/subscribers`,
    subscription_url: `${r}/subscription`,
    tags_url: `${r}/tags`,
    teams_url: `${r}/teams`,
    trees_url: `${r}/git/trees{/sha}`,
    hooks_url: `${r}/hooks`,
  };
}

export function simpleRepo(org: string, name: string): SimpleRepository {
  const full = `${org}/${name}`;
  return { id: numId(`repo:${full}`), node_id: `R_${Buffer.from(full).toString('base64url')}`, name, full_name: full, owner: user(org, 'Organization'), private: true, description: null, fork: false, ...repoUrls(full) };
}

export function repo(org: string, name: string, opts: { private?: boolean; archived?: boolean; createdAt?: string } = {}): MinimalRepository {
  const s = simpleRepo(org, name);
  return {
    ...s,
    private: opts.private ?? true,
    archived: opts.archived ?? false,
    disabled: false,
    visibility: opts.private === false ? 'public' : 'private',
    default_branch: 'main',
    created_at: opts.createdAt ?? '2021-03-01T09:00:00Z',
    updated_at: opts.createdAt ?? '2021-03-01T09:00:00Z',
    pushed_at: opts.createdAt ?? '2021-03-01T09:00:00Z',
  };
}

export function installation(org: string, id: number, appSlug: string, permissions: AppPermissions, opts: { appId?: number; selection?: 'all' | 'selected'; createdAt: string; updatedAt?: string; suspendedAt?: string | null; events?: string[]; accountType?: 'Organization' | 'User' }): Installation {
  const accountType = opts.accountType ?? 'Organization';
  return {
    id,
    account: user(org, accountType),
    repository_selection: opts.selection ?? 'selected',
    access_tokens_url: `${API}/app/installations/${id}/access_tokens`,
    repositories_url: `${API}/installation/repositories`,
    html_url: `${WEB}/organizations/${org}/settings/installations/${id}`,
    app_id: opts.appId ?? numId(`app:${appSlug}`),
    target_id: numId(`user:${org}`),
    target_type: accountType,
    permissions,
    events: opts.events ?? [],
    created_at: opts.createdAt,
    updated_at: opts.updatedAt ?? opts.createdAt,
    single_file_name: null,
    app_slug: appSlug,
    suspended_by: opts.suspendedAt ? user('octo-admin') : null,
    suspended_at: opts.suspendedAt ?? null,
  };
}

export function app(slug: string, name: string, ownerLogin: string, permissions: Integration['permissions'], createdAt: string, ownerType: 'Organization' | 'User' = 'Organization'): Integration {
  return {
    id: numId(`app:${slug}`),
    slug,
    node_id: `A_${Buffer.from(slug).toString('base64url')}`,
    client_id: `Iv1.${createHash('sha256').update(slug).digest('hex').slice(0, 16)}`,
    owner: user(ownerLogin, ownerType),
    name,
    description: null,
    external_url: `https://${slug}.example`,
    html_url: `${WEB}/apps/${slug}`,
    created_at: createdAt,
    updated_at: createdAt,
    permissions,
    events: [],
  };
}

export function patGrant(org: string, g: {
  id: number;
  tokenId: number;
  name: string;
  owner: string;
  selection: PatGrant['repository_selection'];
  permissions: PatGrant['permissions'];
  grantedAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  expired?: boolean;
}): PatGrant {
  return {
    id: g.id,
    owner: user(g.owner),
    repository_selection: g.selection,
    repositories_url: `${API}/organizations/${numId(`user:${org}`)}/personal-access-tokens/${g.id}/repositories`,
    permissions: g.permissions,
    access_granted_at: g.grantedAt,
    token_id: g.tokenId,
    token_name: g.name,
    token_expired: g.expired ?? false,
    token_expires_at: g.expiresAt,
    token_last_used_at: g.lastUsedAt,
  };
}

export function patRequest(org: string, r: { id: number; tokenId: number; name: string; owner: string; reason: string | null; permissions: PatGrantRequest['permissions']; createdAt: string; expiresAt: string | null }): PatGrantRequest {
  return {
    id: r.id,
    reason: r.reason,
    owner: user(r.owner),
    repository_selection: 'subset',
    repositories_url: `${API}/organizations/${numId(`user:${org}`)}/personal-access-token-requests/${r.id}/repositories`,
    permissions: r.permissions,
    created_at: r.createdAt,
    token_id: r.tokenId,
    token_name: r.name,
    token_expired: false,
    token_expires_at: r.expiresAt,
    token_last_used_at: null,
  };
}

export function classicPatAuthorization(a: { id: number; login: string; note: string; scopes: string[]; authorizedAt: string; accessedAt: string | null; expiresAt: string | null; lastEight: string }): CredentialAuthorization {
  return {
    login: a.login,
    credential_id: a.id,
    credential_type: 'personal access token',
    token_last_eight: a.lastEight,
    credential_authorized_at: a.authorizedAt,
    scopes: a.scopes,
    credential_accessed_at: a.accessedAt,
    authorized_credential_id: a.id + 7,
    authorized_credential_note: a.note,
    authorized_credential_expires_at: a.expiresAt,
  };
}

export function sshKeyAuthorization(a: { id: number; login: string; title: string; authorizedAt: string; accessedAt: string | null }): CredentialAuthorization {
  return {
    login: a.login,
    credential_id: a.id,
    credential_type: 'SSH key',
    credential_authorized_at: a.authorizedAt,
    fingerprint: sshFingerprintOf(a.title),
    credential_accessed_at: a.accessedAt,
    authorized_credential_id: a.id + 7,
    authorized_credential_title: a.title,
  };
}

/** A syntactically valid (random-looking, deterministic) ssh-ed25519 public key line. */
export function sshPublicKey(seed: string): string {
  const type = Buffer.from('ssh-ed25519');
  const key = createHash('sha256').update(`key:${seed}`).digest();
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return `ssh-ed25519 ${Buffer.concat([len(type.length), type, len(key.length), key]).toString('base64')}`;
}

function sshFingerprintOf(seed: string): string {
  const blob = Buffer.from(sshPublicKey(seed).split(' ')[1], 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function deployKey(full: string, k: { id: number; title: string; readOnly: boolean; createdAt: string; addedBy: string | null; lastUsed: string | null; enabled?: boolean }): DeployKey {
  return {
    id: k.id,
    key: sshPublicKey(`${full}:${k.title}`),
    url: `${API}/repos/${full}/keys/${k.id}`,
    title: k.title,
    verified: true,
    created_at: k.createdAt,
    read_only: k.readOnly,
    added_by: k.addedBy,
    last_used: k.lastUsed,
    enabled: k.enabled ?? true,
  };
}

export function orgSecret(name: string, createdAt: string, updatedAt: string, visibility: OrgActionsSecret['visibility'] = 'private', org = 'org'): OrgActionsSecret {
  return {
    name,
    created_at: createdAt,
    updated_at: updatedAt,
    visibility,
    ...(visibility === 'selected' ? { selected_repositories_url: `${API}/orgs/${org}/actions/secrets/${name}/repositories` } : {}),
  };
}

export function repoSecret(name: string, createdAt: string, updatedAt: string): ActionsSecret {
  return { name, created_at: createdAt, updated_at: updatedAt };
}

export function orgHook(org: string, h: { id: number; url: string; secret: boolean; insecureSsl?: boolean; active?: boolean; events: string[]; createdAt: string }): OrgHook {
  const u = `${API}/orgs/${org}/hooks/${h.id}`;
  return {
    id: h.id,
    url: u,
    ping_url: `${u}/pings`,
    deliveries_url: `${u}/deliveries`,
    name: 'web',
    events: h.events,
    active: h.active ?? true,
    config: { url: h.url, insecure_ssl: h.insecureSsl ? '1' : '0', content_type: 'json', ...(h.secret ? { secret: '********' } : {}) },
    updated_at: h.createdAt,
    created_at: h.createdAt,
    type: 'Organization',
  };
}

export function environment(full: string, name: string, createdAt: string): Environment {
  return {
    id: numId(`env:${full}:${name}`),
    node_id: `EN_${Buffer.from(`${full}:${name}`).toString('base64url')}`,
    name,
    url: `${API}/repos/${full}/environments/${encodeURIComponent(name)}`,
    html_url: `${WEB}/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
    created_at: createdAt,
    updated_at: createdAt,
    protection_rules: [],
    deployment_branch_policy: null,
  };
}

export function repoHook(full: string, h: { id: number; url: string; secret: boolean; events: string[]; createdAt: string; lastCode?: number | null }): RepoHook {
  const u = `${API}/repos/${full}/hooks/${h.id}`;
  return {
    type: 'Repository',
    id: h.id,
    name: 'web',
    active: true,
    events: h.events,
    config: { url: h.url, insecure_ssl: '0', content_type: 'json', ...(h.secret ? { secret: '********' } : {}) },
    updated_at: h.createdAt,
    created_at: h.createdAt,
    url: u,
    test_url: `${u}/test`,
    ping_url: `${u}/pings`,
    deliveries_url: `${u}/deliveries`,
    last_response: { code: h.lastCode ?? null, status: h.lastCode ? 'active' : 'unused', message: h.lastCode ? 'OK' : null },
  };
}

export function secretAlert(org: string, a: { number: number; repo: string; secretType: string; displayName: string; secret: string; validity: 'active' | 'inactive' | 'unknown'; createdAt: string; path: string; line: number; commit: string }): SecretScanningAlert {
  const r = simpleRepo(org, a.repo);
  return {
    number: a.number,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    url: `${API}/repos/${r.full_name}/secret-scanning/alerts/${a.number}`,
    html_url: `${WEB}/${r.full_name}/security/secret-scanning/${a.number}`,
    locations_url: `${API}/repos/${r.full_name}/secret-scanning/alerts/${a.number}/locations`,
    state: 'open',
    resolution: null,
    resolved_at: null,
    resolved_by: null,
    secret_type: a.secretType,
    secret_type_display_name: a.displayName,
    provider: null,
    provider_slug: null,
    secret: a.secret,
    repository: r,
    push_protection_bypassed: false,
    push_protection_bypassed_by: null,
    push_protection_bypassed_at: null,
    resolution_comment: null,
    validity: a.validity,
    publicly_leaked: false,
    multi_repo: false,
    is_base64_encoded: false,
    first_location_detected: {
      path: a.path,
      start_line: a.line,
      end_line: a.line,
      start_column: 1,
      end_column: 41,
      blob_sha: createHash('sha1').update(`${a.path}:${a.number}`).digest('hex'),
      blob_url: `${API}/repos/${r.full_name}/git/blobs/x`,
      commit_sha: a.commit,
      commit_url: `${API}/repos/${r.full_name}/git/commits/${a.commit}`,
    },
    has_more_locations: false,
  };
}

export function codeSearchResponse(items: CodeSearchResult[]): CodeSearchResponse {
  return { total_count: items.length, incomplete_results: false, items };
}

export function codeSearchItem(org: string, repoName: string, path: string): CodeSearchResult {
  const r = repo(org, repoName);
  return {
    name: path.split('/').pop() ?? path,
    path,
    sha: createHash('sha1').update(`${repoName}:${path}`).digest('hex'),
    url: `${API}/repositories/${String(r.id)}/contents/${path}`,
    git_url: `${API}/repositories/${String(r.id)}/git/blobs/x`,
    html_url: `${WEB}/${org}/${repoName}/blob/main/${path}`,
    repository: r,
    score: 1,
  };
}

export function orgSimple(login: string): OrganizationSimple {
  const u = `${API}/orgs/${login}`;
  return {
    login,
    id: numId(`user:${login}`),
    node_id: `O_${Buffer.from(login).toString('base64url')}`,
    url: u,
    repos_url: `${u}/repos`,
    events_url: `${u}/events`,
    hooks_url: `${u}/hooks`,
    issues_url: `${u}/issues`,
    members_url: `${u}/members{/member}`,
    public_members_url: `${u}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${numId(`user:${login}`)}?v=4`,
    description: null,
  };
}

export function installationToken(token: string, expiresAt: string): InstallationToken {
  return { token, expires_at: expiresAt, repository_selection: 'all', permissions: { metadata: 'read' } };
}
