/**
 * Skill resilience on the gateway: timeouts, retries, fallbacks, cached responses, circuit
 * breaking and version pinning of A2A skills, as Higress Ingress annotations and an Istio
 * `DestinationRule`; cached responses are served by the agent SDK (agent/result-cache.ts), since
 * the gateway's ai-cache cannot answer with the caller's JSON-RPC id (docs/a2a.md). Plain helpers used by {@link Agent}; the props
 * live on `AgentSkillSpec` (the callee's side) and on `calls` entries (the caller's side).
 */
import { AgentDirectory, agentKey, SkillRef } from './agent-directory';
import { Field, PropProblems, refuse } from './errors';

/** Outlier detection of one agent's pods (Istio `DestinationRule.trafficPolicy.outlierDetection`). */
export interface CircuitBreakerSpec {
  /** Consecutive 5xx (or connection errors) that eject a pod. @default 5 */
  readonly consecutiveErrors?: number;
  /** Seconds between ejection sweeps. @default 10 */
  readonly intervalSeconds?: number;
  /** Minimum seconds a pod stays ejected (grows with each ejection). @default 30 */
  readonly ejectionSeconds?: number;
  /** Upper bound of ejected pods, percent. @default 100 */
  readonly maxEjectionPercent?: number;
}

/**
 * Where a failing skill route sends the request instead: another skill of the same tenant, or
 * another version of the same agent. Written as a string: `other-skill`, `agent#skill`,
 * `tenant/agent#skill` (same tenant only) or `@1.2.0` (a version of this agent).
 */
export interface SkillFallbackSpec {
  /** `skill`, `agent#skill` or `tenant/agent#skill`; exactly one of `skill` and `version`. */
  readonly skill?: string;
  /** A version of this agent (its stable or canary version). */
  readonly version?: string;
  /** Upstream status codes that trigger the fallback (`custom-http-errors`). @default [502, 503, 504] */
  readonly onStatus?: readonly number[];
}

/** Resilience of a skill, declared on the skill itself (applies to every caller). */
export interface SkillResilienceSpec {
  /** Route timeout in seconds (`higress.io/timeout`). @default - the tenant's routeTimeoutSeconds */
  readonly timeoutSeconds?: number;
  /**
   * Gateway retries of this skill's POST calls (`proxy-next-upstream-tries`, with `non_idempotent`):
   * declare them only when a call may safely reach the agent twice. At most the tenant's maxRetries.
   * @default - none; with `retryOn` alone, the tenant's routeRetries
   */
  readonly retries?: number;
  /** When to retry (`proxy-next-upstream`): `error`, `timeout`, `invalid_header`, `http_NNN`, `off`; `non_idempotent` is added (A2A calls are POSTs). @default ['error', 'timeout', 'http_503'] with retries */
  readonly retryOn?: readonly string[];
  /** Fallback on upstream errors (`default-backend` + `custom-http-errors`). @default - none */
  readonly fallback?: string | SkillFallbackSpec;
  /** The same request always gets the same answer; required for `cacheTtlSeconds`. @default false */
  readonly deterministic?: boolean;
  /**
   * Answer a repeated request (same skill, same message parts) from the agent's in-memory cache for
   * this many seconds, with the caller's id and A2A version. BYO agents on the agent SDK only. @default - not cached
   */
  readonly cacheTtlSeconds?: number;
  /** Eject failing pods (Istio `DestinationRule`; needs the platform's Istio API). @default - none */
  readonly circuitBreaker?: CircuitBreakerSpec;
}

/** A call to another agent's skill with the caller's own resilience settings. */
export interface SkillCallSpec extends SkillRef {
  /** Call exactly this version (header `X-A2A-Skill-Version`). @default - whatever the gateway routes to */
  readonly version?: string;
  /** Version to call when the pinned one fails. @default - none */
  readonly fallbackVersion?: string;
  /** Client-side timeout of the caller, seconds. @default - the route's timeout */
  readonly timeoutSeconds?: number;
  /** Client-side retries of the caller, at most the tenant's maxRetries. @default 0 */
  readonly retries?: number;
}

/** Header that pins an A2A call to a skill version (Higress canary-by-header on canary routes). */
export const SKILL_VERSION_HEADER = 'X-A2A-Skill-Version';

