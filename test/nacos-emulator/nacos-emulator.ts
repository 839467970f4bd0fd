/**
 * An HTTP emulator of the Nacos 3.1.x A2A admin API, auth and namespace endpoints, following
 * `../shared/specs/nacos-a2a-api.md` §11 and, where they differ, what the real 3.1 server answers
 * (`test/runtime/nacos-contract.test.ts` compares the two), with switchable faults.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { A2aRegistry, EmulatedApiError, EmulatedStore, parseEmulatedCard } from './a2a-registry';
import { EmulatedNaming, NamingRegistry } from './naming-registry';

/** Auth settings; Nacos 3.1 enables auth on the admin API by default. */
export interface EmulatorAuthOptions {
  /** Token lifetime in seconds. @default 18000 */
  readonly tokenTtlSeconds?: number;
  /** Users that exist at start (name -> password). @default - none: create the first admin */
  readonly users?: Record<string, string>;
  /** Identity header that bypasses authentication. @default {key: 'serverIdentity', value: 'security'} */
  readonly identity?: { readonly key: string; readonly value: string };
}

/** Options of {@link startNacosEmulator}. */
export interface NacosEmulatorOptions {
  /** `false` turns auth off (like `nacos.core.auth.admin.enabled=false`). @default {} (auth on) */
  readonly auth?: EmulatorAuthOptions | false;
  /** Added latency per request in ms. @default 0 */
  readonly latencyMs?: number;
  /**
   * The server's AgentCard model: '3.1' (only the 0.3 fields, as the real 3.1.0 server) or '3.2.1'
   * (A2A 1.0 fields and normalization, see a2a-registry.ts). `GET /v3/admin/core/state` reports
   * the matching server version. @default '3.1'
   */
  readonly cardModel?: '3.1' | '3.2.1';
}

/** Which requests a fault applies to. */
export interface FaultMatch {
  readonly method?: string;
  /** Path suffix after `/nacos`, e.g. `/v3/admin/ai/a2a` or `/v3/admin/ai/a2a/list`. */
  readonly path?: string;
}

type FaultKind = 'error' | 'drop' | 'hang' | 'race';
interface _Fault extends FaultMatch {
  kind: FaultKind;
  times: number;
  status?: number;
}

/** Fault switches; each armed fault applies to the next `times` matching requests. */
export interface EmulatorFaults {
  /** Added latency in ms for every request. */
  latencyMs: number;
  /** Answer with HTTP `status` (default 500, envelope code 30000) without touching state. */
  serverError(opts: FaultMatch & { times?: number; status?: number }): void;
  /** Destroy the connection without an answer and without touching state. */
  drop(opts: FaultMatch & { times?: number }): void;
  /** Apply the request, then never answer (the client times out after the commit). */
  hangAfterCommit(opts: FaultMatch & { times?: number }): void;
  /** A competing writer registers the same card just before the next POSTs: they get 409/20005. */
  raceOnCreate(times?: number): void;
  /** The next `times` reads see the state as it was before the next write (read-after-write lag). */
  lagReads(times: number): void;
  /** Stop listening: new connections are refused until {@link up}. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** Disarm everything. */
  clear(): void;
}

/** Observable state of the emulator, for assertions. */
export interface EmulatorState {
  /** The A2A registry: namespace -> agent name -> record. */
  readonly agents: EmulatedStore;
  /** Created namespaces (id -> name, description); `public` is implicit. */
  readonly namespaces: Record<string, { namespaceName: string; namespaceDesc: string | null }>;
  /** Naming-service instances: namespace -> `group@@service` -> instance key -> instance. */
  readonly naming: EmulatedNaming;
  /** Users (name -> password). */
  readonly users: Record<string, string>;
  /** Every request served: method, path, answered status (0 when dropped or hung). Bodies are not kept. */
  readonly requests: { method: string; path: string; status: number }[];
  /** Number of successful logins. */
  logins: number;
}

