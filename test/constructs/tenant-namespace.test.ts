import { AGENT_CARD_ROLE, LABEL, MANAGED_BY } from '../../constructs/labels';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { byoAgent, FACTS, tenantChart } from './_example';

describe('TenantNamespace', () => {
  function synth() {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    const objects = chart.toJson();
    expect(validateAll(objects)).toEqual([]);
    return { objects, tenant };
  }

  test('matches the defaults snapshot', () => {
    const { objects } = synth();
    expect(objects).toMatchSnapshot();
  });

  test('pins Pod Security restricted to the platform version', () => {
    const ns = findOne(synth().objects, 'Namespace', 'acme');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': FACTS.podSecurityVersion,
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      [LABEL.tenant]: 'acme',
      [LABEL.role]: 'tenant',
      [LABEL.managedBy]: MANAGED_BY,
    });
  });

  test('quotas cpu, memory, pods, GPUs and storage and forbids LoadBalancer and NodePort Services', () => {
    const hard = findOne(synth().objects, 'ResourceQuota', 'tenant-quota', 'acme').spec.hard;
    for (const key of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'pods', 'requests.nvidia.com/gpu', 'requests.storage']) {
      expect(hard[key]).toBeDefined();
    }
    expect(hard['services.loadbalancers']).toBe('0');
    expect(hard['services.nodeports']).toBe('0');
    expect(hard['requests.nvidia.com/gpu']).toBe('0');
  });

  test('sets container defaults with a LimitRange', () => {
    const lr = findOne(synth().objects, 'LimitRange', 'tenant-limits', 'acme');
    expect(lr.spec.limits[0]).toMatchObject({ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } });
  });

  test('denies all traffic by default and allows DNS, the gateway and the registry', () => {
    const { objects } = synth();
    expect(findOne(objects, 'NetworkPolicy', 'default-deny', 'acme').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = findOne(objects, 'NetworkPolicy', 'allow-dns', 'acme').spec.egress[0];
    expect(dns.to[0]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } });
    expect(dns.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    const gw = findOne(objects, 'NetworkPolicy', 'allow-gateway-ingress', 'acme').spec;
    expect(gw.podSelector).toEqual({ matchLabels: { [LABEL.role]: 'agent' } });
    expect(gw.ingress[0].from[0].podSelector.matchLabels).toEqual(FACTS.gatewayPodLabels);
    const reg = findOne(objects, 'NetworkPolicy', 'allow-registry-egress', 'acme').spec;
    expect(reg.egress[0].ports.map((p: any) => p.port)).toEqual([8848, 9848]);
  });

  test('grants the tenant group a Role without wildcards', () => {
    const { objects } = synth();
    const role = findOne(objects, 'Role', 'tenant-developer', 'acme');
    const words = role.rules.flatMap((r: any) => [...r.apiGroups, ...r.resources, ...r.verbs]);
    expect(words).not.toContain('*');
    expect(role.rules.flatMap((r: any) => r.resources)).not.toContain('secrets');
    expect(findOne(objects, 'RoleBinding', 'tenant-developer', 'acme').subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'acme-developers' }]);
  });

  test('mounts no service-account token, not even through the default ServiceAccount', () => {
    const sas = findAll(synth().objects, 'ServiceAccount', 'acme');
    expect(sas.map((s) => s.metadata.name)).toEqual(['default']);
    expect(sas.every((s) => s.automountServiceAccountToken === false)).toBe(true);
  });

  test('marks the default ServiceAccount, which Kubernetes creates and recreates on delete, as patched and never pruned', () => {
    const sa = findOne(synth().objects, 'ServiceAccount', 'default', 'acme');
    expect(sa.metadata.annotations).toEqual({
      'agentruntime.io/apply-as-patch': 'true',
      'argocd.argoproj.io/sync-options': 'Delete=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
  });

  test('exposes the Nacos namespace id of the tenant', () => {
    expect(synth().tenant.nacosNamespaceId).toBe('acme');
  });

  test('emits its jwt-auth WasmPlugin in the gateway namespace with the public consumer', () => {
    const plugin = findOne(synth().objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace);
    expect(plugin.spec.defaultConfig).toEqual({
      consumers: [{ name: 'public', issuer: FACTS.jwt.publicIssuer, jwks: FACTS.jwt.publicJwks }],
      global_auth: false,
    });
    expect(plugin.spec.matchRules).toEqual([]);
  });

  test('factories return what they create', () => {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    const agent = tenant.addAgent(byoAgent('search'));
    const pool = tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:1.0.0', runtimeClassName: 'gvisor' });
    const release = tenant.addCanaryRelease({
      agent: { name: 'chat', skills: byoAgent('chat').skills },
      stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } },
      canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } },
      traffic: { weight: 10 },
    });
    expect([agent.name, pool.name, release.stable.name, release.canary.workloadName]).toEqual(['search', 'code', 'chat', 'chat-canary']);
    const objects = chart.toJson();
    expect(validateAll(objects)).toEqual([]);
    expect(findAll(objects, 'ConfigMap', 'acme').filter((c) => c.metadata.labels[LABEL.role] === AGENT_CARD_ROLE)).toHaveLength(3);
    expect(tenant.workloadNames).toEqual(['agent search', 'sandbox pool code', 'agent chat', 'agent chat (canary)']);
  });

  test('uses the route settings of the tenant tier', () => {
    const { chart, tenant } = tenantChart({ name: 'acme', rateLimitTier: 'free', routeTimeoutSeconds: 30, routeRetries: 1 });
    tenant.addAgent(byoAgent('search'));
    const objects = chart.toJson();
    expect(validateAll(objects)).toEqual([]);
    expect(findOne(objects, 'Ingress', 'search-chat', 'acme').metadata.annotations).toMatchObject({
      // A chat route declares no retries: the tenant's routeRetries applies to skills declaring retryOn only.
      'higress.io/route-limit-rpm': '60', 'higress.io/timeout': '30', 'higress.io/proxy-next-upstream-tries': '0',
    });
  });
});
