/**
 * The gateway table: every route of any kind in any namespace (Ingresses, `higress.io/destination`,
 * Gateway API routes, McpBridge registries), and for each Ingress the consumers the jwt-auth
 * WasmPlugins admit on it, with the issuer and keys each consumer trusts. Declared A2A calls come
 * from the callers' own workloads only (a ConfigMap or Service cannot declare a call).
 */
import { ANNOTATION, LABEL } from '../../constructs/labels';
import { jwkThumbprint } from '../../constructs/published-example-keys';
import type { ObjectIndex } from '../object-index';
import type { K8sObject } from '../types';
import { CONTROLLER, GATEWAY_NS, selfOf } from './workloads';

/** A consumer of a jwt-auth plugin: who presents tokens of `issuer` signed by one of `keys`. */
export interface Consumer {
  readonly plugin: K8sObject;
  readonly path: string;
  readonly name: string;
  readonly issuer: string;
  /** Parsed JWKs (empty when the JWKS does not parse). */
  readonly keys: readonly Record<string, unknown>[];
  readonly thumbprints: readonly string[];
  readonly jwksError?: string;
  readonly raw: any;
}

/** One matchRule entry: a route and the consumers allowed on it. */
export interface Admission {
  readonly plugin: K8sObject;
  readonly path: string;
  readonly ingress: string;
  readonly allow: readonly string[];
}

/** Whether a WasmPlugin runs jwt-auth. */
export function isJwtPlugin(p: K8sObject): boolean {
  return /(^|[/\s])jwt-auth([:@\s]|$)/.test(`${p.spec?.pluginName ?? ''} ${p.spec?.url ?? ''}`);
}

/** The gateway table of a set (memoized). */
export function gatewayTable(index: ObjectIndex): { consumers: readonly Consumer[]; admissions: readonly Admission[]; calls: ReadonlyMap<string, ReadonlySet<string>>; internalIssuer?: string } {
  return index.memo('model:gateway', () => {
    const consumers: Consumer[] = [];
    const admissions: Admission[] = [];
    for (const p of index.inNamespace(GATEWAY_NS, 'WasmPlugin')) {
      if (!isJwtPlugin(p)) continue;
      const list: any[] = Array.isArray(p.spec?.defaultConfig?.consumers) ? p.spec.defaultConfig.consumers : [];
      list.forEach((c, i) => consumers.push(_consumer(p, `spec.defaultConfig.consumers[${i}]`, c)));
      const rules: any[] = Array.isArray(p.spec?.matchRules) ? p.spec.matchRules : [];
      rules.forEach((r, i) => {
        const allow: string[] = Array.isArray(r?.config?.allow) ? r.config.allow.filter((a: unknown) => typeof a === 'string') : [];
        for (const ing of Array.isArray(r?.ingress) ? r.ingress : []) if (typeof ing === 'string') admissions.push({ plugin: p, path: `spec.matchRules[${i}].config.allow`, ingress: ing, allow });
        (Array.isArray(r?.config?.consumers) ? r.config.consumers : []).forEach((c: any, j: number) => consumers.push(_consumer(p, `spec.matchRules[${i}].config.consumers[${j}]`, c)));
      });
    }
    return { consumers, admissions, calls: declaredCalls(index), internalIssuer: _internalIssuer(index) };
  });
}

function _consumer(plugin: K8sObject, path: string, c: any): Consumer {
  const name = typeof c?.name === 'string' ? c.name : '';
  const issuer = typeof c?.issuer === 'string' ? c.issuer : '';
  let keys: Record<string, unknown>[] = [];
  let jwksError: string | undefined;
  try {
    const doc = typeof c?.jwks === 'string' ? JSON.parse(c.jwks) : c?.jwks;
    keys = Array.isArray(doc?.keys) ? doc.keys.filter((k: unknown) => k && typeof k === 'object') : [];
  } catch (e) {
    jwksError = `does not parse (${(e as Error).message})`;
  }
  const thumbprints = keys.map((k) => {
    try {
      return jwkThumbprint(k);
    } catch {
      return `unhashable:${JSON.stringify(k)}`;
    }
  });
  return { plugin, path, name, issuer, keys, thumbprints, ...(jwksError ? { jwksError } : {}), raw: c };
}

/** Kinds an agent's workload is: only these may declare its calls. */
const _WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'Rollout', 'Agent']);

/** Declared calls: caller `tenant/agent` → callee `tenant/agent` and `tenant/agent#skill`, from the callers' workloads. */
export function declaredCalls(index: ObjectIndex): ReadonlyMap<string, ReadonlySet<string>> {
  return index.memo('model:calls', () => {
    const map = new Map<string, Set<string>>();
    for (const kind of _WORKLOAD_KINDS) {
      for (const o of index.ofKind(kind)) {
        const declared = o.metadata?.annotations?.[ANNOTATION.calls];
        if (typeof declared !== 'string') continue;
        // The declaration counts for the workload's own agent, whatever its labels say.
        const agent = selfOf(o);
        if (o.metadata?.labels?.[LABEL.agent] !== undefined && o.metadata.labels[LABEL.agent] !== agent) continue;
        const key = `${o.metadata?.namespace}/${agent}`;
        const set = map.get(key) ?? new Set<string>();
        for (const ref of declared.split(',')) {
          const [target, skill] = ref.trim().split('@', 1)[0].split('#');
          if (!target) continue;
          set.add(target);
          if (skill) set.add(`${target}#${skill}`);
        }
        map.set(key, set);
      }
    }
    return map;
  });
}

/** The controller's internal issuer (`--internal-issuer`), when the controller is in the set. */
function _internalIssuer(index: ObjectIndex): string | undefined {
  const d = index.get('Deployment', CONTROLLER.namespace, CONTROLLER.name);
  const args: unknown[] = d?.spec?.template?.spec?.containers?.[0]?.args ?? [];
  const i = args.indexOf('--internal-issuer');
  if (i >= 0 && typeof args[i + 1] === 'string') return args[i + 1] as string;
  const eq = args.find((a) => typeof a === 'string' && a.startsWith('--internal-issuer='));
  return typeof eq === 'string' ? eq.slice('--internal-issuer='.length) : undefined;
}

/** What an Ingress path routes to: `{ kind: 'chat' | 'internal', tenant, agent, skill? }`, or undefined. */
export function routeTarget(path: string): { kind: 'chat' | 'internal'; tenant: string; agent: string; skill?: string } | undefined {
  const chat = /^\/api\/v1\/agents\/([^/]+)\/([^/]+)(?:\/|$)/.exec(path);
  if (chat) return { kind: 'chat', tenant: chat[1], agent: chat[2] };
  const internal = /^\/api\/v1\/internal\/a2a\/([^/]+)\/([^/]+)(?:\/([^/]+))?/.exec(path);
  if (internal) return { kind: 'internal', tenant: internal[1], agent: internal[2], ...(internal[3] && internal[3] !== 'versions' ? { skill: internal[3] } : {}) };
  return undefined;
}
