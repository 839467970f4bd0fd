/**
 * `serveAgent`: an agent process on the platform contract. Port `a2a` serves A2A 0.3 JSON-RPC
 * (the `@a2a-js/sdk` request handler: `message/send`, `message/stream`, `tasks/*`), the card,
 * the chat SSE route and health; port `metrics` serves the catalog's metrics.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentCard as A2aCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore, JsonRpcTransportHandler, ServerCallContext } from '@a2a-js/sdk/server';
import { A2A_ROUTE_HEADER } from '../constructs/contracts';
import { CardDefaults, loadCard } from './card';
import { ChatHandler, parseChatBody, serveChat, sseEvent } from './chat';
import { FALLBACK_SKILL_HEADER, SKILL_HEADER, withIncomingLineage } from './lineage';
import { AgentMetrics, FailureReason } from './metrics';
import { readPlatformSettings } from './settings';
import { CallState, callStore, SkillExecutor, SkillHandler } from './skill-executor';

/** Options of {@link serveAgent}. */
export interface ServeAgentOptions {
  /** Skill id -> handler; the ids must be the skills of the card. */
  readonly skills: Readonly<Record<string, SkillHandler>>;
  /** Chat handler of the public chat route. @default - chat answers 404 */
  readonly chat?: ChatHandler;
  /** Card fields used when the platform mounts no card (local runs). @default - derived */
  readonly card?: CardDefaults;
  /** A2A port. @default - `A2A_PORT`, else 8080 */
  readonly port?: number;
  /** Metrics port. @default - `A2A_METRICS_PORT`, else 9090 */
  readonly metricsPort?: number;
  /** Interface to listen on. @default - `A2A_HOST`, else '0.0.0.0' (the pod IP) */
  readonly host?: string;
  /** Environment to read the platform settings from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** How long in-flight requests may finish after SIGTERM or `close()`, ms. @default 25000 */
  readonly shutdownGraceMs?: number;
  /** Close gracefully on SIGTERM/SIGINT. @default true */
  readonly handleSignals?: boolean;
  /** Largest request body, bytes. @default 1048576 */
  readonly maxBodyBytes?: number;
  /** Also export Node process metrics. @default true */
  readonly processMetrics?: boolean;
}

/** A running agent. */
export interface RunningAgent {
  /** `http://host:port` of the A2A port. */
  readonly url: string;
  readonly metricsUrl: string;
  readonly card: A2aCard;
  readonly metrics: AgentMetrics;
  /** Stops taking requests, lets in-flight ones finish (up to the grace), then closes. */
  close(): Promise<void>;
}

const CARD_PATHS = new Set(['/.well-known/agent-card.json', '/.well-known/agent.json']);
const ROUTE_SKILL = /^\/api\/v1\/internal\/a2a\/[^/]+\/[^/]+\/([a-z0-9-]+)\/?$/;
const CHAT_PATH = /^\/(api\/v1\/agents\/[^/]+\/[^/]+\/)?chat\/?$/;

/**
 * Starts an agent: A2A and chat on the `a2a` port, metrics on the `metrics` port.
 *
 * @example
 * await serveAgent({
 *   skills: { refund: async ({ text }) => `refunded: ${text}` },
 *   chat: async function* ({ message }) { yield `you said ${message}`; },
 * });
 */
