/**
 * A loopback HTTP forwarder that records each request's method, path and headers (streaming bodies
 * through untouched), optionally refusing requests without an expected Authorization: what a test
 * puts between kagent's engine and a real server to see what the engine sent.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface RecordingProxy {
  readonly url: string;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

const MAX_RECORDED = 10_000;

export async function startRecordingProxy(target: string, opts: { requireAuthorization?: string } = {}): Promise<RecordingProxy> {
  const t = new URL(target);
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    if (requests.length < MAX_RECORDED) requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    if (opts.requireAuthorization !== undefined && req.headers.authorization !== opts.requireAuthorization) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      req.resume();
      return;
    }
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) };
}
