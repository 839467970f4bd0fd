/**
 * callSkill's timeout, retries and fallback, exactly as declared, against a callee that answers
 * 503, never answers, or drops the connection. Every assertion counts requests on the wire; none
 * measures time (a "slow" callee is one that never answers, so only the timeout can end the try).
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { RunningAgent, SkillCallError, SkillClient } from '../../agent';
import { forward, startAgent, startGateway, tempDir } from './support';

let b: RunningAgent;
const gateways: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  b = await startAgent({
    env: { A2A_AGENT: 'acme/writer' },
    skills: {
      draft: async ({ text }) => `draft: ${text}`,
      stream: async function* () { yield 'one'; yield 'two'; },
    },
  });
});
afterAll(async () => {
  for (const g of gateways) await g.close();
  await b?.close();
});

type Respond = Parameters<typeof startGateway>[0];
const ok: Respond = (req, res, body) => forward(b.url)(req, res, body);
const busy = (res: http.ServerResponse) => res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream busy');
const hang = (_res: http.ServerResponse) => undefined; // never answers
const drop = (req: http.IncomingMessage) => req.socket.destroy();

/** A callee behind a recording route, and a client whose A2A_CALLS entry points at it. */
async function setup(respond: Respond, setting: Record<string, unknown>, skill = 'draft') {
  const gw = await startGateway(respond, b.url);
  gateways.push(gw);
  const ref = `acme/writer#${skill}`;
  const client = new SkillClient({ A2A_CALLS: JSON.stringify([{ ref, url: `${gw.url}/api/v1/internal/a2a/acme/writer/${skill}`, ...setting }]) }, 0);
  return { gw, client, ref };
}

async function failure(p: Promise<unknown>): Promise<SkillCallError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SkillCallError);
    return e as SkillCallError;
  }
  throw new Error('the call succeeded');
}

test('503 is retried up to `retries` times, then succeeds', async () => {
  const { gw, client, ref } = await setup((req, res, body, n) => (n <= 2 ? busy(res) : ok(req, res, body, n)), { retries: 2 });
  expect((await client.call(ref, 'x')).text).toBe('draft: x');
  expect(gw.seen).toHaveLength(3);
});

test('503 on every try fails after exactly 1 + retries attempts, naming the status', async () => {
  const { gw, client, ref } = await setup((_q, res) => busy(res), { retries: 1 });
  const e = await failure(client.call(ref, 'x'));
  expect(e).toMatchObject({ reason: 'http', status: 503, attempts: 2 });
  expect(e.message).toMatch(/HTTP 503/);
  expect(gw.seen).toHaveLength(2);
});

test('no retries by default', async () => {
  const { gw, client, ref } = await setup((_q, res) => busy(res), {});
  expect(await failure(client.call(ref, 'x'))).toMatchObject({ reason: 'http', attempts: 1 });
  expect(gw.seen).toHaveLength(1);
});

test('a callee that never answers is cut at the timeout, and each try gets its own timeout', async () => {
  const { gw, client, ref } = await setup((_q, res) => hang(res), { timeoutSeconds: 1, retries: 1 });
  expect(await failure(client.call(ref, 'x'))).toMatchObject({ reason: 'timeout', attempts: 2 });
  expect(gw.seen).toHaveLength(2);
});

test('a dropped connection is retried (retryOn "error"), then succeeds', async () => {
  const { gw, client, ref } = await setup((req, res, body, n) => (n === 1 ? drop(req) : ok(req, res, body, n)), { retries: 1 });
  expect((await client.call(ref, 'x')).text).toBe('draft: x');
  expect(gw.seen).toHaveLength(2);
});

test('retryOn limits what is retried: a drop is not retried when only http_503 is listed', async () => {
  const { gw, client, ref } = await setup((req) => drop(req), { retries: 3, retryOn: ['http_503'] });
  expect(await failure(client.call(ref, 'x'))).toMatchObject({ reason: 'connection', attempts: 1 });
  expect(gw.seen).toHaveLength(1);
});

test('the pinned version fails on every try, then the fallback version answers', async () => {
  const respond: Respond = (req, res, body, n) => (req.headers['x-a2a-skill-version'] === '2.0.0' ? busy(res) : ok(req, res, body, n));
  const { gw, client, ref } = await setup(respond, { headers: { 'X-A2A-Skill-Version': '2.0.0' }, fallbackHeaders: { 'X-A2A-Skill-Version': '1.0.0' }, retries: 1 });
  expect((await client.call(ref, 'x')).text).toBe('draft: x');
  expect(gw.seen.map((s) => s.headers['x-a2a-skill-version'])).toEqual(['2.0.0', '2.0.0', '1.0.0']);
});

