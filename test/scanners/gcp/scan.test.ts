import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialRecord, GrantRecord, IdentityRecord, ScanRecord, TrustRecord } from '../../../src/model/records.js';
import { assertScannerAcceptance, collect } from '../../helpers/scanner-acceptance.js';
import { defaultConfig } from '../../../src/config/config.js';
import { gcpScanner } from '../../../scanners/gcp/index.js';
import { fixtureEstate, KEYS, NOW, TOKEN } from './fixtures.js';
import { optionsFor, serve } from './helpers.js';

const identities = (r: ScanRecord[]) => r.filter((x): x is IdentityRecord => x.type === 'identity');
const credentials = (r: ScanRecord[]) => r.filter((x): x is CredentialRecord => x.type === 'credential');
const grants = (r: ScanRecord[]) => r.filter((x): x is GrantRecord => x.type === 'grant');
const trusts = (r: ScanRecord[]) => r.filter((x): x is TrustRecord => x.type === 'trust');

test('gcp: hierarchy, service accounts, keys, grants, trust and last use through the REST clients', async (t) => {
  const server = await serve(fixtureEstate());
  t.after(() => server.close());
  const res = await assertScannerAcceptance({
    scanner: gcpScanner,
    options: optionsFor(server, { ownerDescriptionPrefix: 'owner:' }),
    now: NOW,
    secrets: [TOKEN],
  });
  t.after(() => res.cleanup());
  const recs = res.records;

  // Every project found through searchProjects; every request carried the token.
  assert.deepEqual(res.targets.filter((x) => x.key !== 'gcp:discovery').map((x) => x.key).sort(), ['gcp:alpha', 'gcp:beta', 'gcp:gamma']);
  assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
  assert.ok(server.requests.some((r) => r.path === '/v3/projects:search'));
  assert.ok(server.requests.some((r) => r.path === '/v3/projects/alpha:getIamPolicy' && r.method === 'POST' && JSON.parse(r.body).options.requestedPolicyVersion === 3));
  assert.ok(server.requests.some((r) => r.path === '/v3/folders/2001:getIamPolicy'));
  assert.ok(server.requests.some((r) => r.path === '/v3/organizations/1001:getIamPolicy'));
  // The organisation and folder policies are read once per scan, not once per project.
  const scans = server.requests.filter((r) => r.path === '/v3/projects:search').length;
  assert.equal(server.requests.filter((r) => r.path === '/v3/organizations/1001:getIamPolicy').length, scans);

  const ids = identities(recs);
  const byId = new Map(ids.map((i) => [i.id, i]));

  // Default accounts marked; a service agent is provider-managed.
  const compute = byId.get('111-compute@developer.gserviceaccount.com')!;
  assert.equal(compute.kind, 'service_account');
  assert.equal(compute.scope, 'gcp:alpha');
  assert.equal(compute.attributes?.defaultServiceAccount, 'compute-engine');
  assert.equal(byId.get('alpha@appspot.gserviceaccount.com')!.attributes?.defaultServiceAccount, 'app-engine');
  const agent = byId.get('service-111@compute-system.iam.gserviceaccount.com')!;
  assert.equal(agent.kind, 'service_agent');
  assert.equal(agent.providerManaged, true);
  assert.equal(byId.get('auditor@alpha.iam.gserviceaccount.com')!.disabled, true);

  // Owners: the description convention first, then the project label; never guessed.
  assert.equal(byId.get('app@alpha.iam.gserviceaccount.com')!.owner, 'web-team');
  assert.equal(byId.get('app@alpha.iam.gserviceaccount.com')!.ownerSource, 'description:owner:');
  assert.equal(compute.owner, 'payments');
  assert.equal(compute.ownerSource, 'label:team');
  assert.equal(byId.get('svc@beta.iam.gserviceaccount.com')!.owner ?? null, null);

  // Last authentication from Policy Analyzer; a project with the API disabled has no last-use data.
  assert.equal(compute.lastUsedSource, 'policy-analyzer');
  assert.equal(compute.lastUsedAt, '2026-05-31T07:00:00.000Z');
  const idle = byId.get('idle@alpha.iam.gserviceaccount.com')!;
  assert.equal(idle.lastUsedAt, new Date(`${new Date(NOW.getTime() - 200 * 86_400_000).toISOString().slice(0, 10)}T07:00:00Z`).toISOString());
  const appEngine = byId.get('alpha@appspot.gserviceaccount.com')!;
  assert.equal(appEngine.lastUsedSource, 'policy-analyzer', 'data exists, never used');
  assert.equal(appEngine.lastUsedAt, null);
  assert.equal(byId.get('svc@beta.iam.gserviceaccount.com')!.lastUsedSource, null);
  assert.equal(byId.get('ci@gamma.iam.gserviceaccount.com')!.lastUsedSource, null);

  // Keys: user-managed ones only, with never-expiring, disabled and expired told apart.
  const creds = new Map(credentials(recs).map((c) => [c.id, c]));
  assert.equal(creds.has(KEYS.system), false, 'system-managed keys are Google-rotated, not credentials');
  assert.equal(byId.get('app@alpha.iam.gserviceaccount.com')!.attributes?.systemManagedKeys, 1);
  assert.equal(byId.get('app@alpha.iam.gserviceaccount.com')!.attributes?.userManagedKeys, 3);
  const old = creds.get(KEYS.oldForever)!;
  assert.equal(old.kind, 'sa_key');
  assert.equal(old.keyId, KEYS.oldForever);
  assert.equal(old.identityId, 'app@alpha.iam.gserviceaccount.com');
  assert.equal(old.status, 'active');
  assert.equal(old.expiresAt, null);
  assert.equal(old.attributes?.neverExpires, true);
  assert.equal(old.attributes?.keyType, 'USER_MANAGED');
  assert.equal(old.lastUsedSource, 'policy-analyzer');
  assert.ok(old.lastUsedAt);
  assert.equal(creds.get(KEYS.disabled)!.status, 'inactive');
  assert.equal(creds.get(KEYS.disabled)!.attributes?.keyOrigin, 'USER_PROVIDED');
  assert.equal(creds.get(KEYS.disabled)!.lastUsedAt, null);
  assert.equal(creds.get(KEYS.expired)!.status, 'expired');
  assert.equal(creds.get(KEYS.ofDisabledAccount)!.status, 'inactive', 'the account is disabled');
  assert.equal(creds.get(KEYS.ofDisabledAccount)!.attributes?.serviceAccountDisabled, true);
  assert.equal(creds.get(KEYS.fresh)!.lastUsedSource, null, 'activity API disabled in beta');

  // Grants: privilege table, inherited bindings, conditions, custom roles.
  const g = grants(recs);
  const find = (id: string, role: string, resource?: string) => g.find((x) => x.identityId === id && x.role === role && (!resource || x.resource === resource));
  const editor = find('111-compute@developer.gserviceaccount.com', 'roles/editor')!;
  assert.equal(editor.privilege, 'admin');
  assert.equal(editor.via, 'direct');
  assert.equal(editor.resource, 'projects/alpha');
  assert.match(editor.evidence ?? '', /actAs/);
  assert.equal(find('ci@gamma.iam.gserviceaccount.com', 'roles/iam.serviceAccountTokenCreator', 'projects/alpha')!.privilege, 'admin');
  const inherited = find('org-admin@gamma.iam.gserviceaccount.com', 'roles/owner', 'organizations/1001')!;
  assert.equal(inherited.via, 'inherited');
  assert.equal(inherited.privilege, 'admin');
  assert.equal(find('app@alpha.iam.gserviceaccount.com', 'roles/storage.objectViewer')!.privilege, 'read');
  const conditional = find('app@alpha.iam.gserviceaccount.com', 'roles/storage.objectAdmin')!;
  assert.equal(conditional.privilege, 'write');
  assert.match(conditional.evidence ?? '', /only when uploads-only: resource\.name\.startsWith/);
  assert.deepEqual(conditional.attributes?.conditions, ['uploads-only: resource.name.startsWith("projects/_/buckets/uploads")']);
  assert.equal(find('app@alpha.iam.gserviceaccount.com', 'projects/alpha/roles/customDeployer')!.privilege, 'unknown');
  assert.equal(find('auditor@alpha.iam.gserviceaccount.com', 'roles/viewer')!.privilege, 'read');
  // A service account of a project outside the estate is kept as a foreign identity.
  assert.equal(byId.get('outside@elsewhere-proj.iam.gserviceaccount.com')?.kind, 'foreign_service_account');

  // Trust: SA-level and project-wide impersonation, wildcard, outside domains, federation.
  const tr = trusts(recs);
  const on = (id: string) => tr.filter((x) => x.identityId === id);
  const app = on('app@alpha.iam.gserviceaccount.com');
  const wildcard = app.find((x) => x.principal === 'allAuthenticatedUsers')!;
  assert.equal(wildcard.risk, 'wildcard');
  assert.equal(wildcard.principalType, 'wildcard');
  assert.equal(wildcard.condition, 'business-hours: request.time.getHours("Europe/Paris") < 18');
  const pinned = app.find((x) => x.principal.startsWith('principalSet://') )!;
  assert.equal(pinned.principalType, 'federated');
  assert.equal(pinned.risk, null);
  // A service account of a project outside the estate may mint tokens for app: external.
  const vendor = app.find((x) => x.principal === 'serviceAccount:robot@vendor-proj.iam.gserviceaccount.com')!;
  assert.equal(vendor.principalType, 'external-account');
  assert.equal(vendor.risk, 'external');
  // Held on the SA and project-wide: one edge, both places named.
  const ciOnApp = app.find((x) => x.principal === 'serviceAccount:ci@gamma.iam.gserviceaccount.com')!;
  assert.deepEqual(ciOnApp.attributes?.grantedOn, ['projects/alpha', 'projects/alpha/serviceAccounts/app@alpha.iam.gserviceaccount.com']);
  assert.equal(ciOnApp.risk, null);
  const unpinned = on('wif@alpha.iam.gserviceaccount.com').find((x) => x.principal.endsWith('/gh/*'))!;
  assert.equal(unpinned.risk, 'unpinned-subject');
  // Project-wide token creator: the CI account (same estate) and an outside vendor, on every SA of alpha.
  for (const sa of ['111-compute@developer.gserviceaccount.com', 'idle@alpha.iam.gserviceaccount.com']) {
    const ci = on(sa).find((x) => x.principal === 'serviceAccount:ci@gamma.iam.gserviceaccount.com')!;
    assert.equal(ci.principalType, 'identity');
    assert.equal(ci.risk, null);
    assert.deepEqual(ci.attributes?.roles, ['roles/iam.serviceAccountTokenCreator']);
    assert.equal(on(sa).find((x) => x.principal === 'user:vendor@partner.example')!.risk, 'external');
    // An outside-domain Owner can act as every account; an inside Owner is not an edge of its own.
    assert.equal(on(sa).find((x) => x.principal === 'user:mallory@other.example')!.risk, 'external');
    assert.equal(on(sa).some((x) => x.principal === 'user:alice@example.com'), false);
    // Inherited from the folder: a consumer account with serviceAccountUser.
    const gmail = on(sa).find((x) => x.principal === 'user:outsider@gmail.com')!;
    assert.equal(gmail.risk, 'external');
    assert.deepEqual(gmail.attributes?.grantedOn, ['folders/2001']);
  }
  // Nothing from the folder reaches beta (not under it).
  assert.equal(on('svc@beta.iam.gserviceaccount.com').some((x) => x.principal === 'user:outsider@gmail.com'), false);

  // Notes name the API and the role; they are not errors.
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  const notes = res.notes.map((n) => `${n.targetKey}: ${n.message}`);
  assert.ok(notes.some((n) => n.startsWith('gcp:beta') && n.includes('policyanalyzer.googleapis.com') && n.includes('not enabled') && n.includes('roles/policyanalyzer.activityAnalysisViewer')), notes.join('\n'));
  assert.ok(notes.some((n) => n.startsWith('gcp:gamma') && n.includes('roles/policyanalyzer.activityAnalysisViewer')), notes.join('\n'));
  assert.equal(notes.filter((n) => n.startsWith('gcp:beta')).length, 1);

  // Rules see it: the default compute account with Editor is God-mode; the 3-year key is long-lived.
  const f = res.findings.map((x) => `${x.ruleId} ${x.identityId ?? ''} ${x.credentialId ?? ''}`);
  assert.ok(f.some((x) => x.startsWith('god-mode 111-compute@developer.gserviceaccount.com')), f.join('\n'));
  assert.ok(f.some((x) => x.startsWith('long-lived app@alpha.iam.gserviceaccount.com') && x.includes(KEYS.oldForever)));
  assert.ok(!f.some((x) => x.includes(KEYS.system)));
  assert.ok(f.some((x) => x.startsWith('stale idle@alpha.iam.gserviceaccount.com')));
  assert.ok(!f.some((x) => x.startsWith('stale service-111') || x.startsWith('unowned service-111')), 'service agents are never stale or unowned');
  assert.ok(f.some((x) => x.startsWith('external-trust app@alpha.iam.gserviceaccount.com')));
});

