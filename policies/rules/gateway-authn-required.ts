import { LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { isTenantNamespaceName } from '../roles';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'gateway-authn-required';

/** Higress only applies WasmPlugins from its own namespace. */
const _HIGRESS_NS = 'higress-system';

/** Every Higress route to an agent or MCP server has TLS, a concrete host, and a jwt-auth/key-auth plugin covering it. */
export const gatewayAuthnRequired: Rule = {
  id: ID,
  description: 'Every Higress Ingress to an agent (A2A) or MCP server has tls, non-wildcard hosts, and is covered by a jwt-auth or key-auth WasmPlugin in higress-system (global_auth or a matchRule naming <ns>/<ingress>).',
  severity: 'critical',
  remediation: 'Add spec.tls and a concrete host to the Ingress, and a matchRules entry {ingress: ["<ns>/<ingress>"], config: {allow: [...]}} to the jwt-auth WasmPlugin in higress-system.',
  enforcement: MANDATORY,
  kinds: ['Ingress'],
  check: (obj, ctx) => {
    if (!_isAgentRoute(obj, ctx)) return [];
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
    if (!_isAgentRoute(obj, ctx)) return [];
    const ref = `${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? ''}`;
    const auth = ctx.index.memo('gateway-authn-required:coverage', () => _coverage(ctx));
    if (auth.global || auth.ingresses.has(ref)) return [];
    return [violation(ID, obj, 'metadata.name', `no jwt-auth or key-auth WasmPlugin in ${_HIGRESS_NS} covers ingress "${ref}"`,
      `add {ingress: ["${ref}"]} to matchRules of the jwt-auth WasmPlugin in ${_HIGRESS_NS}`)];
  },
};

/** Higress Ingresses that lead to agents or MCP servers. */
function _isAgentRoute(obj: K8sObject, ctx: RuleContext): boolean {
  const cls = obj.spec?.ingressClassName ?? obj.metadata?.annotations?.['kubernetes.io/ingress.class'];
  if (cls !== 'higress') return false;
  if (obj.metadata?.labels?.[LABEL.agent] !== undefined) return true;
  if (Object.keys(obj.metadata?.annotations ?? {}).some((a) => a.startsWith('higress.io/mcp-server'))) return true;
  return isTenantNamespaceName(ctx.index, obj.metadata?.namespace);
}

/** Which ingresses the auth plugins of the set cover. */
function _coverage(ctx: RuleContext): { global: boolean; ingresses: Set<string> } {
  const ingresses = new Set<string>();
  let global = false;
  for (const p of ctx.index.inNamespace(_HIGRESS_NS, 'WasmPlugin')) {
    const spec = p.spec ?? {};
    const name = `${spec.pluginName ?? ''} ${spec.url ?? ''}`;
    if (!/(^|[/\s])(jwt-auth|key-auth)([:@\s]|$)/.test(name)) continue;
    if (spec.defaultConfig?.global_auth === true && spec.defaultConfigDisable !== true) global = true;
    for (const rule of Array.isArray(spec.matchRules) ? spec.matchRules : []) {
      if (rule?.configDisable === true) continue;
      for (const ing of Array.isArray(rule?.ingress) ? rule.ingress : []) ingresses.add(ing);
    }
  }
  return { global, ingresses };
}
