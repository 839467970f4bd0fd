/**
 * Who reaches what, over every namespace, with the NetworkPolicy evaluator: Nacos (client, raft and
 * gRPC ports), the API server, cloud metadata, the controller, every agent's and sandbox's pods, and
 * the platform's pods. Workloads are placed by what they are, so a pod wearing another workload's
 * labels is judged as itself, and the labels it borrows are reported. Policies that open a platform
 * namespace to all, address blocks that admit the internet, hand-written EndpointSlices, Endpoints,
 * external IPs and ExternalName Services that point a route at the API server, Nacos or another tenant
 * are reported where they are written.
 */
import { findingsOf } from '../findings';
import { LABEL } from '../../constructs/labels';
import { isEmptySelector } from '../label-selector';
import { networkEdges, API_SERVER, METADATA, type Edge, type Endpoint, type ExternalProbe } from '../model/network-edges';
import { rbacGraph } from '../model/rbac-graph';
import { GATEWAY_NS, platformIdentityClaimed, workloadsOf, type Workload } from '../model/workloads';
import { isPlatformNamespace, isTenantNs } from '../tenancy';
import { inCidr } from '../reachability';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'network-reachability';

/** Nacos client ports (HTTP API and client gRPC); every other Nacos port is for its peers only. */
const _NACOS_CLIENT_PORTS = new Set([8848, 9848]);

export const networkReachability: Rule = {
  id: ID,
  description: 'Over every namespace: only agents, the gateway and the controller reach Nacos client ports (raft and console only its peers); only the controller, the gateway and tenant workloads with RBAC reach the API server; no tenant pod reaches cloud metadata, the controller, other tenants or pods outside tenancy; sandboxes reach only DNS and their declared egress; agents are reached only by the gateway and Prometheus, sandboxes only by their tenant\'s agents; pods are judged as what they are (borrowed labels are reported); no allow-all policy in platform namespaces, no ingress from the internet but to the gateway, no hand-written endpoints, external IPs or in-cluster ExternalName Services.',
  severity: 'critical',
  remediation: 'Keep default-deny in every namespace and allow only the declared paths; label pods only with their own identity.',
  enforcement: MANDATORY,
  checkSet: (obj, ctx) => {
    const findings = ctx.index.memo(`${ID}:findings`, () => _findings(ctx));
    return findings.get(obj) ?? [];
  },
};

function _findings(ctx: RuleContext): Map<K8sObject, Violation[]> {
  const { findings: out, add } = findingsOf(ID);
  const workloads = workloadsOf(ctx.index, ctx.config);
  for (const w of workloads) for (const [path, msg] of _identityProblems(w)) add(w.obj, path, msg, 'label pods only with their own workload\'s identity (tenant, agent, role, sandbox pool)');
  const apiClients = _apiClients(ctx);
  const { edges, fromOutside } = networkEdges(ctx.index, ctx.config);
  const open = new Map<Workload, Set<string>>();
  for (const e of edges) {
    const why = _forbidden(e, apiClients);
    if (why) _attribute(e, `${_name(e.src)} reaches ${_name(e.dst)} on ${e.port}/${e.protocol}: ${why}`, add, ctx, open);
  }
  for (const e of fromOutside) {
    const d = e.dst as Endpoint;
    if (d.cls === 'gateway' && (e.port === 80 || e.port === 443)) continue;
    _attribute(e, `the internet reaches ${_name(d)} on ${e.port}/${e.protocol}: only the gateway's 80/443 face the internet`, add, ctx, open);
  }
  for (const [w, found] of open) {
    const list = [...found];
    add(w.obj, w.view.labelsPath, `no NetworkPolicy isolates these pods, so: ${list.slice(0, 3).join('; ')}${list.length > 3 ? `; and ${list.length - 3} more` : ''}`, 'add a default-deny NetworkPolicy (both directions) to its namespace and allow only the declared paths');
  }
  for (const p of ctx.index.ofKind('NetworkPolicy')) for (const [path, msg] of _policyProblems(p, ctx)) add(p, path, msg, 'allow named peers on named ports only');
  for (const kind of ['Service', 'EndpointSlice', 'Endpoints']) for (const o of ctx.index.ofKind(kind)) for (const [path, msg] of _serviceProblems(o, ctx)) add(o, path, msg, 'let Services select their own pods; never hand-write endpoints or point a Service at in-cluster names or addresses');
  return out;
}

/** ServiceAccounts bound to any role (the workloads that need the API server, e.g. to claim sandboxes). */
function _apiClients(ctx: RuleContext): Set<string> {
  return new Set(rbacGraph(ctx.index).grants.filter((g) => g.principal.kind === 'ServiceAccount').map((g) => g.principal.id));
}

