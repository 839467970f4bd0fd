/** The AgentCard and NacosNamespace provider operations, against the emulator or the real Nacos 3.1 (`NACOS_BACKEND=real`). */
import { cardV1FromLegacy } from '../../constructs/agent-card-v1';
import type { AgentCard } from '../../runtime/agent-card';
import { managedBy } from '../../runtime/agent-card';
import {
  AgentCardInputs,
  AgentCardOutputs,
  checkAgentCard,
  createAgentCard,
  deleteAgentCard,
  diffAgentCard,
  readAgentCard,
  updateAgentCard,
} from '../../runtime/agent-card-provider';
import {
  checkNacosNamespace,
  createNacosNamespace,
  deleteNacosNamespace,
  diffNacosNamespace,
  readNacosNamespace,
  updateNacosNamespace,
} from '../../runtime/nacos-namespace-provider';
import { NacosBackend, nacosBackend } from '../support/nacos-backend';
import { clientFor, sampleCard, settled } from './support';

let emu: NacosBackend;
beforeEach(async () => {
  emu = await nacosBackend();
});
afterEach(() => emu.close());

/** Runs check like the engine does and returns the checked inputs (failing the test on failures). */
async function checked(card: AgentCard, extra: Partial<AgentCardInputs> = {}, olds: Partial<AgentCardOutputs> = {}): Promise<AgentCardInputs> {
  const result = await checkAgentCard(olds, { card, endpoint: emu.url, namespace: 'acme', credentials: { username: emu.username, password: emu.password }, ...extra });
  expect(result.failures).toEqual([]);
  return result.inputs as AgentCardInputs;
}

/** Creates the card; returns once Nacos reads it back (the real Nacos 3.1 shows a new agent to reads a moment later). */
async function created(card: AgentCard, extra: Partial<AgentCardInputs> = {}): Promise<AgentCardOutputs> {
  const outs = (await createAgentCard(await checked(card, extra))).outs as AgentCardOutputs;
  const { client } = clientFor(emu);
  const read = () => client.getAgent(card.name, { namespaceId: extra.namespace ?? 'acme', version: card.version }).then((a) => a.version, () => undefined);
  // Asserted: on the real server a card that never shows up must fail here, not pass a later read by chance.
  expect(await settled(read, card.version)).toBe(card.version);
  return outs;
}

describe('check', () => {
  test('rejects a card the server would reject, naming the field', async () => {
    const card: Record<string, unknown> = { ...sampleCard() };
    delete card.preferredTransport;
    const result = await checkAgentCard({}, { card, endpoint: emu.url, namespace: 'acme' });
    expect(result.failures).toEqual([{ property: 'card.preferredTransport', reason: expect.stringContaining('agentCard.preferredTransport is required by Nacos 3.1') }]);
  });

  test('rejects a bad endpoint, namespace and half credentials, each by name', async () => {
    const result = await checkAgentCard({}, { card: sampleCard(), endpoint: 'nacos:8848', namespace: 'Acme Corp', credentials: { username: 'u' } });
    expect(result.failures?.map((f) => f.property)).toEqual(['endpoint', 'namespace', 'credentials']);
  });

  test('refuses new content under an already registered version, asking for a bump', async () => {
    const olds = await created(sampleCard('a', '1'));
    const result = await checkAgentCard(olds, { ...olds, card: sampleCard('a', '1', { description: 'edited' }) });
    expect(result.failures).toEqual([{ property: 'card.version', reason: expect.stringContaining('bump card.version') }]);
  });

  test('skips validation of values unknown during preview', async () => {
    const result = await checkAgentCard({}, { card: { ...sampleCard(), url: '04da6b54-80e4-46f7-96ec-b56ff0331ba9' }, endpoint: emu.url, namespace: 'acme' });
    expect(result.failures).toEqual([]);
  });

  test('adds the ownership marker and defaults setAsLatest to true', async () => {
    const inputs = await checked(sampleCard());
    expect(managedBy(inputs.card)).toBe('agent-runtime pulumi');
    expect(inputs.setAsLatest).toBe(true);
  });
});

