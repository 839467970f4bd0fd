import { Chart, Testing } from 'cdk8s';
import { AgentRuntimePlatform } from '../../constructs/agent-runtime-platform';
import { LABEL } from '../../constructs/labels';
import { PlatformFacts } from '../../constructs/platform-facts';
import { PLATFORM_PROPS } from '../support/fixtures';
import { External, NetworkModel, Pod, podsFromWorkloads } from '../support/reachability';
import { validateAll } from '../support/schema-validator';
import { buildExample, Example, FACTS, INTERNET_HTTPS, PYPI } from './_example';

/** Pods of the platform and of a bystander namespace, which the tenant charts do not emit. */
function platformPods(facts: PlatformFacts): Pod[] {
  return [
    { namespace: facts.gatewayNamespace, name: 'gateway', labels: facts.gatewayPodLabels, ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], ip: '10.244.100.1' },
    { namespace: facts.registryNamespace, name: 'nacos', labels: facts.registryPodLabels, ports: facts.registryClientPorts.map((port) => ({ port, protocol: 'TCP' })), ip: '10.244.100.2' },
    { namespace: 'kube-system', name: 'kube-dns', labels: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }], ip: '10.244.100.3' },
    { namespace: 'kagent', name: 'kagent-controller', labels: { app: 'kagent-controller' }, ports: [{ port: 8083, protocol: 'TCP' }], ip: '10.244.100.4' },
    { namespace: 'default', name: 'outsider', labels: { app: 'outsider' }, ports: [{ port: 8080, protocol: 'TCP' }], ip: '10.244.100.5' },
  ];
}
const PLATFORM_PODS = platformPods(FACTS);
const PLATFORM_NAMESPACES = Object.fromEntries(PLATFORM_PODS.map((p) => [p.namespace, {}]));

const EXTERNALS: External[] = [
  { name: 'internet', ip: '93.184.216.34' },
  { name: 'pypi', ip: '151.101.1.1' },
  { name: 'cloud-metadata', ip: '169.254.169.254' },
  { name: 'node', ip: '10.0.0.10' },
];
const EXTERNAL_PORTS = [80, 443, 6443];

const isTenant = (p: Pod) => p.labels[LABEL.tenant] !== undefined;
const role = (p: Pod) => p.labels[LABEL.role];

/**
 * What the configuration says may happen, computed from the example's declarations (calls,
 * sandbox pools, egress lists), never from the NetworkPolicies under test.
 */
function intended(ex: Example, facts: PlatformFacts, src: Pod, dst: Pod | External, port: number, protocol: string): boolean {
  const agents = [ex.research, ex.billing, ex.orchestrator, ex.coder, ex.chat.stable, ex.chat.canary];
  const agentOf = (p: Pod) => agents.find((a) => a.tenant.name === p.labels[LABEL.tenant] && a.name === p.labels[LABEL.agent] && a.track === p.labels[LABEL.track]);
  if (!('namespace' in dst)) {
    if (!isTenant(src)) return false; // not judged
    if (role(src) === 'sandbox') return [PYPI].some((e) => dst.ip.startsWith('151.101.') && e.ports.includes(port));
    const a = agentOf(src)!;
    // Agents claiming sandboxes reach the API server (default: private addresses, port 6443).
    if (a.sandboxPool && port === 6443 && dst.ip.startsWith('10.')) return true;
    const egress = a === ex.research || a === ex.orchestrator ? [INTERNET_HTTPS] : [];
    return egress.some((e) => e.ports.includes(port) && !['10.', '169.254.'].some((p) => dst.ip.startsWith(p)));
  }
  if (dst.name === 'kube-dns') return port === 53;
  if (dst.name === 'nacos') return isTenant(src) && role(src) === 'agent' && facts.registryClientPorts.includes(port);
  if (dst.name === 'kagent-controller') return isTenant(src) && src.labels[LABEL.component] === 'declarative-agent' && port === 8083;
  if (dst.name === 'gateway') return isTenant(src) && role(src) === 'agent' && (agentOf(src)!.calls.length > 0) && [80, 443].includes(port);
  if (!isTenant(dst)) return false;
  if (src.name === 'gateway') return role(dst) === 'agent' && port === 8080 && protocol === 'TCP';
  if (!isTenant(src) || role(src) !== 'agent') return false;
  const caller = agentOf(src)!;
  if (role(dst) === 'sandbox') return caller.sandboxPool?.name === dst.labels[LABEL.sandboxPool] && port === 8888;
  // A2A calls go through the gateway's internal routes only: never a direct agent -> agent path.
  return false;
}

/** Every (src, dst, port) involving a tenant pod where reachability differs from intent. */
function violations(ex: Example, objects: any[], facts = FACTS): string[] {
  const model = new NetworkModel(objects, PLATFORM_NAMESPACES);
  const pods = [...podsFromWorkloads(objects), ...platformPods(facts)];
  const out: string[] = [];
  for (const src of pods) {
    const targets: Array<[Pod | External, number, string]> = [
      ...pods.filter((d) => d !== src).flatMap((d) => d.ports.map((p) => [d, p.port, p.protocol] as [Pod, number, string])),
      ...EXTERNALS.flatMap((e) => EXTERNAL_PORTS.map((port) => [e, port, 'TCP'] as [External, number, string])),
    ];
    for (const [dst, port, protocol] of targets) {
      if (!isTenant(src) && !('namespace' in dst && isTenant(dst))) continue;
      const can = model.canReach(src, dst, port, protocol);
      const want = intended(ex, facts, src, dst, port, protocol);
      const name = (p: Pod | External) => ('namespace' in p ? `${p.namespace}/${p.name}` : p.name);
      if (can && !want) out.push(`${name(src)} can reach ${name(dst)}:${port}/${protocol} but nothing declares it`);
      if (!can && want) out.push(`${name(src)} cannot reach ${name(dst)}:${port}/${protocol} although it is declared`);
    }
  }
  return out;
}

