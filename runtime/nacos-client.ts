/**
 * Client of the Nacos 3.1 admin HTTP API (A2A registry, namespaces, login) on Node's built-in
 * `http`/`https` (a keep-alive agent; about 3x less CPU per call than `fetch`). The `nacos` npm
 * package only speaks the v1 API, hence this client.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AgentCard } from './agent-card';
import { CardModel, cardModelOfVersion, registryForm } from './registry-card-form';
import type { AgentCardV1 } from '../constructs/agent-card-v1';
import { NacosAdminExistsError, NacosApiError, NacosAuthError, NacosTransportError } from './nacos-errors';
import { RetryPolicy, withRetry } from './retry';

/** Options of {@link NacosClient}. */
export interface NacosClientOptions {
  /** Server address: `http://host:8848` (context path `/nacos` assumed) or a URL with its context path. */
  readonly endpoint: string;
  /** Login user. @default - no login (auth disabled on the server) */
  readonly username?: string;
  /** Login password; never logged. */
  readonly password?: string;
  /** Per-request timeout in ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Retries on connection errors, timeouts and 5xx. @default {retries: 4, baseDelayMs: 100, maxDelayMs: 2000} */
  readonly retry?: RetryPolicy;
  /** Receives one line per retry or re-login; lines never hold credentials. @default - silent */
  readonly log?: (line: string) => void;
  /** Clock used for token renewal. @default Date.now */
  readonly now?: () => number;
  /** Told the duration of every answered request (metrics). @default - nothing */
  readonly observe?: (operation: string, ms: number, status: number) => void;
  /**
   * The AgentCard model the server stores: '0.3' (Nacos 3.1.x: cards are registered as their 0.3
   * projection), '1.0' (Nacos >= 3.2.1: the 1.0 card), or 'auto' (asks `GET /v3/admin/core/state`
   * for the server version once; 0.3 when it cannot say, which every server accepts).
   * @default 'auto'
   */
  readonly cardModel?: CardModel | 'auto';
}

/** `GET` answer: the stored card plus Nacos' registry fields; `latestVersion` is `true` on the latest version, null on the others. */
export type AgentCardDetail = AgentCard & { readonly registrationType?: string; readonly latestVersion?: boolean | null };

/** `AgentVersionDetail`. */
export interface AgentVersionDetail {
  readonly version: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly latest: boolean;
}

/** One list item (`AgentCardVersionInfo`): basic fields only, no `url`. */
export interface AgentListItem {
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly capabilities?: AgentCard['capabilities'];
  readonly latestPublishedVersion?: string;
  readonly versionDetails?: readonly AgentVersionDetail[];
  readonly registrationType?: string;
}

/** A page of `/list`. */
export interface AgentPage {
  readonly totalCount: number;
  readonly pageNumber: number;
  readonly pagesAvailable: number;
  readonly pageItems: readonly AgentListItem[];
}

/** A Nacos namespace as the admin API returns it. */
export interface NacosNamespaceInfo {
  readonly namespace: string;
  readonly namespaceShowName: string;
  readonly namespaceDesc?: string;
}

/** Answer of {@link NacosClient.initAdmin}; never holds the password. */
export interface NacosInitAdminResult {
  /** The admin user Nacos creates: always `nacos`. */
  readonly username: string;
  /** `true` when this call created the admin, `false` when it existed and the password logs in. */
  readonly created: boolean;
}

/** A naming-service instance (`/v3/admin/ns/instance`). */
export interface NacosInstance {
  readonly serviceName: string;
  readonly groupName: string;
  readonly ip: string;
  readonly port: number;
  /** @default 'DEFAULT' */
  readonly clusterName?: string;
  /** @default 1 */
  readonly weight?: number;
  /** @default true */
  readonly ephemeral?: boolean;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One `ServiceInfo.hosts[]` item. */
export interface NacosInstanceInfo {
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly enabled: boolean;
  readonly ephemeral: boolean;
  readonly clusterName: string;
  readonly metadata?: Record<string, string>;
}

/** A service of a namespace with its instances (`GET /v3/admin/ns/service/list?withInstances=true`). */
export interface NacosServiceInstances {
  readonly serviceName: string;
  readonly groupName: string;
  readonly instances: readonly NacosInstanceInfo[];
}

/** The user `POST /v3/auth/user/admin` creates. */
export const NACOS_ADMIN_USER = 'nacos';

type _Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type _Params = Record<string, string | undefined>;

const A2A = '/v3/admin/ai/a2a';
const STATE = '/v3/admin/core/state';
const NAMESPACE = '/v3/admin/core/namespace';
const ADMIN = '/v3/auth/user/admin';
const LOGIN = '/v3/auth/user/login';
const INSTANCE = '/v3/admin/ns/instance';
const SERVICE = '/v3/admin/ns/service';
/** Services per page of {@link NacosClient.listServicesWithInstances}. */
const SERVICE_PAGE = 200;

/**
 * Talks to one Nacos server. Logs in lazily, caches the token and renews it before its TTL
 * runs out; retries connection errors, timeouts and 5xx with bounded backoff; never retries
 * other 4xx except one re-login after a 401/403.
 * @example const nacos = new NacosClient({ endpoint: 'http://nacos:8848', username, password });
 */
export class NacosClient {
  /** Base URL with context path, no trailing slash. */
  readonly baseUrl: string;
  private readonly _timeoutMs: number;
  private readonly _now: () => number;
  private readonly _agent: http.Agent;
  private _token?: { value: string; renewAt: number };
  private _login?: Promise<string>;
  private _cardModel?: Promise<CardModel>;

