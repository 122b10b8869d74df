// Provider knowledge about IAM roles and members: which roles are admin or an escalation
// path, which let a member act as a service account, and how risky a member is when it
// can become one of our identities.
import type { Privilege, TrustPrincipalType, TrustRisk } from '../../src/model/records.js';

/** Roles that are admin-equivalent, with why (shown as grant evidence). */
export const ADMIN_ROLES: Record<string, string> = {
  'roles/owner': 'basic role Owner: every permission on the resource, including setting its IAM policy',
  'roles/editor': 'basic role Editor: write access to nearly every service, including iam.serviceAccounts.actAs (act as any service account)',
  'roles/iam.securityAdmin': 'can set any IAM policy on the resource (grant itself anything)',
  'roles/resourcemanager.organizationAdmin': 'can set the organisation IAM policy (grant itself anything)',
  'roles/resourcemanager.projectIamAdmin': 'can set the project IAM policy (grant itself anything)',
  'roles/resourcemanager.folderAdmin': 'can set folder IAM policies (grant itself anything below the folder)',
  'roles/resourcemanager.folderIamAdmin': 'can set folder IAM policies (grant itself anything below the folder)',
  'roles/iam.serviceAccountTokenCreator': 'held on the whole resource: can mint access tokens for every service account in it (impersonation)',
  'roles/iam.serviceAccountUser': 'held on the whole resource: can act as every service account in it (iam.serviceAccounts.actAs)',
  'roles/iam.serviceAccountKeyAdmin': 'held on the whole resource: can create keys for every service account in it',
  'roles/iam.serviceAccountAdmin': 'held on the whole resource: can set the IAM policy of every service account in it (grant itself impersonation)',
  'roles/iam.workloadIdentityUser': 'held on the whole resource: can impersonate every service account in it',
};

/** Roles that let the holder become a service account (on the SA itself or project-wide). */
export const IMPERSONATION_ROLES = new Set([
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.workloadIdentityUser',
  'roles/owner',
  'roles/editor',
]);

/** Roles whose project-wide holders become trust edges on every service account (basic roles only when risky). */
export const PROJECT_WIDE_IMPERSONATION = new Set([
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.workloadIdentityUser',
]);

const READ_ROLES = new Set(['roles/viewer', 'roles/browser', 'roles/iam.securityReviewer']);

export function classifyRole(role: string): { privilege: Privilege; evidence: string } {
  const admin = ADMIN_ROLES[role];
  if (admin) return { privilege: 'admin', evidence: `${role}: ${admin}` };
  if (/^(projects|organizations)\/[^/]+\/roles\//.test(role)) {
    return { privilege: 'unknown', evidence: `${role}: custom role (its permissions are not expanded)` };
  }
  if (READ_ROLES.has(role)) return { privilege: 'read', evidence: `${role}: read-only` };
  const leaf = role.split('/').pop() ?? role;
  const last = leaf.split('.').pop() ?? leaf;
  if (/(viewer|reader|browser|Viewer|Reader|Browser|lister|Lister|Auditor|auditor|Accessor|accessor)$/.test(last) || /^(roles\/)?(.*\.)?(viewer|reader)$/i.test(leaf)) {
    return { privilege: 'read', evidence: `${role}: predefined read role` };
  }
  if (/(admin|Admin|editor|Editor|developer|Developer|writer|Writer|creator|Creator|user|User|invoker|Invoker|publisher|Publisher|deployer|Deployer|operator|Operator|owner|Owner|manager|Manager|agent|Agent|client|Client)$/.test(last)) {
    return { privilege: 'write', evidence: `${role}: predefined role that changes resources` };
  }
  return { privilege: 'unknown', evidence: `${role}: not in the privilege table` };
}

/** Google-managed service agents (and the legacy per-project Google APIs agent). */
export function isServiceAgent(email: string): boolean {
  const e = email.toLowerCase();
  return (
    // Dotted agent domains too: service-N@cloud-ml.google.com.iam.gserviceaccount.com.
    /^service-(org-)?\d+@[a-z0-9.-]+\.iam\.gserviceaccount\.com$/.test(e) ||
    /^\d+@cloudservices\.gserviceaccount\.com$/.test(e) ||
    /@gcp-sa-[a-z0-9-]+\.iam\.gserviceaccount\.com$/.test(e) ||
    /@(container-engine-robot|compute-system|gae-api-prod|dataflow-service-producer-prod|system)\.(iam\.)?gserviceaccount\.com$/.test(e)
  );
}

