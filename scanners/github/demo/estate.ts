// The GitHub part of the demo estate: organisation acme-corp, whose members can all push to
// every repository (base permission write), where a departed contractor's
// write deploy key still pushes to infra, an owner's never-expiring classic PAT carries
// admin:org, a fine-grained PAT has not been used for a year, a third-party app holds
// administration write on every repository, and the org's Actions secrets hold static AWS
// keys — next to healthy counterparts of each (expiring, recently used, read-only,
// first-party, OIDC). Beyond the members, team release-engineering may push to the
// repository whose workflows the GCP CI account and an Azure app trust, and outside
// collaborator vendor-consultant may push to infra, whose production environment an Azure app
// trusts. The AWS key id GitHub's secret scanning reports is the one the AWS
// part's ci-deployer user still has active.
import { DEMO } from '../../../src/demo/estate.js';
import type { AppPermissions } from '../wire.js';
import type { FakeRoutes } from './fake-github.js';
import {
  app,
  classicPatAuthorization,
  codeSearchItem,
  codeSearchResponse,
  deployKey,
  environment,
  installation,
  installationToken,
  orgHook,
  orgSecret,
  patGrant,
  patRequest,
  repo,
  repoHook,
  repoSecret,
  secretAlert,
  sshKeyAuthorization,
  user,
  organization,
} from './fixtures.js';
import { collaborator, team, teamRepo } from './fixtures-access.js';

export const DEMO_GITHUB = {
  org: DEMO.github.org,
  departedMember: DEMO.github.departedMember,
  /** Installation of the scanning App itself. */
  scannerInstallationId: 51000001,
  members: ['alice-owner', 'bob-platform', 'carol-dev', 'dave-data', 'erin-sre', 'frank-mobile', 'grace-docs', 'heidi-sec', 'ivan-payments', 'judy-web'],
  admins: ['alice-owner', 'bob-platform', 'acme-release-bot'],
  bots: { ci: 'acme-ci-bot', release: 'acme-release-bot', docs: 'docs-bot', partner: 'partner-deploy-bot' },
  risky: {
    thirdPartyAdminApp: 'repo-settings-sync',
    classicAdminPat: 'terraform-github-provider',
    staleFineGrainedPat: 'legacy-migration',
    departedDeployKey: 'prod-deploy',
    staticAwsSecrets: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
    insecureHookHost: 'legacy-jenkins.acme.example:8080',
  },
  healthy: {
    firstPartyApp: 'acme-deployer',
    thirdPartyReadApp: 'docs-preview',
    classicPat: 'gh-cli',
    fineGrainedPat: 'release-notes',
    deployKey: 'argocd-readonly',
    oidcSecret: 'AWS_ROLE_ARN',
  },
  /** Team with write on the repository trusted by cloud admins; outside collaborator with write on infra. */
  pushers: { team: 'release-engineering', outside: 'vendor-consultant', outsideRepo: 'infra' },
  repos: [DEMO.repo.name, 'web', 'api', 'infra', 'payments', 'mobile', 'docs', 'data-pipeline', 'terraform-modules', 'billing', 'auth-service', 'legacy-monolith'],
} as const;

/** The admin classic PAT's value, leaked into a repository (its last eight match the SAML authorization). */
export function fakeClassicPat(): string {
  return ['ghp', '_', 'R7mT2wq8', 'Lx4Nc6Vb1Zp0Hs3Jd5Fk', 'Qk3vX9aZ'].join('');
}

/** A token-shaped string assembled at run time (so no scanner mistakes this file for a leak). */
export function fakeSlackToken(): string {
  return ['xox', 'b-', '2048', '-', '7301', '-', 'q9W2e8R4t6Y1u3I5o7P0a2S4'].join('');
}

export interface DemoRoutesInput {
  now: Date;
  /** Served as the installation access token of the App. */
  installationToken: string;
}

