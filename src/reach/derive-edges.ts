// From normalized rows to "A can act as B" edges. Provider knowledge about what a trust or a
// grant lets someone become lives here, once; the graph and the rules see only edges.
import type { CredentialRow, GrantRow, IdentityRow, TrustRow } from '../inventory/rows.js';
import { ext, type Mechanism, type ReachEdge } from './edges-types.js';
import { FOUND_SECRET_KINDS } from '../model/records.js';
import { judgeOidcSubject, type OidcJudgement } from './oidc-pinning.js';
import { actsAsOf, COMPUTE_SERVICES, ruleAllows, type AwsActsAs } from './aws-acts-as.js';

export type IdentityInput = Pick<IdentityRow, 'id' | 'provider' | 'scope' | 'kind' | 'name'> & { attributes?: Record<string, unknown> | null };
export type CredentialInput = Pick<CredentialRow, 'id' | 'identityId' | 'provider' | 'kind' | 'name' | 'keyId' | 'status'> & { attributes?: Record<string, unknown> | null };
export type GrantInput = Pick<GrantRow, 'identityId' | 'provider' | 'resource' | 'role' | 'privilege' | 'via' | 'evidence'> & { attributes?: Record<string, unknown> | null };
export type TrustInput = Pick<TrustRow, 'identityId' | 'provider' | 'principal' | 'principalType' | 'condition'> & { attributes?: Record<string, unknown> | null };

export interface EdgeSources {
  /** Only those IDENTITIES_READ names are looked at; others may be left out. */
  identities: Iterable<IdentityInput>;
  /**
   * Found and CI secrets before every other credential (an array is put in that order here): a
   * key becomes a node only when a secret carries its key id, so the carriers must be known first.
   */
  credentials: Iterable<CredentialInput>;
  /** Every grant, or (with grantLevels) at least those EDGE_GRANTS names. */
  grants: Iterable<GrantInput>;
  /**
   * The privilege of every grant that is not an edge (via ASSUMABLE_ROLE_VIA), for a reader that
   * reads the privileges lean and the edge grants whole; without it, `grants` gives both.
   */
  grantLevels?: Iterable<GrantLevel>;
  trusts: Iterable<TrustInput>;
}

/** A grant's holder, privilege and resource (where it is judged production or not). */
export type GrantLevel = readonly [identityId: string, privilege: string, resource: string, ...rest: unknown[]];

/**
 * The identities deriveEdges looks at, by provider: every Azure identity (owners and application
 * writers resolve through them), and the AWS identities whose attributes carry one of the listed
 * keys (what each may assume, pass or change; its instance profiles). A reader may leave out every
 * other identity: at a million identities, reading them all was a tenth of the reach phase.
 */
export const IDENTITIES_READ: Readonly<Record<string, 'all' | readonly string[]>> = { azure: 'all', aws: ['actsAs', 'instanceProfiles'] };
/** Grants through this mechanism are edges (may assume the role they name), not privileges of their holder. */
export const ASSUMABLE_ROLE_VIA = 'assumable-role';
/** The credential kinds that carry another credential's key: read before the keys (see EdgeSources). */
export const CARRIER_KINDS: readonly string[] = [...FOUND_SECRET_KINDS, 'ci_secret'];
const CARRIERS = new Set(CARRIER_KINDS);

const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
/** Credentials that do not authenticate as their identity: found secrets, CI secrets, federation trusts, webhook signing secrets. */
const NOT_A_KEY = new Set(['hardcoded_secret', 'ai_api_key', 'ci_secret', 'federated_credential', 'webhook_secret']);
/** GitHub grants that let their holder push code, so run workflows of the repository. */
const PUSH_ROLE_NAMES = ['contents:write', 'contents:admin', 'workflows:write', 'deploy-key:write', 'repo', 'public_repo', 'workflow', 'org-admin', 'administration:write', 'push', 'maintain', 'admin', 'write'] as const;
const PUSH_ROLES = new Set<string>(PUSH_ROLE_NAMES);
/** Azure grants that can add a credential to any application of the tenant. */
const APP_WRITER_ROLES = ['Application.ReadWrite.All', 'Application Administrator', 'Cloud Application Administrator', 'Global Administrator'] as const;
const APP_WRITERS = new Set<string>(APP_WRITER_ROLES);

/**
 * The grants deriveEdges makes edges of (every other grant only gives its holder a privilege):
 * those through an assumable role, GitHub grants that can push, and the Azure application writers.
 * A reader that passes the privileges separately (EdgeSources.grantLevels) may leave out the rest:
 * at a million identities, reading every grant whole was a fifth of the reach phase.
 */
