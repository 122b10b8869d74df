// Owners from the GitHub organisation audit log (GitHub Enterprise Cloud): who installed each app,
// requested each token, added each deploy key and webhook, and invited each bot. Members' public
// e-mails link a login to the person their commits name; an actor or declared owner who is no longer
// a member has left (OWASP NHI1). Without the audit log (other plans: 404/403), repository
// administrators stand in for the owners of repository keys and hooks.
import type { ScanContext } from '../../src/scanners/contract.js';
import type { IdentityRecord, ScanRecord } from '../../src/model/records.js';
import { ownerCandidate, withinRetention, type OwnerAction } from '../../src/owners/candidates.js';
import { personFromGithubLogin } from '../../src/owners/persons.js';
import { OwnersBudget } from '../../src/owners/options.js';
import type { GitHubClient } from './client.js';
import { httpStatus } from './errors.js';
import type { GitHubOptions } from './options.js';

/** The audit log's web events are kept 180 days. */
export const GITHUB_AUDIT_RETENTION_DAYS = 180;
const AUDIT_OP = 'GET /orgs/{org}/audit-log';
const AUDIT_NEEDS = 'GitHub Enterprise Cloud, and an organisation owner\'s token with read:audit_log (or admin:org), or a GitHub App with "Administration: read"';

interface AuditAction {
  action: string;
  owner: OwnerAction;
  /** Whose the identity is: the actor, or the user the event names (a token's owner). */
  person: 'actor' | 'user';
}

export const AUDIT_ACTIONS: AuditAction[] = [
  { action: 'integration_installation.create', owner: 'created', person: 'actor' },
  { action: 'personal_access_token.request_created', owner: 'created', person: 'actor' },
  { action: 'personal_access_token.access_granted', owner: 'created', person: 'user' },
  { action: 'public_key.create', owner: 'created', person: 'actor' },
  { action: 'hook.create', owner: 'created', person: 'actor' },
  { action: 'org.add_member', owner: 'created', person: 'actor' },
];

/** One audit-log entry (the fields nhi reads; times are epoch milliseconds). */
export interface AuditEntry {
  '@timestamp'?: number;
  created_at?: number;
  action?: string;
  actor?: string;
  user?: string;
  org?: string;
  repo?: string;
  hook_id?: number;
  integration?: string;
  token_id?: number;
  title?: string;
}

/** The organisation's identities as the scan reported them, by what audit entries name. */
export class GitHubIdentityIndex {
  private readonly keys = new Map<string, string>();
  readonly byId = new Map<string, IdentityRecord>();
  see(r: ScanRecord): void {
    if (r.type !== 'identity') return;
    this.byId.set(r.id, r);
    const a = r.attributes ?? {};
    const put = (k: string, v: unknown) => v !== undefined && v !== null && this.keys.set(`${k}:${String(v).toLowerCase()}`, r.id);
    if (r.kind === 'github_app') put('app', a.appSlug);
    if (r.kind === 'fine_grained_pat' || r.kind === 'fine_grained_pat_request') put('token', a.tokenId);
    if (r.kind === 'webhook') put('hook', a.hookId);
    if (r.kind === 'bot_account') put('bot', a.login);
    if (r.kind === 'deploy_key') put('deploy-key', `${String(a.repository)}|${r.name.replace(/ \([^)]*\)$/, '')}`);
  }
  find(e: AuditEntry): string | undefined {
    const get = (k: string, v: unknown) => (v === undefined || v === null ? undefined : this.keys.get(`${k}:${String(v).toLowerCase()}`));
    switch (e.action) {
      case 'integration_installation.create':
        return get('app', e.integration);
      case 'personal_access_token.request_created':
      case 'personal_access_token.access_granted':
        return get('token', e.token_id);
      case 'hook.create':
        return get('hook', e.hook_id);
      case 'org.add_member':
        return get('bot', e.user);
      case 'public_key.create':
        return get('deploy-key', `${e.repo}|${e.title}`);
      default:
        return undefined;
    }
  }
}

