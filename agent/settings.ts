/**
 * The one place the SDK learns what the platform gives an agent. Everything comes from
 * environment variables the `Agent` construct sets (or a file one of them names); missing
 * values take the documented defaults below. Read once per process, except the call settings
 * file and token files, which are re-read when they change (rotation without restart).
 *
 * | env | meaning | default |
 * |---|---|---|
 * | `A2A_CALLS` | JSON array of {@link CallSetting} (today's format, extended) | `[]` |
 * | `A2A_CALLS_FILE` | path of a JSON file with that array, or `{ calls, gatewayUrl?, tokenFile? }`; wins over `A2A_CALLS` | – |
 * | `A2A_GATEWAY_URL` | gateway base for calls without a setting (`https://gw`) | the origin of the first setting's `url` |
 * | `A2A_TOKEN_FILE` | file holding this agent's internal JWT (a mounted Secret) | each call's `tokenFile`, else `/var/run/agentruntime.io/a2a/token` |
 * | `A2A_AGENT` | this agent as `tenant/agent` | `agentruntime.tenant`/`agentruntime.agent` of `OTEL_RESOURCE_ATTRIBUTES` |
 * | `A2A_AGENT_CARD_FILE` | the card the platform mounts | `/etc/agentruntime/agent-card/agent-card.json` |
 * | `A2A_PORT` / `A2A_METRICS_PORT` / `A2A_METRICS_PATH` | ports `a2a` and `metrics`, metrics path | `8080` / `9090` / `/metrics` |
 * | `A2A_SKILL_CACHE` | JSON `{ "<skill>": <ttl seconds> }`: answers of these skills are cached (their `cacheTtlSeconds`) | `{}` |
 * | `NACOS_ADDR`, `NACOS_NAMESPACE`, `NACOS_USERNAME`, `NACOS_PASSWORD` or `NACOS_PASSWORD_FILE` | read-only registry access for {@link findAgents} | – / the tenant / none |
 */
import * as path from 'node:path';
import { A2A_TOKEN_PATH, AGENT_CARD_PATH, AGENT_ENV } from '../constructs/contracts';
import { FreshFile } from './fresh-file';
import { parseSkillCache } from './result-cache';

/**
 * One entry of `A2A_CALLS`: how this agent calls one skill. The platform's format is defined by
 * `A2aCallEntry` (constructs/a2a-calls.ts); only `ref` is required here, every other field has
 * the default below, so older and hand-written entries work too.
 */
export interface CallSetting {
  /** `tenant/agent#skill`. */
  readonly ref: string;
  /** The skill's internal A2A route. @default `<gateway>/api/v1/internal/a2a/<tenant>/<agent>/<skill>` */
  readonly url?: string;
  /** Extra request headers, e.g. the version pin `X-A2A-Skill-Version`. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** Client timeout of one attempt, seconds (streams: until the first event). @default 30 */
  readonly timeoutSeconds?: number;
  /** Attempts after the first on a retryable failure. @default 0 */
  readonly retries?: number;
  /** Headers of the fallback attempt (a version fallback: another `X-A2A-Skill-Version`). @default - no fallback */
  readonly fallbackHeaders?: Readonly<Record<string, string>>;
  /** Pinned version (null: none); same as `headers['X-A2A-Skill-Version']`. @default - none */
  readonly version?: string | null;
  /** When to retry: `error`, `timeout`, `http_NNN` (the gateway's `retryOn` words). @default ['error', 'timeout', 'http_503'] */
  readonly retryOn?: readonly string[];
  /** Fallback target: another URL and/or headers (e.g. `{ version: '1.1.0' }`). @default - `fallbackHeaders` if set, else none */
  readonly fallback?: { readonly url?: string; readonly headers?: Readonly<Record<string, string>>; readonly version?: string; readonly onStatus?: readonly number[] } | null;
  /** Token file of this call. @default - `A2A_TOKEN_FILE` */
  readonly tokenFile?: string;
  /** A2A version the callee speaks. @default - read from the callee's card (1.0 when it offers it, else 0.3) */
  readonly protocolVersion?: '1.0' | '0.3';
  /** Largest reply body, bytes. @default 16777216 */
  readonly maxReplyBytes?: number;
  /** Whole-stream deadline, seconds. @default 300 */
  readonly streamTimeoutSeconds?: number;
}

