// One judgement of OIDC subject pinning for every cloud that trusts GitHub Actions tokens.
// GitHub's subject formats: `repo:ORG/REPO:ref:refs/heads/BRANCH`, `…:ref:refs/tags/TAG`,
// `…:environment:NAME`, `…:pull_request`, and customized subjects (`…:job_workflow_ref:…`).

export const PINNINGS = ['pinned-ref-or-environment', 'repository-any-ref', 'organization-any-repository', 'anything'] as const;
export type Pinning = (typeof PINNINGS)[number];

export type OidcProvider = 'aws' | 'gcp' | 'azure';

export interface OidcJudgement {
  pinning: Pinning;
  /** Names the case exactly: which repository, which ref or environment, which wildcard. */
  message: string;
  /** The GitHub subjects (or patterns) the judgement read. */
  subjects: string[];
  /** `ORG/REPO` when one repository is named. */
  repository?: string;
  /** `ORG` when the organisation is named. */
  organization?: string;
  /** `refs/heads/main`, `environment:production`, `pull_request`… when the subject names one. */
  context?: string;
}

const GITHUB_ISSUER = /token\.actions\.githubusercontent\.com/i;
const RANK: Record<Pinning, number> = { 'pinned-ref-or-environment': 0, 'repository-any-ref': 1, 'organization-any-repository': 2, anything: 3 };

/** The less pinned of two judgements (several allowed subjects: the widest one decides). */
export function widest(a: OidcJudgement, b: OidcJudgement): OidcJudgement {
  return RANK[b.pinning] > RANK[a.pinning] ? b : a;
}

/** The more pinned of two judgements (two conditions that must both hold). */
export function narrowest(a: OidcJudgement, b: OidcJudgement): OidcJudgement {
  return RANK[b.pinning] < RANK[a.pinning] ? b : a;
}

const hasWild = (s: string, wild: boolean) => wild && /[*?]/.test(s);

/**
 * Judge one GitHub subject value. `wild`: the comparison expands `*`/`?` (AWS StringLike,
 * Azure `matches`); with exact comparison a `*` is a literal character.
 */
export function judgeGithubSubject(subject: string, wild: boolean): OidcJudgement {
  const s = subject.trim();
  const subjects = [s];
  if (s === '' || (wild && /^[*?]+$/.test(s))) return { pinning: 'anything', message: `subject ${s || '(empty)'} matches any GitHub workflow of any owner`, subjects };
  const m = /^repo:([^/:]*)\/([^:]*)(?::(.*))?$/.exec(s);
  if (!m && /^repo:/.test(s) && hasWild(s.slice(5).split(':')[0] as string, wild)) {
    return { pinning: 'anything', message: `subject ${s} leaves the owner open: any repository of any organisation`, subjects };
  }
  if (!m) {
    const owner = /^repository_owner:([^:]+)/.exec(s)?.[1];
    if (owner && !hasWild(owner, wild)) {
      return { pinning: 'organization-any-repository', message: `subject ${s} names only the owner ${owner}: any repository of ${owner}`, subjects, organization: owner };
    }
    return { pinning: 'anything', message: `subject ${s} does not name a repository: any GitHub workflow matching it`, subjects };
  }
  const [, owner, repo, rest] = m as unknown as [string, string, string, string | undefined];
  if (hasWild(owner, wild) || owner === '') return { pinning: 'anything', message: `subject ${s} leaves the owner open: any repository of any organisation`, subjects };
  // `repo:acme/app*` also matches `repo:acme/app-fork`: a wildcard in the name opens other repositories.
  if (hasWild(repo, wild) || repo === '') {
    const which = /^[*?]+$/.test(repo) ? 'any repository' : `any repository whose name matches ${repo}`;
    return { pinning: 'organization-any-repository', message: `subject ${s}: ${which} of ${owner}, any branch`, subjects, organization: owner };
  }
  const repository = `${owner}/${repo}`;
  const base = { subjects, repository, organization: owner };
  if (rest === undefined || rest === '' || (wild && /^[*?]+$/.test(rest))) {
    return { ...base, pinning: 'repository-any-ref', message: `subject ${s}: one repository (${repository}), any branch, tag, environment or pull request` };
  }
  if (/^pull_request$/i.test(rest)) {
    return { ...base, context: 'pull_request', pinning: 'repository-any-ref', message: `subject ${s}: one repository (${repository}), any pull request (its workflow runs the pull request's own code, from any branch)` };
  }
  const env = /^environment:(.*)$/.exec(rest);
  if (env) {
    const name = env[1] as string;
    if (hasWild(name, wild) || name === '') return { ...base, context: `environment:${name}`, pinning: 'repository-any-ref', message: `subject ${s}: one repository (${repository}), any environment matching ${name || '(empty)'}` };
    return { ...base, context: `environment:${name}`, pinning: 'pinned-ref-or-environment', message: `subject ${s}: one repository (${repository}), environment ${name} only` };
  }
  const ref = /^ref:(.*)$/.exec(rest);
  if (ref) {
    const r = ref[1] as string;
    if (hasWild(r, wild) || r === '') return { ...base, context: r, pinning: 'repository-any-ref', message: `subject ${s}: one repository (${repository}), any ref matching ${r || '(empty)'}` };
    return { ...base, context: r, pinning: 'pinned-ref-or-environment', message: `subject ${s}: one repository (${repository}), ref ${r} only` };
  }
  // Customized subject (job_workflow_ref, context…): pinned only when it names a ref or environment literally.
  if (hasWild(rest, wild)) return { ...base, pinning: 'repository-any-ref', message: `subject ${s}: one repository (${repository}), any ${rest}` };
  if (/(^|:)(ref|environment|job_workflow_ref):[^:]/.test(rest)) {
    return { ...base, context: rest, pinning: 'pinned-ref-or-environment', message: `subject ${s}: one repository (${repository}), pinned by ${rest}` };
  }
  return { ...base, context: rest, pinning: 'repository-any-ref', message: `subject ${s}: one repository (${repository}), ${rest} names no ref or environment` };
}