test('gcp: paging with nextPageToken on search, service accounts and activities', async (t) => {
  const { bigEstate } = await import('./fixtures.js');
  const server = await serve(bigEstate(5, 7), { maxPage: 2 });
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { pageSize: 3 }), now: NOW });
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.equal(res.completedTargets.length, 5);
  assert.equal(identities(res.records).filter((i) => i.kind === 'service_account').length, 35);
  assert.ok(server.requests.filter((r) => r.path === '/v3/projects:search').length >= 3, 'searchProjects followed nextPageToken');
  assert.ok(server.requests.some((r) => r.path.endsWith('/serviceAccounts') && r.query.get('pageToken') === '6'));
  assert.ok(server.requests.some((r) => r.path.endsWith('activities:query') && r.query.get('pageToken') === '4'));
  // Every account got its last use although activities came in pages of two.
  assert.ok(identities(res.records).filter((i) => i.kind === 'service_account').every((i) => i.lastUsedAt));
});

test('gcp: a 403 on one project becomes a scan error naming the permission and role; the rest goes on', async (t) => {
  const server = await serve(fixtureEstate(), {
    deny: (req, op) => {
      if (op === 'projects.getIamPolicy' && req.path.includes('/beta:')) return 'resourcemanager.projects.getIamPolicy';
      if (op === 'serviceAccounts.list' && req.path.includes('/gamma/')) return 'iam.serviceAccounts.list';
      if (op === 'serviceAccounts.keys.list' && req.path.includes('idle@')) return 'iam.serviceAccountKeys.list';
      return null;
    },
  });
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server), now: NOW });
  const errs = res.errors.map((e) => ({ target: e.targetKey, op: e.operation, code: e.code, fix: e.fix ?? '', message: e.message, resource: e.resource }));
  const pol = errs.find((e) => e.op === 'projects.getIamPolicy')!;
  assert.equal(pol.target, 'gcp:beta');
  assert.equal(pol.code, 'permission-denied');
  assert.match(pol.fix, /roles\/iam\.securityReviewer/);
  assert.match(pol.fix, /resourcemanager\.projects\.getIamPolicy/);
  const list = errs.find((e) => e.op === 'serviceAccounts.list')!;
  assert.equal(list.target, 'gcp:gamma');
  assert.match(list.fix, /iam\.serviceAccounts\.list/);
  assert.match(list.fix, /roles\/iam\.securityReviewer/);
  const keys = errs.find((e) => e.op === 'serviceAccounts.keys.list')!;
  assert.equal(keys.target, 'gcp:alpha');
  assert.match(keys.fix, /iam\.serviceAccountKeys\.list/);
  assert.match(keys.resource ?? '', /idle@alpha/);
  // The rest of each project was still read.
  const ids = identities(res.records).map((i) => i.id);
  assert.ok(ids.includes('svc@beta.iam.gserviceaccount.com'), 'beta accounts despite its policy 403');
  assert.ok(ids.includes('idle@alpha.iam.gserviceaccount.com'), 'idle still listed without its keys');
  assert.equal(identities(res.records).find((i) => i.id === 'idle@alpha.iam.gserviceaccount.com')!.attributes?.userManagedKeys, null);
  assert.ok(grants(res.records).some((g) => g.resource === 'projects/gamma' || g.identityId.endsWith('@gamma.iam.gserviceaccount.com')));
  const states = Object.fromEntries(res.targets.map((x) => [x.key, x.state]));
  assert.deepEqual([states['gcp:alpha'], states['gcp:beta'], states['gcp:gamma']], ['partial', 'partial', 'partial']);
});

