// How GitHub permissions and scopes normalize to admin / write / read.
// Admin-equivalent (the table): administration or organization_administration
// with write, members write (can add owners and change teams), contents write on ALL
// repositories of the organisation; for classic tokens the admin:org / admin:enterprise
// scopes. Everything else maps to its own level.
import type { Privilege } from '../../src/model/records.js';

export interface PermissionVerdict {
  privilege: Privilege;
  /** Why it is admin-equivalent (shown as grant evidence); null when it is not. */
  adminReason: string | null;
}

/** Permissions whose write level lets the holder take over the organisation or its repositories. */
const ADMIN_WHEN_WRITE: Record<string, string> = {
  administration: 'administration write: can change repository settings, collaborators, branch protection and deploy keys',
  organization_administration: 'organization_administration write: can change organisation settings',
  members: 'members write: can add members, owners and change team membership',
};

/**
 * Normalize one fine-grained/App permission. `allRepositories` is true when the grant covers
 * every repository of the organisation (App installation `all`, fine-grained PAT `all`).
 */
export function permissionPrivilege(name: string, level: string, allRepositories: boolean): PermissionVerdict {
  const l = level.toLowerCase();
  const writes = l === 'write' || l === 'admin';
  if (writes && ADMIN_WHEN_WRITE[name]) return { privilege: 'admin', adminReason: ADMIN_WHEN_WRITE[name] };
  if (writes && name === 'contents' && allRepositories) {
    return { privilege: 'admin', adminReason: 'contents write on all repositories: can push to every repository, including workflows that hold secrets' };
  }
  if (writes) return { privilege: 'write', adminReason: null };
  if (l === 'read') return { privilege: 'read', adminReason: null };
  return { privilege: 'unknown', adminReason: null };
}

/** App permissions that apply to the organisation rather than to repositories. */
export function isOrganizationPermission(name: string): boolean {
  return name.startsWith('organization_') || name === 'members' || name === 'team_discussions' || name === 'custom_properties_for_organizations';
}

/** Classic OAuth scopes (PATs authorized for SAML SSO). */
const CLASSIC_SCOPES: Record<string, { privilege: Privilege; adminReason?: string }> = {
  'admin:org': { privilege: 'admin', adminReason: 'admin:org: full control of the organisation, its teams, members and settings' },
  'admin:enterprise': { privilege: 'admin', adminReason: 'admin:enterprise: full control of the enterprise' },
  'write:org': { privilege: 'write' },
  'read:org': { privilege: 'read' },
  repo: { privilege: 'write' },
  'repo:status': { privilege: 'write' },
  repo_deployment: { privilege: 'write' },
  public_repo: { privilege: 'write' },
  'repo:invite': { privilege: 'write' },
  security_events: { privilege: 'write' },
  'admin:repo_hook': { privilege: 'write' },
  'write:repo_hook': { privilege: 'write' },
  'read:repo_hook': { privilege: 'read' },
  'admin:org_hook': { privilege: 'write' },
  'admin:public_key': { privilege: 'write' },
  'write:public_key': { privilege: 'write' },
  'read:public_key': { privilege: 'read' },
  'admin:gpg_key': { privilege: 'write' },
  'write:gpg_key': { privilege: 'write' },
  'read:gpg_key': { privilege: 'read' },
  workflow: { privilege: 'write' },
  'write:packages': { privilege: 'write' },
  'read:packages': { privilege: 'read' },
  'delete:packages': { privilege: 'write' },
  delete_repo: { privilege: 'write' },
  gist: { privilege: 'write' },
  notifications: { privilege: 'read' },
  user: { privilege: 'write' },
  'read:user': { privilege: 'read' },
  'user:email': { privilege: 'read' },
  'user:follow': { privilege: 'write' },
  project: { privilege: 'write' },
  'read:project': { privilege: 'read' },
  codespace: { privilege: 'write' },
  copilot: { privilege: 'write' },
  'manage_runners:org': { privilege: 'write' },
  'manage_billing:enterprise': { privilege: 'write' },
  'read:enterprise': { privilege: 'read' },
  'read:audit_log': { privilege: 'read' },
  'audit_log': { privilege: 'read' },
};

export function scopePrivilege(scope: string): PermissionVerdict {
  const s = CLASSIC_SCOPES[scope];
  if (!s) return { privilege: 'unknown', adminReason: null };
  return { privilege: s.privilege, adminReason: s.adminReason ?? null };
}

/** Organisation role of a member (for bot accounts among members). */
export function memberRolePrivilege(role: 'admin' | 'member'): PermissionVerdict {
  return role === 'admin'
    ? { privilege: 'admin', adminReason: 'organisation owner (role admin)' }
    : { privilege: 'read', adminReason: null };
}
