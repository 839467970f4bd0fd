/**
 * The operations of the `NacosAdmin` dynamic provider, as plain functions over plain inputs;
 * loaded by path inside the serialized provider (see `nacos-admin-resource.ts`).
 */
import type * as pulumi from '@pulumi/pulumi';
import type { NacosCredentials } from './agent-card-provider';
import { NACOS_ADMIN_USER, NacosClient } from './nacos-client';
import { NacosAdminExistsError } from './nacos-errors';

/** Pulumi's placeholder for a value not known yet (preview). */
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** Resolved inputs of one `NacosAdmin` resource. */
export interface NacosAdminInputs {
  readonly endpoint: string;
  readonly password: string;
}

/** State of one `NacosAdmin` resource. */
export interface NacosAdminOutputs extends NacosAdminInputs {
  /** Always `nacos`. */
  readonly username: string;
  /** `{username, password}` for the resources that log in to Nacos (secret). */
  readonly credentials: NacosCredentials;
  /** `pulumi refresh` found that the password no longer logs in. */
  readonly drifted: boolean;
}

/** Validates the endpoint and the password per field; unknown values pass. */
export async function checkNacosAdmin(_olds: unknown, news: Record<string, any>): Promise<pulumi.dynamic.CheckResult> {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (news.endpoint !== UNKNOWN) {
    try {
      const url = new URL(news.endpoint);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    } catch {
      failures.push({ property: 'endpoint', reason: `endpoint ${JSON.stringify(news.endpoint)} is not an http(s) URL; use e.g. "http://nacos.nacos.svc:8848"` });
    }
  }
  if (news.password !== UNKNOWN && (typeof news.password !== 'string' || news.password === '')) {
    // Never echo the value: it is the password.
    failures.push({ property: 'password', reason: 'password must be a non-empty string; set it with `pulumi config set --secret nacosAdminPassword ...`' });
  }
  return { inputs: news, failures };
}

/**
 * Never a replacement: an endpoint change is only a new address to reach the server at (update
 * then makes sure the admin exists there); a password change or a drift is an update.
 */
export async function diffNacosAdmin(_id: string, olds: NacosAdminOutputs, news: NacosAdminInputs): Promise<pulumi.dynamic.DiffResult> {
  const changed = olds.endpoint !== news.endpoint || olds.password !== news.password || olds.drifted === true;
  return { changes: changed, replaces: [], deleteBeforeReplace: false };
}

/**
 * Creates the first admin, or adopts the existing one when the password logs in. A new admin is
 * "created" only once it logs in: Nacos serves logins from a user cache it reloads on a timer, so
 * the resources that log in right after this one would otherwise be refused for a few seconds.
 */
export async function createNacosAdmin(inputs: NacosAdminInputs): Promise<pulumi.dynamic.CreateResult> {
  const client = _client(inputs);
  const { created } = await client.initAdmin(inputs.password);
  if (created) await _untilLoginWorks(client, inputs.password);
  return { id: NACOS_ADMIN_USER, outs: _outs(inputs) };
}

/** How long a new admin may take to log in: Nacos reloads its user cache every few seconds. */
const ADMIN_LOGIN_WAIT = { attempts: 90, delayMs: 500 };

async function _untilLoginWorks(client: NacosClient, password: string): Promise<void> {
  for (let i = 0; i < ADMIN_LOGIN_WAIT.attempts; i++) {
    if (await client.checkLogin(NACOS_ADMIN_USER, password)) return;
    await new Promise((r) => setTimeout(r, ADMIN_LOGIN_WAIT.delayMs));
  }
  const waited = (ADMIN_LOGIN_WAIT.attempts * ADMIN_LOGIN_WAIT.delayMs) / 1000;
  throw new Error(`Nacos at ${client.baseUrl}: the admin "${NACOS_ADMIN_USER}" was created but still does not log in after ${waited} s; ` +
    'check the server log (auth plugin, user cache), then run `pulumi up` again (an existing admin is adopted)');
}

/** Refresh: the password must still log in; when it does not, the state says `drifted: true`. */
export async function readNacosAdmin(id: string, props: NacosAdminOutputs): Promise<pulumi.dynamic.ReadResult> {
  const ok = await _client(props).checkLogin(NACOS_ADMIN_USER, props.password);
  return { id, props: { ..._outs(props), drifted: !ok } };
}

/**
 * Makes sure the admin exists at the (possibly new) endpoint and logs in with the configured
 * password. It never changes the admin's password: that is done in Nacos, then in the config.
 */
export async function updateNacosAdmin(_id: string, olds: NacosAdminOutputs, news: NacosAdminInputs): Promise<pulumi.dynamic.UpdateResult> {
  try {
    await _client(news).initAdmin(news.password);
  } catch (err) {
    if (err instanceof NacosAdminExistsError && olds.password !== news.password) {
      throw new Error(
        `Nacos at ${err.baseUrl}: nacosAdminPassword changed, but the new value does not log in as "nacos". ` +
          'This stack never changes the Nacos admin password: change it in Nacos first (console, or `PUT /nacos/v3/auth/user` ' +
          'with username=nacos and newPassword, logged in as the admin), then run `pulumi up` again; ' +
          'or set the current password back with `pulumi config set --secret nacosAdminPassword ...`',
      );
    }
    throw err;
  }
  return { outs: _outs(news) };
}

/**
 * Nothing to do, deliberately. The first admin is the only global admin and Nacos refuses to
 * delete it (`cannot delete admin`); were it gone, no one could log in until an operator created
 * a new one, and every workload and tool using these credentials would fail. Removing this
 * resource from the stack (or replacing it) must never lock operators out of the registry.
 */
export async function deleteNacosAdmin(_id: string, _props: NacosAdminOutputs): Promise<void> {
  return;
}

function _outs(inputs: NacosAdminInputs): NacosAdminOutputs {
  return {
    endpoint: inputs.endpoint,
    password: inputs.password,
    username: NACOS_ADMIN_USER,
    credentials: { username: NACOS_ADMIN_USER, password: inputs.password },
    drifted: false,
  };
}

function _client(inputs: { endpoint: string }): NacosClient {
  return new NacosClient({ endpoint: inputs.endpoint });
}
