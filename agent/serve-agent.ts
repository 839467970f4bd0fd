/**
 * `serveAgent`: an agent process on the platform contract. Port `a2a` serves A2A 1.0 and 0.3 on
 * both the JSON-RPC binding (POST `/`: `SendMessage`, `SendStreamingMessage`, `GetTask`,
 * `CancelTask`, ... and `message/send`, `tasks/get`, ...) and the HTTP+JSON binding
 * (`/message:send`, `/tasks/{id}`, ...; 0.3 under `/v1/...`), with the `@a2a-js/sdk` request
 * handler and its 0.3 compatibility layer; plus the card, the chat SSE route and health. Port
 * `metrics` serves the catalog's metrics.
 *
 * Bounded by default (each configurable): tasks kept, body size and time, header/request/idle
 * times. Every A2A error is a JSON-RPC error with the request's id; a stream is always
 * `text/event-stream`.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentCard as SdkCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, JsonRpcTransportHandler, ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { restHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import express from 'express';
import { A2A_ROUTE_HEADER } from '../constructs/contracts';
import type { AgentCardV1 } from '../constructs/agent-card-v1';
import { negotiate, requestedVersion, supportedVersions } from './a2a-version';
import { CardDefaults, loadCard } from './card';
import { CardEndpoint } from './card-endpoint';
import { ChatHandler, parseChatBody, serveChat } from './chat';
import { BodyLimitError, readBody } from './http-body';
import { FALLBACK_SKILL_HEADER, SKILL_HEADER, withIncomingLineage } from './lineage';
import { AgentMetrics, FailureReason } from './metrics';
import { readPlatformSettings } from './settings';
import { CallState, callStore, SkillExecutor, SkillHandler, skillErrorLog } from './skill-executor';
import { ResultCache, ResultCacheLimits } from './result-cache';
import { BoundedTaskStore, TaskStoreLimits } from './task-store';

/** Server time limits, ms. */
export interface ServerTimeouts {
  /** Until the request headers are in. @default 10000 */
  readonly headersMs?: number;
  /** Until the whole body is in, from the first byte read (slow bodies are cut off). @default 30000 */
  readonly bodyMs?: number;
  /** A connection with no traffic either way is closed (also bounds a silent stream). @default 120000 */
  readonly idleMs?: number;
  /** A kept-alive connection waiting for its next request. @default 5000 */
  readonly keepAliveMs?: number;
}

/** Options of {@link serveAgent}. */
export interface ServeAgentOptions {
  /** Skill id -> handler; the ids must be the skills of the card. */
  readonly skills: Readonly<Record<string, SkillHandler>>;
  /**
   * The skill of a message that names none (no route, `X-A2A-Skill` or `metadata.skillId`);
   * `null`: such a message gets -32602 naming the skills. @default - the first skill
   */
  readonly defaultSkill?: string | null;
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
  /** Largest request body, bytes; past it reading stops, 413 is answered and the connection closed. @default 1048576 */
  readonly maxBodyBytes?: number;
  /** Server time limits. @default - see {@link ServerTimeouts} */
  readonly timeouts?: ServerTimeouts;
  /** Task store: bounds of the built-in one, or your own `TaskStore` (e.g. a database). @default { maxTasks: 1000, ttlMs: 3600000 } */
  readonly taskStore?: TaskStoreLimits | TaskStore;
  /**
   * Bounds of the cache of deterministic skills' answers (each skill's TTL comes from the platform,
   * `A2A_SKILL_CACHE`, i.e. the skill's `cacheTtlSeconds`). @default { maxEntries: 1000, maxEntryBytes: 16384 }
   */
  readonly resultCache?: ResultCacheLimits;
  /** Also export Node process metrics. @default true */
  readonly processMetrics?: boolean;
}

/** A running agent. */
export interface RunningAgent {
  /** `http://host:port` of the A2A port. */
  readonly url: string;
  readonly metricsUrl: string;
  /** The A2A 1.0 card. */
  readonly card: AgentCardV1;
  readonly metrics: AgentMetrics;
  /** Stops taking requests, lets in-flight ones finish (up to the grace), then closes. */
  close(): Promise<void>;
}

