// Provider knowledge: which Azure RBAC roles, Microsoft Graph application permissions and
// Entra directory roles are admin-equivalent, and which federated credentials are loose.
import type { Privilege, TrustRisk } from '../../src/model/records.js';

export interface Classified {
  privilege: Privilege;
  evidence: string;
}

// ---------------------------------------------------------------- Azure RBAC (ARM)

/** Well-known built-in role definition ids (the GUID at the end of roleDefinitionId). */
export const BUILTIN_ROLES: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
};

const ADMIN_ROLE_NAMES: Record<string, string> = {
  Owner: 'built-in Owner: full control including role assignments',
  Contributor:
    'built-in Contributor: full control of every resource in scope (Microsoft.Authorization writes excluded, but running code as the managed identities and reading the secrets in scope is an escalation path)',
  'User Access Administrator': 'built-in User Access Administrator: can assign any role, including Owner',
  'Role Based Access Control Administrator': 'built-in Role Based Access Control Administrator: can create role assignments',
};

export interface RolePermission {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

/** Does an RBAC action pattern (with `*` wildcards, case-insensitive) match an operation? */
export function actionMatches(pattern: string, operation: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(operation);
}

const ESCALATION_OPS = ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleDefinitions/write'];

/**
 * Normalized privilege of an Azure role. Admin: Owner, Contributor, User Access Administrator,
 * RBAC Administrator, and any role whose actions include `*` or can write role assignments or
 * definitions (e.g. `Microsoft.Authorization/*` or `Microsoft.Authorization/*\/write`).
 * Write: any action that is not a read. Read: only `…/read` actions.
 */
export function classifyArmRole(roleName: string | undefined, permissions: RolePermission[] | undefined, builtIn: boolean): Classified {
  if (builtIn && roleName && ADMIN_ROLE_NAMES[roleName]) return { privilege: 'admin', evidence: ADMIN_ROLE_NAMES[roleName] };
  if (!permissions || permissions.length === 0) return { privilege: 'unknown', evidence: `role ${roleName ?? '(unreadable definition)'}: permissions not readable` };
  let write: string | null = null;
  let read: string | null = null;
  for (const p of permissions) {
    const actions = p.actions ?? [];
    const notActions = p.notActions ?? [];
    for (const a of actions) {
      if (a === '*') return { privilege: 'admin', evidence: `actions include "*"${notActions.length ? ` (notActions: ${notActions.join(', ')})` : ''}` };
      for (const op of ESCALATION_OPS) {
        if (actionMatches(a, op) && !notActions.some((n) => actionMatches(n, op))) {
          return { privilege: 'admin', evidence: `action "${a}" grants ${op}` };
        }
      }
      if (/\/read$/i.test(a)) read ??= a;
      else write ??= a;
    }
    for (const d of p.dataActions ?? []) {
      if (/\/read$/i.test(d)) read ??= d;
      else write ??= d;
    }
  }
  if (write) return { privilege: 'write', evidence: `action "${write}"` };
  if (read) return { privilege: 'read', evidence: `only read actions (e.g. "${read}")` };
  return { privilege: 'unknown', evidence: `role ${roleName ?? ''} has no actions` };
}

// ---------------------------------------------------------------- Microsoft Graph app roles

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Graph application permissions that let the holder make itself (or anyone) Global Administrator. */
export const GRAPH_ADMIN_PERMISSIONS: Record<string, string> = {
  'RoleManagement.ReadWrite.Directory': 'can assign any directory role, including Global Administrator',
  'AppRoleAssignment.ReadWrite.All': 'can grant itself any application permission',
  'Application.ReadWrite.All': 'can add credentials to any application, including privileged ones',
  'Directory.ReadWrite.All': 'can modify any directory object',
  'RoleAssignmentSchedule.ReadWrite.Directory': 'can activate/assign any directory role',
  'RoleEligibilitySchedule.ReadWrite.Directory': 'can make principals eligible for any directory role',
  'PrivilegedAccess.ReadWrite.AzureADGroup': 'can manage privileged access groups',
  'UserAuthenticationMethod.ReadWrite.All': 'can add authentication methods to administrators',
  'Domain.ReadWrite.All': 'can federate a domain and sign in as any user',
  'Policy.ReadWrite.PermissionGrant': 'can allow itself to consent to any permission',
};

/** Normalized privilege of an application permission (app role value) on an API. */
export function classifyAppRole(value: string | undefined, resourceAppId: string | undefined): Classified {
  if (!value) return { privilege: 'unknown', evidence: 'app role id not found among the resource application\'s app roles' };
  if (resourceAppId === MICROSOFT_GRAPH_APP_ID && GRAPH_ADMIN_PERMISSIONS[value]) {
    return { privilege: 'admin', evidence: `Microsoft Graph ${value}: ${GRAPH_ADMIN_PERMISSIONS[value]}` };
  }
  if (/full_access|FullControl|\.Manage\.|ReadWrite|\.Write|\.Send|\.Create|\.Delete|\.Manage$|\.Action/i.test(value)) {
    return { privilege: 'write', evidence: `application permission ${value}` };
  }
  if (/Read/i.test(value)) return { privilege: 'read', evidence: `application permission ${value}` };
  return { privilege: 'unknown', evidence: `application permission ${value}` };
}

// ---------------------------------------------------------------- Entra directory roles

/** roleTemplateId → [name, privilege]. Admin: can take over the tenant or any application. */
export const DIRECTORY_ROLES: Record<string, [string, Privilege]> = {
  '62e90394-69f5-4237-9190-012177145e10': ['Global Administrator', 'admin'],
  'e8611ab8-c189-46e8-94e1-60213ab1f814': ['Privileged Role Administrator', 'admin'],
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': ['Privileged Authentication Administrator', 'admin'],
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': ['Application Administrator', 'admin'],
  '158c047a-c907-4556-b7ef-446551a6b5f7': ['Cloud Application Administrator', 'admin'],
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': ['Hybrid Identity Administrator', 'admin'],
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': ['Conditional Access Administrator', 'admin'],
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': ['Authentication Administrator', 'write'],
  'fe930be7-5e62-47db-91af-98c3a49a38b1': ['User Administrator', 'write'],
  '9360feb5-f418-4baa-8175-e2a00bac4301': ['Directory Writers', 'write'],
  '194ae4cb-b126-40b2-bd5b-6091b380977d': ['Security Administrator', 'write'],
  '29232cdf-9323-42fd-ade2-1d097af3e4de': ['Exchange Administrator', 'write'],
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': ['SharePoint Administrator', 'write'],
  '3a2c62db-5318-420d-8d74-23affee5d9d5': ['Intune Administrator', 'write'],
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': ['Global Reader', 'read'],
  '88d8e3e3-8f55-4a1e-953a-9b9898b8876b': ['Directory Readers', 'read'],
  '5d6b6bb7-de71-4623-b4af-96380a352509': ['Security Reader', 'read'],
  '4a5d8f65-41da-4de4-8968-e035b65339cf': ['Reports Reader', 'read'],
};

export function classifyDirectoryRole(roleTemplateId: string | undefined, displayName: string | undefined): Classified {
  const known = roleTemplateId ? DIRECTORY_ROLES[roleTemplateId] : undefined;
  if (known) return { privilege: known[1], evidence: `directory role ${known[0]}${known[1] === 'admin' ? ' (can take over the tenant or its applications)' : ''}` };
  const name = displayName ?? roleTemplateId ?? 'unknown role';
  if (/reader/i.test(name)) return { privilege: 'read', evidence: `directory role ${name}` };
  if (/administrator|writer/i.test(name)) return { privilege: 'write', evidence: `directory role ${name}` };
  return { privilege: 'unknown', evidence: `directory role ${name}` };
}

// ---------------------------------------------------------------- federated credentials

/**
 * Risk of a federated identity credential. Azure matches `subject` exactly, so a wildcard can
 * only come from a flexible credential's claimsMatchingExpression. Unpinned: a wildcard over
 * the repository/branch, or a GitHub subject any branch can obtain (pull_request), or a
 * subject that names no repository at all.
 */
export function federatedRisk(
  issuer: string,
  subject: string | null | undefined,
  expression: string | null | undefined,
  tenantId?: string,
): { risk: TrustRisk | null; reason: string | null; principalType: 'federated' | 'external-account' } {
  const issuerTenant = entraIssuerTenant(issuer);
  if (issuerTenant && tenantId && issuerTenant !== tenantId.toLowerCase()) {
    return { risk: 'external', reason: `an identity of another Entra tenant (${issuerTenant}) can sign in as it`, principalType: 'external-account' };
  }
  const r = subjectRisk(issuer, subject, expression);
  return { ...r, principalType: 'federated' };
}

/** The tenant of an Entra ID token issuer (cross-tenant federation), or null for other issuers. */
export function entraIssuerTenant(issuer: string): string | null {
  const m = /^https:\/\/(?:login\.microsoftonline\.(?:com|us)|login\.chinacloudapi\.cn|sts\.windows\.net)\/([0-9a-f-]{36})(?:\/|$)/i.exec(issuer);
  return m ? m[1].toLowerCase() : null;
}

function subjectRisk(issuer: string, subject: string | null | undefined, expression: string | null | undefined): { risk: TrustRisk | null; reason: string | null } {
  if (expression) {
    const m = /matches\s+'([^']*)'/i.exec(expression);
    const pattern = m ? m[1] : expression;
    if (pattern.includes('*')) return { risk: 'unpinned-subject', reason: `claims expression matches a wildcard: ${pattern}` };
    return { risk: null, reason: null };
  }
  if (!subject || subject.trim() === '' || subject.includes('*')) return { risk: 'unpinned-subject', reason: 'no exact subject' };
  if (/token\.actions\.githubusercontent\.com/i.test(issuer)) {
    if (/:pull_request$/i.test(subject)) return { risk: 'unpinned-subject', reason: 'any pull request branch of the repository can obtain it' };
    if (!/^repo:[^/]+\/[^:]+:/i.test(subject)) return { risk: 'unpinned-subject', reason: 'subject does not name one repository' };
  }
  return { risk: null, reason: null };
}

// ---------------------------------------------------------------- tenants

/** Tenants of Microsoft's own first-party applications: their service principals are provider-managed. */
export const MICROSOFT_TENANTS = new Set([
  'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
  '72f988bf-86f1-41af-91ab-2d7cd011db47',
  '33e01921-4d64-4f8c-a055-5bdaffd5e33d',
  'cdc5aeea-15c5-4db6-b079-fcadd2505dc2',
]);
