// Federated credentials come from one advanced-query list that names the applications holding
// any ($filter=federatedIdentityCredentials/$count ne 0, ConsistencyLevel: eventual, $count=true),
// then one read for each of those only, or, when holders outnumber the pages of 100 applications,
// from the list with $expand=federatedIdentityCredentials (20 at most per application, so one
// listed with 20 gets its own read). Through the real SDK pipeline against the local Graph, which
// applies the filter and the expansion and refuses them the way Graph does. A refused list falls
// back to one read per application, with a note, and still loses nothing.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalServer, type LocalRequest, type LocalServer } from '../../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { azureScanner } from '../../../scanners/azure/index.js';
import { gid, type AzureEstate } from '../../../scanners/azure/demo/estate.js';
import { azureHandler, type BaseHolder, type HookResult } from '../../../scanners/azure/demo/server.js';
import type { CredentialRecord } from '../../../src/model/records.js';
import { runScanner, type FaultRun } from '../../faults/run.js';
import { withApplications } from './many-apps.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

const N = 1000;
const fic = (app: number, i: number) => ({
  id: gid('fdfdfdfd', app * 100 + i),
  name: `deploy-${app}-${i}`,
  issuer: 'https://token.actions.githubusercontent.com',
  subject: `repo:acme/app-${app}:environment:env-${i}`,
  description: null,
  audiences: ['api://AzureADTokenExchange'],
});

/** The demo tenant plus N registered applications; applications 0, 1 and 2 hold 25, 1 and 20 federated credentials. */
function tenant(apps = N): AzureEstate {
  const { estate: e } = withApplications(apps, ['d0d0d0d0', 'd1d1d1d1', 'd2d2d2d2'], 'fed-app');
  e.graph.federated[gid('d1d1d1d1', 0)] = Array.from({ length: 25 }, (_, i) => fic(0, i));
  e.graph.federated[gid('d1d1d1d1', 1)] = [fic(1, 0)];
  e.graph.federated[gid('d1d1d1d1', 2)] = Array.from({ length: 20 }, (_, i) => fic(2, i));
  return e;
}

type Hook = (req: LocalRequest) => HookResult | undefined;

async function serve(e: AzureEstate, hook?: Hook, graphPageSize = 10): Promise<{ server: LocalServer; base: string }> {
  const holder: BaseHolder = { base: '' };
  const server = await startLocalServer(azureHandler(e, holder, { graphPageSize, hook }));
  holder.base = `https://127.0.0.1:${server.port}`;
  servers.push(server);
  return { server, base: holder.base };
}

async function scan(e: AzureEstate, hook?: Hook, graphPageSize = 10): Promise<{ requests: LocalRequest[]; run: FaultRun }> {
  const { server, base } = await serve(e, hook, graphPageSize);
  const options = resolveScannerOptions(azureScanner, {
    flags: { tenant: e.tenantId, armEndpoint: base, graphEndpoint: base, accessToken: 'federated-test-token', emulator: true, retryDelayMs: 10, maxRetries: 1, skipSignInActivity: true },
    env: {},
    section: undefined,
  });
  const run = await runScanner(azureScanner, options);
  return { requests: server.requests.filter((r) => r.path.startsWith('/v1.0/') || r.path.startsWith('/beta/')), run };
}

const ficReads = (requests: LocalRequest[]) => requests.filter((r) => /\/federatedIdentityCredentials$/.test(r.path));
const filtered = (requests: LocalRequest[]) => requests.filter((r) => r.path === '/v1.0/applications' && r.query.has('$filter'));
const expanded = (requests: LocalRequest[]) => requests.filter((r) => r.path === '/v1.0/applications' && r.query.get('$expand') === 'federatedIdentityCredentials');
const federatedOf = (run: FaultRun, spIndex: number) =>
  run.records.filter((r): r is CredentialRecord => r.type === 'credential' && r.kind === 'federated_credential' && r.identityId === gid('d2d2d2d2', spIndex)).map((r) => r.id).sort();
const holders = (e: AzureEstate) => Object.entries(e.graph.federated).filter(([, l]) => l.length > 0).map(([id]) => id);

