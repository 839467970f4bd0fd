/**
 * The dev stack's declarative agents on kagent's own engine: the CRs the constructs emit are
 * translated as kagent v0.9.12's controller does (support/kagent-translate.ts), and the real
 * `kagent-adk` 0.9.12 (PyPI, pinned by kagent's uv.lock; scripts/kagent-engine/install.sh) runs
 * them on loopback with a local OpenAI-compatible model, a stand-in of the kagent controller API and
 * the real MCP server `@modelcontextprotocol/server-everything` (streamable HTTP).
 *
 * The dev stack is taken as it is, plus what this run needs and the stack does not declare: the
 * support agent's MCP tools are server-everything's (`echo`, `get-sum`, `get-sum` needing
 * approval), it gets an embedding model for memory, and a declarative caller `acme/triage` calls
 * its skill. Endpoints (model, MCP server, the caller's route) are replaced by loopback ones.
 *
 * Run with `npm run test:kagent-engine` (installs the engine into ~/.cache first); without the
 * engine installed the suite fails, saying how to install it.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Testing } from 'cdk8s';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { startKagentControllerStandIn, type KagentControllerStandIn } from '../support/kagent-controller-stand-in';
import { translateAgent, type SecretData } from '../support/kagent-translate';
import { startOpenAiStandIn, type OpenAiStandIn } from '../support/openai-stand-in';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy';
import { PROVIDERS } from '../support/model-providers';
import { tenantChart } from '../constructs/_example';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');
const VENV = process.env.KAGENT_VENV ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'agent-runtime-e2e', 'kagent-venv-0.9.12');
const ENGINE = path.join(VENV, 'bin', 'kagent-adk');
const SECRETS: SecretData = {
  'acme-openai': { 'api-key': 'sk-engine-run-key' },
  'acme-kb-token': { token: 'Bearer kb-engine-run-token' },
  // What the identity controller writes into a declarative caller's token Secret.
  'triage-a2a-token': { authorization: 'Bearer triage-engine-run-token' },
};

const procs: ChildProcess[] = [];
const closers: Array<() => Promise<void>> = [];
let model: OpenAiStandIn;
let controller: KagentControllerStandIn;
let mcp: RecordingProxy;
let route: RecordingProxy;
const engines: Record<string, { url: string; config: any; logs: string[] }> = {};

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Polls `url` until it answers 2xx (at most `attempts` tries, 250 ms apart); throws with `logs` otherwise. */
async function waitFor(url: string, logs: string[], attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never answered; output:\n${logs.join('').slice(-4000)}`);
}

function start(cmd: string, args: string[], env: Record<string, string>, logs: string[]): ChildProcess {
  const p = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => { logs.push(b.toString()); if (logs.length > 2000) logs.splice(0, 1000); };
  p.stdout!.on('data', keep);
  p.stderr!.on('data', keep);
  procs.push(p);
  return p;
}

/** The dev stack with what this run adds (see the file comment). */
function devStackObjects(): any[] {
  const config = loadStackConfig('dev', ROOT) as any;
  const acme = config.tenants.find((t: any) => t.name === 'acme');
  const support = acme.agents.find((a: any) => a.name === 'support');
  support.declarative = {
    ...support.declarative,
    mcpServers: support.declarative.mcpServers.map((m: any) => ({ ...m, toolNames: ['echo', 'get-sum'], requireApproval: ['get-sum'] })),
  };
  support.memory = { embedding: { provider: 'OpenAI', model: 'text-embedding-3-small', apiKeySecret: support.declarative.model.apiKeySecret }, ttlDays: 30 };
  acme.agents.push({
    name: 'triage', description: 'Routes a request to the right specialist.', calls: ['acme/support#answer-question'],
    declarative: { model: support.declarative.model, systemMessage: 'You route requests.' },
    skills: [{ id: 'route', name: 'Route', description: 'Routes a request', tags: ['routing'] }],
  });
  return synthesizePlatform(config).charts.find((c) => c.name === 'tenant-acme')!.objects;
}

/** Starts one engine for a translated agent; loopback endpoints replace the cluster's. */
async function startEngine(agent: any, objects: any[], opts: { cardUrl?: string; port?: number } = {}) {
  const t = translateAgent(agent, objects, SECRETS);
  const config: any = { ...t.config, model: { ...t.config.model, base_url: model.url } };
  if (config.memory) config.memory.embedding.base_url = model.url;
  for (const tool of config.http_tools ?? []) tool.params.url = `${mcp.url}/mcp`;
  for (const ra of config.remote_agents ?? []) ra.url = route.url;
  const port = opts.port ?? await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kagent-${agent.metadata.name}-`));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(path.join(dir, 'agent-card.json'), JSON.stringify({ ...t.card, url: opts.cardUrl ?? `http://127.0.0.1:${port}` }));
  const logs: string[] = [];
  start(ENGINE, ['static', '--host', '127.0.0.1', '--port', String(port), '--filepath', dir], { ...t.env, KAGENT_URL: controller.url }, logs);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/.well-known/agent-card.json`, logs);
  engines[agent.metadata.name] = { url, config, logs };
}

let rpcId = 0;
async function send(agent: string, parts: any[], ids: { contextId?: string; taskId?: string } = {}): Promise<any> {
  const res = await fetch(engines[agent].url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method: 'message/send', params: { message: { kind: 'message', role: 'user', messageId: `m-${rpcId}`, parts, ...ids } } }),
  });
  const body: any = await res.json();
  if (body.error) throw new Error(`${agent}: ${JSON.stringify(body.error)}\n${engines[agent].logs.join('').slice(-3000)}`);
  return body.result;
}
const text = (o: any) => JSON.stringify(o);

beforeAll(async () => {
  if (!fs.existsSync(ENGINE)) throw new Error(`kagent-adk is not installed at ${ENGINE}; run bash scripts/kagent-engine/install.sh (or npm run test:kagent-engine)`);
  model = await startOpenAiStandIn();
  controller = await startKagentControllerStandIn();
  closers.push(model.close, controller.close);
  const mcpPort = await freePort();
  const mcpLogs: string[] = [];
  start(process.execPath, [require.resolve('@modelcontextprotocol/server-everything/dist/index.js'), 'streamableHttp'], { PORT: String(mcpPort) }, mcpLogs);
  mcp = await startRecordingProxy(`http://127.0.0.1:${mcpPort}`);
  closers.push(mcp.close);
  // server-everything answers GET /mcp without a session with 400: it is up once it answers at all.
  for (let i = 0; i < 120; i++) {
    try { await fetch(`http://127.0.0.1:${mcpPort}/mcp`); break; } catch { await new Promise((r) => setTimeout(r, 250)); }
  }
  const objects = devStackObjects();
  const declarative = objects.filter((o) => o.kind === 'Agent' && o.apiVersion === 'kagent.dev/v1alpha2');
  expect(declarative.map((a) => a.metadata.name).sort()).toEqual(['support', 'triage']);
  const supportPort = await freePort();
  // The caller's route: admits only the caller's token, then reaches the callee (the gateway's job in the cluster).
  route = await startRecordingProxy(`http://127.0.0.1:${supportPort}`, { requireAuthorization: SECRETS['triage-a2a-token'].authorization });
  closers.push(route.close);
  // Its card names the route: that is where callers send their messages.
  await startEngine(declarative.find((a) => a.metadata.name === 'support'), objects, { port: supportPort, cardUrl: route.url });
  await startEngine(declarative.find((a) => a.metadata.name === 'triage'), objects);
});

