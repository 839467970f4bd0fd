/**
 * The first Nacos admin: `NacosClient.initAdmin`, the `NacosAdmin` provider operations, the
 * serialized provider through Pulumi's dynamic-provider host, and secrecy of the password.
 */
import * as pulumi from '@pulumi/pulumi';
import { NacosAdmin, nacosAdminProvider } from '../../runtime/nacos-admin-resource';
import {
  NacosAdminOutputs,
  checkNacosAdmin,
  createNacosAdmin,
  deleteNacosAdmin,
  diffNacosAdmin,
  readNacosAdmin,
  updateNacosAdmin,
} from '../../runtime/nacos-admin-provider';
import { NacosClient } from '../../runtime/nacos-client';
import { NacosAdminExistsError } from '../../runtime/nacos-errors';
import { NacosEmulator, startNacosEmulator } from '../nacos-emulator/nacos-emulator';
import { nacosBackend } from '../support/nacos-backend';
import { DIFF, serializeProvider, startDynamicProviderHost } from './dynamic-provider-host';
import { PASSWORD, USER, clientFor } from './support';
import { captureOutput } from '../support/capture-output';
import { isSecret, RecordedRegistration, recordRegistrations } from '../support/pulumi-registrations';

const WRONG = 'Wr0ng-but-also-never-logged';
const CLEAR_MESSAGE = 'an admin already exists and the configured nacosAdminPassword does not log in';
const SET_HINT = 'pulumi config set --secret nacosAdminPassword';
const emulators: NacosEmulator[] = [];

/** A Nacos with auth on and no user at all, as 3.x starts. */
async function freshNacos(extra: { tokenTtlSeconds?: number } = {}): Promise<NacosEmulator> {
  const emu = await startNacosEmulator({ auth: { ...extra } });
  emulators.push(emu);
  return emu;
}
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

const adminClient = (emu: { url: string }, logs: string[] = []) =>
  new NacosClient({ endpoint: emu.url, retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 300, log: (l) => logs.push(l) });

/** `check` then `create`, as the engine does. */
async function create(endpoint: string, password: string): Promise<NacosAdminOutputs> {
  const { inputs, failures } = await checkNacosAdmin({}, { endpoint, password });
  expect(failures).toEqual([]);
  return (await createNacosAdmin(inputs as any)).outs as NacosAdminOutputs;
}

describe('NacosAdmin create waits until the new admin logs in', () => {
  test('logins refused at first (Nacos reloads its user cache on a timer) delay create; it never returns before a login works', async () => {
    const emu = await freshNacos();
    emu.faults.serverError({ method: 'POST', path: '/v3/auth/user/login', times: 3, status: 500 });
    const outs = await create(emu.url, PASSWORD);
    expect(outs.credentials).toEqual({ username: 'nacos', password: PASSWORD });
    const logins = emu.state.requests.filter((r) => r.path === '/v3/auth/user/login').map((r) => r.status);
    expect(logins).toEqual([500, 500, 500, 200]);
  });
});

