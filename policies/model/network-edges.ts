/**
 * Reachability over every namespace: the workloads of the set plus probes for what the manifests
 * do not hold (kube-dns, Prometheus, the tracing collector, kagent, the Higress gateway and
 * controller, a pod in `default`, the API server, cloud metadata, the internet), evaluated with
 * the NetworkPolicy evaluator. Each allowed connection names the policy rules that allow it.
 */
import type { ObjectIndex } from '../object-index';
import type { PolicyConfig } from '../config';
import { inCidr, NetworkModel, type External, type Pod } from '../reachability';
import { GATEWAY_NS, REGISTRY_NS, CONTROLLER, workloadsOf, type Workload, type WorkloadClass } from './workloads';

/** An endpoint of a connection: a workload of the set, or a probe. */
export interface Endpoint {
  readonly pod: Pod;
  readonly cls: WorkloadClass | 'probe';
  readonly workload?: Workload;
  /** For probes: what they stand for. */
  readonly probe?: string;
}

/** An address outside the pod network and the ports it serves. */
export interface ExternalProbe extends External {
  readonly ports: readonly number[];
}

/** One allowed connection, with the policy rules that allow it on each side (`undefined` = side not isolated). */
export interface Edge {
  readonly src: Endpoint;
  readonly dst: Endpoint | ExternalProbe;
  readonly port: number;
  readonly protocol: string;
  readonly egress?: readonly { policy: any; path: string }[];
  readonly ingress?: readonly { policy: any; path: string }[];
}

const _probe = (namespace: string, name: string, labels: Record<string, string>, ports: [number, string?][], ip: string): Endpoint => ({
  cls: 'probe', probe: name, pod: { namespace, name, labels, ports: ports.map(([port, protocol]) => ({ port, protocol: protocol ?? 'TCP' })), ip },
});

