/**
 * Issue 26: cache sync and leadership gate the start of the workers (not each key), and the
 * reconciler has controller-runtime's shape: `reconcile(key)` returns when to come back.
 */
import type { NamespaceObject } from '../../../runtime/controller/tenant-namespaces';
import { FakeInformer } from '../../support/fake-cluster';
import type { NacosEmulator } from '../../nacos-emulator/nacos-emulator';
import { controllerFor, emulator, synthTenant, tenantNamespaceObject, versionsIn, eventually } from './_cluster';

let emu: NacosEmulator;
beforeEach(async () => {
  emu = await emulator();
});
afterEach(() => emu.close());

/** A Namespace informer whose first list has not completed until `finish()`. */
function slowInformer(): FakeInformer<NamespaceObject> & { finish(): void } {
  const informer = new FakeInformer<NamespaceObject>();
  let listed = false;
  // start() marks it synced; this one syncs only when told.
  Object.defineProperty(informer, 'synced', { get: () => listed, set: () => undefined });
  return Object.assign(informer, { finish: () => void (listed = true) });
}

describe('RuntimeController start', () => {
  test('no key is reconciled before every cache has synced; then the queued ones are', async () => {
    const namespaces = slowInformer();
    namespaces.apply(tenantNamespaceObject('acme'));
    const bed = controllerFor(emu, { namespaces });
    await bed.controller.start();
    bed.configMaps.apply(synthTenant('acme', [{ name: 'chat' }]).configMaps[0]);
    await bed.controller.idle();
    expect(bed.controller.leading).toBe(false);
    expect(bed.metrics.nacosReads + bed.metrics.nacosWrites).toBe(0);
    namespaces.finish();
    await eventually(() => expect(versionsIn(emu, 'acme', 'chat')).toEqual(['1.0.0*']));
    expect(bed.controller.leading).toBe(true);
    await bed.controller.stop();
  });

  test('reconcile(key) runs on its own, without workers, and asks for no requeue when no token is due', async () => {
    const bed = controllerFor(emu, { isLeader: () => false });
    bed.configMaps.apply(synthTenant('acme', [{ name: 'chat' }]).configMaps[0]);
    await bed.controller.start();
    expect(await bed.controller.reconciler.reconcile('acme/chat')).toEqual({});
    expect(versionsIn(emu, 'acme', 'chat')).toEqual(['1.0.0*']);
    await bed.controller.stop();
  });
});
