// The reach graph of the current inventory: computed from the current rows (src/reach), its edges
// and what each node reaches through at least one hop stored in the `edges` and `reach` tables
// (rewritten whole by each scan), and the in-memory Reach handed to the rules.
import type { DB } from './db.js';
import { InventoryView } from './view.js';
import { reachFromRows, classifyEnvironment, type EnvironmentConfig, type Hop, type Reach, type ReachLayer } from '../reach/index.js';

const STORED_LAYERS: ReachLayer[] = ['admin', 'prod-admin', 'prod-write'];

export interface ReachSettings {
  maxDepth: number;
  environments: EnvironmentConfig;
}

/** The reach settings of a configuration. */
export function reachSettings(config: { reach: { maxDepth: number }; environments: EnvironmentConfig }): ReachSettings {
  return { maxDepth: config.reach.maxDepth, environments: config.environments };
}

export interface ReachComputed {
  reach: Reach;
  edges: number;
  ms: number;
}

/** A chain as stored and shown: each hop's mechanism, where it goes and why. */
export function chainJson(chain: Hop[]): { from: string; to: string; mechanism: string; evidence: string }[] {
  return chain.map((h) => ({ from: h.from, to: h.to, mechanism: h.mechanism, evidence: h.evidence }));
}

/**
 * Compute reach over the current rows. With `store`, the edges and the reach of every node that
 * reaches something through a chain are written (inside the caller's transaction).
 */
export function computeReach(db: DB, settings: ReachSettings, store: boolean): ReachComputed {
  const t0 = performance.now();
  const view = new InventoryView(db);
  if (store) db.exec('DELETE FROM edges; DELETE FROM reach;');
  const insertEdge = store ? db.prepare('INSERT INTO edges (from_id, to_id, mechanism, evidence, scope) VALUES (?, ?, ?, ?, NULL)') : null;
  const prod = new Map<string, boolean>();
  const { reach, edges } = reachFromRows(
    { identities: view.identities(), credentials: view.credentials(), grants: view.grants(), trusts: view.trusts() },
    {
      maxDepth: settings.maxDepth,
      isProduction: (resource) => {
        let p = prod.get(resource);
        if (p === undefined) prod.set(resource, (p = classifyEnvironment(resource, {}, settings.environments) === 'prod'));
        return p;
      },
      onEdge: insertEdge ? (e) => insertEdge.run(e.from, e.to, e.mechanism, e.evidence) : undefined,
    },
  );
  if (store) {
    // The scope of the identity each edge leads to, for SQL users filtering by account or project.
    db.exec('UPDATE edges SET scope = (SELECT i.scope FROM identities i WHERE i.id = edges.to_id)');
    const put = db.prepare('INSERT OR REPLACE INTO reach (node_id, layer, hops, holder, chain) VALUES (?, ?, ?, ?, ?)');
    // The layers worth a question (admin anywhere, write or admin in production); read and write
    // anywhere would be most of the estate, and the graph answers them on demand (`nhi paths`).
    for (const layer of STORED_LAYERS) {
      for (const { id, hops } of reach.reached(layer, () => true)) {
        const chain = reach.chain(id, layer);
        put.run(id, layer, hops, chain.at(-1)?.to ?? id, JSON.stringify(chainJson(chain)));
      }
    }
  }
  return { reach, edges, ms: Math.round(performance.now() - t0) };
}

export interface PathStep {
  step: number;
  from: string;
  to: string;
  mechanism: string;
  evidence: string;
  /** Names of the ends where the inventory knows them. */
  fromName: string | null;
  toName: string | null;
}

export interface PathAnswer {
  from: string;
  to: string;
  /** What was asked: admin, prod, or a node id. */
  target: string;
  privilege: string | null;
  hops: number;
  steps: PathStep[];
}

export interface ReachAnswer {
  /** Who can become the identity, nearest first, with their chains to it. */
  reachers: { id: string; name: string | null; hops: number; steps: PathStep[] }[];
  /** What it can get, per scope: the strongest privilege, who holds it, and the chain there. */
  scopes: { scope: string; privilege: string; holder: string; role: string | null; hops: number; steps: PathStep[] }[];
}

/** Reach questions for the read-only commands (`nhi paths`, `nhi show`), over the current rows. */
export class ReachQueries {
  private readonly view: InventoryView;
  readonly reach: Reach;

  constructor(db: DB, settings: ReachSettings) {
    this.view = new InventoryView(db);
    this.reach = computeReach(db, settings, false).reach;
  }

  private name(id: string): string | null {
    return id.startsWith('ext:') ? null : (this.view.identity(id)?.name ?? null);
  }

  steps(chain: Hop[]): PathStep[] {
    return chain.map((h) => ({ step: h.step, from: h.from, to: h.to, mechanism: h.mechanism, evidence: h.evidence, fromName: this.name(h.from), toName: this.name(h.to) }));
  }

  /** The shortest chain from a node to admin, to write/admin in production, or to another node; null when out of reach. */
  path(from: string, target: string): PathAnswer | null {
    if (target === 'admin') {
      const r = this.reach.strongest(from);
      return r.privilege === 'admin' ? { from, to: r.holder ?? from, target, privilege: 'admin', hops: r.hops, steps: this.steps(r.chain) } : null;
    }
    if (target === 'prod') {
      const r = this.reach.production(from);
      return r ? { from, to: r.holder ?? from, target, privilege: r.privilege, hops: r.hops, steps: this.steps(r.chain) } : null;
    }
    const hit = this.reach.reachersOf(target).find((x) => x.id === from);
    return hit ? { from, to: target, target, privilege: null, hops: hit.hops, steps: this.steps(hit.chain) } : null;
  }

  /** Who can become the identity and what it can get. */
  about(id: string, limit = 25): ReachAnswer {
    const reachers = this.reach.reachersOf(id, limit).map((r) => ({ id: r.id, name: this.name(r.id), hops: r.hops, steps: this.steps([...r.chain]) }));
    const { scopes } = this.reach.reachOf(id, (x) => this.view.grantsOf(x));
    return { reachers, scopes: scopes.map((s) => ({ ...s, steps: this.steps(s.chain) })) };
  }
}