type Value = { value: string; wild: boolean };

/** One condition block's values: any of them is allowed, so the widest decides. */
function combine(subjects: Value[]): OidcJudgement {
  const all = subjects.map((x) => judgeGithubSubject(x.value, x.wild));
  const w = all.reduce(widest);
  if (all.length === 1) return w;
  return { ...w, subjects: all.flatMap((j) => j.subjects), message: `${w.message} (widest of ${all.length} allowed subjects)` };
}

/**
 * AWS: a trust condition rendered as `Op key=v1|v2 AND …` (scanners/aws/trust.ts renderCondition).
 * Each `sub` block is one group (values ORed); blocks are ANDed.
 */
function awsSubjects(condition: string): { subs: Value[][]; owners: Value[] } {
  const subs: Value[][] = [];
  const owners: Value[] = [];
  for (const part of condition.split(' AND ')) {
    const m = /^(\S+)\s+([^=]+)=(.*)$/.exec(part.trim());
    if (!m) continue;
    const [, op, key, values] = m as unknown as [string, string, string, string];
    if (/^(ForAnyValue:|ForAllValues:)?String(Not)/i.test(op)) continue; // negations do not widen or pin
    const wild = /like/i.test(op);
    const k = key.toLowerCase();
    const list = values.split('|').map((v) => ({ value: v, wild }));
    if (k.endsWith('githubusercontent.com:sub')) subs.push(list);
    else if (k.endsWith('githubusercontent.com:repository_owner')) owners.push(...list);
  }
  return { subs, owners };
}

/** GCP: a principal(Set) URI or a pool attribute condition (CEL). */
function gcpJudge(text: string): OidcJudgement {
  const t = text.trim();
  const subject = /\/subject\/(.+)$/.exec(t);
  if (subject && /^principal:/.test(t)) return judgeGithubSubject(decodeURIComponent(subject[1] as string), false);
  const attr = /\/attribute\.([a-z_]+)\/(.+)$/.exec(t);
  if (attr && /^principalSet:/.test(t)) {
    const [, name, value] = attr as unknown as [string, string, string];
    if (name === 'repository') return { ...judgeGithubSubject(`repo:${value}`, false), message: `pool members with attribute.repository ${value}: one repository (${value}), any branch, tag, environment or pull request` };
    if (name === 'repository_owner') return { pinning: 'organization-any-repository', message: `pool members with attribute.repository_owner ${value}: any repository of ${value}`, subjects: [t], organization: value };
    if (name === 'sub') return judgeGithubSubject(value, false);
    return { pinning: 'anything', message: `pool members with attribute.${name} ${value}: no repository named`, subjects: [t] };
  }
  if (/^principalSet:.*\/\*$/.test(t)) return { pinning: 'anything', message: `every identity of the pool (${t}): no repository named`, subjects: [t] };
  // CEL: assertion.sub / assertion.repository / assertion.ref / assertion.environment / repository_owner equalities.
  const eq = (claim: string): string | null => {
    const r = new RegExp(`(?:assertion|attribute)\\.${claim}\\s*==\\s*['"]([^'"]+)['"]`).exec(t);
    return r ? (r[1] as string) : null;
  };
  const sub = eq('sub');
  if (sub) return judgeGithubSubject(sub, false);
  const repo = eq('repository');
  const ref = eq('ref');
  const environment = eq('environment');
  const owner = eq('repository_owner');
  if (repo && (ref || environment)) return judgeGithubSubject(`repo:${repo}:${environment ? `environment:${environment}` : `ref:${ref}`}`, false);
  if (repo) return judgeGithubSubject(`repo:${repo}`, false);
  if (owner) return { pinning: 'organization-any-repository', message: `condition ${t}: any repository of ${owner}`, subjects: [t], organization: owner };
  return { pinning: 'anything', message: `condition ${t || '(none)'} names no repository or owner`, subjects: [t] };
}

