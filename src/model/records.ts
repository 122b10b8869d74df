// The normalized model every scanner emits and the inventory stores.
// Provider knowledge stops here: rules read only these shapes.

/**
 * A provider is named by the scanner that reads it (`aws`, `github`, `repo`, …). The set is open:
 * a new scanner brings its own name, and records are validated by the name's shape.
 */
export type Provider = string;

/** Normalized privilege of a grant; scanners compute it per provider. */
export const PRIVILEGES = ['admin', 'write', 'read', 'unknown'] as const;
export type Privilege = (typeof PRIVILEGES)[number];

export const CREDENTIAL_STATUSES = ['active', 'inactive', 'expired', 'unknown'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

/**
 * Credential kinds. `hardcoded_secret` is a secret found in source; every other
 * kind is a credential a provider knows about.
 */
export const CREDENTIAL_KINDS = [
  'access_key', // AWS access key
  'sa_key', // GCP service-account key
  'sa_token', // Kubernetes service-account token stored in a Secret (legacy, never expires)
  'client_secret', // Azure app password credential
  'certificate', // Azure app key credential
  'federated_credential', // workload identity federation (no secret, a trust)
  'pat', // GitHub personal access token (classic or fine-grained)
  'ssh_key', // SSH key authorised for SSO
  'deploy_key',
  'oauth_grant',
  'ci_secret', // a CI/CD secret (GitHub Actions secret)
  'webhook_secret',
  'hardcoded_secret',
  'ai_api_key', // an AI provider's API key (OpenAI, Anthropic, Hugging Face…) found in source
] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Kinds that are a secret found in source (a sighting with a location), not a credential a provider lists. */
export const FOUND_SECRET_KINDS: readonly CredentialKind[] = ['hardcoded_secret', 'ai_api_key'];
/** FOUND_SECRET_KINDS as an SQL list, for `kind IN …` / `kind NOT IN …`. */
export const FOUND_SECRET_SQL = `(${FOUND_SECRET_KINDS.map((k) => `'${k}'`).join(', ')})`;

export function isFoundSecret(kind: string): boolean {
  return (FOUND_SECRET_KINDS as readonly string[]).includes(kind);
}

export const TRUST_PRINCIPAL_TYPES = [
  'identity', // another identity in the inventory or the same scope
  'account', // a whole account/project/tenant of the scanned estate
  'external-account', // an account/tenant/domain outside the scanned estate
  'federated', // an OIDC/SAML issuer + subject
  'service', // a cloud service principal (ec2.amazonaws.com)
  'wildcard', // anyone
] as const;
export type TrustPrincipalType = (typeof TRUST_PRINCIPAL_TYPES)[number];

/** Why a trust edge is risky; null when it is not. */
export const TRUST_RISKS = ['wildcard', 'external', 'unpinned-subject'] as const;
export type TrustRisk = (typeof TRUST_RISKS)[number];

/** ISO-8601 timestamp string (UTC). */
export type Timestamp = string;

export interface Location {
  /** Repository path or URL the secret was found in. */
  repo?: string;
  path: string;
  line?: number;
  commit?: string;
  author?: string;
  /** Commit date. */
  date?: Timestamp;
}

export interface IdentityRecord {
  type: 'identity';
  /** Provider-native stable id: ARN, object id, SA email, installation id… */
  id: string;
  provider: Provider;
  /** Where it lives, for people: `aws:123456789012`, `gcp:my-project`, `github:acme`. */
  scope: string;
  /** Provider-specific kind: iam_user, iam_role, service_linked_role, service_principal, managed_identity, app_registration, service_account, github_app, … */
  kind: string;
  name: string;
  createdAt?: Timestamp | null;
  lastUsedAt?: Timestamp | null;
  /** Where lastUsedAt came from (credential report, RoleLastUsed, sign-in logs…). */
  lastUsedSource?: string | null;
  /**
   * How far back the provider's last-use data reaches, in days (AWS RoleLastUsed: 400).
   * A null lastUsedAt on an identity older than this means "not within the window", not "never".
   */
  lastUsedWindowDays?: number | null;
  owner?: string | null;
  /** Where the owner came from: `tag:owner`, `label:team`, `api:owners`, `github:added_by`… */
  ownerSource?: string | null;
  /** Looks like a person uses it (console password, MFA device, SAML-federated role): OWASP NHI10. */
  humanUse?: boolean;
  /** Owned and operated by the provider (service-linked roles, Google-managed agents): never stale or unowned. */
  providerManaged?: boolean;
  /** Built by someone outside the organisation (third-party app, multi-tenant SP of another tenant). */
  thirdParty?: boolean;
  disabled?: boolean;
  tags?: Record<string, string>;
  /** Normalized provider-specific facts worth showing (path, app id, description…). No secrets. */
  attributes?: Record<string, unknown>;
  /** A redacted copy of what the API returned, for drill-down. No secrets. */
  raw?: unknown;
}

export interface CredentialRecord {
  type: 'credential';
  /** Stable id: provider key id, fingerprint, or `secret:<keyed hash>` for a hard-coded secret. */
  id: string;
  /** The identity that holds it; null for a leaked secret that matches nothing (yet). */
  identityId?: string | null;
  provider: Provider;
  scope: string;
  kind: CredentialKind;
  name?: string | null;
  /**
   * The provider's own key id (AWS AKIA…, GCP private_key_id, Azure keyId). For a hard-coded
   * secret: the key id it carries, so correlation can tie the leak to the live credential.
   */
  keyId?: string | null;
  createdAt?: Timestamp | null;
  expiresAt?: Timestamp | null;
  lastUsedAt?: Timestamp | null;
  lastUsedSource?: string | null;
  /** Last rotation/update of the secret value, when the provider says (CI secrets' updated_at). */
  rotatedAt?: Timestamp | null;
  status: CredentialStatus;
  /** For a hard-coded secret: where it was seen (one record per sighting; the inventory merges them). */
  location?: Location | null;
  /** Redacted preview (first 4 … last 4); produced by ctx.secrets.protect(). */
  preview?: string | null;
  /** Keyed hash of the secret value; produced by ctx.secrets.protect(). */
  secretHash?: string | null;
  attributes?: Record<string, unknown>;
}

export interface GrantRecord {
  type: 'grant';
  identityId: string;
  provider: Provider;
  /** Where the grant applies: an account, subscription, project, org, repository… */
  resource: string;
  /** Role or policy name. */
  role: string;
  privilege: Privilege;
  /** How it was obtained: direct, group, inherited, assumable-role, app-role, directory-role… */
  via: string;
  /** Which statement/permission made it this privilege (shown as evidence). */
  evidence?: string | null;
  attributes?: Record<string, unknown>;
}

export interface TrustRecord {
  type: 'trust';
  /** The identity that can be become. */
  identityId: string;
  provider: Provider;
  /** Who can become it: an ARN, account id, issuer+subject, `*`. */
  principal: string;
  principalType: TrustPrincipalType;
  /** Conditions attached to the trust, rendered for people. */
  condition?: string | null;
  risk?: TrustRisk | null;
  attributes?: Record<string, unknown>;
}

/** Something a scanner could not read. Makes the target (and the scan) partial. */
export interface ErrorRecord {
  type: 'error';
  operation: string;
  code: string;
  message: string;
  /** The permission, role or setting that would fix it. */
  fix?: string | null;
  /** Sub-target the error concerns (a repository, a subscription…), when narrower than the target. */
  resource?: string | null;
}

/** A fact worth telling that is not a failure (a fallback taken, an endpoint the org does not have). */
export interface NoteRecord {
  type: 'note';
  operation?: string | null;
  message: string;
}

/** Where an owner candidate came from: the audit log or history that names the person. */
export const OWNER_SOURCES = ['cloudtrail', 'directory-audit', 'activity-log', 'cloud-audit-log', 'github-audit-log', 'github-api', 'git', 'repo-admin'] as const;
export type OwnerSource = (typeof OWNER_SOURCES)[number];

/**
 * A person who probably owns an identity, from the record of who created it, changed it or leaked its
 * key. Several per identity; the inventory suggests the strongest one where no owner is declared.
 */
export interface OwnerCandidateRecord {
  type: 'owner_candidate';
  /** The identity, or `key:<key id>` for the author of a leak (tied to the identity holding that key). */
  identityId: string;
  provider: Provider;
  /** The person, resolved (an e-mail where the data gives one; else `<provider>:<login or user>`). */
  person: string;
  /** The name the log used (session name, login, IAM user ARN), when it differs from `person`. */
  handle?: string | null;
  source: OwnerSource;
  /** The event: CreateRole, Add service principal, integration_installation.create, commit… */
  event: string;
  at: Timestamp;
  /** 0–100: how strongly the event says "owner" (creation over a policy change over a recent commit). */
  confidence: number;
  /** The person has left: no longer a GitHub member, an Entra user disabled or deleted. */
  departed?: boolean;
  /** For people: "created by alice@acme.example on 2025-03-04 via CloudTrail (CreateRole)". */
  evidence: string;
}

export type InventoryRecord = IdentityRecord | CredentialRecord | GrantRecord | TrustRecord | OwnerCandidateRecord;
export type ScanRecord = InventoryRecord | ErrorRecord | NoteRecord;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

