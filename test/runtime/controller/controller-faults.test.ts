import { REGISTERED_BY_CONTROLLER } from '../../../runtime/controller/registry-reconciler';
import type { NacosEmulator } from '../../nacos-emulator/nacos-emulator';
import { raw } from '../support';
import { controllerFor, emulator, instancesIn, sliceOf, synthTenant, versionsIn, eventually } from './_cluster';

let emu: NacosEmulator;
beforeEach(async () => {
  emu = await emulator();
});
afterEach(() => emu.close());

describe('RuntimeController under faults', () => {
  test('Nacos down: backs off without crashing and converges when it returns', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat' }]);
    await emu.faults.down();
    const bed = controllerFor(emu);
    await bed.controller.start();
    bed.configMaps.apply(configMaps[0]);
    bed.slices.apply(sliceOf(services[0], ['10.0.0.1']));
    await eventually(() => expect(bed.logs.some((l) => /reconcile acme\/chat failed \(retry in \d+ ms\): .*connection refused/.test(l))).toBe(true));
    expect(bed.metrics.errors).toBeGreaterThan(0);
    await emu.faults.up();
    await eventually(() => expect(instancesIn(emu, 'acme', 'chat')).toEqual(['10.0.0.1:8080']));
    expect(versionsIn(emu, 'acme', 'chat')).toEqual(['1.0.0*']);
    await bed.controller.stop();
  });

  test('Nacos answering 5xx: retried, then converged', async () => {
    const { configMaps } = synthTenant('acme', [{ name: 'chat' }]);
    emu.faults.serverError({ method: 'POST', path: '/v3/admin/ai/a2a', times: 8 });
    const bed = controllerFor(emu);
    await bed.controller.start();
    bed.configMaps.apply(configMaps[0]);
    await eventually(() => expect(versionsIn(emu, 'acme', 'chat')).toEqual(['1.0.0*']));
    await bed.controller.stop();
  });

  test('killed mid-reconcile (a write applied, its answer lost): a restart converges with nothing duplicated', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat' }]);
    emu.faults.hangAfterCommit({ method: 'POST', path: '/v3/admin/ns/instance' });
    const first = controllerFor(emu);
    await first.controller.start();
    first.configMaps.apply(configMaps[0]);
    first.slices.apply(sliceOf(services[0], ['10.0.0.1', '10.0.0.2']));
    await eventually(() => expect(emu.state.requests.some((r) => r.path === '/v3/admin/ns/instance' && r.status === 0)).toBe(true));
    // The process dies here; a new one starts from the cluster's state.
    void first.controller.stop();
    const second = controllerFor(emu, { configMaps: first.configMaps, slices: first.slices });
    await second.controller.start();
    await second.controller.idle();
    expect(instancesIn(emu, 'acme', 'chat')).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(versionsIn(emu, 'acme', 'chat')).toEqual(['1.0.0*']);
    await second.controller.stop();
  });

  test('instances are ephemeral: renewed when due while it runs, gone once nobody renews them', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat' }]);
    // The controller's clock moves with the emulator's.
    let offset = 0;
    const advance = (ms: number) => {
      offset += ms;
      emu.advanceClock(ms);
    };
    const registry = { heartbeatTimeoutMs: 60_000, deleteTimeoutMs: 180_000, renewIntervalMs: 20_000, clock: () => Date.now() + offset };
    const bed = controllerFor(emu, { options: { registry } });
    await bed.controller.start();
    bed.configMaps.apply(configMaps[0]);
    bed.slices.apply(sliceOf(services[0], ['10.0.0.1']));
    await bed.controller.idle();
    // Just registered: not due (3/4 of the interval not elapsed).
    advance(10_000);
    expect(await bed.controller.registry.renew()).toBe(0);
    // Due, but while reconciles wait it is left until half-way to the heartbeat timeout (30 s).
    advance(10_000);
    expect(await bed.controller.registry.renew({ busy: true })).toBe(0);
    advance(11_000);
    expect(await bed.controller.registry.renew({ busy: true })).toBe(1);
    advance(20_000);
    expect(await bed.controller.registry.renew()).toBe(1);
    expect(await bed.controller.registry.renew()).toBe(0);
    expect(await bed.controller.registry.renew({ all: true })).toBe(1);
    advance(139_000);
    expect(instancesIn(emu, 'acme', 'chat')).toEqual(['10.0.0.1:8080']);
    await bed.controller.stop();
    emu.advanceClock(181_000);
    const list = await raw(emu, 'GET', '/v3/admin/ns/instance/list', { query: { namespaceId: 'acme', serviceName: 'chat' }, headers: { serverIdentity: 'security' } });
    expect(list.json.data ?? []).toEqual([]);
  });

  test('leaves instances it did not register alone', async () => {
    const { configMaps, services } = synthTenant('acme', [{ name: 'chat' }]);
    const { client } = controllerFor(emu);
    await client.registerInstance({ serviceName: 'chat', groupName: 'DEFAULT_GROUP', ip: '192.168.0.9', port: 9000, metadata: { owner: 'someone' } }, { namespaceId: 'acme' });
    const bed = controllerFor(emu);
    await bed.controller.start();
    bed.configMaps.apply(configMaps[0]);
    bed.slices.apply(sliceOf(services[0], ['10.0.0.1']));
    await bed.controller.idle();
    bed.slices.apply(sliceOf(services[0], []));
    await bed.controller.idle();
    expect(instancesIn(emu, 'acme', 'chat')).toEqual(['192.168.0.9:9000']);
    expect(Object.values(emu.state.naming.acme['DEFAULT_GROUP@@chat'])[0].metadata['agentruntime.io/registered-by']).not.toBe(REGISTERED_BY_CONTROLLER);
    await bed.controller.stop();
  });
});

describe('emulated naming instance API (InstanceControllerV3)', () => {
  const id = { serverIdentity: 'security' };
  test.each([
    [{ ip: '1.2.3.4', port: '80' }, "Required parameter 'serviceName' type String is not present"],
    [{ serviceName: 's', port: '80' }, "Required parameter 'ip' type String is not present"],
    [{ serviceName: 's', ip: '1.2.3.4' }, "Required parameter 'port' type Integer is not present"],
  ])('rejects a registration missing a field with 400/10000 %#', async (form, data) => {
    const res = await raw(emu, 'POST', '/v3/admin/ns/instance', { form, headers: id });
    expect([res.status, res.json]).toEqual([400, { code: 10000, message: 'parameter missing', data }]);
  });

  test('deregistering an unknown instance is ok; listing an unknown service is 404 (as the real server)', async () => {
    const del = await raw(emu, 'DELETE', '/v3/admin/ns/instance', { query: { serviceName: 'nope', ip: '1.2.3.4', port: '80' }, headers: id });
    expect(del.json).toEqual({ code: 0, message: 'success', data: 'ok' });
    const list = await raw(emu, 'GET', '/v3/admin/ns/instance/list', { query: { serviceName: 'nope' }, headers: id });
    expect([list.status, list.json]).toEqual([404, { code: 30000, message: 'server error', data: 'service DEFAULT_GROUP@@nope is not found!' }]);
  });

  test('needs a login like every admin API', async () => {
    const res = await raw(emu, 'GET', '/v3/admin/ns/instance/list', { query: { serviceName: 's' } });
    expect(res.status).toBe(403);
  });
});
