/**
 * `callSkill`: one agent calls another agent's skill through the gateway's internal A2A route,
 * with the official `@a2a-js/sdk` JSON-RPC transport: A2A 1.0 to agents whose card offers it, 0.3
 * (the SDK's compatibility transport) to the others. URL, version pin, timeout, retries and
 * fallback come from the platform's call settings (`settings.ts`); the internal token is read
 * from its file before every call, so a rotated Secret is used without a restart.
 *
 * Resilience, exactly:
 * - Each attempt has the timeout `timeoutSeconds` (a stream: until its first event).
 * - A failed attempt is retried up to `retries` times when its failure is in `retryOn`
 *   (`error` = connection refused/reset/dropped, `timeout`, `http_NNN`), with a short backoff.
 * - When the attempts fail with a connection error, a timeout or a status in `onStatus`
 *   (default 502, 503, 504), the fallback (another version or URL) gets the same treatment.
 * - A JSON-RPC error or a `failed` task is the callee's answer: never retried.
 * - A stream that has yielded an event is never retried (its events cannot be unsent).
 *
 * Bounds: a reply body over `maxReplyBytes` (default 16 MiB) fails the call without being
 * buffered; a whole stream has `streamTimeoutSeconds` (default 300) from its start; redirects to
 * another origin are refused (the body, token and lineage headers never leave the origin).
 */
import { randomUUID } from 'node:crypto';
import { AgentCard as SdkCard, Message, Part, Role, StreamResponse, Task, TaskState } from '@a2a-js/sdk';
import { JsonRpcTransportFactory, Transport } from '@a2a-js/sdk/client';
import { A2A_V1 } from '../constructs/agent-card-v1';
import { DEFAULT_FALLBACK_STATUS, DEFAULT_RETRY_ON, SKILL_VERSION_HEADER } from '../constructs/skill-resilience';
import { A2A_VERSION_HEADER } from './a2a-version';
import { boundedFetch, CrossOriginRedirectError, ReplyTooLargeError } from './bounded-fetch';
import { A2aVersion, CalleeVersions } from './callee-version';
import { FreshFile } from './fresh-file';
import { outgoingLineageHeaders, SKILL_HEADER } from './lineage';
import { CallSetting, DEFAULT_TIMEOUT_SECONDS, parseRef, PlatformSettings, readPlatformSettings } from './settings';
import { partsData, partsText, textPart, toParts } from './skill-executor';

/** What to send: text, a data object, or A2A parts. */
export type SkillCallInput = string | { readonly text?: string; readonly data?: Record<string, unknown>; readonly parts?: readonly Part[] };

/** Per-call options; unset fields come from the platform's settings. */
export interface CallOptions {
  /** Stream the callee's events (`message/stream`). @default false */
  readonly stream?: boolean;
  readonly signal?: AbortSignal;
  /** @default - the setting's `timeoutSeconds`, else 30 */
  readonly timeoutSeconds?: number;
  /** @default - the setting's `retries`, else 0 */
  readonly retries?: number;
  /** Extra headers. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest reply body, bytes (a stream: all its events together). @default - the setting's, else 16 MiB */
  readonly maxReplyBytes?: number;
  /** Whole-stream deadline, seconds from the request. @default - the setting's, else 300 */
  readonly streamTimeoutSeconds?: number;
}

export const DEFAULT_MAX_REPLY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_STREAM_TIMEOUT_SECONDS = 300;
const TERMINAL = new Set([TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_CANCELED, TaskState.TASK_STATE_REJECTED, TaskState.TASK_STATE_INPUT_REQUIRED, TaskState.TASK_STATE_AUTH_REQUIRED]);

/** The answer of a non-streaming call. */
export interface SkillReply {
  /** Text parts (of the message, or of the task's artifacts), joined. */
  readonly text: string;
  /** The first data part. */
  readonly data?: Record<string, unknown>;
  readonly parts: readonly Part[];
  /** The A2A result as received (A2A 1.0 types, whichever version was spoken). */
  readonly result: Message | Task;
}