describe('azure federated credentials from the filtered application list', () => {
  const e = tenant();
  const scanned = scan(e);

  it('loses no federated credential, whatever the number per application', async () => {
    const { run } = await scanned;
    assert.deepEqual(run.errors, []);
    assert.deepEqual(federatedOf(run, 0), Array.from({ length: 25 }, (_, i) => gid('fdfdfdfd', i)).sort(), '25: more than any expansion cap, paged');
    assert.deepEqual(federatedOf(run, 1), [gid('fdfdfdfd', 100)]);
    assert.equal(federatedOf(run, 2).length, 20);
    const seen = new Set(run.records.filter((r) => r.type === 'credential' && r.kind === 'federated_credential').map((r) => (r as CredentialRecord).id));
    const served = Object.values(e.graph.federated).flat().map((f) => String(f.id).toLowerCase());
    assert.deepEqual(served.filter((id) => !seen.has(id)), [], 'every credential of every application (demo ones included)');
  });

  it('reads federated credentials only of the applications the list names', async () => {
    const { requests } = await scanned;
    const read = [...new Set(ficReads(requests).map((r) => r.path.split('/')[3]))].sort();
    assert.deepEqual(read, holders(e).sort());
    // 1,000 applications, 3 of them (and a few demo ones) with credentials: not 1,000+ requests.
    const cost = filtered(requests).length + ficReads(requests).length;
    const pagesOf = (id: string) => Math.max(1, Math.ceil(e.graph.federated[id].length / 10));
    assert.equal(cost, Math.ceil(holders(e).length / 10) + holders(e).reduce((n, id) => n + pagesOf(id), 0), `federated credentials took ${cost} requests for ${e.graph.applications.length} applications`);
    assert.ok(cost < 30, `${cost}`);
    assert.equal(expanded(requests).length, 0, 'fewer holders than pages of 100 applications: no expanded list');
  });

  it('sends the list as the advanced query Graph documents: ConsistencyLevel eventual, $count=true, no $expand', async () => {
    const { requests } = await scanned;
    const list = filtered(requests);
    assert.ok(list.length > 0);
    for (const r of list) {
      assert.equal(r.query.get('$filter'), 'federatedIdentityCredentials/$count ne 0');
      assert.equal(r.query.get('$count'), 'true');
      assert.equal(r.query.get('$select'), 'id');
      assert.equal(String(r.headers.consistencylevel), 'eventual', 'every page, next links included');
      assert.ok(!r.query.has('$expand'));
    }
  });
});

/** 300 applications, 60 more of them holding one credential each: more holders than pages of 100. */
function manyHolders(): AzureEstate {
  const e = tenant(300);
  for (let i = 10; i < 70; i++) e.graph.federated[gid('d1d1d1d1', i)] = [fic(i, 0)];
  return e;
}

