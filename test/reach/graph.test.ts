// The compact graph: interning, both adjacency directions, and edges read back as they went in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeReach, formatChain, graphFromArrays, MECHANISMS, ReachGraphBuilder } from '../../src/reach/index.js';

test('graph: CSR adjacency lists every edge once in each direction; self-loops add nothing', () => {
  const b = new ReachGraphBuilder();
  b.addEdge('a', 'b', 'may-assume', 'a→b');
  b.addEdge('a', 'c', 'mint-token', 'a→c');
  b.addEdge('c', 'b', 'impersonate', 'c→b');
  b.addEdge('b', 'b', 'may-assume', 'self');
  const g = b.build();
  assert.equal(g.nodeCount, 3);
  assert.equal(g.edgeCount, 3);
  const out = (id: string) => {
    const n = g.index.get(id) as number;
    return [...g.outEdges.subarray(g.outStart[n], g.outStart[n + 1])].map((e) => g.edge(e).to).sort();
  };
  const inn = (id: string) => {
    const n = g.index.get(id) as number;
    return [...g.inEdges.subarray(g.inStart[n], g.inStart[n + 1])].map((e) => g.edge(e).from).sort();
  };
  assert.deepEqual(out('a'), ['b', 'c']);
  assert.deepEqual(inn('b'), ['a', 'c']);
  assert.deepEqual(g.edge(1), { from: 'a', to: 'c', mechanism: 'mint-token', evidence: 'a→c' });
});

test('graph: the shortest chain wins over a longer one to a nearer-looking holder', () => {
  const b = new ReachGraphBuilder();
  b.addEdge('start', 'x1', 'may-assume', '');
  b.addEdge('x1', 'x2', 'may-assume', '');
  b.addEdge('x2', 'admin', 'may-assume', '');
  b.addEdge('start', 'admin', 'mint-token', 'direct');
  b.addPrivilege('admin', 'admin');
  const r = computeReach(b.build()).strongest('start');
  assert.equal(r.hops, 1);
  assert.equal(r.chain[0]?.evidence, 'direct');
  assert.equal(r.holder, 'admin');
});

test('graph: an unknown node reaches nothing and nobody reaches it', () => {
  const r = computeReach(new ReachGraphBuilder().build());
  assert.equal(r.strongest('nope').privilege, null);
  assert.deepEqual(r.reachersOf('nope'), []);
  assert.deepEqual(r.reachOf('nope', () => []), { reachable: [], scopes: [] });
});

test('graph: a long cycle bigger than the depth bound ends, and maxDepth 0 keeps only own privilege', () => {
  const b = new ReachGraphBuilder();
  for (let i = 0; i < 20; i++) b.addEdge(`n${i}`, `n${(i + 1) % 20}`, 'may-assume', '');
  b.addPrivilege('n10', 'write');
  const g = b.build();
  assert.equal(computeReach(g).hops('n4', 'write'), 6);
  assert.equal(computeReach(g).hops('n3', 'write'), null);
  assert.equal(computeReach(g, { maxDepth: 0 }).hops('n9', 'write'), null);
  assert.equal(computeReach(g, { maxDepth: 0 }).hops('n10', 'write'), 0);
});

test('graph: a chain reads as one line per hop, with its evidence', () => {
  const b = new ReachGraphBuilder();
  b.addEdge('user', 'mid', 'may-assume', 'trust of mid names user');
  b.addEdge('mid', 'admin', 'mint-token', '');
  b.addPrivilege('admin', 'admin');
  const r = computeReach(b.build());
  assert.deepEqual(formatChain('user', r.strongest('user').chain), ['1. user may assume mid — trust of mid names user', '2. mid may mint tokens for admin']);
  assert.deepEqual(formatChain('admin', r.strongest('admin').chain), ['admin holds it directly']);
});

test('graph: built from integer arrays (stored rows) it answers like the builder', () => {
  const g = graphFromArrays({
    ids: ['user', 'mid', 'admin'],
    from: Int32Array.from([0, 1]),
    to: Int32Array.from([1, 2]),
    mech: Uint8Array.from([MECHANISMS.indexOf('may-assume'), MECHANISMS.indexOf('may-assume')]),
    level: Uint8Array.from([1, 0, 3]),
  });
  const r = computeReach(g).strongest('user');
  assert.equal(r.privilege, 'admin');
  assert.deepEqual(r.chain.map((h) => [h.edge, h.to]), [
    [0, 'mid'],
    [1, 'admin'],
  ]);
});

test('graph: evidence kept outside the heap comes back exactly, in any script and past the first buffer', () => {
  const b = new ReachGraphBuilder();
  const texts = ['trust policy of rôle « prod » names ci-déployeur', '', 'ключ 🔑 of 管理者', 'x'.repeat(70_000)];
  for (let i = 0; i < 2_000; i++) b.addEdge(`n${i}`, `n${i + 1}`, 'may-assume', texts[i % texts.length]);
  b.addEdge('n0', 'n5', 'may-assume'); // no evidence given
  const g = b.build();
  for (let i = 0; i < 2_000; i += 137) assert.equal(g.edge(i).evidence, texts[i % texts.length]);
  assert.equal(g.edge(2_000).evidence, '');
  assert.equal(g.edge(1_999).to, 'n2000');
});

test('reachFromRows: a holder keeps its strongest grant anywhere and in production, its grants adjacent or not', async () => {
  const { reachFromRows } = await import('../../src/reach/index.js');
  const g = (identityId: string, privilege: string, resource: string) => ({ identityId, provider: 'gcp', resource, role: 'r', privilege, via: 'direct', evidence: null }) as never;
  const { reach } = reachFromRows(
    {
      identities: [],
      credentials: [],
      // a: read in prod, admin in dev, then (after b) write in prod; b: only a grant of unknown strength.
      grants: [g('a', 'read', 'prod-1'), g('a', 'admin', 'dev-1'), g('b', 'unknown', 'prod-1'), g('a', 'write', 'prod-1'), g('c', 'read', 'dev-1')],
      trusts: [
        { identityId: 'a', provider: 'gcp', principal: 'serviceAccount:x', principalType: 'identity', condition: null, attributes: { roles: ['roles/iam.serviceAccountTokenCreator'] } },
        { identityId: 'b', provider: 'gcp', principal: 'serviceAccount:y', principalType: 'identity', condition: null, attributes: { roles: ['roles/iam.serviceAccountTokenCreator'] } },
        { identityId: 'c', provider: 'gcp', principal: 'serviceAccount:z', principalType: 'identity', condition: null, attributes: { roles: ['roles/iam.serviceAccountTokenCreator'] } },
      ] as never,
    },
    { isProduction: (resource) => resource.startsWith('prod') },
  );
  assert.equal(reach.strongest('x').privilege, 'admin');
  assert.equal(reach.production('x')?.privilege, 'write', 'the later write grant in production counts though other grants came between');
  assert.equal(reach.strongest('y').privilege, null, 'a grant of unknown strength gives nothing to reach');
  assert.equal(reach.strongest('z').privilege, 'read');
  assert.equal(reach.production('z'), null, 'read in a non-production scope is not production reach');
});
