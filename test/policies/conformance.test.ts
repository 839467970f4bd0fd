import * as path from 'path';
import { checkManifests } from '../../policies/check-manifests';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';

const ROOT = path.join(__dirname, '..', '..');

/** Every rule over what `agent-runtime synth` produces for each environment: no mandatory violation. */
describe.each(['dev', 'staging', 'prod'] as const)('synthesized %s platform', (env) => {
  it('has zero mandatory violations', () => {
    const objects = synthesizePlatform(loadStackConfig(env, ROOT)).charts.flatMap((c) => c.objects);
    expect(objects.length).toBeGreaterThan(0);
    const mandatory = checkManifests(objects, { env }).violations.filter((v) => v.level === 'mandatory')
      .map((v) => `${v.ruleId} ${v.object} ${v.path}: ${v.message}`);
    expect(mandatory).toEqual([]);
  });
});
