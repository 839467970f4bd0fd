/**
 * Agent A (the reference agent, its own process) calls agent B's skill (an SDK agent) through a
 * recording stand-in of the gateway's internal route: plain and streamed, with the internal
 * token, lineage headers and version pin on the wire, and a rotated token used without restart.
 */
import * as path from 'node:path';
import type { RunningAgent, SkillContext } from '../../agent';
import { forward, rotateFile, startAgent, startExampleAgent, startGateway, tempDir } from './support';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
let b: RunningAgent;
let gw: Awaited<ReturnType<typeof startGateway>>;
let a: Awaited<ReturnType<typeof startExampleAgent>>;
let tmp: ReturnType<typeof tempDir>;
let tokenFile: string;
const seenByB: SkillContext[] = [];

beforeAll(async () => {
  tmp = tempDir();
  tokenFile = path.join(tmp.dir, 'token');
  rotateFile(tokenFile, 'token-one\n');
  b = await startAgent({
    env: { A2A_AGENT: 'acme/writer' },
    skills: {
      draft: async function* ({ text }, ctx) {
        seenByB.push(ctx);
        yield `draft of ${text}: `;
        yield 'part two';
      },
    },
  });
  gw = await startGateway(forward(b.url), b.url);
  a = await startExampleAgent({
    A2A_AGENT: 'acme/byo-example',
    RELAY_TO: 'acme/writer#draft',
    A2A_TOKEN_FILE: tokenFile,
    A2A_CALLS: JSON.stringify([{ ref: 'acme/writer#draft', url: `${gw.url}/api/v1/internal/a2a/acme/writer/draft`, headers: { 'X-A2A-Skill-Version': '2.0.0' }, timeoutSeconds: 10 }]),
  });
});
afterAll(async () => {
  await a?.stop();
  await gw?.close();
  await b?.close();
  tmp?.cleanup();
});

/** Calls a skill of A as an outside caller would, with a trace. */
async function callA(skill: string, method: 'message/send' | 'message/stream', requestId: string): Promise<Response> {
  return fetch(`${a.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, 'x-request-id': requestId },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: { message: { kind: 'message', role: 'user', messageId: requestId, parts: [{ kind: 'text', text: 'intro' }], metadata: { skillId: skill } } } }),
  });
}

test('A calls B without streaming and gets its whole answer', async () => {
  const res: any = await (await callA('lookup', 'message/send', 'req-plain')).json();
  expect(res.result).toMatchObject({ kind: 'message', parts: [{ kind: 'text', text: 'found: draft of intro: part two' }] });
});

test('the call carries the internal token, lineage headers, the trace and the version pin', () => {
  const h = gw.seen[0].headers;
  expect(gw.seen[0].path).toBe('/api/v1/internal/a2a/acme/writer/draft');
  expect(h.authorization).toBe('Bearer token-one');
  expect(h['x-a2a-parent-agent']).toBe('acme/byo-example');
  expect(h['x-a2a-parent-request-id']).toBe('req-plain');
  expect(h['x-a2a-trace-id']).toBe(TRACE);
  // Same W3C trace, a new span of A's hop.
  expect(h.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
  expect(h.traceparent).not.toContain('00f067aa0ba902b7');
  expect(h['x-a2a-skill-version']).toBe('2.0.0');
  expect(h['x-a2a-skill']).toBe('draft');
  // B sees who called and the trace.
  expect(seenByB[0]).toMatchObject({ skill: 'draft', caller: 'acme/byo-example', traceId: TRACE });
});

test('A streams B: B\'s pieces pass through, inside A\'s task', async () => {
  const res = await callA('relay', 'message/stream', 'req-stream');
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const events = (await res.text()).split('\n\n').filter(Boolean).map((e) => JSON.parse(e.replace(/^data: /, '')).result);
  const texts = events.filter((e) => e.kind === 'artifact-update').map((e) => e.artifact.parts.map((p: any) => p.text).join(''));
  expect(texts).toEqual(['draft of intro: ', 'part two']);
  expect(events[events.length - 1]).toMatchObject({ kind: 'status-update', final: true, status: { state: 'completed' } });
  expect(gw.seen[gw.seen.length - 1].headers['x-a2a-parent-request-id']).toBe('req-stream');
});

test('a rotated token file is used by the next call, without restarting the agent', async () => {
  const pid = a.child.pid;
  rotateFile(tokenFile, 'token-two\n');
  const res: any = await (await callA('lookup', 'message/send', 'req-rotated')).json();
  expect(res.result.parts[0].text).toBe('found: draft of intro: part two');
  expect(gw.seen[gw.seen.length - 1].headers.authorization).toBe('Bearer token-two');
  expect(a.child.pid).toBe(pid);
  expect(a.child.exitCode).toBeNull();
});