describe('diff', () => {
  test('replaces on agent name or namespace change, updates on version change, nothing when equal', async () => {
    const olds = await created(sampleCard('a', '1'));
    expect(await diffAgentCard('acme/a', olds, await checked(sampleCard('b', '1')))).toMatchObject({ changes: true, replaces: ['card'] });
    expect(await diffAgentCard('acme/a', olds, await checked(sampleCard('a', '1'), { namespace: 'other' }))).toMatchObject({ changes: true, replaces: ['namespace'] });
    expect(await diffAgentCard('acme/a', olds, await checked(sampleCard('a', '2')))).toMatchObject({ changes: true, replaces: [] });
    expect(await diffAgentCard('acme/a', olds, await checked(sampleCard('a', '1')))).toMatchObject({ changes: false, replaces: [] });
  });
});

describe('create, update, read, delete', () => {
  test('create POSTs a new agent', async () => {
    const outs = await created(sampleCard('a', '1'));
    expect([outs.agentName, outs.version, outs.drifted]).toEqual(['a', '1', false]);
    const { client } = clientFor(emu);
    expect((await client.getAgent('a', { namespaceId: 'acme' })).version).toBe('1');
    // A new agent, on either backend: one version, the latest; the emulator also shows the one POST.
    expect((await client.listVersions('a', { namespaceId: 'acme' })).map((v) => [v.version, v.latest])).toEqual([['1', true]]);
    if (emu.emulator) expect(emu.emulator.state.requests.filter((r) => r.method === 'POST' && r.path === '/v3/admin/ai/a2a')).toHaveLength(1);
  });

  test('create PUTs a new version when the agent already exists (canary next to stable)', async () => {
    await created(sampleCard('a', '1'));
    await created(sampleCard('a', '2'), { setAsLatest: false });
    const { client } = clientFor(emu);
    const versions = await client.listVersions('a', { namespaceId: 'acme' });
    expect(versions.map((v) => [v.version, v.latest])).toEqual([['1', true], ['2', false]]);
  });

  test('update PUTs the new version as latest and keeps the old one', async () => {
    const olds = await created(sampleCard('a', '1'));
    const news = await checked(sampleCard('a', '2'));
    const { outs } = await updateAgentCard('acme/a', olds, news);
    expect(outs.version).toBe('2');
    const { client } = clientFor(emu);
    expect((await client.getAgent('a', { namespaceId: 'acme' })).version).toBe('2');
    expect((await client.listVersions('a', { namespaceId: 'acme' })).map((v) => v.version)).toEqual(['1', '2']);
  });

  test('read of an A2A 1.0 card, as the constructs make it, reports no drift (compared in the form the server stores)', async () => {
    const card = cardV1FromLegacy(sampleCard('v1', '1')) as unknown as AgentCard;
    const olds = await created(card);
    expect((await readAgentCard('acme/v1', olds)).props).toMatchObject({ drifted: false });
  });

  test('read reports drift when someone changed the card in Nacos, and update restores it', async () => {
    const olds = await created(sampleCard('a', '1'));
    expect((await readAgentCard('acme/a', olds)).props).toMatchObject({ drifted: false });
    const { client } = clientFor(emu);
    await client.updateAgent(sampleCard('a', '1', { description: 'hand edited' }), { namespaceId: 'acme', setAsLatest: true });
    const refreshed = (await readAgentCard('acme/a', olds)).props as AgentCardOutputs;
    expect(refreshed.drifted).toBe(true);
    expect(refreshed.remoteCard).toMatchObject({ description: 'hand edited' });
    const news = await checked(sampleCard('a', '1'), {}, refreshed);
    expect((await diffAgentCard('acme/a', refreshed, news)).changes).toBe(true);
    await updateAgentCard('acme/a', refreshed, news);
    expect((await client.getAgent('a', { namespaceId: 'acme' })).description).toBe(sampleCard('a', '1').description);
    expect((await readAgentCard('acme/a', olds)).props).toMatchObject({ drifted: false });
  });

  test('read reports drift when the owned version lost its latest flag', async () => {
    const olds = await created(sampleCard('a', '1'));
    const { client } = clientFor(emu);
    await client.updateAgent(sampleCard('a', '9'), { namespaceId: 'acme', setAsLatest: true });
    await settled(async () => ((await readAgentCard('acme/a', olds)).props as AgentCardOutputs).drifted, true);
    expect((await readAgentCard('acme/a', olds)).props).toMatchObject({ drifted: true, remoteCard: { latestVersion: false } });
  });

  test('read of a version deleted behind our back reports the resource gone', async () => {
    const olds = await created(sampleCard('a', '1'));
    const { client } = clientFor(emu);
    await client.deleteAgent('a', { namespaceId: 'acme' });
    expect(await settled(async () => (await readAgentCard('acme/a', olds)).id, '')).toBe('');
  });

  test('delete removes exactly the owned version and leaves the other versions alone', async () => {
    const stable = await created(sampleCard('a', '1'));
    const canary = await created(sampleCard('a', '2'), { setAsLatest: false });
    await deleteAgentCard('acme/a', canary);
    const { client } = clientFor(emu);
    const versions = async () => (await client.listVersions('a', { namespaceId: 'acme' })).map((v) => [v.version, v.latest]);
    expect(await settled(versions, [['1', true]])).toEqual([['1', true]]);
    expect(stable.version).toBe('1');
  });

  test('delete succeeds when the version is already gone, and never sends a version-less DELETE', async () => {
    const outs = await created(sampleCard('a', '1'));
    await created(sampleCard('a', '2'), { setAsLatest: false });
    const { client } = clientFor(emu);
    await client.deleteAgent('a', { namespaceId: 'acme', version: '1' });
    await deleteAgentCard('acme/a', outs);
    await expect(deleteAgentCard('acme/a', { ...outs, version: '' })).rejects.toThrow('refusing a DELETE');
    const versions = async () => (await client.listVersions('a', { namespaceId: 'acme' })).map((v) => v.version);
    expect(await settled(versions, ['2'])).toEqual(['2']);
  });
});