/** A running emulator. */
export interface NacosEmulator {
  /** Base URL including the `/nacos` context path, e.g. `http://127.0.0.1:40123/nacos`. */
  readonly url: string;
  readonly state: EmulatorState;
  readonly faults: EmulatorFaults;
  /** Moves the emulator's clock forward (token expiry, version timestamps) without sleeping. */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

const A2A = '/v3/admin/ai/a2a';
const NAMESPACE = '/v3/admin/core/namespace';
const STATE = '/v3/admin/core/state';
const INSTANCE = '/v3/admin/ns/instance';
const SERVICE_LIST = '/v3/admin/ns/service/list';
const NAME_PATTERN = /^[\x20-\x7E]+$/;
const NAMESPACE_ID_PATTERN = /^[\w-]+$/;

/** Starts an emulator on 127.0.0.1 with an ephemeral port. */
export async function startNacosEmulator(options: NacosEmulatorOptions = {}): Promise<NacosEmulator> {
  let clockOffset = 0;
  const clock = () => Date.now() + clockOffset;
  const auth = options.auth === false ? undefined : options.auth ?? {};
  const cardModel = options.cardModel ?? '3.1';
  const identity = auth?.identity ?? { key: 'serverIdentity', value: 'security' };
  const state: EmulatorState = { agents: {}, namespaces: {}, naming: {}, users: { ...(auth?.users ?? {}) }, requests: [], logins: 0 };
  const registry = new A2aRegistry(state.agents, clock);
  const naming = new NamingRegistry(state.naming, clock);
  const tokens = new Map<string, { username: string; expiresAt: number }>();
  const sockets = new Set<Socket>();
  let rules: _Fault[] = [];
  let lagPending = 0;
  let lagged: A2aRegistry | undefined;

  const takeFault = (kinds: FaultKind[], method: string, path: string): _Fault | undefined => {
    const rule = rules.find((r) => kinds.includes(r.kind) && r.times > 0 && (!r.method || r.method === method) && (!r.path || r.path === path));
    if (rule) rule.times--;
    return rule;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith('/nacos/') ? url.pathname.slice('/nacos'.length) : url.pathname;
    const record = { method, path, status: 0 };
    state.requests.push(record);
    const body = await _readBody(req);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));

