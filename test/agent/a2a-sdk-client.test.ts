/**
 * The official `@a2a-js/sdk` 1.x client against the reference agent (examples/byo-agent) running
 * as its own process on loopback, in strict 1.0 mode (the default: `A2A-Version: 1.0`, PascalCase
 * methods, both bindings) and in 0.3 mode (the SDK's compatibility transports, which speak
 * `message/send` and friends without the version header): card, send, stream, get task, cancel.
 */
import { AgentCard, Message, Part, Role, TaskState } from '@a2a-js/sdk';
import { Client, ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory, RestTransportFactory, Transport } from '@a2a-js/sdk/client';
import { LegacyJsonRpcTransport, LegacyRestTransport } from '@a2a-js/sdk/compat/v0_3/client';
import { parseSse, startExampleAgent } from './support';

let agent: Awaited<ReturnType<typeof startExampleAgent>>;
beforeAll(async () => { agent = await startExampleAgent({ A2A_AGENT: 'acme/byo-example' }); });
afterAll(async () => { await agent?.stop(); });

const text = (t: string): Part => ({ content: { $case: 'text', value: t }, metadata: undefined, filename: '', mediaType: '' });
const data = (d: Record<string, unknown>): Part => ({ content: { $case: 'data', value: d }, metadata: undefined, filename: '', mediaType: '' });
let n = 0;
const message = (skillId: string | undefined, ...parts: Part[]): Message => ({
  messageId: `m-${++n}`, contextId: '', taskId: '', role: Role.ROLE_USER, parts, metadata: skillId ? { skillId } : undefined, extensions: [], referenceTaskIds: [],
});
const request = (m: Message) => ({ tenant: '', message: m, configuration: undefined, metadata: undefined });
const textOf = (parts: Part[] = []) => parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');

/** A transport of each mode, all against the same agent process. */
const modes: Array<[string, () => Promise<Transport | Client>]> = [
  ['1.0 JSON-RPC (strict client)', () => new ClientFactory().createFromUrl(agent.url)],
  ['1.0 HTTP+JSON (strict client)', () => new ClientFactory({ ...ClientFactory.prototype, transports: [new RestTransportFactory(), new JsonRpcTransportFactory()], preferredTransports: ['HTTP+JSON'] } as any).createFromUrl(agent.url)],
  ['0.3 JSON-RPC (compat transport)', async () => new LegacyJsonRpcTransport({ endpoint: `${agent.url}/` })],
  ['0.3 HTTP+JSON (compat transport)', async () => new LegacyRestTransport({ endpoint: agent.url })],
];

test('strict 1.0: the card is a 1.0 card with 1.0 and 0.3 interfaces on both bindings', async () => {
  const client = await new ClientFactory().createFromUrl(agent.url);
  const card: AgentCard = await client.getAgentCard();
  expect(card).toMatchObject({ name: 'byo-example', version: '0.1.0', capabilities: { streaming: true } });
  expect(card.supportedInterfaces.map((i) => `${i.protocolBinding} ${i.protocolVersion}`)).toEqual(['JSONRPC 1.0', 'HTTP+JSON 1.0', 'JSONRPC 0.3', 'HTTP+JSON 0.3']);
  expect(card.skills.map((s) => s.id)).toEqual(['echo', 'count', 'lookup', 'relay']);
});

test('0.3 mode: the card resolver in compat mode and a 0.3 reader get a card they use', async () => {
  const card = await new DefaultAgentCardResolver({ legacyCompat: { enabled: true } }).resolve(agent.url);
  expect(card.supportedInterfaces.some((i) => i.protocolVersion === '0.3')).toBe(true);
  const legacy = await (await fetch(`${agent.url}/.well-known/agent-card.json`)).json();
  expect(legacy).toMatchObject({ protocolVersion: '0.3.0', url: `${agent.url}/`, preferredTransport: 'JSONRPC', name: 'byo-example' });
});

describe.each(modes)('%s', (_mode, open) => {
  test('send: a message skill answers with one agent message', async () => {
    const t = await open();
    const result = await t.sendMessage(request(message('echo', text('hello')))) as Message;
    expect(result.role).toBe(Role.ROLE_AGENT);
    expect(textOf(result.parts)).toMatch(/^echo: hello \(trace [0-9a-f]{32}\)$/);
  });

  test('send naming no skill goes to the default skill (the first)', async () => {
    const t = await open();
    const result = await t.sendMessage(request(message(undefined, text('hi')))) as Message;
    expect(textOf(result.parts)).toMatch(/^echo: hi/);
  });

  test('stream: a task, one artifact update per piece, a final completed status; get task reads it back', async () => {
    const t = await open();
    const events = [];
    for await (const ev of t.sendMessageStream(request(message('count', text('3'))))) events.push(ev);
    expect(events.map((e) => e.payload?.$case)).toEqual(['task', 'artifactUpdate', 'artifactUpdate', 'artifactUpdate', 'statusUpdate']);
    expect(events.flatMap((e) => (e.payload?.$case === 'artifactUpdate' ? [textOf(e.payload.value.artifact?.parts)] : []))).toEqual(['1', '2', '3']);
    const last = events[4].payload!;
    expect(last.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const taskId = events[0].payload?.$case === 'task' ? events[0].payload.value.id : '';
    const task = await t.getTask({ tenant: '', id: taskId });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.artifacts[0].parts.map((p) => textOf([p]))).toEqual(['1', '2', '3']);
  });

  test('stream of a message skill still ends with a final status update', async () => {
    const t = await open();
    const events = [];
    for await (const ev of t.sendMessageStream(request(message('echo', text('x'))))) events.push(ev);
    const last = events[events.length - 1].payload!;
    expect(last.$case).toBe('statusUpdate');
    expect(last.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  test('cancel: a running task is canceled and its stream ends with the canceled status', async () => {
    const t = await open();
    const it = t.sendMessageStream(request(message('count', data({ n: 100, intervalMs: 50 }))))[Symbol.asyncIterator]();
    const first = (await it.next()).value!;
    const taskId = first.payload?.$case === 'task' ? first.payload.value.id : '';
    const canceled = await t.cancelTask({ tenant: '', id: taskId, metadata: undefined });
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    let last: any;
    for (let r = await it.next(); !r.done; r = await it.next()) last = r.value;
    expect(last?.payload?.value?.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect((await t.getTask({ tenant: '', id: taskId })).status?.state).toBe(TaskState.TASK_STATE_CANCELED);
  });

  test('an unknown skill is an error naming the skills', async () => {
    const t = await open();
    await expect(t.sendMessage(request(message('nope', text('x'))))).rejects.toThrow(/no skill "nope"; its skills are "echo", "count", "lookup", "relay"/);
  });

  test('get task of an unknown id is TaskNotFound', async () => {
    const t = await open();
    await expect(t.getTask({ tenant: '', id: 'no-such-task' })).rejects.toThrow(/not found/i);
  });
});

test('chat answers with SSE message events and a final done event carrying the usage', async () => {
  const res = await fetch(`${agent.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi there' }] }) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  expect(parseSse(await res.text())).toEqual([
    { event: 'message', data: { text: 'you said:' } },
    { event: 'message', data: { text: 'hi there' } },
    { event: 'done', data: { usage: { inputTokens: 2, outputTokens: 2, totalTokens: 4 } } },
  ]);
});

test('health endpoints answer and SIGTERM ends the process cleanly', async () => {
  expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${agent.url}/readyz`)).status).toBe(200);
  expect(await agent.stop()).toBe(0);
});
