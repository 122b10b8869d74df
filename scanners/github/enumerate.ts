// One organisation's scan: list every endpoint page by page (Link-header pagination),
// normalize as pages arrive, and turn a failed endpoint into an error (or a note) while
// the rest of the scan goes on. At most 4 requests in flight per organisation.
import type { ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { eachLimit, ErrorTally, networkFault } from '../../src/scanners/toolkit/index.js';
import type { GitHubClient } from './client.js';
import { ENDPOINTS, failureRecord, httpStatus, type EndpointSpec } from './errors.js';
import {
  botSignal,
  normalizeAlert,
  normalizeBot,
  normalizeCredentialAuthorization,
  normalizeDeployKey,
  normalizeEnvironmentSecret,
  normalizeHook,
  normalizeInstallation,
  normalizeMemberPrivileges,
  normalizeOrgSecret,
  normalizePatGrant,
  normalizePatRequest,
  normalizeRepoSecret,
  orgScope,
  type OrgFacts,
} from './normalize.js';
import type { GitHubOptions } from './options.js';
import { guardPages, listAll, PER_PAGE } from './paging.js';
import { DeniedRepos, readOutsideCollaborators, readTeamAccess } from './read-push-access.js';
import type { CredentialAuthorization, Environment, Integration, MinimalRepository, SimpleUser } from './wire.js';

const REPO_CONCURRENCY = 4;
/** Repositories named in an aggregated per-repository error. */
const SAMPLE = 10;

export interface OrgClients {
  /** Everything else: the App installation when configured (higher limits), else the token. */
  main: GitHubClient;
  /** Fine-grained PAT endpoints: only a GitHub App may call them. */
  pat: GitHubClient;
  /** SAML credential authorizations: only an organisation owner's token may call it. */
  saml: GitHubClient;
}

/** What one listing yields: its items normalized, or its failure (as an error or a note) last. */
async function* listing<T>(spec: EndpointSpec, pages: () => AsyncIterable<{ data: T[]; headers?: { link?: string } }>, signal: AbortSignal, normalize: (item: T) => Iterable<ScanRecord>): AsyncGenerator<ScanRecord> {
  for await (const r of listAll(spec, pages, signal)) {
    if ('failure' in r) {
      yield r.failure;
      return;
    }
    yield* normalize(r.item);
  }
}

/**
 * One organisation, read in the order its model needs: people first (who is still here decides
 * owners), then apps, tokens, webhooks, secrets and alerts, and last its repositories.
 */
export async function* scanOrganization(ctx: ScanContext<GitHubOptions>, clients: OrgClients, orgLogin: string): AsyncGenerator<ScanRecord> {
  const org = orgLogin.toLowerCase();
  const f: OrgFacts = { org, scope: orgScope(org), people: new Set<string>(), secrets: ctx.secrets, now: ctx.now };
  yield* readPeople(ctx, clients.main, orgLogin, f);
  yield* readMemberPrivileges(ctx, clients.main, orgLogin, f);
  yield* readTeamAccess(ctx, clients.main, orgLogin, f);
  if (!ctx.options.skipOidcSearch) yield* detectOidcWorkflows(ctx, clients.main, orgLogin, f);
  yield* readAppInstallations(ctx, clients.main, orgLogin, f);
  yield* readFineGrainedTokens(ctx, clients.pat, orgLogin, f);
  yield* readSamlAuthorizations(ctx, clients.saml, orgLogin, f);
  yield* readOrgHooksSecretsAndAlerts(ctx, clients.main, orgLogin, f);
  if (!ctx.options.skipRepos) yield* readRepositories(ctx, clients.main, orgLogin, f);
}

/** Members (admins first), outside collaborators, and the bot accounts among them. */
async function* readPeople(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  const { signal } = ctx;
  const people = f.people as Set<string>;
  const admins = new Set<string>();
  let membersOk = true;
  for await (const r of listAll<SimpleUser>(ENDPOINTS.members, () => octokit.paginate.iterator(octokit.rest.orgs.listMembers, { org: orgLogin, role: 'admin', per_page: PER_PAGE }), signal)) {
    if ('failure' in r) {
      // The organisation itself is unreadable, or the API cannot be connected to or does not answer
      // (after the retries; every other listing would fail the same way): fail the target with the
      // explained error.
      if (httpStatus(r.err) === 404 || httpStatus(r.err) === 401 || ['network', 'timeout'].includes(networkFault(r.err)?.code ?? '')) throw r.err;
      membersOk = false;
      yield r.failure;
      break;
    }
    admins.add(r.item.login.toLowerCase());
  }
  if (membersOk) {
    let members = 0;
    for await (const r of listAll<SimpleUser>(ENDPOINTS.members, () => octokit.paginate.iterator(octokit.rest.orgs.listMembers, { org: orgLogin, per_page: PER_PAGE }), signal)) {
      if ('failure' in r) {
        membersOk = false;
        yield r.failure;
        break;
      }
      members++;
      people.add(r.item.login.toLowerCase());
      const sig = botSignal(r.item);
      if (sig) yield* normalizeBot(r.item, admins.has(r.item.login.toLowerCase()) ? 'admin' : 'member', sig, f);
    }
    f.members = membersOk ? members : null;
  }
  const outside = new Set<string>();
  f.outside = outside;
  for await (const r of listAll<SimpleUser>(ENDPOINTS.outsideCollaborators, () => octokit.paginate.iterator(octokit.rest.orgs.listOutsideCollaborators, { org: orgLogin, per_page: PER_PAGE }), signal)) {
    if ('failure' in r) {
      membersOk = false;
      f.outside = null;
      yield r.failure;
      break;
    }
    people.add(r.item.login.toLowerCase());
    outside.add(r.item.login.toLowerCase());
    const sig = botSignal(r.item);
    if (sig) yield* normalizeBot(r.item, 'outside_collaborator', sig, f);
  }
  if (!membersOk) {
    // Without the full list nobody can be called departed: keep API owners as they are.
    f.people = null;
    yield { type: 'note', operation: ENDPOINTS.members.op, message: 'members or outside collaborators could not be listed, so owners who left the organisation cannot be detected in this scan' };
  }
}

/**
 * The organisation's member privileges (GET /orgs/{org}): a base permission of write or admin lets
 * every member push to every repository. Best effort: unreadable or hidden (not an owner), a note.
 */
async function* readMemberPrivileges(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  try {
    const res = await octokit.rest.orgs.get({ org: orgLogin });
    if (res.data.default_repository_permission == null) {
      yield { type: 'note', operation: ENDPOINTS.organization.op, message: `the default repository permission of ${orgLogin} is not shown to this token, so whether every member can push to every repository is unknown; needs ${ENDPOINTS.organization.needs}` };
      return;
    }
    yield* normalizeMemberPrivileges(res.data, f);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    yield { type: 'note', operation: ENDPOINTS.organization.op, message: `the member privileges of ${orgLogin} could not be read (GET /orgs/${orgLogin} answered ${httpStatus(err) ?? 'with an error'}); needs ${ENDPOINTS.organization.needs}` };
  }
}

/** Whether workflows request OIDC tokens (id-token: write): one code search, best effort. */
async function* detectOidcWorkflows(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  try {
    const res = await octokit.rest.search.code({ q: `"id-token: write" org:${orgLogin} path:.github/workflows`, per_page: PER_PAGE });
    const repos = [...new Set(res.data.items.map((i) => i.repository.full_name))].sort();
    f.oidc = { used: res.data.total_count > 0, repositories: repos };
    yield {
      type: 'note',
      operation: ENDPOINTS.codeSearch.op,
      message: res.data.total_count > 0
        ? `workflows in ${repos.length} repositories request OIDC tokens (id-token: write): ${repos.slice(0, SAMPLE).join(', ')}${repos.length > SAMPLE ? ', …' : ''}`
        : 'no workflow requests OIDC tokens (id-token: write); static cloud keys in Actions secrets have no federated replacement yet',
    };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    f.oidc = null;
    yield { type: 'note', operation: ENDPOINTS.codeSearch.op, message: `could not tell whether workflows use OIDC (code search answered ${httpStatus(err) ?? 'with an error'}); needs ${ENDPOINTS.codeSearch.needs}` };
  }
}

/** GitHub App installations, with the publisher of each app (one lookup per app). */
async function* readAppInstallations(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  const { signal } = ctx;
  const apps = new Map<string, Integration | null>();
  for await (const r of listAll(ENDPOINTS.installations, () => octokit.paginate.iterator(octokit.rest.orgs.listAppInstallations, { org: orgLogin, per_page: PER_PAGE }), signal)) {
    if ('failure' in r) {
      yield r.failure;
      break;
    }
    const inst = r.item;
    if (!apps.has(inst.app_slug)) {
      try {
        const res = await octokit.rest.apps.getBySlug({ app_slug: inst.app_slug });
        apps.set(inst.app_slug, res.data);
      } catch (err) {
        if (signal.aborted) throw err;
        apps.set(inst.app_slug, null);
        yield { type: 'note', operation: ENDPOINTS.app.op, message: `publisher of app ${inst.app_slug} unknown (GET /apps/${inst.app_slug} answered ${httpStatus(err) ?? 'with an error'}); third-party status not set` };
      }
    }
    yield* normalizeInstallation(inst, apps.get(inst.app_slug) ?? null, f);
  }
}

/** Fine-grained personal access tokens and pending requests (GitHub App authentication only). */
async function* readFineGrainedTokens(ctx: ScanContext<GitHubOptions>, pat: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  const { signal } = ctx;
  for await (const r of listAll(ENDPOINTS.patGrants, () => pat.paginate.iterator(pat.rest.orgs.listPatGrants, { org: orgLogin, per_page: PER_PAGE }), signal)) {
    if ('failure' in r) {
      yield r.failure;
      break;
    }
    let selected: string[] | null = null;
    if (r.item.repository_selection === 'subset') {
      selected = [];
      const patId = r.item.id;
      for await (const x of listAll(ENDPOINTS.patRepositories, () => pat.paginate.iterator(pat.rest.orgs.listPatGrantRepositories, { org: orgLogin, pat_id: patId, per_page: PER_PAGE }), signal)) {
        if ('failure' in x) {
          selected = null;
          break;
        }
        if (selected.length < 100) selected.push(x.item.full_name);
      }
      selected?.sort();
    }
    yield* normalizePatGrant(r.item, f, selected);
  }
  yield* listing(ENDPOINTS.patRequests, () => pat.paginate.iterator(pat.rest.orgs.listPatGrantRequests, { org: orgLogin, per_page: PER_PAGE }), signal, (x) => normalizePatRequest(x, f));
}

/** Classic PATs and SSH keys authorized for SAML SSO (GitHub Enterprise Cloud). */
async function* readSamlAuthorizations(ctx: ScanContext<GitHubOptions>, saml: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  yield* listing<CredentialAuthorization>(
    ENDPOINTS.credentialAuthorizations,
    () => saml.paginate.iterator('GET /orgs/{org}/credential-authorizations', { org: orgLogin, per_page: PER_PAGE }) as AsyncIterable<{ data: CredentialAuthorization[] }>,
    ctx.signal,
    (c) => normalizeCredentialAuthorization(c, f),
  );
}

/** Organisation webhooks, Actions and Dependabot secrets, and open secret-scanning alerts. */
async function* readOrgHooksSecretsAndAlerts(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  const { signal } = ctx;
  yield* listing(ENDPOINTS.hooks, () => octokit.paginate.iterator(octokit.rest.orgs.listWebhooks, { org: orgLogin, per_page: PER_PAGE }), signal, (h) => normalizeHook(h, f));
  yield* listing(ENDPOINTS.orgSecrets, () => octokit.paginate.iterator(octokit.rest.actions.listOrgSecrets, { org: orgLogin, per_page: PER_PAGE }), signal, (x) => [normalizeOrgSecret(x, f)]);
  // Dependabot secrets: a separate store that Dependabot runs read.
  yield* listing(ENDPOINTS.dependabotSecrets, () => octokit.paginate.iterator(octokit.rest.dependabot.listOrgSecrets, { org: orgLogin, per_page: PER_PAGE }), signal, (x) => [normalizeOrgSecret(x, f, 'dependabot')]);
  // The secret value is protected inside normalizeAlert.
  yield* listing(ENDPOINTS.secretScanning, () => octokit.paginate.iterator(octokit.rest.secretScanning.listAlertsForOrg, { org: orgLogin, state: 'open', per_page: PER_PAGE }), signal, (a) => [normalizeAlert(a, f)]);
}

/** Repositories: deploy keys, webhooks, environments and secrets, 4 repositories at a time, page by page. */
async function* readRepositories(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  const { signal } = ctx;
  const tally = new ErrorTally('repositories');
  const denied = new DeniedRepos();
  const repoPages = () => octokit.paginate.iterator(octokit.rest.repos.listForOrg, { org: orgLogin, type: 'all', per_page: PER_PAGE });
  try {
    for await (const page of guardPages(ENDPOINTS.repos.op, repoPages())) {
      const repos = page.data as MinimalRepository[];
      const results: ScanRecord[][] = new Array(repos.length);
      await eachLimit(repos, REPO_CONCURRENCY, async (repo, i) => {
        results[i] = await readRepository(octokit, repo, f, tally, denied, signal);
      });
      for (const recs of results) yield* recs;
    }
  } catch (err) {
    if (signal.aborted) throw err;
    yield failureRecord(ENDPOINTS.repos, err);
  }
  yield* tally.records();
  yield* denied.records();
}

async function readRepository(octokit: GitHubClient, repo: MinimalRepository, f: OrgFacts, tally: ErrorTally, denied: DeniedRepos, signal: AbortSignal): Promise<ScanRecord[]> {
  const out: ScanRecord[] = [];
  const owner = repo.owner.login;
  const name = repo.name;
  for await (const r of listAll(ENDPOINTS.deployKeys, () => octokit.paginate.iterator(octokit.rest.repos.listDeployKeys, { owner, repo: name, per_page: PER_PAGE }), signal, repo.full_name)) {
    if ('failure' in r) {
      if (r.failure.type === 'error') tally.add(r.failure, repo.full_name);
      break;
    }
    out.push(...normalizeDeployKey(r.item, repo, f));
  }
  for await (const r of listAll(ENDPOINTS.repoHooks, () => octokit.paginate.iterator(octokit.rest.repos.listWebhooks, { owner, repo: name, per_page: PER_PAGE }), signal, repo.full_name)) {
    if ('failure' in r) {
      if (r.failure.type === 'error') tally.add(r.failure, repo.full_name);
      break;
    }
    out.push(...normalizeHook(r.item, f, repo));
  }
  const environments: string[] = [];
  for await (const r of listAll<Environment>(ENDPOINTS.environments, () => octokit.paginate.iterator(octokit.rest.repos.getAllEnvironments, { owner, repo: name, per_page: PER_PAGE }) as AsyncIterable<{ data: Environment[] }>, signal, repo.full_name)) {
    if ('failure' in r) {
      if (r.failure.type === 'error') tally.add(r.failure, repo.full_name);
      break;
    }
    environments.push(r.item.name);
  }
  for (const env of environments) {
    for await (const r of listAll(ENDPOINTS.environmentSecrets, () => octokit.paginate.iterator(octokit.rest.actions.listEnvironmentSecrets, { owner, repo: name, environment_name: env, per_page: PER_PAGE }), signal, repo.full_name)) {
      if ('failure' in r) {
        if (r.failure.type === 'error') tally.add(r.failure, `${repo.full_name} (${env})`);
        break;
      }
      out.push(normalizeEnvironmentSecret(r.item, repo, env, f));
    }
  }
  for await (const r of listAll(ENDPOINTS.repoSecrets, () => octokit.paginate.iterator(octokit.rest.actions.listRepoSecrets, { owner, repo: name, per_page: PER_PAGE }), signal, repo.full_name)) {
    if ('failure' in r) {
      if (r.failure.type === 'error') tally.add(r.failure, repo.full_name);
      break;
    }
    out.push(normalizeRepoSecret(r.item, repo, f));
  }
  const collaborators = await readOutsideCollaborators(octokit, repo, f, denied, signal);
  if (collaborators.failure) tally.add(collaborators.failure, repo.full_name);
  out.push(...collaborators.records);
  return out;
}
