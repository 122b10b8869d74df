// The reach graph of the current inventory: computed from the current rows (src/reach), its edges
// and what each node reaches through at least one hop stored in the `edges` and `reach` tables
// (rewritten whole by each scan), and the in-memory Reach handed to the rules.
import { getMeta, setMeta, withSortMemory, type DB } from './db.js';
import { InventoryView } from './view.js';
import { reachFromRows, classifyEnvironment, ASSUMABLE_ROLE_VIA, CARRIER_KINDS, EDGE_GRANTS, IDENTITIES_READ, type CredentialInput, type GrantLevel, type EdgeSources, type EnvironmentConfig, type GrantInput, type Hop, type IdentityInput, type Reach, type ReachLayer, type TrustInput } from '../reach/index.js';

const STORED_LAYERS: ReachLayer[] = ['admin', 'prod-admin', 'prod-write'];

export interface ReachSettings {
  maxDepth: number;
  environments: EnvironmentConfig;
}

/**
 * The reach settings of a configuration over an inventory. The environments a scan judged with are
 * kept in the inventory (meta `environments`), so later reads (`nhi paths`, `nhi show`, `--as-of`)
 * judge the same way when the configuration at hand names none.
 */
export function reachSettings(db: DB, config: { reach: { maxDepth: number }; environments: EnvironmentConfig }): ReachSettings {
  let environments = config.environments;
  if (Object.keys(environments).length === 0) {
    const stored = getMeta(db, 'environments');
    if (stored) environments = JSON.parse(stored) as EnvironmentConfig;
  }
  return { maxDepth: config.reach.maxDepth, environments };
}

/** Keep the environments a scan judged with (see reachSettings). */
export function rememberEnvironments(db: DB, environments: EnvironmentConfig): void {
  if (Object.keys(environments).length) setMeta(db, 'environments', JSON.stringify(environments));
}

export interface ReachComputed {
  reach: Reach;
  edges: number;
  ms: number;
}

type Cell = string | number | null;

/** A row whose JSON attributes are parsed on first access, through one shared getter (not one property definition per row). */
class LeanRow {
  private parsed: Record<string, unknown> | null | undefined;
  constructor(private readonly text: Cell) {}
  get attributes(): Record<string, unknown> | null {
    if (this.parsed === undefined) this.parsed = typeof this.text === 'string' ? (JSON.parse(this.text) as Record<string, unknown>) : null;
    return this.parsed;
  }
}

/**
 * The current rows of a table, `columns` then the rowid, as raw arrays. Pages by rowid: the caller
 * writes edges on the same connection between pages.
 */
function* rawRows(db: DB, table: string, columns: string[], where = 'true'): Generator<Cell[]> {
  const stmt = db.prepare(`SELECT ${columns.join(', ')}, rowid FROM ${table} WHERE gone_scan IS NULL AND (${where}) AND rowid > ? ORDER BY rowid LIMIT 10000`).raw(true);
  let after = 0;
  for (;;) {
    const rows = stmt.all(after) as Cell[][];
    yield* rows;
    if (rows.length < 10000) return;
    after = rows[rows.length - 1]![columns.length] as number;
  }
}

/**
 * The current rows of a table with only the columns reach needs, as plain objects whose
 * `attributes` is parsed on first access (most rows never need it).
 */
function* leanRows<T>(db: DB, table: string, columns: string[], fields: string[], where = 'true'): Generator<T> {
  for (const r of rawRows(db, table, [...columns, 'attributes'], where)) {
    const o = new LeanRow(r[fields.length] ?? null) as unknown as Record<string, unknown>;
    for (let i = 0; i < fields.length; i++) o[fields[i] as string] = r[i];
    yield o as T;
  }
}

/** Constant names as an SQL list of string literals, for `IN (…)`. */
const sqlList = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');

/** The grants deriveEdges makes edges of (EDGE_GRANTS), as an SQL condition on the grants table. */
export const edgeGrants = [
  `via IN (${sqlList(EDGE_GRANTS.via)})`,
  `provider = 'github' AND privilege IN (${sqlList(EDGE_GRANTS.byProvider.github.privileges)}) AND role IN (${sqlList(EDGE_GRANTS.byProvider.github.roles)})`,
  `provider = 'azure' AND role IN (${sqlList(EDGE_GRANTS.byProvider.azure.roles)})`,
]
  .map((w) => `(${w})`)
  .join(' OR ');

/** Holder, privilege and resource of every grant that is not an edge, in rowid order. */
function grantLevels(db: DB): Iterable<GrantLevel> {
  return rawRows(db, 'grants', ['identity_id', 'privilege', 'resource'], `via IS NOT '${ASSUMABLE_ROLE_VIA}'`) as Iterable<GrantLevel>;
}