const _isExternal = (d: Endpoint | ExternalProbe): d is ExternalProbe => !('pod' in d);
const _name = (e: Endpoint | ExternalProbe): string => (_isExternal(e) ? e.name : e.workload ? `${e.workload.obj.kind}/${e.pod.namespace}/${e.workload.obj.metadata?.name} (${e.cls})` : `${e.pod.namespace}/${e.probe}`);
const _tenantSide = (e: Endpoint): boolean => e.cls === 'agent' || e.cls === 'tenant-workload' || e.cls === 'sandbox';

/** Why a connection breaks an invariant, or undefined. */
function _forbidden(e: Edge, apiClients: Set<string>): string | undefined {
  const s = e.src;
  const d = e.dst;
  if (s.cls === 'nacos' && !(!_isExternal(d) && (d.cls === 'nacos' || (d.probe === 'kube-dns' && e.port === 53)))) return 'Nacos talks only to its peers and DNS';
  if (_isExternal(d)) {
    if (API_SERVER.includes(d)) {
      if (s.cls === 'sandbox') return 'sandboxes never reach the Kubernetes API';
      if (_tenantSide(s) && !apiClients.has(s.workload!.serviceAccount)) return 'a tenant workload without any RBAC binding reaches the Kubernetes API';
      return undefined;
    }
    if (d === METADATA && _tenantSide(s)) return 'tenant pods never reach the cloud metadata endpoint';
    return undefined;
  }
  const nacos = d.cls === 'nacos' || d.probe === 'nacos';
  if (nacos) {
    if (s.cls === 'nacos') return undefined;
    if (!_NACOS_CLIENT_PORTS.has(e.port)) return 'Nacos raft and console ports are for Nacos peers only';
    if (s.cls === 'controller' || s.cls === 'gateway' || s.cls === 'platform' || s.cls === 'agent' || s.probe === 'higress-gateway' || s.probe === 'higress-controller') return undefined;
    if (s.probe === 'prometheus' && e.port === 8848) return undefined;
    return `only agents, the gateway and the controller are Nacos clients, not ${s.cls === 'probe' ? s.probe : s.cls}`;
  }
  if (d.cls === 'controller' || d.probe === 'agent-runtime-controller') return s.probe === 'prometheus' ? undefined : 'only Prometheus reaches the controller';
  if (d.cls === 'agent' || d.cls === 'tenant-workload') {
    if (s.cls === 'gateway' || s.probe === 'higress-gateway' || s.probe === 'prometheus') return undefined;
    return s.pod.namespace === d.pod.namespace ? 'agents are reached through the gateway only, never pod to pod' : `pods of tenant ${d.pod.namespace} are reached through the gateway only`;
  }
  if (d.cls === 'sandbox') {
    if (s.cls === 'agent' && s.pod.namespace === d.pod.namespace) return undefined;
    return 'a sandbox is reached only by the agents of its own tenant';
  }
  if (!_tenantSide(s)) return undefined;
  if (d.probe === 'kube-dns' && e.port === 53) return undefined;
  if (s.cls === 'sandbox') return 'sandboxes reach only DNS inside the cluster';
  if ((d.probe === 'higress-gateway' || d.cls === 'gateway') && (e.port === 80 || e.port === 443)) return undefined;
  if (d.probe === 'otel-collector' && e.port === 4317) return undefined;
  if (d.probe === 'kagent-controller' && e.port === 8083) return undefined;
  return d.cls === 'outside' || d.probe === 'outsider' ? 'tenant pods never reach pods outside tenancy' : 'tenant pods reach the platform only on its published ports';
}

/**
 * Reports a forbidden connection on every rule that allows it. A side that no policy isolates is
 * reported once per workload (on its pod labels, listing what it reaches); in a tenant namespace that
 * is tenant-default-deny-netpol's finding (the tenant lacks its default deny), so it is not repeated.
 */
function _attribute(e: Edge, message: string, add: Add, ctx: RuleContext, open: Map<Workload, Set<string>>): void {
  let any = false;
  for (const r of [...(e.egress ?? []), ...(e.ingress ?? [])]) {
    add(r.policy, r.path, message, 'narrow this rule to the declared peers and ports');
    any = true;
  }
  const src = e.src.workload;
  const dst = _isExternal(e.dst) ? undefined : e.dst.workload;
  const note = (w: Workload, side: string): void => {
    if (isTenantNs(ctx, w.pod.namespace)) return;
    open.set(w, (open.get(w) ?? new Set()).add(`${side}: ${message}`));
  };
  if (e.egress === undefined && src) note(src, 'egress');
  if (e.ingress === undefined && dst) note(dst, 'ingress');
  if (!any && src && e.egress !== undefined && e.ingress !== undefined) add(src.obj, src.view.labelsPath, message, 'isolate this workload with a default-deny NetworkPolicy');
}

