import { Testing } from 'cdk8s';
import { AgentRuntimePlatform, AgentRuntimePlatformProps } from '../../constructs/agent-runtime-platform';
import { checkManifests } from '../../policies/check-manifests';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { PLATFORM_PROPS } from '../support/fixtures';
import { byoAgent, tenantChart } from './_example';

function platform(props: Partial<AgentRuntimePlatformProps> = {}) {
  const chart = Testing.chart();
  const p = new AgentRuntimePlatform(chart, 'platform', { ...PLATFORM_PROPS, ...props } as AgentRuntimePlatformProps);
  return { objects: Testing.synth(chart), facts: p.facts };
}

function tenantWith(facts: AgentRuntimePlatform['facts']) {
  const { chart, tenant } = tenantChart({ name: 'acme' }, undefined, facts);
  tenant.addAgent(byoAgent('chat'));
  tenant.addCanaryRelease({
    agent: { name: 'search', description: 'search', skills: byoAgent('search').skills },
    stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/search:1.0.0' } },
    canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/search:1.1.0' } },
    traffic: { weight: 10 },
  });
  return chart.toJson();
}

describe('RuntimeController', () => {
  test('runs 2 replicas under a restricted, token-mounting ServiceAccount with probes and metrics', () => {
    const { objects } = platform();
    expect(validateAll(objects)).toEqual([]);
    const d = findOne(objects, 'Deployment', 'agent-runtime-controller', 'agent-runtime');
    const pod = d.spec.template.spec;
    expect(d.spec.replicas).toBe(2);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].livenessProbe.httpGet.path).toBe('/healthz');
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.containers[0].args).toEqual(expect.arrayContaining(['controller', '--internal-issuer', PLATFORM_PROPS.gateway.jwt.internal.issuer]));
    // Cards are checked against the gateway routes the constructs emit.
    expect(pod.containers[0].args.join(' ')).toContain(`--gateway-host ${PLATFORM_PROPS.gatewayHost}`);
    expect(pod.containers[0].env.find((e: any) => e.name === 'NACOS_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'agent-runtime-controller-nacos', key: 'password' });
  });

  test('reads cluster-wide only what it watches, and writes nothing cluster-wide', () => {
    const { objects } = platform();
    const rules = findOne(objects, 'ClusterRole', 'agent-runtime-controller').rules;
    expect(rules.flatMap((r: any) => r.verbs)).not.toEqual(expect.arrayContaining(['create']));
    expect(rules.map((r: any) => r.resources[0]).sort()).toEqual(['agents', 'configmaps', 'deployments', 'endpointslices', 'namespaces']);
    expect(rules.flatMap((r: any) => r.verbs)).not.toEqual(expect.arrayContaining(['patch']));
    const role = findOne(objects, 'Role', 'agent-runtime-controller', 'agent-runtime');
    expect(role.rules).toContainEqual({ apiGroups: [''], resources: ['secrets'], resourceNames: ['agent-runtime-internal-issuer'], verbs: ['get'] });
  });

  test('egress goes only to the API server and Nacos', () => {
    const { objects } = platform({ kubernetesApi: { cidrs: ['10.0.0.1/32'], port: 6443 } });
    const np = findOne(objects, 'NetworkPolicy', 'agent-runtime-controller-egress', 'agent-runtime');
    expect(np.spec.egress).toHaveLength(2);
    expect(np.spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
    expect(np.spec.egress[1].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('nacos');
  });

  test('tenants grant it exactly their agents\' token Secrets (one per agent), which they declare empty', () => {
    const objects = tenantWith(platform().facts);
    expect(validateAll(objects)).toEqual([]);
    const role = findOne(objects, 'Role', 'agent-runtime-controller', 'acme');
    expect(role.rules[0]).toEqual({ apiGroups: [''], resources: ['secrets'], resourceNames: ['chat-a2a-token', 'search-a2a-token'], verbs: ['get', 'update', 'patch'] });
    expect(findOne(objects, 'RoleBinding', 'agent-runtime-controller', 'acme').subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-runtime-controller', namespace: 'agent-runtime' }]);
    const secret = findOne(objects, 'Secret', 'search-a2a-token', 'acme');
    expect(secret.data).toBeUndefined();
    // Digests aside (the example images carry tags): nothing of prod's mandatory rules is broken.
    expect(checkManifests(objects, { env: 'prod' }).violations.filter((v) => v.level === 'mandatory' && v.ruleId !== 'image-provenance')).toEqual([]);
  });

  test('tenants grant it a patch of their kagent Agents by name (the token-fingerprint label), nothing more of kagent', () => {
    const { chart, tenant } = tenantChart({ name: 'acme' }, undefined, platform().facts);
    tenant.addAgent({
      name: 'helper', description: 'helper', skills: byoAgent('helper').skills,
      declarative: { model: { provider: 'OpenAI', model: 'gpt-4o-mini', apiKeySecret: { name: 'openai', key: 'api-key' } }, systemMessage: 'Help.' },
    });
    tenant.addAgent(byoAgent('chat'));
    const role = findOne(chart.toJson(), 'Role', 'agent-runtime-controller', 'acme');
    expect(role.rules.filter((r: any) => r.apiGroups.includes('kagent.dev'))).toEqual([{ apiGroups: ['kagent.dev'], resources: ['agents'], resourceNames: ['helper'], verbs: ['patch'] }]);
    // Without declarative agents: no kagent rule at all (an empty resourceNames would mean every Agent).
    expect(findOne(tenantWith(platform().facts), 'Role', 'agent-runtime-controller', 'acme').rules.some((r: any) => r.apiGroups.includes('kagent.dev'))).toBe(false);
  });

  test('can be turned off: no controller, no tenant grants, no token Secrets', () => {
    const { objects, facts } = platform({ runtimeController: { enabled: false } });
    expect(findAll(objects, 'Deployment', 'agent-runtime')).toEqual([]);
    const tenant = tenantWith(facts);
    expect(findAll(tenant, 'Secret')).toEqual([]);
    expect(findAll(tenant, 'Role', 'acme').map((r) => r.metadata.name)).not.toContain('agent-runtime-controller');
  });

  test.each([
    [{ image: 'ghcr.io/agent-runtime/controller:latest' }, 'runtimeController.image: "ghcr.io/agent-runtime/controller:latest" is not pinned; use an explicit version tag or digest, e.g. "ghcr.io/agent-runtime/controller:1.2.3"'],
    [{ replicas: 0 }, 'runtimeController.replicas: 0 is not allowed'],
    [{ tokenTtlSeconds: 10 }, 'runtimeController.tokenTtlSeconds: 10 is not allowed'],
  ])('fails on bad settings %#', (settings, message) => {
    expect(() => platform({ runtimeController: settings })).toThrow(message);
  });
});
