/** One test per fault: how the client and the apply recipe behave when Nacos misbehaves. */
import { applyAgentCard } from '../../runtime/apply-agent-card';
import { NacosApiError, NacosTransportError } from '../../runtime/nacos-errors';
import { NacosEmulator, startNacosEmulator } from '../nacos-emulator/nacos-emulator';
import { PASSWORD, USER, clientFor, sampleCard } from './support';

const A2A = '/v3/admin/ai/a2a';
let emu: NacosEmulator;
beforeEach(async () => {
  emu = await startNacosEmulator({ auth: { users: { [USER]: PASSWORD } } });
});
afterEach(() => emu.close());

const count = (method: string, path = A2A) => emu.state.requests.filter((r) => r.method === method && r.path === path).length;

test('a 5xx is retried with backoff until it succeeds', async () => {
  const { client, logs } = clientFor(emu);
  emu.faults.serverError({ method: 'POST', path: A2A, times: 2, status: 503 });
  await client.registerAgent(sampleCard(), { namespaceId: 'acme' });
  expect(count('POST')).toBe(3);
  expect(logs.filter((l) => l.includes('retry'))).toHaveLength(2);
});

test('retries are bounded: a lasting 5xx surfaces as NacosApiError with code 30000', async () => {
  const { client } = clientFor(emu, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
  emu.faults.serverError({ method: 'GET', path: A2A, times: 10 });
  const err = await client.getAgent('a', { namespaceId: 'acme' }).catch((e) => e);
  expect(err).toBeInstanceOf(NacosApiError);
  expect([err.status, err.code]).toEqual([500, 30000]);
  expect(count('GET')).toBe(3);
});

test('a 4xx is never retried', async () => {
  const { client } = clientFor(emu);
  await client.getAgent('nobody', { namespaceId: 'acme' }).catch(() => undefined);
  expect(count('GET')).toBe(1);
});

test('a dropped connection on a read is retried', async () => {
  const { client } = clientFor(emu);
  await client.registerAgent(sampleCard(), { namespaceId: 'acme' });
  emu.faults.drop({ method: 'GET', path: A2A, times: 1 });
  expect((await client.getAgent('billing-agent', { namespaceId: 'acme' })).version).toBe('1.2.0');
  expect(count('GET')).toBe(2);
});

test('a dropped connection on a write is not blindly repeated by the client', async () => {
  const { client } = clientFor(emu);
  emu.faults.drop({ method: 'POST', path: A2A, times: 1 });
  const err = await client.registerAgent(sampleCard(), { namespaceId: 'acme' }).catch((e) => e);
  expect(err).toBeInstanceOf(NacosTransportError);
  expect(err.mayHaveCommitted).toBe(true);
  expect(count('POST')).toBe(1);
});

test('a dropped connection on an instance registration is retried: registering the same ip:port again replaces it', async () => {
  const { client } = clientFor(emu);
  await client.createNamespace({ namespaceId: 'acme', namespaceName: 'acme' }).catch(() => undefined);
  emu.faults.drop({ method: 'POST', path: '/v3/admin/ns/instance', times: 1 });
  const instance = { serviceName: 'chat', groupName: 'DEFAULT_GROUP', ip: '10.0.0.1', port: 8080, ephemeral: true, metadata: { tenant: 'acme' } };
  await client.registerInstance(instance, { namespaceId: 'acme' });
  expect(count('POST', '/v3/admin/ns/instance')).toBe(2);
  expect((await client.listInstances('chat', { namespaceId: 'acme', groupName: 'DEFAULT_GROUP' })).map((i) => `${i.ip}:${i.port}`)).toEqual(['10.0.0.1:8080']);
});

test('connection refused is retried until the server is back', async () => {
  let upAgain: Promise<void> | undefined;
  const { client } = clientFor(emu, {
    // Bring the server back when the client reports its first retry: no timing involved.
    log: () => {
      upAgain ??= emu.faults.up();
    },
    retry: { retries: 6, baseDelayMs: 20, maxDelayMs: 50 },
  });
  await client.listAgents({ namespaceId: 'acme' }); // logs in while the server is up
  await emu.faults.down();
  const page = await client.listAgents({ namespaceId: 'acme' });
  expect(page.totalCount).toBe(0);
  expect(upAgain).toBeDefined();
});

test('connection refused on every try surfaces as a transport error naming the refusal', async () => {
  const { client } = clientFor(emu, { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  await emu.faults.down();
  const err = await client.listAgents({ namespaceId: 'acme' }).catch((e) => e);
  expect(err).toBeInstanceOf(NacosTransportError);
  expect(err.kind).toBe('refused');
  expect(err.message).toContain('connection refused');
});

test('timeout after commit: the recipe reads again instead of writing twice', async () => {
  const { client } = clientFor(emu, { timeoutMs: 300 });
  await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
  emu.faults.hangAfterCommit({ method: 'PUT', path: A2A, times: 1 });
  const outcome = await applyAgentCard(client, sampleCard('a', '2'), { namespaceId: 'acme', setAsLatest: true });
  expect(outcome).toBe('added-version');
  expect(count('PUT')).toBe(1);
  const versions = await client.listVersions('a', { namespaceId: 'acme' });
  expect(versions.map((v) => [v.version, v.latest])).toEqual([['1', false], ['2', true]]);
});

test('a 409 race on create: the recipe sees the winner and converges without a duplicate', async () => {
  const { client } = clientFor(emu);
  emu.faults.raceOnCreate(1);
  const outcome = await applyAgentCard(client, sampleCard('a', '1'), { namespaceId: 'acme', setAsLatest: true });
  expect(outcome).toBe('unchanged');
  expect(count('POST')).toBe(1);
  expect(await client.listVersions('a', { namespaceId: 'acme' })).toHaveLength(1);
});

test('read-after-write lag: a stale read leads to an idempotent second write, never a duplicate version', async () => {
  const { client } = clientFor(emu);
  await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
  emu.faults.lagReads(1);
  await client.updateAgent(sampleCard('a', '2'), { namespaceId: 'acme', setAsLatest: true });
  const outcome = await applyAgentCard(client, sampleCard('a', '2'), { namespaceId: 'acme', setAsLatest: true });
  expect(outcome).toBe('added-version'); // it looked missing on the stale read
  const versions = await client.listVersions('a', { namespaceId: 'acme' });
  expect(versions.map((v) => v.version)).toEqual(['1', '2']);
});

test('added latency slows answers but changes nothing', async () => {
  emu.faults.latencyMs = 5;
  const { client } = clientFor(emu);
  await applyAgentCard(client, sampleCard('a', '1'), { namespaceId: 'acme', setAsLatest: true });
  expect((await client.getAgent('a', { namespaceId: 'acme' })).version).toBe('1');
});
