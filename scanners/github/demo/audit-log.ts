// The demo organisation's audit log (GitHub Enterprise Cloud's `GET /orgs/{org}/audit-log`: entries
// with epoch-millisecond `@timestamp`/`created_at`, filtered by the `phrase` qualifiers
// `action:` and `created:>=`) and members' public profiles (`GET /users/{login}`), for owners.
import type { LocalRequest } from '../../../src/demo/local-server.js';
import type { AuditEntry } from '../owners.js';
import { DEMO_GITHUB } from './estate.js';
import type { FakeRoutes, FakeRouteValue } from './fake-github.js';
import { user } from './fixtures.js';

/** Members with a public e-mail on their profile: how a login meets the e-mail its commits carry. */
export const PUBLIC_EMAILS: Record<string, string> = {
  'heidi-sec': 'heidi.schmidt@acme.example',
  'alice-owner': 'alice@acme.example',
};

export function demoAuditEntries(now: Date): AuditEntry[] {
  const org = DEMO_GITHUB.org;
  const ago = (days: number) => now.getTime() - days * 86_400_000 - 2 * 3_600_000;
  const entry = (days: number, e: AuditEntry): AuditEntry => ({ '@timestamp': ago(days), created_at: ago(days), org, ...e });
  return [
    entry(10, { action: 'public_key.create', actor: 'heidi-sec', repo: `${org}/auth-service`, title: 'auth-mirror' }),
    entry(30, { action: 'hook.create', actor: 'bob-platform', hook_id: 4101 }),
    entry(40, { action: 'org.add_member', actor: 'alice-owner', user: DEMO_GITHUB.bots.partner }),
    entry(100, { action: 'integration_installation.create', actor: 'alice-owner', integration: DEMO_GITHUB.risky.thirdPartyAdminApp }),
    // Beyond the 180 days the audit log keeps: not trusted, left out.
    entry(200, { action: 'personal_access_token.request_created', actor: DEMO_GITHUB.departedMember, token_id: 880105 }),
  ];
}

/** A route answering the audit log with the entries its `phrase` selects; `fault` replaces it (404 on plans without it). */
export function auditLogRoute(entries: AuditEntry[], fault?: FakeRouteValue): (req: LocalRequest) => FakeRouteValue {
  return (req) => {
    if (fault) return fault;
    const phrase = req.query.get('phrase') ?? '';
    const action = /action:(\S+)/.exec(phrase)?.[1];
    return { items: entries.filter((e) => !action || e.action === action), defaultPerPage: 30 };
  };
}

export function auditRoutes(now: Date, fault?: FakeRouteValue): FakeRoutes {
  const org = DEMO_GITHUB.org;
  const routes: FakeRoutes = { [`GET /orgs/${org}/audit-log`]: auditLogRoute(demoAuditEntries(now), fault) };
  for (const login of [...DEMO_GITHUB.members, DEMO_GITHUB.departedMember]) {
    routes[`GET /users/${login}`] = { status: 200, body: { ...user(login), email: PUBLIC_EMAILS[login] ?? null } };
  }
  return routes;
}