/** The project number an address names: Compute Engine default accounts, service agents, the Google APIs agent. */
export function projectNumberOf(email: string): string | null {
  const e = email.toLowerCase();
  return /^(\d+)-compute@developer\.gserviceaccount\.com$/.exec(e)?.[1] ?? /^service-(\d+)@/.exec(e)?.[1] ?? /^(\d+)@cloudservices\.gserviceaccount\.com$/.exec(e)?.[1] ?? null;
}

/** `compute-engine` for <number>-compute@developer…, `app-engine` for <project>@appspot…, else null. */
export function defaultAccountKind(email: string, projectId: string): 'compute-engine' | 'app-engine' | null {
  const e = email.toLowerCase();
  if (/^\d+-compute@developer\.gserviceaccount\.com$/.test(e)) return 'compute-engine';
  if (e === `${projectId.toLowerCase()}@appspot.gserviceaccount.com`) return 'app-engine';
  return null;
}

const CONSUMER_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export interface MemberInfo {
  /** user, group, domain, serviceAccount, allUsers, allAuthenticatedUsers, principal, principalSet, deleted, other */
  type: string;
  /** The email/domain/URI after the prefix. */
  value: string;
  principalType: TrustPrincipalType;
  risk: TrustRisk | null;
  /** Domain of a user/group/domain member. */
  domain: string | null;
}

export function parseMember(member: string, internalDomains: ReadonlySet<string>): MemberInfo {
  if (member === 'allUsers' || member === 'allAuthenticatedUsers') {
    return { type: member, value: member, principalType: 'wildcard', risk: 'wildcard', domain: null };
  }
  const i = member.indexOf(':');
  const type = i > 0 ? member.slice(0, i) : 'other';
  const value = i > 0 ? member.slice(i + 1) : member;
  if (type === 'deleted') return { type, value, principalType: 'identity', risk: null, domain: null };
  if (type === 'serviceAccount' && /\.svc\.id\.goog\[[^\]]+\]$/.test(value)) {
    // GKE workload identity: a Kubernetes service account `<pool>.svc.id.goog[namespace/name]`.
    return { type: 'principal', value, principalType: 'federated', risk: null, domain: null };
  }
  if (type === 'serviceAccount') {
    return { type, value, principalType: isServiceAgent(value) ? 'service' : 'identity', risk: null, domain: null };
  }
  if (type === 'user' || type === 'group' || type === 'domain') {
    const domain = (type === 'domain' ? value : value.split('@')[1] ?? '').toLowerCase();
    const external = CONSUMER_DOMAINS.has(domain) || (internalDomains.size > 0 && !internalDomains.has(domain) && ![...internalDomains].some((d) => domain.endsWith(`.${d}`)));
    return { type, value, principalType: external ? 'external-account' : 'account', risk: external ? 'external' : null, domain };
  }
  if (type === 'principalSet' || type === 'principal') {
    // Workload/workforce identity federation. A whole pool (`/*`) is not pinned to a subject.
    const wholePool = type === 'principalSet' && /\/(workloadIdentityPools|workforcePools)\/[^/]+\/\*$/.test(value);
    return { type, value, principalType: 'federated', risk: wholePool ? 'unpinned-subject' : null, domain: null };
  }
  return { type, value, principalType: 'identity', risk: null, domain: null };
}

export interface IamCondition {
  title?: string | null;
  description?: string | null;
  expression?: string | null;
}

/** A condition rendered for people: `title: expression`. */
export function renderCondition(c: IamCondition | null | undefined): string | null {
  if (!c || (!c.expression && !c.title)) return null;
  const expr = (c.expression ?? '').replace(/\s+/g, ' ').trim();
  return c.title ? `${c.title}: ${expr}` : expr;
}