type Add = (o: K8sObject, path: string, message: string, fix: string) => void;

/** Labels a pod wears that belong to another workload. */
function _identityProblems(w: Workload): [string, string][] {
  const l = w.pod.labels;
  const ns = w.pod.namespace;
  const path = w.view.labelsPath;
  const out: [string, string][] = [];
  const claimed = platformIdentityClaimed(l as Record<string, string>);
  if (claimed && claimed !== w.cls && !(claimed === 'gateway' && w.cls === 'gateway' && _runsHigress(w))) {
    out.push([path, `pods wear the ${claimed}'s labels but are ${w.obj.kind}/${ns}/${w.obj.metadata?.name}; they inherit every allow meant for the ${claimed}`]);
  } else if (claimed === 'gateway' && w.cls === 'gateway' && !_runsHigress(w)) {
    out.push([path, 'pods wear the Higress gateway\'s labels but do not run a Higress image; they inherit the gateway\'s allows into every tenant']);
  }
  if (!['agent', 'tenant-workload', 'sandbox'].includes(w.cls)) return out;
  if (l[LABEL.tenant] !== undefined && l[LABEL.tenant] !== ns) out.push([`${path}["${LABEL.tenant}"]`, `pods in ${ns} claim tenant "${l[LABEL.tenant]}"`]);
  if (w.cls === 'sandbox') {
    if (l[LABEL.role] !== undefined && l[LABEL.role] !== 'sandbox') out.push([`${path}["${LABEL.role}"]`, `sandbox pods wear role "${l[LABEL.role]}" instead of "sandbox" and inherit that role's allows`]);
    if (l[LABEL.agent] !== undefined) out.push([`${path}["${LABEL.agent}"]`, `sandbox pods wear the agent label "${l[LABEL.agent]}" and inherit that agent's allows`]);
    if (w.obj.kind === 'SandboxTemplate' && l[LABEL.sandboxPool] !== undefined && l[LABEL.sandboxPool] !== w.self) out.push([`${path}["${LABEL.sandboxPool}"]`, `sandbox pods of pool ${w.self} claim pool "${l[LABEL.sandboxPool]}"`]);
    return out;
  }
  if (l[LABEL.role] === 'sandbox') out.push([`${path}["${LABEL.role}"]`, 'pods that are not sandboxes wear role "sandbox"']);
  if (l[LABEL.agent] !== undefined && l[LABEL.agent] !== w.self) out.push([`${path}["${LABEL.agent}"]`, `pods of ${w.obj.kind}/${ns}/${w.obj.metadata?.name} wear the labels of agent "${l[LABEL.agent]}" and inherit its allows`]);
  if (w.cls === 'tenant-workload' && l[LABEL.role] === 'agent') out.push([`${path}["${LABEL.role}"]`, `${w.obj.kind}/${ns}/${w.obj.metadata?.name} is not an agent but its pods wear role "agent" and inherit every agent's allows`]);
  return out;
}

function _runsHigress(w: Workload): boolean {
  return w.view.containers.some((c) => typeof c.container?.image === 'string' && /higress/.test(c.container.image));
}