/** What the platform provides, resolved once. */
export interface PlatformSettings {
  /** `tenant/agent` of this agent, when known. */
  readonly self?: { readonly tenant: string; readonly agent: string };
  readonly a2aPort: number;
  readonly metricsPort: number;
  readonly metricsPath: string;
  readonly cardFile: string;
  /** Default token file and whether it was set explicitly (a missing explicit file is an error). */
  readonly tokenFile: string;
  readonly tokenFileExplicit: boolean;
  readonly nacos?: { readonly endpoint: string; readonly namespaceId?: string; readonly username?: string; readonly password?: string };
  /** Skill id -> seconds its answers are cached (`A2A_SKILL_CACHE`). */
  readonly skillCache: Readonly<Record<string, number>>;
  /** Call settings; a function because `A2A_CALLS_FILE` may change at run time. */
  calls(): CallTable;
}

/** Call settings by `tenant/agent#skill`, plus the gateway base URL. */
export interface CallTable {
  readonly byRef: ReadonlyMap<string, CallSetting>;
  readonly gatewayUrl?: string;
  readonly tokenFile?: string;
}

/** Where the platform mounts the agent's internal JWT (the Secret `<agent>-a2a-token`). */
export const DEFAULT_TOKEN_FILE = A2A_TOKEN_PATH;
/** Where the platform mounts the agent's own card (its card ConfigMap). */
export const DEFAULT_CARD_FILE = AGENT_CARD_PATH;
export const DEFAULT_A2A_PORT = 8080;
export const DEFAULT_METRICS_PORT = 9090;
export const DEFAULT_TIMEOUT_SECONDS = 30;

