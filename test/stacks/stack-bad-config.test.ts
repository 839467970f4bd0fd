import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { synthesizePlatform } from '../../stacks/charts';
import { ConfigError, loadStackConfig, readPlatformConfig } from '../../stacks/config';
import { synthesizeToDirectory } from '../../stacks/synth-to-directory';
import { Registration, runStackWithMocks, stackConfig } from './stack-harness';

const ROOT = path.resolve(__dirname, '..', '..');
const devFile = (): any => yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.dev.yaml'), 'utf8'));
const devValues = (): Record<string, any> => Object.fromEntries(Object.entries(devFile().config).map(([k, v]) => [k.replace(/^agent-runtime:/, ''), v]));

/** The message of the error synth of the dev config, changed by `mutate`, fails with (both synth paths agree). */
async function failure(mutate: (c: Record<string, any>) => void): Promise<string> {
  const values = structuredClone(devValues());
  mutate(values);
  let sequential = '';
  try {
    synthesizePlatform(readPlatformConfig('dev', values));
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    sequential = (e as Error).message;
  }
  expect(sequential).not.toBe('');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-config-'));
  let threaded = '';
  try {
    await synthesizeToDirectory(readPlatformConfig('dev', values), dir);
  } catch (e) {
    threaded = (e as Error).message;
  }
  expect(threaded.split('\n').sort()).toEqual(sequential.split('\n').sort());
  return sequential;
}

/** The message loading the stack file `doc` (as YAML) fails with. */
function fileFailure(doc: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-file-'));
  fs.writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), yaml.dump(doc));
  try {
    loadStackConfig('dev', dir);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the stack file was accepted');
}

test('a bad configuration fails before any resource is registered', async () => {
  const config = stackConfig('prod', (v) => { v.nacos.replicas = 4; });
  const registrations: Registration[] = [];
  await expect(runStackWithMocks('prod', config, registrations))
    .rejects.toThrow('agent-runtime:nacos.replicas: 4 is not allowed; use an odd number');
  expect(registrations).toEqual([]);
});

test('three construct errors and one schema error of one config are reported together, each under its config key', async () => {
  const message = await failure((c) => {
    c.tenants[0].agents[1].scaling.maxReplicas = 1; // construct: below minReplicas
    c.tenants[0].sandboxPools[0].lifetimeSeconds = 30; // construct: below a minute
    c.tenants[1].canaries[0].traffic = { weight: 140 }; // construct (the canary's own prop)
    c.tenants[0].agents[0].declarative.model.temprature = 0.3; // schema: a misspelt key (that item is not built)
  });
  expect(message.split('\n').sort()).toEqual([
    'agent-runtime:tenants[0].agents[0].declarative.model.temprature is not a known key; did you mean "temperature"? Known keys here: provider, model, apiKeySecret, baseUrl, temperature, topP, topK, maxTokens, timeoutSeconds, organization, frequencyPenalty, presencePenalty, seed, n, reasoningEffort, azureEndpoint, apiVersion, azureDeployment, host, options, projectId, location, stopSequences, maxOutputTokens, candidateCount, responseMimeType, region, bedrockAuth, additionalModelRequestFields, promptCaching, cacheTtl, resourceGroup, authUrl, headers',
    'agent-runtime:tenants[0].agents[1].scaling.maxReplicas: 1 is below minReplicas 2 (or 1); use at least 2',
    'agent-runtime:tenants[0].sandboxPools[0].lifetimeSeconds: 30 is not allowed; use a whole number of seconds >= 60',
    'agent-runtime:tenants[1].canaries[0].traffic.weight: 140 is not allowed; use an integer from 0 to 100 (0 rolls back)',
  ].sort());
});

describe('problems of an agent with a canary name the key the user wrote', () => {
  test.each<[string, (c: Record<string, any>) => void, string]>([
    ['a shared prop (the agent\'s item)', (c) => { c.tenants[1].agents[0].scaling = { minReplicas: 3, maxReplicas: 2 }; },
      'agent-runtime:tenants[1].agents[0].scaling.maxReplicas: 2 is below minReplicas 3 (or 1); use at least 3'],
    ['the canary version\'s image', (c) => { c.tenants[1].canaries[0].canary.byo.image = 'ghcr.io/globex/researcher:latest'; },
      'agent-runtime:tenants[1].canaries[0].canary.byo.image: "ghcr.io/globex/researcher:latest" is not pinned'],
    ['the stable version (the agent\'s version)', (c) => { c.tenants[1].agents[0].version = 'v0.1'; },
      'agent-runtime:tenants[1].agents[0].version: "v0.1" is not allowed; use a semantic version MAJOR.MINOR.PATCH'],
  ])('%s', async (_name, mutate, expected) => {
    const message = await failure(mutate);
    expect(message).toContain(expected);
    expect(message).not.toContain('canaries[0]: ');
  });
});