describe('NacosClient.initAdmin', () => {
  test('a fresh server gets the admin nacos with the password, and it logs in', async () => {
    const emu = await freshNacos();
    expect(await clientFor(emu).client.listNamespaces().catch((e: Error) => e)).toBeInstanceOf(Error); // no user yet
    const before = emu.state.requests.length;
    expect(await adminClient(emu).initAdmin(PASSWORD)).toEqual({ username: 'nacos', created: true });
    // One unauthenticated call, no login before it.
    expect(emu.state.requests.slice(before)).toEqual([{ method: 'POST', path: '/v3/auth/user/admin', status: 200 }]);
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
    expect((await clientFor(emu).client.listNamespaces()).map((n) => n.namespace)).toContain('public');
  });

  test('a second run with the same password succeeds without changing anything', async () => {
    const emu = await freshNacos();
    await adminClient(emu).initAdmin(PASSWORD);
    expect(await adminClient(emu).initAdmin(PASSWORD)).toEqual({ username: 'nacos', created: false });
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
    expect(emu.state.requests.slice(-2).map((r) => `${r.path} ${r.status}`)).toEqual(['/v3/auth/user/admin 200', '/v3/auth/user/login 200']);
  });

  test('a second run with another password fails with the clear message, naming no password', async () => {
    const emu = await freshNacos();
    await adminClient(emu).initAdmin(PASSWORD);
    const err = await adminClient(emu).initAdmin(WRONG).catch((e: Error) => e);
    expect(err).toBeInstanceOf(NacosAdminExistsError);
    expect((err as Error).message).toContain(CLEAR_MESSAGE);
    expect((err as Error).message).toContain(SET_HINT);
    expect((err as Error).message).toContain(emu.url);
    expect(`${(err as Error).message}\n${(err as Error).stack}`).not.toMatch(new RegExp(`${PASSWORD}|${WRONG}`));
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
  });

  test('an existing admin that is not nacos (409, nacos does not log in) is the same clear failure', async () => {
    const emu = await startNacosEmulator({ auth: { users: { nacos: 'someone-elses' } } });
    emulators.push(emu);
    await expect(adminClient(emu).initAdmin(PASSWORD)).rejects.toThrow(CLEAR_MESSAGE);
  });

  test('a lost answer is retried: the retry sees 409 and verifies the login', async () => {
    const emu = await freshNacos();
    emu.faults.hangAfterCommit({ method: 'POST', path: '/v3/auth/user/admin' });
    const logs: string[] = [];
    expect(await adminClient(emu, logs).initAdmin(PASSWORD)).toEqual({ username: 'nacos', created: false });
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
    expect(logs).toEqual([expect.stringContaining('POST /v3/auth/user/admin failed: timed out')]);
  });

  test('5xx on the admin call and on the login check are retried', async () => {
    const emu = await freshNacos();
    emu.faults.serverError({ path: '/v3/auth/user/admin', times: 2, status: 503 });
    expect((await adminClient(emu).initAdmin(PASSWORD)).created).toBe(true);
    emu.faults.serverError({ path: '/v3/auth/user/login', times: 2, status: 502 });
    expect(await adminClient(emu).checkLogin('nacos', PASSWORD)).toBe(true);
    expect(await adminClient(emu).checkLogin('nacos', WRONG)).toBe(false);
  });

  test('an empty password is refused before any request (Nacos would pick a random one)', async () => {
    const emu = await freshNacos();
    await expect(adminClient(emu).initAdmin('')).rejects.toThrow('non-empty password');
    expect(emu.state.requests).toEqual([]);
  });
});

// On the backend of the run (the real Nacos 3.1 has its admin already): what an existing install sees.
test('on a server with its admin: the same password is "exists", another is the clear failure (Nacos answers it with 500)', async () => {
  const nacos = await nacosBackend();
  try {
    const logs: string[] = [];
    // The default timeout: the real server takes longer than adminClient's 300 ms to refuse a password.
    const client = new NacosClient({ endpoint: nacos.url, retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 20 }, log: (l) => logs.push(l) });
    expect(await client.initAdmin(nacos.password)).toEqual({ username: 'nacos', created: false });
    const err = await client.initAdmin(WRONG).catch((e: Error) => e);
    expect(err).toBeInstanceOf(NacosAdminExistsError);
    expect(logs).toEqual([]); // the refused login is an answer, not a fault: nothing retried
    expect(await client.checkLogin('nacos', WRONG)).toBe(false);
    expect(await client.checkLogin('nobody', WRONG)).toBe(false);
  } finally {
    await nacos.close();
  }
});

