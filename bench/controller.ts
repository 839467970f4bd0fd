/**
 * Controller benchmark: 1,000 tenants x 10 agents x 3 Ready endpoints against the Nacos emulator
 * with 5 ms added latency per request. Measures start -> converged of the controller, the Nacos
 * requests of a resync in steady state, one renewal round, and peak memory; and, in the same run,
 * a naive sequential sync (one object at a time, every object read and written in turn) on the
 * first NAIVE_TENANTS tenants, extrapolated linearly to all of them (it is linear by construction:
 * one object after another, nothing shared). Alone: `node bin/run-ts.js bench/controller.ts`.
 */
import * as path from 'node:path';
import { agentCard } from '../constructs/agent-card';
import { agentCardUrl } from '../constructs/agent-routes';
import { AGENT_CARD_KEY, AGENT_CARD_ROLE, ANNOTATION, LABEL, MANAGED_BY } from '../constructs/labels';
import { withManagedMarker } from '../runtime/agent-card';
import { applyAgentCard } from '../runtime/apply-agent-card';
import type { ConfigMapObject, EndpointSliceObject } from '../runtime/controller/desired-state';
import { readyEndpoints } from '../runtime/controller/desired-state';
import { ControllerMetrics } from '../runtime/controller/metrics';
import { REGISTERED_BY_CONTROLLER } from '../runtime/controller/registry-reconciler';
import { RuntimeController } from '../runtime/controller/runtime-controller';
import type { NamespaceObject } from '../runtime/controller/tenant-namespaces';
import { NacosClient } from '../runtime/nacos-client';
import { NacosApiError } from '../runtime/nacos-errors';
import { FakeInformer, FakeWriter } from '../test/support/fake-cluster';
import { emulatorProcess } from './emulator-process';

const TENANTS = Number(process.env.BENCH_CONTROLLER_TENANTS ?? 1000);
const AGENTS = 10;
const ENDPOINTS = 3;
const LATENCY_MS = 5;
const NAIVE_TENANTS = Number(process.env.BENCH_CONTROLLER_NAIVE_TENANTS ?? 20);
const USER = 'nacos';
const PASSWORD = 'bench-password';
const GATEWAY_HOST = 'agents.example.com';

