import { ANNOTATION } from '../../../constructs/labels';
import { REGISTERED_BY_PULUMI } from '../../../runtime/agent-card-provider';
import { managedBy, withManagedMarker } from '../../../runtime/agent-card';
import { applyAgentCard } from '../../../runtime/apply-agent-card';
import type { AgentCard } from '../../../runtime/agent-card';
import { INSTANCE_OWNER_KEY, REGISTERED_BY_CONTROLLER } from '../../../runtime/controller/registry-reconciler';
import type { ConfigMapObject, EndpointSliceObject } from '../../../runtime/controller/desired-state';
import { FakeInformer } from '../../support/fake-cluster';
import { NacosBackend, nacosBackend } from '../../support/nacos-backend';
import { clientOf, controllerFor, listedInstances, listedVersions, settle, sliceOf, synthTenant, expectEventually } from './_cluster';

// Runs against the emulator, or with NACOS_BACKEND=real against the real Nacos 3.1.
let emu: NacosBackend;
const stops: (() => Promise<void>)[] = [];
beforeEach(async () => {
  emu = await nacosBackend();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await emu.close();
});

async function started(opts: Parameters<typeof controllerFor>[1] = {}) {
  const bed = controllerFor(emu, opts);
  await bed.controller.start();
  stops.push(() => bed.controller.stop());
  return bed;
}

const instancesIn = (ns: string, service: string) => listedInstances(clientOf(emu), ns, service);
/** Instance changes show asynchronously. */
const expectInstances = (ns: string, service: string, expected: string[]) => expectEventually(() => instancesIn(ns, service), expected);
const versionsIn = (ns: string, agent: string) => listedVersions(clientOf(emu), ns, agent);
const storedCard = (ns: string, agent: string, version: string) => clientOf(emu).getAgent(agent, { namespaceId: ns, version });

function cardOf(cm: { data?: Record<string, string> }): AgentCard {
  return JSON.parse(cm.data!['agent-card.json']);
}

