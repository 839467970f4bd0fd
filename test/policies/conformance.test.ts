import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { configFromBaseline, reviewAgainstBaseline } from '../../policies/baseline-review';
import { checkManifests } from '../../policies/check-manifests';
import { resolveConfig } from '../../policies/config';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { withOwnKeys } from './support/own-keys';

const ROOT = path.join(__dirname, '..', '..');

const mandatory = (objects: any[], env: 'dev' | 'staging' | 'prod', config = resolveConfig(env)): string[] =>
  checkManifests(objects, { env, config }).violations.filter((v) => v.level === 'mandatory').map((v) => `${v.ruleId} ${v.object} ${v.path}: ${v.message}`);

/** Every rule over what `agent-runtime synth` produces for each environment: no mandatory violation. */
describe.each(['dev', 'staging', 'prod'] as const)('synthesized %s platform', (env) => {
  const objects = withOwnKeys(synthesizePlatform(loadStackConfig(env, ROOT)).charts.flatMap((c) => c.objects as any[]));
  it('has zero mandatory violations', () => {
    expect(objects.length).toBeGreaterThan(0);
    expect(mandatory(objects, env)).toEqual([]);
  });
  it('has zero mandatory violations with the configuration its stack implies (--stack), and no weakening against itself', () => {
    expect(mandatory(objects, env, configFromBaseline(objects, resolveConfig(env)))).toEqual([]);
    expect(reviewAgainstBaseline(objects, objects, env).weakenings).toBe(0);
  });
});

test('the constructs example (examples/cdk8s-app.ts) has no mandatory violation in prod but its tags (prod pins images by digest; the example stays short)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-app-'));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    jest.isolateModules(() => require('../../examples/cdk8s-app'));
  } finally {
    process.chdir(cwd);
  }
  const objects = yaml.loadAll(fs.readFileSync(path.join(dir, 'dist', 'agents.k8s.yaml'), 'utf8')) as any[];
  expect(objects.length).toBeGreaterThan(20);
  const found = mandatory(withOwnKeys(objects), 'prod');
  const digests = found.filter((v) => /^image-provenance .* is not pinned by digest$/.test(v));
  expect(digests.length).toBeGreaterThan(0);
  expect(found.filter((v) => !digests.includes(v))).toEqual([]);
});
