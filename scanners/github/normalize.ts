// GitHub API objects → normalized records. Pure functions: everything they need about the
// organisation (who is still a member, how to protect a secret) arrives in OrgFacts.
import { githubTokenKeyId } from '../../src/model/ids.js';
import { createHash } from 'node:crypto';
import type { CredentialRecord, CredentialStatus, GrantRecord, IdentityRecord, InventoryRecord, Location, TrustRecord } from '../../src/model/records.js';
import type { SecretProtector } from '../../src/secrets/protect.js';
import { isOrganizationPermission, memberRolePrivilege, permissionPrivilege, scopePrivilege } from './privilege.js';
import type {
  ActionsSecret,
  AppPermissions,
  CredentialAuthorization,
  DeployKey,
  Installation,
  Integration,
  MinimalRepository,
  OrgActionsSecret,
  OrgDependabotSecret,
  OrgHook,
  RepoHook,
  PatGrant,
  PatGrantRequest,
  SecretScanningAlert,
  OrganizationFull,
  SimpleUser,
} from './wire.js';

export interface OrgFacts {
  /** Organisation login, lower-case (ids and scope use it). */
  org: string;
  scope: string;
  /** Lower-case logins of members and outside collaborators; null when they could not be listed. */
  people: Set<string> | null;
  secrets: SecretProtector;
  now: Date;
  /** Lower-case logins of outside collaborators; null when they could not be listed. */
  outside?: Set<string> | null;
  /** How many members the organisation has (outside collaborators not counted); null when they could not be listed. */
  members?: number | null;
  /** What the organisation's workflows do about OIDC (from one code search), when known. */
  oidc?: { used: boolean; repositories: string[] } | null;
}

const P = 'github' as const;

export function orgScope(org: string): string {
  return `github:${org.toLowerCase()}`;
}