/** Runs the benchmark and returns its figures. */
export async function benchController(): Promise<Record<string, unknown>> {
  const world = _world(TENANTS);

  // Naive: one object at a time, sequentially, nothing remembered.
  const naiveWorld = _world(NAIVE_TENANTS);
  const naive = await _naive(naiveWorld);
  const naivePerAgentMs = naive.ms / (NAIVE_TENANTS * AGENTS);

  // The controller, on everything.
  const emu = await emulatorProcess(LATENCY_MS, USER, PASSWORD);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  try {
    const namespaces = new FakeInformer<NamespaceObject>();
    const configMaps = new FakeInformer<ConfigMapObject>();
    const slices = new FakeInformer<EndpointSliceObject>();
    for (const ns of world.namespaces) namespaces.apply(ns);
    for (const cm of world.configMaps) configMaps.apply(cm);
    for (const s of world.slices) slices.apply(s);
    const metrics = new ControllerMetrics();
    const client = new NacosClient({ endpoint: emu.url, username: USER, password: PASSWORD, observe: (op, ms) => metrics.observeNacos(op, ms) });
    const controller = new RuntimeController({ namespaces, configMaps, endpointSlices: slices, writer: new FakeWriter(), nacos: client, metrics }, { gatewayHost: GATEWAY_HOST, resyncMs: 3_600_000, auditMs: 3_600_000 });
    const start = performance.now();
    await controller.start();
    await controller.idle();
    const convergedMs = performance.now() - start;
    const requests = metrics.nacosReads + metrics.nacosWrites;
    if (process.env.BENCH_DEBUG) console.error(metrics.render().split("\n").filter((l) => /_(sum|count)/.test(l)).join("\n"));
    // Converged means everything is in Nacos: check every tenant's agents and one service per tenant.
    const check = new NacosClient({ endpoint: emu.url, username: USER, password: PASSWORD });
    let cards = 0;
    for (let t = 0; t < TENANTS; t++) cards += (await check.listAllAgents(`tenant-${t}`)).length;
    const sample = await check.listInstances('agent-9', { namespaceId: `tenant-${TENANTS - 1}`, groupName: 'DEFAULT_GROUP' });
    if (cards !== TENANTS * AGENTS || sample.length !== ENDPOINTS || controller.registry.instanceCount !== TENANTS * AGENTS * ENDPOINTS) {
      throw new Error(`controller did not converge after ${_round(convergedMs / 1000)} s: ${cards} cards, ${controller.registry.instanceCount} instances held, ${sample.length} instances of ${`tenant-${TENANTS - 1}`}/agent-9 in Nacos`);
    }

    // Steady state: a resync of unchanged objects.
    const beforeReads = metrics.nacosReads;
    const beforeWrites = metrics.nacosWrites;
    const beforeRenewals = controller.registry.renewals;
    const resyncStart = performance.now();
    controller.resync();
    await controller.idle();
    const resyncMs = performance.now() - resyncStart;
    // Renewals (the ephemeral instances' lease, on its own 20 s timer) are not resync writes.
    const resyncWrites = metrics.nacosWrites - beforeWrites - (controller.registry.renewals - beforeRenewals);
    const resyncReads = metrics.nacosReads - beforeReads;
    const renewalsDuringRun = controller.registry.renewals;

    // One renewal round: the ephemeral instances' lease (a separate, fixed-rate cost).
    const renewStart = performance.now();
    const renewed = await controller.registry.renew({ all: true });
    const renewMs = performance.now() - renewStart;
    await controller.stop();

    const naiveExtrapolatedMs = naivePerAgentMs * TENANTS * AGENTS;
    return {
      tenants: TENANTS,
      agents: TENANTS * AGENTS,
      endpoints: TENANTS * AGENTS * ENDPOINTS,
      addedLatencyMs: LATENCY_MS,
      emulator: 'separate process, auth on',
      controller: {
        startToConvergedSeconds: _round(convergedMs / 1000),
        nacosRequests: requests,
        requestsPerAgent: _round(requests / (TENANTS * AGENTS)),
        concurrency: 32,
        renewalsDuringRun,
        note: 'the renewal timer runs as in production: while reconciles wait it renews only instances half-way to their 60 s heartbeat timeout, else those unrenewed for 15 s (3/4 of the 20 s interval)',
      },
      naive: {
        measuredTenants: NAIVE_TENANTS,
        measuredSeconds: _round(naive.ms / 1000),
        requestsPerAgent: _round(naive.requests / (NAIVE_TENANTS * AGENTS)),
        extrapolatedSecondsForAll: _round(naiveExtrapolatedMs / 1000),
        note: `measured on the first ${NAIVE_TENANTS} tenants and extrapolated linearly (sequential, nothing shared between objects)`,
      },
      speedup: _round(naiveExtrapolatedMs / convergedMs),
      steadyStateResync: { seconds: _round(resyncMs / 1000), nacosReads: resyncReads, nacosWrites: resyncWrites },
      renewalRound: { instances: renewed, seconds: _round(renewMs / 1000), note: 'ephemeral-instance lease: one re-registration per instance per renew interval (default 20 s), independent of resyncs' },
      peakRssMiB: Math.round(peakRss / 1024 / 1024),
      targets: { speedup: '>= 20', 'steadyStateResync.nacosWrites': '0', peakRssMiB: '< 512' },
      meetsTargets: naiveExtrapolatedMs / convergedMs >= 20 && resyncWrites === 0 && peakRss < 512 * 1024 * 1024,
    };
  } finally {
    clearInterval(sampler);
    await emu.close();
  }
}

