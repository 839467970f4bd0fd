/** AgentCard validation mirrors the server, and the apply recipe is idempotent (emulator or real Nacos 3.1). */
import { managedBy, normalizeAgentCard, sameAgentCard, validateAgentCard, withManagedMarker } from '../../runtime/agent-card';
import { CardVersionConflictError, applyAgentCard } from '../../runtime/apply-agent-card';
import { NacosApiError } from '../../runtime/nacos-errors';
import { NacosBackend, nacosBackend } from '../support/nacos-backend';
import { clientFor, sampleCard } from './support';

let emu: NacosBackend;
beforeAll(async () => {
  emu = await nacosBackend();
});
afterAll(() => emu.close());

describe('validateAgentCard', () => {
  test('accepts the minimal card of the spec', () => {
    expect(validateAgentCard(sampleCard())).toEqual([]);
  });

  test.each(['name', 'version', 'protocolVersion', 'preferredTransport', 'url'])(
    'rejects a card without %s, naming the same field the server names',
    async (field) => {
      const card: Record<string, unknown> = { ...sampleCard(`no-${field}`, '1') };
      delete card[field];
      const failures = validateAgentCard(card);
      expect(failures.map((f) => f.field)).toContain(`agentCard.${field}`);
      if (field === 'name') return; // the server cannot be asked about a nameless card by name
      const { client } = clientFor(emu);
      const err: NacosApiError = await client.registerAgent(card as any, { namespaceId: 'v' }).catch((e) => e);
      expect(err.detail).toBe(`Required parameter \`agentCard.${field}\` not present`);
    },
  );

  test('rejects names the server filter rejects (> 64 chars, non-printable ASCII)', () => {
    expect(validateAgentCard(sampleCard('x'.repeat(65))).map((f) => f.field)).toEqual(['agentCard.name']);
    expect(validateAgentCard(sampleCard('caf\u00e9')).map((f) => f.field)).toEqual(['agentCard.name']);
  });

  test('reports every A2A 0.3 required field at once, with the bad value and the fix', () => {
    const failures = validateAgentCard({ ...sampleCard(), description: undefined, defaultInputModes: 'text', skills: [{ id: 's' }] });
    expect(failures.map((f) => f.field)).toEqual([
      'agentCard.description',
      'agentCard.defaultInputModes',
      'agentCard.skills[0].name',
      'agentCard.skills[0].description',
      'agentCard.skills[0].tags',
    ]);
    expect(failures[1].message).toContain('"text"');
    expect(failures[1].message).toContain('["text/plain"]');
  });

  test('rejects an unknown transport and an in-cluster url', () => {
    const failures = validateAgentCard(sampleCard('a', '1', { preferredTransport: 'SOAP', url: 'http://a.acme.svc.cluster.local:8080' }));
    expect(failures.map((f) => f.field)).toEqual(['agentCard.preferredTransport', 'agentCard.url']);
    expect(failures[1].message).toContain('gateway');
  });
});

describe('normal form', () => {
  test('matches what the server stores: the stored card equals the sent one', async () => {
    const { client } = clientFor(emu);
    const card = { ...sampleCard('normal', '1'), signatures: [{ protected: 'p', signature: 's' }], iconUrl: null } as any;
    await client.registerAgent(card, { namespaceId: 'n' });
    const stored = await client.getAgent('normal', { namespaceId: 'n' });
    expect(sameAgentCard(stored, card)).toBe(true);
    expect(sameAgentCard(stored, sampleCard('normal', '1', { description: 'other' }))).toBe(false);
    expect(normalizeAgentCard(card)).not.toHaveProperty('signatures');
  });

  test('the ownership marker survives the round trip', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(withManagedMarker(sampleCard('marked', '1'), 'register'), { namespaceId: 'n' });
    expect(managedBy(await client.getAgent('marked', { namespaceId: 'n' }))).toBe('register');
    const [item] = (await client.listAgents({ namespaceId: 'n', agentName: 'marked', search: 'accurate' })).pageItems;
    expect(managedBy(item)).toBe('register');
    expect(managedBy(sampleCard())).toBeUndefined();
  });
});

describe('applyAgentCard', () => {
  test('creates, then does nothing when the same card is applied again', async () => {
    const { client } = clientFor(emu);
    const card = sampleCard('idem', '1');
    expect(await applyAgentCard(client, card, { namespaceId: 'a', setAsLatest: true })).toBe('created');
    const writes = () => emu.emulator?.state.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    expect(await applyAgentCard(client, card, { namespaceId: 'a', setAsLatest: true })).toBe('unchanged');
    expect(writes()).toBe(before); // counted on the emulator; 'unchanged' says it on both
  });

  test('adds a new version with PUT when the agent exists (50101)', async () => {
    const { client } = clientFor(emu);
    await applyAgentCard(client, sampleCard('grow', '1'), { namespaceId: 'a', setAsLatest: true });
    expect(await applyAgentCard(client, sampleCard('grow', '2'), { namespaceId: 'a', setAsLatest: false })).toBe('added-version');
    expect((await client.getAgent('grow', { namespaceId: 'a' })).version).toBe('1');
  });

  test('promotes an existing equal version when it must become latest', async () => {
    const { client } = clientFor(emu);
    await applyAgentCard(client, sampleCard('promo', '1'), { namespaceId: 'a', setAsLatest: true });
    await applyAgentCard(client, sampleCard('promo', '2'), { namespaceId: 'a', setAsLatest: false });
    expect(await applyAgentCard(client, sampleCard('promo', '2'), { namespaceId: 'a', setAsLatest: true })).toBe('promoted');
    expect((await client.getAgent('promo', { namespaceId: 'a' })).version).toBe('2');
  });

  test('refuses the same version with different content, asking for a version bump', async () => {
    const { client } = clientFor(emu);
    await applyAgentCard(client, sampleCard('conf', '1.4.0'), { namespaceId: 'a', setAsLatest: true });
    const err = await applyAgentCard(client, sampleCard('conf', '1.4.0', { description: 'new text' }), { namespaceId: 'a', setAsLatest: true }).catch((e) => e);
    expect(err).toBeInstanceOf(CardVersionConflictError);
    expect(err.message).toContain('bump agentCard.version (e.g. "1.4.1")');
    expect(err.differences).toEqual(['description']);
    expect((await client.getAgent('conf', { namespaceId: 'a' })).description).not.toBe('new text');
  });
});
