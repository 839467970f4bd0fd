/**
 * The agent directory computed from the stack configuration alone, before any chart is built:
 * with it every tenant can be built, synthesized and written on its own thread and let go at
 * once, instead of constructing every tenant first (see synth-to-directory.ts).
 */
import { AgentDirectory, agentKey, type AgentDirectoryData } from '../constructs/agent-directory';
import { agentDirectoryEntry } from '../constructs/agent-directory-entry';
import type { PlatformFacts } from '../constructs/platform-facts';
import { isSkillCall, parseSkillCall } from '../constructs/skill-resilience';
import type { PlatformConfig } from './config';
import { isRefused } from './tenant-charts';

/**
 * Every agent, canary version and call of `config`, as the constructs register them. Nothing is
 * caught: an item the constructs refuse is left out by the same checks, and its construct reports
 * it under its config key (an item with a configuration problem, a second agent of the same name,
 * a malformed call, a call to itself or closing a cycle).
 */
export function directoryFromConfig(config: PlatformConfig, facts: PlatformFacts): AgentDirectoryData {
  const directory = new AgentDirectory();
  const known = config.problems ?? [];
  config.tenants.forEach((t, ti) => {
    (t.agents ?? []).forEach((a, ai) => {
      const key = agentKey(t.name, a.name);
      const ci = (t.canaries ?? []).findIndex((c) => c.agent === a.name);
      const canary = ci >= 0 ? t.canaries![ci] : undefined;
      if (isRefused(known, ti, 'agents', ai) || (ci >= 0 && isRefused(known, ti, 'canaries', ci)) || directory.get(key)) return;
      // A canary's stable version is the agent's; its declarative/byo may override the agent's (CanaryRelease).
      const declarative = canary?.stable?.declarative ?? a.declarative;
      directory.register(agentDirectoryEntry({
        tenant: t.name, namespace: t.name, clusterDomain: facts.clusterDomain, agent: a.name,
        version: a.version ?? '1.0.0', kind: declarative ? 'declarative' : 'byo', skills: a.skills,
      }));
      if (canary?.canary?.version) directory.setCanaryVersion(key, canary.canary.version);
      for (const c of a.calls ?? []) {
        if (!isSkillCall(c)) continue;
        const call = parseSkillCall(c, 'calls');
        const ref = { tenant: call.tenant, agent: call.agent, skill: call.skill };
        if (directory.callRefusal(key, ref) === undefined) directory.addCall(key, ref);
      }
    });
  });
  return directory.toData();
}