/** One event of a streaming call; yield it from a streaming skill to pass it through. */
export interface SkillEvent {
  readonly parts: readonly Part[];
  readonly text: string;
  /** The last event (a message, or a terminal or interrupted status). */
  readonly final: boolean;
  /** The A2A 1.0 stream event (`payload.$case`: `task`, `message`, `statusUpdate`, `artifactUpdate`). */
  readonly event: StreamResponse;
}

/** Why a call failed. */
export type CallFailure = 'timeout' | 'connection' | 'http' | 'a2a_error' | 'failed' | 'cancelled' | 'config' | 'too_large';

/** A failed call; `attempts` counts every try, fallback included. */
export class SkillCallError extends Error {
  constructor(
    readonly ref: string,
    readonly reason: CallFailure,
    message: string,
    readonly attempts: number,
    readonly status?: number,
  ) {
    super(`callSkill ${ref}: ${message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`);
    this.name = 'SkillCallError';
  }
}

interface Target { readonly url: string; readonly headers: Record<string, string>; readonly label: string }

/** Calls skills with the settings of one environment (`process.env` for {@link callSkill}). */
export class SkillClient {
  private readonly settings: PlatformSettings;
  private readonly tokens = new Map<string, FreshFile<string>>();
  private readonly versions = new CalleeVersions();

  constructor(env: NodeJS.ProcessEnv = process.env, private readonly backoffMs = 50) {
    this.settings = readPlatformSettings(env);
  }

  /** See {@link callSkill}. */
  call(ref: string, input: SkillCallInput, opts: CallOptions & { stream: true }): AsyncIterable<SkillEvent>;
  call(ref: string, input: SkillCallInput, opts?: CallOptions & { stream?: false }): Promise<SkillReply>;
  call(ref: string, input: SkillCallInput, opts?: CallOptions): Promise<SkillReply> | AsyncIterable<SkillEvent>;
  call(ref: string, input: SkillCallInput, opts: CallOptions = {}): Promise<SkillReply> | AsyncIterable<SkillEvent> {
    const plan = this._plan(ref, opts);
    const message: Message = {
      role: Role.ROLE_USER, messageId: randomUUID(), contextId: '', taskId: '',
      parts: typeof input === 'string' ? [textPart(input)] : toParts(input),
      metadata: { skillId: plan.skill }, extensions: [], referenceTaskIds: [],
    };
    return opts.stream ? this._stream(plan, message, opts) : this._send(plan, message, opts);
  }