/** A2A lineage headers: agents forward them on every call; the public chat route strips them. */
export const A2A_TRACE_HEADERS = ['X-A2A-Trace-ID', 'X-A2A-Parent-Agent', 'X-A2A-Parent-Request-ID'] as const;

/** Env variable holding the caller's call settings as JSON (pinned versions, client timeouts and retries). */
export const A2A_CALLS_ENV = 'A2A_CALLS';

/** Default `proxy-next-upstream` conditions of a skill with retries. */
export const DEFAULT_RETRY_ON = ['error', 'timeout', 'http_503'] as const;

/** Default `custom-http-errors` of a fallback. */
export const DEFAULT_FALLBACK_STATUS = [502, 503, 504] as const;

const RETRY_CONDITION = /^(error|timeout|invalid_header|non_idempotent|off|http_[1-5]\d\d)$/;
const VERSION = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/** A fallback after parsing: a skill (maybe of another agent of the tenant) or a version of this agent. */
export type _ResolvedFallback =
  | { readonly kind: 'skill'; readonly ref: SkillRef; readonly onStatus: readonly number[] }
  | { readonly kind: 'version'; readonly version: string; readonly onStatus: readonly number[] };

/**
 * Parses `tenant/agent#skill[@version]` or a typed call; throws naming `field` on another shape.
 *
 * @example parseSkillCall('acme/search#web@1.2.0', 'calls[0]') // { tenant: 'acme', agent: 'search', skill: 'web', version: '1.2.0' }
 */
export function parseSkillCall(call: string | SkillCallSpec, field: Field): SkillCallSpec {
  if (typeof call !== 'string') return call;
  const at = call.indexOf('@');
  const ref = AgentDirectory.parseRef(at < 0 ? call : call.slice(0, at), field);
  if (at < 0) return ref;
  const version = call.slice(at + 1);
  if (!VERSION.test(version)) {
    throw refuse(field, call, `pins version "${version}", which is not a version; write "tenant/agent#skill@1.2.0"`);
  }
  return { ...ref, version };
}

/** Whether `call` parses (see {@link parseSkillCall}): for callers that must not throw on what a construct reports itself. */
export function isSkillCall(call: string | SkillCallSpec): boolean {
  if (typeof call !== 'string') return typeof call === 'object' && call !== null;
  const at = call.indexOf('@');
  return /^([a-z0-9-]+)\/([a-z0-9-]+)#([a-z0-9-]+)$/.test(at < 0 ? call : call.slice(0, at)) && (at < 0 || VERSION.test(call.slice(at + 1)));
}

/** Formats a call as `tenant/agent#skill[@version]`. */
export function formatSkillCall(c: SkillCallSpec): string {
  return `${c.tenant}/${c.agent}#${c.skill}${c.version ? `@${c.version}` : ''}`;
}

