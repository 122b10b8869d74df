// Who else can push to a repository, as trust rows reach reads: a team with write, maintain or
// admin on it, and an outside collaborator (not a member of the organisation) with the same.
// Pushing runs the repository's workflows, so mints the OIDC tokens clouds trust and reads its
// CI secrets. Read and triage grant no push: no row. Pure functions, like ./normalize.ts.
import type { TrustRecord } from '../../src/model/records.js';
import type { OrgFacts } from './normalize.js';
import type { Collaborator, MinimalRepository, Team } from './wire.js';

type Flags = { push?: boolean; maintain?: boolean; admin?: boolean } | undefined;

/** The push-or-higher level of a grant, from its permission flags, else its role name; null below write. */
export function pushLevel(permissions: Flags, roleName: string | null | undefined): 'admin' | 'maintain' | 'write' | null {
  if (permissions?.admin) return 'admin';
  if (permissions?.maintain) return 'maintain';
  if (permissions?.push) return 'write';
  const r = roleName?.toLowerCase();
  return r === 'admin' || r === 'maintain' || r === 'write' ? r : null;
}

/** The repository node of reach: `ext:github-repo:<owner>/<name>`, lower-case. */
export function repoNodeId(fullName: string): string {
  return `ext:github-repo:${fullName.toLowerCase()}`;
}

export function teamPrincipal(f: OrgFacts, slug: string): string {
  return `ext:github-team:${f.org}/${slug.toLowerCase()}`;
}

export function outsidePrincipal(login: string): string {
  return `ext:github-user:${login.toLowerCase()}`;
}

/** A team's grant on one repository (an item of GET /orgs/{org}/teams/{slug}/repos), or nothing below write. */
export function normalizeTeamRepo(t: Team, r: MinimalRepository, f: OrgFacts): TrustRecord[] {
  const level = pushLevel(r.permissions, r.role_name);
  if (!level) return [];
  const role = r.role_name ?? level;
  return [
    {
      type: 'trust',
      identityId: repoNodeId(r.full_name),
      provider: 'github',
      principal: teamPrincipal(f, t.slug),
      principalType: 'account',
      condition: null,
      risk: null,
      attributes: {
        repository: r.full_name.toLowerCase(),
        repositoryRole: role,
        grantee: 'team',
        team: t.slug,
        teamName: t.name,
        why: `team ${t.name} (${f.org}/${t.slug}) has ${role} on ${r.full_name}`,
      },
    },
  ];
}

/** An outside collaborator's grant on one repository (GET /repos/{o}/{r}/collaborators?affiliation=outside), or nothing below write. */
export function normalizeOutsideCollaborator(c: Collaborator, r: MinimalRepository, f: OrgFacts): TrustRecord[] {
  const level = pushLevel(c.permissions, c.role_name);
  if (!level) return [];
  const role = c.role_name || level;
  return [
    {
      type: 'trust',
      identityId: repoNodeId(r.full_name),
      provider: 'github',
      principal: outsidePrincipal(c.login),
      // Not a member: someone outside the organisation.
      principalType: 'external-account',
      condition: null,
      risk: null,
      attributes: {
        repository: r.full_name.toLowerCase(),
        repositoryRole: role,
        grantee: 'outside-collaborator',
        login: c.login,
        why: `outside collaborator ${c.login} (not a member of ${f.org}) has ${role} on ${r.full_name}`,
      },
    },
  ];
}
