import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { _chart, constructPlatform, synthesizePlatform } from '../../stacks/charts';
import { buildTenantChart } from '../../stacks/tenant-charts';
import { directoryFromConfig } from '../../stacks/directory-from-config';
import { AgentDirectory } from '../../constructs/agent-directory';
import { SYNTH_MANIFEST, writeChart, writeValues } from '../../stacks/chart-writer';
import { synthesizeToDirectory } from '../../stacks/synth-to-directory';
import { syntheticConfig } from '../../bench/synthetic-platform';
import { loadStackConfig } from '../../stacks/config';
import { withCanaryPinnedCall } from '../support/stack-configs';

const read = (dir: string) => Object.fromEntries(fs.readdirSync(dir, { recursive: true }).map(String).sort()
  .filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

test.each([
  ['a synthetic platform', () => syntheticConfig(5, 3)],
  // acme's orchestrator calls globex's researcher: the worker building globex learns the call from the directory.
  ['the dev stack, with a call across tenants', () => loadStackConfig('dev', path.resolve(__dirname, '..', '..'))],
  // The worker building acme learns globex's canary version from the directory.
  ['the dev stack, with a call pinned to the canary version of another tenant', () => withCanaryPinnedCall(loadStackConfig('dev', path.resolve(__dirname, '..', '..')))],
])('writes %s on worker threads exactly as a single thread does', async (_name, makeConfig) => {
  const config = makeConfig();
  const sequential = fs.mkdtempSync(path.join(os.tmpdir(), 'seq-'));
  const synthesized = synthesizePlatform(config);
  for (const c of synthesized.charts) writeChart(sequential, c.name, c.objects);
  writeValues(sequential, 'higress', synthesized.higressValues);

  const parallel = fs.mkdtempSync(path.join(os.tmpdir(), 'par-'));
  const written = await synthesizeToDirectory(config, parallel, { workers: 3, _workersOnly: true });
  expect(written.map((w) => w.name).sort()).toEqual(synthesized.charts.map((c) => c.name).sort());
  fs.rmSync(path.join(parallel, SYNTH_MANIFEST));
  const [a, b] = [read(sequential), read(parallel)];
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const file of Object.keys(a)) expect(b[file]).toBe(a[file]);
});

test('keeps files it did not write, removes only its own stale files, and refuses to overwrite a foreign file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'project-'));
  fs.writeFileSync(path.join(dir, 'my-app.yaml'), 'mine');
  fs.mkdirSync(path.join(dir, 'values'));
  fs.writeFileSync(path.join(dir, 'values', 'notes.yaml'), 'notes');
  await synthesizeToDirectory(syntheticConfig(2, 1), dir);
  expect(fs.readFileSync(path.join(dir, 'my-app.yaml'), 'utf8')).toBe('mine');
  expect(fs.readFileSync(path.join(dir, 'values', 'notes.yaml'), 'utf8')).toBe('notes');
  const first = JSON.parse(fs.readFileSync(path.join(dir, SYNTH_MANIFEST), 'utf8')).files as string[];
  expect(first).not.toContain('my-app.yaml');
  // One tenant fewer: its file (written by synth) goes, the user's files stay.
  await synthesizeToDirectory(syntheticConfig(1, 1), dir);
  const second = JSON.parse(fs.readFileSync(path.join(dir, SYNTH_MANIFEST), 'utf8')).files as string[];
  for (const gone of first.filter((f) => !second.includes(f))) expect(fs.existsSync(path.join(dir, gone))).toBe(false);
  expect(first.length).toBeGreaterThan(second.length);
  expect(fs.existsSync(path.join(dir, 'my-app.yaml'))).toBe(true);
  // A user file where synth would write: nothing changes.
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'project-'));
  fs.writeFileSync(path.join(fresh, 'platform.yaml'), 'user platform');
  await expect(synthesizeToDirectory(syntheticConfig(1, 1), fresh)).rejects.toThrow('which synth did not write and would overwrite');
  expect(fs.readdirSync(fresh)).toEqual(['platform.yaml']);
  expect(fs.readFileSync(path.join(fresh, 'platform.yaml'), 'utf8')).toBe('user platform');
  expect(fs.readdirSync(path.dirname(fresh)).filter((f) => f.startsWith(`.${path.basename(fresh)}.synth-`))).toEqual([]);
});

test('stops its worker threads and writes nothing when the configuration is invalid', async () => {
  const config = syntheticConfig(3, 1);
  const bad = { ...config, tenants: [config.tenants[0], { ...config.tenants[1], agents: [{ ...config.tenants[1].agents![0], name: 'Not_A_Label' }] }] };
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bad-')), 'out');
  await expect(synthesizeToDirectory(bad, dir, { workers: 2 })).rejects.toThrow('Not_A_Label');
  expect(fs.existsSync(dir)).toBe(false);
  expect(fs.readdirSync(path.dirname(dir))).toEqual([]);
});

test('the directory every tenant of a synth thread is built on keeps none of them alive', async () => {
  // A full GC on demand: the test checks reachability, never time.
  require('v8').setFlagsFromString('--expose-gc');
  const gc = require('vm').runInNewContext('gc') as () => void;
  const config = syntheticConfig(3, 2);
  const { platform } = constructPlatform(config);
  const directory = AgentDirectory.fromData(directoryFromConfig(config, platform.facts));
  directory._seal('it was computed from the stack configuration');
  const built: WeakRef<object>[] = [];
  config.tenants.forEach((t, i) => {
    const chart = _chart(`tenant-${t.name}`);
    buildTenantChart(chart, t, platform.facts, directory, i);
    built.push(new WeakRef(chart));
  });
  // A WeakRef keeps its target until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  expect(built.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  expect(directory.get(`${config.tenants[0].name}/${config.tenants[0].agents![0].name}`)).toBeDefined();
});
