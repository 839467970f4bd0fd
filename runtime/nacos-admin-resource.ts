/** `NacosAdmin`: a Pulumi dynamic resource for Nacos 3.x's first admin (user `nacos`). */
import * as pulumi from '@pulumi/pulumi';
import { operationsLoader } from './provider-operations';
import type { NacosCredentials } from './agent-card-provider';

/** Arguments of {@link NacosAdmin}. */
export interface NacosAdminArgs {
  /** Nacos server, e.g. `http://nacos.nacos.svc:8848`. */
  readonly endpoint: pulumi.Input<string>;
  /** The admin's password, made secret whatever is passed; e.g. `cfg.requireSecret('nacosAdminPassword')`. */
  readonly password: pulumi.Input<string>;
}

/** The provider's code, loaded when Pulumi calls it: the only thing the serialized provider captures. */
const _ops = operationsLoader<typeof import('./nacos-admin-provider')>('nacos-admin-provider');

const _provider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => _ops().checkNacosAdmin(olds, news),
  diff: (id, olds, news) => _ops().diffNacosAdmin(id, olds, news),
  create: (inputs) => _ops().createNacosAdmin(inputs),
  read: (id, props) => _ops().readNacosAdmin(id, props),
  update: (id, olds, news) => _ops().updateNacosAdmin(id, olds, news),
  delete: (id, props) => _ops().deleteNacosAdmin(id, props),
};

/**
 * Nacos 3.x ships no user: this creates the first admin, `nacos`, with the given password
 * before anything logs in, or adopts an existing one whose password is the given one (else it
 * fails and says how to set the current password). Refresh reports `drifted` when the password
 * no longer logs in. It never changes the password (do that in Nacos, then in the config) and
 * never deletes the admin. Pass {@link credentials} to the resources that log in, so they wait
 * for it.
 * @example
 * const admin = new NacosAdmin('nacos-admin', { endpoint, password: cfg.requireSecret('nacosAdminPassword') });
 * new NacosNamespace('acme', { endpoint, namespaceId: 'acme', credentials: admin.credentials });
 */
export class NacosAdmin extends pulumi.dynamic.Resource {
  /** The server it was created on. */
  declare public readonly endpoint: pulumi.Output<string>;
  /** Always `nacos`. */
  declare public readonly username: pulumi.Output<string>;
  /** `{username: 'nacos', password}`, secret. */
  declare public readonly credentials: pulumi.Output<NacosCredentials>;
  /** `true` after a refresh found that the password no longer logs in. */
  declare public readonly drifted: pulumi.Output<boolean>;

  constructor(name: string, args: NacosAdminArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      endpoint: args.endpoint,
      password: pulumi.secret(args.password),
      username: undefined,
      credentials: undefined,
      drifted: undefined,
    };
    super(_provider, name, props, { ...opts, additionalSecretOutputs: ['password', 'credentials', ...(opts?.additionalSecretOutputs ?? [])] }, 'agentruntime/registry', 'NacosAdmin');
  }
}

/** The serialized-provider object, exported for tests that drive Pulumi's dynamic-provider host. */
export const nacosAdminProvider = _provider;
