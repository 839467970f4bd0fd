/**
 * The TypeScript blocks of the README and docs/ are the files in examples/, and they run here as printed: the cdk8s
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
/** Every page that exists: the README and docs/*.md. */
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))]
  .map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'));

/** The ```ts blocks of the pages. */
function tsBlocks(): string[] {
  return PAGES.flatMap((page) => [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]));
}

test.each(['cdk8s-app.ts', 'pulumi-program.ts', 'write-an-agent.ts'])('the docs print examples/%s verbatim', (file) => {
  expect(tsBlocks()).toContain(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
});

test('every TypeScript block of the README and docs/ is an example file that runs here', () => {
  const files = ['cdk8s-app.ts', 'pulumi-program.ts', 'write-an-agent.ts'].map((f) => fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
  expect(tsBlocks().filter((b) => !files.includes(b))).toEqual([]);
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
  // dependsOn the release: every resource of it (its ConfigGroup and the default ServiceAccount's patch).
  expect(cards[0].dependencies.map((d) => d.split('::').slice(-2).join('::')).sort()).toEqual([
    'agentruntime:k8s:ChartRelease$kubernetes:core/v1:ServiceAccountPatch::acme-default-patch', 'agentruntime:k8s:ChartRelease$kubernetes:yaml/v2:ConfigGroup::agents',
  ]);
  expect(cards[0].wire.card.name).toBe('search');
});

test('the README agent runs as printed: it answers a skill call and a chat on loopback', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { A2A_HOST: '127.0.0.1', A2A_PORT: '0', A2A_METRICS_PORT: '0', A2A_AGENT_CARD_FILE: path.join(os.tmpdir(), 'no-card.json') });
  let running: import('../agent').RunningAgent | undefined;
  try {
    const example: { agent: Promise<import('../agent').RunningAgent> } = require('../examples/write-an-agent');
    running = await example.agent;
    const rpc = { jsonrpc: '2.0', id: 1, method: 'message/send', params: { message: { kind: 'message', role: 'user', messageId: 'm1', parts: [{ kind: 'text', text: 'order 42' }], metadata: { skillId: 'refund' } } } };
    const answer: any = await (await fetch(`${running.url}/`, { method: 'POST', body: JSON.stringify(rpc) })).json();
    expect(answer.result.parts[0].text).toMatch(/^refund queued for order 42 \(trace [0-9a-f]{32}\)$/);
    const chat = await (await fetch(`${running.url}/`, { method: 'POST', body: JSON.stringify({ message: 'hi' }) })).text();
    expect(chat).toContain('event: message\ndata: {"text":"you asked: hi"}');
    expect(chat).toContain('event: done\ndata: {"usage":{"inputTokens":12,"outputTokens":3,"totalTokens":15}}');
  } finally {
    process.env = saved;
    await running?.close();
  }
});