function iso(v: string | null | undefined): string | null {
  if (!v) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Owner from an API login; unowned (with the former owner kept) when they left the organisation. */
export function ownerFrom(login: string | null | undefined, source: string, f: OrgFacts): { owner: string | null; ownerSource: string | null; attrs: Record<string, unknown> } {
  if (!login) return { owner: null, ownerSource: null, attrs: {} };
  // An App's bot account (`name[bot]`) is never a member; it did not leave.
  if (/\[bot\]$/.test(login)) return { owner: login, ownerSource: source, attrs: { ownerIsApp: true } };
  if (f.people && !f.people.has(login.toLowerCase())) {
    return { owner: null, ownerSource: null, attrs: { formerOwner: login, formerOwnerSource: source, ownerDeparted: true } };
  }
  // Members unlisted: whether the login left is unknown, so the inventory keeps the last judgement.
  if (!f.people) return { owner: login, ownerSource: source, attrs: { unread: ['owner'] } };
  return { owner: login, ownerSource: source, attrs: {} };
}

function grant(identityId: string, resource: string, role: string, verdict: { privilege: GrantRecord['privilege']; adminReason: string | null }, via: string, evidence?: string): GrantRecord {
  return { type: 'grant', identityId, provider: P, resource, role, privilege: verdict.privilege, via, evidence: verdict.adminReason ?? evidence ?? null };
}

// ---------------------------------------------------------------- App installations

export function installationId(f: OrgFacts, id: number): string {
  return `github:${f.org}/installation/${id}`;
}

/** Identity + grants for one App installation; `app` (GET /apps/{slug}) tells the publisher. */
export function normalizeInstallation(inst: Installation, app: Integration | null, f: OrgFacts): InventoryRecord[] {
  const id = installationId(f, inst.id);
  const publisher = app?.owner && 'login' in app.owner ? app.owner.login : app?.owner && 'slug' in app.owner ? app.owner.slug : null;
  // Published from any other account — even a member's personal one — the organisation does not control it.
  const thirdParty = publisher ? publisher.toLowerCase() !== f.org : undefined;
  const publisherIsMember = Boolean(publisher && thirdParty && f.people?.has(publisher.toLowerCase()));
  const all = inst.repository_selection === 'all';
  const identity: IdentityRecord = {
    type: 'identity',
    id,
    provider: P,
    scope: f.scope,
    kind: 'github_app',
    name: inst.app_slug,
    createdAt: iso(inst.created_at),
    // GitHub exposes no last-use data for installations.
    lastUsedAt: null,
    lastUsedSource: null,
    owner: publisher,
    ownerSource: publisher ? 'github:app_owner' : null,
    thirdParty,
    disabled: Boolean(inst.suspended_at),
    attributes: {
      appId: inst.app_id,
      appSlug: inst.app_slug,
      appName: app?.name ?? null,
      publisher,
      publisherKnown: Boolean(app),
      publisherIsMember: publisherIsMember || undefined,
      repositorySelection: inst.repository_selection,
      events: [...inst.events].sort(),
      updatedAt: iso(inst.updated_at),
      suspendedAt: iso(inst.suspended_at),
      htmlUrl: inst.html_url,
    },
    raw: { id: inst.id, app_id: inst.app_id, app_slug: inst.app_slug, target_type: inst.target_type, repository_selection: inst.repository_selection, permissions: inst.permissions, events: inst.events, created_at: inst.created_at, updated_at: inst.updated_at, suspended_at: inst.suspended_at },
  };
  const out: InventoryRecord[] = [identity];
  const perms = inst.permissions as AppPermissions & Record<string, string | undefined>;
  for (const name of Object.keys(perms).sort()) {
    const level = perms[name];
    if (!level) continue;
    const org = isOrganizationPermission(name);
    const resource = org || all ? f.scope : `${f.scope}/selected-repositories`;
    out.push(grant(id, resource, `${name}:${level}`, permissionPrivilege(name, level, all && !org), 'app-permission', `${name}: ${level}`));
  }
  return out;
}

// ---------------------------------------------------------------- fine-grained PATs

export function patIdentityId(f: OrgFacts, tokenId: number): string {
  return `github:${f.org}/fine-grained-pat/${tokenId}`;
}

function patGrants(id: string, f: OrgFacts, permissions: PatGrant['permissions'], selection: PatGrant['repository_selection'], selected: string[] | null): GrantRecord[] {
  const out: GrantRecord[] = [];
  const all = selection === 'all';
  const repoResource = all ? f.scope : selection === 'none' ? null : `${f.scope}/selected-repositories`;
  for (const [group, perms] of [
    ['organization', permissions.organization],
    ['repository', permissions.repository],
    ['other', permissions.other],
  ] as const) {
    for (const name of Object.keys(perms ?? {}).sort()) {
      const level = perms?.[name];
      if (!level) continue;
      const resource = group === 'repository' ? repoResource : f.scope;
      if (!resource) continue;
      const g = grant(id, resource, `${name}:${level}`, permissionPrivilege(name, level, all && group === 'repository'), 'token-permission', `${group} permission ${name}: ${level}`);
      if (group === 'repository' && selected) g.attributes = { repositories: selected };
      out.push(g);
    }
  }
  return out;
}

/** A fine-grained PAT with access to the organisation: one identity (the token) + its credential + grants. */
export function normalizePatGrant(g: PatGrant, f: OrgFacts, selectedRepos: string[] | null): InventoryRecord[] {
  const id = patIdentityId(f, g.token_id);
  const own = ownerFrom(g.owner.login, 'github:token_owner', f);
  const expired = g.token_expired || (g.token_expires_at ? Date.parse(g.token_expires_at) < f.now.getTime() : false);
  const identity: IdentityRecord = {
    type: 'identity',
    id,
    provider: P,
    scope: f.scope,
    kind: 'fine_grained_pat',
    name: `${g.token_name} (${g.owner.login})`,
    // The API tells when the token was granted access to the organisation, not when it was created.
    createdAt: iso(g.access_granted_at),
    lastUsedAt: iso(g.token_last_used_at),
    lastUsedSource: 'token_last_used_at',
    owner: own.owner,
    ownerSource: own.ownerSource,
    disabled: expired,
    attributes: {
      tokenId: g.token_id,
      grantId: g.id,
      tokenName: g.token_name,
      tokenOwner: g.owner.login,
      tokenOwnerType: g.owner.type,
      repositorySelection: g.repository_selection,
      repositories: selectedRepos ?? undefined,
      accessGrantedAt: iso(g.access_granted_at),
      ...own.attrs,
    },
    raw: { id: g.id, token_id: g.token_id, token_name: g.token_name, owner: g.owner.login, repository_selection: g.repository_selection, permissions: g.permissions, access_granted_at: g.access_granted_at, token_expired: g.token_expired, token_expires_at: g.token_expires_at, token_last_used_at: g.token_last_used_at },
  };
  const credential: CredentialRecord = {
    type: 'credential',
    id,
    identityId: id,
    provider: P,
    scope: f.scope,
    kind: 'pat',
    name: g.token_name,
    keyId: String(g.token_id),
    createdAt: iso(g.access_granted_at),
    expiresAt: iso(g.token_expires_at),
    lastUsedAt: iso(g.token_last_used_at),
    lastUsedSource: 'token_last_used_at',
    status: expired ? 'expired' : 'active',
    attributes: { tokenType: 'fine-grained', neverExpires: g.token_expires_at === null ? true : undefined, owner: g.owner.login },
  };
  return [identity, credential, ...patGrants(id, f, g.permissions, g.repository_selection, selectedRepos)];
}

/** A pending request for a fine-grained PAT: no access yet, so a disabled identity without grants. */
export function normalizePatRequest(r: PatGrantRequest, f: OrgFacts): InventoryRecord[] {
  const own = ownerFrom(r.owner.login, 'github:token_owner', f);
  return [
    {
      type: 'identity',
      id: `github:${f.org}/fine-grained-pat-request/${r.id}`,
      provider: P,
      scope: f.scope,
      kind: 'fine_grained_pat_request',
      name: `${r.token_name} (${r.owner.login}, pending)`,
      createdAt: iso(r.created_at),
      lastUsedAt: iso(r.token_last_used_at),
      lastUsedSource: 'token_last_used_at',
      owner: own.owner,
      ownerSource: own.ownerSource,
      disabled: true,
      attributes: {
        pending: true,
        tokenId: r.token_id,
        tokenName: r.token_name,
        tokenOwner: r.owner.login,
        reason: r.reason ? r.reason.slice(0, 500) : null,
        repositorySelection: r.repository_selection,
        requestedPermissions: r.permissions,
        tokenExpiresAt: iso(r.token_expires_at),
        tokenExpired: r.token_expired,
        ...own.attrs,
      },
    },
  ];
}

// ---------------------------------------------------------------- SAML credential authorizations

export function normalizeCredentialAuthorization(c: CredentialAuthorization, f: OrgFacts): InventoryRecord[] {
  const id = `github:${f.org}/credential-authorization/${c.credential_id}`;
  const type = c.credential_type.toLowerCase();
  const ssh = type.includes('ssh');
  const own = ownerFrom(c.login, 'github:credential_owner', f);
  const expiresAt = iso(c.authorized_credential_expires_at);
  const expired = expiresAt ? Date.parse(expiresAt) < f.now.getTime() : false;
  const scopes = [...(c.scopes ?? [])].sort();
  const name = ssh ? c.authorized_credential_title || `SSH key ${c.fingerprint ?? c.credential_id} (${c.login})` : `${c.authorized_credential_note || 'token'} (${c.login})`;
  const identity: IdentityRecord = {
    type: 'identity',
    id,
    provider: P,
    scope: f.scope,
    kind: ssh ? 'ssh_key' : 'classic_pat',
    name,
    createdAt: iso(c.credential_authorized_at),
    lastUsedAt: iso(c.credential_accessed_at),
    lastUsedSource: 'credential_accessed_at',
    owner: own.owner,
    ownerSource: own.ownerSource,
    disabled: expired,
    attributes: {
      credentialType: c.credential_type,
      credentialOwner: c.login,
      scopes,
      authorizedCredentialId: c.authorized_credential_id,
      fingerprint: c.fingerprint ?? undefined,
      tokenLastEight: c.token_last_eight ?? undefined,
      samlAuthorizedAt: iso(c.credential_authorized_at),
      ...own.attrs,
    },
  };
  const credential: CredentialRecord = {
    type: 'credential',
    id,
    identityId: id,
    provider: P,
    scope: f.scope,
    kind: ssh ? 'ssh_key' : 'pat',
    name,
    keyId: ssh ? (c.fingerprint ?? null) : c.token_last_eight ? githubTokenKeyId(c.token_last_eight) : null,
    createdAt: iso(c.credential_authorized_at),
    expiresAt,
    lastUsedAt: iso(c.credential_accessed_at),
    lastUsedSource: 'credential_accessed_at',
    status: expired ? 'expired' : 'active',
    // SSH keys cannot expire on GitHub (nobody chose "no expiry"); a token without expiry did.
    attributes: { tokenType: ssh ? 'ssh-key' : 'classic', neverExpires: !ssh && expiresAt === null ? true : undefined, scopes, owner: c.login },
  };
  const grants = scopes.map((s) => grant(id, f.scope, s, scopePrivilege(s), 'oauth-scope', `scope ${s}`));
  // An SSH key authorized for SSO reaches whatever its user can: git read/write on their repositories.
  if (ssh) grants.push(grant(id, f.scope, 'ssh-git-access', { privilege: 'unknown', adminReason: null }, 'user-access', 'git access as the key\'s user'));
  return [identity, credential, ...grants];
}

// ---------------------------------------------------------------- deploy keys

/** GitHub-style fingerprint (SHA256:base64) of an OpenSSH public key line. */
export function sshFingerprint(publicKey: string): string | null {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob) return null;
  try {
    const bytes = Buffer.from(blob, 'base64');
    if (bytes.length === 0) return null;
    return `SHA256:${createHash('sha256').update(bytes).digest('base64').replace(/=+$/, '')}`;
  } catch {
    return null;
  }
}

