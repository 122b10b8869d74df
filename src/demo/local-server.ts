// A local HTTP(S) endpoint on 127.0.0.1 with an ephemeral port: what the demo serves
// recorded provider responses from, and what scanner tests point real SDKs at.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface LocalRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type LocalHandler = (req: LocalRequest, res: ServerResponse) => void | Promise<void>;

export interface LocalServer {
  /** Base URL, e.g. http://127.0.0.1:53211 */
  url: string;
  port: number;
  /** Every request served, in order (for assertions on call counts). */
  requests: LocalRequest[];
  close(): Promise<void>;
}

export interface LocalServerOptions {
  /** PEM key and certificate: serve HTTPS. */
  tls?: { key: string; cert: string };
}

export async function startLocalServer(handler: LocalHandler, opts: LocalServerOptions = {}): Promise<LocalServer> {
  const requests: LocalRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: LocalRequest = { method: req.method ?? 'GET', url: req.url ?? '/', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      Promise.resolve()
        .then(() => handler(r, res))
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`local server handler failed: ${(err as Error)?.message ?? String(err)}`);
        });
    });
  };
  const server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : createHttpServer(listener);
  // Above Node's own default: a client is told `keep-alive: timeout=N` and reuses a connection
  // only when N is over 1 s, so a 1 s timeout made every SDK request a new connection.
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
