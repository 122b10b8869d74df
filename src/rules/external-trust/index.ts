import { stableHash } from '../../model/ids.js';
import type { Severity } from '../../model/records.js';
import type { TrustRow } from '../../inventory/rows.js';
import type { Rule } from '../types.js';
import { judgeOidcSubject, type OidcJudgement, type Pinning, type Reach } from '../../reach/index.js';
import { chainJson } from '../../inventory/reach-store.js';

const GITHUB = /token\.actions\.githubusercontent\.com/i;

/**
 * A GitHub Actions trust judged the same way on every cloud (src/reach/oidc-pinning.ts), or null
 * for other issuers and for a whole GCP pool (whose provider is not read): their scanner's risk stands.
 */
function githubJudgement(t: TrustRow): OidcJudgement | null {
  if (t.principalType !== 'federated') return null;
  if (t.provider === 'aws') {
    const issuer = typeof t.attributes.issuer === 'string' ? t.attributes.issuer : t.principal;
    return GITHUB.test(issuer) ? judgeOidcSubject('aws', 'token.actions.githubusercontent.com', t.condition) : null;
  }
  if (t.provider === 'azure') return GITHUB.test(t.principal) ? judgeOidcSubject('azure', 'token.actions.githubusercontent.com', t.principal) : null;
  if (t.provider === 'gcp' && /^principal(Set)?:\/\//.test(t.principal)) {
    const j = judgeOidcSubject('gcp', '', t.principal);
    return j.repository || j.organization ? j : null;
  }
  return null;
}

/** Severity by how open the subject is and what the trusting identity reaches (its own grants or a chain). */
const SEVERITY: Record<Exclude<Pinning, 'pinned-ref-or-environment'>, Record<'admin' | 'write' | 'other', Severity>> = {
  anything: { admin: 'critical', write: 'high', other: 'high' },
  'organization-any-repository': { admin: 'high', write: 'medium', other: 'low' },
  'repository-any-ref': { admin: 'medium', write: 'low', other: 'low' },
};

function reachText(reach: Reach, id: string): { level: 'admin' | 'write' | 'other'; text: string; chain: ReturnType<Reach['strongest']>['chain'] } {
  const r = reach.strongest(id);
  const level = r.privilege === 'admin' || r.privilege === 'write' ? r.privilege : 'other';
  const text = r.privilege ? ` — it reaches ${r.privilege}${r.hops > 0 ? ` through ${r.hops} hop${r.hops > 1 ? 's' : ''}` : ' on its own'}` : '';
  return { level, text, chain: r.chain };
}

const WHY: Record<string, string> = {
  wildcard: 'anyone can assume it',
  external: 'an account outside the scanned estate can assume it',
  'unpinned-subject': 'a federated issuer can assume it without pinning the subject (any repository or branch)',
};

const MEMBERS = 'ext:github-members:';
const TEAM = 'ext:github-team:';
const OUTSIDE = 'ext:github-user:';
/** Names shown in a message; the evidence lists them all. */
const NAMED = 3;

type Pusher = ReturnType<Reach['reachersOf']>[number];
interface Pushers {
  teams: Pusher[];
  outside: Pusher[];
}

function names(list: Pusher[], prefix: string): string {
  const shown = list.slice(0, NAMED).map((p) => p.id.slice(prefix.length)).join(', ');
  return list.length > NAMED ? `${shown} and ${list.length - NAMED} more` : shown;
}

function othersText(p: Pushers, j: OidcJudgement): string {
  const where = j.repository ?? 'its repositories';
  const teams = p.teams.length ? `; and team${p.teams.length > 1 ? 's' : ''} ${names(p.teams, TEAM)} can push to ${where}` : '';
  const outside = p.outside.length ? `; and outside collaborator${p.outside.length > 1 ? 's' : ''} ${names(p.outside, OUTSIDE)} (not ${p.outside.length > 1 ? 'members' : 'a member'} of the organisation) can push to ${where}` : '';
  return teams + outside;
}

function othersEvidence(p: Pushers): Record<string, unknown> {
  const list = (xs: Pusher[]) => xs.map((x) => ({ node: x.id, chain: chainJson(x.chain) }));
  return { ...(p.teams.length ? { pushingTeams: list(p.teams) } : {}), ...(p.outside.length ? { outsideCollaborators: list(p.outside) } : {}) };
}

