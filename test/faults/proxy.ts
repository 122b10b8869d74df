// A fault-injecting proxy in front of a local provider endpoint: each request is passed on,
// or answered by a fault the test picks from the request (AWS query actions name themselves
// in the body) and how many times that action was seen.
import { startLocalServer, type LocalRequest, type LocalServer } from '../../src/demo/local-server.js';
import type { Fault } from './faults.js';

export interface FaultProxy extends LocalServer {
  /** Requests per action (or path) that reached the proxy. */
  seen: Map<string, number>;
}

/** The AWS query action of a request (`ListAccessKeys`), or its path for other protocols. */
export function actionOf(req: LocalRequest): string {
  return new URLSearchParams(req.body).get('Action') ?? req.path;
}

export async function startFaultProxy(upstream: string, pick: (req: LocalRequest, n: number) => Fault | null | Promise<Fault | null>): Promise<FaultProxy> {
  const seen = new Map<string, number>();
  const server = await startLocalServer(async (req, res) => {
    const action = actionOf(req);
    const n = (seen.get(action) ?? 0) + 1;
    seen.set(action, n);
    const fault = await pick(req, n);
    if (fault) return fault(res);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
    const up = await fetch(upstream + req.url, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body });
    const body = Buffer.from(await up.arrayBuffer());
    const out: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive' && k !== 'content-encoding') out[k] = v;
    });
    res.writeHead(up.status, { ...out, 'content-length': String(body.length) });
    res.end(body);
  });
  return Object.assign(server, { seen });
}