test('gcp: 429 RESOURCE_EXHAUSTED is retried (fast here) and never aborts the scan', async (t) => {
  const server = await serve(fixtureEstate(), { throttle: { 'projects.search': 2, 'serviceAccounts.list': 2, 'activities.query': 1, 'projects.getIamPolicy': 1 } });
  t.after(() => server.close());
  const started = Date.now();
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { retryBaseMs: 10 }), now: NOW });
  assert.ok(Date.now() - started < 5000);
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  const retries = res.targets.reduce((n, x) => n + x.retries, 0);
  assert.equal(retries, 6);
  assert.equal(server.requests.filter((r) => r.path === '/v3/projects:search').length, 3);
  assert.ok(identities(res.records).some((i) => i.id === 'app@alpha.iam.gserviceaccount.com'));
});

test('gcp: Retry-After is honoured over the backoff, and an older-style 403 rateLimitExceeded is throttling too', async (t) => {
  const server = await serve(fixtureEstate(), { throttle: { 'serviceAccounts.list': 1, 'serviceAccounts.keys.list': 1 }, throttleStyle: '403-rateLimitExceeded', retryAfter: '0.02' });
  t.after(() => server.close());
  const started = Date.now();
  // A 30 s backoff would time the test out: the 20 ms Retry-After is what is waited.
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { retryBaseMs: 30_000 }), now: NOW });
  assert.ok(Date.now() - started < 5000);
  assert.equal(res.errors.length, 0, JSON.stringify(res.errors));
  assert.equal(res.targets.reduce((n, x) => n + x.retries, 0), 2);
});

