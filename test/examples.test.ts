/**
 * The README's code blocks are the files in examples/, and both run here as printed: the cdk8s
 * app synthesizes into a scratch folder, the Pulumi program runs under Pulumi's mocks.
 * (`npm run typecheck` compiles them, with `agent-runtime` resolved to the sources.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { findOne } from './support/manifest';
import { recordRegistrations, RecordedRegistration } from './support/pulumi-registrations';
import { validateAll } from './support/schema-validator';

const ROOT = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The ```ts blocks of the README. */
function tsBlocks(): string[] {
  return [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

test.each(['cdk8s-app.ts', 'pulumi-program.ts'])('the README prints examples/%s verbatim', (file) => {
  expect(tsBlocks()).toContain(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
});

test('every README block that reuses the constructs is an example file that runs here', () => {
  const files = ['cdk8s-app.ts', 'pulumi-program.ts'].map((f) => fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
  const reuse = tsBlocks().filter((b) => /from 'agent-runtime(\/pulumi)?'/.test(b));
  expect(reuse.filter((b) => !files.includes(b))).toEqual([]);
  expect(reuse).toHaveLength(files.length);
});

test('the cdk8s app runs as printed: app.synth() writes valid objects; the declared call goes through the gateway', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-app-'));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    jest.isolateModules(() => require('../examples/cdk8s-app'));
  } finally {
    process.chdir(cwd);
  }
  const objects = yaml.loadAll(fs.readFileSync(path.join(dir, 'dist', 'agents.k8s.yaml'), 'utf8')) as any[];
  expect(validateAll(objects)).toEqual([]);
  expect(findOne(objects, 'StatefulSet', 'nacos', 'nacos').spec.replicas).toBe(3);
  // The declared call is handed to the caller and goes through the gateway, never straight to the callee.
  const planner = findOne(objects, 'Deployment', 'planner', 'acme');
  const calls = planner.spec.template.spec.containers[0].env.find((e: any) => e.name === 'A2A_CALLS');
  expect(JSON.parse(calls.value).map((c: any) => c.skill)).toEqual(['web']);
  const egress = findOne(objects, 'NetworkPolicy', 'planner-egress', 'acme');
  expect(JSON.stringify(egress.spec.egress.map((r: any) => r.to))).not.toContain('search');
});

test('the Pulumi program runs as printed: one release of the chart and one AgentCard per agent, after it', async () => {
  const pulumi = require('@pulumi/pulumi');
  const registrations: RecordedRegistration[] = recordRegistrations([]);
  await pulumi.runtime.setMocks({
    newResource: (args: any) => ({ id: `${args.name}-id`, state: { ...args.inputs, version: 1 } }),
    call: (args: any) => args.inputs,
  }, 'my-agents', 'dev', false);
  pulumi.runtime.setAllConfig({
    'my-agents:jwks': '{"keys":[]}', 'my-agents:nacosEndpoint': 'http://127.0.0.1:8848', 'my-agents:nacosAdminPassword': 'example-password',
  }, ['my-agents:nacosAdminPassword']);
  const program = require('../examples/pulumi-program');
  await new Promise((resolve) => pulumi.all(program.cards).apply(resolve));
  await pulumi.runtime.disconnect();
  const release = registrations.find((r) => r.type === 'agentruntime:k8s:ChartRelease' && r.name === 'agents');
  const cards = registrations.filter((r) => r.type.endsWith(':AgentCard'));
  expect(release).toBeDefined();
  expect(cards.map((c) => c.name)).toEqual(['acme-search-agent-card']);
  expect(cards[0].dependencies.length).toBe(1);
  expect(cards[0].wire.card.name).toBe('search');
});