describe('NacosAdmin provider operations', () => {
  test('check names the bad field, never echoes the password, and lets unknown values through', async () => {
    const bad = await checkNacosAdmin({}, { endpoint: 'nacos:8848', password: '' });
    expect(bad.failures!.map((f) => f.property)).toEqual(['endpoint', 'password']);
    const unknown = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
    expect((await checkNacosAdmin({}, { endpoint: unknown, password: unknown })).failures).toEqual([]);
    const numeric = await checkNacosAdmin({}, { endpoint: 'http://nacos:8848', password: 12345678 });
    expect(JSON.stringify(numeric.failures)).not.toContain('12345678');
  });

  test('create on a fresh server, again with the same password, and not with a wrong one', async () => {
    const emu = await freshNacos();
    const outs = await create(emu.url, PASSWORD);
    expect(outs).toEqual({ endpoint: emu.url, password: PASSWORD, username: 'nacos', credentials: { username: 'nacos', password: PASSWORD }, drifted: false });
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
    // A second stack (or a re-created resource) adopts the admin.
    expect((await create(emu.url, PASSWORD)).username).toBe('nacos');
    await expect(create(emu.url, WRONG)).rejects.toThrow(SET_HINT);
  });

  test('diff: never a replacement; endpoint, password and drift are updates', async () => {
    const olds: NacosAdminOutputs = { endpoint: 'http://a:8848', password: PASSWORD, username: 'nacos', credentials: { username: 'nacos', password: PASSWORD }, drifted: false };
    const diff = (news: object, o: object = {}) => diffNacosAdmin('nacos', { ...olds, ...o }, { endpoint: olds.endpoint, password: PASSWORD, ...news });
    expect(await diff({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(await diff({ endpoint: 'http://b:8848' })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await diff({ password: WRONG })).changes).toBe(true);
    expect((await diff({}, { drifted: true })).changes).toBe(true);
  });

  test('read reports drift when the password no longer logs in; the next update explains what to do', async () => {
    const emu = await freshNacos();
    const outs = await create(emu.url, PASSWORD);
    expect((await readNacosAdmin('nacos', outs)).props).toMatchObject({ drifted: false });
    emu.state.users.nacos = 'changed-in-the-console';
    const read = await readNacosAdmin('nacos', outs);
    expect(read).toEqual({ id: 'nacos', props: { ...outs, drifted: true } });
    const err = await updateNacosAdmin('nacos', read.props as NacosAdminOutputs, { endpoint: emu.url, password: PASSWORD }).catch((e: Error) => e);
    expect((err as Error).message).toContain(CLEAR_MESSAGE);
  });

  test('update with a changed password: fails with how-to when Nacos still has the old one, succeeds once Nacos has the new one', async () => {
    const emu = await freshNacos();
    const outs = await create(emu.url, PASSWORD);
    const news = { endpoint: emu.url, password: `${PASSWORD}-2` };
    const err = await updateNacosAdmin('nacos', outs, news).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/nacosAdminPassword changed, but the new value does not log in as "nacos".*never changes the Nacos admin password: change it in Nacos first/);
    expect((err as Error).message).not.toContain(PASSWORD);
    expect(emu.state.users).toEqual({ nacos: PASSWORD }); // nothing was changed in Nacos

    emu.state.users.nacos = news.password; // the operator changed it in Nacos
    const { outs: updated } = await updateNacosAdmin('nacos', outs, news);
    expect(updated).toMatchObject({ password: news.password, credentials: { username: 'nacos', password: news.password }, drifted: false });
  });

  test('update to a new endpoint makes sure the admin exists there', async () => {
    const [a, b] = [await freshNacos(), await freshNacos()];
    const outs = await create(a.url, PASSWORD);
    const { outs: moved } = await updateNacosAdmin('nacos', outs, { endpoint: b.url, password: PASSWORD });
    expect(moved).toMatchObject({ endpoint: b.url, drifted: false });
    expect(b.state.users).toEqual({ nacos: PASSWORD });
  });

  test('delete never removes the admin and sends nothing', async () => {
    const emu = await freshNacos();
    const outs = await create(emu.url, PASSWORD);
    const before = emu.state.requests.length;
    await deleteNacosAdmin('nacos', outs);
    expect(emu.state.requests.length).toBe(before);
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
  });
});

test('the serialized provider through the dynamic-provider host: check, create, read, update, delete', async () => {
  const emu = await freshNacos();
  const host = await startDynamicProviderHost();
  try {
    const provider = await serializeProvider(nacosAdminProvider);
    const urn = 'urn:pulumi:test::agent-runtime::pulumi-nodejs:dynamic/agentruntime/registry:NacosAdmin::nacos-admin';
    const checked = await host.check(urn, {}, { __provider: provider, endpoint: emu.url, password: PASSWORD });
    expect(checked.failures).toEqual([]);
    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe('nacos');
    expect(created.outs).toMatchObject({ username: 'nacos', credentials: { username: 'nacos', password: PASSWORD }, drifted: false, __provider: provider });
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
    expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes).toBe(DIFF.DIFF_NONE);
    expect((await host.read(urn, created.id, created.outs)).props).toMatchObject({ drifted: false });
    const wrong = await host.check(urn, created.outs, { __provider: provider, endpoint: emu.url, password: WRONG });
    expect(await host.diff(urn, created.id, created.outs, wrong.inputs)).toEqual({ changes: DIFF.DIFF_SOME, replaces: [] });
    await expect(host.update(urn, created.id, created.outs, wrong.inputs)).rejects.toThrow('nacosAdminPassword changed');
    await host.delete(urn, created.id, created.outs);
    expect(emu.state.users).toEqual({ nacos: PASSWORD });
    expect(host.output()).not.toContain(PASSWORD);
    expect(host.output()).not.toContain(WRONG);
  } finally {
    await host.stop();
  }
});

