// The reach graph of the current inventory: computed from the current rows (src/reach), its edges
// and what each node reaches through at least one hop stored in the `edges` and `reach` tables
// (rewritten whole by each scan), and the in-memory Reach handed to the rules.
import type { DB } from './db.js';
import { InventoryView } from './view.js';
import { reachFromRows, classifyEnvironment, LAYERS, type EnvironmentConfig, type Hop, type Reach } from '../reach/index.js';

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
    for (const layer of LAYERS) {
      for (const { id, hops } of reach.reached(layer, () => true)) {
        const chain = reach.chain(id, layer);
        put.run(id, layer, hops, chain.at(-1)?.to ?? id, JSON.stringify(chainJson(chain)));
      }
    }
  }
  return { reach, edges, ms: Math.round(performance.now() - t0) };
}
