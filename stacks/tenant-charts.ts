/**
 * Tenant configuration -> constructs. The config keys are the props, so this only resolves
 * names into construct references (sandbox pools, the agent of a canary) and names the config
 * key in construct errors. Every tenant chart is constructed first, each in an App of its own,
 * and synthesized afterwards: the shared agent directory then knows every agent and every
 * call, whichever tenant declares it, before any chart is serialized.
 */
import { Chart } from 'cdk8s';
import { AgentDirectory } from '../constructs/agent-directory';
import type { PlatformFacts } from '../constructs/platform-facts';
import { SandboxPool } from '../constructs/sandbox-pool';
import { TenantNamespace } from '../constructs/tenant-namespace';
import type { TenantConfig } from './config-types';
import { ConfigError, configKey } from './config-validation';

/**
 * Constructs one tenant's chart (not yet synthesized). `index` is the tenant's position in
 * `agent-runtime:tenants`, for error messages.
 */
export function buildTenantChart(chart: Chart, tenant: TenantConfig, facts: PlatformFacts, directory: AgentDirectory, index = 0): TenantNamespace {
  const at = (...path: (string | number)[]) => ['tenants', index, ...path];
  const { agents = [], sandboxPools = [], canaries = [], ...props } = tenant;
  const ns = inConfig(at(), () => new TenantNamespace(chart, tenant.name, { ...props, platform: facts, directory }));
  const pools = new Map<string, SandboxPool>();
  sandboxPools.forEach((p, i) => pools.set(p.name, inConfig(at('sandboxPools', i), () => ns.addSandboxPool(p))));
  agents.forEach((agent, i) => {
    const { sandboxPool, ...agentProps } = agent;
    const shared = { ...agentProps, ...(sandboxPool ? { sandboxPool: pools.get(sandboxPool)! } : {}) };
    const c = canaries.findIndex((x) => x.agent === agent.name);
    if (c < 0) {
      inConfig(at('agents', i), () => ns.addAgent(shared));
      return;
    }
    const { agent: _name, stable, ...release } = canaries[c];
    const { version = '1.0.0', ...withoutVersion } = shared;
    inConfig(at('canaries', c), () => ns.addCanaryRelease({ ...release, agent: withoutVersion, stable: { ...stable, version } }));
  });
  return ns;
}

/** Runs `build`, naming the config key of the item it builds in any error. */
function inConfig<T>(path: (string | number)[], build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // Constructs name their own path ("agent tenant-acme/acme/support: ..."); the config key replaces it.
    const message = (e as Error).message.replace(/^(agent|tenant|sandbox pool|canary)\s+\S+:\s*/, '');
    throw new ConfigError(`${configKey(path)}: ${message}`);
  }
}