/** Pods the manifests do not hold but every platform has. */
export function probes(): Endpoint[] {
  return [
    _probe('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, [[53, 'UDP'], [53, 'TCP'], [9153], [8080], [8181]], '10.245.0.1'),
    _probe('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [[9090]], '10.245.0.2'),
    _probe('observability', 'otel-collector', { 'app.kubernetes.io/name': 'otel-collector' }, [[4317]], '10.245.0.3'),
    _probe('kagent', 'kagent-controller', { app: 'kagent-controller' }, [[8083]], '10.245.0.4'),
    _probe(GATEWAY_NS, 'higress-gateway', { app: 'higress-gateway' }, [[80], [443], [8080], [15000], [15020], [15021]], '10.245.0.5'),
    _probe(GATEWAY_NS, 'higress-controller', { app: 'higress-controller' }, [[8888], [15051]], '10.245.0.6'),
    _probe('default', 'outsider', { app: 'outsider' }, [[8080]], '10.245.0.7'),
  ];
}

/** The API server (the Service address and typical node addresses), cloud metadata, and an internet host. */
export const API_SERVER: readonly ExternalProbe[] = [
  { name: 'kubernetes API server (10.96.0.1:443)', ip: '10.96.0.1', ports: [443] },
  { name: 'kubernetes API server (node 10.0.0.10:6443)', ip: '10.0.0.10', ports: [6443, 443] },
  { name: 'kubernetes API server (node 172.16.0.10:6443)', ip: '172.16.0.10', ports: [6443] },
  { name: 'kubernetes API server (node 192.168.0.10:6443)', ip: '192.168.0.10', ports: [6443] },
];
export const METADATA: ExternalProbe = { name: 'cloud metadata (169.254.169.254)', ip: '169.254.169.254', ports: [80] };
export const INTERNET_SOURCE: External = { name: 'the internet', ip: '203.0.113.50' };

/** Every allowed connection of the set (memoized). */
export function networkEdges(index: ObjectIndex, config: PolicyConfig): { edges: readonly Edge[]; fromOutside: readonly Edge[]; model: NetworkModel } {
  return index.memo('model:network', () => {
    const model = new NetworkModel(index.all);
    const real: Endpoint[] = workloadsOf(index, config).map((w) => ({ pod: w.pod, cls: w.cls, workload: w }));
    const extra = probes();
    // Stand-ins for the registry and the controller only where their namespace's policies are reviewed (else their isolation is unknown).
    const reviewed = (ns: string): boolean => index.inNamespace(ns, 'NetworkPolicy').length > 0;
    if (!real.some((e) => e.cls === 'nacos') && reviewed(REGISTRY_NS)) extra.push(_probe(REGISTRY_NS, 'nacos', { 'app.kubernetes.io/name': 'nacos', 'app.kubernetes.io/component': 'registry' }, [[8848], [9848], [9849], [7848]], '10.245.0.8'));
    if (!real.some((e) => e.cls === 'controller') && reviewed(CONTROLLER.namespace)) extra.push(_probe(CONTROLLER.namespace, CONTROLLER.name, { 'app.kubernetes.io/name': CONTROLLER.name, 'app.kubernetes.io/component': 'controller' }, [[8080]], '10.245.0.9'));
    const all = [...real, ...extra];
    const byNs = new Map<string, Endpoint[]>();
    for (const e of all) byNs.set(e.pod.namespace, [...(byNs.get(e.pod.namespace) ?? []), e]);
    const edges: Edge[] = [];
    const fromOutside: Edge[] = [];
    const why = (src: Pod | External, dst: Pod | External, port: number, protocol: string): Pick<Edge, 'egress' | 'ingress'> => ({
      ...('namespace' in src ? { egress: _allowing(model, src, dst, port, protocol, 'Egress') } : {}),
      ...('namespace' in dst ? { ingress: _allowing(model, src, dst, port, protocol, 'Ingress') } : {}),
    });
    for (const src of all) {
      for (const dst of _candidates(model, src.pod, all, byNs)) {
        if (dst === src) continue;
        for (const p of dst.pod.ports) {
          if (model.canReach(src.pod, dst.pod, p.port, p.protocol)) edges.push({ src, dst, port: p.port, protocol: p.protocol, ...why(src.pod, dst.pod, p.port, p.protocol) });
        }
      }
      if (src.cls === 'probe') continue;
      for (const ext of [...API_SERVER, METADATA]) {
        for (const port of ext.ports) if (model.canReach(src.pod, ext, port)) edges.push({ src, dst: ext, port, protocol: 'TCP', ...why(src.pod, ext, port, 'TCP') });
      }
    }
    const internet: Endpoint = { cls: 'probe', probe: INTERNET_SOURCE.name, pod: { namespace: '', name: INTERNET_SOURCE.name, labels: {}, ports: [], ip: INTERNET_SOURCE.ip } };
    for (const dst of real) {
      for (const p of dst.pod.ports) {
        if (model.admitsFromOutside(INTERNET_SOURCE, dst.pod, p.port, p.protocol)) fromOutside.push({ src: internet, dst, port: p.port, protocol: p.protocol, ingress: _allowing(model, INTERNET_SOURCE, dst.pod, p.port, p.protocol, 'Ingress') });
      }
    }
    return { edges, fromOutside, model };
  });
}

/**
 * Destinations worth evaluating for `src`: everything when its egress is open (or opened by an
 * address block or a label-selected namespace), else the namespaces its egress names and its own.
 */
function _candidates(model: NetworkModel, src: Pod, all: Endpoint[], byNs: Map<string, Endpoint[]>): Endpoint[] {
  const policies = model.selecting(src, 'Egress');
  if (policies.length === 0) return all;
  const namespaces = new Set<string>([src.namespace]);
  for (const p of policies) {
    for (const rule of Array.isArray(p.spec.egress) ? p.spec.egress : []) {
      const peers: any[] = Array.isArray(rule?.to) ? rule.to : [];
      if (peers.length === 0) return all;
      for (const peer of peers) {
        if (peer?.ipBlock) {
          if (_coversPods(peer.ipBlock.cidr)) return all;
          continue;
        }
        const sel = peer?.namespaceSelector;
        if (!sel) continue;
        const byName = sel.matchLabels?.['kubernetes.io/metadata.name'];
        const keys = Object.keys(sel.matchLabels ?? {});
        if (typeof byName === 'string' && keys.length === 1 && !(sel.matchExpressions ?? []).length) namespaces.add(byName);
        else for (const ns of byNs.keys()) if (ns !== '' && model.namespaceSelects(sel, ns)) namespaces.add(ns);
      }
    }
  }
  return [...namespaces].flatMap((ns) => byNs.get(ns) ?? []);
}

/** Whether a CIDR overlaps the pod and probe addresses (10.244.0.0/15). */
function _coversPods(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const base = cidr.split('/')[0];
  return inCidr('10.244.0.0', cidr) || inCidr(base, '10.244.0.0/15');
}

/** The rules (policy and path) of the side's selecting policies that allow the connection. */
function _allowing(model: NetworkModel, src: Pod | External, dst: Pod | External, port: number, protocol: string, side: 'Ingress' | 'Egress'): { policy: any; path: string }[] | undefined {
  const pod = side === 'Egress' ? (src as Pod) : (dst as Pod);
  const policies = model.selecting(pod, side);
  if (policies.length === 0) return undefined;
  const out: { policy: any; path: string }[] = [];
  const field = side === 'Egress' ? 'egress' : 'ingress';
  for (const p of policies) {
    const rules: any[] = Array.isArray(p.spec[field]) ? p.spec[field] : [];
    rules.forEach((_r, i) => {
      if (model.ruleAllows(p, field, i, src, dst, port, protocol)) out.push({ policy: p, path: `spec.${field}[${i}]` });
    });
  }
  return out;
}
