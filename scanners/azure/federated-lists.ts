// Which applications have federated credentials, from one list instead of one request per
// application (most answer an empty list). Graph v1.0, application resource, relationships:
// "federatedIdentityCredentials ... Supports $expand and $filter (startsWith, /$count eq 0,
// /$count ne 0)", and "Specific usage of the $filter query parameter is supported only when you
// use the ConsistencyLevel header set to eventual and $count" (advanced query). So the list
// filters on `federatedIdentityCredentials/$count ne 0`, selects only id, and only the
// applications it names get their federatedIdentityCredentials read. Two expansions in one
// request ($expand=owners,federatedIdentityCredentials) are not documented for directory
// objects, and $expand is not supported with advanced queries, so neither is used.
// Advanced queries read an index that is eventually consistent: a credential added seconds
// before the scan may be missed, as by any other advanced query.
// When the filtered list is refused (Azure AD B2C tenants have no $count, for one), every
// application's credentials are read one by one, as before, and a note says so.
import type { NoteRecord } from '../../src/model/records.js';
import { AzureHttpError, type Clients } from './clients.js';

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
