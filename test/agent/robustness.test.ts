/**
 * Every bound of the SDK, tried as an attacker would, each with a small configured limit. Nothing
 * here measures time: a test waits for the event the bound causes (a 413, a close, an error),
 * which on an unbounded server never comes (the test then fails on jest's timeout).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { RunningAgent, SkillCallError, SkillClient } from '../../agent';
import { skillErrorLog } from '../../agent/skill-executor';
import { BoundedTaskStore } from '../../agent/task-store';
import { forward, parseSse, rpcSend, rpcSendV1, startAgent, startGateway } from './support';

jest.setTimeout(30_000);

let agent: RunningAgent;
/** The same body limit with time limits no test reaches: the size bound alone ends its reads, however loaded the machine. */
let sizeOnly: RunningAgent;
const logged: string[] = [];
const realWrite = skillErrorLog.write;
beforeAll(async () => {
  skillErrorLog.write = (line) => { logged.push(line); };
  agent = await startAgent({
    env: { A2A_AGENT: 'acme/probe' },
    maxBodyBytes: 4096,
    timeouts: { headersMs: 300, bodyMs: 300, idleMs: 500, keepAliveMs: 200 },
    taskStore: { maxTasks: 3 },
    skills: {
      echo: async ({ text }) => `echo: ${text}`,
      steps: async function* ({ text }) { yield `step ${text}`; },
      boom: async () => { throw new Error('db password hunter2 rejected'); },
      hang: (_i, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve('gone'))),
    },
  });
  sizeOnly = await startAgent({
    env: { A2A_AGENT: 'acme/probe' },
    maxBodyBytes: 4096,
    timeouts: { headersMs: 600_000, bodyMs: 600_000, idleMs: 600_000 },
    skills: { echo: async ({ text }) => `echo: ${text}` },
  });
});
afterAll(async () => {
  skillErrorLog.write = realWrite;
  await agent?.close();
  await sizeOnly?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) => fetch(`${agent.url}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Raw socket to the agent; resolves with what came back once the server closed it. */
function rawUntilClosed(write: (s: net.Socket) => void, to: RunningAgent = agent): Promise<string> {
  const { port } = new URL(to.url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), '127.0.0.1', () => write(s));
    let got = '';
    s.on('data', (c) => { got += c; });
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });
}

describe('serveAgent', () => {
  test('the task store keeps at most maxTasks: the oldest task is gone, the newest kept', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r: any = await (await post({ ...rpcSendV1(`${i}`, i, { skillId: 'steps' }) }, { 'A2A-Version': '1.0' })).json();
      ids.push(r.result.task.id);
    }
    const get = async (id: string) => (await (await post({ jsonrpc: '2.0', id: 'g', method: 'GetTask', params: { id } }, { 'A2A-Version': '1.0' })).json()) as any;
    expect((await get(ids[0])).error).toMatchObject({ code: -32001 });
    expect((await get(ids[4])).result.status.state).toBe('TASK_STATE_COMPLETED');
  });

  test('the task store drops tasks older than the TTL (clock injected)', async () => {
    let now = 0;
    const store = new BoundedTaskStore({ maxTasks: 10, ttlMs: 1000 }, () => now);
    const task = { id: 't1', contextId: 'c', status: undefined, artifacts: [], history: [], metadata: undefined };
    await store.save(task, undefined as any);
    now = 999;
    expect(await store.load('t1', undefined as any)).toBeDefined();
    now = 1001;
    expect(await store.load('t1', undefined as any)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  test('a body over maxBodyBytes stops the read: 413, then the connection is closed while the client still sends', async () => {
    let written = 0;
    const got = await rawUntilClosed((s) => {
      s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        // An endless body (capped at 64 MiB so an unbounded server ends too, and fails the size check below).
        while (!s.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) return void s.once('drain', pump);
        }
        if (!s.destroyed) s.end('0\r\n\r\n');
      };
      pump();
    }, sizeOnly);
    expect(got).toMatch(/^HTTP\/1\.1 413/);
    expect(got).toContain('"jsonrpc":"2.0"');
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  test('a declared content-length over the limit is refused before any body is read', async () => {
    const got = await rawUntilClosed((s) => s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{'), sizeOnly);
    expect(got).toMatch(/^HTTP\/1\.1 413/);
  });

  test('a slow body is cut off (timeouts.bodyMs): 408 and closed', async () => {
    const got = await rawUntilClosed((s) => s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"jsonrpc"'));
    expect(got).toMatch(/^HTTP\/1\.1 408/);
  });

  test('slow headers are cut off (timeouts.headersMs)', async () => {
    const got = await rawUntilClosed((s) => s.write('POST / HTTP/1.1\r\nHost: x\r\n'));
    expect(got === '' || /^HTTP\/1\.1 408/.test(got)).toBe(true);
  });

  test('a connection that never sends a request is closed', async () => {
    expect(await rawUntilClosed(() => undefined)).toMatch(/^(HTTP\/1\.1 408|)$/m);
  });

  test('a call whose answer never comes is closed once the connection is idle (timeouts.idleMs)', async () => {
    const body = JSON.stringify(rpcSend('x', 'h', { skillId: 'hang' }));
    const got = await rawUntilClosed((s) => s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
    expect(got).toBe('');
  });

  test('every error is a JSON-RPC error carrying the request\'s id', async () => {
    expect(await (await post([rpcSend('x', 1)])).json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
    expect(await (await post({ jsonrpc: '2.0', id: 'no-method' })).json()).toMatchObject({ id: 'no-method', error: { code: -32600 } });
    expect(await (await post('{not json')).json()).toMatchObject({ id: null, error: { code: -32700 } });
    expect(await (await post({ jsonrpc: '2.0', id: 41, method: 'tasks/nope', params: {} })).json()).toMatchObject({ id: 41, error: { code: -32601 } });
    expect(await (await post({ jsonrpc: '2.0', id: 'v', method: 'SendMessage', params: {} }, { 'A2A-Version': '2.0' })).json()).toMatchObject({ id: 'v', error: { code: -32009 } });
    expect(await (await post({ jsonrpc: '2.0', id: 0, method: 'tasks/get', params: { id: 'nope' } })).json()).toMatchObject({ id: 0, error: { code: -32001 } });
  });

  test('message/stream always answers text/event-stream, errors included', async () => {
    const bad = await post({ jsonrpc: '2.0', id: 's1', method: 'message/stream', params: { message: { kind: 'message', role: 'user', messageId: 'm', parts: [{ kind: 'text', text: 'x' }], metadata: { skillId: 'nope' } } } });
    expect(bad.headers.get('content-type')).toBe('text/event-stream');
    expect(parseSse(await bad.text())).toEqual([{ event: 'error', data: expect.objectContaining({ id: 's1', error: expect.objectContaining({ code: -32602 }) }) }]);
    const wrongVersion = await post({ jsonrpc: '2.0', id: 's2', method: 'SendStreamingMessage', params: {} }, { 'A2A-Version': '9.9' });
    expect(wrongVersion.headers.get('content-type')).toBe('text/event-stream');
    expect(parseSse(await wrongVersion.text())[0].data).toMatchObject({ id: 's2', error: { code: -32009 } });
  });

  test('a failing skill is logged with a correlation id; the caller gets only a generic message with that id', async () => {
    const r: any = await (await post(rpcSend('x', 'b', { skillId: 'boom' }))).json();
    const said = JSON.stringify(r);
    expect(said).not.toContain('hunter2');
    const id = /correlation id ([0-9a-f-]{36})/.exec(said)?.[1];
    expect(id).toBeDefined();
    const line = logged.map((l) => JSON.parse(l)).find((l) => l.correlationId === id);
    expect(line).toMatchObject({ skill: 'boom', error: expect.stringContaining('hunter2') });
  });
});

describe('callSkill', () => {
  const gateways: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => { for (const g of gateways) await g.close(); });
  async function via(respond: Parameters<typeof startGateway>[0], setting: Record<string, unknown> = {}) {
    const gw = await startGateway(respond);
    gateways.push(gw);
    const ref = 'acme/probe#echo';
    return { gw, ref, client: new SkillClient({ A2A_CALLS: JSON.stringify([{ ref, url: `${gw.url}/api/v1/internal/a2a/acme/probe/echo`, protocolVersion: '0.3', ...setting }]) }, 0) };
  }
  const failure = async (p: Promise<unknown>) => p.then(() => { throw new Error('the call succeeded'); }, (e) => e as SkillCallError);

  test('a reply over maxReplyBytes fails the call without being buffered whole', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { kind: 'message', role: 'agent', messageId: 'm', parts: [{ kind: 'text', text: 'x'.repeat(4 * 1024 * 1024) }] } });
    const { client, ref } = await via((_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(big), { maxReplyBytes: 64 * 1024 });
    const e = await failure(client.call(ref, 'x'));
    expect(e).toBeInstanceOf(SkillCallError);
    expect(e).toMatchObject({ reason: 'too_large' });
  });

  test('the same without a content-length (chunked): cut at the bound', async () => {
    const { client, ref } = await via((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jsonrpc":"2.0","id":1,"result":{"kind":"message","role":"agent","messageId":"m","parts":[{"kind":"text","text":"');
      const pump = () => { while (!res.destroyed && res.write('x'.repeat(16384))); if (!res.destroyed) res.once('drain', pump); };
      pump();
    }, { maxReplyBytes: 64 * 1024 });
    expect(await failure(client.call(ref, 'x'))).toMatchObject({ reason: 'too_large' });
  });

  test('a stream that never ends is cut at streamTimeoutSeconds', async () => {
    const { client, ref } = await via((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id: 1, result: { kind: 'task', id: 't', contextId: 'c', status: { state: 'working' } } })}\n\n`);
      // ...and nothing more, the connection held open
    }, { streamTimeoutSeconds: 0.3, timeoutSeconds: 30 });
    const e = await failure((async () => { for await (const _ev of client.call(ref, 'x', { stream: true })) void _ev; })());
    expect(e).toMatchObject({ reason: 'timeout' });
    expect(e.message).toMatch(/streamTimeoutSeconds/);
  });

  test('a redirect to another origin is refused: nothing reaches the other host', async () => {
    const other = await startGateway((_q, res) => res.end('{}'));
    gateways.push(other);
    const { client, ref } = await via((_q, res) => res.writeHead(307, { location: `${other.url}/steal` }).end());
    const e = await failure(client.call(ref, 'x'));
    expect(e).toMatchObject({ reason: 'http', status: 307 });
    expect(e.message).toMatch(/another origin/);
    expect(other.seen).toEqual([]);
  });

  test('a same-origin 307 is followed', async () => {
    const target = agent.url;
    const { client, ref } = await via((req, res, body) => (req.url!.endsWith('/moved') ? forward(target)(req, res, body) : res.writeHead(307, { location: '/moved' }).end()));
    expect((await client.call(ref, 'hi')).text).toBe('echo: hi');
  });
});

test('the server answers a request whose socket stays open only within the limits (no leak of open requests)', async () => {
  // A keep-alive client that sends one request then idles: the server closes it after keepAliveMs.
  const { port } = agent.url.match(/:(?<port>\d+)$/)!.groups!;
  const closed = await new Promise<boolean>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: Number(port), path: '/healthz', agent: new http.Agent({ keepAlive: true }) }, (res) => {
      res.resume();
      res.on('end', () => req.socket?.once('close', () => resolve(true)));
    });
    req.end();
  });
  expect(closed).toBe(true);
  void (agent as unknown as { address?: AddressInfo });
});
