import { Construct } from 'constructs';
import { _agentMeta } from './_agent-meta';
import { _emitUntyped } from './_typed-manifest';
import type { AgentSkillSpec } from './agent-props';
import type { IAgentTrack } from './contracts';
import { _outlierDetection } from './skill-resilience';
import { propError } from './errors';

/**
 * The circuit breaker of an agent track's Service. No gateway cache: Higress' ai-cache answers a hit
 * with a fixed template holding only the cached value (no request id), so cached skills are
 * answered by the agent SDK instead (agent/result-cache.ts).
 */
export class AgentResilience extends Construct {
  constructor(agent: Construct & IAgentTrack, id: string, skills: readonly AgentSkillSpec[]) {
    super(agent, id);
    const t = agent.tenant;
    const f = t.platform;
    const breakers = skills.filter((s) => s.circuitBreaker);
    if (breakers.length) {
      const rules = breakers.map((s) => JSON.stringify(_outlierDetection(s.circuitBreaker!)));
      if (new Set(rules).size > 1) {
        throw propError(agent, 'agent', ['skills'], undefined, `${breakers.map((s) => `"${s.id}"`).join(', ')} declare different circuitBreaker settings, but one agent Service has one; declare the same settings on each (or on one skill)`);
      }
      // Untyped: Istio's DestinationRule CRD is not among ../shared/crds (nothing to generate from).
      _emitUntyped(this, 'circuit-breaker', {
        apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule',
        metadata: _agentMeta(agent, `${agent.workloadName}-circuit-breaker`),
        spec: {
          host: `${agent.workloadName}.${t.namespace}.svc.${f.clusterDomain}`,
          trafficPolicy: { outlierDetection: _outlierDetection(breakers[0].circuitBreaker!) },
        },
      }, agent.labels);
    }
  }
}
