/** `readManifestCards`, the registration engine and the `cards` / `register` commands. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cardsCommand } from '../../cli/cards';
import { registerCommand } from '../../cli/register';
import { managedBy } from '../../runtime/agent-card';
import { readManifestCards } from '../../runtime/manifest-cards';
import { registerCards, reportChanged } from '../../runtime/register';
import { NacosEmulator, startNacosEmulator } from '../nacos-emulator/nacos-emulator';
import { PASSWORD, USER, clientFor, sampleCard } from './support';

const FIXTURES = path.join(__dirname, 'fixtures', 'platform');
let emu: NacosEmulator;
beforeEach(async () => {
  emu = await startNacosEmulator({ auth: { users: { [USER]: PASSWORD } } });
});
afterEach(() => emu.close());

/** A temp copy of the fixtures, optionally without some files or with extra ones. */
function fixtureCopy(opts: { drop?: string[]; add?: Record<string, string> } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cards-'));
  for (const f of fs.readdirSync(FIXTURES)) if (!opts.drop?.includes(f)) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  for (const [f, text] of Object.entries(opts.add ?? {})) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

const versionsOf = async (ns: string, name: string) =>
  (await clientFor(emu).client.listVersions(name, { namespaceId: ns })).map((v) => `${v.version}${v.latest ? '*' : ''}`);

describe('readManifestCards', () => {
  test('finds every agent-card ConfigMap, in multi-document files and List documents, and nothing else', () => {
    const found = readManifestCards(FIXTURES);
    expect(found.map((f) => `${f.namespace}/${f.card.name}@${f.card.version}:${f.setAsLatest}`)).toEqual([
      'globex/translate@0.1.0:true',
      'acme/billing@1.2.0:true',
      'acme/support@2.0.0:true',
      'globex/search@1.1.0:false',
      'globex/search@1.0.0:true',
    ]);
    expect(found[1].source).toMatch(/tenant-acme\.yaml: ConfigMap acme\/billing-agent-card$/);
  });

  test('reports every broken card ConfigMap together, naming file, object and fix', () => {
    const bad = (name: string, data: string, annotations = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  labels: { agentruntime.io/role: agent-card }
  ${annotations}
data:
  agent-card.json: '${data}'
`;
    const dir = fixtureCopy({
      add: {
        'broken.yaml': [
          bad('no-json', '{oops', 'annotations: { agentruntime.io/nacos-namespace: acme }'),
          bad('no-ns', '{}'),
          bad('bad-latest', '{}', 'annotations: { agentruntime.io/nacos-namespace: acme, agentruntime.io/set-as-latest: "yes" }'),
        ].join('---\n'),
      },
    });
    expect(() => readManifestCards(dir)).toThrow(
      /ConfigMap \(no namespace\)\/no-json: data\["agent-card.json"\] is not valid JSON[\s\S]*no-ns: no Nacos namespace; set the annotation agentruntime.io\/nacos-namespace[\s\S]*bad-latest: annotation agentruntime.io\/set-as-latest is "yes"; use "true" or "false"/,
    );
  });
});

describe('registerCards', () => {
  test('registers every card, then a second run changes nothing', async () => {
    const { client } = clientFor(emu);
    const cards = readManifestCards(FIXTURES);
    const first = await registerCards(client, cards);
    expect(first.created).toEqual(['acme/billing@1.2.0', 'acme/support@2.0.0', 'globex/search@1.0.0', 'globex/translate@0.1.0']);
    expect(first.addedVersions).toEqual(['globex/search@1.1.0']);
    const writes = emu.state.requests.filter((r) => r.method !== 'GET').length;
    const second = await registerCards(client, cards);
    expect(reportChanged(second)).toBe(false);
    expect(second.unchanged).toHaveLength(5);
    expect(emu.state.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
  });

  test('a canary keeps the stable version latest, whatever the order in the files', async () => {
    await registerCards(clientFor(emu).client, readManifestCards(FIXTURES));
    expect(await versionsOf('globex', 'search')).toEqual(['1.0.0*', '1.1.0']);
  });

  test('marks what it registers, so prune can tell its cards from others', async () => {
    const { client } = clientFor(emu);
    await registerCards(client, readManifestCards(FIXTURES));
    expect(managedBy(await client.getAgent('billing', { namespaceId: 'acme' }))).toBe('agent-runtime register');
  });

  test('--namespace overrides the namespace of every card', async () => {
    const { client } = clientFor(emu);
    await registerCards(client, readManifestCards(FIXTURES), { namespace: 'staging' });
    expect((await client.listAllAgents('staging')).map((i) => i.name)).toEqual(['billing', 'search', 'support', 'translate']);
    expect(await client.listAllAgents('acme')).toEqual([]);
  });

  test('refuses to start when a card is invalid, naming the source and the field', async () => {
    const { client } = clientFor(emu);
    const bad = { card: { ...sampleCard('x', '1'), url: '' } as any, namespace: 'acme', setAsLatest: true, source: 'x.yaml: ConfigMap acme/x' };
    await expect(registerCards(client, [...readManifestCards(FIXTURES), bad])).rejects.toThrow(/nothing registered[\s\S]*x\.yaml: ConfigMap acme\/x is invalid[\s\S]*agentCard\.url/);
    expect(emu.state.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  test('refuses two versions of one agent both marked latest', async () => {
    const { client } = clientFor(emu);
    const a = { card: sampleCard('x', '1'), namespace: 'acme', setAsLatest: true };
    const b = { card: sampleCard('x', '2'), namespace: 'acme', setAsLatest: true };
    await expect(registerCards(client, [a, b])).rejects.toThrow('versions 1, 2 are all marked set-as-latest');
  });

  test('prune removes only what this tool registered for agents that are gone', async () => {
    const { client } = clientFor(emu);
    await registerCards(client, readManifestCards(FIXTURES));
    // Someone else's agent, and someone else's version of one of our agents.
    await client.registerAgent(sampleCard('hand-made', '1'), { namespaceId: 'acme' });
    await client.updateAgent(sampleCard('support', '9.9.9'), { namespaceId: 'acme', setAsLatest: false });
    const withoutSupport = readManifestCards(FIXTURES).filter((c) => c.card.name !== 'support');
    const report = await registerCards(client, withoutSupport, { prune: true });
    expect(report.pruned).toEqual(['acme/support@2.0.0']);
    expect(await versionsOf('acme', 'support')).toEqual(['9.9.9']);
    expect(await versionsOf('acme', 'hand-made')).toEqual(['1*']);
    expect(await versionsOf('acme', 'billing')).toEqual(['1.2.0*']);
  });

  test('Nacos failing midway: nothing pruned; the re-run converges without duplicates or losses', async () => {
    const { client } = clientFor(emu, { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    await client.registerAgent(sampleCard('hand-made', '1'), { namespaceId: 'acme' });
    await registerCards(client, readManifestCards(FIXTURES).filter((c) => c.card.name === 'translate'));
    let downed: Promise<void> | undefined;
    const failed = await registerCards(client, readManifestCards(FIXTURES).filter((c) => c.card.name !== 'translate'), {
      concurrency: 1,
      prune: true,
      // Nacos goes away right after the first card of this run landed.
      log: (line) => {
        if (line.startsWith('created')) downed ??= emu.faults.down();
      },
    });
    await downed;
    expect(failed.created).toHaveLength(1);
    expect(failed.failed.length).toBeGreaterThan(0);
    expect(failed.pruned).toEqual([]);
    expect(await versionsOf('globex', 'translate').catch(() => 'down')).toBe('down');

    await emu.faults.up();
    const rerun = await registerCards(client, readManifestCards(FIXTURES).filter((c) => c.card.name !== 'translate'), { prune: true });
    expect(rerun.failed).toEqual([]);
    expect(rerun.unchanged).toEqual(failed.created);
    expect(rerun.pruned).toEqual(['globex/translate@0.1.0']);
    expect(await versionsOf('acme', 'billing')).toEqual(['1.2.0*']);
    expect(await versionsOf('acme', 'support')).toEqual(['2.0.0*']);
    expect(await versionsOf('globex', 'search')).toEqual(['1.0.0*', '1.1.0']);
    expect(await versionsOf('acme', 'hand-made')).toEqual(['1*']);
    const third = await registerCards(client, readManifestCards(FIXTURES).filter((c) => c.card.name !== 'translate'), { prune: true });
    expect(reportChanged(third)).toBe(false);
  });
});

describe('commands', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    process.env.NACOS_USERNAME = USER;
    process.env.NACOS_PASSWORD = PASSWORD;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.NACOS_USERNAME;
    delete process.env.NACOS_PASSWORD;
  });

  test('cards prints the cards as a JSON array', async () => {
    expect(await cardsCommand([FIXTURES])).toBe(0);
    const cards = JSON.parse(out.join('\n'));
    expect(cards.map((c: { name: string }) => c.name)).toEqual(['translate', 'billing', 'support', 'search', 'search']);
  });

  test('register applies, then says "no changes"; the password is never printed', async () => {
    expect(await registerCommand([FIXTURES, '--nacos', emu.url])).toBe(0);
    expect(out.join('\n')).toContain('register: 4 created, 1 new versions');
    out.length = 0;
    expect(await registerCommand([FIXTURES, '--nacos', emu.url, '--prune'])).toBe(0);
    expect(out).toEqual(['register: no changes (5 cards already registered)']);
    expect([...out, ...err].join('\n')).not.toContain(PASSWORD);
  });

  test('register without credentials fails with a clear message and exit 2', async () => {
    delete process.env.NACOS_PASSWORD;
    expect(await registerCommand([FIXTURES, '--nacos', emu.url])).toBe(2);
    expect(err.join('\n')).toContain('NACOS_PASSWORD not set');
  });

  test('register exits 1 when Nacos rejects a card', async () => {
    await clientFor(emu).client.registerAgent(sampleCard('billing', '1.2.0', { description: 'different' }), { namespaceId: 'acme' });
    expect(await registerCommand([FIXTURES, '--nacos', emu.url])).toBe(1);
    expect(out.join('\n')).toContain('failed acme/billing@1.2.0');
    expect(out.join('\n')).toContain('bump agentCard.version');
  });
});
