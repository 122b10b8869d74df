// Reach for the interactive explorer (`nhi ui`), read from the edges the latest scan stored instead
// of rebuilding the whole graph (ReachQueries): at a million identities that takes half a minute and
// a gigabyte and a half, where these walks touch only the neighbourhood of one identity.
import type { Statement } from 'better-sqlite3';
import type { DB } from './db.js';
import { InventoryView } from './view.js';
import type { PathStep, ReachAnswer } from './reach-store.js';

interface EdgeRow {
  from: string;
  to: string;
  mechanism: string;
  evidence: string | null;
}

const LEVEL: Record<string, number> = { read: 1, write: 2, admin: 3 };
const LEVEL_NAME = ['', 'read', 'write', 'admin'] as const;

export interface StoredReachLimits {
  /** Longest chain followed (the config's reach.maxDepth). */
  maxDepth: number;
  /** Who can become it: at most this many, nearest first (as `nhi show`). */
  reachers?: number;
  /** Nodes visited by either walk before it stops: a bound on the work of one question. */
  nodes?: number;
}

/** Who can become an identity and what it can get, walking the stored `edges` table breadth first. */
export class StoredReach {
  private readonly view: InventoryView;
  private readonly into: Statement<unknown[]>;
  private readonly outOf: Statement<unknown[]>;

  constructor(db: DB) {
    this.view = new InventoryView(db);
    const cols = 'from_id AS "from", to_id AS "to", mechanism, evidence';
    this.into = db.prepare<unknown[]>(`SELECT ${cols} FROM edges WHERE to_id = ? ORDER BY from_id`);
    this.outOf = db.prepare<unknown[]>(`SELECT ${cols} FROM edges WHERE from_id = ? ORDER BY to_id`);
  }

  private name(id: string): string | null {
    return id.startsWith('ext:') ? null : (this.view.identity(id)?.name ?? null);
  }

  private steps(hops: EdgeRow[]): PathStep[] {
    return hops.map((h, i) => ({ step: i + 1, from: h.from, to: h.to, mechanism: h.mechanism, evidence: h.evidence ?? '', fromName: this.name(h.from), toName: this.name(h.to) }));
  }

  /** Breadth-first from `start` along edges (out: what it becomes; in: who becomes it); each node's first edge is its shortest chain. */
  private walk(start: string, direction: 'in' | 'out', maxDepth: number, maxNodes: number): { order: { id: string; hops: number }[]; via: Map<string, EdgeRow> } {
    const via = new Map<string, EdgeRow>();
    const seen = new Set([start]);
    const order: { id: string; hops: number }[] = [{ id: start, hops: 0 }];
    let frontier = [start];
    for (let depth = 1; depth <= maxDepth && frontier.length && seen.size < maxNodes; depth++) {
      const next: string[] = [];
      for (const node of frontier) {
        const edges = (direction === 'out' ? this.outOf : this.into).all(node) as EdgeRow[];
        for (const e of edges) {
          const other = direction === 'out' ? e.to : e.from;
          if (seen.has(other)) continue;
          seen.add(other);
          via.set(other, e);
          order.push({ id: other, hops: depth });
          next.push(other);
          if (seen.size >= maxNodes) break;
        }
        if (seen.size >= maxNodes) break;
      }
      frontier = next;
    }
    return { order, via };
  }

  /** The same answer as ReachQueries.about (`nhi show`), from the stored edges. */
  about(id: string, limits: StoredReachLimits): ReachAnswer {
    const maxNodes = limits.nodes ?? 5000;
    const back = this.walk(id, 'in', limits.maxDepth, maxNodes);
    const reachers = back.order.slice(1, 1 + (limits.reachers ?? 25)).map(({ id: r, hops }) => {
      const chain: EdgeRow[] = [];
      for (let x = r; x !== id; ) {
        const e = back.via.get(x) as EdgeRow;
        chain.push(e);
        x = e.to;
      }
      return { id: r, name: this.name(r), hops, steps: this.steps(chain) };
    });
    const fwd = this.walk(id, 'out', limits.maxDepth, maxNodes);
    const chainTo = (v: string): EdgeRow[] => {
      const rev: EdgeRow[] = [];
      for (let x = v; x !== id; ) {
        const e = fwd.via.get(x) as EdgeRow;
        rev.push(e);
        x = e.from;
      }
      return rev.reverse();
    };
    const best = new Map<string, { level: number; holder: string; role: string | null; hops: number }>();
    for (const { id: node, hops } of fwd.order) {
      if (node.startsWith('ext:')) continue;
      for (const g of this.view.grantsOf(node)) {
        if (g.via === 'assumable-role') continue; // the assumption is an edge, not a privilege of its own
        const level = LEVEL[g.privilege] ?? 0;
        if (level === 0) continue;
        const cur = best.get(g.resource);
        if (!cur || level > cur.level) best.set(g.resource, { level, holder: node, role: g.role ?? null, hops });
      }
    }
    const scopes = [...best.entries()]
      .map(([scope, b]) => ({ scope, privilege: LEVEL_NAME[b.level] as string, holder: b.holder, role: b.role, hops: b.hops, steps: this.steps(chainTo(b.holder)) }))
      .sort((a, b) => (LEVEL[b.privilege] ?? 0) - (LEVEL[a.privilege] ?? 0) || a.scope.localeCompare(b.scope));
    return { reachers, scopes };
  }
}

/**
 * Whether anything in the inventory is of this provider. Stops at the first row found, where
 * providersIn() reads every table whole (seconds at a million identities); a name that is absent
 * costs those scans once, and the caller keeps the answer.
 */
export function providerPresent(db: DB, provider: string): boolean {
  const hit = db
    .prepare(
      'SELECT EXISTS (SELECT 1 FROM identities WHERE provider = @p) OR EXISTS (SELECT 1 FROM credentials WHERE provider = @p) OR EXISTS (SELECT 1 FROM findings WHERE provider = @p) AS hit',
    )
    .get({ p: provider }) as { hit: number };
  return hit.hit === 1;
}