export async function serveAgent(opts: ServeAgentOptions): Promise<RunningAgent> {
  const settings = readPlatformSettings(opts.env);
  const env = opts.env ?? process.env;
  const host = opts.host ?? (env.A2A_HOST || '0.0.0.0');
  const skillIds = Object.keys(opts.skills);
  if (skillIds.length === 0) throw new Error('serveAgent: skills is empty; give at least one handler, e.g. skills: { answer: async ({ text }) => text }');
  const metrics = new AgentMetrics({ processMetrics: opts.processMetrics ?? true });
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  // Set once listening (a local card's url is the listening address).
  const live: { card?: A2aCard; transport?: JsonRpcTransportHandler } = {};
  let inFlight = 0;
  let draining = false;
  const idle: Array<() => void> = [];
  const shutdown = new AbortController();

  const server = http.createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      if (--inFlight === 0) idle.splice(0).forEach((f) => f());
    });
    _route(req, res).catch((e) => {
      if (!res.headersSent) _json(res, 500, { error: (e as Error).message });
      else res.end();
    });
  });

  const _route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET') {
      if (CARD_PATHS.has(path)) return _json(res, 200, live.card);
      if (path === '/healthz') return _text(res, 200, 'ok');
      if (path === '/readyz') return draining ? _text(res, 503, 'draining') : _text(res, 200, 'ready');
      return _text(res, 404, 'not found');
    }
    if (req.method !== 'POST') return _text(res, 405, 'method not allowed');
    if (draining) {
      res.setHeader('connection', 'close');
      return _text(res, 503, 'agent is shutting down');
    }
    let body: any;
    try {
      body = JSON.parse(await _readBody(req, maxBody));
    } catch (e) {
      if ((e as Error).message.startsWith('body')) return _text(res, 413, (e as Error).message);
      return _json(res, 200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the body is not JSON' } });
    }
    // The gateway rewrites both routes to `/`: JSON-RPC bodies are A2A, anything else is chat.
    const isRpc = body && body.jsonrpc === '2.0' && typeof body.method === 'string';
    if (!isRpc && (CHAT_PATH.test(path) || path === '/')) return _chat(req, res, body);
    if (!isRpc) return _json(res, 400, { error: 'not a JSON-RPC 2.0 request' });
    // The public chat route marks its requests: end users get chat, never a skill.
    if (req.headers[A2A_ROUTE_HEADER.toLowerCase()] === 'chat') {
      return _json(res, 403, { jsonrpc: '2.0', id: body.id ?? null, error: { code: -32600, message: 'A2A is not served on the public chat route; agents call the internal routes /api/v1/internal/a2a/...' } });
    }
    return _a2a(req, res, path, body);
  };

  const _chat = async (req: http.IncomingMessage, res: http.ServerResponse, body: unknown): Promise<void> => {
    if (!opts.chat) return _json(res, 404, { error: 'this agent has no chat handler (serveAgent({ chat }))' });
    let input;
    try {
      input = parseChatBody(body);
    } catch (e) {
      return _json(res, 400, { error: (e as Error).message });
    }
    const gone = _abortOnClose(req, res);
    await withIncomingLineage(req.headers, 'chat', (l) => serveChat(opts.chat!, input, res, { traceId: l.traceId, requestId: l.requestId, signal: gone }));
  };

  const _a2a = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, body: any): Promise<void> => {
    const isCall = body.method === 'message/send' || body.method === 'message/stream';
    const skill = isCall ? _resolveSkill(path, req.headers, body, skillIds) : { skill: '' };
    if ('error' in skill) {
      return _json(res, 200, { jsonrpc: '2.0', id: body.id ?? null, error: { code: -32602, message: skill.error } });
    }
    const started = performance.now();
    const gone = _abortOnClose(req, res);
    await withIncomingLineage(req.headers, `a2a ${body.method}`, async (l) => {
      const state: CallState = { skill: skill.skill, caller: l.caller, traceId: l.traceId, requestId: l.requestId, signal: gone };
      // The SDK runs the executor while the stream is read: the whole exchange runs in the call's store.
      let failure = await callStore.run(state, () => _exchange(res, body));
      if (isCall) {
        if (gone.aborted && !res.writableFinished) failure = 'cancelled';
        metrics.served(skill.skill, l.caller ?? 'unknown', performance.now() - started, state.failure ?? failure);
      }
    });
  };

  /** Runs one JSON-RPC request through the SDK's transport and writes the answer (JSON or SSE). */
  const _exchange = async (res: http.ServerResponse, body: any): Promise<FailureReason | undefined> => {
    const rpcError = (e: unknown) => ({ jsonrpc: '2.0', id: body.id ?? null, error: { code: -32603, message: (e as Error).message } });
    let failure: FailureReason | undefined;
    try {
      const out = await live.transport!.handle(body, new ServerCallContext());
      if (typeof (out as AsyncGenerator<unknown>)?.[Symbol.asyncIterator] !== 'function') {
        const r = out as any;
        if (r?.error) failure = 'a2a_error';
        else if (r?.result?.kind === 'task' && r.result.status?.state === 'failed') failure = 'error';
        _json(res, 200, r);
        return failure;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      try {
        for await (const ev of out as AsyncGenerator<any>) {
          if (ev?.error) failure = 'a2a_error';
          if (ev?.result?.kind === 'status-update' && ev.result.status?.state === 'failed') failure ??= 'error';
          res.write(`data: ${JSON.stringify(ev)}\n\n`);
        }
      } catch (e) {
        failure = 'error';
        res.write(sseEvent('error', rpcError(e)));
      }
      res.end();
    } catch (e) {
      failure = 'error';
      if (!res.headersSent) _json(res, 200, rpcError(e));
      else res.end();
    }
    return failure;
  };

  const _abortOnClose = (req: http.IncomingMessage, res: http.ServerResponse): AbortSignal => {
    const ac = new AbortController();
    const stop = () => ac.abort();
    shutdown.signal.addEventListener('abort', stop, { once: true });
    res.on('close', () => {
      shutdown.signal.removeEventListener('abort', stop);
      if (!res.writableFinished) ac.abort();
    });
    void req;
    return ac.signal;
  };

  const port = opts.port ?? settings.a2aPort;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const addr = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${addr.port}`;
  const self = settings.self;
  let card: A2aCard;
  try {
    ({ card } = loadCard(settings.cardFile, opts.card ?? {}, skillIds, self?.agent ?? 'agent', `${url}/`));
  } catch (e) {
    server.close();
    throw e;
  }
  live.card = card;
  live.transport = new JsonRpcTransportHandler(new DefaultRequestHandler(card, new InMemoryTaskStore(), new SkillExecutor(opts.skills)));
  let metricsServer: http.Server;
  try {
    metricsServer = await metrics.listen(opts.metricsPort ?? settings.metricsPort, settings.metricsPath, host);
  } catch (e) {
    server.close();
    throw new Error(`serveAgent: the metrics port ${opts.metricsPort ?? settings.metricsPort} cannot be opened (${(e as Error).message}); set A2A_METRICS_PORT to a free port`);
  }
  const mAddr = metricsServer.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => closing ??= (async () => {
    draining = true;
    server.close();
    server.closeIdleConnections();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, opts.shutdownGraceMs ?? 25000);
        t.unref();
        idle.push(() => { clearTimeout(t); resolve(); });
      });
    }
    shutdown.abort();
    server.closeAllConnections();
    await new Promise<void>((r) => metricsServer.close(() => r()));
  })();
  if (opts.handleSignals ?? true) {
    const onSignal = () => { void close().then(() => process.exit(0)); };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { url, metricsUrl: `${url.replace(/:\d+$/, '')}:${mAddr.port}${settings.metricsPath}`, card, metrics, close };
}

/**
 * The skill of an A2A call: the internal route's path, else the `X-A2A-Skill` header, else
 * `message.metadata.skillId` (set by `callSkill`), else the agent's only skill. Sources that
 * disagree are an error, so a caller cannot reach another skill than its route allows. A call the
 * gateway's fallback resent here names a skill this agent lacks and, in `X-A2A-Fallback-Skill`
 * (the gateway's too), the skill to serve instead.
 */
export function _resolveSkill(path: string, headers: http.IncomingHttpHeaders, body: any, skillIds: readonly string[]): { skill: string } | { error: string } {
  const fromPath = ROUTE_SKILL.exec(path)?.[1];
  const h = headers[SKILL_HEADER.toLowerCase()];
  const fromHeader = Array.isArray(h) ? h[0] : h;
  const meta = body?.params?.message?.metadata?.skillId;
  const fromMeta = typeof meta === 'string' ? meta : undefined;
  const named = [fromPath, fromHeader, fromMeta].filter((s): s is string => !!s);
  // The gateway's fallback resent a call for a skill this agent lacks: serve the skill it named as the fallback.
  const fb = headers[FALLBACK_SKILL_HEADER.toLowerCase()];
  const fallback = Array.isArray(fb) ? fb[0] : fb;
  if (fallback && fromHeader && !skillIds.includes(fromHeader) && skillIds.includes(fallback) && named.every((n) => n === fromHeader)) {
    return { skill: fallback };
  }
  if (new Set(named).size > 1) return { error: `the request names different skills (${[...new Set(named)].map((s) => `"${s}"`).join(', ')}); send one` };
  const skill = named[0] ?? (skillIds.length === 1 ? skillIds[0] : undefined);
  if (!skill) return { error: `which skill? this agent has ${skillIds.map((s) => `"${s}"`).join(', ')}; call its route /api/v1/internal/a2a/<tenant>/<agent>/<skill>, or set message.metadata.skillId` };
  if (!skillIds.includes(skill)) return { error: `this agent has no skill "${skill}"; its skills are ${skillIds.map((s) => `"${s}"`).join(', ')}` };
  return { skill };
}

function _readBody(req: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c); // past the limit the rest is read and dropped, so a 413 can still be sent
    });
    req.on('end', () => (size > max ? reject(new Error(`body over ${max} bytes; send less (maxBodyBytes)`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function _json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function _text(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}