const CARD_PATHS = new Set(['/.well-known/agent-card.json', '/.well-known/agent.json']);
const ROUTE_PREFIX = /^\/api\/v1\/internal\/a2a\/[^/]+\/[^/]+\/([a-z0-9-]+)(?=\/|$)/;
const ROUTE_SKILL = /^\/api\/v1\/internal\/a2a\/[^/]+\/[^/]+\/([a-z0-9-]+)\/?$/;
const CHAT_PATH = /^\/(api\/v1\/agents\/[^/]+\/[^/]+\/)?chat\/?$/;
/** HTTP+JSON binding paths (1.0, 0.3 under /v1, optionally under a tenant). */
const REST_PATH = /^(\/[^/]+)?\/(v1\/)?(message:(send|stream)|tasks(\/.*)?|extendedAgentCard|card)$/;
const CALL_METHODS = new Set(['message/send', 'message/stream', 'SendMessage', 'SendStreamingMessage']);
const STREAM_METHODS = new Set(['message/stream', 'tasks/resubscribe', 'SendStreamingMessage', 'SubscribeToTask']);
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };

type RpcId = string | number | null;

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
  const defaultSkill = opts.defaultSkill === undefined ? skillIds[0] : opts.defaultSkill;
  if (defaultSkill !== null && !skillIds.includes(defaultSkill)) throw new Error(`serveAgent: defaultSkill "${defaultSkill}" is not one of the skills ${skillIds.map((s) => `"${s}"`).join(', ')}; name one of them, or null to require every message to name its skill`);
  const metrics = new AgentMetrics({ processMetrics: opts.processMetrics ?? true });
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const t = { headersMs: 10_000, bodyMs: 30_000, idleMs: 120_000, keepAliveMs: 5_000, ...opts.timeouts };
  // Set once listening (a local card's url is the listening address).
  const live: { card?: AgentCardV1; cardEndpoint?: CardEndpoint; v1?: JsonRpcTransportHandler; v03?: LegacyJsonRpcTransportHandler; rest?: express.Express; versions?: Set<string> } = {};
  let inFlight = 0;
  let draining = false;
  const idle: Array<() => void> = [];
  const shutdown = new AbortController();

  const server = http.createServer({
    headersTimeout: t.headersMs,
    requestTimeout: t.bodyMs + t.headersMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(t.headersMs / 2))),
  }, (req, res) => {
    inFlight++;
    res.on('close', () => {
      if (--inFlight === 0) idle.splice(0).forEach((f) => f());
    });
    _route(req, res).catch((e) => _internalError(res, null, e));
  });
  server.setTimeout(t.idleMs, (socket) => socket.destroy());

  const _route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const fullPath = (req.url ?? '/').split('?')[0];
    const path = fullPath.replace(ROUTE_PREFIX, '') || '/';
    if (req.method === 'GET' && CARD_PATHS.has(path)) return live.cardEndpoint!.serve(req, res);
    if (req.method === 'GET' && path === '/healthz') return _text(res, 200, 'ok');
    if (req.method === 'GET' && path === '/readyz') return draining ? _text(res, 503, 'draining') : _text(res, 200, 'ready');
    const rest = REST_PATH.test(path);
    if (req.method !== 'POST' && !rest) return req.method === 'GET' ? _text(res, 404, 'not found') : _text(res, 405, 'method not allowed');
    if (draining) {
      res.setHeader('connection', 'close');
      return _text(res, 503, 'agent is shutting down');
    }
    let raw: Buffer;
    try {
      raw = req.method === 'GET' || req.method === 'DELETE' ? Buffer.alloc(0) : await readBody(req, maxBody, t.bodyMs);
    } catch (e) {
      if (!(e instanceof BodyLimitError)) throw e;
      // Stop here: answer, then close, so the rest of the body is never read.
      res.shouldKeepAlive = false;
      const text = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: e.message } });
      res.writeHead(e.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
      res.end(text, () => req.socket.destroy());
      return;
    }
    let body: any;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      if (rest) return _json(res, 400, { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'the body is not JSON' } });
      return _rpcError(res, path, undefined, null, -32700, 'Parse error: the body is not JSON');
    }
    if (rest) return _rest(req, res, fullPath, path, body);
    const isRpc = Array.isArray(body) || (typeof body === 'object' && body !== null && ('jsonrpc' in body || 'method' in body));
    if (!isRpc && (CHAT_PATH.test(path) || path === '/') && (opts.chat || _looksLikeChat(body))) return _chat(req, res, body);
    const id = _idOf(body);
    if (Array.isArray(body)) return _rpcError(res, path, undefined, null, -32600, 'Invalid Request: JSON-RPC batches are not supported by A2A; send one request per POST');
    if (!isRpc || body.jsonrpc !== '2.0' || typeof body.method !== 'string') {
      return _rpcError(res, path, body?.method, id, -32600, 'Invalid Request: send a JSON-RPC 2.0 request {"jsonrpc":"2.0","id":...,"method":"SendMessage","params":{...}}');
    }
    // The public chat route marks its requests: end users get chat, never a skill.
    if (req.headers[A2A_ROUTE_HEADER.toLowerCase()] === 'chat') {
      return _rpcError(res, path, body.method, id, -32600, 'A2A is not served on the public chat route; agents call the internal routes /api/v1/internal/a2a/...', 403);
    }
    return _jsonRpc(req, res, fullPath, body, id);
  };

  const _chat = async (req: http.IncomingMessage, res: http.ServerResponse, body: unknown): Promise<void> => {
    if (!opts.chat) return _json(res, 404, { error: 'this agent has no chat handler (serveAgent({ chat }))' });
    let input;
    try {
      input = parseChatBody(body);
    } catch (e) {
      return _json(res, 400, { error: (e as Error).message });
    }
    const gone = _abortOnClose(res);
    await withIncomingLineage(req.headers, 'chat', (l) => serveChat(opts.chat!, input, res, { traceId: l.traceId, requestId: l.requestId, signal: gone }));
  };

  /** Runs `fn` for one A2A call in its lineage and call state, then records the call. */
  const _served = async (req: http.IncomingMessage, res: http.ServerResponse, name: string, skill: string | undefined, stream: boolean, fn: () => Promise<FailureReason | undefined>): Promise<void> => {
    const started = performance.now();
    const gone = _abortOnClose(res);
    await withIncomingLineage(req.headers, `a2a ${name}`, async (l) => {
      // The gateway's caller header, read in lineage.ts (the one place it is derived).
      const caller = l.caller;
      const state: CallState = { skill: skill ?? '', caller, traceId: l.traceId, requestId: l.requestId, signal: gone, stream };
      // The SDK runs the executor while the stream is read: the whole exchange runs in the call's store.
      let failure = await callStore.run(state, fn);
      if (skill !== undefined) {
        if (gone.aborted && !res.writableFinished) failure = 'cancelled';
        metrics.served(skill, caller ?? 'unknown', performance.now() - started, state.failure ?? failure);
      }
    });
  };

  const _jsonRpc = async (req: http.IncomingMessage, res: http.ServerResponse, path: string, body: any, id: RpcId): Promise<void> => {
    const method: string = body.method;
    const stream = STREAM_METHODS.has(method);
    const v = negotiate(requestedVersion(req), method, live.versions!);
    if ('error' in v) return _rpcError(res, path, method, id, v.error.code, v.error.message);
    const isCall = CALL_METHODS.has(method);
    const skill = isCall ? _resolveSkill(path, req.headers, body?.params?.message?.metadata, skillIds, defaultSkill) : undefined;
    if (skill && 'error' in skill) return _rpcError(res, path, method, id, -32602, skill.error);
    const context = new ServerCallContext({ requestedVersion: v.version });
    const transport = v.version === '1.0' ? live.v1! : live.v03!;
    await _served(req, res, method, skill?.skill, stream, () => _exchange(res, transport, body, id, stream, context));
  };

  /** Runs one JSON-RPC request through the SDK's transport and writes the answer (JSON, or SSE for stream methods). */
  const _exchange = async (res: http.ServerResponse, transport: JsonRpcTransportHandler | LegacyJsonRpcTransportHandler, body: any, id: RpcId, stream: boolean, context: ServerCallContext): Promise<FailureReason | undefined> => {
    let failure: FailureReason | undefined;
    let out: any;
    try {
      out = await transport.handle(body, context);
    } catch (e) {
      _internalError(res, id, e, stream);
      return 'error';
    }
    if (typeof out?.[Symbol.asyncIterator] !== 'function') {
      const r = { ...out, id };
      if (r.error) failure = 'a2a_error';
      if (stream) {
        res.writeHead(200, SSE_HEADERS);
        res.end(r.error ? _sseError(r) : `data: ${JSON.stringify(r)}\n\n`);
      } else {
        _json(res, 200, r);
      }
      return failure;
    }
    res.writeHead(200, SSE_HEADERS);
    try {
      for await (const ev of out as AsyncGenerator<any>) {
        if (ev?.error) failure = 'a2a_error';
        if (!res.write(ev?.error ? _sseError({ ...ev, id }) : `data: ${JSON.stringify({ ...ev, id })}\n\n`)) {
          await new Promise<void>((r) => { res.once('drain', r); res.once('close', r); });
        }
        if (res.destroyed) break;
      }
    } catch (e) {
      failure = 'error';
      res.write(_sseError({ jsonrpc: '2.0', id, error: { code: -32603, message: _logInternal(e) } }));
    }
    res.end();
    return failure;
  };

  const _rest = async (req: http.IncomingMessage, res: http.ServerResponse, fullPath: string, path: string, body: any): Promise<void> => {
    const isCall = req.method === 'POST' && /\/message:(send|stream)$/.test(path);
    const skill = isCall ? _resolveSkill(fullPath, req.headers, body?.message?.metadata, skillIds, defaultSkill) : undefined;
    if (skill && 'error' in skill) {
      const message = skill.error;
      // 0.3 REST errors are bare {code, message}; 1.0 ones google.rpc.Status.
      return _json(res, 400, /^(\/[^/]+)?\/v1\//.test(path) ? { code: -32602, message } : { error: { code: 400, status: 'INVALID_ARGUMENT', message } });
    }
    (req as any).body = body ?? {};
    req.url = path + ((req.url ?? '').includes('?') ? req.url!.slice(req.url!.indexOf('?')) : '');
    await _served(req, res, `${req.method} ${path}`, skill?.skill, path.endsWith(':stream'), () => new Promise((resolve) => {
      res.once('close', () => resolve(res.statusCode >= 400 ? 'a2a_error' : undefined));
      live.rest!(req as express.Request, res as express.Response);
    }));
  };

  /** A JSON-RPC error with the request's id: as SSE for stream methods, else JSON. */
  const _rpcError = (res: http.ServerResponse, _path: string, method: unknown, id: RpcId, code: number, message: string, status = 200): void => {
    const r = { jsonrpc: '2.0', id, error: { code, message } };
    if (typeof method === 'string' && STREAM_METHODS.has(method)) {
      res.writeHead(status, SSE_HEADERS);
      res.end(_sseError(r));
    } else {
      _json(res, status, r);
    }
  };

  const _abortOnClose = (res: http.ServerResponse): AbortSignal => {
    const ac = new AbortController();
    const stop = () => ac.abort();
    shutdown.signal.addEventListener('abort', stop, { once: true });
    res.on('close', () => {
      shutdown.signal.removeEventListener('abort', stop);
      if (!res.writableFinished) ac.abort();
    });
    return ac.signal;
  };

  const port = opts.port ?? settings.a2aPort;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const addr = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${addr.port}`;
  const self = settings.self;
  let card: AgentCardV1;
  try {
    ({ card } = loadCard(settings.cardFile, opts.card ?? {}, skillIds, self?.agent ?? 'agent', `${url}/`));
  } catch (e) {
    server.close();
    throw e;
  }
  const sdkCard = SdkCard.fromJSON(card);
  const store = opts.taskStore && 'save' in opts.taskStore ? opts.taskStore : new BoundedTaskStore(opts.taskStore as TaskStoreLimits | undefined);
  const handler = new DefaultRequestHandler(sdkCard, store, new SkillExecutor(opts.skills, _resultCache(settings.skillCache, skillIds, opts.resultCache)));
  live.card = card;
  live.cardEndpoint = new CardEndpoint(card);
  live.versions = supportedVersions(card, 'JSONRPC');
  live.v1 = new JsonRpcTransportHandler(handler);
  live.v03 = new LegacyJsonRpcTransportHandler(handler);
  live.rest = express().disable('x-powered-by').use(restHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication, legacyCompat: { enabled: true } }));
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
        const timer = setTimeout(resolve, opts.shutdownGraceMs ?? 25000);
        timer.unref();
        idle.push(() => { clearTimeout(timer); resolve(); });
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

/** The cache of the cached skills this agent serves, or none. */
function _resultCache(ttls: Readonly<Record<string, number>>, skillIds: readonly string[], limits?: ResultCacheLimits): ResultCache | undefined {
  const mine = Object.fromEntries(Object.entries(ttls).filter(([skill]) => skillIds.includes(skill)));
  return Object.keys(mine).length ? new ResultCache(mine, limits) : undefined;
}

/**
 * The skill of an A2A call: the internal route's path, else the `X-A2A-Skill` header, else
 * `message.metadata.skillId` (set by `callSkill`), else `defaultSkill` (by default the first).
 * Sources that disagree are an error, so a caller cannot reach another skill than its route
 * allows. A call the gateway's fallback resent here names a skill this agent lacks and, in
 * `X-A2A-Fallback-Skill` (the gateway's too), the skill to serve instead.
 */
export function _resolveSkill(path: string, headers: http.IncomingHttpHeaders, metadata: any, skillIds: readonly string[], defaultSkill: string | null = skillIds.length === 1 ? skillIds[0] : null): { skill: string } | { error: string } {
  const fromPath = ROUTE_SKILL.exec(path)?.[1] ?? ROUTE_PREFIX.exec(path)?.[1];
  const h = headers[SKILL_HEADER.toLowerCase()];
  const fromHeader = Array.isArray(h) ? h[0] : h;
  const meta = metadata?.skillId;
  const fromMeta = typeof meta === 'string' ? meta : undefined;
  const named = [fromPath, fromHeader, fromMeta].filter((s): s is string => !!s);
  // The gateway's fallback resent a call for a skill this agent lacks: serve the skill it named as the fallback.
  const fb = headers[FALLBACK_SKILL_HEADER.toLowerCase()];
  const fallback = Array.isArray(fb) ? fb[0] : fb;
  if (fallback && fromHeader && !skillIds.includes(fromHeader) && skillIds.includes(fallback) && named.every((n) => n === fromHeader)) {
    return { skill: fallback };
  }
  if (new Set(named).size > 1) return { error: `the request names different skills (${[...new Set(named)].map((s) => `"${s}"`).join(', ')}); send one` };
  const skill = named[0] ?? defaultSkill ?? undefined;
  if (!skill) return { error: `which skill? this agent has ${skillIds.map((s) => `"${s}"`).join(', ')}; call its route /api/v1/internal/a2a/<tenant>/<agent>/<skill>, or set message.metadata.skillId` };
  if (!skillIds.includes(skill)) return { error: `this agent has no skill "${skill}"; its skills are ${skillIds.map((s) => `"${s}"`).join(', ')}` };
  return { skill };
}

function _idOf(body: any): RpcId {
  const id = body?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function _looksLikeChat(body: any): boolean {
  return typeof body === 'object' && body !== null && ('messages' in body || 'message' in body) && !('params' in body);
}

/** Logs an unexpected error with a correlation id; returns the generic message for the caller. */
function _logInternal(e: unknown): string {
  const correlationId = randomUUID();
  skillErrorLog.write(JSON.stringify({ level: 'error', msg: 'internal error', correlationId, error: (e as Error)?.stack ?? String(e) }));
  return `Internal error (correlation id ${correlationId})`;
}

function _internalError(res: http.ServerResponse, id: RpcId, e: unknown, stream = false): void {
  const r = { jsonrpc: '2.0', id, error: { code: -32603, message: _logInternal(e) } };
  if (res.headersSent) {
    if (stream && !res.writableEnded) res.write(_sseError(r));
    res.end();
    return;
  }
  if (stream) res.writeHead(200, SSE_HEADERS).end(_sseError(r));
  else _json(res, 500, r);
}

function _sseError(r: unknown): string {
  return `event: error\ndata: ${JSON.stringify(r)}\n\n`;
}

function _json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function _text(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}
