/** `NacosNamespace`: a Pulumi dynamic resource for a tenant's Nacos namespace. */
import * as pulumi from '@pulumi/pulumi';
import { operationsLoader } from './provider-operations';
import type { NacosCredentials } from './agent-card-provider';

/** Arguments of {@link NacosNamespace}. */
export interface NacosNamespaceArgs {
  /** Nacos server, e.g. `http://nacos.nacos.svc:8848`. */
  readonly endpoint: pulumi.Input<string>;
  /** Namespace id (the tenant name). */
  readonly namespaceId: pulumi.Input<string>;
  /** Display name. @default the id */
  readonly namespaceName?: pulumi.Input<string>;
  /** Description. @default "" */
  readonly description?: pulumi.Input<string>;
  /** Nacos login, made secret whatever is passed. @default - no login (Nacos auth off) */
  readonly credentials?: pulumi.Input<NacosCredentials>;
}

/** The provider's code, loaded when Pulumi calls it: the only thing the serialized provider captures. */
const _ops = operationsLoader<typeof import('./nacos-namespace-provider')>('nacos-namespace-provider');

const _provider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => _ops().checkNacosNamespace(olds, news),
  diff: (id, olds, news) => _ops().diffNacosNamespace(id, olds, news),
  create: (inputs) => _ops().createNacosNamespace(inputs),
  read: (id, props) => _ops().readNacosNamespace(id, props),
  update: (id, olds, news) => _ops().updateNacosNamespace(id, olds, news),
  delete: (id, props) => _ops().deleteNacosNamespace(id, props),
};

/**
 * A tenant's namespace in Nacos (id = tenant name).
 * @example new NacosNamespace('acme', { endpoint: 'http://nacos:8848', namespaceId: 'acme', credentials: pulumi.secret({ username, password }) })
 */
export class NacosNamespace extends pulumi.dynamic.Resource {
  /** The namespace id. */
  public readonly namespaceId!: pulumi.Output<string>;
  /** The display name. */
  public readonly namespaceName!: pulumi.Output<string>;

  constructor(name: string, args: NacosNamespaceArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      endpoint: args.endpoint,
      namespaceId: args.namespaceId,
      namespaceName: args.namespaceName,
      description: args.description,
      credentials: args.credentials === undefined ? undefined : pulumi.secret(args.credentials),
    };
    super(_provider, name, props, { ...opts, additionalSecretOutputs: ['credentials', ...(opts?.additionalSecretOutputs ?? [])] }, 'agentruntime/registry', 'NacosNamespace');
  }
}

/** The serialized-provider object, exported for tests that drive Pulumi's dynamic-provider host. */
export const nacosNamespaceProvider = _provider;
