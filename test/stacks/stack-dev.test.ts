import { isSecret, Registration, runStackWithMocks, TEST_SECRETS } from './stack-harness';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import * as path from 'path';

const ENV = 'dev';
let registrations: Registration[];
let outputs: Record<string, any>;
beforeAll(async () => { ({ registrations, outputs } = await runStackWithMocks(ENV)); });

const find = (type: string, name: string) => {
  const hit = registrations.find((r) => r.type === type && r.name === name);
  if (!hit) throw new Error(`no ${type} "${name}"; registered: ${registrations.map((r) => `${r.type}/${r.name}`).join(', ')}`);
  return hit;
};
const dependsOn = (r: Registration, other: Registration) => r.dependencies.some((d) => d.endsWith(`::${other.name}`) && d.includes(other.type));

test('registers a release per chart, the third-party parts and the registrations', () => {
  const releases = registrations.filter((r) => r.type === 'agentruntime:k8s:ChartRelease').map((r) => r.name).sort();
  expect(releases).toEqual(['platform', 'platform-base', 'tenant-acme', 'tenant-acme-kagent', 'tenant-globex']);
  for (const chart of ['higress', 'kagent-crds', 'kagent', 'keda']) find('kubernetes:helm.sh/v4:Chart', chart);
  find('pulumi-nodejs:dynamic/agentruntime/registry:NacosAdmin', 'nacos-admin');
  find('kubernetes:yaml/v2:ConfigFile', 'agent-sandbox');
  expect(registrations.filter((r) => r.name.startsWith('nacos-namespace-')).map((r) => r.name).sort())
    .toEqual(['nacos-namespace-acme', 'nacos-namespace-globex']);
  expect(registrations.filter((r) => r.name.startsWith('card-')).length).toBe(4);
});