  constructor(private readonly _options: NacosClientOptions) {
    this.baseUrl = _baseUrl(_options.endpoint);
    this._timeoutMs = _options.timeoutMs ?? 10000;
    this._now = _options.now ?? Date.now;
    const agentOptions = { keepAlive: true, maxSockets: 64 };
    this._agent = this.baseUrl.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** The card model of the server (see {@link NacosClientOptions.cardModel}), asked once. */
  cardModel(): Promise<CardModel> {
    const fixed = this._options.cardModel ?? 'auto';
    if (fixed !== 'auto') return Promise.resolve(fixed);
    return this._cardModel ??= this._call<Record<string, unknown>>('GET', STATE, {}).then(
      (state) => (typeof state?.version === 'string' && cardModelOfVersion(state.version)) || '0.3',
      () => '0.3' as const,
    );
  }

  /** POST: registers a new agent with `card.version` as its first (latest) version (in the server's card form). */
  async registerAgent(card: AgentCard | AgentCardV1, opts: { namespaceId: string; registrationType?: string }): Promise<void> {
    const form = registryForm(card, await this.cardModel());
    await this._call('POST', A2A, { namespaceId: opts.namespaceId, agentCard: JSON.stringify(form), registrationType: opts.registrationType });
  }

  /** GET: one version of an agent, or the latest when `version` is omitted. */
  async getAgent(name: string, opts: { namespaceId: string; version?: string }): Promise<AgentCardDetail> {
    return this._call('GET', A2A, { namespaceId: opts.namespaceId, agentName: name, version: opts.version });
  }

  /** PUT: adds (or overwrites) `card.version`; it becomes latest only with `setAsLatest`. */
  async updateAgent(card: AgentCard | AgentCardV1, opts: { namespaceId: string; setAsLatest: boolean; registrationType?: string }): Promise<void> {
    const form = registryForm(card, await this.cardModel());
    await this._call('PUT', A2A, {
      namespaceId: opts.namespaceId,
      agentCard: JSON.stringify(form),
      setAsLatest: String(opts.setAsLatest),
      registrationType: opts.registrationType,
    });
  }

  /** DELETE: one version, or the whole agent when `version` is omitted; succeeds when already gone. */
  async deleteAgent(name: string, opts: { namespaceId: string; version?: string }): Promise<void> {
    await this._call('DELETE', A2A, { namespaceId: opts.namespaceId, agentName: name, version: opts.version });
  }

  /**
   * GET /list: one page. Without `agentName` every agent is listed: the client sends an empty
   * `agentName`, because Nacos 3.1 lists nothing at all when the parameter is absent.
   */
  async listAgents(opts: { namespaceId: string; agentName?: string; search?: 'blur' | 'accurate'; pageNo?: number; pageSize?: number }): Promise<AgentPage> {
    return this._call('GET', `${A2A}/list`, {
      namespaceId: opts.namespaceId,
      agentName: opts.agentName ?? '',
      search: opts.search ?? 'blur',
      pageNo: String(opts.pageNo ?? 1),
      pageSize: String(opts.pageSize ?? 100),
    });
  }

  /** Every agent of a namespace, following the pages. */
  async listAllAgents(namespaceId: string): Promise<AgentListItem[]> {
    const items: AgentListItem[] = [];
    for (let pageNo = 1; ; pageNo++) {
      const page = await this.listAgents({ namespaceId, pageNo, pageSize: 100 });
      items.push(...page.pageItems);
      if (pageNo >= page.pagesAvailable || page.pageItems.length === 0) return items;
    }
  }

  /** GET /version/list. */
  async listVersions(name: string, opts: { namespaceId: string }): Promise<AgentVersionDetail[]> {
    return this._call('GET', `${A2A}/version/list`, { namespaceId: opts.namespaceId, agentName: name });
  }

  /** POST: registers (or, for an ephemeral instance, renews) one naming-service instance. */
  async registerInstance(instance: NacosInstance, opts: { namespaceId: string }): Promise<void> {
    // Registering the same ip:port again replaces it: safe to repeat when an answer is lost.
    await this._call('POST', INSTANCE, _instanceParams(instance, opts.namespaceId), { idempotent: true });
  }

  /** DELETE: removes one instance; succeeds when the service or instance does not exist. */
  async deregisterInstance(instance: Omit<NacosInstance, 'metadata'>, opts: { namespaceId: string }): Promise<void> {
    await this._call('DELETE', INSTANCE, _instanceParams({ ...instance, metadata: {} }, opts.namespaceId));
  }

  /**
   * GET /list: every instance of a service (healthy or not); none for an unknown service (Nacos
   * answers 404 there). Registration is applied asynchronously: a fresh instance may be missing
   * for a moment.
   */
  async listInstances(serviceName: string, opts: { namespaceId: string; groupName: string }): Promise<NacosInstanceInfo[]> {
    try {
      // Nacos 3.1 answers a plain array of instances (older servers a ServiceInfo with `hosts`).
      const data = await this._call<NacosInstanceInfo[] | { hosts?: NacosInstanceInfo[] }>('GET', `${INSTANCE}/list`, { namespaceId: opts.namespaceId, groupName: opts.groupName, serviceName });
      return Array.isArray(data) ? data : data?.hosts ?? [];
    } catch (err) {
      if (err instanceof NacosApiError && err.status === 404) return [];
      throw err;
    }
  }

  /**
   * Every service of a group in a namespace, with its instances: one request per page instead of
   * one per service. An unknown namespace is an empty list. Nacos 3.1 filters `groupNameParam` by
   * substring, answers in no stable order and computes `pagesAvailable` before that filter, so
   * pages are followed by `totalCount` and the group is checked exactly here.
   */
  async listServicesWithInstances(opts: { namespaceId: string; groupName: string }): Promise<NacosServiceInstances[]> {
    interface _Page { totalCount: number; pageItems: { serviceName: string; groupName: string; clusterMap?: Record<string, { hosts?: NacosInstanceInfo[] }> }[] }
    const out: NacosServiceInstances[] = [];
    let seen = 0;
    for (let pageNo = 1; ; pageNo++) {
      const page = await this._call<_Page>('GET', `${SERVICE}/list`, {
        namespaceId: opts.namespaceId, groupNameParam: opts.groupName, withInstances: 'true', pageNo: String(pageNo), pageSize: String(SERVICE_PAGE),
      });
      for (const item of page.pageItems) {
        if (item.groupName !== opts.groupName) continue;
        const instances = Object.values(item.clusterMap ?? {}).flatMap((c) => c.hosts ?? []);
        out.push({ serviceName: item.serviceName, groupName: item.groupName, instances });
      }
      seen += page.pageItems.length;
      if (page.pageItems.length < SERVICE_PAGE || seen >= page.totalCount) return out;
    }
  }

  /** Creates a namespace (400/22002 when it exists). */
  async createNamespace(ns: { namespaceId: string; namespaceName: string; namespaceDesc?: string }): Promise<void> {
    await this._call('POST', NAMESPACE, { ...ns });
  }

  /** Renames or re-describes a namespace. */
  async updateNamespace(ns: { namespaceId: string; namespaceName: string; namespaceDesc?: string }): Promise<void> {
    await this._call('PUT', NAMESPACE, { ...ns });
  }

  /** One namespace (404/22001 when unknown). */
  async getNamespace(namespaceId: string): Promise<NacosNamespaceInfo> {
    return this._call('GET', NAMESPACE, { namespaceId });
  }

  /** Every namespace, `public` included. */
  async listNamespaces(): Promise<NacosNamespaceInfo[]> {
    return this._call('GET', `${NAMESPACE}/list`, {});
  }

  /** Deletes a namespace; succeeds when it does not exist. */
  async deleteNamespace(namespaceId: string): Promise<void> {
    await this._call('DELETE', NAMESPACE, { namespaceId });
  }

  /**
   * Creates the first admin, user `nacos`, with `password` (`POST /v3/auth/user/admin`, which
   * needs no login). When a global admin already exists (HTTP 200, code 409) it succeeds only if
   * `nacos` logs in with `password`, else throws {@link NacosAdminExistsError}. Safe to repeat,
   * so a lost answer is retried too. The password is neither logged nor returned.
   */
  async initAdmin(password: string): Promise<NacosInitAdminResult> {
    if (typeof password !== 'string' || password === '') {
      throw new Error('initAdmin needs a non-empty password (Nacos would pick a random one nobody knows)');
    }
    const operation = 'POST /v3/auth/user/admin';
    try {
      const data = await this._idempotent(operation, async () => {
        const { status, body } = await this._send('POST', ADMIN, { password });
        return _unwrap<{ username?: unknown } | null>(operation, status, body);
      });
      return { username: typeof data?.username === 'string' ? data.username : NACOS_ADMIN_USER, created: true };
    } catch (err) {
      if (!(err instanceof NacosApiError && (err.code === 409 || err.status === 409))) throw err;
    }
    if (await this.checkLogin(NACOS_ADMIN_USER, password)) return { username: NACOS_ADMIN_USER, created: false };
    throw new NacosAdminExistsError(this.baseUrl);
  }

  /**
   * Logs in now (when the client has credentials), so that wrong credentials fail before any
   * work starts. Throws {@link NacosAuthError} when Nacos refuses them.
   */
  async verifyLogin(): Promise<void> {
    await this._idempotent(`POST ${LOGIN}`, () => this._accessToken());
  }

  /**
   * Whether `username` logs in with `password`: `false` when Nacos refuses (4xx, the 500 that
   * Nacos 3.1 answers a wrong password with, or a 2xx without a token). Retries other 5xx and
   * transport errors; leaves this client's own token alone.
   */
  async checkLogin(username: string, password: string): Promise<boolean> {
    const operation = `POST ${LOGIN}`;
    return this._idempotent(operation, async () => {
      const { status, body } = await this._send('POST', LOGIN, { username, password });
      if (status > 500) throw new NacosApiError(operation, status, { detail: _shortText(body) });
      const reply = _json(body) as { accessToken?: unknown } | undefined;
      return status >= 200 && status < 300 && typeof reply?.accessToken === 'string' && reply.accessToken !== '';
    });
  }

  /** Runs an unauthenticated call that is safe to repeat, retrying 5xx and every transport error. */
  private _idempotent<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const transient = (err: unknown) => (err instanceof NacosApiError ? err.retryable : err instanceof NacosTransportError);
    return withRetry(fn, transient, this._options.retry, (err, n, delay) => this._options.log?.(`${operation}: ${(err as Error).message}; retry ${n} in ${delay} ms`));
  }