    let hung = false;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (hung) return; // applied, never answered: the socket stays open until the client gives up
      record.status = status;
      // Plain-text answers (the parameter filter's) carry no content type, as on the real server.
      const text = typeof payload === 'string' ? payload + '\n' : JSON.stringify(payload);
      res.writeHead(status, typeof payload === 'string' ? headers : { 'content-type': 'application/json', ...headers }).end(text);
    };
    // Spring's error page: what the auth filter and unknown paths answer, without Nacos' envelope.
    const springError = (status: number, error: string) =>
      send(status, { timestamp: new Date(clock()).toISOString().replace('Z', '+00:00'), status, error, path: url.pathname });
    const ok = (data: unknown) => send(200, { code: 0, message: 'success', data });

    if (takeFault(['drop'], method, path)) {
      req.socket.destroy();
      return;
    }
    const failure = takeFault(['error'], method, path);
    if (failure) {
      send(failure.status ?? 500, { code: 30000, message: 'server error', data: 'injected fault' });
      return;
    }
    hung = takeFault(['hang'], method, path) !== undefined;

    // Params bind from the query string first, then an urlencoded body; a JSON body is never read.
    const form = /application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '') ? new URLSearchParams(body) : new URLSearchParams();
    const param = (name: string): string | undefined => url.searchParams.get(name) ?? form.get(name) ?? undefined;

    try {
      if (path === '/v3/auth/user/login' && method === 'POST') {
        const username = param('username') ?? '';
        // Nacos 3.1 answers an unknown user with 403 but a wrong or missing password with 500.
        if (!auth || state.users[username] === undefined) return springError(403, 'Forbidden');
        if (state.users[username] !== param('password')) return springError(500, 'Internal Server Error');
        const token = randomBytes(24).toString('hex');
        const ttl = auth.tokenTtlSeconds ?? 18000;
        tokens.set(token, { username, expiresAt: clock() + ttl * 1000 });
        state.logins++;
        send(200, { accessToken: token, tokenTtl: ttl, globalAdmin: username === 'nacos', username }, { authorization: `Bearer ${token}` });
        return;
      }
      if (path === '/v3/auth/user/admin' && method === 'POST') {
        if (state.users.nacos !== undefined) {
          send(200, { code: 409, message: 'have admin user cannot use it.', data: null });
          return;
        }
        const password = param('password') || randomBytes(8).toString('hex');
        state.users.nacos = password;
        ok({ username: 'nacos', password });
        return;
      }
      if (!path.startsWith(A2A) && !path.startsWith(NAMESPACE) && !path.startsWith(INSTANCE) && path !== SERVICE_LIST && path !== STATE) return springError(404, 'Not Found');
      if (auth && req.headers[identity.key.toLowerCase()] !== identity.value) {
        const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
        const token = bearer ?? (req.headers.accesstoken as string | undefined) ?? param('accessToken');
        const session = token ? tokens.get(token) : undefined;
        if (!session || session.expiresAt <= clock()) return springError(403, 'Forbidden');
      }
      if (path.startsWith(NAMESPACE)) {
        _namespaces(path, method, param, (n) => url.searchParams.has(n) || form.has(n), ok);
      } else if (path.startsWith(INSTANCE)) {
        _instances(path, method, param, ok, send);
      } else if (path === STATE && method === 'GET') {
        // ServerStateController: the module states, `version` among them (the server version the card model follows)
        ok({ version: cardModel === '3.2.1' ? '3.2.1' : '3.1.0', standalone_mode: 'standalone', function_mode: 'All' });
      } else if (path === SERVICE_LIST && method === 'GET') {
        ok(naming.services(param, _positiveInt(param('pageNo'), 1, 'pageNo'), _positiveInt(param('pageSize'), 100, 'pageSize')));
      } else {
        _a2a(path, method, param, ok, send);
      }
    } catch (err) {
      if (!(err instanceof EmulatedApiError)) throw err;
      send(err.status, { code: err.code, message: err.codeText, data: err.data });
    }
  };

  const _a2a = (
    path: string,
    method: string,
    param: (n: string) => string | undefined,
    ok: (data: unknown) => void,
    send: (status: number, payload: unknown) => void,
  ) => {
    // The parameter-check filter runs first and answers in plain text.
    const names = [param('agentName')];
    try {
      const name = JSON.parse(param('agentCard') ?? 'null')?.name;
      if (typeof name === 'string') names.push(name);
    } catch {
      /* a bad card is the controller's problem, not the filter's */
    }
    for (const name of names) {
      if (!name) continue;
      if (name.length > 64) return send(400, "Param 'agentName' is illegal, the param length should not exceed 64.");
      if (!NAME_PATTERN.test(name)) return send(400, "Param 'agentName' is illegal, illegal characters should not appear in the param.");
    }
    const namespaceId = param('namespaceId') || 'public';
    const registrationType = param('registrationType') ?? '';
    if (registrationType && registrationType !== 'URL' && registrationType !== 'SERVICE') {
      throw new EmulatedApiError(400, 20002, 'parameter validate error', `Required parameter 'registrationType' value should be \`URL\` or \`SERVICE\` but was \`${registrationType}\``);
    }
    const requireName = (): string => {
      const name = param('agentName');
      if (!name) throw new EmulatedApiError(400, 10000, 'parameter missing', "Required parameter 'name' type String is not present");
      return name;
    };
    const reads = (): A2aRegistry => {
      if (lagged && lagPending > 0) {
        lagPending--;
        return lagged;
      }
      lagged = undefined;
      return registry;
    };
    const beforeWrite = () => {
      if (lagPending > 0 && !lagged) lagged = new A2aRegistry(structuredClone(state.agents), clock);
    };

    if (path === A2A && method === 'POST') {
      const card = parseEmulatedCard(param('agentCard'), cardModel);
      beforeWrite();
      const race = takeFault(['race'], method, path);
      if (race) registry.register(namespaceId, card, registrationType || 'URL');
      registry.register(namespaceId, card, registrationType || 'URL');
      return ok('ok');
    }
    if (path === A2A && method === 'PUT') {
      const card = parseEmulatedCard(param('agentCard'), cardModel);
      beforeWrite();
      registry.update(namespaceId, card, registrationType, param('setAsLatest') === 'true');
      return ok('ok');
    }
    if (path === A2A && method === 'GET') return ok(reads().get(namespaceId, requireName(), param('version') ?? ''));
    if (path === A2A && method === 'DELETE') {
      const name = requireName();
      beforeWrite();
      registry.delete(namespaceId, name, param('version') ?? '');
      return ok('ok');
    }
    if (path === `${A2A}/list` && method === 'GET') {
      const search = param('search') ?? '';
      if (!/^(blur|accurate)$/i.test(search)) {
        throw new EmulatedApiError(400, 20002, 'parameter validate error', 'Request parameter `search` should be `accurate` or `blur`.');
      }
      const pageNo = _positiveInt(param('pageNo'), 1, 'pageNo');
      const pageSize = _positiveInt(param('pageSize'), 100, 'pageSize');
      return ok(reads().list(namespaceId, param('agentName'), search, pageNo, pageSize));
    }
    if (path === `${A2A}/version/list` && method === 'GET') return ok(reads().versions(namespaceId, requireName()));
    return send(404, { timestamp: new Date(clock()).toISOString().replace('Z', '+00:00'), status: 404, error: 'Not Found', path: `/nacos${path}` });
  };

  const _instances = (path: string, method: string, param: (n: string) => string | undefined, ok: (data: unknown) => void, send: (status: number, payload: unknown) => void) => {
    naming.expire();
    if (path === INSTANCE && (method === 'POST' || method === 'PUT')) {
      naming.upsert(param, method === 'PUT');
      return ok('ok');
    }
    if (path === INSTANCE && method === 'DELETE') {
      naming.remove(param);
      return ok('ok');
    }
    if (path === `${INSTANCE}/list` && method === 'GET') return ok(naming.list(param));
    return send(404, { status: 404, error: 'Not Found', path });
  };

  const _namespaces = (
    path: string,
    method: string,
    param: (n: string) => string | undefined,
    has: (n: string) => boolean,
    ok: (data: unknown) => void,
  ) => {
    const show = (id: string) =>
      id === 'public' || id === ''
        ? { namespace: id, namespaceShowName: 'public', namespaceDesc: 'Default Namespace', quota: 200, configCount: 0, type: 0 }
        : { namespace: id, namespaceShowName: state.namespaces[id].namespaceName, namespaceDesc: state.namespaces[id].namespaceDesc, quota: 200, configCount: 0, type: 1 };
    if (path === `${NAMESPACE}/list` && method === 'GET') return ok(['public', ...Object.keys(state.namespaces)].map(show));
    if (path !== NAMESPACE) throw new EmulatedApiError(404, 30000, 'server error', `no handler for ${method} ${path}`);
    const id = param('namespaceId') ?? '';
    if (method === 'GET' || method === 'DELETE') {
      if (!has('namespaceId')) {
        throw new EmulatedApiError(400, 10000, 'parameter missing', "Required request parameter 'namespaceId' for method parameter type String is not present");
      }
      if (method === 'DELETE') {
        delete state.namespaces[id]; // `public` cannot go: a no-op that answers true
        return ok(true);
      }
      if (id && id !== 'public' && !state.namespaces[id]) {
        throw new EmulatedApiError(404, 22001, 'namespace not exist', `namespaceId [ ${id} ] not exist`);
      }
      return ok(show(id));
    }
    if (method === 'POST' || method === 'PUT') {
      const namespaceName = param('namespaceName');
      if (!id) throw new EmulatedApiError(400, 10000, 'parameter missing', "required parameter 'namespaceId' is missing");
      if (!namespaceName) throw new EmulatedApiError(400, 10000, 'parameter missing', "required parameter 'namespaceName' is missing");
      const record = { namespaceName, namespaceDesc: param('namespaceDesc') ?? null };
      if (method === 'PUT') {
        // An unknown id is not created, yet the answer is true.
        if (state.namespaces[id]) state.namespaces[id] = record;
        return ok(true);
      }
      if (!NAMESPACE_ID_PATTERN.test(id) || id.length > 128) {
        throw new EmulatedApiError(400, 22000, 'illegal namespace', `namespaceId [${id}] mismatch the pattern`);
      }
      if (id === 'public' || state.namespaces[id]) {
        throw new EmulatedApiError(400, 22002, 'namespace already exist', `namespaceId [${id}] already exist.`);
      }
      state.namespaces[id] = record;
      return ok(true);
    }
    throw new EmulatedApiError(405, 30000, 'server error', `method ${method} not allowed`);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 30000, message: 'server error', data: String(err) }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const arm = (kind: FaultKind, opts: FaultMatch & { times?: number; status?: number }) =>
    rules.push({ kind, times: opts.times ?? 1, method: opts.method, path: opts.path, status: opts.status });
  const faults: EmulatorFaults = {
    latencyMs: options.latencyMs ?? 0,
    serverError: (opts) => arm('error', opts),
    drop: (opts) => arm('drop', opts),
    hangAfterCommit: (opts) => arm('hang', opts),
    raceOnCreate: (times = 1) => arm('race', { method: 'POST', path: A2A, times }),
    lagReads: (times) => {
      lagPending = times;
      lagged = undefined;
    },
    down: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    clear: () => {
      rules = [];
      lagPending = 0;
      lagged = undefined;
      faults.latencyMs = 0;
    },
  };

  return {
    url: `http://127.0.0.1:${port}/nacos`,
    state,
    faults,
    advanceClock: (ms) => {
      clockOffset += ms;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    }),
  };
}

function _positiveInt(raw: string | undefined, fallback: number, field: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  // Not a number at all fails binding (code 30000); a number below 1 fails validation (20002).
  if (!Number.isInteger(value)) throw new EmulatedApiError(400, 30000, `Validation failed for argument [1]: ${field} ${JSON.stringify(raw)} is not a number`, null);
  if (value < 1) throw new EmulatedApiError(400, 20002, 'parameter validate error', `Required parameter '${field}' should be positive integer, current is ${raw}`);
  return value;
}

function _readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