export function normalizeDeployKey(k: DeployKey, repo: MinimalRepository, f: OrgFacts): InventoryRecord[] {
  const id = `github:${repo.full_name.toLowerCase()}/deploy-key/${k.id}`;
  const own = ownerFrom(k.added_by, 'github:added_by', f);
  const hasLastUsed = Object.prototype.hasOwnProperty.call(k, 'last_used');
  const fingerprint = sshFingerprint(k.key);
  const resource = `github:${repo.full_name.toLowerCase()}`;
  const disabled = k.enabled === false;
  const identity: IdentityRecord = {
    type: 'identity',
    id,
    provider: P,
    scope: f.scope,
    kind: 'deploy_key',
    name: `${k.title} (${repo.name})`,
    createdAt: iso(k.created_at),
    lastUsedAt: iso(k.last_used),
    // Older GitHub Enterprise Server versions do not return last_used: no last-use data then.
    lastUsedSource: hasLastUsed ? 'last_used' : null,
    owner: own.owner,
    ownerSource: own.ownerSource,
    disabled,
    attributes: {
      repository: repo.full_name,
      repositoryPrivate: repo.private,
      repositoryArchived: repo.archived ?? false,
      readOnly: k.read_only,
      verified: k.verified,
      enabled: k.enabled ?? null,
      addedBy: k.added_by ?? null,
      fingerprint,
      ...own.attrs,
    },
  };
  const credential: CredentialRecord = {
    type: 'credential',
    id,
    identityId: id,
    provider: P,
    scope: f.scope,
    kind: 'deploy_key',
    name: k.title,
    keyId: fingerprint,
    createdAt: iso(k.created_at),
    expiresAt: null,
    lastUsedAt: iso(k.last_used),
    lastUsedSource: hasLastUsed ? 'last_used' : null,
    status: disabled ? 'inactive' : 'active',
    // Deploy keys cannot expire on GitHub: no neverExpires flag (nobody chose it); age still counts.
    attributes: { readOnly: k.read_only, repository: repo.full_name },
  };
  const g = grant(id, resource, k.read_only ? 'deploy-key:read' : 'deploy-key:write', { privilege: k.read_only ? 'read' : 'write', adminReason: null }, 'direct', k.read_only ? 'read-only deploy key: clone/fetch' : 'deploy key with write access: can push to every branch not protected against it');
  return [identity, credential, g];
}