  /**
   * Sends one API call with auth, retries and the single re-login; returns the envelope's `data`.
   * `idempotent`: a write that may be repeated (retried even when its answer was lost, as reads and deletes are).
   */
  private async _call<T>(method: _Method, path: string, params: _Params, opts: { idempotent?: boolean } = {}): Promise<T> {
    const operation = `${method} ${path}`;
    const send = async (): Promise<T> => {
      const token = await this._accessToken();
      const { status, body } = await this._send(method, path, params, token);
      return _unwrap<T>(operation, status, body);
    };
    const attempt = () =>
      withRetry(send, (err) => this._transient(err, opts.idempotent || method === 'GET' || method === 'DELETE'), this._options.retry, (err, n, delay) =>
        this._options.log?.(`${operation}: ${(err as Error).message}; retry ${n} in ${delay} ms`),
      );
    try {
      return await attempt();
    } catch (err) {
      // An expired or revoked token: log in again, once.
      if (this._options.username && _refused(err)) {
        this._options.log?.(`${operation}: HTTP ${(err as NacosApiError).status}; logging in again`);
        this._token = undefined;
        try {
          return await attempt();
        } catch (again) {
          // Refused with a token minted a moment ago: a permission problem, not an expiry.
          if (!_refused(again)) throw again;
          throw new NacosAuthError(operation, (again as NacosApiError).status, 'forbidden', this._options.username, this.baseUrl);
        }
      }
      throw err;
    }
  }