/** Azure: a federated credential subject, a flexible `claims['sub'] matches '…'` expression, or the trust's principal (`<issuer> sub=…`). */
function azureJudge(text: string): OidcJudgement {
  let t = text.trim();
  const sub = / sub=(.*)$/.exec(t);
  if (sub) t = sub[1] as string;
  const matches = /claims\[['"]sub['"]\]\s+matches\s+'([^']*)'/i.exec(t);
  if (matches) return judgeGithubSubject(matches[1] as string, true);
  const eqExpr = /claims\[['"]sub['"]\]\s+eq\s+'([^']*)'/i.exec(t);
  if (eqExpr) return judgeGithubSubject(eqExpr[1] as string, false);
  return judgeGithubSubject(t, false);
}

/**
 * How far a cloud's trust in GitHub Actions OIDC tokens is pinned. `conditionOrSubject`: AWS the
 * trust condition, GCP the principal(Set) or pool attribute condition, Azure the subject,
 * flexible expression or trust principal. A non-GitHub issuer is judged on its subject alone.
 */
export function judgeOidcSubject(provider: OidcProvider, issuer: string, conditionOrSubject: string | null | undefined): OidcJudgement {
  const text = conditionOrSubject ?? '';
  if (provider === 'aws') {
    const { subs: groups, owners } = awsSubjects(text);
    const subs = groups.flat();
    if (!GITHUB_ISSUER.test(issuer)) {
      if (subs.length === 0) return { pinning: 'anything', message: `no ${issuer}:sub condition: any subject of ${issuer}`, subjects: [] };
      const open = groups.every((g) => g.some((x) => hasWild(x.value, x.wild))) ? subs.find((x) => hasWild(x.value, x.wild)) : undefined;
      return open
        ? { pinning: 'anything', message: `sub ${open.value} of ${issuer} is a wildcard`, subjects: subs.map((x) => x.value) }
        : { pinning: 'pinned-ref-or-environment', message: `sub pinned to ${subs.map((x) => x.value).join(', ')} of ${issuer}`, subjects: subs.map((x) => x.value) };
    }
    if (groups.length === 0) {
      if (owners.length && !owners.some((o) => hasWild(o.value, o.wild))) {
        return { pinning: 'organization-any-repository', message: `only repository_owner ${owners.map((o) => o.value).join('|')} is required: any repository of it`, subjects: [], organization: owners[0]?.value };
      }
      return { pinning: 'anything', message: 'no token.actions.githubusercontent.com:sub condition: any workflow of any GitHub repository can assume it', subjects: [] };
    }
    // Blocks are ANDed: the most pinned block bounds what can match.
    return groups.map(combine).reduce(narrowest);
  }
  // GCP pools rarely say their issuer in the inventory: judge GitHub claims unless told otherwise.
  if (issuer && !GITHUB_ISSUER.test(issuer)) return otherIssuer(provider, issuer, text);
  if (provider === 'gcp') return gcpJudge(text);
  return azureJudge(text);
}

function otherIssuer(provider: OidcProvider, issuer: string, text: string): OidcJudgement {
  let t = text.trim();
  const sub = / sub=(.*)$/.exec(t);
  if (sub) t = sub[1] as string;
  const matches = /matches\s+'([^']*)'/i.exec(t);
  const value = matches ? (matches[1] as string) : t;
  const wild = provider === 'gcp' ? /\/\*$/.test(value) : matches !== null && /[*?]/.test(value);
  if (!value || wild) return { pinning: 'anything', message: `subject ${value || '(none)'} of ${issuer} matches any subject`, subjects: [value] };
  return { pinning: 'pinned-ref-or-environment', message: `subject ${value} of ${issuer}: one exact subject`, subjects: [value] };
}