// ---------------------------------------------------------------- Actions secrets

/** Which cloud a CI secret's name says it holds a static key for. */
export function cloudProviderOf(name: string): 'aws' | 'gcp' | 'azure' | null {
  const n = name.toUpperCase();
  if (/(^|_)AWS_?(SECRET_ACCESS_KEY|ACCESS_KEY_ID|ACCESS_KEY|SECRET_KEY|SECRET)($|_)/.test(n) || /^AWS_SESSION_TOKEN$/.test(n)) return 'aws';
  if (/(GOOGLE_(APPLICATION_)?CREDENTIALS|GCP_(SA_|SERVICE_ACCOUNT_)?(KEY|CREDENTIALS|JSON)|GCLOUD_(SERVICE_)?(KEY|AUTH)|GCP_SERVICE_ACCOUNT|GOOGLE_SERVICE_ACCOUNT(_KEY)?|GCP_SA)$/.test(n)) return 'gcp';
  if (/(AZURE_(CLIENT_SECRET|CREDENTIALS|SP_PASSWORD|SERVICE_PRINCIPAL_(SECRET|PASSWORD))|ARM_CLIENT_SECRET)$/.test(n)) return 'azure';
  return null;
}

function ciSecret(id: string, name: string, created: string, updated: string, f: OrgFacts, extra: Record<string, unknown>): CredentialRecord {
  const cloud = cloudProviderOf(name);
  return {
    type: 'credential',
    id,
    identityId: null,
    provider: P,
    scope: f.scope,
    kind: 'ci_secret',
    name,
    createdAt: iso(created),
    rotatedAt: iso(updated),
    // GitHub does not say when a workflow read a secret.
    lastUsedAt: null,
    lastUsedSource: null,
    status: 'active',
    attributes: {
      ...extra,
      cloudProvider: cloud ?? undefined,
      ...(cloud && f.oidc !== undefined ? { orgWorkflowsUseOidc: f.oidc?.used ?? null } : {}),
    },
  };
}