afterAll(async () => {
  for (const p of procs) if (p.pid && p.exitCode === null) p.kill('SIGTERM');
  await Promise.all(closers.map((c) => c().catch(() => undefined)));
});

test('the engine config is what kagent derives: model, MCP tool with its token and approval list, memory, the caller\'s agent tool', () => {
  const support = engines.support.config;
  expect(support.model).toMatchObject({ type: 'openai', model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 2048, top_p: 0.9, timeout: 60, headers: { 'X-Tenant': 'acme' } });
  expect(support.http_tools).toEqual([{ params: { url: `${mcp.url}/mcp`, headers: { Authorization: 'Bearer kb-engine-run-token' }, timeout: 30, terminate_on_close: true }, tools: ['echo', 'get-sum'], require_approval: ['get-sum'] }]);
  expect(support.memory).toEqual({ ttl_days: 30, embedding: { provider: 'openai', model: 'text-embedding-3-small', base_url: model.url } });
  expect(engines.triage.config.remote_agents).toEqual([{ name: 'acme__NS__support', url: route.url, headers: { Authorization: 'Bearer triage-engine-run-token' }, description: 'Answers customer support questions from the knowledge base.' }]);
});

test('the agent answers an A2A message through the model, with the key from its Secret', async () => {
  const result = await send('support', [{ kind: 'text', text: 'hello there' }]);
  expect(result.status.state).toBe('completed');
  expect(text(result)).toContain('stand-in model: hello there');
  expect(model.requests.every((r) => r.authorization === 'Bearer sk-engine-run-key')).toBe(true);
  // The engine keeps its session and task through the controller API, as the agent it is.
  expect(controller.calls.some((c) => c.method === 'POST' && c.path === '/api/sessions' && c.agent === 'acme__NS__support')).toBe(true);
});

test('it calls a tool of the real MCP server with the headersFrom Authorization', async () => {
  const result = await send('support', [{ kind: 'text', text: 'call echo {"message":"ping-42"}' }]);
  expect(result.status.state).toBe('completed');
  expect(text(result)).toContain('Echo: ping-42');
  const toolCalls = mcp.requests.filter((r) => r.method === 'POST');
  expect(toolCalls.length).toBeGreaterThan(0);
  expect(toolCalls.every((r) => r.headers.authorization === 'Bearer kb-engine-run-token')).toBe(true);
});

