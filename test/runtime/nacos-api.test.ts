/**
 * One test per behaviour of the Nacos 3.1 A2A admin API (spec card §2–§7, §11), exercised
 * through the runtime client and, where the wire matters, through raw HTTP; against the emulator
 * or the real Nacos 3.1 (`NACOS_BACKEND=real`). Tests of token expiry run on their own emulators.
 */
import { NacosApiError, NacosAuthError } from '../../runtime/nacos-errors';
import { startNacosEmulator } from '../nacos-emulator/nacos-emulator';
import { NacosBackend, nacosBackend, onEmulatorOnly } from '../support/nacos-backend';
import { PASSWORD, USER, clientFor, loginToken, raw, sampleCard, settled } from './support';

let emu: NacosBackend;
beforeEach(async () => {
  emu = await nacosBackend();
});
afterEach(() => emu.close());

async function apiError(p: Promise<unknown>): Promise<NacosApiError> {
  const err = await p.then(() => undefined, (e) => e);
  expect(err).toBeInstanceOf(NacosApiError);
  return err as NacosApiError;
}

describe('agents', () => {
  test('POST registers the first version as latest; GET returns it with registrationType URL and latestVersion', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard(), { namespaceId: 'acme' });
    const got = await client.getAgent('billing-agent', { namespaceId: 'acme' });
    expect(got).toMatchObject({ name: 'billing-agent', version: '1.2.0', registrationType: 'URL', latestVersion: true });
    expect(got.url).toBe('https://gateway.example.com/a2a/billing-agent');
  });

  test('POST of an existing name fails with 409/20005 whatever the version', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    const err = await apiError(client.registerAgent(sampleCard('a', '2'), { namespaceId: 'acme' }));
    expect([err.status, err.code, err.nacosMessage, err.detail]).toEqual([409, 20005, 'resource conflict', 'AgentCard name a already exist']);
  });

  test('the same name in two namespaces is allowed, and unknown namespaces are accepted', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    await client.registerAgent(sampleCard('a', '9'), { namespaceId: 'globex' });
    expect((await client.getAgent('a', { namespaceId: 'acme' })).version).toBe('1');
    expect((await client.getAgent('a', { namespaceId: 'globex' })).version).toBe('9');
  });

  test('namespaceId defaults to public', async () => {
    const token = await loginToken(emu);
    const card = JSON.stringify(sampleCard('p', '1'));
    expect((await raw(emu, 'POST', '/v3/admin/ai/a2a', { form: { agentCard: card, accessToken: token } })).json.code).toBe(0);
    const { client } = clientFor(emu);
    expect((await client.getAgent('p', { namespaceId: 'public' })).name).toBe('p');
  });

  test('GET of an unknown agent is 404/50100 and of an unknown version 404/50101', async () => {
    const { client } = clientFor(emu);
    const missing = await apiError(client.getAgent('nobody', { namespaceId: 'acme' }));
    expect([missing.status, missing.code, missing.nacosMessage, missing.detail]).toEqual([404, 50100, 'Agent not found', 'Agent not found: nobody']);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    const noVersion = await apiError(client.getAgent('a', { namespaceId: 'acme', version: '7' }));
    expect([noVersion.status, noVersion.code, noVersion.detail]).toEqual([404, 50101, 'Agent a version 7 not found.']);
  });

  test('PUT adds a version that becomes latest only with setAsLatest=true', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    await client.updateAgent(sampleCard('a', '2'), { namespaceId: 'acme', setAsLatest: false });
    expect((await client.getAgent('a', { namespaceId: 'acme' })).version).toBe('1');
    // Not `false`: Nacos 3.1 sets latestVersion only on the latest version.
    expect((await client.getAgent('a', { namespaceId: 'acme', version: '2' })).latestVersion).toBeNull();
    await client.updateAgent(sampleCard('a', '3'), { namespaceId: 'acme', setAsLatest: true });
    const versions = await client.listVersions('a', { namespaceId: 'acme' });
    expect(versions.map((v) => [v.version, v.latest])).toEqual([['1', false], ['2', false], ['3', true]]);
  });

  test('PUT of an unknown agent is 404/50100', async () => {
    const { client } = clientFor(emu);
    const err = await apiError(client.updateAgent(sampleCard('ghost', '1'), { namespaceId: 'acme', setAsLatest: true }));
    expect([err.status, err.code]).toEqual([404, 50100]);
  });

  test('PUT of an existing version overwrites it silently', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    await client.updateAgent(sampleCard('a', '1', { description: 'changed' }), { namespaceId: 'acme', setAsLatest: false });
    expect((await client.getAgent('a', { namespaceId: 'acme', version: '1' })).description).toBe('changed');
    expect(await client.listVersions('a', { namespaceId: 'acme' })).toHaveLength(1);
  });

  test('every PUT copies its basic fields onto the list item, even without setAsLatest', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    await client.updateAgent(sampleCard('a', '2', { description: 'canary' }), { namespaceId: 'acme', setAsLatest: false });
    const [item] = (await client.listAgents({ namespaceId: 'acme', agentName: 'a', search: 'accurate' })).pageItems;
    expect(item).toMatchObject({ version: '2', description: 'canary', latestPublishedVersion: '1' });
  });

  test('an empty registrationType on PUT keeps the stored one; an unknown one is 400/20002', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme', registrationType: 'SERVICE' });
    await client.updateAgent(sampleCard('a', '2'), { namespaceId: 'acme', setAsLatest: true });
    expect((await client.getAgent('a', { namespaceId: 'acme' })).registrationType).toBe('SERVICE');
    const err = await apiError(client.updateAgent(sampleCard('a', '3'), { namespaceId: 'acme', setAsLatest: true, registrationType: 'DNS' }));
    expect([err.status, err.code]).toEqual([400, 20002]);
  });

  test('DELETE of a version leaves the others; deleting the latest leaves no latest (50101)', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    await client.updateAgent(sampleCard('a', '2'), { namespaceId: 'acme', setAsLatest: true });
    await client.deleteAgent('a', { namespaceId: 'acme', version: '2' });
    const versions = async () => (await client.listVersions('a', { namespaceId: 'acme' })).map((v) => v.version);
    expect(await settled(versions, ['1'])).toEqual(['1']);
    const latestCode = () => client.getAgent('a', { namespaceId: 'acme' }).then(() => 'found', (e: NacosApiError) => e.code);
    expect(await settled(latestCode, 50101)).toBe(50101);
    const err = await apiError(client.getAgent('a', { namespaceId: 'acme' }));
    expect([err.code, err.detail]).toEqual([50101, 'Agent a latest version not found']);
  });

  test('DELETE without version removes the agent, and is idempotent', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('a', '1'), { namespaceId: 'acme' });
    await client.deleteAgent('a', { namespaceId: 'acme' });
    await client.deleteAgent('a', { namespaceId: 'acme' });
    await client.deleteAgent('a', { namespaceId: 'acme', version: '1' });
    const code = () => client.getAgent('a', { namespaceId: 'acme' }).then(() => 'found', (e: NacosApiError) => e.code);
    expect(await settled(code, 50100)).toBe(50100);
  });

  test('list pages with pagesAvailable = ceil(total / pageSize) and items without url, preferredTransport, provider', async () => {
    const { client } = clientFor(emu);
    for (let i = 0; i < 5; i++) {
      await client.registerAgent(sampleCard(`agent-${i}`, '1', { provider: { organization: 'Acme', url: 'https://acme.example' } }), { namespaceId: 'acme' });
    }
    const page = await client.listAgents({ namespaceId: 'acme', pageNo: 2, pageSize: 2 });
    expect([page.totalCount, page.pageNumber, page.pagesAvailable, page.pageItems.length]).toEqual([5, 2, 3, 2]);
    for (const item of page.pageItems) {
      expect(item).not.toHaveProperty('url');
      expect(item).not.toHaveProperty('preferredTransport');
      expect(item).not.toHaveProperty('provider');
      expect(item.versionDetails?.[0]).toMatchObject({ version: '1', latest: true });
    }
    expect(await client.listAllAgents('acme')).toHaveLength(5);
  });

  test('list search: blur matches substrings, accurate the exact name, case-insensitive keyword, mandatory', async () => {
    const { client } = clientFor(emu);
    await client.registerAgent(sampleCard('billing', '1'), { namespaceId: 'acme' });
    await client.registerAgent(sampleCard('billing-eu', '1'), { namespaceId: 'acme' });
    const blur = await client.listAgents({ namespaceId: 'acme', agentName: 'bill', search: 'blur' });
    expect(blur.pageItems.map((i) => i.name)).toEqual(['billing', 'billing-eu']);
    const exact = await client.listAgents({ namespaceId: 'acme', agentName: 'billing', search: 'accurate' });
    expect(exact.pageItems.map((i) => i.name)).toEqual(['billing']);
    const token = await loginToken(emu);
    const upper = await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: { namespaceId: 'acme', agentName: 'billing', search: 'ACCURATE', accessToken: token } });
    expect(upper.json.data.totalCount).toBe(1);
    const none = await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: { namespaceId: 'acme', accessToken: token } });
    expect([none.status, none.json.code]).toEqual([400, 20002]);
    const badPage = await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: { namespaceId: 'acme', search: 'blur', pageNo: '0', accessToken: token } });
    expect(badPage.status).toBe(400);
  });

  test('version list: 404/50100 for an unknown agent; UTC second timestamps', async () => {
    const { client } = clientFor(emu);
    expect((await apiError(client.listVersions('x', { namespaceId: 'acme' }))).code).toBe(50100);
    await client.registerAgent(sampleCard('x', '1'), { namespaceId: 'acme' });
    const [v] = await client.listVersions('x', { namespaceId: 'acme' });
    expect(v.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(v.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('unknown card fields are dropped on store (signatures, skills[].security), defaults filled', async () => {
    const { client } = clientFor(emu);
    const card = {
      ...sampleCard('d', '1'),
      signatures: [{ protected: 'x', signature: 'y' }],
      skills: [{ id: 's', name: 'S', description: 'S', tags: ['t'], security: [{ bearer: [] }] }],
      description: undefined,
    };
    await client.registerAgent(card as any, { namespaceId: 'acme' });
    const got = (await client.getAgent('d', { namespaceId: 'acme' })) as any;
    expect(got.signatures).toBeUndefined();
    expect(got.skills[0].security).toBeUndefined();
    expect(got.description).toBe('');
  });
});

describe('validation and the wire', () => {
  test('a card without url is 400/10000 naming agentCard.url', async () => {
    const { client } = clientFor(emu);
    const card: Record<string, unknown> = { ...sampleCard('v', '1') };
    delete card.url;
    const err = await apiError(client.registerAgent(card as any, { namespaceId: 'acme' }));
    expect([err.status, err.code, err.nacosMessage, err.detail]).toEqual([400, 10000, 'parameter missing', 'Required parameter `agentCard.url` not present']);
  });

  test('missing agentCard is 400/10000; unparseable agentCard is 400/20002', async () => {
    const token = await loginToken(emu);
    const missing = await raw(emu, 'POST', '/v3/admin/ai/a2a', { form: { accessToken: token } });
    expect([missing.status, missing.json.code, missing.json.message]).toEqual([400, 10000, 'parameter missing']);
    expect(missing.json.data).toContain('agentCard');
    const broken = await raw(emu, 'POST', '/v3/admin/ai/a2a', { form: { agentCard: '{not json', accessToken: token } });
    expect([broken.status, broken.json]).toEqual([400, { code: 20002, message: 'parameter validate error', data: "agentCard is invalid. Can't be parsed." }]);
  });

  test('an illegal name gets a plain-text 400 without envelope, before anything else', async () => {
    const { client } = clientFor(emu);
    const long = await apiError(client.registerAgent(sampleCard('x'.repeat(65), '1'), { namespaceId: 'acme' }));
    expect([long.status, long.code]).toEqual([400, undefined]);
    expect(long.detail).toContain("Param 'agentName' is illegal");
    const token = await loginToken(emu);
    const res = await raw(emu, 'GET', '/v3/admin/ai/a2a', { query: { agentName: 'caf\u00e9', accessToken: token } });
    expect(res.status).toBe(400);
    expect(res.json).toBeUndefined();
    expect(res.text).toContain("Param 'agentName' is illegal");
  });

  test('params bind from the query string as well as the form; a JSON body is not read', async () => {
    const token = await loginToken(emu);
    const card = JSON.stringify(sampleCard('q', '1'));
    const viaQuery = await raw(emu, 'POST', '/v3/admin/ai/a2a', { query: { agentCard: card, namespaceId: 'acme', accessToken: token } });
    expect(viaQuery.json.code).toBe(0);
    const viaJson = await raw(emu, 'POST', '/v3/admin/ai/a2a', { query: { accessToken: token }, json: { agentCard: card } });
    expect([viaJson.status, viaJson.json.code]).toEqual([400, 10000]);
  });

  test('other paths are 404', async () => {
    const token = await loginToken(emu);
    expect((await raw(emu, 'GET', '/v3/admin/ai/agents', { query: { accessToken: token } })).status).toBe(404);
  });
});

describe('namespaces', () => {
  test('create, get, list, delete; duplicates are 400/22002 and unknown ids 404/22001', async () => {
    const { client } = clientFor(emu);
    await client.createNamespace({ namespaceId: 'acme', namespaceName: 'Acme', namespaceDesc: 'tenant acme' });
    expect(await client.getNamespace('acme')).toMatchObject({ namespace: 'acme', namespaceShowName: 'Acme', namespaceDesc: 'tenant acme' });
    expect((await client.listNamespaces()).map((n) => n.namespace)).toEqual(['public', 'acme']);
    const dup = await apiError(client.createNamespace({ namespaceId: 'acme', namespaceName: 'Acme' }));
    expect([dup.status, dup.code]).toEqual([400, 22002]);
    await client.deleteNamespace('acme');
    await client.deleteNamespace('acme');
    const gone = await apiError(client.getNamespace('acme'));
    expect([gone.status, gone.code]).toEqual([404, 22001]);
  });
});

describe('auth', () => {
  test('login answers plain JSON with an Authorization header; a wrong password is a 500 and an unknown user a 403', async () => {
    const ok = await raw(emu, 'POST', '/v3/auth/user/login', { form: { username: emu.username, password: emu.password } });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.json).sort()).toEqual(['accessToken', 'globalAdmin', 'tokenTtl', 'username']);
    expect(ok.json.tokenTtl).toBe(18000);
    expect(ok.headers.get('authorization')).toBe(`Bearer ${ok.json.accessToken}`);
    const bad = await raw(emu, 'POST', '/v3/auth/user/login', { form: { username: emu.username, password: 'wrong' } });
    expect([bad.status, bad.json.error, bad.json.code]).toEqual([500, 'Internal Server Error', undefined]);
    const unknown = await raw(emu, 'POST', '/v3/auth/user/login', { form: { username: 'nobody', password: 'wrong' } });
    expect([unknown.status, unknown.json.error, unknown.json.code]).toEqual([403, 'Forbidden', undefined]);
  });

  test('the token is accepted as Bearer header, accessToken header and accessToken query param', async () => {
    const token = await loginToken(emu);
    const q = { namespaceId: 'acme', search: 'blur' };
    expect((await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: q, headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: q, headers: { accessToken: token } })).status).toBe(200);
    expect((await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: { ...q, accessToken: token } })).status).toBe(200);
  });

  test("no or invalid token is a 403 with Spring's error body, no envelope; the identity header bypasses auth", async () => {
    const none = await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: { search: 'blur' } });
    expect([none.status, none.json.status, none.json.error, none.json.code]).toEqual([403, 403, 'Forbidden', undefined]);
    expect((await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: { search: 'blur', accessToken: 'forged' } })).status).toBe(403);
    const bypass = await raw(emu, 'GET', '/v3/admin/ai/a2a/list', { query: { search: 'blur' }, headers: { [emu.identity.key]: emu.identity.value } });
    expect(bypass.status).toBe(200);
  });

  test('first admin: created once with the given password, then 200 with body code 409', async () => {
    const fresh = await startNacosEmulator();
    try {
      const first = await raw(fresh, 'POST', '/v3/auth/user/admin', { form: { password: 'chosen' } });
      expect([first.status, first.json.code, first.json.data]).toEqual([200, 0, { username: 'nacos', password: 'chosen' }]);
      const again = await raw(fresh, 'POST', '/v3/auth/user/admin', { form: { password: 'other' } });
      expect([again.status, again.json.code]).toEqual([200, 409]);
      expect((await raw(fresh, 'POST', '/v3/auth/user/login', { form: { username: 'nacos', password: 'chosen' } })).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  test('an expired token is refused; the client logs in once more and succeeds', async () => {
    const short = await startNacosEmulator({ auth: { users: { [USER]: PASSWORD }, tokenTtlSeconds: 60 } });
    try {
      // The client's clock stands still, so it believes its token is fresh; the server's moves on.
      const { client, logs } = clientFor(short, { now: () => 0 });
      await client.listAgents({ namespaceId: 'acme' });
      short.advanceClock(61_000);
      await client.listAgents({ namespaceId: 'acme' });
      expect(short.state.logins).toBe(2);
      expect(short.state.requests.filter((r) => r.status === 403)).toHaveLength(1);
      expect(logs.some((l) => l.includes('logging in again'))).toBe(true);
    } finally {
      await short.close();
    }
  });

  test('the client renews its token before the TTL runs out, without meeting a 403', async () => {
    const short = await startNacosEmulator({ auth: { users: { [USER]: PASSWORD }, tokenTtlSeconds: 60 } });
    try {
      let now = 0;
      const { client } = clientFor(short, { now: () => now });
      await client.listAgents({ namespaceId: 'acme' });
      now += 55_000; // inside the last tenth of the TTL
      short.advanceClock(55_000);
      await client.listAgents({ namespaceId: 'acme' });
      expect(short.state.logins).toBe(2);
      expect(short.state.requests.some((r) => r.status === 403)).toBe(false);
    } finally {
      await short.close();
    }
  });

  test('a 403 that persists after the one re-login is reported, not retried further', async () => {
    const dead = await startNacosEmulator({ auth: { users: { [USER]: PASSWORD }, tokenTtlSeconds: 0 } });
    try {
      const { client } = clientFor(dead);
      const err = await apiError(client.listAgents({ namespaceId: 'acme' }));
      expect([err.status, err.code]).toEqual([403, undefined]);
      expect(dead.state.logins).toBe(2);
      expect(dead.state.requests.filter((r) => r.path.endsWith('/list'))).toHaveLength(2);
    } finally {
      await dead.close();
    }
  });

  onEmulatorOnly('concurrent calls share one login', async () => {
    const { client } = clientFor(emu);
    await Promise.all(Array.from({ length: 10 }, () => client.listAgents({ namespaceId: 'acme' })));
    expect(emu.emulator!.state.logins).toBe(1);
  });

  test('a wrong password is a NacosAuthError at once (Nacos says 500), never retried, no password in the message', async () => {
    const { client, logs } = clientFor(emu, { password: 'not-the-password-123' });
    const err = await apiError(client.listAgents({ namespaceId: 'acme' }));
    expect(err).toBeInstanceOf(NacosAuthError);
    expect([err.status, (err as NacosAuthError).kind, err.retryable]).toEqual([500, 'login', false]);
    expect(err.message).toContain('refused the login of user "nacos": wrong username or password');
    expect(logs).toEqual([]);
    expect(err.message).not.toContain('not-the-password-123');
    await expect(clientFor(emu, { password: 'not-the-password-123' }).client.verifyLogin()).rejects.toThrow(NacosAuthError);
  });

  test('an unknown user is a NacosAuthError too (Nacos says 403), never retried', async () => {
    const { client, logs } = clientFor(emu, { username: 'nobody', password: 'x' });
    const err = await apiError(client.listAgents({ namespaceId: 'acme' }));
    expect([err instanceof NacosAuthError, err.status]).toEqual([true, 403]);
    expect(logs).toEqual([]);
  });

  onEmulatorOnly('a wrong password costs exactly one login request, however many calls wait for it', async () => {
    const { client } = clientFor(emu, { password: 'not-the-password-123' });
    await Promise.all(Array.from({ length: 5 }, () => client.listAgents({ namespaceId: 'acme' }).catch(() => undefined)));
    expect(emu.emulator!.state.requests.filter((r) => r.path === '/v3/auth/user/login')).toHaveLength(1);
  });

  onEmulatorOnly('a 502/503 from the login (a gateway, a starting server) is retried', async () => {
    emu.emulator!.faults.serverError({ path: '/v3/auth/user/login', status: 503, times: 2 });
    const { client, logs } = clientFor(emu);
    await client.listAgents({ namespaceId: 'acme' });
    expect(logs.filter((l) => l.includes('retry'))).toHaveLength(2);
  });
});