describe('azure federated credentials expanded in the list when many applications hold them', () => {
  const e = manyHolders();
  const scanned = scan(e, undefined, 999);

  it('loses none: an application listed at the cap of 20 gets its own read', async () => {
    const { run } = await scanned;
    assert.deepEqual(run.errors, []);
    assert.equal(federatedOf(run, 0).length, 25);
    assert.equal(federatedOf(run, 2).length, 20);
    assert.deepEqual(federatedOf(run, 1), [gid('fdfdfdfd', 100)]);
    for (let i = 10; i < 70; i += 7) assert.deepEqual(federatedOf(run, i), [gid('fdfdfdfd', i * 100)]);
    const seen = new Set(run.records.filter((r) => r.type === 'credential' && r.kind === 'federated_credential').map((r) => (r as CredentialRecord).id));
    assert.deepEqual(Object.values(e.graph.federated).flat().map((f) => String(f.id).toLowerCase()).filter((id) => !seen.has(id)), []);
  });

  it('costs a page per 100 applications and a read per application at the cap, not one per holder', async () => {
    const { requests } = await scanned;
    const pages = expanded(requests);
    assert.equal(pages.length, Math.ceil(e.graph.applications.length / 100));
    for (const r of pages) {
      assert.equal(r.query.get('$select'), 'id');
      assert.equal(r.query.get('$top'), '100');
      assert.ok(!r.query.has('$count') && !r.query.has('$filter'), `${r.query}`);
    }
    assert.deepEqual(ficReads(requests).map((r) => r.path).sort(), [gid('d1d1d1d1', 0), gid('d1d1d1d1', 2)].map((id) => `/v1.0/applications/${id}/federatedIdentityCredentials`).sort());
    const cost = filtered(requests).length + pages.length + ficReads(requests).length;
    assert.ok(cost < holders(e).length / 5, `${cost} requests for ${holders(e).length} holders`);
  });

  it('reads each holder on its own, with a note, when the expanded list is refused', async () => {
    const refuse: Hook = (req) => (req.query.get('$expand') === 'federatedIdentityCredentials' ? { status: 400, body: { error: { code: 'Request_BadRequest', message: 'Expand not supported.' } } } : undefined);
    const { requests, run } = await scan(manyHolders(), refuse, 999);
    assert.deepEqual(run.errors, []);
    assert.ok(run.notes.some((n) => /could not be listed with \$expand/.test(n.message)), run.notes.map((n) => n.message).join('\n'));
    assert.equal(new Set(ficReads(requests).map((r) => r.path)).size, holders(e).length);
    assert.equal(federatedOf(run, 0).length, 25);
    assert.equal(federatedOf(run, 40).length, 1);
  });
});

describe('the local Graph refuses the filter the way Graph does', () => {
  it('without ConsistencyLevel: eventual or without $count=true, and on an unknown filter', async () => {
    const e = tenant();
    const { base } = await serve(e);
    const plain = base.replace('https:', 'http:');
    const get = (query: string, headers: Record<string, string> = {}) => fetch(`${plain}/v1.0/applications?${query}`, { headers: { authorization: 'Bearer t', ...headers } });
    const filter = `$filter=${encodeURIComponent('federatedIdentityCredentials/$count ne 0')}`;
    assert.equal((await get(`${filter}&$count=true`)).status, 400);
    assert.equal((await get(filter, { ConsistencyLevel: 'eventual' })).status, 400);
    assert.equal((await get(`$filter=${encodeURIComponent("displayName eq 'x'")}`)).status, 400);
    assert.equal((await get(`${filter}&$count=true&$expand=owners`, { ConsistencyLevel: 'eventual' })).status, 400);
    assert.equal((await get('$expand=owners,federatedIdentityCredentials')).status, 400, 'two expansions in one request are not documented');
    assert.equal((await get('$expand=federatedIdentityCredentials($select=id)')).status, 400, 'nested $select is documented for owners only');
    const ok = await get(`${filter}&$count=true&$select=id`, { ConsistencyLevel: 'eventual' });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { '@odata.count': number; value: { id: string }[] };
    assert.equal(body['@odata.count'], holders(e).length);
  });
});

describe('azure federated credentials when the filtered list is refused', () => {
  it('falls back to one read per application, says so in a note, and loses nothing', async () => {
    const e = tenant();
    // Azure AD B2C tenants, for one, answer no $count.
    const refuse = (req: LocalRequest): HookResult | undefined =>
      req.path === '/v1.0/applications' && req.query.has('$filter') ? { status: 400, body: { error: { code: 'Request_UnsupportedQuery', message: 'Unsupported Query.' } } } : undefined;
    const { requests, run } = await scan(e, refuse);
    assert.deepEqual(run.errors, []);
    const note = run.notes.find((n) => /federated credentials could not be listed/.test(n.message));
    assert.ok(note, run.notes.map((n) => n.message).join('\n'));
    assert.match(note.message, /400 Request_UnsupportedQuery/);
    const read = new Set(ficReads(requests).map((r) => r.path.split('/')[3]));
    assert.equal(read.size, e.graph.applications.length, 'every application read one by one');
    assert.equal(federatedOf(run, 0).length, 25);
    assert.equal(federatedOf(run, 2).length, 20);
  });
});