const REF = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?#[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Reads the settings from `env` (default `process.env`); throws naming the variable on a bad value. */
export function readPlatformSettings(env: NodeJS.ProcessEnv = process.env): PlatformSettings {
  const port = (name: string, dflt: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}="${raw}" is not a TCP port; set a number from 1 to 65535 (0 = any free port), or unset it for ${dflt}`);
    return n;
  };
  const tokenFile = env.A2A_TOKEN_FILE || DEFAULT_TOKEN_FILE;
  const inline = parseCallTable(env.A2A_CALLS ?? '[]', 'A2A_CALLS');
  const file = env.A2A_CALLS_FILE ? new FreshFile(path.resolve(env.A2A_CALLS_FILE), (t, p) => parseCallTable(t, `A2A_CALLS_FILE (${p})`)) : undefined;
  const gatewayEnv = env.A2A_GATEWAY_URL?.replace(/\/+$/, '');
  const passwordFile = env[AGENT_ENV.nacosPasswordFile];
  const password = passwordFile ? new FreshFile(passwordFile, (t) => t.trim()).get() : env[AGENT_ENV.nacosPassword];
  return {
    self: _self(env),
    a2aPort: port('A2A_PORT', DEFAULT_A2A_PORT),
    metricsPort: port('A2A_METRICS_PORT', DEFAULT_METRICS_PORT),
    metricsPath: env.A2A_METRICS_PATH || '/metrics',
    skillCache: parseSkillCache(env[AGENT_ENV.skillCache], AGENT_ENV.skillCache),
    cardFile: env[AGENT_ENV.cardFile] || DEFAULT_CARD_FILE,
    tokenFile,
    tokenFileExplicit: !!env.A2A_TOKEN_FILE,
    nacos: env[AGENT_ENV.nacosAddr]
      ? { endpoint: env[AGENT_ENV.nacosAddr]!, namespaceId: env[AGENT_ENV.nacosNamespace], username: env[AGENT_ENV.nacosUsername], password }
      : undefined,
    calls: () => {
      const t = file?.get() ?? inline;
      return { ...t, gatewayUrl: gatewayEnv ?? t.gatewayUrl };
    },
  };
}

/** Parses `A2A_CALLS` (an array) or the file form (`{ calls, gatewayUrl?, tokenFile? }`). */
export function parseCallTable(text: string, source: string): CallTable {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not JSON (${(e as Error).message}); write an array like [{"ref":"acme/search#web","url":"https://gw/api/v1/internal/a2a/acme/search/web"}]`);
  }
  const calls = Array.isArray(raw) ? raw : raw?.calls;
  if (!Array.isArray(calls)) throw new Error(`${source} must be an array of call settings, or an object with "calls": [...]`);
  const byRef = new Map<string, CallSetting>();
  calls.forEach((c: any, i: number) => {
    const at = `${source}[${i}]`;
    if (!c || typeof c.ref !== 'string' || !REF.test(c.ref)) throw new Error(`${at}.ref ${JSON.stringify(c?.ref)} is not "tenant/agent#skill"`);
    const num = (k: string, min: number) => {
      if (c[k] !== undefined && (typeof c[k] !== 'number' || !(c[k] >= min) || !Number.isFinite(c[k]))) throw new Error(`${at}.${k} ${JSON.stringify(c[k])} is not a number >= ${min}`);
    };
    num('timeoutSeconds', 0.001);
    num('retries', 0);
    num('maxReplyBytes', 1);
    num('streamTimeoutSeconds', 0.001);
    if (c.protocolVersion !== undefined && c.protocolVersion !== '1.0' && c.protocolVersion !== '0.3') throw new Error(`${at}.protocolVersion ${JSON.stringify(c.protocolVersion)} is not "1.0" or "0.3"; leave it out to read it from the callee's card`);
    if (c.url !== undefined && !/^https?:\/\//.test(c.url)) throw new Error(`${at}.url "${c.url}" is not an http(s) URL`);
    for (const w of c.retryOn ?? []) {
      if (!/^(error|timeout|off|http_[1-5]\d\d)$/.test(w)) throw new Error(`${at}.retryOn "${w}" is not one of error, timeout, off, http_NNN`);
    }
    byRef.set(c.ref, c as CallSetting);
  });
  const first = calls.find((c: any) => typeof c.url === 'string');
  const gatewayUrl = typeof raw?.gatewayUrl === 'string' ? raw.gatewayUrl.replace(/\/+$/, '') : first ? new URL(first.url).origin : undefined;
  return { byRef, gatewayUrl, tokenFile: typeof raw?.tokenFile === 'string' ? raw.tokenFile : undefined };
}

/** `tenant/agent` of this agent from `A2A_AGENT` or the OpenTelemetry resource attributes. */
function _self(env: NodeJS.ProcessEnv): PlatformSettings['self'] {
  const self = env[AGENT_ENV.agent];
  if (self) {
    const m = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(self);
    if (!m) throw new Error(`${AGENT_ENV.agent}="${self}" is not "tenant/agent"`);
    return { tenant: m[1], agent: m[2] };
  }
  const attrs = Object.fromEntries((env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',').map((kv) => kv.split('=').map((s) => s.trim())));
  return attrs['agentruntime.tenant'] && attrs['agentruntime.agent'] ? { tenant: attrs['agentruntime.tenant'], agent: attrs['agentruntime.agent'] } : undefined;
}

/** Splits `tenant/agent#skill[@version]`; throws naming the argument otherwise. */
export function parseRef(ref: string): { tenant: string; agent: string; skill: string; key: string; version?: string } {
  const at = ref.indexOf('@');
  const key = at < 0 ? ref : ref.slice(0, at);
  if (!REF.test(key)) throw new Error(`skill reference "${ref}" is not "tenant/agent#skill" (optionally "@version"), e.g. "acme/search#web"`);
  const [ta, skill] = key.split('#');
  const [tenant, agent] = ta.split('/');
  return { tenant, agent, skill, key, version: at < 0 ? undefined : ref.slice(at + 1) };
}