test('gcp: quota that never clears becomes a throttled scan error, not an abort', async (t) => {
  const server = await serve(fixtureEstate(), { throttle: { 'serviceAccounts.list': 1000 } });
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { retryBaseMs: 1, maxRetries: 2 }), now: NOW });
  const throttled = res.errors.filter((e) => e.code === 'throttled');
  assert.equal(throttled.length, 3);
  assert.match(throttled[0].fix ?? '', /--max-retries|quota/);
  assert.ok(grants(res.records).length > 0, 'policies were still read');
});

test('gcp: --project names projects (projects.get), --org keeps only projects under it', async (t) => {
  const estate = fixtureEstate();
  estate.organizations.push({ id: '7007', domain: 'other.example', createTime: '2020-01-01T00:00:00Z', policy: [] });
  estate.projects.push({ projectId: 'elsewhere', number: '777', parent: 'organizations/7007', createTime: '2020-01-01T00:00:00Z', policy: [], serviceAccounts: [] });
  estate.projects.push({
    projectId: 'solo',
    number: '888',
    parent: '',
    createTime: '2020-01-01T00:00:00Z',
    policy: [{ role: 'roles/iam.serviceAccountUser', members: ['user:bob@somewhere.example'] }],
    serviceAccounts: [{ email: 'job@solo.iam.gserviceaccount.com', uniqueId: '800000000000000000001' }],
  });
  const server = await serve(estate);
  t.after(() => server.close());
  const named = await collect({ scanner: gcpScanner, options: optionsFor(server, { project: ['beta', 'alpha'] }), now: NOW });
  assert.deepEqual(named.completedTargets.sort(), ['gcp:alpha', 'gcp:beta']);
  // A quota project rides on every request, whichever client sent it.
  const before = server.requests.length;
  await collect({ scanner: gcpScanner, options: optionsFor(server, { project: ['beta'], quotaProject: 'billing-proj' }), now: NOW });
  const sent = server.requests.slice(before);
  assert.ok(sent.length > 3);
  for (const r of sent) assert.equal(r.headers['x-goog-user-project'], 'billing-proj', r.path);
  // A project without an organisation: members' domains cannot be judged; a note says how to tell.
  const solo = await collect({ scanner: gcpScanner, options: optionsFor(server, { project: ['solo'] }), now: NOW });
  assert.equal(solo.errors.length, 0, JSON.stringify(solo.errors));
  assert.ok(solo.notes.some((n) => /--domain/.test(n.message)), JSON.stringify(solo.notes));
  assert.equal(trusts(solo.records).find((x) => x.principal === 'user:bob@somewhere.example')?.risk, null);
  const soloDomain = await collect({ scanner: gcpScanner, options: optionsFor(server, { project: ['solo'], domain: ['acme.example'] }), now: NOW });
  assert.equal(trusts(soloDomain.records).find((x) => x.principal === 'user:bob@somewhere.example')?.risk, 'external');
  assert.ok(!soloDomain.notes.some((n) => /--domain/.test(n.message)));
  assert.ok(server.requests.some((r) => r.path === '/v3/projects/beta'));
  assert.equal(identities(named.records).find((i) => i.id === '111-compute@developer.gserviceaccount.com')?.owner, 'payments', 'labels from projects.get');
  const underOrg = await collect({ scanner: gcpScanner, options: optionsFor(server, { org: '1001', skipActivity: true }), now: NOW });
  assert.deepEqual(underOrg.completedTargets.sort(), ['gcp:alpha', 'gcp:beta', 'gcp:gamma']);
  assert.equal(identities(underOrg.records).find((i) => i.id === 'app@alpha.iam.gserviceaccount.com')?.lastUsedSource, null, '--skip-activity');
  assert.ok(!underOrg.completedTargets.includes('gcp:elsewhere'));
});

