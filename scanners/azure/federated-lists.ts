// Which applications have federated credentials, from one list instead of one request per
// application (most answer an empty list). Graph v1.0, application resource, relationships:
// "federatedIdentityCredentials ... Supports $expand and $filter (startsWith, /$count eq 0,
// /$count ne 0)", and "Specific usage of the $filter query parameter is supported only when you
// use the ConsistencyLevel header set to eventual and $count" (advanced query). So the list
// filters on `federatedIdentityCredentials/$count ne 0`, selects only id, and only the
// applications it names get their federatedIdentityCredentials read. When more applications
// hold credentials than the application list has pages of 100, the same relationship's
// documented $expand is cheaper: `$select=id&$expand=federatedIdentityCredentials`, 100
// applications a page, at most 20 credentials each and no next link for them (Graph's limits on
// $expand of directory objects' relationships), so an application listed with 20 gets its own
// read. Two expansions in one request ($expand=owners,federatedIdentityCredentials) are not
// documented, and $expand is not supported with advanced queries, so neither is used.
// Advanced queries read an index that is eventually consistent: a credential added seconds
// before the scan may be missed, as by any other advanced query.
// When the filtered list is refused (Azure AD B2C tenants have no $count, for one), every
// application's credentials are read one by one, as before, and a note says so.
import type { NoteRecord } from '../../src/model/records.js';
import { AzureHttpError, type Clients } from './clients.js';
import type { GraphFederatedCredential } from './normalize.js';
import { EXPAND_PAGE_SIZE, readExpanded } from './owner-lists.js';

export const FEDERATED_FILTER = 'federatedIdentityCredentials/$count ne 0';
/** Advanced queries are answered only with this header (and $count=true). */
export const ADVANCED_QUERY_HEADERS = { ConsistencyLevel: 'eventual' } as const;

export function federatedListPath(pageSize: number): string {
  const top = Math.min(999, Math.max(1, pageSize));
  return `/v1.0/applications?$filter=${encodeURIComponent(FEDERATED_FILTER)}&$count=true&$select=id&$top=${top}`;
}

/** Object ids (lowercase) of the applications with any federated credential; null: unknown, read every application. */
export type FederatedHolders = Set<string> | null;

export async function listFederatedHolders(c: Clients, pageSize: number): Promise<{ holders: FederatedHolders; notes: NoteRecord[] }> {
  const holders = new Set<string>();
  try {
    for await (const page of c.graph.pages<{ id: string }>(federatedListPath(pageSize), ADVANCED_QUERY_HEADERS)) {
      for (const a of page) holders.add(a.id.toLowerCase());
    }
    return { holders, notes: [] };
  } catch (err) {
    if (!(err instanceof AzureHttpError)) throw err;
    const message = `applications with federated credentials could not be listed ($filter=${FEDERATED_FILTER}, an advanced query: ${err.statusCode} ${err.code}: ${err.message}); the federated credentials of every application are read one application at a time`;
    return { holders: null, notes: [{ type: 'note', operation: `GET /v1.0/applications?$filter=${FEDERATED_FILTER}`, message }] };
  }
}

export const FEDERATED_EXPAND_PATH = `/v1.0/applications?$select=id&$expand=federatedIdentityCredentials&$top=${EXPAND_PAGE_SIZE}`;

/** What is known of each application's federated credentials before the applications are read. */
export interface FederatedIndex {
  /** Complete lists from the expanded list, by object id (lowercase). */
  listed: Map<string, GraphFederatedCredential[]>;
  /** Applications to read one by one besides those listed; null: every one not listed. */
  toRead: Set<string> | null;
}

/** An application's federated credentials when already known, or 'read' when they need its own read. */
export function knownFederated(index: FederatedIndex, applicationId: string): GraphFederatedCredential[] | 'read' {
  const id = applicationId.toLowerCase();
  const listed = index.listed.get(id);
  if (listed) return listed;
  if (index.toRead === null || index.toRead.has(id)) return 'read';
  return [];
}

/**
 * The cheaper of the two documented reads: one read per holder, or the expanded list (a page per
 * 100 applications) when there are more holders than pages. `applications` is how many the
 * owners list saw (null: unknown, so per holder).
 */
export async function federatedIndex(c: Clients, holders: FederatedHolders, applications: number | null): Promise<{ index: FederatedIndex; notes: NoteRecord[] }> {
  const perHolder: FederatedIndex = { listed: new Map(), toRead: holders };
  if (holders === null || applications === null || Math.ceil(applications / EXPAND_PAGE_SIZE) >= holders.size) return { index: perHolder, notes: [] };
  const listed = new Map<string, GraphFederatedCredential[]>();
  try {
    await readExpanded(c, FEDERATED_EXPAND_PATH, 'federatedIdentityCredentials', listed);
    return { index: { listed, toRead: null }, notes: [] };
  } catch (err) {
    if (!(err instanceof AzureHttpError)) throw err;
    const message = `federated credentials could not be listed with $expand (${err.statusCode} ${err.code}: ${err.message}); the ${holders.size} applications holding any are read one at a time`;
    return { index: perHolder, notes: [{ type: 'note', operation: 'GET /v1.0/applications?$expand=federatedIdentityCredentials', message }] };
  }
}
