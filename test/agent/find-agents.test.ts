/**
 * findAgents and watchAgents against Nacos 3.1: the emulator (test/nacos-emulator), or the real
 * server with NACOS_BACKEND=real (test/support/nacos-backend.ts). Skill, tag and version
 * filters, namespace isolation, latest-version semantics, change subscription by counted polls.
 * On the emulator discovery logs in with a separate reader account, as the platform gives one.
 */
import { findAgents, FoundAgent, watchAgents } from '../../agent';
import { NacosClient } from '../../runtime/nacos-client';
import { sampleCard } from '../runtime/support';
import { NacosBackend, nacosBackend, onEmulatorOnly } from '../support/nacos-backend';

let nacos: NacosBackend;
let admin: NacosClient;
let env: NodeJS.ProcessEnv;
const skill = (id: string, tags: string[]) => ({ id, name: id, description: `${id} skill`, tags });

beforeAll(async () => {
  nacos = await nacosBackend();
  if (nacos.emulator) nacos.emulator.state.users['agent-reader'] = 'reader-pass';
  admin = new NacosClient({ endpoint: nacos.url, username: nacos.username, password: nacos.password });
  const ns = { namespaceId: 'acme' };
  await admin.registerAgent(sampleCard('writer', '1.0.0', { skills: [skill('draft', ['writing'])] }), ns);
  // A newer version that is not latest: list items show its skills (spec §6), GET without version does not.
  await admin.updateAgent(sampleCard('writer', '2.0.0', { skills: [skill('draft', ['writing']), skill('translate', ['writing'])] }), { ...ns, setAsLatest: false });
  await admin.registerAgent(sampleCard('reviewer', '1.0.0', { skills: [skill('draft', ['review'])] }), ns);
  await admin.registerAgent(sampleCard('search', '3.1.0', { skills: [skill('web', ['search'])] }), ns);
  await admin.registerAgent(sampleCard('foreign-writer', '1.0.0', { skills: [skill('draft', ['writing'])] }), { namespaceId: 'globex' });
  // The real server's users and roles are not managed here: the admin reads there.
  const reader = nacos.emulator ? { NACOS_USERNAME: 'agent-reader', NACOS_PASSWORD: 'reader-pass' } : { NACOS_USERNAME: nacos.username, NACOS_PASSWORD: nacos.password };
  env = { NACOS_ADDR: nacos.url, ...reader, A2A_AGENT: 'acme/orchestrator' };
});
afterAll(async () => { await nacos?.close(); });

const names = (agents: readonly FoundAgent[]) => agents.map((a) => `${a.name}@${a.version}`);

test('finds the agents of the tenant\'s namespace offering a skill, with their url and card', async () => {
  const found = await findAgents({ skill: 'draft' }, { env });
  expect(names(found)).toEqual(['reviewer@1.0.0', 'writer@1.0.0']);
  expect(found[1]).toMatchObject({ url: 'https://gateway.example.com/a2a/writer', skills: [{ id: 'draft' }], card: { name: 'writer', preferredTransport: 'JSONRPC' } });
  expect(found[1].card).not.toHaveProperty('latestVersion');
});

test('filters by tag and by exact version; latest means the version flagged latest', async () => {
  expect(names(await findAgents({ skill: 'draft', tag: 'writing' }, { env }))).toEqual(['writer@1.0.0']);
  expect(names(await findAgents({ tag: 'search' }, { env }))).toEqual(['search@3.1.0']);
  expect(names(await findAgents({ skill: 'translate' }, { env }))).toEqual([]);
  expect(names(await findAgents({ skill: 'translate', version: '2.0.0' }, { env }))).toEqual(['writer@2.0.0']);
  expect(names(await findAgents({}, { env }))).toEqual(['reviewer@1.0.0', 'search@3.1.0', 'writer@1.0.0']);
  expect(names(await findAgents({ skill: 'draft' }, { env: { ...env, NACOS_NAMESPACE: 'globex' } }))).toEqual(['foreign-writer@1.0.0']);
});

onEmulatorOnly('uses the reader account it was given', async () => {
  const before = nacos.emulator!.state.logins;
  await findAgents({ skill: 'web' }, { env });
  expect(nacos.emulator!.state.logins).toBeGreaterThan(before);
  await expect(findAgents({}, { env: { ...env, NACOS_PASSWORD: 'wrong' } })).rejects.toThrow(/403|login/i);
});

test('watchAgents reports the current agents, then each change', async () => {
  const seen: string[][] = [];
  let wake: () => void = () => undefined;
  const next = () => new Promise<void>((r) => { wake = r; });
  let first = next();
  const watch = watchAgents({ skill: 'draft' }, (agents) => { seen.push(names(agents)); wake(); }, { env, intervalSeconds: 0.1 });
  try {
    await first;
    expect(seen).toEqual([['reviewer@1.0.0', 'writer@1.0.0']]);
    first = next();
    await admin.registerAgent(sampleCard('editor', '1.0.0', { skills: [skill('draft', ['writing'])] }), { namespaceId: 'acme' });
    await first;
    first = next();
    await admin.updateAgent(sampleCard('writer', '2.0.0', { skills: [skill('draft', ['writing']), skill('translate', ['writing'])] }), { namespaceId: 'acme', setAsLatest: true });
    await first;
    expect(seen).toEqual([
      ['reviewer@1.0.0', 'writer@1.0.0'],
      ['editor@1.0.0', 'reviewer@1.0.0', 'writer@1.0.0'],
      ['editor@1.0.0', 'reviewer@1.0.0', 'writer@2.0.0'],
    ]);
    expect(names(watch.current)).toEqual(['editor@1.0.0', 'reviewer@1.0.0', 'writer@2.0.0']);
  } finally {
    watch.close();
  }
});

test('without a registry address the error names the variables to set', async () => {
  await expect(findAgents({ skill: 'draft' }, { env: {} })).rejects.toThrow(/set NACOS_ADDR .* NACOS_USERNAME and NACOS_PASSWORD/);
});
