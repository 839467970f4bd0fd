/** The registry runtime: Nacos 3.1 client, AgentCard helpers, dynamic resources, registration engine. */
import { requirePeers } from './peer-dependencies';

// Before the re-exports below load Pulumi: a clear error when it is not installed.
requirePeers('agent-runtime/runtime', ['@pulumi/pulumi']);

// The card's data type is `AgentCardData` here, so `AgentCard` can name the Pulumi resource.
export {
  type AgentCard as AgentCardData,
  type AgentExtension,
  type AgentSkill,
  type CardFailure,
  MANAGED_EXTENSION_URI,
  TRANSPORTS,
  assertValidAgentCard,
  canonicalJson,
  managedBy,
  normalizeAgentCard,
  sameAgentCard,
  validateAgentCard,
  withManagedMarker,
} from './agent-card';
export * from './agent-card-resource';
export * from './apply-agent-card';
export * from './manifest-cards';
export * from './nacos-admin-resource';
export * from './nacos-client';
export * from './nacos-errors';
export * from './nacos-namespace-resource';
export * from './register';
export * from './retry';
export type { AgentCardInputs, AgentCardOutputs, NacosCredentials } from './agent-card-provider';
export type { NacosAdminInputs, NacosAdminOutputs } from './nacos-admin-provider';