test('gcp: an unreadable folder is a scan error on the projects below it, which are still scanned', async (t) => {
  const server = await serve(fixtureEstate(), { deny: (req, op) => (op === 'folders.get' ? 'resourcemanager.folders.get' : op === 'folders.getIamPolicy' ? 'resourcemanager.folders.getIamPolicy' : null) });
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { org: '1001' }), now: NOW });
  const alpha = res.errors.filter((e) => e.targetKey === 'gcp:alpha');
  assert.deepEqual(alpha.map((e) => e.operation).sort(), ['folders.get', 'folders.getIamPolicy']);
  assert.match(alpha.find((e) => e.operation === 'folders.getIamPolicy')!.fix ?? '', /roles\/iam\.securityReviewer \(permission resourcemanager\.folders\.getIamPolicy\) on folders\/2001/);
  assert.ok(identities(res.records).some((i) => i.id === 'app@alpha.iam.gserviceaccount.com'));
  assert.deepEqual(res.completedTargets.sort(), ['gcp:beta', 'gcp:gamma']);
});

test('gcp: explainError and configuration', async () => {
  const ex = gcpScanner.explainError!(new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.'));
  assert.equal(ex.code, 'unauthenticated');
  assert.match(ex.fix ?? '', /application-default login/);
  const opts = optionsFor({ url: 'http://127.0.0.1:1', port: 1, requests: [], close: async () => {} });
  assert.equal(gcpScanner.isConfigured({ ...opts, accessToken: undefined, project: [] }, { HOME: '/nonexistent' }, false), false);
  assert.equal(gcpScanner.isConfigured({ ...opts, accessToken: undefined, project: ['p'] }, {}, false), true);
  assert.equal(gcpScanner.isConfigured({ ...opts, accessToken: undefined }, {}, true), true);
  assert.ok(gcpScanner.options.find((o) => o.key === 'accessToken')?.secret);
});

test('gcp: a bad token fails the discovery with an authentication fix', async (t) => {
  const server = await serve(fixtureEstate());
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: { ...optionsFor(server), accessToken: '' , keyFile: '/nonexistent/key.json' }, now: NOW });
  assert.equal(res.errors.length, 1);
  assert.equal(res.errors[0].operation, 'discover targets');
  assert.ok(res.errors[0].fix);
});

test('gcp: an interrupted scan stops promptly and is not reported as API errors', async (t) => {
  const { runPipeline } = await import('../../../src/scan/pipeline.js');
  const { createProtector } = await import('../../../src/secrets/protect.js');
  const { bigEstate } = await import('./fixtures.js');
  const server = await serve(bigEstate(3, 40), { maxPage: 5 });
  t.after(() => server.close());
  const ac = new AbortController();
  const errors: { code: string | null; operation: string | null }[] = [];
  let seen = 0;
  const res = await runPipeline(
    { runs: [{ scanner: gcpScanner, options: optionsFor(server) }], config: defaultConfig(), env: {}, secrets: createProtector(Buffer.alloc(32, 1)), concurrency: 2, signal: ac.signal, now: NOW },
    {
      record: () => {
        if (++seen === 5) ac.abort();
      },
      error: (e) => errors.push({ code: e.code, operation: e.operation }),
    },
  );
  assert.equal(res.aborted, true);
  assert.ok(seen < 120, `stopped after ${seen} records`);
  assert.ok(errors.every((e) => e.code === 'aborted'), JSON.stringify(errors));
});
