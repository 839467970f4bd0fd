import { LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { isNacos } from '../roles';
import { isTenantNs } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'gateway-authn-required';

/** Higress only applies WasmPlugins from its own namespace. */
const _HIGRESS_NS = 'higress-system';

/** Every Higress route to an agent or MCP server has TLS, a concrete host, and a jwt-auth/key-auth plugin covering it. */
export const gatewayAuthnRequired: Rule = {
  id: ID,
  description: 'Every Ingress to an agent (A2A), an MCP server or a tenant Service (in a tenant namespace, or by higress.io/destination) is of class higress, has tls, non-wildcard hosts, and is covered by a fail-closed jwt-auth or key-auth WasmPlugin in higress-system (global_auth or a matchRule naming <ns>/<ingress>); Nacos runs with auth enabled.',
  severity: 'critical',
  remediation: 'Add spec.tls and a concrete host to the Ingress, and a matchRules entry {ingress: ["<ns>/<ingress>"], config: {allow: [...]}} to the jwt-auth WasmPlugin in higress-system.',
  enforcement: MANDATORY,
  kinds: ['Ingress', 'WasmPlugin', 'StatefulSet', 'Deployment', 'ConfigMap'],
  check: (obj, ctx) => {
    if (obj.kind === 'WasmPlugin') return _checkPlugin(obj);
    if (obj.kind !== 'Ingress') return _checkNacosAuth(obj);
    const cls = _class(obj);
    if (cls === undefined) {
      return [violation(ID, obj, 'spec.ingressClassName', 'Ingress has no class: the cluster default controller serves it, perhaps without the gateway\'s authentication',
        'set spec.ingressClassName: higress', true)];
    }
    if (!_isAgentRoute(obj, ctx)) return [];
    if (cls !== 'higress') {
      return [violation(ID, obj, 'spec.ingressClassName', `Ingress of class "${cls}" routes to a tenant past the Higress gateway and its jwt-auth`,
        'set spec.ingressClassName: higress; tenants are reached only through the gateway')];
    }
    const out: Violation[] = [];
    if (!Array.isArray(obj.spec?.tls) || obj.spec.tls.length === 0) {
      out.push(violation(ID, obj, 'spec.tls', 'agent route has no TLS', 'add spec.tls with the gateway host and its certificate Secret'));
    }
    const rules = Array.isArray(obj.spec?.rules) ? obj.spec.rules : [];
    rules.forEach((r: any, i: number) => {
      const host = r?.host;
      if (typeof host !== 'string' || host === '' || host.includes('*')) {
        out.push(violation(ID, obj, `spec.rules[${i}].host`, host ? `wildcard host "${host}"` : 'rule has no host: it matches every host',
          'set a concrete gateway host, e.g. agents.example.com'));
      }
    });
    return out;
  },
  checkSet: (obj, ctx) => {
    if (obj.kind !== 'Ingress' || _class(obj) !== 'higress' || !_isAgentRoute(obj, ctx)) return [];
    const ref = `${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? ''}`;
    const auth = ctx.index.memo('gateway-authn-required:coverage', () => _coverage(ctx));
    if (auth.global || auth.ingresses.has(ref)) return [];
    return [violation(ID, obj, 'metadata.name', `no jwt-auth or key-auth WasmPlugin in ${_HIGRESS_NS} covers ingress "${ref}"`,
      `add {ingress: ["${ref}"]} to matchRules of the jwt-auth WasmPlugin in ${_HIGRESS_NS}`)];
  },
};

function _class(obj: K8sObject): string | undefined {
  return obj.spec?.ingressClassName ?? obj.metadata?.annotations?.['kubernetes.io/ingress.class'];
}

/** In-cluster Service hosts (`<svc>.<ns>.svc`) named by an annotation value, e.g. higress.io/destination. */
const _SVC_HOST = /([a-z0-9-]+)\.([a-z0-9-]+)\.svc\b/g;

/** Ingresses that lead to agents, MCP servers or anything of a tenant, whatever their class. */
function _isAgentRoute(obj: K8sObject, ctx: RuleContext): boolean {
  if (obj.metadata?.labels?.[LABEL.agent] !== undefined) return true;
  const annotations = obj.metadata?.annotations ?? {};
  if (Object.keys(annotations).some((a) => a.startsWith('higress.io/mcp-server'))) return true;
  if (isTenantNs(ctx, obj.metadata?.namespace)) return true;
  const destination = annotations['higress.io/destination'];
  return typeof destination === 'string' && [...destination.matchAll(_SVC_HOST)].some((m) => isTenantNs(ctx, m[2]));
}

/** Whether a WasmPlugin is jwt-auth or key-auth. */
function _isAuthPlugin(spec: any): boolean {
  return /(^|[/\s])(jwt-auth|key-auth)([:@\s]|$)/.test(`${spec?.pluginName ?? ''} ${spec?.url ?? ''}`);
}

/** An auth plugin that fails open lets every request through when it cannot run. */
function _checkPlugin(obj: K8sObject): Violation[] {
  if (!_isAuthPlugin(obj.spec) || obj.spec?.failStrategy === undefined || obj.spec.failStrategy === 'FAIL_CLOSE') return [];
  return [violation(ID, obj, 'spec.failStrategy', `auth plugin fails open (${obj.spec.failStrategy}): requests pass unauthenticated when it cannot run`, 'set spec.failStrategy: FAIL_CLOSE')];
}

/** Nacos holds every agent's card and credentials: its auth is never off. */
function _checkNacosAuth(obj: K8sObject): Violation[] {
  const out: Violation[] = [];
  if (obj.kind === 'ConfigMap') {
    if (obj.metadata?.namespace !== 'nacos' && !isNacos(obj)) return [];
    for (const [key, value] of Object.entries(obj.data ?? {})) {
      if (typeof value === 'string' && /nacos\.core\.auth\.enabled\s*[=:]\s*false/i.test(value)) {
        out.push(violation(ID, obj, `data["${key}"]`, 'Nacos configuration turns authentication off', 'set nacos.core.auth.enabled=true'));
      }
    }
    return out;
  }
  if (!isNacos(obj)) return [];
  const containers: any[] = Array.isArray(obj.spec?.template?.spec?.containers) ? obj.spec.template.spec.containers : [];
  containers.forEach((c, i) => {
    if (typeof c?.image !== 'string' || !c.image.includes('nacos-server')) return;
    const env: any[] = Array.isArray(c.env) ? c.env : [];
    const j = env.findIndex((e) => e?.name === 'NACOS_AUTH_ENABLE');
    if (j < 0 || String(env[j].value).toLowerCase() !== 'true') {
      out.push(violation(ID, obj, `spec.template.spec.containers[${i}].env${j < 0 ? '' : `[${j}].value`}`, j < 0 ? 'Nacos runs without NACOS_AUTH_ENABLE (auth is off by default)' : `NACOS_AUTH_ENABLE is ${JSON.stringify(env[j].value)}: Nacos auth is off`,
        'set env NACOS_AUTH_ENABLE: "true" with NACOS_AUTH_TOKEN and the identity from a Secret'));
    }
  });
  return out;
}

/** Which ingresses the auth plugins of the set cover. */
function _coverage(ctx: RuleContext): { global: boolean; ingresses: Set<string> } {
  const ingresses = new Set<string>();
  let global = false;
  for (const p of ctx.index.inNamespace(_HIGRESS_NS, 'WasmPlugin')) {
    const spec = p.spec ?? {};
    // A plugin that fails open or is disabled (any value but false: fail closed) covers nothing.
    if (!_isAuthPlugin(spec) || (spec.failStrategy !== undefined && spec.failStrategy !== 'FAIL_CLOSE')) continue;
    if (spec.defaultConfig?.global_auth === true && (spec.defaultConfigDisable === undefined || spec.defaultConfigDisable === false)) global = true;
    for (const rule of Array.isArray(spec.matchRules) ? spec.matchRules : []) {
      if (rule?.configDisable !== undefined && rule?.configDisable !== false) continue;
      for (const ing of Array.isArray(rule?.ingress) ? rule.ingress : []) ingresses.add(ing);
    }
  }
  return { global, ingresses };
}