describe('RuntimeController', () => {
  test('registers every card with the constructs\' latest flag and one instance per Ready endpoint', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat', version: '1.0.0', canary: '1.1.0' }, { name: 'search' }]);
    const bed = await started();
    for (const cm of configMaps) bed.configMaps.apply(cm);
    const svc = (n: string) => services.find((s) => s.metadata.name === n);
    bed.slices.apply(sliceOf(svc('chat'), ['10.0.0.1', '10.0.0.2']));
    bed.slices.apply(sliceOf(svc('chat-canary'), ['10.0.0.3']));
    bed.slices.apply(sliceOf(svc('search'), ['10.0.1.1'], ['10.0.1.2']));
    await settle(bed.controller);

    expect((await clientOf(emu).listNamespaces()).map((n) => n.namespace)).toContain('acme');
    expect(await versionsIn('acme', 'chat')).toEqual(['1.0.0*', '1.1.0']);
    expect(await versionsIn('acme', 'search')).toEqual(['1.0.0*']);
    await expectInstances('acme', 'chat', ['10.0.0.1:8080', '10.0.0.2:8080']);
    await expectInstances('acme', 'chat-canary', ['10.0.0.3:8080']);
    await expectInstances('acme', 'search', ['10.0.1.1:8080']);
    const [canary] = await clientOf(emu).listInstances('chat-canary', { namespaceId: 'acme', groupName: 'DEFAULT_GROUP' });
    expect(canary.ephemeral).toBe(true);
    expect(canary.metadata).toMatchObject({
      tenant: 'acme', agent: 'chat', version: '1.1.0', track: 'canary', skills: 'answer,search',
      cardUrl: (cardOf(configMaps.find((c) => c.metadata.name === 'chat-canary-agent-card')!) as any).supportedInterfaces[0].url,
      [INSTANCE_OWNER_KEY]: REGISTERED_BY_CONTROLLER,
    });
    expect(managedBy(await storedCard('acme', 'chat', '1.1.0'))).toBe(REGISTERED_BY_CONTROLLER);
  });

  test('instances follow a scale from 2 to 0 to 3', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat' }]);
    const bed = await started();
    bed.configMaps.apply(configMaps[0]);
    bed.slices.apply(sliceOf(services[0], ['10.0.0.1', '10.0.0.2']));
    await settle(bed.controller);
    await expectInstances('acme', 'chat', ['10.0.0.1:8080', '10.0.0.2:8080']);
    bed.slices.apply(sliceOf(services[0], []));
    await settle(bed.controller);
    await expectInstances('acme', 'chat', []);
    bed.slices.apply(sliceOf(services[0], ['10.0.0.4', '10.0.0.5'], ['10.0.0.6']));
    await settle(bed.controller);
    await expectInstances('acme', 'chat', ['10.0.0.4:8080', '10.0.0.5:8080']);
    bed.slices.apply(sliceOf(services[0], ['10.0.0.4', '10.0.0.5', '10.0.0.6']));
    await settle(bed.controller);
    await expectInstances('acme', 'chat', ['10.0.0.4:8080', '10.0.0.5:8080', '10.0.0.6:8080']);
  });

  test('a new version becomes a new latest card; the old version stays', async () => {
    const bed = await started();
    bed.configMaps.apply(synthTenant('acme', [{ name: 'chat', version: '1.0.0' }]).configMaps[0]);
    await settle(bed.controller);
    bed.configMaps.apply(synthTenant('acme', [{ name: 'chat', version: '1.1.0' }]).configMaps[0]);
    await settle(bed.controller);
    expect(await versionsIn('acme', 'chat')).toEqual(['1.0.0', '1.1.0*']);
  });

  test('a deleted agent loses its card versions and instances', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat' }, { name: 'search' }]);
    const bed = await started();
    for (const cm of configMaps) bed.configMaps.apply(cm);
    for (const s of services) bed.slices.apply(sliceOf(s, ['10.0.0.1']));
    await settle(bed.controller);
    bed.configMaps.delete('acme', 'chat-agent-card');
    bed.slices.delete('acme', 'chat-abcde');
    await settle(bed.controller);
    // The real Nacos lists a deleted agent's version for a moment after the delete.
    await expectEventually(() => versionsIn('acme', 'chat'), []);
    await expectInstances('acme', 'chat', []);
    expect(await versionsIn('acme', 'search')).toEqual(['1.0.0*']);
  });

  test('a deleted agent whose versions were all its own leaves no agent entry; a version someone else wrote keeps it', async () => {
    const bed = await started();
    const v1 = synthTenant('acme', [{ name: 'chat', version: '1.0.0' }]).configMaps[0];
    bed.configMaps.apply(v1);
    await settle(bed.controller);
    bed.configMaps.apply(synthTenant('acme', [{ name: 'chat', version: '1.1.0' }]).configMaps[0]);
    bed.configMaps.apply(synthTenant('acme', [{ name: 'search', version: '1.0.0' }]).configMaps[0]);
    await settle(bed.controller);
    // Pulumi registers another version of "search" beside the controller's.
    const pulumiMade = { ...cardOf(synthTenant('acme', [{ name: 'search', version: '2.0.0' }]).configMaps[0]) };
    await applyAgentCard(bed.client, withManagedMarker(pulumiMade, REGISTERED_BY_PULUMI), { namespaceId: 'acme', setAsLatest: false });
    bed.configMaps.delete('acme', 'chat-agent-card');
    bed.configMaps.delete('acme', 'search-agent-card');
    await settle(bed.controller);
    expect((await clientOf(emu).listAllAgents('acme')).map((a) => a.name)).toEqual(['search']);
    expect(await versionsIn('acme', 'search')).toEqual(['2.0.0']);
  });

  /** A first run registers "chat" and "search" (one Ready pod each) and stops; at the next start the cluster lists only "chat". */
  async function firstRunThenOnlyChat() {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat' }, { name: 'search' }]);
    const first = controllerFor(emu);
    await first.controller.start();
    for (const cm of configMaps) first.configMaps.apply(cm);
    for (const s of services) first.slices.apply(sliceOf(s, ['10.0.0.1']));
    await settle(first.controller);
    await expectInstances('acme', 'search', ['10.0.0.1:8080']);
    await first.controller.stop();
    const listed = new FakeInformer<ConfigMapObject>();
    listed.apply(configMaps.find((c) => c.metadata.name === 'chat-agent-card')!);
    const slices = new FakeInformer<EndpointSliceObject>();
    slices.apply(sliceOf(services.find((s) => s.metadata.name === 'chat'), ['10.0.0.1']));
    return { configMaps, services, first, listed, slices };
  }

  test('removes the cards and instances of agents deleted while it was down, and nothing it did not write', async () => {
    const { first, listed, slices } = await firstRunThenOnlyChat();
    // While it is down: "search" is deleted, and someone registers cards by hand and with Pulumi.
    const foreign = synthTenant('acme', [{ name: 'manual' }, { name: 'pulumi-made' }]).configMaps.map(cardOf);
    await applyAgentCard(first.client, foreign[0], { namespaceId: 'acme', setAsLatest: true });
    await applyAgentCard(first.client, withManagedMarker(foreign[1], REGISTERED_BY_PULUMI), { namespaceId: 'acme', setAsLatest: true });
    const second = await started({ configMaps: listed, slices });
    await settle(second.controller);
    expect((await clientOf(emu).listAllAgents('acme')).map((a) => a.name).sort()).toEqual(['chat', 'manual', 'pulumi-made']);
    // Removed at once, not left to expire; the live agent's instance is not even rewritten.
    await expectInstances('acme', 'search', []);
    await expectInstances('acme', 'chat', ['10.0.0.1:8080']);
    expect(second.metrics.render()).not.toMatch(/operation="POST \/v3\/admin\/ns\/instance"/);
  });

  test('an agent back in the same run after the start\'s sweep removed its instance gets it registered at once', async () => {
    const { configMaps, services, listed, slices } = await firstRunThenOnlyChat();
    // Next start without "search": the sweep removes its instance. The clock stands still, so no
    // renewal falls due: only the reconcile of "search" can bring the instance back.
    const second = await started({ configMaps: listed, slices, options: { registry: { clock: () => 0 } } });
    await settle(second.controller);
    await expectInstances('acme', 'search', []);

    // "search" is back, its pod Ready before its card shows: the first look must not take the swept instance as held.
    slices.apply(sliceOf(services.find((s) => s.metadata.name === 'search'), ['10.0.0.1']));
    await settle(second.controller);
    listed.apply(configMaps.find((c) => c.metadata.name === 'search-agent-card')!);
    await settle(second.controller);
    // Written by the reconcile (the only instance POST of this run: "chat" kept its own), not by a renewal.
    expect(second.controller.registry.renewals).toBe(0);
    expect(second.metrics.render()).toMatch(/operation="POST \/v3\/admin\/ns\/instance"} 1\n/);
    await expectInstances('acme', 'search', ['10.0.0.1:8080']);
    expect(await versionsIn('acme', 'search')).toEqual(['1.0.0*']);
  });

  test('a canary removed while it was down loses its instances at the next start; the stable track keeps its own', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat', canary: '1.1.0' }]);
    const first = controllerFor(emu);
    await first.controller.start();
    for (const cm of configMaps) first.configMaps.apply(cm);
    for (const s of services) first.slices.apply(sliceOf(s, ['10.0.0.1']));
    await settle(first.controller);
    const canary = services.find((s) => s.metadata.name !== 'chat').metadata.name;
    await expectInstances('acme', canary, ['10.0.0.1:8080']);
    await first.controller.stop();

    const stable = synthTenant('acme', [{ name: 'chat' }]);
    const listed = new FakeInformer<ConfigMapObject>();
    listed.apply(stable.configMaps[0]);
    const slices = new FakeInformer<EndpointSliceObject>();
    slices.apply(sliceOf(stable.services[0], ['10.0.0.1']));
    const second = await started({ configMaps: listed, slices });
    await settle(second.controller);
    await expectInstances('acme', canary, []);
    await expectInstances('acme', 'chat', ['10.0.0.1:8080']);
  });

  test('a start reads each namespace\'s instances with one service list, not one request per service', async () => {
    const { configMaps, services } = synthTenant('fresh', [{ name: 'chat' }, { name: 'search' }, { name: 'triage' }]);
    const bed = await started();
    for (const cm of configMaps) bed.configMaps.apply(cm);
    for (const s of services) bed.slices.apply(sliceOf(s, ['10.0.0.1']));
    await settle(bed.controller);
    await expectInstances('fresh', 'triage', ['10.0.0.1:8080']);
    const text = bed.metrics.render();
    expect(text).not.toMatch(/operation="GET \/v3\/admin\/ns\/instance\/list"/);
    // One per namespace: the start's sweep and the agents' first look share it (the sweep may list before the namespace exists).
    const namespaces = (await clientOf(emu).listNamespaces()).length;
    expect(text).toMatch(new RegExp(`operation="GET /v3/admin/ns/service/list"} (${namespaces}|${namespaces - 1})\n`));
  });

  test('writes nothing for cards `pulumi up` registered, and a resync writes nothing at all', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat', canary: '1.1.0' }]);
    const { client } = controllerFor(emu);
    for (const cm of configMaps) {
      const latest = cm.metadata.annotations![ANNOTATION.setAsLatest] === 'true';
      await applyAgentCard(client, withManagedMarker(cardOf(cm), REGISTERED_BY_PULUMI), { namespaceId: 'acme', setAsLatest: latest });
    }
    await client.createNamespace({ namespaceId: 'acme', namespaceName: 'acme' });
    const bed = await started();
    for (const cm of configMaps) bed.configMaps.apply(cm);
    bed.slices.apply(sliceOf(services[0], ['10.0.0.1']));
    await settle(bed.controller);
    // No card or namespace write (the instance is its own); the cards stay Pulumi's.
    expect(bed.metrics.render()).not.toMatch(/operation="(POST|PUT|DELETE) \/v3\/admin\/(ai\/a2a|core\/namespace)"/);
    expect(managedBy(await storedCard('acme', 'chat', '1.0.0'))).toBe(REGISTERED_BY_PULUMI);

    const before = bed.metrics.nacosReads + bed.metrics.nacosWrites;
    bed.controller.resync();
    await settle(bed.controller);
    expect(bed.metrics.nacosReads + bed.metrics.nacosWrites - before).toBe(0);
  });

  test('a malformed card ConfigMap gets a Warning Event naming the field; other agents register', async () => {
    const { configMaps } = synthTenant('acme', [{ name: 'chat' }, { name: 'search' }]);
    const bad = configMaps.find((c) => c.metadata.name === 'chat-agent-card')!;
    const broken = { ...bad, data: { 'agent-card.json': JSON.stringify({ ...cardOf(bad), supportedInterfaces: [{ url: 'http://chat.acme.svc:8080', protocolBinding: 'JSONRPC', protocolVersion: '1.0' }] }) } };
    const bed = await started();
    bed.configMaps.apply(broken);
    bed.configMaps.apply(configMaps.find((c) => c.metadata.name === 'search-agent-card')!);
    await settle(bed.controller);
    expect(bed.writer.events).toEqual([expect.objectContaining({ subject: 'ConfigMap acme/chat-agent-card', type: 'Warning', reason: 'InvalidAgentCard', message: expect.stringMatching(/^data\["agent-card.json"\]\.supportedInterfaces\[0\]\.url: .*not reachable by callers/) })]);
    expect(bed.logs.some((l) => l.startsWith('ConfigMap acme/chat-agent-card: data["agent-card.json"].supportedInterfaces[0].url'))).toBe(true);
    expect(await versionsIn('acme', 'search')).toEqual(['1.0.0*']);
    expect(await versionsIn('acme', 'chat')).toEqual([]);
  });

  test('only the leader writes; a follower that becomes leader converges', async () => {
    let leader = false;
    const { configMaps } = synthTenant('acme', [{ name: 'chat' }]);
    const bed = await started({ isLeader: () => leader });
    bed.configMaps.apply(configMaps[0]);
    await settle(bed.controller);
    expect(bed.metrics.nacosReads + bed.metrics.nacosWrites).toBe(0);
    leader = true;
    bed.controller.resync();
    await settle(bed.controller);
    expect(await versionsIn('acme', 'chat')).toEqual(['1.0.0*']);
  });
});
