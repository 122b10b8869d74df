// Faults a local endpoint injects into its answers, as networks and broken proxies produce
// them: stalls, connections cut mid-body or before any answer, bodies that are not JSON.
import type { ServerResponse } from 'node:http';

export type Fault = (res: ServerResponse) => void;

/** Declares the full length, sends half of the body, then closes the connection. */
export function truncated(body: string, contentType = 'application/json; charset=utf-8'): Fault {
  return (res) => {
    const bytes = Buffer.from(body);
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
  };
}

/** Accepts the request and never answers. */
export const stalled: Fault = () => {};

/** Sends the headers and part of the body, then nothing more. */
export function stalledBody(body: string): Fault {
  return (res) => {
    const bytes = Buffer.from(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length) });
    res.write(bytes.subarray(0, 10));
  };
}

/** Closes the connection without any answer (a reset by the server or a proxy). */
export const reset: Fault = (res) => {
  res.socket?.destroy();
};

/** A complete answer whose body is whatever is given (not JSON, an HTML error page…). */
export function raw(status: number, body: string, contentType = 'application/json; charset=utf-8', headers: Record<string, string> = {}): Fault {
  return (res) => {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(body);
  };
}
