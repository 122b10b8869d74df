// A small GitHub REST endpoint for the demo and the tests: serves recorded responses in
// GitHub's wire format, paginated with `Link` headers exactly like api.github.com
// (page/per_page query, rel="next"/"last"/"prev"/"first"), and 404 for anything else.
import type { ServerResponse } from 'node:http';
import type { components } from '@octokit/openapi-types';
import type { LocalHandler, LocalRequest } from '../../../src/demo/local-server.js';

type BasicError = components['schemas']['basic-error'];

/** A list endpoint: items served page by page; `wrap` names the array key (`{ total_count, installations: [...] }`). */
export interface FakeList {
  items: unknown[];
  wrap?: string;
  /** Page size when the client sends none (GitHub's default is 30). */
  defaultPerPage?: number;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeRouteValue = FakeList | FakeResponse;
/** A function route may answer differently per call (rate limits, failures); undefined falls through to 404. */
export type FakeRoute = FakeRouteValue | ((req: LocalRequest) => FakeRouteValue | undefined);

/**
 * Routes keyed by `METHOD /path` or, to match a filtered query, `METHOD /path?key=value`
 * (keys sorted, page/per_page ignored); the exact query key wins over the bare path.
 */
export type FakeRoutes = Record<string, FakeRoute>;

const RATE_HEADERS = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-resource': 'core', 'x-github-api-version-selected': '2022-11-28' };

export function notFound(): FakeResponse {
  const body: BasicError = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };
  return { status: 404, body };
}

export function forbidden(message = 'Resource not accessible by integration'): FakeResponse {
  const body: BasicError = { message, documentation_url: 'https://docs.github.com/rest', status: '403' };
  return { status: 403, body };
}

function routeKey(req: LocalRequest): { exact: string; bare: string } {
  const q = [...req.query.entries()].filter(([k]) => k !== 'page' && k !== 'per_page').sort(([a], [b]) => a.localeCompare(b));
  const bare = `${req.method} ${req.path}`;
  return { exact: q.length ? `${bare}?${q.map(([k, v]) => `${k}=${v}`).join('&')}` : bare, bare };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...RATE_HEADERS, ...headers });
  res.end(text);
}

function pageUrl(req: LocalRequest, page: number, perPage: number): string {
  const params = new URLSearchParams(req.query);
  params.set('per_page', String(perPage));
  params.set('page', String(page));
  return `http://${req.headers.host ?? '127.0.0.1'}${req.path}?${params.toString()}`;
}

function serveList(req: LocalRequest, res: ServerResponse, list: FakeList): void {
  const perPage = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? list.defaultPerPage ?? 30)));
  const page = Math.max(1, Number(req.query.get('page') ?? 1));
  const last = Math.max(1, Math.ceil(list.items.length / perPage));
  const slice = list.items.slice((page - 1) * perPage, page * perPage);
  const links: string[] = [];
  if (page < last) links.push(`<${pageUrl(req, page + 1, perPage)}>; rel="next"`, `<${pageUrl(req, last, perPage)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(req, 1, perPage)}>; rel="first"`, `<${pageUrl(req, page - 1, perPage)}>; rel="prev"`);
  const body = list.wrap ? { total_count: list.items.length, [list.wrap]: slice } : slice;
  send(res, 200, body, links.length ? { link: links.join(', ') } : {});
}

export function gitHubHandler(routes: FakeRoutes): LocalHandler {
  // GitHub treats owner and repository names case-insensitively; so does this endpoint.
  const table = new Map(Object.entries(routes).map(([k, v]) => [k.toLowerCase(), v]));
  return (req, res) => {
    const { exact, bare } = routeKey(req);
    const route = table.get(exact.toLowerCase()) ?? table.get(bare.toLowerCase());
    const value = typeof route === 'function' ? route(req) : route;
    if (!value) {
      const nf = notFound();
      send(res, nf.status, nf.body);
      return;
    }
    if ('items' in value) serveList(req, res, value);
    else send(res, value.status, value.body, value.headers);
  };
}
