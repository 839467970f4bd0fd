import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { COMMANDS, main } from '../../cli/main';
import { SECRET_KEYS } from '../../stacks/config';
import { FORMATS } from '../../stacks/config-formats';
import { configSchema, generateConfigSchema, stackFileSchema } from '../../stacks/config-schema';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the configuration schema', () => {
  test('is generated from the construct props (the cached file equals a fresh generation)', () => {
    expect(configSchema()).toEqual(generateConfigSchema());
  });

  test('has the construct props as keys, at every depth', () => {
    const d = configSchema().definitions;
    expect(Object.keys(d.StackConfig.properties)).toEqual(expect.arrayContaining(['gatewayHost', 'gateway', 'nacos', 'runtimeClasses', 'maxRetries', 'tenants', 'policyProfile']));
    expect(Object.keys(d.TenantConfig.properties)).toEqual(expect.arrayContaining(['name', 'rateLimitTier', 'groups', 'quota', 'agents']));
    expect(Object.keys(d.AgentConfig.properties)).toEqual(expect.arrayContaining(['declarative', 'byo', 'scaling', 'resources', 'calls', 'sandboxPool']));
    expect(d.ModelSpec.additionalProperties).toBe(false);
    expect(d.EgressCidr.properties.cidr.format).toBe('cidr');
  });

  test.each(['dev', 'staging', 'prod'])('accepts Pulumi.%s.yaml as a whole file (what editors check)', (env) => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const [name, f] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: f.check });
    const validate = ajv.compile(stackFileSchema(SECRET_KEYS));
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${env}.yaml`), 'utf8')) as any;
    doc.config['agent-runtime:nacosAdminPassword'] = { secure: 'v1:abc' };
    doc.config['kubernetes:context'] = 'kind-dev';
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    doc.config['agent-runtime:gatewayHots'] = 'x';
    expect(validate(doc)).toBe(false);
  });
});

describe('--help', () => {
  test.each(Object.keys(COMMANDS))('agent-runtime %s --help prints its usage and exits 0', async (command) => {
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((m) => { out.push(String(m)); });
    try {
      expect(await main([command, '--help'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(out.join('\n')).toContain(`usage: agent-runtime ${command}`);
  });
});

test('the configuration table of docs/stacks.md is the one rendered from the schema (npm run readme updates it)', () => {
  const { configTable, withConfigTable } = require('../../stacks/config-docs');
  const readme = fs.readFileSync(path.join(ROOT, 'docs', 'stacks.md'), 'utf8');
  expect(readme).toBe(withConfigTable(readme, configTable(configSchema())));
});
