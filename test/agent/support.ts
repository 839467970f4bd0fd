/** Helpers of the agent SDK tests: agents on 127.0.0.1 ephemeral ports, a recording gateway, SSE reading. */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningAgent, serveAgent, ServeAgentOptions } from '../../agent';

const ROOT = path.join(__dirname, '..', '..');

/** Env of a local agent: loopback, free ports, no mounted card. */
export function localEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { A2A_HOST: '127.0.0.1', A2A_PORT: '0', A2A_METRICS_PORT: '0', A2A_AGENT_CARD_FILE: '/nonexistent/agent-card.json', A2A_TOKEN_FILE: '', ...extra };
}

/** An in-process SDK agent on loopback. */
export function startAgent(opts: Omit<ServeAgentOptions, 'env'> & { env?: Record<string, string> }): Promise<RunningAgent> {
  return serveAgent({ handleSignals: false, processMetrics: false, ...opts, env: localEnv(opts.env) });
}

/** The reference agent (examples/byo-agent) as a child process; resolves with its URLs. */
export async function startExampleAgent(env: Record<string, string> = {}): Promise<{ url: string; metricsUrl: string; child: ChildProcess; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'examples', 'byo-agent', 'agent.ts')], {
    env: { ...process.env, ...localEnv(env) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c) => { err += c; });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /agent listening on .*\n/.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`example agent exited ${code}: ${err}`)));
  });
  const [, url, metricsUrl] = /listening on (\S+) metrics (\S+)/.exec(line)!;
  return {
    url, metricsUrl, child,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    }),
  };
}

/** A request seen by a {@link startGateway}. */
export interface SeenRequest { readonly path: string; readonly headers: http.IncomingHttpHeaders; readonly body?: string }

/**
 * A stand-in for the gateway's internal A2A route: records every request and answers with
 * `respond` (by default it forwards to `upstream`, keeping method, path, headers and body).
 */
export async function startGateway(respond: (req: http.IncomingMessage, res: http.ServerResponse, body: string, n: number) => void, cardUpstream?: string): Promise<{ url: string; seen: SeenRequest[]; cards: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  // Card reads (callSkill learning the callee's A2A version) are not calls: kept apart, forwarded to the callee's card.
  const cards: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && (req.url ?? '').endsWith('/.well-known/agent-card.json')) {
        cards.push({ path: req.url ?? '/', headers: req.headers });
        if (cardUpstream) {
          void fetch(`${cardUpstream}/.well-known/agent-card.json`, { headers: { 'a2a-version': String(req.headers['a2a-version'] ?? '') } })
            .then(async (up) => res.writeHead(up.status, { 'content-type': 'application/json' }).end(await up.text()), () => res.destroy());
        } else {
          res.writeHead(404).end();
        }
        return;
      }
      seen.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      respond(req, res, Buffer.concat(chunks).toString('utf8'), seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen, cards,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Forwards a request to `upstream` (an agent URL) as the gateway would, path rewritten to `/`. */
export function forward(upstream: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    const out = http.request(`${upstream}/`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    out.end(body);
  };
}

/** Parses a Server-Sent Events body into `{event, data}` records. */
export function parseSse(text: string): Array<{ event: string; data: any }> {
  return text.split('\n\n').filter((b) => b.trim()).map((block) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    return { event, data: JSON.parse(data.join('\n')) };
  });
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-sdk-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a file the way Kubernetes updates a mounted Secret: a new file swapped in by rename. */
export function rotateFile(file: string, content: string): void {
  const tmp = `${file}.${process.hrtime.bigint()}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** A JSON-RPC `message/send` body (A2A 0.3). */
export function rpcSend(text: string, id: string | number = 1, metadata?: Record<string, unknown>): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method: 'message/send', params: { message: { kind: 'message', role: 'user', messageId: `m-${id}`, parts: [{ kind: 'text', text }], ...(metadata ? { metadata } : {}) } } };
}

/** A JSON-RPC `SendMessage` body (A2A 1.0; send it with `A2A-Version: 1.0`). */
export function rpcSendV1(text: string, id: string | number = 1, metadata?: Record<string, unknown>): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method: 'SendMessage', params: { message: { role: 'ROLE_USER', messageId: `m-${id}`, parts: [{ text }], ...(metadata ? { metadata } : {}) } } };
}