/** Checks the skill's own settings (eagerly, in the Agent constructor) and parses its fallback. */
export function _checkSkillResilience(s: SkillResilienceSpec & { readonly id: string }, ctx: {
  readonly problems: PropProblems; readonly tenant: string; readonly agent: string; readonly skillIds: readonly string[];
  readonly maxRetries: number; readonly kind: 'declarative' | 'byo'; readonly istioApi: boolean;
}): _ResolvedFallback | undefined {
  const at = ctx.problems;
  if (s.timeoutSeconds !== undefined && (!Number.isInteger(s.timeoutSeconds) || s.timeoutSeconds < 1)) {
    at.add(['timeoutSeconds'], s.timeoutSeconds, 'is not allowed; use a whole number of seconds >= 1');
  }
  if (s.retries !== undefined) {
    if (!Number.isInteger(s.retries) || s.retries < 0) {
      at.add(['retries'], s.retries, `is not allowed; use a whole number from 0 to ${ctx.maxRetries}`);
    } else if (s.retries > ctx.maxRetries) {
      at.add(['retries'], s.retries, `is above the maximum of ${ctx.maxRetries} (maxRetries of tenant "${ctx.tenant}"); lower retries to at most ${ctx.maxRetries} or raise maxRetries`);
    }
  }
  (s.retryOn ?? []).forEach((c, i) => {
    if (!RETRY_CONDITION.test(c)) {
      at.add(['retryOn', i], c, 'is not a Higress retry condition; use error, timeout, invalid_header, non_idempotent, off or http_NNN (e.g. http_503)');
    }
  });
  if (s.cacheTtlSeconds !== undefined) {
    if (!Number.isInteger(s.cacheTtlSeconds) || s.cacheTtlSeconds < 1) {
      at.add(['cacheTtlSeconds'], s.cacheTtlSeconds, 'is not allowed; use a whole number of seconds >= 1');
    } else if (!s.deterministic) {
      at.add(['cacheTtlSeconds'], s.cacheTtlSeconds, 'caches a non-deterministic skill; a cached answer is only right if the same request always gets the same answer: set deterministic: true, or remove cacheTtlSeconds');
    } else if (ctx.kind === 'declarative') {
      // The gateway's ai-cache replays a fixed JSON-RPC id; only the agent SDK answers with the caller's.
      at.add(['cacheTtlSeconds'], s.cacheTtlSeconds, 'caches a declarative (kagent) agent\'s skill, but only agents on the agent SDK (serveAgent) can answer from a cache with the caller\'s id; remove cacheTtlSeconds, or serve the skill from a byo agent');
    }
  }
  if (s.circuitBreaker) {
    if (!ctx.istioApi) {
      at.add(['circuitBreaker'], undefined, 'needs Higress\' Istio API (it reads Istio DestinationRules only then); enable it: gateway.istioApi: true and Higress Helm value global.enableIstioAPI=true, or remove circuitBreaker');
    }
    const cb = s.circuitBreaker;
    const int = (name: string, v: number | undefined, min: number, max = Infinity) => {
      if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
        at.add(['circuitBreaker', name], v, `is not allowed; use a whole number from ${min}${max === Infinity ? ' up' : ` to ${max}`}`);
      }
    };
    int('consecutiveErrors', cb.consecutiveErrors, 1);
    int('intervalSeconds', cb.intervalSeconds, 1);
    int('ejectionSeconds', cb.ejectionSeconds, 1);
    int('maxEjectionPercent', cb.maxEjectionPercent, 0, 100);
  }
  return s.fallback === undefined ? undefined : at.collect(() => _parseFallback(s.fallback!, at.at('fallback'), ctx));
}

function _parseFallback(f: string | SkillFallbackSpec, at: PropProblems, ctx: { readonly tenant: string; readonly agent: string; readonly skillIds: readonly string[] }): _ResolvedFallback {
  const spec: SkillFallbackSpec = typeof f === 'string' ? (f.startsWith('@') ? { version: f.slice(1) } : { skill: f }) : f;
  const onStatus = spec.onStatus ?? DEFAULT_FALLBACK_STATUS;
  onStatus.forEach((code, i) => {
    if (!Number.isInteger(code) || code < 400 || code > 599) {
      throw at.fail(['onStatus', i], code, 'is not an HTTP error status; use 4xx/5xx codes, e.g. [502, 503, 504]');
    }
  });
  if (!!spec.skill === !!spec.version) {
    throw at.fail([], f, 'needs exactly one of skill ("other-skill", "agent#skill") and version ("@1.2.0")');
  }
  if (spec.version) {
    if (!VERSION.test(spec.version)) throw at.fail(typeof f === 'string' ? [] : ['version'], spec.version, 'is not a version; use e.g. "@1.2.0"');
    return { kind: 'version', version: spec.version, onStatus };
  }
  const raw = spec.skill!;
  const full = raw.includes('/') ? raw : raw.includes('#') ? `${ctx.tenant}/${raw}` : `${ctx.tenant}/${ctx.agent}#${raw}`;
  const field = typeof f === 'string' ? [] : ['skill'];
  const ref = AgentDirectory.parseRef(full, { problems: at, path: field });
  if (ref.tenant !== ctx.tenant) {
    throw at.fail(field, raw, `is a skill of tenant "${ref.tenant}"; a fallback stays within tenant "${ctx.tenant}" (the gateway would bypass the other tenant's caller checks); pick a skill of "${ctx.tenant}"`);
  }
  if (ref.agent === ctx.agent) {
    if (!ctx.skillIds.includes(ref.skill)) {
      throw at.fail(field, raw, `names skill "${ref.skill}", which does not exist; skills of agent "${agentKey(ctx.tenant, ctx.agent)}" are ${ctx.skillIds.map((id) => `"${id}"`).join(', ')}`);
    }
    // The gateway's fallback (default-backend) is a Service: the agent's own Service is the one that just failed.
    throw at.fail(field, raw, 'is a skill of the same agent, whose Service just answered with the error (the gateway falls back to a Service, not a skill); fall back to another agent\'s skill ("agent#skill") or to a version ("@1.2.0")');
  }
  return { kind: 'skill', ref, onStatus };
}

