// Factories for who may push where: teams (GET /orgs/{org}/teams), a team's repositories with
// the team's permission on each (GET /orgs/{org}/teams/{slug}/repos) and a repository's outside
// collaborators (GET /repos/{o}/{r}/collaborators?affiliation=outside). Typed against GitHub's
// OpenAPI description like ./fixtures.ts.
import type { Collaborator, MinimalRepository, Team } from '../wire.js';
import { repo, user } from './fixtures.js';

const WEB = 'https://github.com';
const API = 'https://api.github.com';

/** A repository role and the permission flags GitHub sends with it. */
export type RepoRole = 'read' | 'triage' | 'write' | 'maintain' | 'admin';
const LEVELS: RepoRole[] = ['read', 'triage', 'write', 'maintain', 'admin'];

function flags(role: RepoRole) {
  const at = LEVELS.indexOf(role);
  return { pull: true, triage: at >= 1, push: at >= 2, maintain: at >= 3, admin: at >= 4 };
}

export function team(org: string, slug: string, o: { id: number; name?: string; description?: string | null }): Team {
  return {
    id: o.id,
    node_id: `T_${Buffer.from(`${org}/${slug}`).toString('base64url')}`,
    url: `${API}/organizations/1/team/${o.id}`,
    html_url: `${WEB}/orgs/${org}/teams/${slug}`,
    name: o.name ?? slug,
    slug,
    description: o.description ?? null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${API}/organizations/1/team/${o.id}/members{/member}`,
    repositories_url: `${API}/organizations/1/team/${o.id}/repos`,
    type: 'organization',
    parent: null,
  };
}

/** One item of GET /orgs/{org}/teams/{slug}/repos: the repository with the team's role on it. */
export function teamRepo(org: string, name: string, role: RepoRole): MinimalRepository {
  return { ...repo(org, name), permissions: flags(role), role_name: role };
}

/** One item of GET /repos/{o}/{r}/collaborators: the user with their highest role on the repository. */
export function collaborator(login: string, role: RepoRole): Collaborator {
  const { login: l, id, node_id, avatar_url, gravatar_id, url, html_url, followers_url, following_url, gists_url, starred_url, subscriptions_url, organizations_url, repos_url, events_url, received_events_url, type, site_admin } = user(login);
  return { login: l, id, node_id, avatar_url, gravatar_id, url, html_url, followers_url, following_url, gists_url, starred_url, subscriptions_url, organizations_url, repos_url, events_url, received_events_url, type, site_admin, permissions: flags(role), role_name: role };
}