test('the fallback is taken after a timeout and after a drop, but not after a 404', async () => {
  const byVersion = (bad: (req: http.IncomingMessage, res: http.ServerResponse) => void): Respond =>
    (req, res, body, n) => (req.headers['x-a2a-skill-version'] === '2.0.0' ? bad(req, res) : ok(req, res, body, n));
  const pin = { version: '2.0.0', fallback: { version: '1.0.0' }, timeoutSeconds: 1 };
  const slow = await setup(byVersion((_q, res) => hang(res)), pin);
  expect((await slow.client.call(slow.ref, 'x')).text).toBe('draft: x');
  expect(slow.gw.seen.map((s) => s.headers['x-a2a-skill-version'])).toEqual(['2.0.0', '1.0.0']);
  const dropped = await setup(byVersion((req) => drop(req)), pin);
  expect((await dropped.client.call(dropped.ref, 'x')).text).toBe('draft: x');
  expect(dropped.gw.seen).toHaveLength(2);
  const missing = await setup(byVersion((_q, res) => res.writeHead(404).end('no route')), pin);
  expect(await failure(missing.client.call(missing.ref, 'x'))).toMatchObject({ reason: 'http', status: 404, attempts: 1 });
  expect(missing.gw.seen).toHaveLength(1);
});

test('a JSON-RPC error is the callee\'s answer: never retried', async () => {
  const rpcError: Respond = (_q, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad input' } }));
  const { gw, client, ref } = await setup(rpcError, { retries: 3, fallbackHeaders: { 'X-A2A-Skill-Version': '1.0.0' } });
  expect(await failure(client.call(ref, 'x'))).toMatchObject({ reason: 'a2a_error', attempts: 1 });
  expect(gw.seen).toHaveLength(1);
});

test('a stream is retried until its first event, then passed through', async () => {
  const { gw, client, ref } = await setup((req, res, body, n) => (n === 1 ? busy(res) : ok(req, res, body, n)), { retries: 1 }, 'stream');
  const texts: string[] = [];
  for await (const ev of client.call(ref, 'x', { stream: true })) if (ev.text) texts.push(ev.text);
  expect(texts).toEqual(['one', 'two']);
  expect(gw.seen).toHaveLength(2);
});

test('a stream dropped after its first event fails without a retry (events cannot be unsent)', async () => {
  const cut: Respond = (_q, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id: 1, result: { artifactUpdate: { taskId: 't', contextId: 'c', artifact: { artifactId: 'r', parts: [{ text: 'half' }] } } } })}\n\n`);
    setImmediate(() => res.socket?.destroy());
  };
  const { gw, client, ref } = await setup(cut, { retries: 3 }, 'stream');
  const texts: string[] = [];
  const e = await failure((async () => { for await (const ev of client.call(ref, 'x', { stream: true })) texts.push(ev.text); })());
  expect(e.reason).toBe('connection');
  expect(texts).toEqual(['half']);
  expect(gw.seen).toHaveLength(1);
});

test('settings errors name the variable and the fix', async () => {
  const tmp = tempDir();
  try {
    const missing = path.join(tmp.dir, 'absent-token');
    const client = new SkillClient({ A2A_GATEWAY_URL: 'http://127.0.0.1:9', A2A_TOKEN_FILE: missing });
    expect(await failure(client.call('acme/writer#draft', 'x'))).toMatchObject({ reason: 'config', message: expect.stringContaining(missing) });
  } finally {
    tmp.cleanup();
  }
  expect(() => new SkillClient({}).call('acme/writer#draft', 'x')).toThrow(/set A2A_GATEWAY_URL/);
  expect(() => new SkillClient({}).call('acme/writer', 'x')).toThrow(/is not "tenant\/agent#skill"/);
  expect(() => new SkillClient({ A2A_CALLS: '[{"ref":"acme/writer#draft","retries":-1}]' })).toThrow(/A2A_CALLS\[0\]\.retries -1 is not a number >= 0/);
  expect(() => new SkillClient({ A2A_CALLS: 'nope' })).toThrow(/A2A_CALLS is not JSON/);
});
