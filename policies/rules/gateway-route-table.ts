/**
 * The gateway table judged against the platform's declarations: every route is a tenant Ingress of
 * its own tenant's paths (no Ingress elsewhere, no `higress.io/destination`, no Gateway API route, no
 * McpBridge registry but the platform's Nacos); each route admits only the consumers its agent's
 * callers declared (public consumers on chat routes only); each consumer trusts one issuer with the
 * keys the platform configured (an issuer trusted with different keys in two places is an attacker's;
 * internal consumers carry the controller's issuer for their own identity; no key is a published
 * example or shared between public and internal consumers; no private key material); plugins come
 * from an allowed registry over OCI.
 */
import { isPublishedExampleKey, publishedExampleKeySource } from '../../constructs/published-example-keys';
import { isAllowedImage, parseImageReference } from '../../constructs/image-reference';
import { violation } from '../object-ref';
import { gatewayTable, routeTarget, type Consumer } from '../model/gateway-table';
import { GATEWAY_NS, REGISTRY_NS } from '../model/workloads';
import { isNacos } from '../roles';
import { isTenantNs } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'gateway-route-table';

/** Gateway API kinds: each is a route (or a listener) that no jwt-auth matchRule names. */
const _GATEWAY_API = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute', 'Gateway', 'ReferenceGrant']);

/** Largest clock skew a consumer may accept (seconds). */
const _MAX_SKEW = 300;

export const gatewayRouteTable: Rule = {
  id: ID,
  description: 'Every route (Ingress in any namespace, higress.io/destination, Gateway API routes, McpBridge registries) is a tenant route of its own tenant; each admits only consumers its callee\'s callers declared; consumers trust the configured issuers and keys (no attacker issuer or JWKS, no published example key, no key shared by public and internal consumers); WasmPlugins come from an allowed registry over OCI.',
  severity: 'critical',
  remediation: 'Route tenants only through their generated Ingresses; let the jwt-auth matchRules follow the declared calls; trust only the configured issuers and their keys; pull plugins from an allowed OCI registry.',
  enforcement: MANDATORY,
  configKeys: ['registries', 'trustedIssuers'],
  checkSet: (obj, ctx) => {
    const findings = ctx.index.memo(`${ID}:consumers`, () => _consumerFindings(ctx));
    const own = findings.get(obj) ?? [];
    switch (obj.kind) {
      case 'Ingress':
        return [...own, ..._ingress(obj, ctx)];
      case 'WasmPlugin':
        return [...own, ..._plugin(obj, ctx), ..._admissions(obj, ctx)];
      case 'McpBridge':
        return [...own, ..._bridge(obj, ctx)];
      default:
        return _GATEWAY_API.has(obj.kind ?? '') && /gateway\.networking\.k8s\.io|higress/.test(obj.apiVersion ?? '')
          ? [violation(ID, obj, 'spec', `${obj.kind} routes traffic past the platform's Ingress routes, which the jwt-auth matchRules name one by one`, 'route tenants only through their generated Ingresses')]
          : own;
    }
  },
};

