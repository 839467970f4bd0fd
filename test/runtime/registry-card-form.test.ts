/**
 * The constructs' A2A 1.0 cards reach the registry in the form its server stores: the 0.3
 * projection on Nacos 3.1 (the backend: the emulator, or the real 3.1.0 server under
 * `npm run test:real-nacos`), the 1.0 card on Nacos >= 3.2.1 (the emulator's 3.2.1 card model,
 * from alibaba/nacos AgentCard.java / AgentRequestUtil.java at 03ec6660). The model is read from
 * the server's version (`GET /v3/admin/core/state`) unless configured.
 */
import { Testing } from 'cdk8s';
import { legacyCardOf } from '../../constructs/agent-card-v1';
import { applyAgentCard } from '../../runtime/apply-agent-card';
import { cardModelOfVersion, registryForm } from '../../runtime/registry-card-form';
import { sameAgentCard, validateAgentCard } from '../../runtime/agent-card';
import { parseEmulatedCard } from '../nacos-emulator/a2a-registry';
import { startNacosEmulator } from '../nacos-emulator/nacos-emulator';
import { NacosBackend, nacosBackend } from '../support/nacos-backend';
import { byoAgent, tenantChart } from '../constructs/_example';
import { clientFor, PASSWORD } from './support';

/** A BYO agent's card as the constructs build it (1.0, interfaces 1.0 + 0.3). */
function platformCard(name: string) {
  const { chart, tenant } = tenantChart({ name: 'acme' });
  const agent = tenant.addAgent(byoAgent(name, ['lookup']));
  Testing.synth(chart);
  return agent.card;
}

test('the server version decides the card model: 3.1.x stores 0.3, 3.2.1 and later 1.0', () => {
  expect(['3.1.0', '3.1.1', '3.2.0', '3.2.1', '3.3.0', '4.0.0', 'x'].map(cardModelOfVersion)).toEqual(['0.3', '0.3', '0.3', '1.0', '1.0', '1.0', undefined]);
});

describe('Nacos 3.1 (the test backend)', () => {
  let backend: NacosBackend;
  beforeAll(async () => { backend = await nacosBackend(); });
  afterAll(async () => { await backend?.close(); });

  test('the 1.0 card registers as its 0.3 projection, reads back the same, and applies idempotently', async () => {
    const card = platformCard('form-three-one');
    expect(validateAgentCard(card)).toEqual([]);
    const { client } = clientFor(backend);
    expect(await client.cardModel()).toBe('0.3');
    expect(await applyAgentCard(client, card, { namespaceId: 'acme', setAsLatest: true })).toBe('created');
    const stored = await client.getAgent(card.name, { namespaceId: 'acme', version: card.version });
    expect(stored).toMatchObject({ protocolVersion: '0.3.0', url: card.supportedInterfaces[0].url, preferredTransport: 'JSONRPC', security: [{ bearer: [] }] });
    expect(stored).not.toHaveProperty('supportedInterfaces');
    expect(sameAgentCard(stored, legacyCardOf(card))).toBe(true);
    expect(await applyAgentCard(client, card, { namespaceId: 'acme', setAsLatest: true })).toBe('unchanged');
  });
});

describe('Nacos 3.2.1 (emulator card model)', () => {
  const emuOpts = { auth: { users: { nacos: PASSWORD } }, cardModel: '3.2.1' as const };

  test('the 1.0 card registers as 1.0 (interfaces, typed security requirements), normalized as the server does, idempotently', async () => {
    const emu = await startNacosEmulator(emuOpts);
    try {
      const { client } = clientFor(emu);
      expect(await client.cardModel()).toBe('1.0');
      const card = platformCard('form-three-two');
      expect(await applyAgentCard(client, card, { namespaceId: 'acme', setAsLatest: true })).toBe('created');
      const stored: any = await client.getAgent(card.name, { namespaceId: 'acme', version: card.version });
      const url = card.supportedInterfaces[0].url;
      expect(stored.supportedInterfaces).toEqual([
        { url, protocolBinding: 'JSONRPC', protocolVersion: '1.0', transport: 'JSONRPC' },
        { url, protocolBinding: 'JSONRPC', protocolVersion: '0.3', transport: 'JSONRPC' },
      ]);
      expect(stored).toMatchObject({ url, preferredTransport: 'JSONRPC', protocolVersion: '1.0', securityRequirements: [{ bearer: [] }] });
      expect(sameAgentCard(stored, card)).toBe(true);
      expect(await applyAgentCard(client, card, { namespaceId: 'acme', setAsLatest: true })).toBe('unchanged');
    } finally {
      await emu.close();
    }
  });

  test('the emulator refuses what 3.2.1 refuses: 1.0-shaped securityRequirements do not bind, a card with neither interfaces nor the legacy trio is missing a parameter', () => {
    const card = platformCard('form-refused') as any;
    const typed = registryForm(card, '1.0') as any;
    expect(() => parseEmulatedCard(JSON.stringify(typed), '3.2.1')).not.toThrow();
    expect(() => parseEmulatedCard(JSON.stringify({ ...typed, securityRequirements: card.securityRequirements }), '3.2.1')).toThrow(expect.objectContaining({ status: 400, code: 20002 }));
    const { supportedInterfaces: _i, url: _u, preferredTransport: _p, protocolVersion: _v, additionalInterfaces: _a, ...bare } = typed;
    void [_i, _u, _p, _v, _a];
    expect(() => parseEmulatedCard(JSON.stringify(bare), '3.2.1')).toThrow(expect.objectContaining({ status: 400, code: 10000, data: expect.stringContaining('agentCard.supportedInterfaces') }));
    // and what 3.1 drops: a 1.0-only card has none of its required trio
    expect(() => parseEmulatedCard(JSON.stringify(card), '3.1')).toThrow(expect.objectContaining({ status: 400, code: 10000 }));
  });

  test('cardModel set in the configuration wins over the server version', async () => {
    const emu = await startNacosEmulator(emuOpts);
    try {
      const { client } = clientFor(emu, { cardModel: '0.3' });
      expect(await client.cardModel()).toBe('0.3');
      const card = platformCard('form-configured');
      await applyAgentCard(client, card, { namespaceId: 'acme', setAsLatest: true });
      const stored: any = await client.getAgent(card.name, { namespaceId: 'acme' });
      // 3.2.1 normalizes a legacy card into interfaces too, from its url
      expect(stored).toMatchObject({ protocolVersion: '0.3.0', url: card.supportedInterfaces[0].url });
    } finally {
      await emu.close();
    }
  });
});