describe('NacosNamespace', () => {
  const base = () => ({ endpoint: emu.url, namespaceId: 'acme', credentials: { username: emu.username, password: emu.password } });

  test('check names a bad id and refuses public', async () => {
    expect((await checkNacosNamespace({}, { ...base(), namespaceId: 'a b' })).failures?.map((f) => f.property)).toEqual(['namespaceId']);
    expect((await checkNacosNamespace({}, { ...base(), namespaceId: 'public' })).failures?.[0].reason).toContain('built into Nacos');
  });

  test('create, read, update, delete; replace on id change', async () => {
    const inputs = (await checkNacosNamespace({}, base())).inputs as any;
    const { id, outs } = await createNacosNamespace(inputs);
    expect(await clientFor(emu).client.getNamespace('acme')).toMatchObject({ namespace: 'acme', namespaceShowName: 'acme' });
    await updateNacosNamespace(id, outs, { ...outs, namespaceName: 'Acme Corp' });
    expect((await readNacosNamespace(id, outs)).props).toMatchObject({ namespaceName: 'Acme Corp' });
    expect((await diffNacosNamespace(id, outs, { ...outs, namespaceId: 'acme2' })).replaces).toEqual(['namespaceId']);
    await deleteNacosNamespace(id, outs);
    await deleteNacosNamespace(id, outs);
    expect((await readNacosNamespace(id, outs)).id).toBe('');
  });

  test('update of a namespace deleted behind our back creates it again (Nacos answers such a PUT with true)', async () => {
    const inputs = (await checkNacosNamespace({}, base())).inputs as any;
    const { id, outs } = await createNacosNamespace(inputs);
    const { client } = clientFor(emu);
    await client.deleteNamespace('acme');
    await updateNacosNamespace(id, outs, { ...outs, namespaceName: 'Acme Corp' });
    expect(await client.getNamespace('acme')).toMatchObject({ namespace: 'acme', namespaceShowName: 'Acme Corp' });
  });

  test('create adopts an identical existing namespace and refuses a different one', async () => {
    const inputs = (await checkNacosNamespace({}, base())).inputs as any;
    await createNacosNamespace(inputs);
    await createNacosNamespace(inputs);
    await expect(createNacosNamespace({ ...inputs, namespaceName: 'Other' })).rejects.toThrow('already exists');
  });
});