/** Deployed versions of `tenant/agent` with their workload (Service) names. */
export function _versionsOf(directory: AgentDirectory, key: string): Array<{ version: string; track: 'stable' | 'canary'; service: string }> {
  const entry = directory.get(key);
  if (!entry) return [];
  const out: Array<{ version: string; track: 'stable' | 'canary'; service: string }> = [{ version: entry.version, track: 'stable', service: entry.agent }];
  const canary = directory.canaryVersion(key);
  if (canary) out.push({ version: canary, track: 'canary', service: `${entry.agent}-canary` });
  return out;
}

/** `"1.0.0" (stable), "1.1.0" (canary)`, for errors. */
export function _describeVersions(versions: ReturnType<typeof _versionsOf>): string {
  return versions.length ? versions.map((v) => `"${v.version}" (${v.track})`).join(', ') : 'none';
}

/** Higress annotations of one skill route (timeout, retries, fallback target resolved by the caller). */
export function _skillRouteAnnotations(s: SkillResilienceSpec, fallbackBackend: string | undefined, onStatus: readonly number[] | undefined, defaultTries = 0): Record<string, string> {
  const a: Record<string, string> = {};
  if (s.timeoutSeconds !== undefined) a['higress.io/timeout'] = String(s.timeoutSeconds);
  Object.assign(a, _retryAnnotations(s, defaultTries));
  if (fallbackBackend) {
    // nginx-compatible keys; Higress reads them under either prefix (default_backend.go) and
    // turns them into fallback clusters with an internal redirect on these codes.
    a['higress.io/default-backend'] = fallbackBackend;
    a['higress.io/custom-http-errors'] = (onStatus ?? DEFAULT_FALLBACK_STATUS).join(',');
  }
  return a;
}

/**
 * Gateway retries of a route. A2A calls are POSTs, and Envoy retries a POST only when the retry
 * conditions include `non_idempotent` (Higress passes the nginx-style list through:
 * pkg/ingress/kube/annotations/retry.go, v2.0.1 and HEAD; its Istio fork otherwise keeps Envoy's
 * `retriable_request_headers` excluding POST|PATCH|LOCK, as measured through Higress v2.0.1). A
 * call is safe to send twice only when its skill says so, so routes retry only where the skill
 * declares `retries` or `retryOn` (tries: `retries`, else `defaultTries`); every other route says
 * `off`, which is what Envoy does with a POST anyway.
 */
export function _retryAnnotations(s: SkillResilienceSpec | undefined, defaultTries: number): Record<string, string> {
  const declared = s !== undefined && (s.retries !== undefined || s.retryOn !== undefined);
  const tries = declared ? s!.retries ?? defaultTries : 0;
  if (tries === 0 || s?.retryOn?.includes('off')) {
    return { 'higress.io/proxy-next-upstream-tries': '0', 'higress.io/proxy-next-upstream': 'off' };
  }
  const on = [...new Set([...(s!.retryOn ?? DEFAULT_RETRY_ON), 'non_idempotent'])];
  return { 'higress.io/proxy-next-upstream-tries': String(tries), 'higress.io/proxy-next-upstream': on.join(',') };
}

/** `trafficPolicy.outlierDetection` of a DestinationRule. */
export function _outlierDetection(cb: CircuitBreakerSpec): Record<string, unknown> {
  return {
    consecutive5xxErrors: cb.consecutiveErrors ?? 5,
    interval: `${cb.intervalSeconds ?? 10}s`,
    baseEjectionTime: `${cb.ejectionSeconds ?? 30}s`,
    maxEjectionPercent: cb.maxEjectionPercent ?? 100,
  };
}
