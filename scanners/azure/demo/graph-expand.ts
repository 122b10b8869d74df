// $expand=owners on the local Graph's application and service principal lists, and
// $expand=federatedIdentityCredentials on the application list, answered the way Graph v1.0
// documents $expand on relationships of directory objects: at most 20 expanded items per object
// and no next link for them, list pages of at most 100 objects whatever $top asks, $select
// nested in the expand only where documented (owners), one relationship per request (two are
// not documented, so refused), and no $count (an advanced query) together with $expand.
type Json = Record<string, unknown>;

export const EXPANDED_ITEMS_CAP = 20;
export const EXPAND_PAGE_SIZE = 100;
/** Owner properties the fake can select: those of the user and service principal owners it serves. */
const OWNER_PROPERTIES = new Set(['id', 'deletedDateTime', 'displayName', 'userPrincipalName', 'mail', 'appId', 'servicePrincipalType']);

export interface ExpandPlan {
  pageSize: number;
  shape: (item: Json) => Json;
}

export type ExpandAnswer = { plan: ExpandPlan | null } | { error: { status: number; code: string; message: string } };

const pick = (o: Json, props: string[] | null): Json => {
  if (!props) return o;
  const out: Json = {};
  if (o['@odata.type'] !== undefined) out['@odata.type'] = o['@odata.type'];
  for (const p of props) if (o[p] !== undefined) out[p] = o[p];
  return out;
};

/** The relationships a list can expand: object id → related items. */
export interface Expandable {
  owners: Record<string, Json[]>;
  /** Only applications have this relationship in v1.0. */
  federatedIdentityCredentials?: Record<string, Json[]>;
}

/** How to answer a list request's $expand (null plan: none asked), or the 400 Graph gives. */
export function planExpand(query: URLSearchParams, relations: Expandable, defaultPage: number): ExpandAnswer {
  const expand = query.get('$expand');
  if (expand === null) return { plan: null };
  const bad = (message: string) => ({ error: { status: 400, code: 'Request_BadRequest', message } });
  const m = /^(owners|federatedIdentityCredentials)(?:\(\$select=([A-Za-z,]+)\))?$/.exec(expand);
  const related = m ? relations[m[1] as keyof Expandable] : undefined;
  if (!m || !related) return bad(`Parsing OData Select and Expand failed: could not expand '${expand}'.`);
  if (m[1] !== 'owners' && m[2]) return bad(`$select nested in $expand is not supported for '${m[1]}'.`);
  if (query.has('$count') || query.has('$search')) return bad('$expand is not supported with advanced queries ($count, $search).');
  const nested = m[2] ? m[2].split(',') : null;
  if (nested?.some((p) => !OWNER_PROPERTIES.has(p))) return bad('Invalid $select properties.');
  const select = query.get('$select')?.split(',') ?? null;
  const asked = Number(query.get('$top') ?? defaultPage) || defaultPage;
  return {
    plan: {
      pageSize: Math.min(asked, EXPAND_PAGE_SIZE, defaultPage),
      shape: (item) => ({ ...pick(item, select ? [...new Set(['id', ...select])] : null), [m[1]]: (related[String(item.id)] ?? []).slice(0, EXPANDED_ITEMS_CAP).map((o) => pick(o, nested)) }),
    },
  };
}