describe('synth-time problems name the config key, not a construct path', () => {
  test.each<[string, (c: Record<string, any>) => void, string]>([
    ['an unknown skill', (c) => { c.tenants[0].agents[1].calls = ['acme/support#nope']; },
      'agent-runtime:tenants[0].agents[1].calls[0]: "acme/support#nope" cannot be made: agent "acme/support" has no skill "nope"'],
    ['an unknown agent', (c) => { c.tenants[0].agents[1].calls = ['globex/nobody#web-search']; },
      'agent-runtime:tenants[0].agents[1].calls[0]: "globex/nobody#web-search" cannot be made: no agent "globex/nobody" is known'],
    ['an undeployed pinned version', (c) => { c.tenants[0].agents[1].calls = ['globex/researcher#web-search@9.9.9']; },
      'agent-runtime:tenants[0].agents[1].calls[0]: "globex/researcher#web-search@9.9.9" pins version "9.9.9" of "globex/researcher", which is not deployed'],
    ['missing consent', (c) => { c.tenants[1].agents[0].allowedCallers = []; },
      'agent-runtime:tenants[1].agents[0].allowedCallers does not let agent "acme/orchestrator" call "globex/researcher"'],
  ])('%s', async (_name, mutate, expected) => {
    const message = await failure(mutate);
    expect(message).toContain(expected);
    expect(message).not.toMatch(/\[tenant-|tenant-acme\/|tenant-globex\//);
  });
});

describe('misleading or silent cases', () => {
  test.each<[string, (c: Record<string, any>) => void, string]>([
    ['a tenant in capitals called by its name', (c) => { c.tenants[0].agents[1].calls = ['Globex/researcher#web-search']; },
      'agent-runtime:tenants[0].agents[1].calls[0]: "Globex/researcher#web-search" has capitals; tenant, agent and skill names are lowercase DNS labels'],
    ['a registry written as a URL', (c) => { c.allowedRegistries = ['https://ghcr.io', 'docker.io/nacos', 'nacos']; },
      'agent-runtime:allowedRegistries[0]: "https://ghcr.io" is not a registry prefix of image references (no scheme, no trailing "/", lowercase); write "ghcr.io"'],
    ['an MCP timeout without a unit', (c) => { c.tenants[0].agents[0].declarative.mcpServers[0].timeout = '20'; },
      'agent-runtime:tenants[0].agents[0].declarative.mcpServers[0].timeout: "20" is not a duration kagent reads; write a number with a unit, e.g. "20s"'],
    ['a Nacos heap over its memory limit', (c) => { c.nacos.heap = '4g'; },
      'agent-runtime:nacos.heap: "4g" does not fit the memory limit 1Gi (nacos.resources.memory)'],
    ['allowedCallers naming an agent that does not exist', (c) => { c.tenants[1].agents[0].allowedCallers = ['acme/orchestrator', 'acme/orchestrater']; },
      'agent-runtime:tenants[1].agents[0].allowedCallers[1]: "acme/orchestrater" names an agent that does not exist (known: "acme/orchestrator", "acme/support"); fix the name or remove it'],
    ['allowedCallers naming a tenant that does not exist', (c) => { c.tenants[1].agents[0].allowedCallers = ['acme/orchestrator', 'initech']; },
      'agent-runtime:tenants[1].agents[0].allowedCallers[1]: "initech" names a tenant that does not exist'],
    ['a version with a "v"', (c) => { c.tenants[0].agents[0].version = 'v0.1'; },
      'agent-runtime:tenants[0].agents[0].version: "v0.1" is not allowed; use a semantic version MAJOR.MINOR.PATCH (pre-release "-rc.1" allowed, no "v", no "+build", at most 63 characters), e.g. "0.1.0"'],
  ])('%s', async (_name, mutate, expected) => {
    expect(await failure(mutate)).toContain(expected);
  });
});

describe('the stack file as written', () => {
  test.each<[string, (doc: any) => void, string]>([
    ['a secret in plain text (tenantSecrets)', (d) => { d.config['agent-runtime:tenantSecrets'] = { 'acme/acme-openai/api-key': 'sk-123' }; },
      'agent-runtime:tenantSecrets is a secret and Pulumi.dev.yaml holds it in plain text; remove it from the file and set it with `pulumi config set --secret tenantSecrets <value>`'],
    ['a secret in plain text (nacosAdminPassword)', (d) => { d.config['agent-runtime:nacosAdminPassword'] = 'hunter2'; },
      'set it with `pulumi config set --secret nacosAdminPassword <value>`'],
    ['a key without the project prefix', (d) => { d.config.nacos = d.config['agent-runtime:nacos']; delete d.config['agent-runtime:nacos']; },
      'Pulumi.dev.yaml: config key "nacos" has no project prefix, so Pulumi does not give it to this project; write `agent-runtime:nacos`'],
    ['a misspelt project prefix', (d) => { d.config['agent_runtime:maxRetries'] = 2; },
      'Pulumi.dev.yaml: config key "agent_runtime:maxRetries" is not in project "agent-runtime" (prefix "agent_runtime:"); write `agent-runtime:maxRetries`'],
    ['a key outside config:', (d) => { d['agent-runtime:maxRetries'] = 2; },
      'Pulumi.dev.yaml: top-level key "agent-runtime:maxRetries" is not read by Pulumi; it is a config key: move it under `config:` as `agent-runtime:maxRetries`'],
  ])('%s is refused', (_name, mutate, expected) => {
    const doc = devFile();
    mutate(doc);
    expect(fileFailure(doc)).toContain(expected);
  });

  test('a required key outside config: is reported where it is, with what else is wrong', () => {
    const doc = devFile();
    doc['agent-runtime:gatewayHost'] = doc.config['agent-runtime:gatewayHost'];
    delete doc.config['agent-runtime:gatewayHost'];
    const message = fileFailure(doc);
    expect(message).toContain('top-level key "agent-runtime:gatewayHost" is not read by Pulumi; it is a config key: move it under `config:`');
    expect(message).toContain('agent-runtime:gatewayHost is required');
  });

  test('a secret set with --secret is accepted, and other providers\' keys are theirs', () => {
    const doc = devFile();
    doc.config['agent-runtime:nacosAdminPassword'] = { secure: 'v1:abc' };
    doc.config['kubernetes:context'] = 'kind-dev';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'good-file-'));
    fs.writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), yaml.dump(doc));
    expect(() => loadStackConfig('dev', dir)).not.toThrow();
  });
});