export async function* ownersFromGitHub(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, org: string, index: GitHubIdentityIndex): AsyncGenerator<ScanRecord> {
  const o = ctx.options;
  const budget = new OwnersBudget({ maxCalls: o.ownersMaxCalls, maxSeconds: o.ownersMaxSeconds }, ctx.signal);
  // Who is still here: members and outside collaborators (without the full list nobody is called departed).
  let people: Set<string> | null = new Set<string>();
  try {
    for (const route of ['GET /orgs/{org}/members', 'GET /orgs/{org}/outside_collaborators'] as const) {
      for await (const page of octokit.paginate.iterator(route, { org, per_page: 100 })) {
        if (!(await budget.take())) throw new Error(budget.stopped ?? 'budget');
        for (const u of page.data as { login: string }[]) people.add(u.login.toLowerCase());
      }
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    people = null;
  }
  const emails = new Map<string, string>();
  const lookedUp = new Set<string>();
  /** A member's public e-mail (GET /users/{login}), once per login. */
  const personOf = async (login: string) => {
    const key = login.toLowerCase();
    if (!lookedUp.has(key) && !/\[bot\]$/.test(login) && (await budget.take())) {
      lookedUp.add(key);
      try {
        const u = (await octokit.request('GET /users/{username}', { username: login })).data as { email?: string | null };
        if (u.email) emails.set(key, u.email);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
      }
    }
    return personFromGithubLogin(login, emails);
  };
  const departed = (login: string) => !!people && !/\[bot\]$/.test(login) && !people.has(login.toLowerCase());
  const covered = new Set<string>();
  let entries = 0;
  let candidates = 0;
  let expired = 0;

  // Declared owners who left: the owner field GitHub reports (token owner, added_by) names a former member.
  for (const r of index.byId.values()) {
    const a = r.attributes ?? {};
    if (a.ownerDeparted !== true || typeof a.formerOwner !== 'string') continue;
    const person = await personOf(a.formerOwner);
    if (!person) continue;
    covered.add(r.id);
    candidates++;
    const event = String(a.formerOwnerSource ?? 'owner').replace(/^github:/, '');
    yield ownerCandidate({ identityId: r.id, provider: 'github', person, source: 'github-api', event, action: 'made-owner', at: r.createdAt ?? ctx.now, departed: true });
  }

  let auditLog = true;
  const since = new Date(ctx.now.getTime() - GITHUB_AUDIT_RETENTION_DAYS * 86_400_000).toISOString().slice(0, 10);
  outer: for (const a of AUDIT_ACTIONS) {
    try {
      for await (const page of octokit.paginate.iterator('GET /orgs/{org}/audit-log', { org, phrase: `action:${a.action} created:>=${since}`, per_page: 100 })) {
        if (!(await budget.take())) break outer;
        for (const e of page.data as AuditEntry[]) {
          entries++;
          const at = e['@timestamp'] ?? e.created_at;
          if (at === undefined || !withinRetention(new Date(at), ctx.now, GITHUB_AUDIT_RETENTION_DAYS)) {
            expired++;
            continue;
          }
          const identityId = index.find(e);
          const login = a.person === 'user' ? e.user : e.actor;
          if (!identityId || !login) continue;
          const person = await personOf(login);
          if (!person) continue;
          covered.add(identityId);
          candidates++;
          yield ownerCandidate({ identityId, provider: 'github', person, source: 'github-audit-log', event: a.action, action: a.owner, at: new Date(at), departed: departed(login) });
        }
      }
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const status = httpStatus(err);
      auditLog = false;
      yield {
        type: 'note',
        operation: AUDIT_OP,
        message:
          status === 404 || status === 403
            ? `the audit log of ${org} is not available (${status}: it needs ${AUDIT_NEEDS}); owners of repository keys and hooks come from repository administrators instead`
            : `the audit log of ${org} could not be read (${status ?? (err as Error)?.message}); owners of repository keys and hooks come from repository administrators instead`,
      };
      break;
    }
  }

  // Fallback: repository administrators for repository keys and hooks nobody is known for.
  if (!auditLog) {
    const repos = new Map<string, string[]>();
    for (const r of index.byId.values()) {
      const repo = r.attributes?.repository;
      if ((r.kind === 'deploy_key' || r.kind === 'webhook') && typeof repo === 'string' && !r.owner && !covered.has(r.id)) repos.set(repo, [...(repos.get(repo) ?? []), r.id]);
    }
    for (const [repo, ids] of repos) {
      const [owner, name] = repo.split('/');
      if (!(await budget.take())) break;
      let admins: string[] = [];
      try {
        const res = await octokit.request('GET /repos/{owner}/{repo}/collaborators', { owner, repo: name, affiliation: 'direct', permission: 'admin', per_page: 100 });
        admins = (res.data as { login: string }[]).map((u) => u.login).filter((l) => !/\[bot\]$/.test(l)).slice(0, 5);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        continue;
      }
      for (const login of admins) {
        const person = await personOf(login);
        if (!person) continue;
        for (const identityId of ids) {
          candidates++;
          yield ownerCandidate({ identityId, provider: 'github', person, source: 'repo-admin', event: `admin of ${repo}`, action: 'administers', at: ctx.now, departed: false });
        }
      }
    }
  }
  if (budget.stopped) yield { type: 'note', operation: AUDIT_OP, message: `owners from the GitHub audit log of ${org} ${budget.stopped}: owners of the events not read are unknown` };
  ctx.progress.log(`owners from GitHub (${org}): ${entries} audit events in ${budget.used} requests, ${candidates} owner candidates${expired ? `, ${expired} older than ${GITHUB_AUDIT_RETENTION_DAYS} days left out` : ''}`);
}