function _ingress(obj: K8sObject, ctx: RuleContext): Violation[] {
  const ns = obj.metadata?.namespace ?? 'default';
  const out: Violation[] = [];
  const destination = obj.metadata?.annotations?.['higress.io/destination'];
  if (destination !== undefined) out.push(violation(ID, obj, 'metadata.annotations["higress.io/destination"]', `routes to "${destination}" directly (any Service of any namespace, or an McpBridge registry), not to its own backends`, 'remove higress.io/destination; route to a Service of the Ingress\'s own namespace'));
  if (!isTenantNs(ctx, ns)) {
    out.push(violation(ID, obj, 'metadata.namespace', `Ingress in ${ns}: the gateway routes only tenants' generated Ingresses, and a route here can reach platform Services`, 'remove it; expose agents only through their tenant\'s Ingresses'));
    return out;
  }
  if (obj.spec?.defaultBackend) out.push(violation(ID, obj, 'spec.defaultBackend', 'a default backend catches every request no other route matches on the gateway', 'remove spec.defaultBackend'));
  const header = obj.metadata?.annotations?.['higress.io/exact-match-header-x-kagent-host'];
  const tenants = new Set(Object.keys(ctx.config.tenants).length ? Object.keys(ctx.config.tenants) : ctx.index.ofKind('Namespace').map((n) => n.metadata?.name).filter((n) => isTenantNs(ctx, n)));
  (Array.isArray(obj.spec?.rules) ? obj.spec.rules : []).forEach((r: any, i: number) => {
    (Array.isArray(r?.http?.paths) ? r.http.paths : []).forEach((p: any, j: number) => {
      const path = typeof p?.path === 'string' ? p.path : '/';
      const at = `spec.rules[${i}].http.paths[${j}].path`;
      const target = routeTarget(path);
      const kagent = typeof header === 'string' && header.endsWith(`.${ns}`);
      if (target && target.tenant !== ns && tenants.has(target.tenant)) out.push(violation(ID, obj, at, `a route of tenant ${ns} claims path ${path} of tenant ${target.tenant}`, `use paths under /api/v1/.../${ns}/`));
      else if (!target && !kagent && (path === '/' || path === '' || p?.pathType === 'ImplementationSpecific' || /[*()[\]|^$]/.test(path))) out.push(violation(ID, obj, at, `path ${path} (${p?.pathType ?? 'ImplementationSpecific'}) is not under the tenant's own prefix: it can capture other tenants' and the platform's routes`, `use the generated paths under /api/v1/.../${ns}/`));
      for (const t of tenants) if (t !== ns && path.split('/').includes(t) && !target) out.push(violation(ID, obj, at, `path ${path} names tenant ${t}`, `use paths under /api/v1/.../${ns}/`));
    });
  });
  return out;
}