/** The rows reach derives its edges from, read lean (no row hydration: at a million identities that was most of the reach phase). */
function reachSources(db: DB): EdgeSources {
  const carriers = `kind IN (${sqlList(CARRIER_KINDS)})`;
  // Only the identities deriveEdges looks at; a key test on the JSON text keeps the rest unread.
  const identitiesRead = Object.entries(IDENTITIES_READ)
    .map(([provider, keys]) => `provider = '${provider}'` + (keys === 'all' ? '' : ` AND (${keys.map((k) => `instr(attributes, '"${k}"') > 0`).join(' OR ')})`))
    .map((w) => `(${w})`)
    .join(' OR ');
  const credentials = (where: string) =>
    leanRows<CredentialInput>(db, 'credentials', ['id', 'identity_id', 'provider', 'kind', 'name', 'key_id', 'status'], ['id', 'identityId', 'provider', 'kind', 'name', 'keyId', 'status'], where);
  return {
    identities: leanRows<IdentityInput>(db, 'identities', ['id', 'provider', 'scope', 'kind', 'name'], ['id', 'provider', 'scope', 'kind', 'name'], identitiesRead),
    // The carriers first, then only the keys they carry: deriveEdges skips every other key.
    credentials: (function* () {
      yield* credentials(carriers);
      yield* credentials(`NOT ${carriers} AND key_id IN (SELECT key_id FROM credentials WHERE ${carriers} AND key_id IS NOT NULL AND gone_scan IS NULL)`);
    })(),
    // Every grant's privilege in three short columns; whole rows only for the grants that are edges.
    grantLevels: grantLevels(db),
    grants: leanRows<GrantInput>(db, 'grants', ['identity_id', 'provider', 'resource', 'role', 'privilege', 'via', 'evidence'], ['identityId', 'provider', 'resource', 'role', 'privilege', 'via', 'evidence'], edgeGrants),
    trusts: leanRows<TrustInput>(db, 'trusts', ['identity_id', 'provider', 'principal', 'principal_type', 'condition'], ['identityId', 'provider', 'principal', 'principalType', 'condition']),
  };
}

const EDGE_ROWS = 100;

/** Edge rows written EDGE_ROWS at a time (one statement binding 4 values a row). */
function batchedEdgeWriter(db: DB): { add(from: string, to: string, mechanism: string, evidence: string): void; flush(): void } {
  const head = 'INSERT INTO edges (from_id, to_id, mechanism, evidence) VALUES ';
  const many = db.prepare(head + Array(EDGE_ROWS).fill('(?,?,?,?)').join(','));
  const one = db.prepare(head + '(?,?,?,?)');
  let values: string[] = [];
  return {
    add(from, to, mechanism, evidence) {
      values.push(from, to, mechanism, evidence);
      if (values.length === EDGE_ROWS * 4) {
        many.run(values);
        values = [];
      }
    },
    flush() {
      for (let i = 0; i < values.length; i += 4) one.run(values.slice(i, i + 4));
      values = [];
    },
  };
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
  // The edges are rewritten whole: without their indexes (built once at the end, one sort each)
  // and in multi-row inserts, as the staging writer does.
  if (store) db.exec('DELETE FROM edges; DELETE FROM reach; DROP INDEX IF EXISTS edges_from; DROP INDEX IF EXISTS edges_to;');
  const edgeWriter = store ? batchedEdgeWriter(db) : null;
  const prod = new Map<string, boolean>();
  const { reach, edges } = reachFromRows(
    reachSources(db),
    {
      maxDepth: settings.maxDepth,
      isProduction: (resource) => {
        let p = prod.get(resource);
        if (p === undefined) prod.set(resource, (p = classifyEnvironment(resource, {}, settings.environments) === 'prod'));
        return p;
      },
      onEdge: edgeWriter ? (e) => edgeWriter.add(e.from, e.to, e.mechanism, e.evidence) : undefined,
    },
  );
  if (store) {
    edgeWriter!.flush();
    // The scope of the identity each edge leads to, for SQL users filtering by account or project.
    db.exec('UPDATE edges SET scope = i.scope FROM identities i WHERE i.id = edges.to_id');
    withSortMemory(db, () => db.exec('CREATE INDEX edges_from ON edges(from_id); CREATE INDEX edges_to ON edges(to_id);'));
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

  /**
   * Where a credential's paths start: its own node where a chain passes through it (a secret, or a
   * key a secret carries), otherwise the identity it authenticates as (other keys are no nodes).
   */
  credentialStart(id: string): string {
    const node = `ext:credential:${id}`;
    if (this.reach.graph.index.has(node)) return node;
    return this.view.credentialIdentity(id) ?? node;
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