test('each release deploys its synthesized chart through one ConfigGroup (a tenant\'s kagent objects through a second one)', () => {
  const synthesized = synthesizePlatform(loadStackConfig(ENV, path.resolve(__dirname, '..', '..')));
  const objs = (name: string) => {
    const group = registrations.find((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup' && r.name === name);
    if (group) expect(group.parent).toContain(`agentruntime:k8s:ChartRelease::${name}`);
    return (group?.wire.objs ?? []) as any[];
  };
  for (const chart of synthesized.charts) {
    const kagent = objs(`${chart.name}-kagent`);
    expect(kagent.every((o) => o.apiVersion.startsWith('kagent.dev/'))).toBe(true);
    const patched = (o: any) => o.metadata.annotations?.['agentruntime.io/apply-as-patch'] === 'true';
    expect([...objs(chart.name), ...kagent].sort(byRef)).toEqual(chart.objects.filter((o) => !patched(o)).sort(byRef));
  }
});

test('patches each tenant namespace\'s default ServiceAccount (kube-controller-manager\'s) instead of owning it', () => {
  const groups = registrations.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup');
  const owned = groups.flatMap((g) => g.wire.objs).filter((o: any) => o.kind === 'ServiceAccount' && o.metadata.name === 'default');
  expect(owned).toEqual([]);
  for (const tenant of ['acme', 'globex']) {
    const patch = find('kubernetes:core/v1:ServiceAccountPatch', `${tenant}-default-patch`);
    expect(patch.wire.metadata).toMatchObject({ name: 'default', namespace: tenant });
    expect(patch.wire.metadata.annotations).toBeUndefined();
    expect(patch.wire.automountServiceAccountToken).toBe(false);
    expect(patch.parent).toContain(`agentruntime:k8s:ChartRelease::tenant-${tenant}`);
    // After the group that creates the Namespace the ServiceAccount controller makes it in.
    expect(dependsOn(patch, find('kubernetes:yaml/v2:ConfigGroup', `tenant-${tenant}`))).toBe(true);
  }
});

const byRef = (a: any, b: any) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.namespace}/${b.metadata.name}`);

test('creates every Secret an agent reads before the kagent objects that read it, after their namespace', () => {
  const kagent = find('agentruntime:k8s:ChartRelease', 'tenant-acme-kagent');
  for (const name of ['acme-acme-openai', 'acme-acme-kb-token']) {
    const s = find('kubernetes:core/v1:Secret', name);
    expect(dependsOn(kagent, s)).toBe(true);
    expect(dependsOn(s, find('agentruntime:k8s:ChartRelease', 'tenant-acme'))).toBe(true);
  }
  const namespaces = (find('kubernetes:yaml/v2:ConfigGroup', 'tenant-acme').wire.objs as any[]).filter((o) => o.kind === 'Namespace');
  expect(namespaces.map((o) => o.metadata.name)).toEqual(['acme']);
});

test('installs CRDs before custom resources and the platform before tenants', () => {
  const platform = find('agentruntime:k8s:ChartRelease', 'platform');
  for (const crds of ['higress', 'kagent-crds', 'keda']) expect(dependsOn(platform, find('kubernetes:helm.sh/v4:Chart', crds))).toBe(true);
  expect(dependsOn(platform, find('kubernetes:yaml/v2:ConfigFile', 'agent-sandbox'))).toBe(true);
  for (const tenant of ['tenant-acme', 'tenant-globex']) {
    expect(dependsOn(find('agentruntime:k8s:ChartRelease', tenant), platform)).toBe(true);
  }
});

test('registers cards only after the registry and the agent workloads', () => {
  const cards = registrations.filter((r) => r.name.startsWith('card-acme-'));
  expect(cards.length).toBe(2);
  for (const card of cards) {
    expect(dependsOn(card, find('agentruntime:k8s:ChartRelease', 'platform'))).toBe(true);
    expect(dependsOn(card, find('agentruntime:k8s:ChartRelease', 'tenant-acme'))).toBe(true);
  }
});

test('keeps secret config values secret', () => {
  const nacosAuth = find('kubernetes:core/v1:Secret', 'nacos-nacos-auth');
  expect(isSecret(nacosAuth.wire.stringData)).toBe(true);
  expect(isSecret(find('kubernetes:core/v1:Secret', 'acme-acme-openai').wire.stringData)).toBe(true);
  // Every card the stack exports is registered with secret credentials (an empty filter must fail).
  const cards = registrations.filter((r) => r.name.startsWith('card-'));
  expect(cards.length).toBeGreaterThan(0);
  expect(cards).toHaveLength(outputs.cards.length);
  for (const card of cards) expect(isSecret(card.wire.credentials)).toBe(true);
  const plain = JSON.stringify(registrations.map((r) => stripSecrets(r.wire)));
  for (const value of [TEST_SECRETS.nacosAdminPassword, TEST_SECRETS.nacosAuthToken, 'sk-test-model-key-5d2b']) expect(plain).not.toContain(value);
});

test('exports the gateway, routes per agent, cards and tenants', () => {
  expect(outputs.gatewayUrl).toBe('https://dev.agents.example.com');
  expect(outputs.tenants).toEqual(['acme', 'globex']);
  expect(outputs.routes['acme/orchestrator']).toContain('POST https://dev.agents.example.com/api/v1/agents/acme/orchestrator/chat');
  expect(outputs.routes['acme/orchestrator']).toContain('POST https://dev.agents.example.com/api/v1/internal/a2a/acme/orchestrator/plan');
  expect(outputs.cards).toEqual(expect.arrayContaining([
    { namespace: 'globex', name: 'researcher', version: '2.1.0', latest: true },
    { namespace: 'globex', name: 'researcher', version: '2.2.0', latest: false },
  ]));
});

/** The wire form with every secret value removed. */
function stripSecrets(v: any): any {
  if (isSecret(v)) return '[secret]';
  if (Array.isArray(v)) return v.map(stripSecrets);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripSecrets(x)]));
  return v;
}

test('registers a canary card only after the stable card of the same agent', () => {
  const stable = find('pulumi-nodejs:dynamic/agentruntime/registry:AgentCard', 'card-globex-researcher-agent-card');
  const canary = find('pulumi-nodejs:dynamic/agentruntime/registry:AgentCard', 'card-globex-researcher-canary-agent-card');
  expect(dependsOn(canary, stable)).toBe(true);
});

test('installs Higress with the tracing values and the Istio API switch of the config', () => {
  const higress = find('kubernetes:helm.sh/v4:Chart', 'higress');
  expect(higress.wire.values['higress-core'].tracing).toMatchObject({ enable: true, sampling: 100, opentelemetry: { port: '4317' } });
  expect(higress.wire.values.global).toMatchObject({ ingressClass: 'higress', enableIstioAPI: false });
});

test('creates one Secret per tenant secret name, holding all of its keys', () => {
  const openai = registrations.filter((r) => r.type === 'kubernetes:core/v1:Secret' && r.name === 'acme-acme-openai');
  expect(openai).toHaveLength(1);
  expect(Object.keys(openai[0].wire.stringData.value).sort()).toEqual(['api-key', 'org']);
});
