// The GitHub scanner: Apps, tokens, deploy keys, Actions secrets, webhooks, secret-scanning
// alerts and bot accounts of one or more organisations. See ./README.md.
import { ConfigError } from '../../src/errors.js';
import { defineScanner, type DiscoveryContext, type ScanTarget } from '../../src/scanners/contract.js';
import { PageGuard } from '../../src/scanners/toolkit/index.js';
import { authMode, createClient, type AuthMode, type GitHubClient } from './client.js';
import { scanOrganization } from './enumerate.js';
import { explainGitHubError, GitHubSetupError, httpStatus } from './errors.js';
import { orgScope } from './normalize.js';
import { GITHUB_OPTIONS, type GitHubOptions } from './options.js';
import { startGitHubDemo } from './demo/index.js';
import { GitHubIdentityIndex, ownersFromGitHub } from './owners.js';

function orgTarget(login: string, installationId?: number): ScanTarget {
  return { key: orgScope(login), label: `github:${login}`, data: { login, installationId } };
}

/** Pages of a discovery listing, ended with an error when a next link repeats or pages never end. */
async function* guarded<P extends { headers: { link?: string } }>(listing: string, pages: AsyncIterable<P>): AsyncGenerator<P> {
  const guard = new PageGuard(listing);
  for await (const page of pages) {
    yield page;
    const next = /<([^<>]+)>;\s*rel="next"/.exec(page.headers.link ?? '')?.[1];
    if (next) guard.next(next);
  }
}

async function discoverOrgs(ctx: DiscoveryContext<GitHubOptions>, auth: AuthMode): Promise<ScanTarget[]> {
  const base = { options: ctx.options, progress: ctx.progress, signal: ctx.signal };
  if (auth.app && auth.app.installationId === undefined) {
    // As the App itself (JWT): every organisation it is installed on.
    const app = createClient({ ...base, auth: { app: auth.app } });
    const out: ScanTarget[] = [];
    for await (const page of guarded('GET /app/installations', app.paginate.iterator(app.rest.apps.listInstallations, { per_page: 100 }))) {
      for (const inst of page.data) {
        const account = inst.account && 'login' in inst.account ? inst.account.login : null;
        if (account && inst.target_type === 'Organization') out.push(orgTarget(account, inst.id));
      }
    }
    return out;
  }
  if (auth.app && auth.app.installationId !== undefined) {
    // One installation (asked as the App): the organisation it belongs to.
    const app = createClient({ ...base, auth: { app: auth.app } });
    const inst = (await app.rest.apps.getInstallation({ installation_id: auth.app.installationId })).data;
    const account = inst.account && 'login' in inst.account ? inst.account.login : null;
    if (!account || inst.target_type !== 'Organization') throw new ConfigError(`App installation ${auth.app.installationId} does not belong to an organisation`, 'Pass --org, or the installation id of an organisation.');
    return [orgTarget(account, auth.app.installationId)];
  }
  const client = createClient({ ...base, auth: auth.token ? { token: auth.token } : null });
  const out: ScanTarget[] = [];
  for await (const page of guarded('GET /user/orgs', client.paginate.iterator(client.rest.orgs.listForAuthenticatedUser, { per_page: 100 }))) {
    for (const o of page.data) out.push(orgTarget(o.login));
  }
  return out;
}

export const githubScanner = defineScanner<GitHubOptions>({
  name: 'github',
  provider: 'github',
  title: 'GitHub',
  description:
    'GitHub App installations, fine-grained and SAML-authorized personal access tokens, SSH keys, deploy keys, Actions secrets, webhooks, open secret-scanning alerts and bot accounts of GitHub organisations.',
  needs: [
    'a GitHub App with read-only permissions (Members, Administration, Webhooks, Secrets, Dependabot secrets, Personal access tokens, Secret scanning alerts, Metadata, Contents), and/or an organisation owner\'s classic token with read:org, admin:org_hook, admin:org, repo, security_events (SAML credential authorizations need the token; fine-grained PAT listings need the App) — see scanners/github/README.md',
    'network access to api.github.com or the GitHub Enterprise Server API (--github-url)',
  ],
  options: GITHUB_OPTIONS,
  isConfigured(options, env, hasConfigSection) {
    if (hasConfigSection) return true;
    if ((options.org ?? []).length > 0) return true;
    // App credentials are explicit intent; a bare GITHUB_TOKEN (set in every Actions job) is not.
    return Boolean(options.appId && options.appPrivateKey) || Boolean(env.NHI_GITHUB_ORGS);
  },
  async targets(ctx) {
    const auth = authMode(ctx.options);
    if (!auth.token && !auth.app) {
      throw new ConfigError('the GitHub scanner needs a token or GitHub App credentials', 'Set GITHUB_TOKEN / GH_TOKEN (or --token), or --app-id with --app-private-key.');
    }
    const orgs = [...new Set((ctx.options.org ?? []).map((o) => o.trim()).filter(Boolean))];
    if (orgs.length > 0) return orgs.map((o) => orgTarget(o));
    const found = await discoverOrgs(ctx, auth);
    if (found.length === 0) throw new ConfigError('no GitHub organisation to scan', 'Pass --org <org> (repeatable).');
    return found;
  },
  async *scan(ctx) {
    const auth = authMode(ctx.options);
    const data = ctx.target.data as { login: string; installationId?: number };
    const base = { options: ctx.options, progress: ctx.progress, signal: ctx.signal };
    let app: GitHubClient | null = null;
    if (auth.app) {
      let installationId = data.installationId ?? auth.app.installationId;
      if (installationId === undefined) {
        // This organisation's installation of the App (asked as the App, with its JWT).
        const asApp = createClient({ ...base, auth: { app: auth.app } });
        try {
          installationId = (await asApp.rest.apps.getOrgInstallation({ org: data.login })).data.id;
        } catch (err) {
          if (httpStatus(err) !== 404) throw err;
          throw new GitHubSetupError(
            `GitHub App ${auth.app.appId} is not installed on ${data.login}`,
            'app-not-installed',
            `Install the App on ${data.login} (organisation settings → GitHub Apps), pass --app-installation-id, or scan with a token only.`,
          );
        }
      }
      app = createClient({ ...base, auth: { app: auth.app, installationId } });
    }
    const token = auth.token ? createClient({ ...base, auth: { token: auth.token } }) : null;
    const main = (app ?? token) as GitHubClient;
    // Fine-grained PAT listings answer only to an App; SAML credential authorizations only to an owner's token.
    const index = new GitHubIdentityIndex();
    for await (const r of scanOrganization(ctx, { main, pat: app ?? main, saml: token ?? main }, data.login)) {
      index.see(r);
      yield r;
    }
    if (ctx.options.ownersFromLogs) yield* ownersFromGitHub(ctx, main, data.login, index);
  },
  explainError: explainGitHubError,
  demo: startGitHubDemo,
});

export default githubScanner;
