/**
 * Issue 28, "registry writes bound to the tenant they come from": a card ConfigMap in tenant A
 * cannot create, update, mark latest, delete or re-point anything in tenant B's Nacos namespace or
 * instances, whatever its labels and annotations claim. Runs against the emulator, or with
 * NACOS_BACKEND=real against the real Nacos 3.1.
 */
import { agentCardUrl } from '../../../constructs/agent-routes';
import { ANNOTATION, LABEL } from '../../../constructs/labels';
import { generateKeyPairSync } from 'node:crypto';
import { a2aTokenContract } from '../../../constructs/contracts';
import { A2A_TOKEN_ROLE } from '../../../constructs/runtime-controller';
import { AgentTokens } from '../../../runtime/controller/agent-tokens';
import type { ConfigMapObject } from '../../../runtime/controller/desired-state';
import { loadSigningKeys, verifyJwt } from '../../../runtime/controller/internal-jwt';
import { FakeInformer, FakeWriter } from '../../support/fake-cluster';
import { NacosBackend, nacosBackend } from '../../support/nacos-backend';
import { FACTS } from '../../constructs/_example';
import { clientOf, controllerFor, listedInstances, listedVersions, settle, sliceOf, synthTenant, tenantNamespaceObject, tenantNamespaces, expectEventually } from './_cluster';

const ISSUER = 'https://a2a.internal.example.com';
let nacos: NacosBackend;
const stops: (() => Promise<void>)[] = [];
beforeEach(async () => {
  nacos = await nacosBackend();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await nacos.close();
});

const versionsIn = (ns: string, agent: string) => listedVersions(clientOf(nacos), ns, agent);
const instancesIn = (ns: string, service: string) => listedInstances(clientOf(nacos), ns, service);
const agentsIn = async (ns: string) => (await clientOf(nacos).listAllAgents(ns)).map((a) => a.name).sort();
const cardOf = (cm: ConfigMapObject) => JSON.parse(cm.data!['agent-card.json']);

/** globex/researcher@2.1.0 (one Ready pod, 10.0.1.5) and acme/orchestrator, registered by a running controller. */
async function twoTenants(opts: Parameters<typeof controllerFor>[1] = {}) {
  const globex = synthTenant('globex', [{ name: 'researcher', version: '2.1.0' }]);
  const acme = synthTenant('acme', [{ name: 'orchestrator' }]);
  const bed = controllerFor(nacos, opts);
  await bed.controller.start();
  stops.push(() => bed.controller.stop());
  for (const cm of [...globex.configMaps, ...acme.configMaps]) bed.configMaps.apply(cm);
  bed.slices.apply(sliceOf(globex.services[0], ['10.0.1.5']));
  bed.slices.apply(sliceOf(acme.services[0], ['10.0.0.7']));
  await settle(bed.controller);
  await expectEventually(() => versionsIn('globex', 'researcher'), ['2.1.0*']);
  await expectEventually(() => instancesIn('globex', 'researcher'), ['10.0.1.5:8080']);
  const globexCard = await clientOf(nacos).getAgent('researcher', { namespaceId: 'globex', version: '2.1.0' });
  return { bed, globex, acme, globexCard };
}

/** globex's card ConfigMap of researcher, copied into acme with `change` applied. */
function forgedInAcme(globexCm: ConfigMapObject, change: { name?: string; agent?: string; labels?: Record<string, string>; annotations?: Record<string, string>; card?: Record<string, unknown> } = {}): ConfigMapObject {
  const agent = change.agent ?? 'researcher';
  const card = { ...cardOf(globexCm), name: agent, ...change.card };
  return {
    ...globexCm,
    metadata: {
      name: change.name ?? `${agent}-agent-card`,
      namespace: 'acme',
      labels: { ...globexCm.metadata.labels, [LABEL.agent]: agent, ...change.labels },
      annotations: { ...globexCm.metadata.annotations, ...change.annotations },
    },
    data: { 'agent-card.json': JSON.stringify(card) },
  };
}

/** globex is as it was: researcher's one version, latest, unchanged card and instance; no other agent. */
async function expectGlobexUntouched(globexCard: unknown): Promise<void> {
  await expectEventually(() => agentsIn('globex'), ['researcher']);
  expect(await versionsIn('globex', 'researcher')).toEqual(['2.1.0*']);
  expect(await clientOf(nacos).getAgent('researcher', { namespaceId: 'globex', version: '2.1.0' })).toEqual(globexCard);
  expect(await instancesIn('globex', 'researcher')).toEqual(['10.0.1.5:8080']);
}

