// The reach graph in compact form: node ids interned to integers, edges in typed arrays, and
// adjacency both ways as CSR (offsets + edge indexes), so a million nodes and edges fit in tens
// of megabytes and a breadth-first search touches each edge once.
import type { Privilege } from '../model/records.js';
import { MECHANISMS, type Mechanism, type ReachEdge } from './edges-types.js';

/** Privilege levels as numbers: 0 none, 1 read, 2 write, 3 admin. */
export const LEVEL: Record<Privilege, number> = { unknown: 0, read: 1, write: 2, admin: 3 };
export const LEVEL_NAME = ['none', 'read', 'write', 'admin'] as const;

const MECH_INDEX = new Map<Mechanism, number>(MECHANISMS.map((m, i) => [m, i]));

function grow<T extends Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Each edge's evidence as UTF-8 bytes in one growing buffer, outside the JavaScript heap: a million
 * sentences as strings would double the live heap, and with it how far the heap grows before the
 * collector runs (the scan's peak memory). Decoded when a chain is built.
 */
export class EvidenceText {
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  /** Byte offset where edge e's text starts; its end is where e + 1 starts. */
  private starts = new Int32Array(1024);
  private count = 0;

  /** Sets the text of the next edge (e must be the count so far). */
  push(text: string | undefined): void {
    const e = this.count++;
    this.starts = grow(this.starts, e + 2);
    this.starts[e] = this.used;
    if (text) {
      const need = this.used + Buffer.byteLength(text);
      if (need > this.bytes.length) {
        const b = Buffer.alloc(Math.max(need, this.bytes.length * 2));
        this.bytes.copy(b, 0, 0, this.used);
        this.bytes = b;
      }
      this.used += this.bytes.write(text, this.used);
    }
    this.starts[e + 1] = this.used;
  }

  get(e: number): string {
    if (e < 0 || e >= this.count) return '';
    return this.bytes.toString('utf8', this.starts[e] as number, this.starts[e + 1] as number);
  }
}

export class ReachGraphBuilder {
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  private mech = new Uint8Array(1024);
  private readonly evidence = new EvidenceText();
  private level = new Uint8Array(1024);
  private prodLevel = new Uint8Array(1024);
  private edgeCount = 0;

  /** The integer of a node id, interning it on first sight. */
  node(id: string): number {
    let n = this.index.get(id);
    if (n === undefined) {
      n = this.ids.length;
      this.index.set(id, n);
      this.ids.push(id);
      this.level = grow(this.level, n + 1);
      this.prodLevel = grow(this.prodLevel, n + 1);
    }
    return n;
  }

  /** Adds the edge and says so; a self-loop adds no reach and is dropped (false). */
  addEdge(from: string, to: string, mechanism: Mechanism, evidence?: string): boolean {
    const f = this.node(from);
    const t = this.node(to);
    if (f === t) return false;
    const e = this.edgeCount++;
    this.from = grow(this.from, e + 1);
    this.to = grow(this.to, e + 1);
    this.mech = grow(this.mech, e + 1);
    this.from[e] = f;
    this.to[e] = t;
    this.mech[e] = MECH_INDEX.get(mechanism) ?? 0;
    this.evidence.push(evidence);
    return true;
  }

  addEdges(edges: Iterable<ReachEdge>): this {
    for (const e of edges) this.addEdge(e.from, e.to, e.mechanism, e.evidence);
    return this;
  }

  /** A privilege the identity holds on its own (a grant); the strongest is kept, and separately the strongest in production. */
  addPrivilege(identity: string, privilege: Privilege, inProd = false): void {
    const l = LEVEL[privilege] ?? 0;
    this.addLevels(identity, l, inProd ? l : 0);
  }

  /** The strongest levels (LEVEL) of some of the identity's grants: anywhere, and in production. */
  addLevels(identity: string, level: number, prodLevel: number): void {
    if (level === 0 && prodLevel === 0 && !this.index.has(identity)) return;
    const n = this.node(identity);
    if (level > (this.level[n] as number)) this.level[n] = level;
    if (prodLevel > (this.prodLevel[n] as number)) this.prodLevel[n] = prodLevel;
  }

  build(): ReachGraph {
    const n = this.ids.length;
    const m = this.edgeCount;
    return graphFromArrays({
      ids: this.ids,
      index: this.index,
      from: this.from.slice(0, m),
      to: this.to.slice(0, m),
      mech: this.mech.slice(0, m),
      evidence: this.evidence,
      level: this.level.slice(0, n),
      prodLevel: this.prodLevel.slice(0, n),
    });
  }
}

/** CSR adjacency of the edges keyed by `key` (from: outgoing, to: incoming). */
function csr(key: Int32Array, n: number): { start: Int32Array; edges: Int32Array } {
  const m = key.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[(key[e] as number) + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i] as number;
  const fill = start.slice(0, n);
  const edges = new Int32Array(m);
  for (let e = 0; e < m; e++) edges[fill[key[e] as number]++] = e;
  return { start, edges };
}

export interface GraphArrays {
  /** Node ids by integer; `index` maps back (built when absent). */
  ids: readonly string[];
  index?: ReadonlyMap<string, number>;
  from: Int32Array;
  to: Int32Array;
  /** Indexes into MECHANISMS. */
  mech: Uint8Array;
  evidence?: EvidenceText;
  level: Uint8Array;
  prodLevel?: Uint8Array;
}

/**
 * A graph from integer arrays, as loaded from stored node and edge rows that reference nodes by
 * integer: no string is hashed per edge. Self-loops must already be left out.
 */
export function graphFromArrays(a: GraphArrays): ReachGraph {
  const n = a.ids.length;
  const index = a.index ?? new Map(a.ids.map((id, i) => [id, i]));
  const out = csr(a.from, n);
  const inn = csr(a.to, n);
  return new ReachGraph(a.ids, index, a.from, a.to, a.mech, a.evidence ?? new EvidenceText(), a.level, a.prodLevel ?? new Uint8Array(n), out.start, out.edges, inn.start, inn.edges);
}

export class ReachGraph {
  constructor(
    readonly ids: readonly string[],
    readonly index: ReadonlyMap<string, number>,
    readonly from: Int32Array,
    readonly to: Int32Array,
    readonly mech: Uint8Array,
    private readonly evidenceOf: EvidenceText,
    /** Strongest own privilege per node (LEVEL numbers). */
    readonly level: Uint8Array,
    /** Strongest own privilege in a production scope per node. */
    readonly prodLevel: Uint8Array,
    readonly outStart: Int32Array,
    readonly outEdges: Int32Array,
    readonly inStart: Int32Array,
    readonly inEdges: Int32Array,
  ) {}

  get nodeCount(): number {
    return this.ids.length;
  }

  get edgeCount(): number {
    return this.from.length;
  }

  /** One edge back as its plain shape. */
  edge(e: number): ReachEdge {
    return { from: this.ids[this.from[e] as number] as string, to: this.ids[this.to[e] as number] as string, mechanism: MECHANISMS[this.mech[e] as number] as Mechanism, evidence: this.evidenceOf.get(e) };
  }
}
