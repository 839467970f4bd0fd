import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizePlatform } from '../../stacks/charts';
import { resetOutputDir, writeChart, writeValues } from '../../stacks/chart-writer';
import { synthesizeToDirectory } from '../../stacks/synth-to-directory';
import { syntheticConfig } from '../../bench/synthetic-platform';
import { loadStackConfig } from '../../stacks/config';

const read = (dir: string) => Object.fromEntries(fs.readdirSync(dir, { recursive: true }).map(String).sort()
  .filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

test.each([
  ['a synthetic platform', () => syntheticConfig(5, 3)],
  // acme's orchestrator calls globex's researcher: the worker building globex learns the call from the directory.
  ['the dev stack, with a call across tenants', () => loadStackConfig('dev', path.resolve(__dirname, '..', '..'))],
])('writes %s on worker threads exactly as a single thread does', async (_name, makeConfig) => {
  const config = makeConfig();
  const sequential = fs.mkdtempSync(path.join(os.tmpdir(), 'seq-'));
  resetOutputDir(sequential);
  const synthesized = synthesizePlatform(config);
  for (const c of synthesized.charts) writeChart(sequential, c.name, c.objects);
  writeValues(sequential, 'higress', synthesized.higressValues);

  const parallel = fs.mkdtempSync(path.join(os.tmpdir(), 'par-'));
  const written = await synthesizeToDirectory(config, parallel, { workers: config.tenants.length });
  expect(written.map((w) => w.name).sort()).toEqual(synthesized.charts.map((c) => c.name).sort());
  const [a, b] = [read(sequential), read(parallel)];
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const file of Object.keys(a)) expect(b[file]).toBe(a[file]);
});

test('refuses to empty an output folder that holds files synth did not write', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'project-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{}');
  await expect(synthesizeToDirectory(syntheticConfig(1, 1), dir)).rejects.toThrow(
    `output folder ${dir} holds files synth did not write (package.json); use an empty folder or one written by synth`);
  expect(fs.existsSync(path.join(dir, 'package.json'))).toBe(true);
});