  /** Connection refused and 5xx are always worth another try; a lost answer only for calls that may be `repeated` (reads, deletes, idempotent writes). */
  private _transient(err: unknown, repeated: boolean): boolean {
    if (err instanceof NacosApiError) return err.retryable;
    if (err instanceof NacosTransportError) return !err.mayHaveCommitted || repeated;
    return false;
  }

  private async _accessToken(): Promise<string | undefined> {
    if (!this._options.username) return undefined;
    if (this._token && this._now() < this._token.renewAt) return this._token.value;
    // One login at a time, however many requests are waiting for it.
    this._login ??= this._doLogin().finally(() => {
      this._login = undefined;
    });
    return this._login;
  }

  private async _doLogin(): Promise<string> {
    const operation = `POST ${LOGIN}`;
    const username = this._options.username as string;
    const login = async () => {
      const { status, body } = await this._send('POST', LOGIN, { username, password: this._options.password });
      const reply = _json(body) as { accessToken?: string; tokenTtl?: number } | undefined;
      if (status >= 200 && status < 300 && reply?.accessToken) return reply as { accessToken: string; tokenTtl?: number };
      // A gateway or an overloaded server (502-504) is worth another try; 4xx, 500 and a 2xx
      // without a token are Nacos refusing the credentials (3.1: 403 unknown user, 500 wrong password).
      if (status > 500) throw new NacosApiError(operation, status, { message: `login of user ${JSON.stringify(username)} failed`, detail: _shortText(body) });
      throw new NacosAuthError(operation, status, 'login', username, this.baseUrl);
    };
    // No retry loop of its own: the call waiting for this token retries (and so logs in again).
    const reply = await login();
    const ttlMs = (reply.tokenTtl ?? 18000) * 1000;
    // Renew a tenth of the TTL (at most 5 minutes) before it runs out.
    this._token = { value: reply.accessToken, renewAt: this._now() + ttlMs - Math.min(ttlMs / 10, 300_000) };
    return reply.accessToken;
  }