/** Each route admits only the consumers its callee's callers declared; public consumers only on chat routes. */
function _admissions(plugin: K8sObject, ctx: RuleContext): Violation[] {
  const table = gatewayTable(ctx.index);
  const out: Violation[] = [];
  const defined = new Map(table.consumers.filter((c) => c.plugin === plugin || c.plugin.metadata?.name === 'jwt-auth').map((c) => [c.name, c]));
  for (const a of table.admissions.filter((x) => x.plugin === plugin)) {
    const [ns, name] = a.ingress.split('/');
    const ingress = ctx.index.get('Ingress', ns ?? '', name ?? '');
    if (!ingress) continue;
    const paths: string[] = (ingress.spec?.rules ?? []).flatMap((r: any) => (r?.http?.paths ?? []).map((p: any) => p?.path)).filter((p: unknown) => typeof p === 'string');
    const targets = paths.map(routeTarget).filter((t) => t !== undefined);
    for (const who of a.allow) {
      if (who === 'nobody') continue;
      const consumer = defined.get(who);
      // A name no plugin defines matches no token: it admits nobody (the generated closed routes use one).
      if (!consumer) continue;
      const internal = _isInternal(consumer, table.internalIssuer);
      for (const t of targets) {
        if (!internal) {
          if (t.kind !== 'chat') out.push(violation(ID, plugin, a.path, `internal route ${a.ingress} (${t.tenant}/${t.agent}) admits public consumer "${who}" (issuer ${consumer.issuer})`, 'admit only the internal identities of declared callers on internal routes'));
          continue;
        }
        const callee = `${t.tenant}/${t.agent}`;
        // A caller whose tenant is not in the reviewed set is judged when its own objects are (a tenant's file alone passes).
        if (ctx.index.all.every((o) => o.metadata?.namespace !== who.split('/')[0])) continue;
        const calls = table.calls.get(who);
        const declared = calls?.has(t.skill ? `${callee}#${t.skill}` : callee) || (t.skill !== undefined && calls?.has(callee) && ![...calls].some((c) => c.startsWith(`${callee}#`)));
        if (!declared) out.push(violation(ID, plugin, a.path, `route ${a.ingress} admits "${who}", which declares no call to ${callee}${t.skill ? `#${t.skill}` : ''}`, `declare the call on ${who}'s workload (agentruntime.io/a2a-calls), or remove "${who}" from this allow list`));
      }
    }
  }
  return out;
}

function _isInternal(c: Consumer, internalIssuer: string | undefined): boolean {
  if (internalIssuer) return c.issuer === internalIssuer || c.issuer.startsWith(`${internalIssuer.replace(/\/$/, '')}/`);
  return c.name.includes('/') || c.name === 'nobody';
}

/** Issuers and keys of every consumer, compared across plugins and with the configured issuers. */
function _consumerFindings(ctx: RuleContext): Map<K8sObject, Violation[]> {
  const table = gatewayTable(ctx.index);
  const out = new Map<K8sObject, Violation[]>();
  const add = (c: Consumer, path: string, message: string, fix: string): void => {
    out.set(c.plugin, [...(out.get(c.plugin) ?? []), violation(ID, c.plugin, path, `consumer "${c.name}": ${message}`, fix)]);
  };
  const byIssuer = new Map<string, Consumer[]>();
  for (const c of table.consumers) byIssuer.set(c.issuer, [...(byIssuer.get(c.issuer) ?? []), c]);
  const trusted = ctx.config.trustedIssuers;
  const internal = table.internalIssuer?.replace(/\/$/, '');
  const publicKeys = new Set<string>();
  const internalKeys = new Set<string>();
  for (const c of table.consumers) for (const t of c.thumbprints) (_isInternal(c, table.internalIssuer) ? internalKeys : publicKeys).add(t);
  for (const c of table.consumers) {
    if (c.jwksError) add(c, `${c.path}.jwks`, `JWKS ${c.jwksError}`, 'give the issuer\'s public JWKS');
    if (!/^https:\/\//.test(c.issuer)) add(c, `${c.path}.issuer`, `issuer "${c.issuer}" is not an https URL`, 'use the identity provider\'s https issuer');
    if (trusted.length && !trusted.includes(c.issuer) && !(internal && c.issuer.startsWith(`${internal}/`) && trusted.includes(table.internalIssuer!))) {
      add(c, `${c.path}.issuer`, `issuer "${c.issuer}" is not one of the configured issuers (${trusted.join(', ')})`, 'trust only the configured issuers');
    }
    const platformIssuers = new Set(table.consumers.filter((x) => x.plugin.metadata?.name === 'jwt-auth' && (x.name === 'public-users' || x.name === 'internal-services')).map((x) => x.issuer));
    if (!trusted.length && platformIssuers.size && !platformIssuers.has(c.issuer) && !(internal && c.issuer.startsWith(`${internal}/`))) {
      add(c, `${c.path}.issuer`, `issuer "${c.issuer}" is neither the platform's public issuer nor its internal one (${[...platformIssuers].join(', ')})`, 'trust only the issuers of the gateway configuration');
    }
    if (internal && c.name.includes('/') && c.issuer !== `${internal}/${c.name}`) add(c, `${c.path}.issuer`, `internal identity "${c.name}" trusts issuer "${c.issuer}" instead of the controller's ${internal}/${c.name}`, `set issuer: ${internal}/${c.name}`);
    const same = byIssuer.get(c.issuer) ?? [];
    const mine = [...c.thumbprints].sort().join(',');
    const other = same.find((o) => [...o.thumbprints].sort().join(',') !== mine);
    if (other) add(c, `${c.path}.jwks`, `issuer ${c.issuer} is trusted with different keys here and in ${other.plugin.metadata?.name} ${other.path} (consumer "${other.name}"): one of them is not the issuer's`, 'give every consumer of an issuer the same, configured JWKS');
    c.keys.forEach((k, i) => {
      const at = `${c.path}.jwks`;
      if (isPublishedExampleKey(k)) add(c, at, `key ${i} (kid ${JSON.stringify(k.kid)}) is a published example key (${publishedExampleKeySource(k)}): anyone can sign tokens with it`, 'generate a key pair of your own and publish only its public half');
      const secret = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].filter((m) => m in k);
      if (secret.length) add(c, at, `key ${i} carries private members (${secret.join(', ')})`, 'publish only the public members of the key');
      const t = c.thumbprints[i];
      if (!_isInternal(c, table.internalIssuer) && internalKeys.has(t)) add(c, at, `key ${i} signs for public consumers and for internal agent identities alike: a public token passes as an agent`, 'use separate keys for public users and for the internal issuer');
    });
    const skew = c.raw?.clock_skew_seconds;
    if (typeof skew === 'number' && skew > _MAX_SKEW) add(c, `${c.path}.clock_skew_seconds`, `accepts tokens ${skew}s past expiry`, `keep clock_skew_seconds at most ${_MAX_SKEW}`);
  }
  return out;
}

function _plugin(obj: K8sObject, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  if (obj.metadata?.namespace !== GATEWAY_NS) out.push(violation(ID, obj, 'metadata.namespace', `WasmPlugin in ${obj.metadata?.namespace}, outside ${GATEWAY_NS}`, `keep gateway plugins in ${GATEWAY_NS}`));
  const url = obj.spec?.url;
  if (typeof url !== 'string') return out;
  const m = /^oci:\/\/(.+)$/.exec(url);
  const ref = m ? parseImageReference(m[1]) : undefined;
  if (!m) out.push(violation(ID, obj, 'spec.url', `plugin "${url}" is not pulled from an OCI registry (its code is whatever that URL serves)`, 'use oci://<allowed registry>/<plugin>:<version>'));
  else if (!ref) out.push(violation(ID, obj, 'spec.url', `plugin "${url}" is not an image reference`, 'use oci://<allowed registry>/<plugin>:<version>'));
  else if (ctx.config.registries.length && !isAllowedImage(ref, ctx.config.registries)) out.push(violation(ID, obj, 'spec.url', `plugin image ${ref.repository} is not from an allowed registry (${ctx.config.registries.join(', ')})`, 'pull plugins from an allowed registry, or add it to config "registries"'));
  return out;
}

/** McpBridge registries: only the platform's Nacos. */
function _bridge(obj: K8sObject, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  if (obj.metadata?.namespace !== GATEWAY_NS) out.push(violation(ID, obj, 'metadata.namespace', `McpBridge in ${obj.metadata?.namespace}, outside ${GATEWAY_NS}`, `keep the McpBridge in ${GATEWAY_NS}`));
  const hosts = _nacosHosts(ctx);
  const seen = new Map<string, string>();
  (Array.isArray(obj.spec?.registries) ? obj.spec.registries : []).forEach((r: any, i: number) => {
    // A tenant's registry reads that tenant's Nacos namespace only (`nacos-<tenant>` → `<tenant>`), each namespace once.
    const id = String(r?.nacosNamespaceId ?? 'public');
    const own = /^nacos-(.+)$/.exec(String(r?.name ?? ''))?.[1];
    if (own && id !== own) out.push(violation(ID, obj, `spec.registries[${i}].nacosNamespaceId`, `registry "${r?.name}" reads Nacos namespace "${id}", not its tenant's "${own}": the gateway serves one tenant's MCP servers under another's routes`, `set nacosNamespaceId: ${own}`));
    if (seen.has(id)) out.push(violation(ID, obj, `spec.registries[${i}].nacosNamespaceId`, `Nacos namespace "${id}" is listed by registries "${seen.get(id)}" and "${r?.name}"`, 'list each Nacos namespace once'));
    seen.set(id, String(r?.name));
    const type = String(r?.type ?? '');
    const domain = String(r?.domain ?? '');
    if (!type.startsWith('nacos')) out.push(violation(ID, obj, `spec.registries[${i}].type`, `registry "${r?.name}" of type ${type} at ${domain}: the gateway routes to whatever it lists, outside the platform's Nacos`, 'list only the platform\'s Nacos (type nacos3)'));
    else if (!hosts.has(domain.replace(/\.$/, ''))) out.push(violation(ID, obj, `spec.registries[${i}].domain`, `registry "${r?.name}" is a Nacos at ${domain}, not the platform's (${[...hosts][0] ?? `a Service in ${REGISTRY_NS}`})`, 'point every registry at the platform\'s Nacos Service'));
    else if (r?.port !== undefined && Number(r.port) !== 8848) out.push(violation(ID, obj, `spec.registries[${i}].port`, `registry "${r?.name}" uses port ${r.port}, not the Nacos client port 8848`, 'use port 8848'));
  });
  return out;
}

/** DNS names of the platform's Nacos Services (Services in the registry namespace selecting Nacos pods). */
function _nacosHosts(ctx: RuleContext): Set<string> {
  const hosts = new Set<string>();
  const nacos = ctx.index.inNamespace(REGISTRY_NS, 'StatefulSet').filter(isNacos);
  for (const s of ctx.index.inNamespace(REGISTRY_NS, 'Service')) {
    const sel = s.spec?.selector;
    if (s.spec?.type === 'ExternalName' || !sel || !nacos.some((n) => Object.entries(sel).every(([k, v]) => n.spec?.template?.metadata?.labels?.[k] === v))) continue;
    const name = s.metadata?.name;
    for (const h of [`${name}.${REGISTRY_NS}.svc.cluster.local`, `${name}.${REGISTRY_NS}.svc`, `${name}.${REGISTRY_NS}`]) hosts.add(h);
  }
  if (nacos.length === 0) hosts.add(`nacos.${REGISTRY_NS}.svc.cluster.local`);
  return hosts;
}
