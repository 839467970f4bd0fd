/**
 * In the cluster, the gateway's skill routes match exact paths: a card read through one gets a
 * 404, and a client that learns the callee's A2A version from its card falls back to 0.3. So the
 * platform writes the callee's version into each `A2A_CALLS` entry (BYO agents serve 1.0 and 0.3,
 * kagent agents 0.3), and `callSkill` uses it without reading a card.
 */
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { AgentDirectory } from '../../constructs/agent-directory';
import { RunningAgent, SkillClient } from '../../agent';
import { byoAgent, tenantChart } from '../constructs/_example';
import { findOne } from '../support/manifest';
import { forward, rotateFile, startAgent, startGateway, tempDir } from './support';

const DECLARATIVE = { systemMessage: 'Help.', model: { model: 'gpt-4o', apiKeySecret: { name: 'openai', key: 'key' } } };

/** A2A_CALLS of beta/orchestrator, which calls a BYO and a declarative agent; the callees are added after the caller. */
function synthCalls(): any[] {
  const directory = new AgentDirectory();
  const beta = tenantChart({ name: 'beta' }, directory);
  beta.tenant.addAgent({ ...byoAgent('orchestrator'), calls: ['acme/writer#draft', 'acme/research#web'] });
  const acme = tenantChart({ name: 'acme' }, directory);
  acme.tenant.addAgent({ ...byoAgent('writer', ['draft']), allowedCallers: ['beta/orchestrator'] });
  acme.tenant.addAgent({ name: 'research', skills: [{ id: 'web', name: 'web', description: 'web', tags: ['web'] }], declarative: DECLARATIVE, allowedCallers: ['beta/orchestrator'] });
  const env = findOne(Testing.synth(beta.chart), 'Deployment', 'orchestrator', 'beta').spec.template.spec.containers[0].env;
  return JSON.parse(env.find((e: any) => e.name === 'A2A_CALLS').value);
}

describe('A2A_CALLS carries the callee\'s A2A version', () => {
  test('a BYO callee gets 1.0, a declarative (kagent) callee 0.3, whatever the construction order', () => {
    const calls = synthCalls();
    expect(calls.find((c) => c.ref === 'acme/writer#draft')).toMatchObject({ protocolVersion: '1.0' });
    expect(calls.find((c) => c.ref === 'acme/research#web')).toMatchObject({ protocolVersion: '0.3' });
  });
});

describe('callSkill speaks the version A2A_CALLS names, without reading a card', () => {
  let b: RunningAgent;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    b = await startAgent({ env: { A2A_AGENT: 'acme/writer' }, skills: { draft: async ({ text }) => `draft: ${text}`, web: async ({ text }) => `web: ${text}` } });
    // Like the cluster's exact-path skill routes: the card is not served (no card upstream: 404).
    gw = await startGateway(forward(b.url));
    tmp = tempDir();
  });
  afterAll(async () => {
    await gw.close();
    await b.close();
    tmp.cleanup();
  });

  test('1.0 to a BYO callee (SendMessage, A2A-Version: 1.0), 0.3 to a declarative one (message/send)', async () => {
    const tokenFile = path.join(tmp.dir, 'token');
    rotateFile(tokenFile, 'tok\n');
    const calls = synthCalls().map((c) => ({ ...c, url: `${gw.url}${new URL(c.url).pathname}`, tokenFile }));
    const client = new SkillClient({ A2A_CALLS: JSON.stringify(calls) }, 0);

    expect((await client.call('acme/writer#draft', 'x')).text).toBe('draft: x');
    expect(JSON.parse(gw.seen[0].body!).method).toBe('SendMessage');
    expect(gw.seen[0].headers['a2a-version']).toBe('1.0');

    expect((await client.call('acme/research#web', 'y')).text).toBe('web: y');
    expect(JSON.parse(gw.seen[1].body!).method).toBe('message/send');
    expect(gw.cards).toEqual([]);
  });
});