/** An organisation secret of GitHub Actions or of Dependabot (same shape, separate stores). */
export function normalizeOrgSecret(s: OrgActionsSecret | OrgDependabotSecret, f: OrgFacts, store: 'actions' | 'dependabot' = 'actions'): CredentialRecord {
  return ciSecret(`github:${f.org}/${store}-secret/${s.name}`, s.name, s.created_at, s.updated_at, f, { store, level: 'organization', visibility: s.visibility });
}

export function normalizeRepoSecret(s: ActionsSecret, repo: MinimalRepository, f: OrgFacts): CredentialRecord {
  return ciSecret(`github:${repo.full_name.toLowerCase()}/actions-secret/${s.name}`, s.name, s.created_at, s.updated_at, f, { store: 'actions', level: 'repository', repository: repo.full_name });
}

export function normalizeEnvironmentSecret(s: ActionsSecret, repo: MinimalRepository, environment: string, f: OrgFacts): CredentialRecord {
  return ciSecret(`github:${repo.full_name.toLowerCase()}/environment/${environment}/actions-secret/${s.name}`, s.name, s.created_at, s.updated_at, f, {
    store: 'actions',
    level: 'environment',
    repository: repo.full_name,
    environment,
  });
}

// ---------------------------------------------------------------- webhooks

