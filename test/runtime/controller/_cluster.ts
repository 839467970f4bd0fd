/**
 * Controller test bed: objects synthesized by the real constructs (card ConfigMaps, Services),
 * EndpointSlices derived from a Service the way the EndpointSlice controller does (Service labels
 * copied, `kubernetes.io/service-name` set), an emulator and a controller wired to a fake cluster.
 */
import { FACTS, byoAgent, tenantChart } from '../../constructs/_example';
import { LABEL } from '../../../constructs/labels';
import type { ConfigMapObject, EndpointSliceObject } from '../../../runtime/controller/desired-state';
import { ControllerMetrics } from '../../../runtime/controller/metrics';
import { RuntimeController, RuntimeControllerOptions } from '../../../runtime/controller/runtime-controller';
import type { AgentTokens } from '../../../runtime/controller/agent-tokens';
import type { KagentAgentObject, KagentAgentWriter } from '../../../runtime/controller/kagent-token-refresh';
import type { NamespaceObject } from '../../../runtime/controller/tenant-namespaces';
import { FakeInformer, FakeWriter } from '../../support/fake-cluster';
import { startNacosEmulator, NacosEmulator } from '../../nacos-emulator/nacos-emulator';
import { NacosClient } from '../../../runtime/nacos-client';
import { isNotFound } from '../../../runtime/nacos-errors';
import type { NacosBackend } from '../../support/nacos-backend';
import { PASSWORD, USER } from '../support';

/** The card ConfigMaps and Services a tenant with these agents emits. */
export function synthTenant(tenant: string, agents: { name: string; version?: string; canary?: string }[]): { configMaps: ConfigMapObject[]; services: any[] } {
  const { chart, tenant: t } = tenantChart({ name: tenant }, undefined, FACTS);
  for (const a of agents) {
    const base = byoAgent(a.name, ['answer', 'search']);
    if (a.canary) {
      t.addCanaryRelease({
        agent: { name: a.name, description: `${a.name} agent`, skills: base.skills },
        stable: { version: a.version ?? '1.0.0', byo: base.byo },
        canary: { version: a.canary, byo: { image: `ghcr.io/acme/${a.name}:${a.canary}` } },
        traffic: { weight: 10 },
      });
    } else {
      t.addAgent({ ...base, version: a.version ?? '1.0.0', byo: { image: `ghcr.io/acme/${a.name}:${a.version ?? '1.0.0'}` } });
    }
  }
  const objects = chart.toJson();
  return {
    configMaps: objects.filter((o: any) => o.kind === 'ConfigMap' && o.metadata.labels?.[LABEL.role] === 'agent-card'),
    services: objects.filter((o: any) => o.kind === 'Service' && o.metadata.labels?.[LABEL.agent]),
  };
}

/** The Namespace object TenantNamespace emits for `tenant` (what marks it a tenant namespace). */
export function tenantNamespaceObject(tenant: string): NamespaceObject {
  const { chart } = tenantChart({ name: tenant }, undefined, FACTS);
  return chart.toJson().find((o: any) => o.kind === 'Namespace');
}

/** A Namespace informer holding the tenant namespaces of `tenants`. */
export function tenantNamespaces(tenants: string[] = DEFAULT_TENANTS): FakeInformer<NamespaceObject> {
  const informer = new FakeInformer<NamespaceObject>();
  for (const t of tenants) informer.apply(tenantNamespaceObject(t));
  return informer;
}

/** Tenants the test bed's platform has unless a test says otherwise. */
export const DEFAULT_TENANTS = ['acme', 'globex', 'fresh'];

/** The EndpointSlice of `service` with `ips` (ready unless listed in `notReady`). */
export function sliceOf(service: any, ips: string[], notReady: string[] = []): EndpointSliceObject {
  return {
    metadata: {
      name: `${service.metadata.name}-abcde`,
      namespace: service.metadata.namespace,
      labels: { ...service.metadata.labels, 'kubernetes.io/service-name': service.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
    },
    addressType: 'IPv4',
    endpoints: [...ips, ...notReady].map((ip) => ({ addresses: [ip], conditions: { ready: !notReady.includes(ip), terminating: false }, targetRef: { kind: 'Pod', name: `pod-${ip}` } })),
    ports: [{ name: 'a2a', port: 8080 }],
  };
}

/** A started emulator with the test admin. */
export function emulator(): Promise<NacosEmulator> {
  return startNacosEmulator({ auth: { users: { [USER]: PASSWORD } } });
}

/** A client of the backend (or emulator) with fast retries. */
export function clientOf(nacos: NacosBackend | NacosEmulator, observe?: (op: string, ms: number) => void): NacosClient {
  const creds = 'username' in nacos ? { username: nacos.username, password: nacos.password } : { username: USER, password: PASSWORD };
  return new NacosClient({ endpoint: nacos.url, ...creds, retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 20 }, observe });
}

