/**
 * The official `@a2a-js/sdk` client against the reference agent (examples/byo-agent) running
 * as its own process on loopback: it reads the card, sends, streams and reads the task back.
 */
import type { Message, Task } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { parseSse, startExampleAgent } from './support';

let agent: Awaited<ReturnType<typeof startExampleAgent>>;
beforeAll(async () => { agent = await startExampleAgent({ A2A_AGENT: 'acme/byo-example' }); });
afterAll(async () => { await agent?.stop(); });

const message = (text: string, skillId: string): Message => ({ kind: 'message', role: 'user', messageId: `m-${skillId}-${text}`, parts: [{ kind: 'text', text }], metadata: { skillId } });

test('the official client reads the card of an SDK agent process', async () => {
  const client = await new ClientFactory().createFromUrl(agent.url);
  const card = await client.getAgentCard();
  expect(card).toMatchObject({ protocolVersion: '0.3.0', name: 'byo-example', version: '0.1.0', preferredTransport: 'JSONRPC', capabilities: { streaming: true } });
  expect(card.skills.map((s) => s.id)).toEqual(['echo', 'count', 'lookup', 'relay']);
});

test('message/send answers with one agent message', async () => {
  const client = await new ClientFactory().createFromUrl(agent.url);
  const result = await client.sendMessage({ message: message('hello', 'echo') }) as Message;
  expect(result.kind).toBe('message');
  expect(result.role).toBe('agent');
  expect(result.parts[0]).toMatchObject({ kind: 'text', text: expect.stringMatching(/^echo: hello \(trace [0-9a-f]{32}\)$/) });
});

test('message/stream streams a task: working, one artifact update per piece, completed', async () => {
  const client = await new ClientFactory().createFromUrl(agent.url);
  const events: any[] = [];
  for await (const ev of client.sendMessageStream({ message: message('3', 'count') })) events.push(ev);
  expect(events.map((e) => e.kind)).toEqual(['task', 'artifact-update', 'artifact-update', 'artifact-update', 'status-update']);
  expect(events.filter((e) => e.kind === 'artifact-update').map((e) => e.artifact.parts[0].text)).toEqual(['1', '2', '3']);
  expect(events[4]).toMatchObject({ final: true, status: { state: 'completed' } });
  // message/send of a streaming skill returns the finished task, readable with tasks/get.
  const task = await client.sendMessage({ message: message('2', 'count') }) as Task;
  expect(task).toMatchObject({ kind: 'task', status: { state: 'completed' } });
  expect(task.artifacts?.[0].parts.map((p: any) => p.text)).toEqual(['1', '2']);
  const again = await client.getTask({ id: task.id });
  expect(again.status.state).toBe('completed');
});

test('an unknown skill is a JSON-RPC error naming the skills', async () => {
  const client = await new ClientFactory().createFromUrl(agent.url);
  await expect(client.sendMessage({ message: message('x', 'nope') })).rejects.toThrow(/no skill "nope"; its skills are "echo", "count", "lookup", "relay"/);
});

test('chat answers with SSE message events and a final done event carrying the usage', async () => {
  const res = await fetch(`${agent.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi there' }] }) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const events = parseSse(await res.text());
  expect(events).toEqual([
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
