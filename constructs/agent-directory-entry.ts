/**
 * The directory entry of an agent: what its stable track registers when constructed, and what
 * `synth` computes from the configuration before building any chart (so tenants can be built on
 * several threads, each knowing every agent). One function, so the two cannot drift apart.
 */
import type { AgentDirectoryEntry, SkillInfo } from './agent-directory';
import { A2A_PORT } from './contracts';
import { LABEL } from './labels';

/** What an entry is made of: the tenant, the stable track's version and kind, and its skills. */
export interface AgentEntryInput {
  readonly tenant: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly agent: string;
  readonly version: string;
  readonly kind: 'declarative' | 'byo';
  readonly skills: readonly SkillInfo[];
}

/** @example agentDirectoryEntry({ tenant: 'acme', namespace: 'acme', clusterDomain: 'cluster.local', agent: 'search', version: '1.0.0', kind: 'byo', skills }) */
export function agentDirectoryEntry(a: AgentEntryInput): AgentDirectoryEntry {
  return {
    tenant: a.tenant,
    agent: a.agent,
    namespace: a.namespace,
    // The Service exposes A2A on 8080 whatever port the pods serve it on (`byo.port`).
    serviceHost: `${a.agent}.${a.namespace}.svc.${a.clusterDomain}`,
    servicePort: A2A_PORT,
    podLabels: { [LABEL.tenant]: a.tenant, [LABEL.agent]: a.agent },
    skills: a.skills.map((s) => ({ id: s.id, name: s.name, description: s.description, tags: [...s.tags] })),
    version: a.version,
    kind: a.kind,
  };
}