describe('cards are bound to the tenant of their namespace', () => {
  test('a ConfigMap in acme annotated and labelled globex, pointing at a foreign address, writes nothing into globex and gets an Event naming both tenants', async () => {
    const { bed, globex, globexCard } = await twoTenants();
    const forged = forgedInAcme(globex.configMaps[0], {
      annotations: { [ANNOTATION.nacosNamespace]: 'globex', [ANNOTATION.setAsLatest]: 'true' },
      labels: { [LABEL.tenant]: 'globex' },
      card: { version: '9.9.9', url: 'http://10.9.9.9:8080/' },
    });
    bed.configMaps.apply(forged);
    // Its pod, as the forger would run it: an EndpointSlice in acme under globex's agent and Service names.
    bed.slices.apply({ ...sliceOf(globex.services[0], ['10.9.9.9']), metadata: { ...sliceOf(globex.services[0], ['10.9.9.9']).metadata, namespace: 'acme', name: 'forged-abcde' } });
    await settle(bed.controller);

    await expectGlobexUntouched(globexCard);
    expect(bed.writer.events).toEqual([expect.objectContaining({
      subject: 'ConfigMap acme/researcher-agent-card', type: 'Warning', reason: 'CrossTenantAgentCard',
      message: expect.stringMatching(/names tenant "globex".*tenant "acme"/),
    })]);
    expect(bed.logs.some((l) => l.startsWith('ConfigMap acme/researcher-agent-card:') && l.includes('"globex"') && l.includes('"acme"'))).toBe(true);
    // acme's own agent keeps working meanwhile.
    expect(await versionsIn('acme', 'orchestrator')).toEqual(['1.0.0*']);
  });

  test('a label alone naming another tenant is refused too: no new agent globex/payments', async () => {
    const { bed, globex, globexCard } = await twoTenants();
    bed.configMaps.apply(forgedInAcme(globex.configMaps[0], { agent: 'payments', labels: { [LABEL.tenant]: 'globex' }, annotations: { [ANNOTATION.nacosNamespace]: 'acme' } }));
    await settle(bed.controller);
    await expectGlobexUntouched(globexCard);
    expect(await agentsIn('acme')).toEqual(['orchestrator']);
    expect(bed.writer.events.map((e) => e.reason)).toEqual(['CrossTenantAgentCard']);
  });

  test('a card whose url is another tenant\'s route, or any other address, is refused in its own tenant', async () => {
    const { bed, globex, globexCard } = await twoTenants();
    const acmeOrchestrator = bed.configMaps.list().find((c) => c.metadata.namespace === 'acme')!;
    const globexRoute = agentCardUrl(FACTS.gatewayHost, 'globex', 'researcher', 'stable', '2.1.0');
    bed.configMaps.apply({ ...acmeOrchestrator, data: { 'agent-card.json': JSON.stringify({ ...cardOf(acmeOrchestrator), version: '1.0.1', url: globexRoute }) } });
    bed.configMaps.apply(forgedInAcme(globex.configMaps[0], { agent: 'helper', annotations: { [ANNOTATION.nacosNamespace]: 'acme' }, labels: { [LABEL.tenant]: 'acme' }, card: { url: 'https://10.9.9.9/' } }));
    await settle(bed.controller);
    await expectGlobexUntouched(globexCard);
    expect(await versionsIn('acme', 'orchestrator')).toEqual(['1.0.0*']);
    expect(await agentsIn('acme')).toEqual(['orchestrator']);
    expect(bed.writer.events).toEqual([
      expect.objectContaining({ reason: 'InvalidAgentCard', message: expect.stringContaining(`the route of acme/orchestrator (stable) is "${agentCardUrl(FACTS.gatewayHost, 'acme', 'orchestrator', 'stable', '1.0.1')}"`) }),
      expect.objectContaining({ reason: 'InvalidAgentCard', message: expect.stringContaining('the route of acme/helper (stable)') }),
    ]);
  });

  test('instances come only from the EndpointSlice controller\'s slices of agent Services, never from a hand-made slice', async () => {
    const { bed, acme } = await twoTenants();
    const real = sliceOf(acme.services[0], ['10.0.0.7']);
    const { 'endpointslice.kubernetes.io/managed-by': _manager, ...labels } = real.metadata.labels!;
    bed.slices.apply({ ...sliceOf(acme.services[0], ['10.6.6.6']), metadata: { ...real.metadata, name: 'orchestrator-by-hand', labels } });
    await settle(bed.controller);
    await expectEventually(() => instancesIn('acme', 'orchestrator'), ['10.0.0.7:8080']);
  });

  test('a forged ConfigMap deleted again deletes nothing of globex', async () => {
    const { bed, globex, globexCard } = await twoTenants();
    // The very card globex has, claimed from acme (the old controller took it for its own write, then deleted it with the ConfigMap).
    bed.configMaps.apply(forgedInAcme(globex.configMaps[0], { annotations: { [ANNOTATION.nacosNamespace]: 'globex' } }));
    await settle(bed.controller);
    bed.configMaps.delete('acme', 'researcher-agent-card');
    await settle(bed.controller);
    await expectGlobexUntouched(globexCard);
  });

  test('a malformed ConfigMap keeps only its own tenant\'s agent alive: the sweep still removes another tenant\'s orphan of that name', async () => {
    // First run: globex has "old", registered by the controller; then it is deleted while the controller is down.
    const old = synthTenant('globex', [{ name: 'old' }]).configMaps[0];
    const first = controllerFor(nacos);
    await first.controller.start();
    first.configMaps.apply(old);
    await settle(first.controller);
    await expectEventually(() => versionsIn('globex', 'old'), ['1.0.0*']);
    await first.controller.stop();

    // acme holds a malformed "old": it is not globex's.
    const configMaps = new FakeInformer<ConfigMapObject>();
    configMaps.apply({ ...forgedInAcme(old, { agent: 'old', name: 'old-broken', labels: { [LABEL.tenant]: 'acme' }, annotations: { [ANNOTATION.nacosNamespace]: 'acme' } }), data: { 'agent-card.json': '{not json' } });
    const second = controllerFor(nacos, { configMaps });
    await second.controller.start();
    stops.push(() => second.controller.stop());
    await settle(second.controller);
    await expectEventually(() => versionsIn('globex', 'old'), []);
    expect(second.writer.events.map((e) => `${e.subject} ${e.reason}`)).toEqual(['ConfigMap acme/old-broken InvalidAgentCard']);
  });

  test('a ConfigMap outside every tenant namespace registers nothing, and a namespace that becomes a tenant\'s gets its cards registered', async () => {
    const namespaces = tenantNamespaces(['acme']);
    const bed = controllerFor(nacos, { namespaces });
    await bed.controller.start();
    stops.push(() => bed.controller.stop());
    const globex = synthTenant('globex', [{ name: 'researcher', version: '2.1.0' }]);
    bed.configMaps.apply(globex.configMaps[0]);
    bed.slices.apply(sliceOf(globex.services[0], ['10.0.1.5']));
    // A Namespace that merely calls itself another tenant's is no tenant namespace either.
    bed.configMaps.apply({ ...forgedInAcme(globex.configMaps[0]), metadata: { ...forgedInAcme(globex.configMaps[0]).metadata, namespace: 'impostor' } });
    namespaces.apply({ metadata: { ...tenantNamespaceObject('globex').metadata, name: 'impostor' } });
    await settle(bed.controller);
    expect(await versionsIn('globex', 'researcher')).toEqual([]);
    expect(bed.logs.filter((l) => /NotInTenantNamespace/.test(l)).length).toBe(2);
    expect(bed.writer.events).toEqual([]);

    namespaces.apply(tenantNamespaceObject('globex'));
    await settle(bed.controller);
    await expectEventually(() => versionsIn('globex', 'researcher'), ['2.1.0*']);
    await expectEventually(() => instancesIn('globex', 'researcher'), ['10.0.1.5:8080']);
    expect(await agentsIn('impostor')).toEqual([]);
  });

  test('a token is issued only under the tenant of the namespace: a ConfigMap labelled as globex\'s gets acme\'s agent no globex identity', async () => {
    const writer = new FakeWriter();
    writer.declareSecret({ metadata: { name: a2aTokenContract('orchestrator').secretName, namespace: 'acme', labels: { [LABEL.role]: A2A_TOKEN_ROLE } }, type: 'Opaque' });
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const keys = loadSigningKeys(key);
    const tokens = new AgentTokens(writer, { internalIssuer: ISSUER, keys: () => keys });
    const { bed, acme } = await twoTenants({ writer, tokens });
    bed.configMaps.apply(forgedInAcme(acme.configMaps[0], { agent: 'orchestrator', name: 'orchestrator-as-globex', labels: { [LABEL.tenant]: 'globex' } }));
    await settle(bed.controller);
    const jwt = Buffer.from(writer.secrets.get('acme/orchestrator-a2a-token')!.data!.token, 'base64').toString('utf8');
    expect(verifyJwt(jwt, keys.jwks, {}).iss).toBe(`${ISSUER}/acme/orchestrator`);
    expect(bed.writer.events).toEqual([expect.objectContaining({ reason: 'CrossTenantAgentCard', message: expect.stringMatching(/^metadata\.labels\["agentruntime\.io\/tenant"\]: names tenant "globex"/) })]);
  });
});
