// The reach engine's entry points for the inventory and the rules.
import type { Privilege } from '../model/records.js';
import { computeReach, type Reach, type ReachOptions } from './compute-reach.js';
import { ASSUMABLE_ROLE_VIA, deriveEdges, type EdgeSources, type GrantInput } from './derive-edges.js';
import type { ReachEdge } from './edges-types.js';
import { LEVEL, ReachGraphBuilder, type ReachGraph } from './reach-graph.js';

export { deriveEdges, CARRIER_KINDS, IDENTITIES_READ, ASSUMABLE_ROLE_VIA, EDGE_GRANTS, type EdgeSources, type GrantLevel, type IdentityInput, type CredentialInput, type GrantInput, type TrustInput } from './derive-edges.js';
export { MECHANISMS, ext, externalType, type Mechanism, type ReachEdge, type ExternalType } from './edges-types.js';
export { ReachGraph, ReachGraphBuilder, LEVEL, graphFromArrays, type GraphArrays } from './reach-graph.js';
export { computeReach, DEFAULT_MAX_DEPTH, LAYERS, Reach, type Hop, type ReachLayer, type ReachOptions, type ReachResult } from './compute-reach.js';
export { judgeOidcSubject, judgeGithubSubject, widest, narrowest, PINNINGS, type Pinning, type OidcJudgement, type OidcProvider } from './oidc-pinning.js';
export { classifyEnvironment, environmentFromName, identityEnvironment, type Environment, type EnvironmentConfig, type EnvironmentPattern } from './environment.js';

export interface BuildOptions extends ReachOptions {
  /** Is a grant's resource (an account, project, subscription, repository…) in production? */
  isProduction?: (resource: string, identityId: string) => boolean;
  /** Called with each edge of the graph, in edge-index order (to store it as a row: rowid = Hop.edge + 1 in an empty table). */
  onEdge?: (edge: ReachEdge) => void;
}

/**
 * Rows in, reach out: derives the edges, records every grant's privilege on its holder (the
 * scanner's `assumable-role` grants become edges instead), builds the graph and computes reach.
 * Each input is iterated once.
 */
export function reachFromRows(src: EdgeSources, options: BuildOptions = {}): { graph: ReachGraph; reach: Reach; edges: number } {
  const b = new ReachGraphBuilder();
  const isProd = options.isProduction;
  // A holder's grants come together (scanners report them per identity): its strongest level, and
  // strongest in production, are added once per run of grants rather than once per grant.
  let holder: string | null = null;
  let level = 0;
  let prodLevel = 0;
  const addLevel = (identityId: string, privilege: string, resource: string) => {
    if (identityId !== holder) {
      if (holder !== null) b.addLevels(holder, level, prodLevel);
      holder = identityId;
      level = prodLevel = 0;
    }
    const l = LEVEL[privilege as Privilege] ?? 0;
    if (l > level) level = l;
    // Only write and admin in production are layers: a read grant never asks where it is.
    if (l >= LEVEL.write && l > prodLevel && isProd?.(resource, identityId)) prodLevel = l;
  };
  const flush = () => {
    if (holder !== null) b.addLevels(holder, level, prodLevel);
    holder = null;
  };
  const levels = src.grantLevels;
  // Levels read apart are taken when deriveEdges starts on the grants, where they would have come.
  function* tap(grants: Iterable<GrantInput>): Generator<GrantInput> {
    if (levels) {
      for (const [identityId, privilege, resource] of levels) addLevel(identityId, privilege, resource);
      flush();
      yield* grants;
      return;
    }
    for (const g of grants) {
      if (g.via !== ASSUMABLE_ROLE_VIA) addLevel(g.identityId, g.privilege, g.resource);
      yield g;
    }
    flush();
  }
  let edges = 0;
  for (const e of deriveEdges({ ...src, grants: tap(src.grants) })) {
    if (!b.addEdge(e.from, e.to, e.mechanism, e.evidence)) continue;
    options.onEdge?.(e);
    edges++;
  }
  const graph = b.build();
  return { graph, reach: computeReach(graph, options), edges };
}
export { formatChain, VERB } from './format-chain.js';