/** A controller bound to `emu` and fresh fake informers. */
export function controllerFor(emu: NacosBackend | NacosEmulator, opts: {
  options?: Partial<RuntimeControllerOptions>; tokens?: AgentTokens; isLeader?: () => boolean; configMaps?: FakeInformer<ConfigMapObject>;
  slices?: FakeInformer<EndpointSliceObject>; writer?: FakeWriter; namespaces?: FakeInformer<NamespaceObject>;
  kagent?: { agents: FakeInformer<KagentAgentObject>; writer: KagentAgentWriter };
} = {}) {
  const namespaces = opts.namespaces ?? tenantNamespaces();
  const configMaps = opts.configMaps ?? new FakeInformer<ConfigMapObject>();
  const slices = opts.slices ?? new FakeInformer<EndpointSliceObject>();
  const writer = opts.writer ?? new FakeWriter();
  const metrics = new ControllerMetrics();
  const logs: string[] = [];
  const client = clientOf(emu, (op, ms) => metrics.observeNacos(op, ms));
  const controller = new RuntimeController(
    { namespaces, configMaps, endpointSlices: slices, kagent: opts.kagent, writer, nacos: client, tokens: opts.tokens, isLeader: opts.isLeader, metrics, log: (l) => logs.push(l) },
    { gatewayHost: FACTS.gatewayHost, resyncMs: 3_600_000, auditMs: 3_600_000, ...opts.options },
  );
  return { controller, namespaces, configMaps, slices, writer, logs, metrics, client };
}

/** Instances of one service in the emulator, as `ip:port` sorted. */
export function instancesIn(emu: NacosEmulator, ns: string, service: string): string[] {
  return Object.values(emu.state.naming[ns]?.[`DEFAULT_GROUP@@${service}`] ?? {}).map((i) => `${i.ip}:${i.port}`).sort();
}

/** Versions of one agent in the emulator, `version*` for latest. */
export function versionsIn(emu: NacosEmulator, ns: string, agent: string): string[] {
  const a = emu.state.agents[ns]?.[agent];
  return a ? a.versionDetails.map((v) => `${v.version}${v.latest ? '*' : ''}`).sort() : [];
}

/** Waits for the controller to drain its queue, then once more (the queue may refill from retries). */
export async function settle(controller: RuntimeController): Promise<void> {
  await controller.idle();
}

/** Requests the emulator served whose method is not GET, since `from`. */
export function writesSince(emu: NacosEmulator, from: number): string[] {
  return emu.state.requests.slice(from).filter((r) => r.method !== 'GET' && !r.path.includes('/auth/')).map((r) => `${r.method} ${r.path}`);
}

/** Instances of one service, through the API (either backend), as `ip:port` sorted. */
export async function listedInstances(client: NacosClient, ns: string, service: string): Promise<string[]> {
  return (await client.listInstances(service, { namespaceId: ns, groupName: 'DEFAULT_GROUP' })).map((i) => `${i.ip}:${i.port}`).sort();
}

/** Versions of one agent through the API, `version*` for latest; [] when the agent does not exist. */
export async function listedVersions(client: NacosClient, ns: string, agent: string): Promise<string[]> {
  try {
    return (await client.listVersions(agent, { namespaceId: ns })).map((v) => `${v.version}${v.latest ? '*' : ''}`).sort();
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Polls `check` until it stops throwing (never a timed assertion: the test timeout is the bound). */
export async function eventually(check: () => void): Promise<void> {
  for (;;) {
    try {
      return check();
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The real Nacos applies some changes asynchronously: polls until `read` gives `expected` (the test timeout bounds it). */
export async function expectEventually(read: () => Promise<unknown>, expected: unknown): Promise<void> {
  for (;;) {
    if (JSON.stringify(await read()) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
