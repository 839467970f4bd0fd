/**
 * serveAgent's side of the contract: the card the platform mounts, the settings the platform
 * writes (read from a synthesized Agent), skill resolution, chat errors, graceful shutdown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { A2A_PORT } from '../../constructs/agent';
import { AGENT_CARD_DIR, NACOS_READER_DIR } from '../../constructs/contracts';
import { AGENT_METRICS_PORT } from '../../constructs/tenant-namespace';
import { parseCallTable, readPlatformSettings } from '../../agent';
import { SKILL_HEADER } from '../../agent/lineage';
import { _resolveSkill } from '../../agent/serve-agent';
import { DEFAULT_A2A_PORT, DEFAULT_CARD_FILE, DEFAULT_METRICS_PORT } from '../../agent/settings';
import { byoAgent, tenantChart } from '../constructs/_example';
import { findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { sampleCard } from '../runtime/support';
import { parseSse, rpcSend, startAgent, tempDir } from './support';

describe('what the platform gives', () => {
  test('default ports are the ports the Agent construct declares (a2a, metrics)', () => {
    expect(DEFAULT_A2A_PORT).toBe(A2A_PORT);
    expect(DEFAULT_METRICS_PORT).toBe(AGENT_METRICS_PORT);
  });

  test('A2A_CALLS as the Agent construct writes it is read: url, pin, timeout, retries, gateway', () => {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    tenant.addAgent(byoAgent('search', ['lookup']));
    tenant.addAgent({ ...byoAgent('orchestrator'), calls: [{ tenant: 'acme', agent: 'search', skill: 'lookup', version: '1.0.0', timeoutSeconds: 5, retries: 1 }] });
    const env = findOne(Testing.synth(chart), 'Deployment', 'orchestrator', 'acme').spec.template.spec.containers[0].env;
    const table = parseCallTable(env.find((e: any) => e.name === 'A2A_CALLS').value, 'A2A_CALLS');
    expect(table.byRef.get('acme/search#lookup')).toMatchObject({
      url: expect.stringMatching(/^https:\/\/[^/]+\/api\/v1\/internal\/a2a\/acme\/search\/lookup$/),
      headers: { 'X-A2A-Skill-Version': '1.0.0' }, timeoutSeconds: 5, retries: 1,
    });
    expect(table.gatewayUrl).toMatch(/^https:\/\/[^/]+$/);
  });

  test('identity from A2A_AGENT or the OpenTelemetry resource attributes; bad values name the variable', () => {
    expect(readPlatformSettings({ A2A_AGENT: 'acme/search' }).self).toEqual({ tenant: 'acme', agent: 'search' });
    expect(readPlatformSettings({ OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=acme,agentruntime.tenant=acme,agentruntime.agent=search' }).self).toEqual({ tenant: 'acme', agent: 'search' });
    expect(() => readPlatformSettings({ A2A_AGENT: 'search' })).toThrow(/A2A_AGENT="search" is not "tenant\/agent"/);
    expect(() => readPlatformSettings({ A2A_PORT: 'http' })).toThrow(/A2A_PORT="http" is not a TCP port/);
  });
});

describe('what the platform mounts on a BYO agent is what the SDK reads', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.cleanup());

  function synth(byo: Record<string, unknown> = {}) {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    const agent = tenant.addAgent({ ...byoAgent('search', ['lookup', 'index']), byo: { image: byoAgent('search').byo.image, ...byo } });
    const objects = Testing.synth(chart);
    const pod = findOne(objects, 'Deployment', 'search', 'acme').spec.template.spec;
    return { agent, objects, pod, container: pod.containers[0] };
  }
  /** The container's environment as the SDK sees it, files mounted under `root` instead of `/`. */
  const envOf = (c: any, root: string) => Object.fromEntries(c.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value.startsWith('/') ? path.join(root, e.value) : e.value]));

  test('A2A_AGENT is the agent\'s identity and its own card ConfigMap is mounted read-only where A2A_AGENT_CARD_FILE points; serveAgent serves that card', async () => {
    const { agent, objects, pod, container } = synth();
    const mount = container.volumeMounts.find((m: any) => m.name === 'agent-card');
    expect(mount).toEqual({ name: 'agent-card', mountPath: AGENT_CARD_DIR, readOnly: true });
    const volume = pod.volumes.find((v: any) => v.name === 'agent-card');
    const cm = findOne(objects, 'ConfigMap', volume.configMap.name, 'acme');
    // Lay the volume out as the kubelet does, under a temp root.
    for (const item of volume.configMap.items) {
      fs.mkdirSync(path.join(tmp.dir, mount.mountPath), { recursive: true });
      fs.writeFileSync(path.join(tmp.dir, mount.mountPath, item.path), cm.data[item.key]);
    }
    const env = envOf(container, tmp.dir);
    expect(readPlatformSettings(env)).toMatchObject({ self: { tenant: 'acme', agent: 'search' }, cardFile: path.join(tmp.dir, DEFAULT_CARD_FILE), nacos: undefined });
    const running = await startAgent({ env, skills: { lookup: async () => 'x', index: async () => 'y' } });
    try {
      // The mounted 1.0 card as is to a 1.0 reader; its 0.3 projection (with the interfaces embedded) to a 0.3 reader.
      expect(await (await fetch(`${running.url}/.well-known/agent-card.json`, { headers: { 'A2A-Version': '1.0' } })).json()).toEqual(JSON.parse(JSON.stringify(agent.card)));
      expect(await (await fetch(`${running.url}/.well-known/agent-card.json`)).json()).toMatchObject({ protocolVersion: '0.3.0', url: agent.card.supportedInterfaces[0].url, preferredTransport: 'JSONRPC', security: [{ bearer: [] }] });
    } finally {
      await running.close();
    }
    expect(validateAll(objects)).toEqual([]);
  });

  test('registryReaderSecret wires findAgents\' NACOS_* from the named Secret (the password as a file, never a literal)', () => {
    const { objects, pod, container } = synth({ registryReaderSecret: 'acme-nacos-reader' });
    expect(container.env.find((e: any) => e.name === 'NACOS_USERNAME')).toEqual({ name: 'NACOS_USERNAME', valueFrom: { secretKeyRef: { name: 'acme-nacos-reader', key: 'username' } } });
    expect(pod.volumes.find((v: any) => v.name === 'nacos-reader')).toEqual({ name: 'nacos-reader', secret: { secretName: 'acme-nacos-reader', items: [{ key: 'password', path: 'password' }] } });
    expect(container.env.some((e: any) => e.name === 'NACOS_PASSWORD')).toBe(false);
    fs.mkdirSync(path.join(tmp.dir, NACOS_READER_DIR), { recursive: true });
    fs.writeFileSync(path.join(tmp.dir, NACOS_READER_DIR, 'password'), 'from-the-secret\n');
    const s = readPlatformSettings({ ...envOf(container, tmp.dir), NACOS_USERNAME: 'reader' });
    expect(s.nacos).toEqual({ endpoint: 'http://nacos.nacos.svc.cluster.local:8848', namespaceId: 'acme', username: 'reader', password: 'from-the-secret' });
    expect(validateAll(objects)).toEqual([]);
    expect(() => synth({ registryReaderSecret: 'Acme Reader' })).toThrow('byo.registryReaderSecret: "Acme Reader" is not a Secret name; name the Secret holding the Nacos reader\'s username and password, e.g. "acme-nacos-reader"');
    expect(() => synth({ env: { A2A_AGENT: 'acme/other' } })).toThrow('byo.env.A2A_AGENT is set by the platform');
    expect(() => synth({ registryReaderSecret: 'r', env: { NACOS_USERNAME: 'x' } })).toThrow('byo.env.NACOS_USERNAME is set by the platform');
  });
});