  private async _send(method: _Method, path: string, params: _Params, token?: string): Promise<{ status: number; body: string }> {
    const operation = `${method} ${path}`;
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
    const asForm = method === 'POST' || method === 'PUT';
    const url = asForm || search.size === 0 ? `${this.baseUrl}${path}` : `${this.baseUrl}${path}?${search}`;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (asForm) headers['content-type'] = 'application/x-www-form-urlencoded';
    const body = asForm ? search.toString() : undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const lib = url.startsWith('https:') ? https : http;
      const req = lib.request(url, { method, headers, agent: this._agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          this._options.observe?.(operation, performance.now() - started, res.statusCode ?? 0);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => fail(err));
      });
      let timedOut = false;
      const fail = (err: unknown) => {
        clearTimeout(timer);
        reject(new NacosTransportError(operation, timedOut ? 'timeout' : _transportKind(err), err));
      };
      // One deadline for the whole exchange, not an idle timeout.
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Error(`no answer within ${this._timeoutMs} ms`));
      }, this._timeoutMs);
      req.on('error', fail);
      req.end(body);
    });
  }
}

function _unwrap<T>(operation: string, status: number, body: string): T {
  const json = _json(body) as { code?: unknown; message?: unknown; data?: unknown } | undefined;
  const envelope = json && typeof json.code === 'number' && 'message' in json ? json : undefined;
  if (status >= 200 && status < 300 && envelope && envelope.code === 0) return envelope.data as T;
  if (envelope) {
    const detail = typeof envelope.data === 'string' ? envelope.data : envelope.data == null ? undefined : JSON.stringify(envelope.data);
    throw new NacosApiError(operation, status, { code: envelope.code as number, message: String(envelope.message), detail });
  }
  throw new NacosApiError(operation, status, { detail: _shortText(body) });
}

/** A 401/403 answer to a call (not a refused login, which a new login would not change). */
function _refused(err: unknown): boolean {
  return err instanceof NacosApiError && !(err instanceof NacosAuthError) && (err.status === 401 || err.status === 403);
}

function _transportKind(err: unknown): NacosTransportError['kind'] {
  return (err as { code?: string })?.code === 'ECONNREFUSED' ? 'refused' : 'reset';
}

function _json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function _shortText(text: string): string {
  const t = text.trim();
  return t.length > 300 ? `${t.slice(0, 297)}...` : t;
}

function _instanceParams(i: NacosInstance, namespaceId: string): _Params {
  return {
    namespaceId,
    groupName: i.groupName,
    serviceName: i.serviceName,
    ip: i.ip,
    port: String(i.port),
    clusterName: i.clusterName,
    weight: i.weight === undefined ? undefined : String(i.weight),
    ephemeral: String(i.ephemeral ?? true),
    metadata: Object.keys(i.metadata).length ? JSON.stringify(i.metadata) : undefined,
  };
}

function _baseUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`Nacos endpoint ${JSON.stringify(endpoint)} is not a URL; use e.g. "http://nacos.nacos.svc:8848"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Nacos endpoint ${JSON.stringify(endpoint)} must be http(s); use e.g. "http://nacos.nacos.svc:8848"`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path || '/nacos'}`;
}
