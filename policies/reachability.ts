/**
 * The NetworkPolicy evaluator (Kubernetes semantics), used by the review's reachability invariants
 * and by the isolation tests.
 *
 * - A pod selected by at least one policy whose policyTypes include a direction is isolated in
 *   that direction; a non-isolated pod allows everything in that direction.
 * - An isolated pod allows a connection if ANY selecting policy has a rule matching it.
 * - A connection needs the source's egress AND the destination's ingress to allow it.
 * - Peers: podSelector alone = same namespace; namespaceSelector (+ podSelector); ipBlock
 *   (matched against pod IPs too, as CNIs may do, which is the conservative reading).
 * - Ports: number or named container port of the destination, protocol (default TCP), endPort.
 */
import { matchesSelector } from './label-selector';

/** A pod (one representative per workload). */
export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: string; readonly name?: string }>;
  readonly ip: string;
}

/** An address outside the pod network (the internet, the API server, cloud metadata). */
export interface External {
  readonly name: string;
  readonly ip: string;
}

/** Whether a label selector matches labels (an empty selector matches everything). */
export function selectorMatches(sel: any, labels: Readonly<Record<string, string>>): boolean {
  return matchesSelector(sel, labels as Record<string, string>);
}

function _ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Whether an IPv4 address is in a CIDR (an IPv6 or malformed CIDR contains no IPv4 address). */
export function inCidr(ip: string, cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const n = Number(m[2]);
  if (n === 0) return true;
  if (n > 32) return false;
  const mask = 2 ** 32 - 2 ** (32 - n);
  return ((_ipToInt(ip) & mask) >>> 0) === ((_ipToInt(m[1]) & mask) >>> 0);
}

/** Representative pods of the workloads in the manifests: Deployments, kagent Agents, SandboxTemplates. */
export function podsFromWorkloads(objects: any[], firstIp = 1): Pod[] {
  const pods: Pod[] = [];
  let next = firstIp;
  const ip = (): string => { const i = next++; return `10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`; };
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    if (o.kind === 'Deployment') {
      pods.push({ namespace: ns, name: o.metadata.name, labels: o.spec.template.metadata.labels, ports: containerPorts(o.spec.template.spec.containers), ip: ip() });
    } else if (o.kind === 'Agent' && o.apiVersion.startsWith('kagent.dev/')) {
      // kagent runs the agent as a Deployment with the labels of spec.declarative.deployment, serving 8080.
      pods.push({ namespace: ns, name: o.metadata.name, labels: o.spec.declarative.deployment.labels, ports: [{ port: 8080, protocol: 'TCP' }], ip: ip() });
    } else if (o.kind === 'SandboxTemplate') {
      pods.push({ namespace: ns, name: `${o.metadata.name}-sandbox`, labels: o.spec.podTemplate.metadata.labels, ports: containerPorts(o.spec.podTemplate.spec.containers), ip: ip() });
    }
  }
  return pods;
}