describe('the card', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.cleanup());

  test('serves the mounted card as is', async () => {
    const file = path.join(tmp.dir, 'agent-card.json');
    const card = sampleCard('billing-agent', '1.2.0');
    fs.writeFileSync(file, JSON.stringify(card));
    const agent = await startAgent({ env: { A2A_AGENT_CARD_FILE: file }, skills: { refund: async () => 'ok' } });
    try {
      // A 0.3 reader gets the mounted 0.3 card (minus what 1.0 removed) with the 1.0 interfaces embedded; a 1.0 reader the 1.0 card.
      const { stateTransitionHistory: _gone, ...caps } = card.capabilities as Record<string, unknown>;
      const legacy: any = await (await fetch(`${agent.url}/.well-known/agent-card.json`)).json();
      expect(legacy).toEqual({ ...card, capabilities: caps, supportedInterfaces: [
        { url: card.url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }, { url: card.url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
      ] });
      const v1 = await (await fetch(`${agent.url}/.well-known/agent-card.json`, { headers: { 'A2A-Version': '1.0' } })).json();
      expect(v1).toMatchObject({ name: card.name, version: card.version, supportedInterfaces: legacy.supportedInterfaces, securityRequirements: [{ schemes: { bearer: { list: [] } } }] });
      expect(v1).not.toHaveProperty('url');
    } finally {
      await agent.close();
    }
  });

  test('refuses handlers the card does not declare, and skills without a handler', async () => {
    const file = path.join(tmp.dir, 'agent-card.json');
    fs.writeFileSync(file, JSON.stringify(sampleCard()));
    await expect(startAgent({ env: { A2A_AGENT_CARD_FILE: file }, skills: { refnd: async () => 'ok' } })).rejects.toThrow(/skills\.refnd has a handler but the mounted card .* has no skill "refnd"; its skills are "refund"/);
    await expect(startAgent({ env: { A2A_AGENT_CARD_FILE: file }, skills: { refund: async () => 'ok', other: async () => 'x' } })).rejects.toThrow(/no skill "other"/);
    fs.writeFileSync(file, JSON.stringify({ ...sampleCard(), preferredTransport: undefined }));
    await expect(startAgent({ env: { A2A_AGENT_CARD_FILE: file }, skills: { refund: async () => 'ok' } })).rejects.toThrow(/preferredTransport/);
  });
});

