// Owners of every application and service principal from two list reads with $expand=owners,
// instead of one owners request per object. Graph documents for $expand on directory objects:
// at most 20 expanded items per object with no next link for them, and list pages of at most
// 100 objects. An object listed with 20 owners may have more, so its owners are read per
// object (paged), as is any object the list did not return.
// These lists select only `id`: the credential lists keep their 999-object pages, because Graph
// limits $select=keyCredentials to 150 requests a minute per tenant.
import type { NoteRecord } from '../../src/model/records.js';
import { AzureHttpError, type Clients } from './clients.js';
import type { GraphDirectoryObject } from './normalize.js';

/** Most expanded items Graph returns per directory object. */
export const EXPANDED_ITEMS_CAP = 20;
/** Largest page Graph serves for a directory object list with $expand. */
export const EXPAND_PAGE_SIZE = 100;
/** The owner properties nhi uses (ownerString, the owners attribute). */
export const OWNER_FIELDS = 'id,displayName,userPrincipalName,mail';

export type OwnerCollection = 'applications' | 'servicePrincipals';

/** Complete owner lists by object id (lowercase); an object absent here needs its own read. */
export type ListedOwners = Map<string, GraphDirectoryObject[]>;

export function ownersListPath(collection: OwnerCollection, pageSize: number): string {
  const top = Math.min(EXPAND_PAGE_SIZE, Math.max(1, pageSize));
  return `/v1.0/${collection}?$select=id&$expand=owners($select=${OWNER_FIELDS})&$top=${top}`;
}

/**
 * Reads a list with one relationship expanded into `into`: each object's items by object id
 * (lowercase) when complete, that is below Graph's cap (an object at the cap needs its own read).
 * Returns how many objects the list had; an HTTP failure is thrown with what was read kept.
 */
export async function readExpanded<T>(c: Clients, path: string, relationship: string, into: Map<string, T[]>): Promise<number> {
  let objects = 0;
  for await (const page of c.graph.pages<{ id: string } & Record<string, unknown>>(path)) {
    objects += page.length;
    for (const o of page) {
      const list = (o[relationship] as T[] | null | undefined) ?? [];
      if (list.length < EXPANDED_ITEMS_CAP) into.set(o.id.toLowerCase(), list);
    }
  }
  return objects;
}

/** Read one collection's owners inline (and count its objects). A failed read leaves the rest to per-object reads and says so. */
export async function listOwners(c: Clients, collection: OwnerCollection, pageSize: number): Promise<{ owners: ListedOwners; listed: number | null; notes: NoteRecord[] }> {
  const owners: ListedOwners = new Map();
  try {
    const listed = await readExpanded(c, ownersListPath(collection, pageSize), 'owners', owners);
    return { owners, listed, notes: [] };
  } catch (err) {
    if (!(err instanceof AzureHttpError)) throw err;
    const message = `owners of ${collection} could not be listed with $expand (${err.statusCode} ${err.code}: ${err.message}); ${owners.size} read, the others are read one object at a time`;
    return { owners, listed: null, notes: [{ type: 'note', operation: `GET /v1.0/${collection}?$expand=owners`, message }] };
  }
}