describe('secrecy of the admin password', () => {
  test('the serialized provider holds no password and no client, even after the password was used', async () => {
    const emu = await freshNacos();
    await create(emu.url, PASSWORD);
    const text = await serializeProvider(nacosAdminProvider);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('NacosClient');
    expect(text).toMatch(/local: ".*nacos-admin-provider"/);
  });

  test('nothing logged while creating, retrying, refreshing and failing contains the password', async () => {
    const emu = await freshNacos();
    const { captured, restore } = captureOutput();
    const clientLogs: string[] = [];
    try {
      emu.faults.serverError({ path: '/v3/auth/user/admin', times: 1, status: 503 });
      emu.faults.hangAfterCommit({ path: '/v3/auth/user/admin', times: 1 });
      await adminClient(emu, clientLogs).initAdmin(PASSWORD);
      const outs = await create(emu.url, PASSWORD);
      emu.faults.serverError({ path: '/v3/auth/user/login', times: 1, status: 500 });
      await readNacosAdmin('nacos', outs);
      for (const failing of [() => create(emu.url, WRONG), () => updateNacosAdmin('nacos', outs, { endpoint: emu.url, password: WRONG })]) {
        const err = (await failing().catch((e: Error) => e)) as Error;
        captured.push(String(err), err.stack ?? '');
      }
    } finally {
      restore();
    }
    expect(clientLogs).toHaveLength(2);
    expect([...captured, ...clientLogs].join('\n')).not.toMatch(new RegExp(`${PASSWORD}|${WRONG}`));
  });

  describe('registration with the Pulumi engine (mocks)', () => {
    const requests: RecordedRegistration[] = [];
    beforeAll(() => {
      recordRegistrations(requests);
      pulumi.runtime.setMocks({
        newResource: (args) => ({
          id: 'nacos',
          state: { ...args.inputs, username: 'nacos', credentials: { username: 'nacos', password: args.inputs.password }, drifted: false },
        }),
        call: (args) => args.inputs,
      });
    });

    test('a plain-text password is sent as a secret; password and credentials stay secret in outputs', async () => {
      const admin = new NacosAdmin('nacos-admin', { endpoint: 'http://nacos:8848', password: PASSWORD });
      const req = await new Promise<(typeof requests)[number]>((resolve) =>
        admin.urn.apply(() => resolve(requests.find((r) => r.type === 'pulumi-nodejs:dynamic/agentruntime/registry:NacosAdmin')!)),
      );
      expect(req.additionalSecretOutputs).toEqual(expect.arrayContaining(['password', 'credentials']));
      expect(isSecret(req.wire.password)).toBe(true);
      expect(JSON.stringify({ ...req.wire, password: undefined })).not.toContain(PASSWORD);
      expect(await pulumi.isSecret(admin.credentials)).toBe(true);
      const [username, credentials] = await new Promise<[string, { username: string; password: string }]>((resolve) =>
        pulumi.all([admin.username, admin.credentials]).apply(([u, c]) => resolve([u, c])),
      );
      expect(username).toBe('nacos');
      expect(credentials).toEqual({ username: USER, password: PASSWORD });
    });
  });
});