export function demoRoutes(input: DemoRoutesInput): FakeRoutes {
  const org = DEMO_GITHUB.org;
  const now = input.now.getTime();
  const ago = (days: number) => new Date(now - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ahead = (days: number) => ago(-days);
  const D = DEMO_GITHUB;

  // --- people
  const members = [...D.members, D.bots.ci, D.bots.release, D.bots.docs].map((l) => user(l));
  const admins = D.admins.map((l) => user(l));
  const outside = [user(D.pushers.outside), user(D.bots.partner)];
  // Who else may push: read and triage grants take no push and stay out of reach.
  const teams = [team(org, D.pushers.team, { id: 3101, name: 'Release engineering' }), team(org, 'docs-writers', { id: 3102, name: 'Docs writers' })];
  const teamRepos: Record<string, ReturnType<typeof teamRepo>[]> = {
    [D.pushers.team]: [teamRepo(org, DEMO.repo.name, 'write'), teamRepo(org, 'web', 'read')],
    'docs-writers': [teamRepo(org, 'docs', 'triage')],
  };
  const outsideOn: Record<string, ReturnType<typeof collaborator>[]> = {
    [D.pushers.outsideRepo]: [collaborator(D.pushers.outside, 'write')],
    api: [collaborator(D.bots.partner, 'read')],
  };

  // --- apps
  const read = (...names: (keyof AppPermissions)[]): AppPermissions => Object.fromEntries(names.map((n) => [n, 'read'])) as AppPermissions;
  const installs = [
    installation(org, D.scannerInstallationId, 'nhi-inventory', { ...read('metadata', 'administration', 'secrets', 'secret_scanning_alerts', 'members', 'organization_hooks', 'organization_secrets', 'organization_administration'), organization_personal_access_tokens: 'read', organization_personal_access_token_requests: 'read' }, { selection: 'all', createdAt: ago(20) }),
    installation(org, 51000002, D.healthy.firstPartyApp, { metadata: 'read', contents: 'write', deployments: 'write', actions: 'read' }, { selection: 'selected', createdAt: ago(400), events: ['deployment', 'push'] }),
    installation(org, 51000003, D.risky.thirdPartyAdminApp, { metadata: 'read', administration: 'write', contents: 'read', members: 'read' }, { selection: 'all', createdAt: ago(700), events: ['repository'] }),
    installation(org, 51000004, 'coverage-reporter', { metadata: 'read', checks: 'write', statuses: 'write', pull_requests: 'write' }, { selection: 'selected', createdAt: ago(300), events: ['pull_request', 'check_suite'] }),
    installation(org, 51000005, D.healthy.thirdPartyReadApp, { metadata: 'read', pull_requests: 'read' }, { selection: 'selected', createdAt: ago(120), events: ['pull_request'] }),
    installation(org, 51000006, 'acme-security-scanner', { metadata: 'read', contents: 'read', security_events: 'write', vulnerability_alerts: 'read' }, { selection: 'all', createdAt: ago(250), events: ['push'] }),
    installation(org, 51000007, 'project-board-sync', { metadata: 'read', issues: 'write', repository_projects: 'admin' }, { selection: 'selected', createdAt: ago(900), suspendedAt: ago(200) }),
  ];
  const apps = [
    app('nhi-inventory', 'Acme NHI inventory', org, {}, ago(21)),
    app(D.healthy.firstPartyApp, 'Acme Deployer', org, {}, ago(800)),
    app(D.risky.thirdPartyAdminApp, 'Repo Settings Sync', 'settings-sync-inc', {}, ago(1500)),
    app('coverage-reporter', 'Coverage Reporter', 'coverage-co', {}, ago(2000)),
    app(D.healthy.thirdPartyReadApp, 'Docs Preview', 'preview-vendor', {}, ago(1000)),
    app('acme-security-scanner', 'Acme Security Scanner', org, {}, ago(260)),
    app('project-board-sync', 'Project Board Sync', 'boards-vendor', {}, ago(1800)),
  ];

  // --- fine-grained PATs (token ids are global GitHub ids)
  const pats = [
    patGrant(org, { id: 7101, tokenId: 880101, name: D.risky.staleFineGrainedPat, owner: 'bob-platform', selection: 'subset', permissions: { repository: { metadata: 'read', contents: 'write' } }, grantedAt: ago(560), expiresAt: null, lastUsedAt: ago(380) }),
    patGrant(org, { id: 7102, tokenId: 880102, name: D.healthy.fineGrainedPat, owner: 'carol-dev', selection: 'subset', permissions: { repository: { metadata: 'read', contents: 'read' } }, grantedAt: ago(40), expiresAt: ahead(50), lastUsedAt: ago(2) }),
    patGrant(org, { id: 7103, tokenId: 880103, name: 'ci-metrics', owner: 'dave-data', selection: 'all', permissions: { repository: { metadata: 'read', actions: 'read' } }, grantedAt: ago(25), expiresAt: ahead(65), lastUsedAt: ago(0) }),
    patGrant(org, { id: 7104, tokenId: 880104, name: 'org-admin-automation', owner: 'alice-owner', selection: 'none', permissions: { organization: { organization_administration: 'write', members: 'write' } }, grantedAt: ago(30), expiresAt: ahead(60), lastUsedAt: ago(3) }),
    patGrant(org, { id: 7105, tokenId: 880105, name: 'contractor-sync', owner: D.departedMember, selection: 'subset', permissions: { repository: { metadata: 'read', contents: 'write', pull_requests: 'write' } }, grantedAt: ago(200), expiresAt: ahead(10), lastUsedAt: ago(45) }),
    patGrant(org, { id: 7106, tokenId: 880106, name: 'old-backup', owner: 'erin-sre', selection: 'all', permissions: { repository: { metadata: 'read', contents: 'read' } }, grantedAt: ago(400), expiresAt: ago(20), lastUsedAt: ago(25), expired: true }),
    patGrant(org, { id: 7107, tokenId: 880107, name: 'issue-triage', owner: 'frank-mobile', selection: 'subset', permissions: { repository: { metadata: 'read', issues: 'write' } }, grantedAt: ago(15), expiresAt: ahead(75), lastUsedAt: ago(1) }),
    patGrant(org, { id: 7108, tokenId: 880108, name: 'docs-deploy', owner: 'grace-docs', selection: 'subset', permissions: { repository: { metadata: 'read', pages: 'write' } }, grantedAt: ago(60), expiresAt: ahead(30), lastUsedAt: ago(5) }),
  ];
  const patRepos: Record<number, string[]> = { 7101: ['legacy-monolith', 'billing'], 7102: [DEMO.repo.name, 'web'], 7105: ['infra', 'api'], 7107: ['mobile'], 7108: ['docs'] };
  const patRequests = [patRequest(org, { id: 7201, tokenId: 880201, name: 'dashboard-export', owner: 'erin-sre', reason: 'Export SLO dashboards nightly', permissions: { repository: { metadata: 'read', contents: 'read' } }, createdAt: ago(2), expiresAt: ahead(88) })];

  // --- SAML SSO credential authorizations (classic PATs and SSH keys)
  const creds = [
    classicPatAuthorization({ id: 9301, login: 'bob-platform', note: D.risky.classicAdminPat, scopes: ['admin:org', 'repo', 'workflow'], authorizedAt: ago(900), accessedAt: ago(1), expiresAt: null, lastEight: 'Qk3vX9aZ' }),
    classicPatAuthorization({ id: 9302, login: 'carol-dev', note: D.healthy.classicPat, scopes: ['read:org', 'repo'], authorizedAt: ago(40), accessedAt: ago(0), expiresAt: ahead(20), lastEight: 'm2Pq8TzR' }),
    classicPatAuthorization({ id: 9303, login: 'dave-data', note: 'npm-publish', scopes: ['read:org', 'write:packages'], authorizedAt: ago(50), accessedAt: ago(10), expiresAt: ahead(60), lastEight: 'Hn4Lk7Ws' }),
    classicPatAuthorization({ id: 9304, login: 'frank-mobile', note: 'fastlane-match', scopes: ['repo'], authorizedAt: ago(200), accessedAt: null, expiresAt: ahead(100), lastEight: 'Zc6Yb1Vx' }),
    sshKeyAuthorization({ id: 9305, login: 'alice-owner', title: 'alice laptop', authorizedAt: ago(70), accessedAt: ago(0) }),
    sshKeyAuthorization({ id: 9306, login: D.departedMember, title: 'contractor build box', authorizedAt: ago(600), accessedAt: ago(200) }),
  ];

  // --- repositories, deploy keys, repository secrets
  const repos = D.repos.map((n) => repo(org, n, { archived: n === 'legacy-monolith', createdAt: ago(1500) }));
  const keys: Record<string, ReturnType<typeof deployKey>[]> = {
    infra: [
      deployKey(`${org}/infra`, { id: 6101, title: D.risky.departedDeployKey, readOnly: false, createdAt: ago(500), addedBy: D.departedMember, lastUsed: ago(20) }),
      deployKey(`${org}/infra`, { id: 6102, title: D.healthy.deployKey, readOnly: true, createdAt: ago(60), addedBy: 'alice-owner', lastUsed: ago(0) }),
    ],
    web: [deployKey(`${org}/web`, { id: 6103, title: 'ci-clone', readOnly: true, createdAt: ago(70), addedBy: 'bob-platform', lastUsed: ago(1) })],
    api: [deployKey(`${org}/api`, { id: 6104, title: 'release-push', readOnly: false, createdAt: ago(80), addedBy: 'carol-dev', lastUsed: ago(3) })],
    docs: [deployKey(`${org}/docs`, { id: 6105, title: 'docs-publish', readOnly: false, createdAt: ago(50), addedBy: 'grace-docs', lastUsed: ago(5) })],
    payments: [deployKey(`${org}/payments`, { id: 6106, title: 'backup-mirror', readOnly: true, createdAt: ago(700), addedBy: 'ivan-payments', lastUsed: ago(300) })],
    'legacy-monolith': [deployKey(`${org}/legacy-monolith`, { id: 6107, title: 'legacy-ci', readOnly: true, createdAt: ago(1400), addedBy: 'judy-web', lastUsed: ago(800), enabled: false })],
    'data-pipeline': [deployKey(`${org}/data-pipeline`, { id: 6108, title: 'data-sync', readOnly: true, createdAt: ago(60), addedBy: 'dave-data', lastUsed: ago(2) })],
    'terraform-modules': [deployKey(`${org}/terraform-modules`, { id: 6109, title: 'terraform-registry', readOnly: true, createdAt: ago(45), addedBy: 'alice-owner', lastUsed: ago(1) })],
    mobile: [deployKey(`${org}/mobile`, { id: 6110, title: 'mobile-ci', readOnly: true, createdAt: ago(80), addedBy: 'frank-mobile', lastUsed: ago(6) })],
    billing: [deployKey(`${org}/billing`, { id: 6111, title: 'billing-deploy', readOnly: false, createdAt: ago(30), addedBy: D.bots.release, lastUsed: ago(1) })],
    'auth-service': [deployKey(`${org}/auth-service`, { id: 6112, title: 'auth-mirror', readOnly: true, createdAt: ago(10), addedBy: null, lastUsed: null })],
  };
  const repoSecrets: Record<string, ReturnType<typeof repoSecret>[]> = {
    infra: [repoSecret(D.healthy.oidcSecret, ago(60), ago(60))],
    'terraform-modules': [repoSecret(D.healthy.oidcSecret, ago(45), ago(45))],
    api: [repoSecret('DOCKERHUB_TOKEN', ago(200), ago(40))],
    web: [repoSecret('VERCEL_TOKEN', ago(150), ago(20))],
    'data-pipeline': [repoSecret('GCP_SA_KEY', ago(500), ago(500))],
  };

  const repoHooks: Record<string, ReturnType<typeof repoHook>[]> = {
    web: [repoHook(`${org}/web`, { id: 4201, url: 'https://previews.acme.example/github', secret: true, events: ['pull_request'], createdAt: ago(60), lastCode: 200 })],
    payments: [repoHook(`${org}/payments`, { id: 4202, url: 'http://build-status.payments.acme.example/notify', secret: false, events: ['push', 'status'], createdAt: ago(700), lastCode: 200 })],
  };

  // --- organisation secrets, webhooks, secret-scanning alerts
  const secrets = [
    orgSecret('AWS_ACCESS_KEY_ID', ago(420), ago(420), 'all', org),
    orgSecret('AWS_SECRET_ACCESS_KEY', ago(420), ago(420), 'all', org),
    orgSecret('NPM_TOKEN', ago(300), ago(30), 'selected', org),
    orgSecret('SONAR_TOKEN', ago(100), ago(15), 'private', org),
    orgSecret('SLACK_WEBHOOK_URL', ago(250), ago(60), 'private', org),
  ];
  const hooks = [
    orgHook(org, { id: 4101, url: 'https://ci.acme.example/hooks/github', secret: true, events: ['push', 'pull_request'], createdAt: ago(300) }),
    orgHook(org, { id: 4102, url: `http://${D.risky.insecureHookHost}/github-webhook/`, secret: false, events: ['push'], createdAt: ago(1200) }),
    orgHook(org, { id: 4103, url: 'https://hooks.chat.example/services/T0DEMO/B0DEMO/demoPathToken000000', secret: true, events: ['repository', 'member'], createdAt: ago(90) }),
    orgHook(org, { id: 4104, url: 'https://audit.acme.example/github', secret: true, insecureSsl: true, events: ['*'], createdAt: ago(400) }),
  ];
  const alerts = [
    secretAlert(org, { number: 12, repo: DEMO.repo.name, secretType: 'aws_access_key_id', displayName: 'Amazon AWS Access Key ID', secret: DEMO.aws.leakedAccessKeyId, validity: 'active', createdAt: ago(35), path: 'deploy/config.env', line: 3, commit: 'b7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9' }),
    secretAlert(org, { number: 14, repo: 'infra', secretType: 'github_personal_access_token', displayName: 'GitHub Personal Access Token', secret: fakeClassicPat(), validity: 'active', createdAt: ago(6), path: 'terraform/providers.tf', line: 12, commit: 'd9e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1' }),
    secretAlert(org, { number: 13, repo: 'web', secretType: 'slack_api_token', displayName: 'Slack API Token', secret: fakeSlackToken(), validity: 'inactive', createdAt: ago(160), path: 'scripts/notify.sh', line: 8, commit: 'c8d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0' }),
  ];

  const routes: FakeRoutes = {
    // The base permission lets every member push to every repository (and so run its workflows).
    [`GET /orgs/${org}`]: { status: 200, body: organization(org, { defaultRepositoryPermission: 'write', createdAt: ago(2400) }) },
    [`GET /orgs/${org}/members?role=admin`]: { items: admins },
    [`GET /orgs/${org}/members`]: { items: members },
    [`GET /orgs/${org}/outside_collaborators`]: { items: outside },
    [`GET /orgs/${org}/teams`]: { items: teams },
    [`GET /orgs/${org}/installation`]: { status: 200, body: installs[0] },
    [`POST /app/installations/${D.scannerInstallationId}/access_tokens`]: { status: 201, body: installationToken(input.installationToken, ahead(1 / 24)) },
    [`GET /orgs/${org}/installations`]: { items: installs, wrap: 'installations' },
    [`GET /orgs/${org}/personal-access-tokens`]: { items: pats },
    [`GET /orgs/${org}/personal-access-token-requests`]: { items: patRequests },
    [`GET /orgs/${org}/credential-authorizations`]: { items: creds },
    [`GET /orgs/${org}/hooks`]: { items: hooks },
    [`GET /orgs/${org}/actions/secrets`]: { items: secrets, wrap: 'secrets' },
    [`GET /orgs/${org}/dependabot/secrets`]: { items: [orgSecret('NPM_REGISTRY_TOKEN', ago(200), ago(25), 'private', org)], wrap: 'secrets' },
    [`GET /orgs/${org}/secret-scanning/alerts`]: { items: alerts },
    [`GET /orgs/${org}/repos`]: { items: repos },
    ['GET /search/code']: { status: 200, body: codeSearchResponse([codeSearchItem(org, 'infra', '.github/workflows/deploy.yml'), codeSearchItem(org, 'terraform-modules', '.github/workflows/plan.yml')]) },
  };
  routes[`GET /repos/${org}/payments/environments/production/secrets`] = { items: [repoSecret('STRIPE_API_KEY', ago(400), ago(20))], wrap: 'secrets' };
  for (const a of apps) routes[`GET /apps/${a.slug}`] = { status: 200, body: a };
  for (const [id, names] of Object.entries(patRepos)) routes[`GET /orgs/${org}/personal-access-tokens/${id}/repositories`] = { items: names.map((n) => repo(org, n)) };
  for (const [slug, list] of Object.entries(teamRepos)) routes[`GET /orgs/${org}/teams/${slug}/repos`] = { items: list };
  for (const r of D.repos) {
    routes[`GET /repos/${org}/${r}/collaborators?affiliation=outside`] = { items: outsideOn[r] ?? [] };
    routes[`GET /repos/${org}/${r}/keys`] = { items: keys[r] ?? [] };
    routes[`GET /repos/${org}/${r}/hooks`] = { items: repoHooks[r] ?? [] };
    routes[`GET /repos/${org}/${r}/environments`] = { items: r === 'payments' ? [environment(`${org}/payments`, 'production', ago(400))] : [], wrap: 'environments' };
    routes[`GET /repos/${org}/${r}/actions/secrets`] = { items: repoSecrets[r] ?? [], wrap: 'secrets' };
  }
  return routes;
}
