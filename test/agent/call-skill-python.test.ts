/**
 * callSkill against agents on the official Python a2a-sdk 1.x server: one whose card offers A2A
 * 1.0 (callSkill speaks 1.0: `SendMessage` with `A2A-Version: 1.0`) and one whose card offers
 * only 0.3 (served by the SDK's v0.3 compatibility layer; callSkill speaks `message/send`), each
 * behind a recording stand-in of the gateway route. The version comes from the callee's card.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { SkillClient } from '../../agent';
import { a2aPython } from './python-venv';
import { forward, startGateway } from './support';

let python: string;
const stops: Array<() => Promise<void>> = [];
beforeAll(() => { python = a2aPython(); }, 20 * 60_000);
afterAll(async () => { for (const s of stops) await s(); });

async function pythonAgent(version: '1.0' | '0.3'): Promise<string> {
  const child: ChildProcess = spawn(python, [path.join(__dirname, 'python', 'a2a_server.py'), '--version', version], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => { err += c; });
  stops.push(() => new Promise((r) => { if (child.exitCode !== null) return r(); child.once('exit', () => r()); child.kill('SIGTERM'); }));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => { out += c; const m = /listening (\S+)/.exec(out); if (m) resolve(m[1].replace(/\/$/, '')); });
    child.once('exit', (code) => reject(new Error(`python agent exited ${code}: ${err}`)));
  });
  // uvicorn binds before it serves: wait until the card answers
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/.well-known/agent-card.json`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return url;
}

describe.each([['1.0', 'SendMessage', 'SendStreamingMessage'], ['0.3', 'message/send', 'message/stream']] as const)('a Python a2a-sdk agent whose card offers %s', (version, sendMethod, streamMethod) => {
  let client: SkillClient;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  const ref = 'acme/py-writer#draft';
  beforeAll(async () => {
    const upstream = await pythonAgent(version);
    gw = await startGateway(forward(upstream), upstream);
    stops.push(() => gw.close());
    client = new SkillClient({ A2A_CALLS: JSON.stringify([{ ref, url: `${gw.url}/api/v1/internal/a2a/acme/py-writer/draft`, timeoutSeconds: 20 }]) }, 0);
  }, 60_000);

  test(`send: callSkill speaks ${version} (${sendMethod}) and gets the answer`, async () => {
    expect((await client.call(ref, 'hi')).text).toBe('py draft: hi');
    const last = gw.seen[gw.seen.length - 1];
    expect(JSON.parse(last.body!).method).toBe(sendMethod);
    expect(last.headers['a2a-version']).toBe(version === '1.0' ? '1.0' : undefined);
  });

  test(`stream: callSkill speaks ${version} (${streamMethod}), passes the pieces through and ends on the final status`, async () => {
    const events = [];
    for await (const ev of client.call(ref, 'stream it', { stream: true })) events.push(ev);
    expect(events.map((e) => e.text).filter(Boolean)).toEqual(['one ', 'two']);
    expect(events[events.length - 1].final).toBe(true);
    expect(JSON.parse(gw.seen[gw.seen.length - 1].body!).method).toBe(streamMethod);
  });
});