  private _plan(ref: string, opts: CallOptions) {
    const r = parseRef(ref);
    const table = this.settings.calls();
    const s: CallSetting = table.byRef.get(r.key) ?? { ref: r.key };
    const url = s.url ?? (table.gatewayUrl ? `${table.gatewayUrl}/api/v1/internal/a2a/${r.tenant}/${r.agent}/${r.skill}` : undefined);
    if (!url) throw new SkillCallError(ref, 'config', `no URL: the platform gave no call setting for "${r.key}" and no gateway; set A2A_GATEWAY_URL (e.g. https://gateway.example.com) or add {"ref":"${r.key}","url":...} to A2A_CALLS`, 0);
    const version = r.version ?? s.version;
    const headers = { ...s.headers, ...(version ? { [SKILL_VERSION_HEADER]: version } : {}) };
    const fb = s.fallback ?? (s.fallbackHeaders ? { headers: s.fallbackHeaders } : undefined);
    const targets: Target[] = [{ url, headers, label: version ? `version ${version}` : 'primary' }];
    if (fb) {
      const fbHeaders = { ...headers, ...fb.headers, ...(fb.version ? { [SKILL_VERSION_HEADER]: fb.version } : {}) };
      targets.push({ url: fb.url ?? url, headers: fbHeaders, label: `fallback ${fbHeaders[SKILL_VERSION_HEADER] ? `version ${fbHeaders[SKILL_VERSION_HEADER]}` : fb.url ?? ''}`.trim() });
    }
    const retryOn = new Set(s.retryOn ?? DEFAULT_RETRY_ON);
    return {
      ref, skill: r.skill, targets,
      timeoutMs: 1000 * (opts.timeoutSeconds ?? s.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      retries: retryOn.has('off') ? 0 : opts.retries ?? s.retries ?? 0,
      retryOn,
      fallbackOn: new Set<number>(fb?.onStatus ?? DEFAULT_FALLBACK_STATUS),
      tokenFile: s.tokenFile ?? table.tokenFile,
      protocolVersion: s.protocolVersion,
      maxReplyBytes: opts.maxReplyBytes ?? s.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES,
      streamTimeoutMs: 1000 * (opts.streamTimeoutSeconds ?? s.streamTimeoutSeconds ?? DEFAULT_STREAM_TIMEOUT_SECONDS),
    };
  }

  /** Authorization from the token file, read again when the file changed. */
  private _auth(ref: string, explicitFile: string | undefined): Record<string, string> {
    const file = explicitFile ?? this.settings.tokenFile;
    let f = this.tokens.get(file);
    if (!f) this.tokens.set(file, f = new FreshFile(file, (t) => t.trim()));
    const token = f.get();
    if (token) return { Authorization: `Bearer ${token}` };
    if (explicitFile || this.settings.tokenFileExplicit) {
      throw new SkillCallError(ref, 'config', `the token file ${file} does not exist or is empty; mount the agent's internal token Secret there, or fix A2A_TOKEN_FILE / tokenFile`, 0);
    }
    return {}; // local runs without a platform: no token (the gateway would answer 401)
  }

  private _headers(plan: ReturnType<SkillClient['_plan']>, t: Target, opts: CallOptions): Record<string, string> {
    const self = this.settings.self;
    return {
      ...outgoingLineageHeaders(self ? `${self.tenant}/${self.agent}` : undefined),
      ...this._auth(plan.ref, plan.tokenFile),
      [SKILL_HEADER]: plan.skill,
      ...t.headers,
      ...opts.headers,
    };
  }

  /** The JSON-RPC transport for the callee's version (from its card unless the setting names it), and the version header. */
  private async _transport(plan: ReturnType<SkillClient['_plan']>, t: Target, a: _Attempt, opts: CallOptions): Promise<{ transport: Transport; headers: Record<string, string> }> {
    const headers = this._headers(plan, t, opts);
    const version: A2aVersion = plan.protocolVersion ?? await this.versions.of(t.url, headers, a.signal);
    const card = SdkCard.fromJSON({ name: plan.ref, supportedInterfaces: [{ url: t.url, protocolBinding: 'JSONRPC', protocolVersion: version }] });
    const transport = await new JsonRpcTransportFactory({ fetchImpl: a.fetchWith(plan.maxReplyBytes), legacyCompat: { enabled: true } }).create(t.url, card);
    return { transport, headers: version === A2A_V1 ? { ...headers, [A2A_VERSION_HEADER]: A2A_V1 } : headers };
  }

  /** Runs `attempt` over the targets with the retry and fallback rules; returns its value. */
  private async _resilient<T>(plan: ReturnType<SkillClient['_plan']>, opts: CallOptions, attempt: (t: Target, a: _Attempt) => Promise<T>): Promise<T> {
    let tries = 0;
    let last: SkillCallError | undefined;
    for (const [i, t] of plan.targets.entries()) {
      if (i > 0 && !(last && (last.reason === 'timeout' || last.reason === 'connection' || (last.status !== undefined && plan.fallbackOn.has(last.status))))) break;
      for (let n = 0; n <= plan.retries; n++) {
        if (n > 0) await _sleep(Math.min(1000, this.backoffMs * 2 ** (n - 1)), opts.signal);
        tries++;
        const a = new _Attempt(plan.timeoutMs, opts.signal);
        try {
          return await attempt(t, a);
        } catch (e) {
          last = a.classify(plan.ref, e, tries, t.label);
          if (last.reason === 'a2a_error' || last.reason === 'failed' || last.reason === 'cancelled' || last.reason === 'config' || last.reason === 'too_large') throw last;
          const word = last.reason === 'timeout' ? 'timeout' : last.reason === 'connection' ? 'error' : `http_${last.status}`;
          if (!plan.retryOn.has(word)) break;
        } finally {
          a.done();
        }
      }
    }
    throw last!;
  }

  private async _send(plan: ReturnType<SkillClient['_plan']>, message: Message, opts: CallOptions): Promise<SkillReply> {
    return this._resilient(plan, opts, async (t, a) => {
      const { transport, headers } = await this._transport(plan, t, a, opts);
      const result = await transport.sendMessage(_request(message), { signal: a.signal, serviceParameters: headers });
      const reply = _reply(result);
      if ('status' in result && result.status?.state === TaskState.TASK_STATE_FAILED) {
        throw new _Failed(`the callee's task failed: ${_text(result.status.message?.parts ?? []) || 'no message'}`);
      }
      return reply;
    });
  }

  private _stream(plan: ReturnType<SkillClient['_plan']>, message: Message, opts: CallOptions): AsyncIterable<SkillEvent> {
    return { [Symbol.asyncIterator]: () => this._events(plan, message, opts) };
  }

  private async *_events(plan: ReturnType<SkillClient['_plan']>, message: Message, opts: CallOptions): AsyncGenerator<SkillEvent> {
    let held: _Attempt | undefined;
    // Retries and fallback cover the wait for the first event; then the stream is passed through.
    const { it, first } = await this._resilient(plan, opts, async (t, a) => {
      a.streamDeadline(plan.streamTimeoutMs);
      const { transport, headers } = await this._transport(plan, t, a, opts);
      const iter = transport.sendMessageStream(_request(message), { signal: a.signal, serviceParameters: headers })[Symbol.asyncIterator]();
      const r = await iter.next();
      a.keep();
      held = a;
      return { it: iter, first: r };
    });
    try {
      for (let r = first; !r.done; r = await it.next()) {
        const ev = r.value;
        const p = ev.payload;
        const parts: Part[] = p?.$case === 'artifactUpdate' ? p.value.artifact?.parts ?? []
          : p?.$case === 'message' ? p.value.parts
            : p?.$case === 'statusUpdate' || p?.$case === 'task' ? p.value.status?.message?.parts ?? [] : [];
        const state = p?.$case === 'statusUpdate' || p?.$case === 'task' ? p.value.status?.state : undefined;
        const final = p?.$case === 'message' || (p?.$case === 'statusUpdate' && state !== undefined && TERMINAL.has(state));
        if (state === TaskState.TASK_STATE_FAILED) {
          throw new SkillCallError(plan.ref, 'failed', `the callee's task failed: ${_text(parts) || 'no message'}`, 1);
        }
        yield { parts, text: _text(parts), final, event: ev };
      }
    } catch (e) {
      if (e instanceof SkillCallError) throw e;
      throw held ? held.classify(plan.ref, e, 1, 'stream') : e;
    } finally {
      held?.done(true);
    }
  }
}

/** A failed task: the callee answered, so this is not retried. */
class _Failed extends Error {}

/** One try: its deadline, its abort signal, the HTTP status it saw. */
class _Attempt {
  readonly signal: AbortSignal;
  status?: number;
  private readonly ac = new AbortController();
  private timer?: NodeJS.Timeout;
  private timedOut = false;
  private streamTimer?: NodeJS.Timeout;
  private streamTimedOut = false;

