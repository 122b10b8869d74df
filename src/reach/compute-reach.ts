// Effective reach: from every node, the strongest privilege some node within maxDepth hops holds,
// and the shortest chain to it. One breadth-first search per level runs backwards from all the
// holders at once (admin, then write, then read; and write-or-admin in production), so the cost
// is a few passes over the edges whatever the number of identities. Chains are rebuilt on demand
// from one "next edge towards the nearest holder" per node.
import type { ReachEdge } from './edges-types.js';
import { LEVEL, LEVEL_NAME, type ReachGraph } from './reach-graph.js';
import { ASSUMABLE_ROLE_VIA } from './derive-edges.js';

export const DEFAULT_MAX_DEPTH = 6;
const UNREACHED = 255;

export type ReachLayer = 'admin' | 'write' | 'read' | 'prod-admin' | 'prod-write';
export const LAYERS: readonly ReachLayer[] = ['admin', 'write', 'read', 'prod-admin', 'prod-write'];

export interface ReachOptions {
  /** Longest chain followed, in hops (edges). Default 6; at most 254. */
  maxDepth?: number;
}

export interface Hop extends ReachEdge {
  /** 1-based position in the chain. */
  step: number;
  /** The edge's index in insertion order: its row in a stored edge table, for evidence kept there. */
  edge: number;
}

export interface ReachResult {
  /** The strongest privilege reachable within maxDepth (own grants count, at 0 hops). */
  privilege: 'admin' | 'write' | 'read' | null;
  /** Hops to the nearest holder of that privilege: 0 when the node holds it itself. */
  hops: number;
  /** The holder at the end of the chain. */
  holder: string | null;
  chain: Hop[];
}

/** A multi-source backward BFS: dist[v] hops from v to the nearest source, next[v] the edge to take. */
function backward(g: ReachGraph, isSource: (n: number) => boolean, maxDepth: number): { dist: Uint8Array; next: Int32Array } {
  const n = g.nodeCount;
  const dist = new Uint8Array(n).fill(UNREACHED);
  const next = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let v = 0; v < n; v++) {
    if (isSource(v)) {
      dist[v] = 0;
      queue[tail++] = v;
    }
  }
  const { inStart, inEdges, from } = g;
  for (let head = 0; head < tail; head++) {
    const u = queue[head] as number;
    const d = (dist[u] as number) + 1;
    if (d > maxDepth) continue;
    for (let i = inStart[u] as number, end = inStart[u + 1] as number; i < end; i++) {
      const e = inEdges[i] as number;
      const v = from[e] as number;
      if (dist[v] !== UNREACHED) continue; // visited: keeps cycles finite and chains shortest
      dist[v] = d;
      next[v] = e;
      queue[tail++] = v;
    }
  }
  return { dist, next };
}

export class Reach {
  private readonly layers = new Map<ReachLayer, { dist: Uint8Array; next: Int32Array }>();

  constructor(
    readonly graph: ReachGraph,
    readonly maxDepth: number,
  ) {
    const { level, prodLevel } = graph;
    this.layers.set('admin', backward(graph, (v) => (level[v] as number) >= LEVEL.admin, maxDepth));
    this.layers.set('write', backward(graph, (v) => (level[v] as number) >= LEVEL.write, maxDepth));
    this.layers.set('read', backward(graph, (v) => (level[v] as number) >= LEVEL.read, maxDepth));
    this.layers.set('prod-admin', backward(graph, (v) => (prodLevel[v] as number) >= LEVEL.admin, maxDepth));
    this.layers.set('prod-write', backward(graph, (v) => (prodLevel[v] as number) >= LEVEL.write, maxDepth));
  }

  private nodeOf(id: string): number {
    return this.graph.index.get(id) ?? -1;
  }

  /** Hops from the node to the nearest holder of the layer's privilege, or null when none within maxDepth. */
  hops(id: string, layer: ReachLayer): number | null {
    const v = this.nodeOf(id);
    if (v < 0) return null;
    const d = this.layers.get(layer)!.dist[v] as number;
    return d === UNREACHED ? null : d;
  }

  /** The chain from the node to the nearest holder of the layer's privilege ([] when it holds it, or reaches none). */
  chain(id: string, layer: ReachLayer): Hop[] {
    const v0 = this.nodeOf(id);
    if (v0 < 0) return [];
    const { dist, next } = this.layers.get(layer)!;
    const hops: Hop[] = [];
    for (let v = v0; dist[v] !== UNREACHED && (dist[v] as number) > 0; ) {
      const e = next[v] as number;
      hops.push({ step: hops.length + 1, edge: e, ...this.graph.edge(e) });
      v = this.graph.to[e] as number;
    }
    return hops;
  }

  private holderOf(id: string, layer: ReachLayer): string | null {
    const v0 = this.nodeOf(id);
    if (v0 < 0) return null;
    const { dist, next } = this.layers.get(layer)!;
    let v = v0;
    if (dist[v] === UNREACHED) return null;
    while ((dist[v] as number) > 0) v = this.graph.to[next[v] as number] as number;
    return this.graph.ids[v] as string;
  }

  /** The strongest privilege the node reaches (in any scope) and the shortest chain to it. */
  strongest(id: string): ReachResult {
    for (const layer of ['admin', 'write', 'read'] as const) {
      const h = this.hops(id, layer);
      if (h !== null) return { privilege: layer, hops: h, holder: this.holderOf(id, layer), chain: this.chain(id, layer) };
    }
    return { privilege: null, hops: 0, holder: null, chain: [] };
  }

  /** Write or admin in a production scope (OWASP NHI8), with the chain; null when out of reach. */
  production(id: string): ReachResult | null {
    for (const [layer, privilege] of [['prod-admin', 'admin'], ['prod-write', 'write']] as const) {
      const h = this.hops(id, layer);
      if (h !== null) return { privilege, hops: h, holder: this.holderOf(id, layer), chain: this.chain(id, layer) };
    }
    return null;
  }

