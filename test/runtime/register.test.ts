/**
 * `readManifestCards`, the registration engine and the `cards` / `register` commands, against
 * the emulator or the real Nacos 3.1 (`NACOS_BACKEND=real`, see test/support/nacos-backend.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cardsCommand } from '../../cli/cards';
import { registerCommand, throttledProgress } from '../../cli/register';
import { managedBy } from '../../runtime/agent-card';
import { readManifestCards } from '../../runtime/manifest-cards';
import { NacosAuthError } from '../../runtime/nacos-errors';
import { MissingNamespaceError, registerCards, reportChanged } from '../../runtime/register';
import { NacosBackend, nacosBackend, onEmulatorOnly } from '../support/nacos-backend';
import { clientFor, sampleCard, settled } from './support';

const FIXTURES = path.join(__dirname, 'fixtures', 'platform');
let emu: NacosBackend;
beforeEach(async () => {
  emu = await nacosBackend();
});
afterEach(() => emu.close());

const namespaces = async () => (await clientFor(emu).client.listNamespaces()).map((n) => n.namespace).sort();
const agents = async (ns: string) => (await clientFor(emu).client.listAllAgents(ns)).map((i) => i.name);

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
    const second = await registerCards(client, cards);
    expect(reportChanged(second)).toBe(false);
    expect(second.unchanged).toHaveLength(5);
  });

  onEmulatorOnly('a second run sends no write at all', async () => {
    const { client } = clientFor(emu);
    const cards = readManifestCards(FIXTURES);
    await registerCards(client, cards);
    const writes = emu.emulator!.state.requests.filter((r) => r.method !== 'GET').length;
    await registerCards(client, cards);
    expect(emu.emulator!.state.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
  });

  test('creates the Nacos namespaces the cards go to, once', async () => {
    const { client } = clientFor(emu);
    expect(await namespaces()).toEqual(['public']);
    const report = await registerCards(client, readManifestCards(FIXTURES));
    expect(report.namespacesCreated).toEqual(['acme', 'globex']);
    expect(await namespaces()).toEqual(['acme', 'globex', 'public']);
    expect((await client.getNamespace('acme')).namespaceDesc).toBe('Created by agent-runtime register');
    expect((await registerCards(client, readManifestCards(FIXTURES))).namespacesCreated).toEqual([]);
  });

  test('with createNamespaces false, refuses a missing namespace before writing anything, naming it and the fix', async () => {
    const { client } = clientFor(emu);
    await client.createNamespace({ namespaceId: 'acme', namespaceName: 'acme' });
    const run = registerCards(client, readManifestCards(FIXTURES), { createNamespaces: false });
    await expect(run).rejects.toThrow(MissingNamespaceError);
    await expect(run).rejects.toThrow(/Nacos namespace "globex" does not exist.*drop --no-create-namespaces/);
    expect(await namespaces()).toEqual(['acme', 'public']);
    expect(await agents('acme')).toEqual([]);
  });

  test('a dry run reports the plan and writes nothing', async () => {
    const { client } = clientFor(emu);
    const cards = readManifestCards(FIXTURES);
    const plan = await registerCards(client, cards, { dryRun: true, prune: true });
    expect(plan).toMatchObject({ dryRun: true, namespacesCreated: ['acme', 'globex'], addedVersions: ['globex/search@1.1.0'], pruned: [] });
    expect(plan.created).toEqual(['acme/billing@1.2.0', 'acme/support@2.0.0', 'globex/search@1.0.0', 'globex/translate@0.1.0']);
    expect(await namespaces()).toEqual(['public']);
    expect(await agents('acme')).toEqual([]);

    await registerCards(client, cards);
    const next = cards.filter((c) => c.card.name !== 'support').map((c) => (c.card.name === 'billing' ? { ...c, card: { ...c.card, version: '1.3.0' } } : c));
    const second = await registerCards(client, next, { dryRun: true, prune: true });
    expect([second.created, second.addedVersions, second.pruned]).toEqual([[], ['acme/billing@1.3.0'], ['acme/support@2.0.0']]);
    expect(second.unchanged).toHaveLength(3);
    expect(await agents('acme')).toEqual(['billing', 'support']);
    expect((await client.listVersions('billing', { namespaceId: 'acme' })).map((v) => v.version)).toEqual(['1.2.0']);
  });

  test('reports progress after every card, with the total', async () => {
    const seen: string[] = [];
    await registerCards(clientFor(emu).client, readManifestCards(FIXTURES), { concurrency: 1, progress: (done, total) => seen.push(`${done}/${total}`) });
    expect(seen).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
  });

  test('wrong credentials stop the run at once with NacosAuthError, nothing written, no retries', async () => {
    const { client, logs } = clientFor(emu, { password: 'not-the-password-123' });
    const run = registerCards(client, readManifestCards(FIXTURES));
    await expect(run).rejects.toThrow(NacosAuthError);
    await expect(run).rejects.toThrow(/refused the login of user "nacos": wrong username or password/);
    expect(logs.filter((l) => l.includes('retry'))).toEqual([]);
    expect(await agents('acme')).toEqual([]);
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
    expect(await namespaces()).toEqual(['public']);
    expect(await agents('acme')).toEqual([]);
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
    expect(await settled(() => versionsOf('acme', 'support'), ['9.9.9'])).toEqual(['9.9.9']);
    expect(await versionsOf('acme', 'hand-made')).toEqual(['1*']);
    expect(await versionsOf('acme', 'billing')).toEqual(['1.2.0*']);
  });

  onEmulatorOnly('Nacos failing midway: nothing pruned; the re-run converges without duplicates or losses', async () => {
    const { client } = clientFor(emu, { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    await client.registerAgent(sampleCard('hand-made', '1'), { namespaceId: 'acme' });
    await registerCards(client, readManifestCards(FIXTURES).filter((c) => c.card.name === 'translate'));
    let downed: Promise<void> | undefined;
    const failed = await registerCards(client, readManifestCards(FIXTURES).filter((c) => c.card.name !== 'translate'), {
      concurrency: 1,
      prune: true,
      // Nacos goes away right after the first card of this run landed.
      log: (line) => {
        if (line.startsWith('created ') && !line.startsWith('created namespace')) downed ??= emu.emulator!.faults.down();
      },
    });
    await downed;
    expect(failed.created).toHaveLength(1);
    expect(failed.failed.length).toBeGreaterThan(0);
    expect(failed.pruned).toEqual([]);
    expect(await versionsOf('globex', 'translate').catch(() => 'down')).toBe('down');

    await emu.emulator!.faults.up();
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
    process.env.NACOS_USERNAME = emu.username;
    process.env.NACOS_PASSWORD = emu.password;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    delete process.env.NACOS_USERNAME;
    delete process.env.NACOS_PASSWORD;
  });

  test('cards prints each card with its Nacos namespace and latest flag', async () => {
    expect(await cardsCommand([FIXTURES])).toBe(0);
    const cards = JSON.parse(out.join('\n'));
    expect(cards.map((c: { namespace: string; setAsLatest: boolean; card: { name: string; version: string } }) => `${c.namespace}/${c.card.name}@${c.card.version}:${c.setAsLatest}`)).toEqual([
      'globex/translate@0.1.0:true',
      'acme/billing@1.2.0:true',
      'acme/support@2.0.0:true',
      'globex/search@1.1.0:false',
      'globex/search@1.0.0:true',
    ]);
    expect(cards[1].source).toMatch(/tenant-acme\.yaml: ConfigMap acme\/billing-agent-card$/);
  });

  test('register applies, then says "no changes"; the password is never printed', async () => {
    expect(await registerCommand([FIXTURES, '--nacos', emu.url])).toBe(0);
    expect(out.join('\n')).toContain('register: 2 namespaces created, 4 created, 1 new versions');
    out.length = 0;
    expect(await registerCommand([FIXTURES, '--nacos', emu.url, '--prune'])).toBe(0);
    expect(out).toEqual(['register: no changes (5 cards already registered)']);
    expect([...out, ...err].join('\n')).not.toContain(emu.password);
  });

  test('register --prune removes the agents gone from the manifests', async () => {
    expect(await registerCommand([FIXTURES, '--nacos', emu.url])).toBe(0);
    const dir = fixtureCopy({ drop: ['tenant-acme.yaml'] });
    out.length = 0;
    expect(await registerCommand([dir, '--nacos', emu.url, '--prune'])).toBe(0);
    expect(out.slice(0, -1).sort()).toEqual(['pruned acme/billing@1.2.0', 'pruned acme/support@2.0.0']); // pruned concurrently
    expect(out.at(-1)).toBe('register: 0 namespaces created, 0 created, 0 new versions, 0 promoted, 3 unchanged, 2 pruned, 0 failed');
    expect(await settled(() => agents('acme'), [])).toEqual([]);
  });

  test('register --dry-run prints the plan per card and writes nothing', async () => {
    expect(await registerCommand([FIXTURES, '--nacos', emu.url, '--dry-run', '--prune'])).toBe(0);
    // Cards are applied concurrently, so their lines come in any order; the summary comes last.
    expect(out.slice(0, -1).sort()).toEqual([
      'plan: create acme/billing@1.2.0',
      'plan: create acme/support@2.0.0',
      'plan: create globex/search@1.0.0',
      'plan: create globex/translate@0.1.0',
      'plan: create namespace acme',
      'plan: create namespace globex',
      'plan: update (new version) globex/search@1.1.0',
    ]);
    expect(out.at(-1)).toBe('register --dry-run (nothing written): would create 2 namespaces, create 4 agents, add 1 versions, promote 0, prune 0; 0 unchanged, 0 failed');
    expect(await namespaces()).toEqual(['public']);
    expect(await agents('acme')).toEqual([]);
  });

  test('register --no-create-namespaces refuses a missing namespace, naming it and the fix (exit 2)', async () => {
    expect(await registerCommand([FIXTURES, '--nacos', emu.url, '--no-create-namespaces'])).toBe(2);
    expect(err.join('\n')).toMatch(/Nacos namespaces "acme", "globex" do not exist and creating namespaces is turned off; nothing registered\. Create them \(drop --no-create-namespaces/);
    expect(await agents('acme')).toEqual([]);
  });

  test('register with a wrong password: one clear line naming NACOS_USERNAME/NACOS_PASSWORD, exit 2, nothing retried', async () => {
    process.env.NACOS_PASSWORD = 'not-the-password-123';
    expect(await registerCommand([FIXTURES, '--nacos', emu.url])).toBe(2);
    expect(err).toEqual([
      `agent-runtime register: Nacos at ${emu.url} refused the login of NACOS_USERNAME="nacos" (HTTP 500); check NACOS_USERNAME and NACOS_PASSWORD. Nothing was registered or deleted.`,
    ]);
    expect(out).toEqual([]);
    expect([...out, ...err].join('\n')).not.toContain('not-the-password-123');
  });

  test('register with an unknown user is the same credentials problem (Nacos answers 403 there)', async () => {
    process.env.NACOS_USERNAME = 'nobody';
    expect(await registerCommand([FIXTURES, '--nacos', emu.url])).toBe(2);
    expect(err).toEqual([expect.stringMatching(/refused the login of NACOS_USERNAME="nobody" \(HTTP 403\); check NACOS_USERNAME and NACOS_PASSWORD/)]);
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

test('throttledProgress prints at most once per interval, nothing for short runs, and the end once it printed', () => {
  let now = 0;
  const lines: string[] = [];
  const quick = throttledProgress((l) => lines.push(l), 2000, () => now);
  for (let i = 1; i <= 3; i++) quick(i, 3);
  expect(lines).toEqual([]);
  const slow = throttledProgress((l) => lines.push(l), 2000, () => now);
  for (let i = 1; i <= 10; i++) {
    now += 700;
    slow(i, 10);
  }
  expect(lines).toEqual(['register: 3/10 cards done', 'register: 6/10 cards done', 'register: 9/10 cards done', 'register: 10/10 cards done']);
});