describe('tenant isolation', () => {
  const ex = buildExample();
  const objects = ex.synth();

  test('every emitted object validates', () => {
    expect(validateAll(objects)).toEqual([]);
  });

  test('pods reach exactly what is declared: gateway, DNS, registry, A2A calls, sandbox pools, allow lists', () => {
    expect(violations(ex, objects)).toEqual([]);
  });

  test('the orchestrator reaches its callees only through the gateway, whose pods alone reach agents\' A2A port', () => {
    const model = new NetworkModel(objects, PLATFORM_NAMESPACES);
    const pods = podsFromWorkloads(objects);
    const pod = (ns: string, name: string) => pods.find((p) => p.namespace === ns && p.name === name)!;
    const orchestrator = pod('beta', 'orchestrator');
    const [gateway] = PLATFORM_PODS;
    expect(model.canReach(orchestrator, pod('acme', 'research'), 8080)).toBe(false);
    expect(model.canReach(orchestrator, pod('beta', 'billing'), 8080)).toBe(false);
    expect(model.canReach(orchestrator, gateway, 443)).toBe(true);
    expect(model.canReach(gateway, pod('acme', 'research'), 8080)).toBe(true);
    expect(model.canReach(gateway, pod('beta', 'billing'), 8080)).toBe(true);
    expect(model.canReach(pod('acme', 'research'), orchestrator, 8080)).toBe(false);
  });

  test('fails if a direct agent -> agent path returns (caller egress and callee ingress to pods)', () => {
    const direct = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'direct-egress', namespace: 'beta' },
        spec: { podSelector: { matchLabels: { [LABEL.agent]: 'orchestrator' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { [LABEL.agent]: 'research' } } }] }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'direct-ingress', namespace: 'acme' },
        spec: { podSelector: { matchLabels: { [LABEL.agent]: 'research' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { [LABEL.agent]: 'orchestrator' } } }] }] } },
    ];
    expect(violations(ex, [...objects, ...direct])).toContain('beta/orchestrator can reach acme/research:8080/TCP but nothing declares it');
  });

  test('only agents that claim sandboxes reach the API server', () => {
    const model = new NetworkModel(objects, PLATFORM_NAMESPACES);
    const pods = podsFromWorkloads(objects);
    const apiServer = { name: 'api-server', ip: '10.0.0.10' };
    const reach = pods.filter((p) => role(p) === 'agent' && model.canReach(p, apiServer, 6443)).map((p) => `${p.namespace}/${p.name}`);
    expect(reach).toEqual(['acme/coder']);
  });

  test('sandboxes reach DNS and their allow list only', () => {
    const model = new NetworkModel(objects, PLATFORM_NAMESPACES);
    const sandbox = podsFromWorkloads(objects).find((p) => p.labels[LABEL.role] === 'sandbox')!;
    const [, nacos, dns] = PLATFORM_PODS;
    expect(model.canReach(sandbox, dns, 53, 'UDP')).toBe(true);
    expect(model.canReach(sandbox, { name: 'pypi', ip: '151.101.1.1' }, 443)).toBe(true);
    expect(model.canReach(sandbox, nacos, 8848)).toBe(false);
    expect(model.canReach(sandbox, { name: 'internet', ip: '93.184.216.34' }, 443)).toBe(false);
    expect(model.canReach(sandbox, { name: 'cloud-metadata', ip: '169.254.169.254' }, 80)).toBe(false);
  });

  test('the check fails when one tenant loses its NetworkPolicies', () => {
    const withoutAcme = objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.namespace === 'acme'));
    const found = violations(ex, withoutAcme);
    expect(found).toEqual(expect.arrayContaining([
      'default/outsider can reach acme/research:8080/TCP but nothing declares it',
      'acme/code-sandbox can reach nacos/nacos:8848/TCP but nothing declares it',
      'acme/code-sandbox can reach cloud-metadata:80/TCP but nothing declares it',
    ]));
  });

  test('the check also fails when a declared path is blocked', () => {
    const withoutRegistry = objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.namespace === 'beta' && o.metadata.name === 'allow-registry-egress'));
    expect(violations(ex, withoutRegistry)).toContain('beta/billing cannot reach nacos/nacos:8848/TCP although it is declared');
  });
});

describe('tenant isolation on the real platform', () => {
  test('holds with the platform chart\'s facts and NetworkPolicies (registry and gateway namespaces included)', () => {
    const chart = new Chart(Testing.app(), 'platform', { disableResourceNameHashes: true });
    const platform = new AgentRuntimePlatform(chart, 'platform', { ...PLATFORM_PROPS, allowedRegistries: ['ghcr.io/acme', 'ghcr.io/beta'] });
    const facts = platform.facts;
    const ex = buildExample(facts);
    const objects = [...chart.toJson(), ...ex.synth()];
    expect(validateAll(objects)).toEqual([]);
    expect(violations(ex, objects, facts)).toEqual([]);
  });
});