/** Allow-all rules in platform namespaces; ingress from internet addresses anywhere but the gateway. */
function _policyProblems(p: K8sObject, ctx: RuleContext): [string, string][] {
  const out: [string, string][] = [];
  const ns = p.metadata?.namespace ?? 'default';
  const spec = p.spec ?? {};
  const platform = isPlatformNamespace(ctx, ns) || ns === 'default';
  const gateway = ns === GATEWAY_NS && spec.podSelector?.matchLabels?.app === 'higress-gateway';
  for (const field of ['ingress', 'egress'] as const) {
    const rules: any[] = Array.isArray(spec[field]) ? spec[field] : [];
    rules.forEach((rule, i) => {
      const peers: any[] = Array.isArray(rule?.[field === 'ingress' ? 'from' : 'to']) ? rule[field === 'ingress' ? 'from' : 'to'] : [];
      const ports = Array.isArray(rule?.ports) && rule.ports.length > 0;
      const openPeer = peers.length === 0 || peers.some((peer) => (peer?.namespaceSelector && isEmptySelector(peer.namespaceSelector) && isEmptySelector(peer.podSelector)) || _broad(peer?.ipBlock?.cidr) || (peer && !peer.ipBlock && !peer.namespaceSelector && !peer.podSelector));
      if (platform && openPeer && !ports) out.push([`spec.${field}[${i}]`, `allows ${field} ${field === 'ingress' ? 'from' : 'to'} everything on every port in platform namespace ${ns}`]);
      else if (platform && openPeer && peers.length === 0 && field === 'ingress' && !gateway) out.push([`spec.${field}[${i}]`, `admits every source (every namespace and the internet) in platform namespace ${ns}`]);
      peers.forEach((peer, j) => {
        const cidr = peer?.ipBlock?.cidr;
        if (typeof cidr !== 'string') return;
        if (field === 'ingress' && _public(peer.ipBlock) && !gateway && !isTenantNs(ctx, ns)) out.push([`spec.ingress[${i}].from[${j}].ipBlock`, `admits internet addresses (${cidr}) to pods of ${ns}; only the gateway faces the internet`]);
        if (field === 'egress' && platform && _broad(cidr)) out.push([`spec.egress[${i}].to[${j}].ipBlock`, `egress to ${cidr} from platform namespace ${ns}`]);
      });
      if (platform) {
        (Array.isArray(rule?.ports) ? rule.ports : []).forEach((port: any, j: number) => {
          if (typeof port?.endPort === 'number' && typeof port.port === 'number' && port.endPort - port.port >= 1000) out.push([`spec.${field}[${i}].ports[${j}].endPort`, `port range ${port.port}-${port.endPort} in platform namespace ${ns}`]);
        });
      }
    });
  }
  return out;
}

function _broad(cidr: unknown): boolean {
  const m = typeof cidr === 'string' ? /\/(\d+)$/.exec(cidr) : null;
  return !!m && Number(m[1]) < 8;
}

/** Whether an ipBlock (after its exceptions) holds an internet address. */
function _public(block: any): boolean {
  const except: string[] = Array.isArray(block?.except) ? block.except : [];
  return ['8.8.8.8', '93.184.216.34', '203.0.113.50', '1.1.1.1', '151.101.1.1'].some((ip) => inCidr(ip, block.cidr) && !except.some((c) => inCidr(ip, c)));
}

/** In-cluster DNS names and literal addresses (an ExternalName there puts a route in front of them). */
const _IN_CLUSTER = /(^|\.)(svc|cluster\.local|svc\.cluster\.local)\.?$|^kubernetes(\.default)?\.?$|^[^.]+$|^\d+\.\d+\.\d+\.\d+$|^\[?[0-9a-f:]+\]?$/i;

function _serviceProblems(o: K8sObject, ctx: RuleContext): [string, string][] {
  const ns = o.metadata?.namespace ?? 'default';
  if (o.kind === 'Service') {
    const out: [string, string][] = [];
    const spec = o.spec ?? {};
    if (Array.isArray(spec.externalIPs) && spec.externalIPs.length) out.push(['spec.externalIPs', `externalIPs ${spec.externalIPs.join(', ')} capture traffic to those addresses cluster-wide`]);
    if (spec.type === 'ExternalName' && typeof spec.externalName === 'string') {
      if (_IN_CLUSTER.test(spec.externalName)) out.push(['spec.externalName', `ExternalName "${spec.externalName}" points a Service of ${ns} at an in-cluster name or address (the API server, Nacos or another tenant)`]);
      else if (isPlatformNamespace(ctx, ns)) out.push(['spec.externalName', `ExternalName Service in platform namespace ${ns}`]);
    }
    return out;
  }
  const managed = o.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'];
  if (o.kind === 'EndpointSlice' && managed === 'endpointslice-controller.k8s.io') return [];
  const addresses = o.kind === 'EndpointSlice'
    ? (Array.isArray(o.endpoints) ? o.endpoints : []).flatMap((e: any) => (Array.isArray(e?.addresses) ? e.addresses : []))
    : (Array.isArray(o.subsets) ? o.subsets : []).flatMap((s: any) => (Array.isArray(s?.addresses) ? s.addresses : []).map((a: any) => a?.ip));
  const service = o.kind === 'EndpointSlice' ? o.metadata?.labels?.['kubernetes.io/service-name'] : o.metadata?.name;
  return [[o.kind === 'EndpointSlice' ? 'endpoints' : 'subsets', `hand-written ${o.kind} makes ${addresses.join(', ') || 'its addresses'} the backends of Service ${ns}/${service ?? '?'} past its selector (the API server, Nacos or another tenant's pods can be put behind a route)`]];
}