  /**
   * Every node that reaches the layer through at least one hop (holders themselves are left out:
   * direct privilege is judged as it is today, unless `withHolders`), in node order, with its hop count.
   */
  *reached(layer: ReachLayer, filter: (id: string) => boolean = (id) => !id.startsWith('ext:'), withHolders = false): Generator<{ id: string; hops: number }> {
    const { dist } = this.layers.get(layer)!;
    const { ids } = this.graph;
    for (let v = 0; v < dist.length; v++) {
      const d = dist[v] as number;
      if (d === UNREACHED || (d === 0 && !withHolders)) continue;
      const id = ids[v] as string;
      if (filter(id)) yield { id, hops: d };
    }
  }

  /**
   * Breadth-first from one node within maxDepth hops, along edges ('out': what it becomes) or against
   * them ('in': who becomes it). `via` holds the edge each node was reached by; `order` the nodes in
   * hop order, the start first. Stops once `limit` nodes beyond the start are found.
   */
  private walk(start: number, dir: 'in' | 'out', limit = Infinity): { via: Map<number, number>; order: { v: number; hops: number }[] } {
    const g = this.graph;
    const [startOf, edges, other] = dir === 'in' ? [g.inStart, g.inEdges, g.from] : [g.outStart, g.outEdges, g.to];
    const via = new Map<number, number>([[start, -1]]);
    const order: { v: number; hops: number }[] = [{ v: start, hops: 0 }];
    let frontier = [start];
    for (let d = 1; d <= this.maxDepth && frontier.length && order.length <= limit; d++) {
      const nextFrontier: number[] = [];
      for (const u of frontier) {
        for (let i = startOf[u] as number, end = startOf[u + 1] as number; i < end; i++) {
          const e = edges[i] as number;
          const v = other[e] as number;
          if (via.has(v)) continue;
          via.set(v, e);
          nextFrontier.push(v);
          order.push({ v, hops: d });
        }
      }
      frontier = nextFrontier;
    }
    return { via, order };
  }

  /**
   * Who can become the node within maxDepth hops, nearest first, each with its chain to it
   * (reverse search from the one node; bounded by `limit` reachers).
   */
  reachersOf(id: string, limit = Infinity): { id: string; hops: number; chain: Hop[] }[] {
    const t = this.nodeOf(id);
    if (t < 0) return [];
    const g = this.graph;
    const { via: next, order } = this.walk(t, 'in', limit);
    return order.slice(1, limit + 1).map(({ v, hops }) => {
      const chain: Hop[] = [];
      for (let x = v; x !== t; ) {
        const e = next.get(x) as number;
        chain.push({ step: chain.length + 1, edge: e, ...g.edge(e) });
        x = g.to[e] as number;
      }
      return { id: g.ids[v] as string, hops, chain };
    });
  }

  /**
   * What the node can become within maxDepth hops and, per scope, the strongest privilege and
   * the shortest chain to it. `grantsOf` supplies each reached identity's grants (the inventory's
   * grantsOf); the node's own grants count at 0 hops.
   */
  reachOf(
    id: string,
    grantsOf: (identityId: string) => Iterable<{ resource: string; privilege: string; role?: string; via?: string }>,
  ): { reachable: { id: string; hops: number }[]; scopes: { scope: string; privilege: 'admin' | 'write' | 'read'; holder: string; role: string | null; hops: number; chain: Hop[] }[] } {
    const s = this.nodeOf(id);
    if (s < 0) return { reachable: [], scopes: [] };
    const g = this.graph;
    const { via: prev, order } = this.walk(s, 'out');
    const chainTo = (v: number): Hop[] => {
      const rev: number[] = [];
      for (let x = v; x !== s; x = g.from[prev.get(x) as number] as number) rev.push(prev.get(x) as number);
      return rev.reverse().map((e, i) => ({ step: i + 1, edge: e, ...g.edge(e) }));
    };
    const best = new Map<string, { privilege: number; v: number; role: string | null; hops: number }>();
    for (const { v, hops } of order) {
      const nodeId = g.ids[v] as string;
      if (nodeId.startsWith('ext:')) continue;
      for (const grant of grantsOf(nodeId)) {
        if (grant.via === ASSUMABLE_ROLE_VIA) continue; // the assumption is an edge, not a privilege of its own
        const l = LEVEL[grant.privilege as keyof typeof LEVEL] ?? 0;
        if (l === 0) continue;
        const cur = best.get(grant.resource);
        // BFS order: the first holder seen at a level is the nearest; only a stronger level replaces it.
        if (!cur || l > cur.privilege) best.set(grant.resource, { privilege: l, v, role: grant.role ?? null, hops });
      }
    }
    const scopes = [...best.entries()]
      .map(([scope, b]) => ({ scope, privilege: LEVEL_NAME[b.privilege] as 'admin' | 'write' | 'read', holder: g.ids[b.v] as string, role: b.role, hops: b.hops, chain: chainTo(b.v) }))
      .sort((a, b) => LEVEL[b.privilege] - LEVEL[a.privilege] || a.scope.localeCompare(b.scope));
    return { reachable: order.slice(1).map(({ v, hops }) => ({ id: g.ids[v] as string, hops })), scopes };
  }
}

/** Reach of every node of the graph, bounded to maxDepth hops (default 6). */
export function computeReach(graph: ReachGraph, options: ReachOptions = {}): Reach {
  const maxDepth = Math.max(0, Math.min(254, Math.floor(options.maxDepth ?? DEFAULT_MAX_DEPTH)));
  return new Reach(graph, maxDepth);
}