test('a requireApproval tool waits for approval (input-required), then runs once approved', async () => {
  const before = model.requests.length;
  const paused = await send('support', [{ kind: 'text', text: 'call get-sum {"a":2,"b":3}' }]);
  expect(paused.status.state).toBe('input-required');
  expect(text(paused)).toContain('get-sum');
  // Nothing has run yet: the model's next turn (with the tool result) has not happened.
  expect(model.requests.slice(before).some((r) => r.body.messages?.some((m: any) => m.role === 'tool'))).toBe(false);
  const done = await send('support', [{ kind: 'data', data: { decision_type: 'approve' } }], { contextId: paused.contextId, taskId: paused.id });
  expect(done.status.state).toBe('completed');
  expect(text(done)).toMatch(/tool result: .*5/);
});

test('it uses its Memory settings: save_memory embeds with the embedding model and stores through the controller', async () => {
  const offered = model.requests.filter((r) => r.body.tools).flatMap((r) => r.body.tools.map((t: any) => t.function.name));
  expect(offered).toEqual(expect.arrayContaining(['save_memory', 'load_memory']));
  const result = await send('support', [{ kind: 'text', text: 'call save_memory {"content":"the customer prefers email"}' }]);
  expect(result.status.state).toBe('completed');
  expect(model.requests.some((r) => r.body.model === 'text-embedding-3-small' && r.authorization === 'Bearer sk-engine-run-key')).toBe(true);
  expect(controller.calls.some((c) => c.method === 'POST' && c.path.startsWith('/api/memories/sessions') && text(c.body).includes('the customer prefers email'))).toBe(true);
});

test('a declarative caller calls the other agent\'s skill on its route, with its token', async () => {
  const result = await send('triage', [{ kind: 'text', text: 'call acme__NS__support {"request":"hello from triage"}' }]);
  expect(result.status.state).toBe('completed');
  expect(text(result)).toContain('stand-in model: hello from triage');
  const onRoute = route.requests.filter((r) => r.method === 'POST');
  expect(onRoute.length).toBeGreaterThan(0);
  expect(onRoute.every((r) => r.headers.authorization === 'Bearer triage-engine-run-token')).toBe(true);
});

/** Secret values for every provider's credentials (what tenantSecrets would hold). */
const PROVIDER_SECRETS: SecretData = {
  'acme-openai': { 'api-key': 'sk-x' }, 'acme-anthropic': { key: 'ak-x' }, 'acme-azure': { key: 'az-x' }, 'acme-gemini': { key: 'g-x' },
  'acme-gcp': { 'sa.json': '{}' }, 'acme-aws': { AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 'x' }, 'acme-sap': { client_id: 'c', client_secret: 's' },
};

test('the engine takes the model config of every provider (kagent-adk\'s AgentConfig and model factory)', () => {
  const configs = PROVIDERS.map(([spec]) => {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    tenant.addAgent({ name: 'helper', skills: [{ id: 'a', name: 'A', description: 'A', tags: ['a'] }], declarative: { model: spec, systemMessage: 'Help.' } });
    const objs = Testing.synth(chart) as any[];
    const t = translateAgent(objs.find((o) => o.kind === 'Agent'), objs, PROVIDER_SECRETS);
    return { provider: spec.provider, config: t.config, env: t.env };
  });
  // Builds each engine model client from its config as `kagent-adk static` does (with its env), without calling it; one process for all.
  const script = [
    'import json, os, sys',
    'from kagent.adk.types import AgentConfig, _create_llm_from_model_config',
    'out = {}',
    'for c in json.loads(sys.stdin.read()):',
    '    os.environ.update(c["env"])',
    '    try:',
    '        cfg = AgentConfig.model_validate(c["config"])',
    '        out[c["provider"]] = [type(cfg.model).__name__, type(_create_llm_from_model_config(cfg.model)).__name__]',
    '    except Exception as e:',
    '        out[c["provider"]] = ["error", repr(e)[:500]]',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(path.join(VENV, 'bin', 'python'), ['-c', script], {
    input: JSON.stringify(configs), encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() }, timeout: 180_000,
  });
  expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
  const built: Record<string, [string, string]> = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(Object.entries(built).filter(([, [kind]]) => kind === 'error')).toEqual([]);
  expect(Object.fromEntries(Object.entries(built).map(([p, [model]]) => [p, model]))).toEqual({
    OpenAI: 'OpenAI', Anthropic: 'Anthropic', AzureOpenAI: 'AzureOpenAI', Ollama: 'Ollama', Gemini: 'Gemini',
    GeminiVertexAI: 'GeminiVertexAI', AnthropicVertexAI: 'GeminiAnthropic', Bedrock: 'Bedrock', SAPAICore: 'SAPAICore',
  });
});