  private readonly onOuterAbort = () => this.ac.abort();

  constructor(timeoutMs: number, private readonly outer?: AbortSignal) {
    this.signal = this.ac.signal;
    this.timer = setTimeout(() => { this.timedOut = true; this.ac.abort(); }, timeoutMs);
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** This attempt's fetch: bounded reply, same-origin redirects only, the status recorded. */
  fetchWith(maxReplyBytes: number): typeof fetch {
    return boundedFetch(maxReplyBytes, (s) => { this.status = s; });
  }

  /** The whole stream must end within `ms` of now. */
  streamDeadline(ms: number): void {
    this.streamTimer = setTimeout(() => { this.streamTimedOut = true; this.ac.abort(); }, ms);
  }

  private kept = false;

  /** The stream is running: its deadline no longer applies; the caller's signal still does until `done(true)`. */
  keep(): void {
    clearTimeout(this.timer);
    this.kept = true;
  }

  done(streamEnded = false): void {
    clearTimeout(this.timer);
    if (!this.kept || streamEnded) clearTimeout(this.streamTimer);
    if (!this.kept || streamEnded) this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  classify(ref: string, e: unknown, tries: number, label: string): SkillCallError {
    if (e instanceof SkillCallError) return e;
    const msg = (e as Error)?.message ?? String(e);
    if (this.timedOut) return new SkillCallError(ref, 'timeout', `${label}: no answer within the timeout`, tries);
    if (this.streamTimedOut) return new SkillCallError(ref, 'timeout', `${label}: the stream did not end within streamTimeoutSeconds`, tries);
    const cause = _causeOf(e, ReplyTooLargeError) ?? _causeOf(e, CrossOriginRedirectError);
    if (cause instanceof ReplyTooLargeError) return new SkillCallError(ref, 'too_large', `${label}: ${cause.message}`, tries);
    if (cause instanceof CrossOriginRedirectError) return new SkillCallError(ref, 'http', `${label}: ${cause.message}`, tries, cause.status);
    if (this.signal.aborted) return new SkillCallError(ref, 'cancelled', `${label}: cancelled by the caller`, tries);
    if (e instanceof _Failed) return new SkillCallError(ref, 'failed', msg, tries);
    if (this.status !== undefined && (this.status < 200 || this.status > 299)) return new SkillCallError(ref, 'http', `${label}: HTTP ${this.status}: ${msg.slice(0, 300)}`, tries, this.status);
    if (this.status === undefined || /terminated|socket|ECONNRESET|other side closed|fetch failed/i.test(msg + String((e as any)?.cause ?? ''))) {
      return new SkillCallError(ref, 'connection', `${label}: connection failed or dropped (${msg})`, tries);
    }
    return new SkillCallError(ref, 'a2a_error', `${label}: ${msg}`, tries);
  }
}

function _sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

function _text(parts: readonly Part[]): string {
  return partsText(parts);
}

function _request(message: Message) {
  return { tenant: '', message, configuration: undefined, metadata: undefined };
}

function _reply(result: Message | Task): SkillReply {
  const parts: Part[] = 'role' in result ? result.parts : (result.artifacts ?? []).flatMap((a) => a.parts);
  return { text: _text(parts), data: partsData(parts), parts, result };
}

/** `e` or one of its causes that is a `type`. */
function _causeOf<T>(e: unknown, type: new (...a: any[]) => T): T | undefined {
  for (let c: any = e, n = 0; c && n < 5; c = c.cause, n++) if (c instanceof type) return c;
  return undefined;
}

let _default: SkillClient | undefined;

/**
 * Calls `tenant/agent#skill` (optionally `@version`) with the platform's settings for it.
 * Inside a served request the call joins its trace; `stream: true` returns the callee's events.
 *
 * @example
 * const { text } = await callSkill('acme/search#web', 'nacos a2a registry');
 * for await (const ev of callSkill('acme/writer#draft', { text: 'intro' }, { stream: true })) yield ev;
 */
export function callSkill(ref: string, input: SkillCallInput, opts: CallOptions & { stream: true }): AsyncIterable<SkillEvent>;
export function callSkill(ref: string, input: SkillCallInput, opts?: CallOptions & { stream?: false }): Promise<SkillReply>;
export function callSkill(ref: string, input: SkillCallInput, opts: CallOptions = {}): Promise<SkillReply> | AsyncIterable<SkillEvent> {
  _default ??= new SkillClient();
  return _default.call(ref, input, opts);
}
