/**
 * The serialized AgentCard and NacosNamespace providers, driven through Pulumi's real
 * dynamic-provider host over gRPC, against the emulator or the real Nacos 3.1 (`NACOS_BACKEND=real`).
 */
import { agentCardProvider } from '../../runtime/agent-card-resource';
import { nacosNamespaceProvider } from '../../runtime/nacos-namespace-resource';
import { NacosBackend, nacosBackend } from '../support/nacos-backend';
import { DIFF, DynamicProviderHost, serializeProvider, startDynamicProviderHost } from './dynamic-provider-host';
import { clientFor, sampleCard, settled } from './support';

const URN = 'urn:pulumi:test::agent-runtime::pulumi-nodejs:dynamic/agentruntime/registry:AgentCard::billing';
let emu: NacosBackend;
let host: DynamicProviderHost;
let provider: string;

beforeAll(async () => {
  emu = await nacosBackend();
  host = await startDynamicProviderHost();
  provider = await serializeProvider(agentCardProvider);
});
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});

const inputs = (card: object, extra: object = {}) => ({
  __provider: provider,
  card,
  endpoint: emu.url,
  namespace: 'acme',
  credentials: { username: emu.username, password: emu.password },
  setAsLatest: true,
  ...extra,
});

test('check, create, diff, update, read and delete through the host', async () => {
  const { client } = clientFor(emu);

  // check: a card Nacos would reject fails with the field named.
  const bad: Record<string, unknown> = { ...sampleCard('billing', '1') };
  delete bad.url;
  const rejected = await host.check(URN, {}, inputs(bad));
  expect(rejected.failures).toEqual([{ property: 'card.url', reason: expect.stringContaining('agentCard.url') }]);

  // create
  const v1 = await host.check(URN, {}, inputs(sampleCard('billing', '1')));
  expect(v1.failures).toEqual([]);
  const created = await host.create(URN, v1.inputs);
  expect(created.id).toBe('acme/billing');
  expect(created.outs).toMatchObject({ agentName: 'billing', version: '1', drifted: false });
  expect(created.outs.__provider).toBe(provider);
  expect((await client.getAgent('billing', { namespaceId: 'acme' })).version).toBe('1');

  // diff: nothing for the same inputs, an update for a new version, a replacement for a new namespace
  const same = await host.check(URN, created.outs, inputs(sampleCard('billing', '1')));
  expect((await host.diff(URN, created.id, created.outs, same.inputs)).changes).toBe(DIFF.DIFF_NONE);
  const v2 = await host.check(URN, created.outs, inputs(sampleCard('billing', '2')));
  expect(await host.diff(URN, created.id, created.outs, v2.inputs)).toEqual({ changes: DIFF.DIFF_SOME, replaces: [] });
  const moved = await host.check(URN, created.outs, inputs(sampleCard('billing', '1'), { namespace: 'globex' }));
  expect((await host.diff(URN, created.id, created.outs, moved.inputs)).replaces).toEqual(['namespace']);

  // update: PUT of the new version as latest
  const updated = await host.update(URN, created.id, created.outs, v2.inputs);
  expect(updated.version).toBe('2');
  expect((await client.getAgent('billing', { namespaceId: 'acme' })).version).toBe('2');

  // read: drift after a hand edit
  await client.updateAgent(sampleCard('billing', '2', { description: 'edited by hand' }), { namespaceId: 'acme', setAsLatest: true });
  const read = await host.read(URN, created.id, updated);
  expect(read.props).toMatchObject({ drifted: true, remoteCard: { description: 'edited by hand' } });

  // delete: exactly the owned version 2; version 1 stays
  await host.delete(URN, created.id, updated);
  const versions = async () => (await client.listVersions('billing', { namespaceId: 'acme' })).map((v) => v.version);
  expect(await settled(versions, ['1'])).toEqual(['1']);
  expect(host.output()).not.toContain(emu.password);
});

test('a Nacos error comes back through the host as a failed create with code and message', async () => {
  const v1 = await host.check(URN, {}, inputs(sampleCard('errs', '1')));
  await host.create(URN, v1.inputs);
  const conflicting = await host.check(URN, {}, inputs(sampleCard('errs', '1', { description: 'other' })));
  await expect(host.create(URN, conflicting.inputs)).rejects.toThrow(/bump agentCard.version/);
});

test('the NacosNamespace provider works through the host', async () => {
  const ns = await serializeProvider(nacosNamespaceProvider);
  const urn = URN.replace('AgentCard::billing', 'NacosNamespace::acme');
  const checked = await host.check(urn, {}, { __provider: ns, endpoint: emu.url, namespaceId: 'tenant-a', credentials: { username: emu.username, password: emu.password } });
  const { id, outs } = await host.create(urn, checked.inputs);
  const { client } = clientFor(emu);
  expect(await client.getNamespace('tenant-a')).toMatchObject({ namespace: 'tenant-a', namespaceShowName: 'tenant-a' });
  await host.delete(urn, id, outs);
  expect((await client.listNamespaces()).map((n) => n.namespace)).not.toContain('tenant-a');
});