describe('which skill a call is for', () => {
  const skills = ['draft', 'review'];
  test('the internal route path, the X-A2A-Skill header or message metadata; the only skill otherwise', () => {
    expect(_resolveSkill('/api/v1/internal/a2a/acme/writer/review', {}, {}, skills)).toEqual({ skill: 'review' });
    expect(_resolveSkill('/', { 'x-a2a-skill': 'draft' }, {}, skills)).toEqual({ skill: 'draft' });
    expect(_resolveSkill('/', {}, { skillId: 'review' }, skills)).toEqual({ skill: 'review' });
    expect(_resolveSkill('/', {}, {}, ['only'])).toEqual({ skill: 'only' });
  });
  test('names that disagree are refused, so metadata cannot reach another skill than the route', () => {
    expect(_resolveSkill('/api/v1/internal/a2a/acme/writer/review', {}, { skillId: 'draft' }, skills)).toEqual({ error: expect.stringMatching(/different skills/) });
    expect(_resolveSkill('/', {}, {}, skills)).toEqual({ error: expect.stringMatching(/which skill\?/) });
  });
  test('a call the gateway fell back to names a skill this agent lacks and the fallback skill to serve', () => {
    const fellBack = { 'x-a2a-skill': 'search', 'x-a2a-fallback-skill': 'review' };
    const meta = { params: { message: { metadata: { skillId: 'search' } } } };
    expect(_resolveSkill('/', fellBack, meta, skills)).toEqual({ skill: 'review' });
    // on the primary agent, which has the skill, the fallback header changes nothing
    expect(_resolveSkill('/', { ...fellBack, 'x-a2a-skill': 'draft' }, {}, skills)).toEqual({ skill: 'draft' });
    // it never overrides disagreeing names, nor names a skill this agent lacks
    expect(_resolveSkill('/', fellBack, { skillId: 'draft' }, skills)).toEqual({ error: expect.stringMatching(/different skills/) });
    expect(_resolveSkill('/', { ...fellBack, 'x-a2a-fallback-skill': 'other' }, {}, skills)).toEqual({ error: expect.stringMatching(/no skill "search"/) });
  });
  test('over HTTP: the X-A2A-Skill a skill route sets wins; metadata naming another skill is refused before any handler runs', async () => {
    const ran: string[] = [];
    const agent = await startAgent({ skills: { draft: async () => { ran.push('draft'); return 'drafted'; }, review: async () => { ran.push('review'); return 'reviewed'; } } });
    const send = async (skillHeader: string | undefined, metaSkill: string | undefined) => {
      const body: any = rpcSend('hi');
      if (metaSkill) body.params.message.metadata = { skillId: metaSkill };
      const res = await fetch(`${agent.url}/`, { method: 'POST', headers: { 'content-type': 'application/json', ...(skillHeader ? { [SKILL_HEADER]: skillHeader } : {}) }, body: JSON.stringify(body) });
      return res.json() as Promise<any>;
    };
    try {
      // As the gateway's route of skill "draft" forwards it (path rewritten to "/", header set).
      expect((await send('draft', 'review')).error).toEqual({ code: -32602, message: 'the request names different skills ("draft", "review"); send one' });
      expect(ran).toEqual([]);
      expect((await send('draft', undefined)).result.parts[0].text).toBe('drafted');
      expect((await send('draft', 'draft')).result.parts[0].text).toBe('drafted');
      expect(ran).toEqual(['draft', 'draft']);
    } finally {
      await agent.close();
    }
  });
});

