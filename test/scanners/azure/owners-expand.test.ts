// Owners come inline from the application and service principal lists ($expand=owners), through
// the real SDK pipeline against the local Graph, which expands the way Graph v1.0 documents it
// for directory objects: 20 owners at most per object, list pages of 100 at most. Only an
// object listed at that cap (its list may be cut) gets its own owners read, paged.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalServer, type LocalRequest, type LocalServer } from '../../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { azureScanner } from '../../../scanners/azure/index.js';
import { gid, type AzureEstate } from '../../../scanners/azure/demo/estate.js';
import { azureHandler, type BaseHolder } from '../../../scanners/azure/demo/server.js';
import type { IdentityRecord } from '../../../src/model/records.js';
import { runScanner, type FaultRun } from '../../faults/run.js';
import { withApplications } from './many-apps.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

const N = 300;
const user = (prefix: string, i: number) => ({ '@odata.type': '#microsoft.graph.user', id: gid(prefix, i), displayName: `Owner ${prefix} ${i}`, userPrincipalName: `o${i}.${prefix}@owners.example` });
const people = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => user(prefix, i));

/** The demo tenant plus N registered applications, each with its service principal and one owner. */
function tenant(apps: number): AzureEstate {
  const { estate: e, objectId } = withApplications(apps, ['e0e0e0e0', 'e1e1e1e1', 'e2e2e2e2'], 'owned-app');
  for (let i = 0; i < apps; i++) e.graph.owners[objectId(i)] = [user('e3e3e3e3', i % 7)];
  return e;
}

async function scan(e: AzureEstate, graphPageSize: number): Promise<{ requests: LocalRequest[]; run: FaultRun }> {
  const holder: BaseHolder = { base: '' };
  const server = await startLocalServer(azureHandler(e, holder, { graphPageSize }));
  holder.base = `https://127.0.0.1:${server.port}`;
  servers.push(server);
  const options = resolveScannerOptions(azureScanner, {
    flags: { tenant: e.tenantId, armEndpoint: holder.base, graphEndpoint: holder.base, accessToken: 'owners-test-token', emulator: true, retryDelayMs: 10, maxRetries: 1, skipSignInActivity: true },
    env: {},
    section: undefined,
  });
  const run = await runScanner(azureScanner, options);
  return { requests: server.requests.filter((r) => r.path.startsWith('/v1.0/') || r.path.startsWith('/beta/')), run };
}

const identity = (run: FaultRun, id: string) => run.records.find((r): r is IdentityRecord => r.type === 'identity' && r.id === id.toLowerCase());
const ownerReads = (requests: LocalRequest[]) => requests.filter((r) => /\/owners$/.test(r.path));

describe('azure owners from the lists ($expand=owners)', () => {
  // Application 0 is at the cap (20), application 1 just under it (19), application 2 over it (25).
  const e = tenant(N);
  e.graph.owners[gid('e1e1e1e1', 0)] = people('f0f0f0f0', 20);
  e.graph.owners[gid('e1e1e1e1', 1)] = people('f1f1f1f1', 19);
  e.graph.owners[gid('e1e1e1e1', 2)] = people('f2f2f2f2', 25);
  e.graph.owners[gid('e2e2e2e2', 2)] = people('f3f3f3f3', 21);
  const scanned = scan(e, 999);

  it('takes owners under the cap from the list: no owners request for them', async () => {
    const { requests, run } = await scanned;
    assert.deepEqual(run.errors, []);
    for (let i = 3; i < N; i += 50) {
      assert.equal(identity(run, gid('e2e2e2e2', i))?.owner, `o${i % 7}.e3e3e3e3@owners.example`);
    }
    assert.equal(identity(run, gid('e2e2e2e2', 1))?.attributes?.owners && (identity(run, gid('e2e2e2e2', 1))!.attributes!.owners as string[]).length, 19);
    const perObject = ownerReads(requests).map((r) => r.path);
    assert.deepEqual(perObject.sort(), [`/v1.0/applications/${gid('e1e1e1e1', 0)}/owners`, `/v1.0/applications/${gid('e1e1e1e1', 2)}/owners`, `/v1.0/servicePrincipals/${gid('e2e2e2e2', 2)}/owners`].sort());
  });

  it('reads the whole owner list of an object listed at the cap of 20', async () => {
    const { run } = await scanned;
    const atCap = identity(run, gid('e2e2e2e2', 0))?.attributes?.owners as string[];
    assert.equal(atCap.length, 20);
    const over = identity(run, gid('e2e2e2e2', 2))?.attributes?.owners as string[];
    assert.equal(over.length, 25 + 21, 'the application owners and its service principal owners, none cut at 20');
    assert.ok(over.includes('o24.f2f2f2f2@owners.example') && over.includes('o20.f3f3f3f3@owners.example'));
  });

  it('asks Graph only what v1.0 accepts with $expand, in pages of at most 100', async () => {
    const { requests } = await scanned;
    const expanded = requests.filter((r) => r.query.has('$expand'));
    assert.ok(expanded.length > 0);
    for (const r of expanded) {
      assert.match(r.path, /^\/v1\.0\/(applications|servicePrincipals)$/);
      assert.equal(r.query.get('$expand'), 'owners($select=id,displayName,userPrincipalName,mail)');
      assert.equal(r.query.get('$select'), 'id', 'the expanded lists leave keyCredentials to the 999-object lists');
      assert.ok(!r.query.has('$count') && !r.query.has('$filter') && !r.query.has('$search'), `${r.path}?${r.query}`);
      assert.ok(Number(r.query.get('$top')) <= 100);
    }
    const appPages = expanded.filter((r) => r.path === '/v1.0/applications').length;
    assert.equal(appPages, Math.ceil(e.graph.applications.length / 100), 'one request per 100 applications');
  });

  it('costs about one request per page of 100 for owners, not one per application', async () => {
    const { requests } = await scanned;
    const ownersCost = requests.filter((r) => r.query.has('$expand') || /\/owners$/.test(r.path)).length;
    const pages = Math.ceil(e.graph.applications.length / 100) + Math.ceil(e.graph.servicePrincipals.length / 100);
    assert.equal(ownersCost, pages + 3, `owners took ${ownersCost} requests for ${N} applications`);
    // Nothing is read per application any more: it has no federated credential either.
    const perApp = requests.filter((r) => r.path.includes(gid('e1e1e1e1', 5)) || r.path.includes(gid('e2e2e2e2', 5)));
    assert.deepEqual(perApp.map((r) => r.path), []);
  });
});

describe('azure owners of an object at the cap', () => {
  it('pages through its own owners read (Graph pages it like any list)', async () => {
    const e = tenant(3);
    e.graph.owners[gid('e1e1e1e1', 1)] = people('f4f4f4f4', 23);
    const { requests, run } = await scan(e, 10);
    assert.deepEqual(run.errors, []);
    const reads = ownerReads(requests).filter((r) => r.path === `/v1.0/applications/${gid('e1e1e1e1', 1)}/owners`);
    assert.equal(reads.length, 3, '23 owners in pages of 10');
    assert.equal((identity(run, gid('e2e2e2e2', 1))?.attributes?.owners as string[]).length, 23);
    // With pages of 10, the expanded lists were cut at 10 objects a page too, and nothing was lost.
    for (let i = 0; i < 3; i++) assert.ok(identity(run, gid('e2e2e2e2', i))?.owner);
  });
});
