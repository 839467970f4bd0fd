/**
 * The agent directory computed from the stack configuration alone, before any chart is built:
 * with it every tenant can be built, synthesized and written on its own thread and let go at
 * once, instead of constructing every tenant first (see synth-to-directory.ts).
 */
import { AgentDirectory, agentKey, type AgentDirectoryData } from '../constructs/agent-directory';
import { agentDirectoryEntry } from '../constructs/agent-directory-entry';
import type { PlatformFacts } from '../constructs/platform-facts';
import { parseSkillCall } from '../constructs/skill-resilience';
import type { PlatformConfig } from './config';

/**
 * Every agent, canary version and call of `config`, as the constructs would register them. An
 * item the constructs would reject (a malformed call, a call closing a cycle) is left out: building
 * that tenant then fails with the construct's own error, naming the config key.
 */
export function directoryFromConfig(config: PlatformConfig, facts: PlatformFacts): AgentDirectoryData {
  const directory = new AgentDirectory();
  for (const t of config.tenants) {
    for (const a of t.agents ?? []) {
      const key = agentKey(t.name, a.name);
      const canary = (t.canaries ?? []).find((c) => c.agent === a.name);
      try {
        // A canary's stable version is the agent's; its declarative/byo may override the agent's.
        const declarative = canary?.stable?.declarative ?? a.declarative;
        directory.register(agentDirectoryEntry({
          tenant: t.name, namespace: t.name, clusterDomain: facts.clusterDomain, agent: a.name,
          version: a.version ?? '1.0.0', kind: declarative ? 'declarative' : 'byo', skills: a.skills,
        }));
      } catch {
        continue; // Left to the Agent construct, which reports it with its context.
      }
      if (canary?.canary?.version) directory.setCanaryVersion(key, canary.canary.version);
      (a.calls ?? []).forEach((c, i) => {
        try {
          const call = parseSkillCall(c, `calls[${i}]`);
          directory.addCall(key, { tenant: call.tenant, agent: call.agent, skill: call.skill });
        } catch {
          // As above.
        }
      });
    }
  }
  return directory.toData();
}