/** An organisation webhook, or a repository's when `repo` is given. */
export function normalizeHook(h: OrgHook | RepoHook, f: OrgFacts, repo?: MinimalRepository): InventoryRecord[] {
  const id = repo ? `github:${repo.full_name.toLowerCase()}/hook/${h.id}` : `github:${f.org}/hook/${h.id}`;
  let host: string | null = null;
  let scheme: string | null = null;
  try {
    // Only scheme and host: a webhook URL's path or query often carries a token (Slack, Teams…).
    const u = new URL(h.config.url ?? '');
    host = u.host;
    scheme = u.protocol.replace(':', '');
  } catch {
    host = null;
  }
  const hasSecret = typeof h.config.secret === 'string' && h.config.secret.length > 0;
  const reasons: string[] = [];
  if (!hasSecret) reasons.push('delivers without a signing secret (receivers cannot verify the sender)');
  if (String(h.config.insecure_ssl ?? '0') === '1') reasons.push('TLS certificate verification is disabled');
  if (scheme === 'http') reasons.push('delivers over plain HTTP');
  const identity: IdentityRecord = {
    type: 'identity',
    id,
    provider: P,
    scope: f.scope,
    kind: 'webhook',
    name: `${repo ? `${repo.name}: ` : ''}${h.name} → ${host ?? 'unknown host'}`,
    createdAt: iso(h.created_at),
    lastUsedAt: null,
    lastUsedSource: null,
    owner: null,
    ownerSource: null,
    disabled: !h.active,
    attributes: {
      hookId: h.id,
      level: repo ? 'repository' : 'organization',
      repository: repo?.full_name,
      lastResponseCode: 'last_response' in h ? (h.last_response?.code ?? null) : undefined,
      targetHost: host,
      targetScheme: scheme,
      events: [...h.events].sort(),
      contentType: h.config.content_type ?? null,
      hasSecret,
      insecureSsl: String(h.config.insecure_ssl ?? '0') === '1',
      updatedAt: iso(h.updated_at),
      insecureAuth: reasons.length ? reasons.join('; ') : undefined,
    },
  };
  const out: InventoryRecord[] = [identity];
  if (hasSecret) {
    out.push({
      type: 'credential',
      id: `${id}/secret`,
      identityId: id,
      provider: P,
      scope: f.scope,
      kind: 'webhook_secret',
      name: `signing secret of ${h.name} → ${host ?? 'unknown host'}`,
      createdAt: null,
      status: h.active ? 'active' : 'inactive',
      attributes: { note: 'GitHub does not say when a webhook secret was set or rotated' },
    });
  }
  return out;
}

// ---------------------------------------------------------------- bots

const MACHINE_LOGIN = /(\[bot\]$|(^|[-_.])(bot|robot|svc|service|automation|ci|deployer|deploy)([-_.]|$))/i;

/** Why an account looks like a machine: GitHub's own type, or a machine-user login pattern. */
export function botSignal(u: SimpleUser): 'type' | 'login-pattern' | null {
  if (u.type === 'Bot') return 'type';
  if (MACHINE_LOGIN.test(u.login)) return 'login-pattern';
  return null;
}

export function normalizeBot(u: SimpleUser, membership: 'admin' | 'member' | 'outside_collaborator', detectedBy: 'type' | 'login-pattern', f: OrgFacts): InventoryRecord[] {
  const id = `github:${f.org}/account/${String(u.id)}`;
  const out: InventoryRecord[] = [
    {
      type: 'identity',
      id,
      provider: P,
      scope: f.scope,
      kind: 'bot_account',
      name: u.login,
      lastUsedAt: null,
      lastUsedSource: null,
      owner: null,
      ownerSource: null,
      attributes: { login: u.login, accountType: u.type, membership, detectedBy, siteAdmin: u.site_admin || undefined, htmlUrl: u.html_url },
    },
  ];
  if (membership !== 'outside_collaborator') out.push(grant(id, f.scope, `org-${membership}`, memberRolePrivilege(membership), 'membership', `organisation role ${membership}`));
  return out;
}

// ---------------------------------------------------------------- secret scanning

const AWS_KEY_ID = /\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b/;
const GITHUB_TOKEN = /^(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}$|^github_pat_[A-Za-z0-9_]{40,}$/;

