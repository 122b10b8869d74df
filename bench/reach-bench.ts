// Reach at scale: a synthetic estate of N identities (default 1,000,000) in AWS-shaped accounts,
// with role chains, cycles, cross-account trusts, account trusts, access keys and leaked keys.
// Phases: derive edges from rows + build the graph, compute reach, then a few chain queries.
// Prints seconds per phase and the peak RSS. `node dist/bench/reach-bench.js [identities]`.
import { computeReach, deriveEdges, graphFromArrays, ReachGraphBuilder, type CredentialInput, type GrantInput, type IdentityInput, type TrustInput } from '../src/reach/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const PER_ACCOUNT = 1000;
const USERS = 300; // per account; the rest are roles
const ACCOUNTS = Math.ceil(N / PER_ACCOUNT);

const acct = (a: number) => String(100000000000 + a);
const user = (a: number, i: number) => `arn:aws:iam::${acct(a)}:user/team-${i % 17}/user-${i}`;
const role = (a: number, i: number) => `arn:aws:iam::${acct(a)}:role/service-${i % 23}/role-${i}`;
const idOf = (a: number, i: number) => (i < USERS ? user(a, i) : role(a, i));
const count = (a: number) => Math.min(PER_ACCOUNT, N - a * PER_ACCOUNT);
const prodAccount = (a: number) => a % 10 === 0;
const key = (a: number, i: number) => ['AK', 'IA', String(a).padStart(6, '0'), String(i).padStart(10, '0')].join('');

function* identities(): Generator<IdentityInput> {
  for (let a = 0; a < ACCOUNTS; a++) {
    for (let i = 0; i < count(a); i++) yield { id: idOf(a, i), provider: 'aws', scope: `aws:${acct(a)}`, kind: i < USERS ? 'iam_user' : 'iam_role', name: `x-${i}`, attributes: {} };
  }
}

function* credentials(): Generator<CredentialInput> {
  for (let a = 0; a < ACCOUNTS; a++) {
    for (let i = 0; i < Math.min(USERS, count(a)); i++) {
      yield { id: key(a, i), identityId: user(a, i), provider: 'aws', kind: 'access_key', name: null, keyId: key(a, i), status: i % 11 === 0 ? 'inactive' : 'active', attributes: {} };
      // One leaked key in a hundred users.
      if (i % 100 === 7) yield { id: `secret:${a}-${i}`, identityId: null, provider: 'repo', kind: 'hardcoded_secret', name: 'AWS key', keyId: key(a, i), status: 'unknown', attributes: {} };
    }
  }
}

function* grants(): Generator<GrantInput> {
  for (let a = 0; a < ACCOUNTS; a++) {
    for (let i = 0; i < count(a); i++) {
      // Admin: the last role of each 50-role block; write: one in three; the rest read.
      const privilege = i >= USERS && i % 50 === 49 ? 'admin' : i % 3 === 0 ? 'write' : 'read';
      yield { identityId: idOf(a, i), provider: 'aws', resource: `aws:${acct(a)}`, role: `policy-${privilege}`, privilege, via: 'direct', evidence: null, attributes: {} };
    }
  }
}

function* trusts(): Generator<TrustInput> {
  for (let a = 0; a < ACCOUNTS; a++) {
    const n = count(a);
    for (let i = USERS; i < n; i++) {
      const r = role(a, i);
      // Chains: each role trusts the previous role of its 50-role block, or a user at a block's start.
      const prev = i % 50 === USERS % 50 ? user(a, i % USERS) : role(a, i - 1);
      yield { identityId: r, provider: 'aws', principal: prev, principalType: 'identity', condition: null, attributes: { account: acct(a) } };
      // A user of the account trusted directly as well.
      yield { identityId: r, provider: 'aws', principal: user(a, (i * 7) % USERS), principalType: 'identity', condition: null, attributes: { account: acct(a) } };
      // Cycles: every 25th role is trusted back by a later role of its block.
      if (i % 25 === 0 && i + 10 < n) yield { identityId: r, provider: 'aws', principal: role(a, i + 10), principalType: 'identity', condition: null, attributes: { account: acct(a) } };
      // Cross-account: every 100th role trusts a role of the next account.
      if (i % 100 === 0 && a + 1 < ACCOUNTS) yield { identityId: r, provider: 'aws', principal: role(a + 1, i + 1), principalType: 'identity', condition: null, attributes: { account: acct(a + 1) } };
      // Account trusts.
      if (i % 100 === 1) yield { identityId: r, provider: 'aws', principal: `arn:aws:iam::${acct(a)}:root`, principalType: 'account', condition: null, attributes: { account: acct(a) } };
    }
  }
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

const t0 = process.hrtime.bigint();
const b = new ReachGraphBuilder();
function* tap(g: Iterable<GrantInput>): Generator<GrantInput> {
  for (const x of g) {
    b.addPrivilege(x.identityId, x.privilege, prodAccount(Number(x.resource.slice(4)) - 100000000000));
    yield x;
  }
}
let edges = 0;
for (const e of deriveEdges({ identities: identities(), credentials: credentials(), grants: tap(grants()), trusts: trusts() })) {
  // Evidence stays in the edge rows (the inventory's edges table); the graph keeps the row index.
  if (b.addEdge(e.from, e.to, e.mechanism)) edges++;
}
const graph = b.build();
const tBuild = secs(t0);

const t1 = process.hrtime.bigint();
const reach = computeReach(graph);
const tReach = secs(t1);

const t2 = process.hrtime.bigint();
let admins = 0;
let prod = 0;
for (const _ of reach.reached('admin')) admins++;
for (const _ of reach.reached('prod-write')) prod++;
const leak = `ext:credential:secret:0-7`;
const leakReach = reach.strongest(leak);
const who = reach.reachersOf(role(0, 349), 1000);
const tQuery = secs(t2);

// The path for stored rows that reference nodes by integer: no string hashed per edge.
const t3 = process.hrtime.bigint();
const again = graphFromArrays({ ids: graph.ids, index: graph.index, from: graph.from, to: graph.to, mech: graph.mech, level: graph.level, prodLevel: graph.prodLevel });
const tArrays = secs(t3);
if (again.edgeCount !== graph.edgeCount) throw new Error('integer rebuild lost edges');

const peak = process.resourceUsage().maxRSS;
console.log(`identities ${N.toLocaleString('en')}, nodes ${graph.nodeCount.toLocaleString('en')}, edges ${edges.toLocaleString('en')}`);
console.log(`derive + build: ${tBuild.toFixed(2)} s`);
console.log(`reach (5 layers, maxDepth 6): ${tReach.toFixed(2)} s`);
console.log(`graph from integer arrays (stored rows by node number): ${tArrays.toFixed(2)} s`);
console.log(`queries: ${tQuery.toFixed(2)} s (reach admin through a chain: ${admins.toLocaleString('en')}; reach write in production: ${prod.toLocaleString('en')})`);
console.log(`leaked key ${leak}: ${leakReach.privilege} in ${leakReach.hops} hops: ${leakReach.chain.map((h) => h.mechanism).join(' → ')}`);
console.log(`reachers of ${role(0, 349)}: ${who.length}`);
console.log(`total ${(tBuild + tReach).toFixed(2)} s; peak RSS ${mb(peak)}`);