export const externalTrust: Rule = {
  meta: {
    id: 'external-trust',
    title: 'Identity trusted by a wildcard or an outside party',
    severity: 'high',
    owasp: ['NHI6', 'NHI3'],
    description:
      'A trust relationship lets a wildcard principal, an account/tenant/domain outside the scanned estate, or a federated identity provider without a pinned subject (for example any GitHub repository) become this identity. GitHub Actions trusts are judged alike on AWS, GCP and Azure: pinned to one repository and a ref or environment, one repository with any ref, any repository of an organisation, or anything; the severity follows what the identity reaches. Who else can push to the trusted repository is named with its chain: every member (base permission), a team, an outside collaborator; an outside collaborator is named even on a pinned trust, as branch and environment protection are not read.',
    risk: 'The identity\'s permissions are available to parties you do not control; with an unpinned OIDC subject, any repository on the platform can mint credentials for it.',
    remediation:
      'Restrict the trust to the exact principals that need it: name the account and role, require an external id for third parties, and pin OIDC trusts with an exact `sub` condition (repository and branch or environment).',
    references: [
      'https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/',
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect',
    ],
  },
  *evaluate({ inventory, reach }) {
    // A binding above one identity (a GCP member holding Owner on a project can impersonate every
    // service account in it) is one relation: one finding, on its most privileged identity.
    const bindings = new Map<string, TrustRow[]>();
    for (const t of inventory.trusts({ risky: true, orFederated: true })) {
      if (t.attributes.resourceControlDenied) continue; // an organisation guardrail closes it
      const j = githubJudgement(t);
      if (j) {
        const f = githubFinding(t, j);
        if (f) yield f;
        continue;
      }
      if (!t.risk) continue;
      const level = t.attributes.level;
      const on = t.attributes.grantedOn;
      if ((level === 'project' || level === 'folder' || level === 'organization') && Array.isArray(on)) {
        const k = `${t.principal}\u0000${on.join(',')}\u0000${t.condition ?? ''}`;
        bindings.set(k, [...(bindings.get(k) ?? []), t]);
        continue;
      }
      yield finding(t, [t]);
    }
    for (const edges of bindings.values()) {
      const lead = edges.find((e) => inventory.hasAdminGrant(e.identityId)) ?? edges[0];
      yield finding(lead, edges);
    }

    /**
     * A GitHub Actions trust's finding. Pinned to a ref or environment it is one only when someone
     * outside the organisation can push to the repository (branch and environment protection are
     * not read); otherwise the severity follows the pinning and what the identity reaches.
     */
    function githubFinding(t: TrustRow, j: OidcJudgement) {
      const pinned = j.pinning === 'pinned-ref-or-environment';
      const { members, teams, outside } = pushersOf(j);
      if (pinned && !outside.length) return null;
      const holder = inventory.identity(t.identityId);
      const who = holder ? `${holder.kind} ${holder.name}` : t.identityId;
      const r = reachText(reach, t.identityId);
      // A pinned trust pushed to from outside is rated as one repository with any ref; one repository
      // that every member, or anyone outside, can push to as any repository of the organisation.
      const openRepo = j.pinning === 'repository-any-ref' && (members || outside.length);
      const rated: keyof typeof SEVERITY = pinned ? 'repository-any-ref' : openRepo ? 'organization-any-repository' : (j.pinning as keyof typeof SEVERITY);
      const severity = SEVERITY[rated][r.level];
      const membersText = members ? `; and every member of ${members.org} can push to ${j.repository ?? 'its repositories'} (base repository permission)` : '';
      return {
        provider: t.provider,
        identityId: t.identityId,
        discriminator: t.condition ? `${t.principal}?${stableHash(t.condition)}` : t.principal,
        severity,
        message: `${who} trusts GitHub Actions OIDC, ${pinned ? 'pinned' : j.pinning.replace(/-/g, ' ')}: ${j.message}${r.text}${membersText}${othersText({ teams, outside }, j)}${pinned ? ', and whether branch or environment protection stops them is not read' : ''}`,
        evidence: {
          principal: t.principal, principalType: t.principalType, condition: t.condition, pinning: j.pinning, judgement: j.message, subjects: j.subjects, chain: chainJson(r.chain),
          ...(members ? { pushedBy: members.node, pushChain: chainJson(members.chain) } : {}),
          ...othersEvidence({ teams, outside }),
        },
      };
    }

    /**
     * Who can push to the repository (or repositories) the trust admits, from one walk of reach:
     * the organisation's members when its base permission lets them all push (judged only for a
     * trust open to any ref or any repository), teams and outside collaborators with write or higher.
     */
    function pushersOf(j: OidcJudgement): Pushers & { members: { node: string; org: string; chain: Pusher['chain'] } | null } {
      const node = j.repository ? `ext:github-repo:${j.repository.toLowerCase()}` : j.pinning === 'organization-any-repository' && j.organization ? `ext:github-org-repos:${j.organization.toLowerCase()}` : null;
      const found = node ? reach.reachersOf(node, 200) : [];
      const membersCount = j.pinning === 'organization-any-repository' || (j.pinning === 'repository-any-ref' && !!j.repository);
      const w = membersCount ? found.find((x) => x.id.startsWith(MEMBERS)) : undefined;
      return {
        members: w ? { node: w.id, org: w.id.slice(MEMBERS.length), chain: w.chain } : null,
        teams: found.filter((x) => x.id.startsWith(TEAM)),
        outside: found.filter((x) => x.id.startsWith(OUTSIDE)),
      };
    }

    function finding(t: TrustRow, edges: TrustRow[]) {
      const admin = edges.some((e) => inventory.hasAdminGrant(e.identityId));
      const holder = inventory.identity(t.identityId);
      // The severity the rules table states: high, critical for anyone (*) or when it reaches an admin.
      const severity: Severity = t.risk === 'wildcard' || admin ? 'critical' : 'high';
      const on = edges.length > 1 ? ` on ${(t.attributes.grantedOn as string[]).join(', ')}, which lets it become ${edges.length} identities including ${holder ? `${holder.kind} ${holder.name}` : t.identityId}` : '';
      const who = holder ? `${holder.kind} ${holder.name}` : t.identityId;
      return {
        provider: t.provider,
        identityId: t.identityId,
        // The principal names the finding; a condition (often long JSON) only by its hash.
        discriminator: t.condition ? `${t.principal}?${stableHash(t.condition)}` : t.principal,
        severity,
        message: `${who}: ${WHY[t.risk ?? ''] ?? 'risky trust'} (${t.principal}${t.condition ? ` when ${t.condition}` : ''})${on}${admin ? ' — and it is admin-equivalent' : ''}`,
        evidence: {
          principal: t.principal, principalType: t.principalType, condition: t.condition, risk: t.risk, admin,
          ...(edges.length > 1 ? { grantedOn: t.attributes.grantedOn, roles: t.attributes.roles ?? null, identities: edges.map((e) => e.identityId) } : {}),
        },
      };
    }
  },
};
