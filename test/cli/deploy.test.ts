/** `agent-runtime deploy`: flags and bad configuration fail before any Pulumi command runs. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deployCommand } from '../../cli/deploy';
import { captureOutput } from '../support/capture-output';

const ROOT = path.resolve(__dirname, '..', '..');

test('a configuration error exits 1, naming the key, and touches no stack (no Pulumi CLI is started)', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-bad-'));
  fs.copyFileSync(path.join(ROOT, 'Pulumi.yaml'), path.join(root, 'Pulumi.yaml'));
  const dev = fs.readFileSync(path.join(ROOT, 'Pulumi.dev.yaml'), 'utf8').replace('maxReplicas: 4', 'maxReplicas: many');
  fs.writeFileSync(path.join(root, 'Pulumi.bad.yaml'), dev);
  const automation = require('@pulumi/pulumi/automation');
  const started = jest.spyOn(automation.PulumiCommand, 'get');
  const out = captureOutput();
  let code: number;
  try {
    code = await deployCommand(['--stack', 'bad', '--root', root]);
  } finally {
    out.restore();
  }
  expect(code).toBe(1);
  expect(out.captured.join('\n')).toMatch(/invalid configuration for stack "bad".*no stack was touched[\s\S]*agent-runtime:tenants\[0\]\.agents\[0\]\.scaling\.maxReplicas/);
  expect(started).not.toHaveBeenCalled();
});

test('flags are checked first', async () => {
  await expect(deployCommand([])).rejects.toThrow('deploy needs --stack <env>');
  await expect(deployCommand(['--stack', 'dev', '--parallel', '0'])).rejects.toThrow('--parallel: "0" is not a whole number >= 1');
  await expect(deployCommand(['--stack', 'dev', '--yes'])).rejects.toThrow('unknown flag --yes');
});
