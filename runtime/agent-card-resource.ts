/**
 * `AgentCard`: a Pulumi dynamic resource that keeps one version of an agent's A2A card
 * registered in the Nacos 3.1 registry.
 */
import * as pulumi from '@pulumi/pulumi';
import { operationsLoader } from './provider-operations';
import type { AgentCard as AgentCardData } from './agent-card';
import type { NacosCredentials } from './agent-card-provider';

/** Arguments of {@link AgentCard}. */
export interface AgentCardArgs {
  /** The A2A 0.3 card; `card.version` is the version this resource owns. */
  readonly card: pulumi.Input<AgentCardData>;
  /** Nacos server, e.g. `http://nacos.nacos.svc:8848`. */
  readonly endpoint: pulumi.Input<string>;
  /** Nacos namespace id (the tenant). */
  readonly namespace: pulumi.Input<string>;
  /** Nacos login, made secret whatever is passed. @default - no login (Nacos auth off) */
  readonly credentials?: pulumi.Input<NacosCredentials>;
  /** Make this version the latest. @default true */
  readonly setAsLatest?: pulumi.Input<boolean>;
}

/** The provider's code, loaded when Pulumi calls it: the only thing the serialized provider captures. */
const _ops = operationsLoader<typeof import('./agent-card-provider')>('agent-card-provider');

/** The provider Pulumi serializes: it captures only `_ops` and loads the code when called. */
const _provider: pulumi.dynamic.ResourceProvider = {
  check: (olds, news) => _ops().checkAgentCard(olds, news),
  diff: (id, olds, news) => _ops().diffAgentCard(id, olds, news),
  create: (inputs) => _ops().createAgentCard(inputs),
  read: (id, props) => _ops().readAgentCard(id, props),
  update: (id, olds, news) => _ops().updateAgentCard(id, olds, news),
  delete: (id, props) => _ops().deleteAgentCard(id, props),
};

/**
 * Registers one version of an AgentCard in Nacos: create POSTs (or PUTs a new version when
 * the agent exists), update PUTs, delete removes exactly this version, refresh reports drift.
 * @example new AgentCard('billing', { card, endpoint: 'http://nacos:8848', namespace: 'acme', credentials: pulumi.secret({ username, password }) })
 */
export class AgentCard extends pulumi.dynamic.Resource {
  /** Agent name in Nacos. */
  public readonly agentName!: pulumi.Output<string>;
  /** The version this resource owns. */
  public readonly version!: pulumi.Output<string>;
  /** The card as registered (with the ownership marker). */
  public readonly card!: pulumi.Output<AgentCardData>;
  /** True after a refresh found the stored card changed by someone else. */
  public readonly drifted!: pulumi.Output<boolean>;

  constructor(name: string, args: AgentCardArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      card: args.card,
      endpoint: args.endpoint,
      namespace: args.namespace,
      credentials: args.credentials === undefined ? undefined : pulumi.secret(args.credentials),
      setAsLatest: args.setAsLatest ?? true,
      agentName: undefined,
      version: undefined,
      drifted: undefined,
      remoteCard: undefined,
    };
    super(_provider, name, props, { ...opts, additionalSecretOutputs: ['credentials', ...(opts?.additionalSecretOutputs ?? [])] }, 'agentruntime/registry', 'AgentCard');
  }
}

/** The serialized-provider object, exported for tests that drive Pulumi's dynamic-provider host. */
export const agentCardProvider = _provider;
