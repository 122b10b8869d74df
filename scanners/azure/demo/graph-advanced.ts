// The one advanced query the local Graph answers: `$filter=federatedIdentityCredentials/$count
// ne 0` (or `eq 0`) on the application list, as Graph v1.0 documents it: only with the header
// `ConsistencyLevel: eventual` and `$count=true` (refused without them), never with $expand,
// `@odata.count` on the first page. Any other $filter on a directory list is refused rather
// than ignored, so a scanner cannot come to rely on a filter the fake does not apply.
import type { LocalRequest } from '../../../src/demo/local-server.js';

type Json = Record<string, unknown>;

export interface FilterPlan {
  /** The objects the filter keeps. */
  keep: (item: Json) => boolean;
}

export type FilterAnswer = { plan: FilterPlan | null; count: boolean } | { error: { status: number; code: string; message: string } };

const COUNT_FILTER = /^federatedIdentityCredentials\/\$count (eq|ne) 0$/;

/** How to answer a directory list's $filter / $count (null plan: no filter), or the 400 Graph gives. */
export function planFilter(req: LocalRequest, collection: 'applications' | 'servicePrincipals', federated: Record<string, Json[]>): FilterAnswer {
  const filter = req.query.get('$filter');
  const count = req.query.get('$count');
  const eventual = String(req.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
  const unsupported = (message: string) => ({ error: { status: 400, code: 'Request_UnsupportedQuery', message } });
  if (count !== null && count !== 'true' && count !== 'false') return { error: { status: 400, code: 'Request_BadRequest', message: `Invalid value '${count}' for $count.` } };
  if (count === 'true' && !eventual) return unsupported("$count requires the 'ConsistencyLevel' header set to 'eventual'.");
  if (filter === null) return { plan: null, count: count === 'true' };
  const m = COUNT_FILTER.exec(filter);
  if (!m || collection !== 'applications') return unsupported(`Unsupported or invalid query filter clause specified for property '${filter.split(/[ /]/)[0]}' of resource '${collection === 'applications' ? 'Application' : 'ServicePrincipal'}'.`);
  if (!eventual || count !== 'true') return unsupported("Unsupported Query. Filtering on a relationship's $count is an advanced query: send 'ConsistencyLevel: eventual' and '$count=true'.");
  const has = m[1] === 'ne';
  return { plan: { keep: (item) => (federated[String(item.id)] ?? []).length > 0 === has }, count: true };
}
