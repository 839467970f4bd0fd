/** Stack configurations that tests share. */
import type { PlatformConfig } from '../../stacks/config';

type AgentConfig = NonNullable<PlatformConfig['tenants'][number]['agents']>[number];

/** `config` (the dev stack) where acme's orchestrator also calls globex's researcher pinned to its canary version 2.2.0. */
export function withCanaryPinnedCall(config: PlatformConfig): PlatformConfig {
  const pin = (a: AgentConfig) => (a.name === 'orchestrator' ? { ...a, calls: [...(a.calls ?? []), 'globex/researcher#summarize@2.2.0'] } : a);
  return { ...config, tenants: config.tenants.map((t) => (t.name === 'acme' ? { ...t, agents: t.agents!.map(pin) } : t)) };
}
