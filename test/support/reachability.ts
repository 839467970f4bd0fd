/**
 * A small NetworkPolicy evaluator (Kubernetes semantics) over synthesized manifests.
 *
 * - A pod selected by at least one policy whose policyTypes include a direction is isolated in
 *   that direction; a non-isolated pod allows everything in that direction.
 * - An isolated pod allows a connection if ANY selecting policy has a rule matching it.
 * - A connection needs the source's egress AND the destination's ingress to allow it.
 * - Peers: podSelector alone = same namespace; namespaceSelector (+ podSelector); ipBlock
 *   (matched against pod IPs too, as CNIs may do, which is the conservative reading).
 * - Ports: number or named container port of the destination, protocol (default TCP), endPort.
 */

/** A pod (one representative per workload). */
export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: string; readonly name?: string }>;
  readonly ip: string;
}

/** A destination outside the cluster. */
export interface External {
  readonly name: string;
  readonly ip: string;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };

/** Whether a label selector matches labels (an empty selector matches everything). */
export function selectorMatches(sel: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const v = labels[e.key];
    if (e.operator === 'In' && !(has && e.values!.includes(v))) return false;
    if (e.operator === 'NotIn' && has && e.values!.includes(v)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Whether an IPv4 address is in a CIDR. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = Number(bits);
  if (n === 0) return true;
  const mask = 2 ** 32 - 2 ** (32 - n);
  return (ipToInt(ip) & mask) >>> 0 === (ipToInt(base) & mask) >>> 0;
}

/** Representative pods of the workloads in the manifests: Deployments, kagent Agents, SandboxTemplates. */
export function podsFromWorkloads(objects: any[], firstIp = 1): Pod[] {
  const pods: Pod[] = [];
  let next = firstIp;
  const ip = () => { const i = next++; return `10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`; };
  const ports = (containers: any[]) => containers.flatMap((c) => (c.ports ?? []).map((p: any) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP', name: p.name })));
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    if (o.kind === 'Deployment') {
      pods.push({ namespace: ns, name: o.metadata.name, labels: o.spec.template.metadata.labels, ports: ports(o.spec.template.spec.containers), ip: ip() });
    } else if (o.kind === 'Agent' && o.apiVersion.startsWith('kagent.dev/')) {
      // kagent runs the agent as a Deployment with the labels of spec.declarative.deployment, serving 8080.
      pods.push({ namespace: ns, name: o.metadata.name, labels: o.spec.declarative.deployment.labels, ports: [{ port: 8080, protocol: 'TCP' }], ip: ip() });
    } else if (o.kind === 'SandboxTemplate') {
      pods.push({ namespace: ns, name: `${o.metadata.name}-sandbox`, labels: o.spec.podTemplate.metadata.labels, ports: ports(o.spec.podTemplate.spec.containers), ip: ip() });
    }
  }
  return pods;
}

/** Computes reachability under the NetworkPolicies of the manifests. */
export class NetworkModel {
  private readonly policies: any[];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();

  /** `namespaces`: namespaces not in the manifests (kube-system, ...), with their labels. */
  constructor(objects: any[], namespaces: Record<string, Record<string, string>> = {}) {
    this.policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1');
    for (const [name, labels] of Object.entries(namespaces)) this.namespaceLabels.set(name, { ...labels, 'kubernetes.io/metadata.name': name });
    for (const o of objects.filter((x) => x.kind === 'Namespace')) {
      this.namespaceLabels.set(o.metadata.name, { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name });
    }
  }

  /** Whether `src` can open a connection to `dst` on `port`/`protocol`. */
  public canReach(src: Pod, dst: Pod | External, port: number, protocol = 'TCP'): boolean {
    return this.egressAllows(src, dst, port, protocol) && ('namespace' in dst ? this.ingressAllows(src, dst, port, protocol) : true);
  }

  private selecting(pod: Pod, type: 'Ingress' | 'Egress'): any[] {
    return this.policies.filter((p) => p.metadata.namespace === pod.namespace
      && this.types(p).includes(type) && selectorMatches(p.spec.podSelector, pod.labels));
  }

  private types(p: any): string[] {
    return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  }

  private egressAllows(src: Pod, dst: Pod | External, port: number, protocol: string): boolean {
    const selecting = this.selecting(src, 'Egress');
    if (selecting.length === 0) return true;
    return selecting.some((p) => (p.spec.egress ?? []).some((rule: any) =>
      this.portMatches(rule.ports, dst, port, protocol) && this.peersMatch(rule.to, p.metadata.namespace, dst)));
  }

  private ingressAllows(src: Pod, dst: Pod, port: number, protocol: string): boolean {
    const selecting = this.selecting(dst, 'Ingress');
    if (selecting.length === 0) return true;
    return selecting.some((p) => (p.spec.ingress ?? []).some((rule: any) =>
      this.portMatches(rule.ports, dst, port, protocol) && this.peersMatch(rule.from, p.metadata.namespace, src)));
  }

  private peersMatch(peers: any[] | undefined, policyNamespace: string, target: Pod | External): boolean {
    if (!peers || peers.length === 0) return true;
    return peers.some((peer) => {
      if (peer.ipBlock) {
        return inCidr(target.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(target.ip, c));
      }
      if (!('namespace' in target)) return false; // selectors only select pods
      if (peer.namespaceSelector) {
        const nsLabels = this.namespaceLabels.get(target.namespace) ?? { 'kubernetes.io/metadata.name': target.namespace };
        if (!selectorMatches(peer.namespaceSelector, nsLabels)) return false;
      } else if (target.namespace !== policyNamespace) {
        return false;
      }
      return selectorMatches(peer.podSelector, target.labels);
    });
  }

  private portMatches(ports: any[] | undefined, dst: Pod | External, port: number, protocol: string): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') {
        return 'namespace' in dst && dst.ports.some((cp) => cp.name === p.port && cp.port === port && cp.protocol === protocol);
      }
      return p.endPort ? port >= p.port && port <= p.endPort : port === p.port;
    });
  }
}
