/**
 * Cached skills (`cacheTtlSeconds`, passed in `A2A_SKILL_CACHE`): a repeat is answered from the
 * agent's cache with the caller's JSON-RPC id in the caller's A2A version; the cache is bounded
 * by count, entry size and TTL.
 */
import { Testing } from 'cdk8s';
import type { RunningAgent } from '../../agent';
import { cacheKey, parseSkillCache, ResultCache } from '../../agent/result-cache';
import { readPlatformSettings } from '../../agent/settings';
import { textPart } from '../../agent/skill-executor';
import { byoAgent, tenantChart } from '../constructs/_example';
import { findOne } from '../support/manifest';
import { rpcSend, rpcSendV1, startAgent } from './support';

const post = async (url: string, body: unknown, version?: string) => (await fetch(url, {
  method: 'POST', headers: { 'content-type': 'application/json', ...(version ? { 'A2A-Version': version } : {}) }, body: JSON.stringify(body),
})).json();

describe('an agent answers a cached skill from its cache', () => {
  let agent: RunningAgent;
  const runs: Record<string, number> = { lookup: 0, live: 0 };
  beforeAll(async () => {
    agent = await startAgent({
      skills: {
        lookup: async ({ text }) => { runs.lookup++; return `answer ${runs.lookup} to ${text}`; },
        live: async ({ text }) => { runs.live++; return `live ${runs.live} to ${text}`; },
      },
      env: { A2A_SKILL_CACHE: JSON.stringify({ lookup: 300 }) },
    });
  });
  afterAll(() => agent.close());

  test('a repeat in 1.0 and in 0.3 is the first answer, with each caller\'s id and in its version', async () => {
    const first = await post(agent.url, rpcSendV1('q1', 'v1-first', { skillId: 'lookup' }), '1.0');
    expect(first).toMatchObject({ jsonrpc: '2.0', id: 'v1-first', result: { message: { role: 'ROLE_AGENT', parts: [{ text: 'answer 1 to q1' }] } } });
    const again = await post(agent.url, rpcSendV1('q1', 4711, { skillId: 'lookup' }), '1.0');
    expect(again).toMatchObject({ jsonrpc: '2.0', id: 4711, result: { message: { role: 'ROLE_AGENT', parts: [{ text: 'answer 1 to q1' }] } } });
    const legacy = await post(agent.url, rpcSend('q1', 'legacy-7', { skillId: 'lookup' }));
    expect(legacy).toEqual({ jsonrpc: '2.0', id: 'legacy-7', result: expect.objectContaining({ kind: 'message', role: 'agent', parts: [{ kind: 'text', text: 'answer 1 to q1' }] }) });
    expect(JSON.stringify([first, again, legacy])).not.toContain('from-cache');
    expect(runs.lookup).toBe(1);
    // Another question is not a hit.
    expect(await post(agent.url, rpcSend('q2', 8, { skillId: 'lookup' }))).toMatchObject({ id: 8, result: { parts: [{ text: 'answer 2 to q2' }] } });
  });

  test('skills without cacheTtlSeconds run every time', async () => {
    await post(agent.url, rpcSend('x', 1, { skillId: 'live' }));
    const second = await post(agent.url, rpcSend('x', 2, { skillId: 'live' }));
    expect(second).toMatchObject({ id: 2, result: { parts: [{ text: 'live 2 to x' }] } });
  });
});

describe('ResultCache', () => {
  const q = (t: string) => [textPart(t)];

  test('keeps at most maxEntries answers, dropping the least recently used', () => {
    const cache = new ResultCache({ s: 60 }, { maxEntries: 2 });
    cache.set('s', undefined, q('a'), q('A'));
    cache.set('s', undefined, q('b'), q('B'));
    expect(cache.get('s', undefined, q('a'))).toEqual(q('A')); // a is now the most recent
    cache.set('s', undefined, q('c'), q('C'));
    expect(cache.size).toBe(2);
    expect(cache.get('s', undefined, q('b'))).toBeUndefined();
    expect(cache.get('s', undefined, q('a'))).toEqual(q('A'));
    expect(cache.get('s', undefined, q('c'))).toEqual(q('C'));
    for (let i = 0; i < 10_000; i++) cache.set('s', undefined, q(`k${i}`), q('v'));
    expect(cache.size).toBe(2);
  });

  test('an answer expires after its skill\'s TTL', () => {
    let now = 1_000_000;
    const cache = new ResultCache({ s: 60 }, { now: () => now });
    cache.set('s', undefined, q('a'), q('A'));
    now += 59_999;
    expect(cache.get('s', undefined, q('a'))).toEqual(q('A'));
    now += 1;
    expect(cache.get('s', undefined, q('a'))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test('does not keep answers above maxEntryBytes, nor of skills without a TTL', () => {
    const cache = new ResultCache({ s: 60 }, { maxEntryBytes: 1000 });
    cache.set('s', undefined, q('big'), q('x'.repeat(2000)));
    cache.set('other', undefined, q('a'), q('A'));
    expect(cache.size).toBe(0);
  });

  test('the key is the skill, the caller and what the parts say (data keys in any order), nothing else', () => {
    const data = (v: Record<string, unknown>) => [{ content: { $case: 'data' as const, value: v }, metadata: { trace: 'x' }, filename: '', mediaType: '' }];
    expect(cacheKey('s', 'acme/a', data({ a: 1, b: 2 }))).toBe(cacheKey('s', 'acme/a', data({ b: 2, a: 1 })));
    expect(cacheKey('s', 'acme/a', q('x'))).not.toBe(cacheKey('s', 'acme/b', q('x')));
    expect(cacheKey('s', undefined, q('x'))).not.toBe(cacheKey('t', undefined, q('x')));
    expect(cacheKey('s', undefined, q('x'))).toHaveLength(64);
  });

  test('A2A_SKILL_CACHE: bad values name the variable', () => {
    expect(parseSkillCache('{"lookup":300}')).toEqual({ lookup: 300 });
    expect(() => parseSkillCache('{"lookup":0}')).toThrow('A2A_SKILL_CACHE.lookup 0 is not a whole number of seconds >= 1');
    expect(() => parseSkillCache('[1]')).toThrow('A2A_SKILL_CACHE must be an object');
    expect(() => parseSkillCache('nope')).toThrow('A2A_SKILL_CACHE is not JSON');
  });

  test('the env the Agent construct writes is what the SDK reads', () => {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    tenant.addAgent({ ...byoAgent('search', ['web']), skills: [{ id: 'web', name: 'web', description: 'web', tags: ['web'], deterministic: true, cacheTtlSeconds: 120 }] });
    const env = findOne(Testing.synth(chart), 'Deployment', 'search', 'acme').spec.template.spec.containers[0].env;
    const settings = readPlatformSettings(Object.fromEntries(env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value])));
    expect(settings.skillCache).toEqual({ web: 120 });
  });
});
