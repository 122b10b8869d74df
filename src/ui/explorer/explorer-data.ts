// What the explorer reads, through the services the other commands use: the identity and
// credential listings of `nhi ls`, the report's findings (suppressions applied, worst first), the
// detail text of `nhi show`, and reach from the chains the latest scan stored.
import type { ResolvedConfig } from '../../config/config.js';
import { openInventory, type Inventory } from '../../inventory/db.js';
import { listCredentials, listIdentities, showCredential, showFinding, showIdentity } from '../../inventory/browse-queries.js';
import { StoredReach, providerPresent } from '../../inventory/explorer-queries.js';
import type { ReachAnswer } from '../../inventory/reach-store.js';
import type { CredentialRow, IdentityRow } from '../../inventory/rows.js';
import { openReport, type ReportFinding } from '../../report/report-service.js';
import { credentialText, findingText, identityText } from '../../cli/commands/browse.js';
import { inert, inertText } from '../../report/text-table.js';
import type { Filter } from './filter.js';
import type { RowStream } from './pager.js';

export type ListName = 'identities' | 'credentials' | 'findings';

export interface Detail {
  entity: 'identity' | 'credential' | 'finding';
  /** The identity shown, or the one the credential or finding belongs to (chains are asked of it). */
  identityId: string | null;
  title: string;
  lines: string[];
}

/** The explorer's reads; tests may hand it another inventory, never another implementation. */
export interface ExplorerData {
  /** Whether the inventory holds anything of this provider. */
  hasProvider(provider: string): boolean;
  identities(f: Filter): RowStream<IdentityRow>;
  credentials(f: Filter): RowStream<CredentialRow>;
  findings(f: Filter): RowStream<ReportFinding>;
  identityDetail(id: string, width: number): Detail;
  credentialDetail(id: string, width: number): Detail;
  findingDetail(id: string): Detail;
  reach(id: string): ReachAnswer;
  close(): void;
}

const contains = (needle: string) => {
  const n = needle.toLowerCase();
  return (...hay: (string | null | undefined)[]) => hay.some((h) => h != null && h.toLowerCase().includes(n));
};

export function openExplorerData(dbPath: string, config: ResolvedConfig): ExplorerData {
  const inv: Inventory = openInventory(dbPath, { readonly: true });
  // Refuses an inventory no scan has finished yet, with the report's own message and hint.
  openReport({ dbPath, config }).close();
  const db = inv.db;
  const reach = new StoredReach(db);
  const maxDepth = config.reach.maxDepth;
  const present = new Map<string, boolean>();
  return {
    hasProvider: (p) => {
      let known = present.get(p);
      if (known === undefined) present.set(p, (known = providerPresent(db, p)));
      return known;
    },
    identities: (f) => ({
      rows: listIdentities(db, { provider: f.provider, kind: f.kind, owner: f.owner, search: f.text }),
    }),
    credentials: (f) => {
      const has = f.text ? contains(f.text) : null;
      return {
        rows: listCredentials(db, { provider: f.provider, kind: f.kind, status: f.status }),
        keep: has ? (c) => has(c.id, c.name, c.keyId, c.identityId) : undefined,
      };
    },
    findings: (f) => {
      // The provider is checked here, row by row: the report would first read every table to check the name.
      const report = openReport({ dbPath, config, filters: { rule: f.rule, severity: f.severity } });
      const has = f.text ? contains(f.text) : null;
      const { owner, provider, kind: kinds } = f;
      const keep =
        has || owner || kinds || provider
          ? (x: ReportFinding) =>
              (!provider || provider.includes(x.provider ?? '')) &&
              (!has || has(x.message, x.id, x.identity?.name, x.identityId, x.credentialId)) &&
              (!owner || (owner === 'none' ? !x.identity?.owner : x.identity?.owner === owner)) &&
              (!kinds || kinds.includes(x.identity?.kind ?? ''))
          : undefined;
      let open = true;
      return {
        rows: report.findings(),
        keep,
        close: () => {
          if (open) report.close();
          open = false;
        },
      };
    },
    identityDetail: (id, width) => {
      const d = { ...showIdentity(db, id), reach: reach.about(id, { maxDepth }) };
      return { entity: 'identity', identityId: d.identity.id, title: inert(`${d.identity.kind} ${d.identity.name}`), lines: inertText(identityText(d, width)).split('\n') };
    },
    credentialDetail: (id, width) => {
      const d = showCredential(db, id);
      return { entity: 'credential', identityId: d.identity?.id ?? null, title: inert(`${d.credential.kind} ${d.credential.name ?? d.credential.keyId ?? d.credential.id}`), lines: inertText(credentialText(d, width)).split('\n') };
    },
    findingDetail: (id) => {
      const d = showFinding(db, id);
      return { entity: 'finding', identityId: d.identity?.id ?? null, title: inert(`${d.finding.ruleId} finding`), lines: inertText(findingText(d)).split('\n') };
    },
    reach: (id) => reach.about(id, { maxDepth }),
    close: () => inv.close(),
  };
}