function keyIdOf(value: string): string | null {
  const aws = AWS_KEY_ID.exec(value)?.[1];
  if (aws) return aws;
  const v = value.trim();
  if (GITHUB_TOKEN.test(v)) return githubTokenKeyId(v.slice(-8));
  return null;
}

function alertLocation(a: SecretScanningAlert): Location {
  const repo = a.repository?.full_name;
  const loc = a.first_location_detected as (Partial<{ path: string; start_line: number; commit_sha: string; html_url: string }> & object) | null | undefined;
  if (loc && typeof loc.path === 'string') {
    return { repo, path: loc.path, line: typeof loc.start_line === 'number' ? loc.start_line : undefined, commit: loc.commit_sha };
  }
  return { repo, path: loc?.html_url ?? a.html_url ?? `secret scanning alert #${a.number ?? '?'}` };
}

export function alertStatus(validity: SecretScanningAlert['validity']): CredentialStatus {
  return validity === 'active' ? 'active' : validity === 'inactive' ? 'inactive' : 'unknown';
}

/** An open secret-scanning alert → a hard-coded secret. The secret value never leaves this function. */
export function normalizeAlert(a: SecretScanningAlert, f: OrgFacts): CredentialRecord {
  const value = typeof a.secret === 'string' && a.secret.length > 0 ? a.secret : null;
  const prot = value ? f.secrets.protect(value) : null;
  const keyId = value ? keyIdOf(value) : null;
  const repo = a.repository?.full_name?.toLowerCase() ?? f.org;
  return {
    type: 'credential',
    id: prot ? `secret:${prot.hash}` : `github:${repo}/secret-scanning-alert/${a.number ?? 'unknown'}`,
    identityId: null,
    provider: P,
    scope: f.scope,
    kind: 'hardcoded_secret',
    name: a.secret_type_display_name ?? a.secret_type ?? 'secret',
    keyId,
    createdAt: iso(a.created_at),
    status: alertStatus(a.validity),
    location: alertLocation(a),
    preview: prot?.preview ?? null,
    secretHash: prot?.hash ?? null,
    attributes: {
      detector: 'github-secret-scanning',
      title: a.secret_type_display_name ?? a.secret_type ?? null,
      secretType: a.secret_type ?? null,
      validity: a.validity ?? 'unknown',
      alertNumber: a.number ?? null,
      alertUrl: a.html_url ?? null,
      publiclyLeaked: a.publicly_leaked ?? null,
      multiRepo: a.multi_repo ?? null,
      pushProtectionBypassed: a.push_protection_bypassed ?? null,
      secretProvider: a.provider ?? null,
    },
  };
}

// ---------------------------------------------------------------- Member privileges

/** Default repository permissions that let every member push (so run workflows) in every repository. */
const MEMBERS_PUSH = new Set(['write', 'admin']);

/**
 * The organisation's base permission as a trust: when it is write or admin, every member can
 * push to every repository of the organisation, so run its workflows (and mint the OIDC tokens
 * clouds trust). The row's identity is `ext:github-org:<org>` (whoever can push to every
 * repository), its principal `ext:github-members:<org>`: reach draws an edge from the members to
 * each repository it knows. Nothing when members can only read.
 */
export function normalizeMemberPrivileges(o: OrganizationFull, f: OrgFacts): TrustRecord[] {
  const base = o.default_repository_permission?.toLowerCase() ?? null;
  if (!base || !MEMBERS_PUSH.has(base)) return [];
  const count = typeof f.members === 'number' ? f.members : null;
  return [
    {
      type: 'trust',
      identityId: `ext:github-org:${f.org}`,
      provider: P,
      principal: `ext:github-members:${f.org}`,
      principalType: 'account',
      condition: null,
      risk: null,
      attributes: {
        defaultRepositoryPermission: base,
        members: count,
        membersCanCreateRepositories: o.members_can_create_repositories ?? null,
        why: `default repository permission ${base}: every member${count !== null ? ` (${count})` : ''} of ${f.org} can push to every repository`,
      },
    },
  ];
}