export const EDGE_GRANTS = {
  via: [ASSUMABLE_ROLE_VIA],
  byProvider: { github: { privileges: ['write', 'admin'], roles: PUSH_ROLE_NAMES }, azure: { roles: APP_WRITER_ROLES } },
} as const;
const GCP_MINT = new Set(['roles/iam.serviceAccountTokenCreator', 'roles/iam.workloadIdentityUser']);
const GCP_ADD_KEY = new Set(['roles/iam.serviceAccountKeyAdmin', 'roles/iam.serviceAccountAdmin']);

/** Any workflow of any GitHub repository, anyone's. */
const ANY_GITHUB = ext('oidc', `${GITHUB_ISSUER}:*`);
const credNode = (id: string) => ext('credential', id);
const repoNode = (repo: string) => ext('github-repo', repo.toLowerCase());
const ACCOUNT = /^\d{12}$/;
/** The account of an ARN (fifth field) or a bare account id; by index, as it runs once per trust. */
function awsAccountOf(arn: string): string | null {
  if (!arn.startsWith('arn:')) return ACCOUNT.test(arn) ? arn : null;
  let at = 0;
  for (let field = 0; field < 4; field++) {
    at = arn.indexOf(':', at) + 1;
    if (at === 0) return null;
  }
  const acct = arn.slice(at, at + 12);
  return arn.charCodeAt(at + 12) === 58 && ACCOUNT.test(acct) ? acct : null;
}
const tenantOf = (scope: string): string | null => /^azure:([0-9a-f-]{36})/i.exec(scope)?.[1]?.toLowerCase() ?? null;
const when = (condition: string | null | undefined) => (condition ? ` when ${condition}` : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/**
 * Every edge the rows support, in a stable order for the same input. Inputs are read once each,
 * identities first; memory holds the Azure identities, live credentials' key ids and the found
 * secrets, not the grants or trusts.
 */
export function* deriveEdges(src: EdgeSources): Generator<ReachEdge> {
  // Only Azure identities and AWS identities that may act as others are remembered (owners, application
  // writers and callers resolve through them): a map of every id would cost more than the derivation.
  const azureScope = new Map<string, string>();
  const azureByName = new Map<string, string | null>(); // name → id, null when ambiguous
  const appsByTenant = new Map<string, string[]>();
  const owned: { id: string; name: string; owners: string[] }[] = [];
  // Azure client id → the service principal (or managed identity) a Kubernetes workload identity becomes.
  const azureByClientId = new Map<string, string>();
  // AWS identities whose own policies let them assume, pass or change compute, by account, and
  // roles behind an instance profile: matched against roles' trusts below.
  const awsActors = new Map<string, AwsActor[]>();
  const awsActorById = new Map<string, AwsActor>();
  const instanceProfile = new Map<string, string>();
  for (const i of src.identities) {
    if (i.provider === 'aws') {
      const attrs = i.attributes;
      const acts = actsAsOf(attrs);
      const acct = awsAccountOf(i.id);
      if (acts && acct) {
        const actor = { id: i.id, acts };
        (awsActors.get(acct) ?? awsActors.set(acct, []).get(acct))!.push(actor);
        awsActorById.set(i.id, actor);
      }
      const profiles = list(attrs?.instanceProfiles);
      if (profiles.length) instanceProfile.set(i.id, profiles.join(', '));
      continue;
    }
    if (i.provider !== 'azure') continue;
    azureScope.set(i.id, i.scope);
    const appId = i.attributes?.appId ?? i.attributes?.clientId;
    if (typeof appId === 'string' && (i.kind !== 'app_registration' || !azureByClientId.has(appId.toLowerCase()))) azureByClientId.set(appId.toLowerCase(), i.id);
    azureByName.set(i.name, azureByName.has(i.name) ? null : i.id);
    const attrs = i.attributes ?? {};
    if (attrs.applicationObjectId) {
      const t = tenantOf(i.scope);
      if (t) (appsByTenant.get(t) ?? appsByTenant.set(t, []).get(t))!.push(i.id);
      const owners = list(attrs.owners);
      if (owners.length) owned.push({ id: i.id, name: i.name, owners });
    }
  }
  // The scope of an edge's target is left to the reader (it is the target identity's scope).
  const edge = (from: string, to: string, mechanism: Mechanism, evidence: string): ReachEdge => ({ from, to, mechanism, evidence });

  // Azure application owners can add secrets and certificates to the application.
  for (const o of owned) {
    for (const owner of o.owners) {
      const byId = azureScope.has(owner.toLowerCase()) ? owner.toLowerCase() : null;
      const from = byId ?? azureByName.get(owner) ?? ext('azure-user', owner);
      if (from === o.id) continue;
      yield edge(from, o.id, 'add-credentials', `owner of application ${o.name}: an owner can add client secrets and certificates to it`);
    }
  }

  // Credentials: a found secret or CI secret carrying the key id of a live key holds that key, and
  // the key authenticates as its identity. A key no secret carries is no node: it is its identity
  // (credentials.identity_id), and a million of them would double the graph for nothing.
  const liveByKeyId = new Map<string, string[]>();
  const carriers: CredentialInput[] = [];
  const carried = new Set<string>();
  let keysBegun = false;
  const knownRepos = new Set<string>();
  const orgReposUsed = new Set<string>();
  const subjectsLinked = new Set<string>();
  // Whoever can push to a repository can run its workflows as a pinned subject of it.
  const linkSubject = (repo: string, subject: string): ReachEdge[] => {
    if (subjectsLinked.has(subject)) return [];
    subjectsLinked.add(subject);
    return [{ from: repoNode(repo), to: subject, mechanism: 'push-to-repository', evidence: `whoever can push to ${repo} can run a workflow as this subject unless branch or environment protection stops it (protection is not read)`}];
  };
  for (const c of carriersFirst(src.credentials)) {
    if (isCarrier(c)) {
      if (keysBegun) throw new Error(`credential ${c.id} (${c.kind}) comes after keys: list found and CI secrets first (EdgeSources.credentials)`);
      if (c.keyId) {
        carriers.push(c);
        carried.add(c.keyId);
      }
      if (c.kind === 'ci_secret') {
        const holder = ciSecretHolder(c);
        if (holder) {
          if (holder.repo) knownRepos.add(holder.repo);
          if (holder.org) orgReposUsed.add(holder.org);
          yield edge(holder.node, credNode(c.id), 'holds-credential', `CI secret ${c.name ?? c.id} is readable by ${holder.who}`);
          if (holder.repo && holder.node !== repoNode(holder.repo)) yield* linkSubject(holder.repo, holder.node);
        }
      }
      continue;
    }
    keysBegun = true;
    if (NOT_A_KEY.has(c.kind) || !c.identityId || !c.keyId || !carried.has(c.keyId)) continue;
    (liveByKeyId.get(c.keyId) ?? liveByKeyId.set(c.keyId, []).get(c.keyId))!.push(c.id);
    if (c.status === 'inactive' || c.status === 'expired') continue; // cannot authenticate
    yield edge(credNode(c.id), c.identityId, 'holds-credential', `${c.kind} ${c.name ?? c.keyId ?? c.id} authenticates as ${c.identityId}`);
  }
  for (const c of carriers) {
    for (const live of liveByKeyId.get(c.keyId as string) ?? []) {
      const what = c.kind === 'ci_secret' ? `CI secret ${c.name ?? c.id}` : `hard-coded secret ${c.name ?? c.id}`;
      yield edge(credNode(c.id), credNode(live), 'holds-credential', `${what} carries key id ${c.keyId} of live credential ${live}`);
    }
  }

  // Grants that are edges: AWS assumable admin roles, GitHub push access, Azure application writers.
  const orgPushers = new Set<string>();
  const appWriterTenants = new Set<string>();
  const assumableGranted = new Set<string>();
  for (const g of src.grants) {
    if (g.via === ASSUMABLE_ROLE_VIA) {
      const role = g.attributes?.roleArn;
      if (typeof role === 'string') {
        assumableGranted.add(`${g.identityId}\u0000${role}`);
        yield edge(g.identityId, role, 'may-assume', g.evidence ?? `may assume ${role}`);
      }
      continue;
    }
    if (g.provider === 'github' && (g.privilege === 'write' || g.privilege === 'admin') && PUSH_ROLES.has(g.role)) {
      const m = /^github:([^/]+)(?:\/(.+))?$/.exec(g.resource);
      if (!m || m[2] === 'selected-repositories') continue; // which repositories is not recorded
      if (m[2]) {
        const repo = `${m[1]}/${m[2]}`.toLowerCase();
        knownRepos.add(repo);
        yield edge(g.identityId, repoNode(repo), 'push-to-repository', `${g.role} on ${repo}: can push, so can run its workflows`);
      } else {
        const org = (m[1] as string).toLowerCase();
        orgPushers.add(org);
        yield edge(g.identityId, ext('github-org', org), 'push-to-repository', `${g.role} on organisation ${org}: can push to every repository`);
      }
      continue;
    }
    if (g.provider === 'azure' && APP_WRITERS.has(g.role)) {
      const t = tenantOf(azureScope.get(g.identityId) ?? '') ?? tenantOf(g.resource.replace(/^tenant:/, 'azure:'));
      if (!t) continue;
      appWriterTenants.add(t);
      yield edge(g.identityId, ext('azure-apps', t), 'add-credentials', `${g.role} (${g.via}): can add credentials to any application of tenant ${t}`);
    }
  }
  for (const t of [...appWriterTenants].sort()) {
    for (const app of appsByTenant.get(t) ?? []) yield edge(ext('azure-apps', t), app, 'add-credentials', `an application of tenant ${t}`);
  }

  // Trusts.
  let anyGithubUsed = false;
  // Organisations whose members can all push to every repository (base permission write or admin).
  const membersPush = new Map<string, { from: string; why: string }>();
  // IRSA annotations wait for the roles' own EKS OIDC trusts, which may come later in the stream.
  const irsa: TrustInput[] = [];
  const eksTrusts = new Map<string, EksTrust[]>();
  const serviceRoles: { role: string; service: string; account: string }[] = [];
  for (const t of src.trusts) {
    // A resource control policy closes this trust to its caller: the scanner says which one.
    if (t.provider === 'aws' && t.attributes?.resourceControlDenied) continue;
    if (t.provider === 'aws' && awsActors.size) {
      const roleAcct = awsAccountOf(t.identityId);
      if (t.principalType === 'service' && roleAcct) serviceRoles.push({ role: t.identityId, service: t.principal, account: roleAcct });
      if (t.principalType === 'account' || t.principalType === 'external-account') yield* accountCallers(t, awsActors, assumableGranted);
    }
    // A team or an outside collaborator with write or higher on one repository (scanners/github/push-grants.ts).
    if (t.provider === 'github' && typeof t.attributes?.repositoryRole === 'string' && typeof t.attributes.repository === 'string') {
      const repo = t.attributes.repository.toLowerCase();
      knownRepos.add(repo);
      const why = typeof t.attributes.why === 'string' ? t.attributes.why : `${t.attributes.repositoryRole} on ${repo}`;
      yield edge(t.principal, repoNode(repo), 'push-to-repository', `${why}: can push, so can run its workflows`);
      continue;
    }
    if (t.provider === 'github' && t.attributes?.defaultRepositoryPermission) {
      const org = t.identityId.replace(/^ext:github-org:/, '');
      membersPush.set(org, { from: t.principal, why: typeof t.attributes.why === 'string' ? t.attributes.why : `default repository permission ${String(t.attributes.defaultRepositoryPermission)}` });
      continue;
    }
    if (t.provider === 'kubernetes' && (t.attributes?.cloud === 'aws' || t.attributes?.cloud === 'gcp')) {
      irsa.push(t);
      continue;
    }
    const eks = eksTrustOf(t) ?? gkeTrustOf(t);
    if (eks) (eksTrusts.get(t.identityId) ?? eksTrusts.set(t.identityId, []).get(t.identityId))!.push(eks);
    for (const e of trustEdges(t, azureByClientId, awsActorById)) {
      if (e.repo) knownRepos.add(e.repo);
      if (e.orgRepos) orgReposUsed.add(e.orgRepos);
      if (e.from === ANY_GITHUB) anyGithubUsed = true;
      yield edge(e.from, e.to ?? t.identityId, e.mechanism, e.evidence);
      if (e.subjectOf) yield* linkSubject(e.subjectOf, e.from);
    }
  }

  yield* computeEdges(serviceRoles, awsActors, instanceProfile);

  for (const t of irsa) {
    const e = t.attributes?.cloud === 'gcp' ? gkeEdge(t, eksTrusts.get(t.identityId)) : irsaEdge(t, eksTrusts.get(t.identityId));
    if (e) yield edge(t.principal, t.identityId, 'federation', e);
  }

  // Repositories stand for their organisation's "any repository" subject, and org-wide pushers reach each.
  for (const repo of [...knownRepos].sort()) {
    const org = repo.split('/')[0] as string;
    if (orgReposUsed.has(org)) yield { from: repoNode(repo), to: ext('github-org-repos', org), mechanism: 'member-of', evidence: `${repo} is a repository of ${org}`};
    if (anyGithubUsed) yield { from: repoNode(repo), to: ANY_GITHUB, mechanism: 'member-of', evidence: `a workflow of ${repo} matches a subject open to any repository`};
    if (orgPushers.has(org)) yield { from: ext('github-org', org), to: repoNode(repo), mechanism: 'push-to-repository', evidence: `${repo} is a repository of ${org}`};
    const members = membersPush.get(org);
    if (members) yield { from: members.from, to: repoNode(repo), mechanism: 'push-to-repository', evidence: `${members.why}, ${repo} among them: can run its workflows` };
  }
}

const isCarrier = (c: CredentialInput) => CARRIERS.has(c.kind);

/** An array in the order deriveEdges needs (carriers first, otherwise as given); any other iterable is trusted to be. */
function carriersFirst(credentials: Iterable<CredentialInput>): Iterable<CredentialInput> {
  return Array.isArray(credentials) ? [...credentials.filter(isCarrier), ...credentials.filter((c) => !isCarrier(c))] : credentials;
}

interface AwsActor {
  id: string;
  acts: AwsActsAs;
}

/** A role trusting an account's root: the identities of that account whose own policies allow sts:AssumeRole on it. */
function* accountCallers(t: TrustInput, actors: Map<string, AwsActor[]>, granted: Set<string>): Generator<ReachEdge> {
  const acct = typeof t.attributes?.account === 'string' ? t.attributes.account : awsAccountOf(t.principal);
  if (!acct) return;
  for (const a of actors.get(acct) ?? []) {
    if (a.id === t.identityId || granted.has(`${a.id}\u0000${t.identityId}`) || !ruleAllows(a.acts.assume, t.identityId)) continue;
    yield {
      from: a.id,
      to: t.identityId,
      mechanism: 'may-assume',
      evidence: `trust policy of ${t.identityId} trusts account ${acct}${when(t.condition)}, and ${a.acts.assume?.by}`,
    };
  }
}

const COMPUTE_BY_PRINCIPAL = new Map(COMPUTE_SERVICES.map((s) => [s.principal, s]));

/**
 * Roles a compute service may assume, reached by whoever may pass them to new compute of that
 * service (PassRole on the role + a create action: PMapper's standard) or change compute of it
 * (which function or instance runs as which role is not read: any role trusting the service).
 */
function* computeEdges(serviceRoles: { role: string; service: string; account: string }[], actors: Map<string, AwsActor[]>, instanceProfile: Map<string, string>): Generator<ReachEdge> {
  for (const { role, service, account } of serviceRoles) {
    const svc = COMPUTE_BY_PRINCIPAL.get(service);
    if (!svc) continue;
    const profile = instanceProfile.get(role);
    if (svc.needsInstanceProfile && !profile) continue; // EC2 runs a role only through an instance profile
    const how = `its trust policy admits ${service}${profile ? `, instance profile ${profile}` : ''}`;
    for (const a of actors.get(account) ?? []) {
      if (a.id === role) continue;
      const create = svc.create.find((x) => a.acts.create?.[x]);
      if (create && ruleAllows(a.acts.passRole, role)) {
        yield { from: a.id, to: role, mechanism: 'pass-role', evidence: `${a.acts.passRole?.by}; ${a.acts.create?.[create]}: can create ${service} compute that runs as ${role} (${how})` };
        continue;
      }
      const change = svc.change.find((x) => a.acts.change?.[x]);
      if (change) {
        yield { from: a.id, to: role, mechanism: 'change-compute', evidence: `${a.acts.change?.[change]}: can change what runs on ${service} compute; which compute runs as which role is not read, so this reaches any role trusting ${service} in account ${account} (${how})` };
      }
    }
  }
}

function ciSecretHolder(c: CredentialInput): { node: string; who: string; repo?: string; org?: string } | null {
  const a = c.attributes ?? {};
  const repo = typeof a.repository === 'string' ? a.repository.toLowerCase() : null;
  if (a.level === 'environment' && repo && typeof a.environment === 'string') {
    return { node: ext('github-subject', `repo:${repo}:environment:${a.environment}`), who: `workflows of ${repo} in environment ${a.environment}`, repo };
  }
  if (repo) return { node: repoNode(repo), who: `workflows of ${repo}`, repo };
  const org = /^github:([^/]+)\//.exec(c.id)?.[1]?.toLowerCase();
  if (a.level === 'organization' && org) return { node: ext('github-org-repos', org), who: `workflows of ${a.visibility === 'all' ? 'every' : `some (${String(a.visibility ?? 'unknown')} visibility)`} repository of ${org}`, org };
  return null;
}

interface TrustEdge {
  from: string;
  /** When the trust names its target other than by identity id (an Azure client id). */
  to?: string;
  mechanism: Mechanism;
  evidence: string;
  repo?: string;
  orgRepos?: string;
  /** The pinned subject node's repository: its pushers reach the subject. */
  subjectOf?: string;
}

/** The GitHub-side node a federation trust admits, by how far its subject is pinned. */
function githubSource(j: OidcJudgement, fallback: string): Omit<TrustEdge, 'mechanism' | 'evidence'> {
  const repo = j.repository?.toLowerCase();
  if (j.pinning === 'pinned-ref-or-environment' && repo && j.context) {
    const ctx = j.context.startsWith('environment:') || j.context === 'pull_request' ? j.context : `ref:${j.context}`;
    return { from: ext('github-subject', `repo:${repo}:${ctx}`), repo, subjectOf: repo };
  }
  if (j.pinning === 'repository-any-ref' && repo) return { from: repoNode(repo), repo };
  if (j.pinning === 'organization-any-repository' && j.organization) return { from: ext('github-org-repos', j.organization.toLowerCase()), orgRepos: j.organization.toLowerCase() };
  return { from: fallback || ANY_GITHUB };
}

function trustEdges(t: TrustInput, azureByClientId: Map<string, string>, awsActorById: Map<string, AwsActor>): TrustEdge[] {
  const a = t.attributes ?? {};
  const cond = when(t.condition);
  if (t.provider === 'kubernetes') return kubernetesTrust(t, a, azureByClientId);
  if (t.provider === 'aws') return awsTrust(t, a, cond, awsActorById);
  if (t.provider === 'gcp') return gcpTrust(t, a, cond);
  if (t.provider === 'azure') return azureTrust(t, a, cond);
  if (t.principalType === 'identity') return [{ from: t.principal, mechanism: 'may-assume', evidence: `trusts ${t.principal}${cond}` }];
  return [{ from: t.principalType === 'wildcard' ? ext('any', '*') : ext('oidc', t.principal), mechanism: 'federation', evidence: `trusts ${t.principal}${cond}` }];
}

function awsTrust(t: TrustInput, a: Record<string, unknown>, cond: string, awsActorById: Map<string, AwsActor>): TrustEdge[] {
  const target = awsAccountOf(t.identityId);
  switch (t.principalType) {
    case 'identity': {
      if (a.dangling) return []; // a deleted principal's unique id: nobody can use it
      const acct = awsAccountOf(t.principal);
      let cross = '';
      if (acct && target && acct !== target) {
        // Cross-account, the caller's own policies must allow sts:AssumeRole on the role too.
        const caller = awsActorById.get(t.principal);
        if (caller && !caller.acts.partial && !ruleAllows(caller.acts.assume, t.identityId)) return [];
        cross = caller?.acts.assume && ruleAllows(caller.acts.assume, t.identityId) ? ` (cross-account from ${acct}, and ${caller.acts.assume.by})` : ` (cross-account from ${acct}: the caller's own policies must also allow sts:AssumeRole, which is not recorded)`;
      }
      return [{ from: t.principal, mechanism: 'may-assume', evidence: `trust policy of ${t.identityId} names ${t.principal}${cond}${cross}` }];
    }
    case 'account':
    case 'external-account': {
      const acct = typeof a.account === 'string' ? a.account : awsAccountOf(t.principal) ?? t.principal;
      return [{ from: ext('aws-account', acct), mechanism: 'may-assume', evidence: `trust policy of ${t.identityId} trusts account ${acct}${cond}: any identity of it whose own policies allow sts:AssumeRole on the role` }];
    }
    case 'wildcard':
      return [{ from: ext('any', '*'), mechanism: 'may-assume', evidence: `trust policy of ${t.identityId} admits ${t.principal}${cond}` }];
    case 'service':
      return [{ from: ext('aws-service', t.principal), mechanism: 'may-assume', evidence: `${t.principal} may assume ${t.identityId} for the compute that runs as it` }];
    case 'federated': {
      if (a.protocol === 'saml' || /:saml-provider\//.test(t.principal)) return [{ from: ext('saml', t.principal), mechanism: 'federation', evidence: `people signing in through ${t.principal} may assume it${cond}` }];
      const issuer = typeof a.issuer === 'string' ? a.issuer : t.principal;
      if (issuer === GITHUB_ISSUER) {
        const j = judgeOidcSubject('aws', issuer, t.condition);
        return [{ ...githubSource(j, ''), mechanism: 'federation', evidence: `trusts GitHub Actions OIDC (${j.pinning}): ${j.message}` }];
      }
      const j = judgeOidcSubject('aws', issuer, t.condition);
      return [{ from: ext('oidc', `${issuer}:${j.pinning === 'anything' ? '*' : j.subjects.join('|')}`), mechanism: 'federation', evidence: `trusts OIDC issuer ${issuer}: ${j.message}` }];
    }
  }
  return [];
}

function gcpMechanism(roles: string[]): Mechanism {
  if (roles.some((r) => GCP_MINT.has(r))) return 'mint-token';
  if (roles.some((r) => GCP_ADD_KEY.has(r))) return 'add-credentials';
  return 'impersonate';
}

function gcpTrust(t: TrustInput, a: Record<string, unknown>, cond: string): TrustEdge[] {
  const roles = list(a.roles);
  const on = list(a.grantedOn);
  const level = typeof a.level === 'string' ? a.level : 'service-account';
  const why = `${roles.join(', ') || 'an impersonation role'} held at ${level} level${on.length ? ` on ${on.join(', ')}` : ''}${cond}`;
  const p = t.principal;
  if (p === 'allUsers' || p === 'allAuthenticatedUsers') return [{ from: ext('any', '*'), mechanism: gcpMechanism(roles), evidence: `${p}: ${why}` }];
  const i = p.indexOf(':');
  const type = i > 0 ? p.slice(0, i) : '';
  const value = i > 0 ? p.slice(i + 1) : p;
  if (type === 'deleted') return [];
  if (type === 'serviceAccount' && /\.svc\.id\.goog\[[^\]]+\]$/.test(value)) {
    return [{ from: ext('k8s-sa', value), mechanism: 'federation', evidence: `GKE workload identity ${value}: ${why}` }];
  }
  if (type === 'serviceAccount') {
    // Service account ids are lower-case emails in the inventory.
    return [{ from: value.toLowerCase(), mechanism: gcpMechanism(roles), evidence: `${p}: ${why}` }];
  }
  if (type === 'principalSet' || type === 'principal') {
    const j = judgeOidcSubject('gcp', '', p);
    const github = j.repository || j.organization || j.pinning !== 'anything';
    const src = github ? githubSource(j, ext('gcp-pool', p)) : { from: ext('gcp-pool', p) };
    return [{ ...src, mechanism: 'federation', evidence: `workload identity federation (${j.pinning}): ${j.message}; ${why}` }];
  }
  return [{ from: ext('gcp-member', p), mechanism: gcpMechanism(roles), evidence: `${p}: ${why}` }];
}

function azureTrust(t: TrustInput, a: Record<string, unknown>, cond: string): TrustEdge[] {
  const space = t.principal.indexOf(' ');
  const issuer = space > 0 ? t.principal.slice(0, space) : t.principal;
  if (t.principalType === 'external-account') {
    const tenant = /([0-9a-f-]{36})/i.exec(issuer)?.[1]?.toLowerCase() ?? issuer;
    return [{ from: ext('azure-tenant', tenant), mechanism: 'federation', evidence: `an identity of tenant ${tenant} can sign in as it (${t.principal})${cond}` }];
  }
  const name = typeof a.name === 'string' ? ` ${a.name}` : '';
  if (/token\.actions\.githubusercontent\.com/i.test(issuer)) {
    const j = judgeOidcSubject('azure', issuer, t.principal);
    return [{ ...githubSource(j, ''), mechanism: 'federation', evidence: `federated credential${name} trusts GitHub Actions OIDC (${j.pinning}): ${j.message}` }];
  }
  const subject = space > 0 ? t.principal.slice(space + 1).replace(/^sub=/, '') : '*';
  return [{ from: ext('oidc', `${issuer}:${subject}`), mechanism: 'federation', evidence: `federated credential${name} trusts ${t.principal}${cond}` }];
}

/**
 * A Kubernetes service account annotated with a cloud identity: its pods get that identity's
 * credentials. The annotation is the claim; whether the cloud side admits the cluster's issuer
 * and this subject is for the cloud's own trust records to show.
 */
function kubernetesTrust(t: TrustInput, a: Record<string, unknown>, azureByClientId: Map<string, string>): TrustEdge[] {
  if (t.principalType !== 'identity') return [];
  const subject = typeof a.subject === 'string' ? a.subject : t.principal;
  const annotation = typeof a.annotation === 'string' ? a.annotation : 'a workload identity annotation';
  const to = a.cloud === 'azure' ? azureByClientId.get(t.identityId.toLowerCase()) ?? ext('oidc', `azure-client:${t.identityId}`) : undefined;
  const cloud = a.cloud === 'aws' ? 'AWS role' : a.cloud === 'gcp' ? 'Google service account' : a.cloud === 'azure' ? 'Azure application' : 'cloud identity';
  return [{ from: t.principal, to, mechanism: 'federation', evidence: `${annotation} on ${subject}: its pods receive credentials for ${cloud} ${t.identityId}, if that identity trusts the cluster's OIDC issuer for this subject` }];
}

interface EksTrust {
  issuer: string;
  /** Allowed `sub` values; empty when the trust has no `sub` condition (any service account of the cluster). */
  subjects: string[];
  wild: boolean;
}

const EKS_ISSUER = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/;

/** An AWS role's federated trust in an EKS cluster's OIDC issuer, with the subjects its condition allows. */
function eksTrustOf(t: TrustInput): EksTrust | null {
  if (t.provider !== 'aws' || t.principalType !== 'federated') return null;
  const issuer = typeof t.attributes?.issuer === 'string' ? t.attributes.issuer : t.principal.replace(/^arn:[^:]+:iam::\d{12}:oidc-provider\//, '');
  if (!EKS_ISSUER.test(issuer)) return null;
  const subjects: string[] = [];
  let wild = false;
  for (const part of (t.condition ?? '').split(' AND ')) {
    const m = /^(\S+) (.+?):sub=(.*)$/.exec(part);
    if (!m || m[2] !== issuer || /^(StringNot|ForAllValues:StringNot)/.test(m[1] as string)) continue;
    if (/Like/.test(m[1] as string)) wild = true;
    subjects.push(...(m[3] as string).split('|'));
  }
  return { issuer, subjects, wild };
}

const globMatch = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);

/**
 * The IRSA edge's evidence, or null when the role's trust policy names EKS issuers but admits
 * this subject under none of them (the annotation is then a claim the role refuses).
 */
function irsaEdge(t: TrustInput, trusts: EksTrust[] | undefined): string | null {
  const subject = typeof t.attributes?.subject === 'string' ? t.attributes.subject : t.principal;
  const claim = `eks.amazonaws.com/role-arn on ${subject}: its pods receive credentials for AWS role ${t.identityId}`;
  if (!trusts?.length) return `${claim}; not verified: no EKS OIDC trust of the role is in the inventory`;
  const admits = trusts.find((x) => x.subjects.length === 0 || x.subjects.some((p) => (x.wild ? globMatch(p, subject) : p === subject)));
  if (!admits) return null;
  const how = admits.subjects.length === 0 ? 'any service account (no sub condition)' : `sub ${admits.subjects.join('|')}`;
  return `${claim}; admitted by its trust policy: issuer ${admits.issuer}, ${how} (the cluster's own issuer is not read)`;
}

/** A Google service account's workload identity binding: `serviceAccount:<pool>.svc.id.goog[<ns>/<name>]`. */
function gkeTrustOf(t: TrustInput): EksTrust | null {
  if (t.provider !== 'gcp') return null;
  const m = /^serviceAccount:([^[]+\.svc\.id\.goog)\[([^\]]+)\]$/.exec(t.principal);
  if (!m) return null;
  const [ns, name] = (m[2] as string).split('/');
  return { issuer: m[1] as string, subjects: [`system:serviceaccount:${ns}:${name}`], wild: false };
}

/** Like irsaEdge, for `iam.gke.io/gcp-service-account`: the Google side must bind workloadIdentityUser to this account. */
function gkeEdge(t: TrustInput, trusts: EksTrust[] | undefined): string | null {
  const subject = typeof t.attributes?.subject === 'string' ? t.attributes.subject : t.principal;
  const claim = `iam.gke.io/gcp-service-account on ${subject}: its pods receive credentials for Google service account ${t.identityId}`;
  if (!trusts?.length) return `${claim}; not verified: no workload identity binding of the service account is in the inventory`;
  const admits = trusts.find((x) => x.subjects.includes(subject));
  return admits ? `${claim}; admitted by its IAM policy: workload pool ${admits.issuer}` : null;
}
