import type { IAgentTrack } from './contracts';

/** `metadata` of an object of an agent track: its name in the tenant namespace, plus `extra`. */
export function _agentMeta(agent: IAgentTrack, name: string, extra: { readonly annotations?: Record<string, string> } = {}) {
  return { name, namespace: agent.tenant.namespace, ...extra };
}