describe('chat', () => {
  test('a request the public chat route marked (X-A2A-Route: chat) gets chat, never A2A: an end user cannot reach a skill', async () => {
    const ran: string[] = [];
    const agent = await startAgent({ skills: { x: async () => { ran.push('x'); return 'x'; } }, chat: async () => 'hello' });
    try {
      const viaChat = { 'content-type': 'application/json', 'X-A2A-Route': 'chat' };
      const rpc = await fetch(`${agent.url}/`, { method: 'POST', headers: viaChat, body: JSON.stringify(rpcSend('hi')) });
      expect(rpc.status).toBe(403);
      expect(((await rpc.json()) as any).error.message).toMatch(/A2A is not served on the public chat route/);
      expect(ran).toEqual([]);
      const chat = await fetch(`${agent.url}/`, { method: 'POST', headers: viaChat, body: JSON.stringify({ message: 'hi' }) });
      expect(parseSse(await chat.text())[0]).toEqual({ event: 'message', data: expect.anything() });
    } finally {
      await agent.close();
    }
  });

  test('a failing handler ends with an error event, then done; bad bodies and missing chat are 4xx', async () => {
    const agent = await startAgent({ skills: { x: async () => 'x' }, chat: async (_i, ctx) => { ctx.usage({ inputTokens: 3 }); throw new Error('model down'); } });
    const bare = await startAgent({ skills: { x: async () => 'x' } });
    try {
      const res = await fetch(`${agent.url}/chat`, { method: 'POST', body: JSON.stringify({ message: 'hi' }) });
      expect(parseSse(await res.text())).toEqual([
        { event: 'error', data: { message: 'model down' } },
        { event: 'done', data: { usage: { inputTokens: 3, outputTokens: 0, totalTokens: 3 } } },
      ]);
      expect((await fetch(`${agent.url}/`, { method: 'POST', body: JSON.stringify({ text: 'hi' }) })).status).toBe(400);
      expect((await fetch(`${bare.url}/`, { method: 'POST', body: JSON.stringify({ message: 'hi' }) })).status).toBe(404);
    } finally {
      await agent.close();
      await bare.close();
    }
  });
});

describe('graceful shutdown', () => {
  test('close() lets an in-flight call finish, then stops taking connections', async () => {
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((r) => { entered = r; });
    const agent = await startAgent({ skills: { slow: () => new Promise<string>((r) => { entered(); release = () => r('finished'); }) } });
    const call = fetch(`${agent.url}/`, { method: 'POST', body: JSON.stringify(rpcSend('x')) }).then((r) => r.json());
    await inHandler;
    let closed = false;
    const closing = agent.close().then(() => { closed = true; });
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    release();
    expect(((await call) as any).result.parts[0].text).toBe('finished');
    await closing;
    await expect(fetch(`${agent.url}/healthz`)).rejects.toThrow();
  });
});
