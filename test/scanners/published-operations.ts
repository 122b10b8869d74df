// A written-down subset of a provider's published API description: the operations a scanner
// may send, each with the version it names and the query parameters the description declares.
// Each provider's requests test records what its scanner sends and checks it against its list.

export interface PublishedOperation {
  /** Operation id or name in the published description. */
  id: string;
  method: string;
  /** The path template as a regular expression over the request path. */
  path: RegExp;
  /** Query parameters that must carry exactly this value (the api-version the description names). */
  fixed?: Record<string, string>;
  /** Every other query parameter the description declares for this operation. */
  query?: readonly string[];
}

/** The operation a request is, or null when the published description has none that matches it. */
export function publishedOperation(ops: readonly PublishedOperation[], method: string, path: string, query: URLSearchParams): PublishedOperation | null {
  for (const op of ops) {
    if (op.method !== method || !op.path.test(decodeURIComponent(path))) continue;
    const fixed = op.fixed ?? {};
    if (Object.entries(fixed).some(([k, v]) => query.get(k) !== v)) continue;
    const allowed = new Set([...Object.keys(fixed), ...(op.query ?? [])]);
    if ([...query.keys()].every((k) => allowed.has(k))) return op;
  }
  return null;
}