/** The naive sync: for every ConfigMap in turn, then every endpoint in turn: read, then write what is missing. */
async function _naive(world: ReturnType<typeof _world>): Promise<{ ms: number; requests: number }> {
  const emu = await emulatorProcess(LATENCY_MS, USER, PASSWORD);
  try {
    let requests = 0;
    const client = new NacosClient({ endpoint: emu.url, username: USER, password: PASSWORD, observe: () => requests++ });
    const start = performance.now();
    for (const cm of world.configMaps) {
      const ns = cm.metadata.annotations![ANNOTATION.nacosNamespace];
      try {
        await client.getNamespace(ns);
      } catch (err) {
        if (!(err instanceof NacosApiError && err.status === 404)) throw err;
        await client.createNamespace({ namespaceId: ns, namespaceName: ns });
      }
      const card = JSON.parse(cm.data![AGENT_CARD_KEY]);
      await applyAgentCard(client, withManagedMarker(card, REGISTERED_BY_CONTROLLER), { namespaceId: ns, setAsLatest: true });
    }
    for (const slice of world.slices) {
      const ns = slice.metadata.labels![LABEL.tenant];
      const service = slice.metadata.labels!['kubernetes.io/service-name'];
      for (const e of readyEndpoints([slice])) {
        const have = await client.listInstances(service, { namespaceId: ns, groupName: 'DEFAULT_GROUP' });
        if (have.some((h) => h.ip === e.ip && h.port === e.port)) continue;
        await client.registerInstance({ serviceName: service, groupName: 'DEFAULT_GROUP', ip: e.ip, port: e.port, metadata: { tenant: ns } }, { namespaceId: ns });
      }
    }
    return { ms: performance.now() - start, requests };
  } finally {
    await emu.close();
  }
}

/** Card ConfigMaps and EndpointSlices shaped as the constructs and the EndpointSlice controller make them. */
function _world(tenants: number): { namespaces: NamespaceObject[]; configMaps: ConfigMapObject[]; slices: EndpointSliceObject[] } {
  const namespaces: NamespaceObject[] = [];
  const configMaps: ConfigMapObject[] = [];
  const slices: EndpointSliceObject[] = [];
  for (let t = 0; t < tenants; t++) {
    const tenant = `tenant-${t}`;
    namespaces.push({ metadata: { name: tenant, namespace: '', labels: { [LABEL.managedBy]: MANAGED_BY, [LABEL.tenant]: tenant, [LABEL.role]: 'tenant', [LABEL.name]: tenant } } });
    for (let a = 0; a < AGENTS; a++) {
      const agent = `agent-${a}`;
      const labels = { [LABEL.managedBy]: MANAGED_BY, [LABEL.tenant]: tenant, [LABEL.role]: 'agent', [LABEL.name]: agent, [LABEL.agent]: agent, [LABEL.version]: '1.0.0', [LABEL.track]: 'stable' };
      const card = agentCard({
        name: agent, description: `${agent} of ${tenant}`, version: '1.0.0', url: agentCardUrl(GATEWAY_HOST, tenant, agent, 'stable', '1.0.0'), path: `${tenant}/${agent}`,
        skills: [{ id: 'answer', name: 'answer', description: 'answers', tags: ['qa'] }],
      });
      configMaps.push({
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: `${agent}-agent-card`, namespace: tenant, labels: { ...labels, [LABEL.role]: AGENT_CARD_ROLE }, annotations: { [ANNOTATION.nacosNamespace]: tenant, [ANNOTATION.setAsLatest]: 'true' } },
        data: { [AGENT_CARD_KEY]: JSON.stringify(card, null, 2) },
      });
      slices.push({
        metadata: { name: `${agent}-x1`, namespace: tenant, labels: { ...labels, 'kubernetes.io/service-name': agent, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
        addressType: 'IPv4',
        endpoints: Array.from({ length: ENDPOINTS }, (_, e) => ({ addresses: [`10.${t >> 8}.${t & 255}.${a * ENDPOINTS + e + 1}`], conditions: { ready: true } })),
        ports: [{ name: 'a2a', port: 8080 }],
      });
    }
  }
  return { namespaces, configMaps, slices };
}

function _round(x: number, digits = 2): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '') === __filename.replace(/\.ts$/, '')) {
  benchController().then((r) => console.log(JSON.stringify(r, null, 2)), (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
