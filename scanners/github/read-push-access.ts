// Who else can push: the organisation's teams and their repositories (one list of teams, then
// one list per team, cheaper than asking each repository for its teams), and each repository's
// outside collaborators (asked only when the organisation has some, or when they could not be
// listed). A token that may not read these (403/404) leaves a note and the rest of the scan as
// it is: reach then knows less about who can push, and says so.
import type { ErrorRecord, NoteRecord, ScanRecord } from '../../src/model/records.js';
import type { ScanContext } from '../../src/scanners/contract.js';
import { eachLimit, ErrorTally } from '../../src/scanners/toolkit/index.js';
import type { GitHubClient } from './client.js';
import { ENDPOINTS, httpStatus, type EndpointSpec } from './errors.js';
import type { OrgFacts } from './normalize.js';
import type { GitHubOptions } from './options.js';
import { listAll, PER_PAGE } from './paging.js';
import { normalizeOutsideCollaborator, normalizeTeamRepo } from './push-grants.js';
import type { Collaborator, MinimalRepository, Team } from './wire.js';

/** Repositories or teams named in one aggregated note. */
const SAMPLE = 10;
/** Teams read at once: the organisation's limit of 4 requests in flight. */
const TEAM_CONCURRENCY = 4;

const isDenied = (err: unknown) => [401, 403, 404].includes(httpStatus(err) ?? 0);

function deniedNote(spec: EndpointSpec, err: unknown, what: string): NoteRecord {
  return { type: 'note', operation: spec.op, message: `${what} could not be read (${spec.op} answered ${httpStatus(err) ?? 'with an error'}), so who can push through them is unknown; needs ${spec.needs}` };
}

const sample = (names: string[]) => `${names.slice(0, SAMPLE).join(', ')}${names.length > SAMPLE ? ', …' : ''}`;

/** Teams with write, maintain or admin on repositories: one trust row per grant. */
export async function* readTeamAccess(ctx: ScanContext<GitHubOptions>, octokit: GitHubClient, orgLogin: string, f: OrgFacts): AsyncGenerator<ScanRecord> {
  const { signal } = ctx;
  const teams: Team[] = [];
  for await (const r of listAll<Team>(ENDPOINTS.teams, () => octokit.paginate.iterator(octokit.rest.teams.list, { org: orgLogin, per_page: PER_PAGE }), signal)) {
    if ('failure' in r) {
      yield isDenied(r.err) ? deniedNote(ENDPOINTS.teams, r.err, `the teams of ${orgLogin}`) : r.failure;
      return;
    }
    teams.push(r.item);
  }
  const denied: string[] = [];
  let deniedErr: unknown = null;
  const tally = new ErrorTally('teams');
  const results: ScanRecord[][] = new Array(teams.length);
  await eachLimit(teams, TEAM_CONCURRENCY, async (t, i) => {
    const out: ScanRecord[] = (results[i] = []);
    for await (const x of listAll<MinimalRepository>(ENDPOINTS.teamRepos, () => octokit.paginate.iterator(octokit.rest.teams.listReposInOrg, { org: orgLogin, team_slug: t.slug, per_page: PER_PAGE }), signal, `${orgLogin}/${t.slug}`)) {
      if ('failure' in x) {
        if (isDenied(x.err)) {
          denied.push(t.slug);
          deniedErr = x.err;
        } else if (x.failure.type === 'error') tally.add(x.failure, `${orgLogin}/${t.slug}`);
        else out.push(x.failure);
        break;
      }
      // An archived repository takes no push.
      if (!x.item.archived) out.push(...normalizeTeamRepo(t, x.item, f));
    }
  });
  for (const recs of results) yield* recs;
  yield* tally.records();
  denied.sort();
  if (denied.length) yield deniedNote(ENDPOINTS.teamRepos, deniedErr, `the repositories of ${denied.length} team${denied.length > 1 ? 's' : ''} (${sample(denied)})`);
}

/** Repositories whose outside collaborators could not be read for want of permission: one note for all. */
export class DeniedRepos {
  private readonly names: string[] = [];
  private err: unknown = null;
  add(repo: string, err: unknown): void {
    this.names.push(repo);
    this.err = err;
  }
  records(): NoteRecord[] {
    if (!this.names.length) return [];
    return [deniedNote(ENDPOINTS.repoCollaborators, this.err, `the outside collaborators of ${this.names.length} repositor${this.names.length > 1 ? 'ies' : 'y'} (${sample(this.names.sort())})`)];
  }
}

/** One repository's outside collaborators with write or higher; nothing asked when the organisation has none. */
export async function readOutsideCollaborators(octokit: GitHubClient, repo: MinimalRepository, f: OrgFacts, denied: DeniedRepos, signal: AbortSignal): Promise<{ records: ScanRecord[]; failure: ErrorRecord | null }> {
  const records: ScanRecord[] = [];
  if ((f.outside && f.outside.size === 0) || repo.archived) return { records, failure: null };
  const pages = () => octokit.paginate.iterator(octokit.rest.repos.listCollaborators, { owner: repo.owner.login, repo: repo.name, affiliation: 'outside', per_page: PER_PAGE }) as AsyncIterable<{ data: Collaborator[] }>;
  for await (const r of listAll<Collaborator>(ENDPOINTS.repoCollaborators, pages, signal, repo.full_name)) {
    if ('failure' in r) {
      if (isDenied(r.err)) denied.add(repo.full_name, r.err);
      return { records, failure: r.failure.type === 'error' && !isDenied(r.err) ? r.failure : null };
    }
    records.push(...normalizeOutsideCollaborator(r.item, repo, f));
  }
  return { records, failure: null };
}