/** The declared container ports of a container list. */
export function containerPorts(containers: unknown): Pod['ports'] {
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((c) => (Array.isArray(c?.ports) ? c.ports : [])
    .filter((p: any) => typeof p?.containerPort === 'number')
    .map((p: any) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP', ...(typeof p.name === 'string' ? { name: p.name } : {}) })));
}

/** Computes reachability under the NetworkPolicies of the manifests. */
export class NetworkModel {
  private readonly byNamespace = new Map<string, any[]>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();

  /** `namespaces`: namespaces not in the manifests (kube-system, ...), with their labels. */
  public constructor(objects: readonly any[], namespaces: Record<string, Record<string, string>> = {}) {
    for (const o of objects) {
      if (o?.kind !== 'NetworkPolicy' || o.apiVersion !== 'networking.k8s.io/v1' || !o.spec) continue;
      const ns = o.metadata?.namespace ?? 'default';
      this.byNamespace.set(ns, [...(this.byNamespace.get(ns) ?? []), o]);
    }
    for (const [name, labels] of Object.entries(namespaces)) this.namespaceLabels.set(name, { ...labels, 'kubernetes.io/metadata.name': name });
    for (const o of objects) {
      if (o?.kind !== 'Namespace' || typeof o.metadata?.name !== 'string') continue;
      this.namespaceLabels.set(o.metadata.name, { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name });
    }
  }

  /** Labels of a namespace (the API server always sets `kubernetes.io/metadata.name`). */
  public labelsOf(namespace: string): Record<string, string> {
    return this.namespaceLabels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace };
  }

  /** Whether `src` can open a connection to `dst` on `port`/`protocol`. */
  public canReach(src: Pod, dst: Pod | External, port: number, protocol = 'TCP'): boolean {
    return this.egressAllows(src, dst, port, protocol) && ('namespace' in dst ? this.ingressAllows(src, dst, port, protocol) : true);
  }

  /** Whether an address outside the cluster (`src`) gets into `dst` on `port`. */
  public admitsFromOutside(src: External, dst: Pod, port: number, protocol = 'TCP'): boolean {
    return this.ingressAllows(src, dst, port, protocol);
  }

  /** The policies selecting `pod` for `type`. */
  public selecting(pod: Pod, type: 'Ingress' | 'Egress'): any[] {
    return (this.byNamespace.get(pod.namespace) ?? []).filter((p) => this.types(p).includes(type) && selectorMatches(p.spec.podSelector, pod.labels));
  }

  /** Whether a namespaceSelector selects namespace `ns`. */
  public namespaceSelects(sel: any, ns: string): boolean {
    return selectorMatches(sel, this.labelsOf(ns));
  }

  /** Whether rule `i` of `field` of policy `p` allows the connection. */
  public ruleAllows(p: any, field: 'ingress' | 'egress', i: number, src: Pod | External, dst: Pod | External, port: number, protocol: string): boolean {
    const rule = p.spec?.[field]?.[i];
    const peerTarget = field === 'egress' ? dst : src;
    return this.portMatches(rule?.ports, dst, port, protocol) && this.peersMatch(field === 'egress' ? rule?.to : rule?.from, p.metadata?.namespace ?? 'default', peerTarget);
  }

  private types(p: any): string[] {
    return Array.isArray(p.spec.policyTypes) ? p.spec.policyTypes : (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  }

  private egressAllows(src: Pod, dst: Pod | External, port: number, protocol: string): boolean {
    const selecting = this.selecting(src, 'Egress');
    if (selecting.length === 0) return true;
    return selecting.some((p) => (Array.isArray(p.spec.egress) ? p.spec.egress : []).some((rule: any) =>
      this.portMatches(rule?.ports, dst, port, protocol) && this.peersMatch(rule?.to, p.metadata?.namespace ?? 'default', dst)));
  }

  private ingressAllows(src: Pod | External, dst: Pod, port: number, protocol: string): boolean {
    const selecting = this.selecting(dst, 'Ingress');
    if (selecting.length === 0) return true;
    return selecting.some((p) => (Array.isArray(p.spec.ingress) ? p.spec.ingress : []).some((rule: any) =>
      this.portMatches(rule?.ports, dst, port, protocol) && this.peersMatch(rule?.from, p.metadata?.namespace ?? 'default', src)));
  }

  private peersMatch(peers: any[] | undefined, policyNamespace: string, target: Pod | External): boolean {
    if (!Array.isArray(peers) || peers.length === 0) return true;
    return peers.some((peer) => {
      if (peer?.ipBlock) {
        return inCidr(target.ip, peer.ipBlock.cidr) && !(Array.isArray(peer.ipBlock.except) ? peer.ipBlock.except : []).some((c: string) => inCidr(target.ip, c));
      }
      if (!('namespace' in target)) return false; // selectors only select pods
      if (peer?.namespaceSelector) {
        if (!selectorMatches(peer.namespaceSelector, this.labelsOf(target.namespace))) return false;
      } else if (target.namespace !== policyNamespace) {
        return false;
      }
      return selectorMatches(peer?.podSelector, target.labels);
    });
  }

  private portMatches(ports: any[] | undefined, dst: Pod | External, port: number, protocol: string): boolean {
    if (!Array.isArray(ports) || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p?.protocol ?? 'TCP') !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) {
        return 'namespace' in dst && dst.ports.some((cp) => cp.name === p.port && cp.port === port && cp.protocol === protocol);
      }
      const from = Number(p.port);
      return typeof p.endPort === 'number' ? port >= from && port <= p.endPort : port === from;
    });
  }
}
