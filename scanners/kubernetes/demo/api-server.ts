// A local endpoint that answers the list calls the scanner makes, from a ClusterEstate, in the
// Kubernetes API's wire format: `limit`/`continue` paging with `metadata.resourceVersion`,
// field selectors on Secret type, metadata-only lists (PartialObjectMetadataList) when asked,
// and `Status` objects for failures.
import type { ServerResponse } from 'node:http';
import type { LocalRequest } from '../../../src/demo/local-server.js';

type Json = Record<string, unknown>;

/** Objects by resource plural (`serviceaccounts`, `clusterroles`…), each with metadata. */
export interface ClusterEstate {
  /** Bearer token the server accepts. */
  token: string;
  resources: Record<string, Json[]>;
}

export interface HookResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiServerOptions {
  /** Largest page served, whatever `limit` asks. */
  maxPage?: number;
  /** Ignore the metadata-only Accept and send whole objects (as a server without that support would). */
  fullObjectsOnly?: boolean;
  /** Answer some requests differently (throttling, forbidden, expired continue) in tests. */
  hook?: (req: LocalRequest) => HookResult | undefined;
}

const KINDS: Record<string, { kind: string; apiVersion: string }> = {
  serviceaccounts: { kind: 'ServiceAccount', apiVersion: 'v1' },
  secrets: { kind: 'Secret', apiVersion: 'v1' },
  pods: { kind: 'Pod', apiVersion: 'v1' },
  deployments: { kind: 'Deployment', apiVersion: 'apps/v1' },
  statefulsets: { kind: 'StatefulSet', apiVersion: 'apps/v1' },
  daemonsets: { kind: 'DaemonSet', apiVersion: 'apps/v1' },
  cronjobs: { kind: 'CronJob', apiVersion: 'batch/v1' },
  roles: { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1' },
  rolebindings: { kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1' },
  clusterroles: { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1' },
  clusterrolebindings: { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1' },
};
const GROUPS: Record<string, string> = { deployments: 'apps', statefulsets: 'apps', daemonsets: 'apps', cronjobs: 'batch' };

export function status(code: number, reason: string, message: string, details: Json = {}): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

export function forbidden(resource: string, user = 'system:serviceaccount:nhi:scanner'): Json {
  const group = GROUPS[resource] ?? (resource.startsWith('cluster') || resource.startsWith('role') ? 'rbac.authorization.k8s.io' : '');
  return status(403, 'Forbidden', `${resource} is forbidden: User "${user}" cannot list resource "${resource}" in API group "${group}" at the cluster scope`, { kind: resource, ...(group ? { group } : {}) });
}

export const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/** `/api/v1[/namespaces/<ns>]/<res>` or `/apis/<group>/<version>[/namespaces/<ns>]/<res>`. */
function route(path: string): { namespace: string | null; resource: string } | null {
  const m = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(path);
  return m ? { namespace: m[1] ?? null, resource: m[2] as string } : null;
}

/** The opaque continue token: the resourceVersion of the list and the offset of the next item. */
const encodeContinue = (rv: string, offset: number) => Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: String(offset) })).toString('base64');
function decodeContinue(token: string): { rv: string; offset: number } | null {
  try {
    const j = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv: number; start: string };
    return { rv: String(j.rv), offset: Number(j.start) };
  } catch {
    return null;
  }
}

export function kubernetesApiHandler(estate: ClusterEstate, opts: ApiServerOptions = {}) {
  const resourceVersion = '48213';
  return (req: LocalRequest, res: ServerResponse) => {
    const hooked = opts.hook?.(req);
    if (hooked) return send(res, hooked.status, hooked.body, hooked.headers);
    if (req.headers.authorization !== `Bearer ${estate.token}`) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const r = route(req.path);
    const type = r ? KINDS[r.resource] : undefined;
    if (!r || !type || req.method !== 'GET') return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource', {}));
    let items = (estate.resources[r.resource] ?? []).filter((o) => r.namespace === null || (o.metadata as Json)?.namespace === r.namespace);
    const selector = req.query.get('fieldSelector');
    if (selector) {
      const m = /^type=(.+)$/.exec(selector);
      if (!m || r.resource !== 'secrets') return send(res, 400, status(400, 'BadRequest', `"${selector}" is not a known field selector: only "metadata.name", "metadata.namespace"`));
      items = items.filter((o) => o.type === m[1]);
    }
    const limit = Math.min(Number(req.query.get('limit') ?? 0) || items.length || 1, opts.maxPage ?? 500);
    const token = req.query.get('continue');
    let offset = 0;
    if (token) {
      const c = decodeContinue(token);
      if (!c) return send(res, 400, status(400, 'BadRequest', 'continue key is not valid: illegal base64 data'));
      offset = c.offset;
    }
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? encodeContinue(resourceVersion, offset + limit) : undefined;
    const meta: Json = { resourceVersion, ...(next ? { continue: next, ...(selector ? {} : { remainingItemCount: items.length - offset - limit }) } : {}) };
    const metadataOnly = !opts.fullObjectsOnly && /as=PartialObjectMetadataList/.test(String(req.headers.accept ?? ''));
    if (metadataOnly) {
      return send(res, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: meta,
        items: page.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })),
      });
    }
    // A list's items omit kind and apiVersion; the list carries them.
    send(res, 200, { kind: `${type.kind}List`, apiVersion: type.apiVersion, metadata: meta, items: page });
  };
}
