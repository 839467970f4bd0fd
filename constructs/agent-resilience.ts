import { Construct } from 'constructs';
import { toJson_WasmPluginProps, WasmPlugin, WasmPluginSpecFailStrategy } from '../generated/imports/wasmplugin-extensions.higress.io';
import { _agentMeta } from './_agent-meta';
import { _emitTyped, _emitUntyped } from './_typed-manifest';
import type { AgentSkillSpec } from './agent-props';
import type { IAgentTrack } from './contracts';
import { LABEL } from './labels';
import { _cacheConfig, _outlierDetection, AI_CACHE_PLUGIN_URL } from './skill-resilience';
import { propError } from './errors';

/** ai-cache rules of an agent track's cached skills and the circuit breaker of its Service. */
export class AgentResilience extends Construct {
  /** `ingresses`: every Ingress of each skill route (canary selectors included), so each is cached. */
  constructor(agent: Construct & IAgentTrack, id: string, skills: readonly AgentSkillSpec[], ingresses: Readonly<Record<string, readonly string[]>> = {}) {
    super(agent, id);
    const t = agent.tenant;
    const f = t.platform;
    const cached = skills.filter((s) => s.cacheTtlSeconds !== undefined);
    if (cached.length && f.redis) {
      // Only WasmPlugins in the gateway namespace are applied; no defaultConfig, so only these routes cache.
      // No phase: the plugin runs after jwt-auth (AUTHN), so a cached answer is never served to an unauthorized caller.
      _emitTyped(this, 'ai-cache', WasmPlugin.GVK, toJson_WasmPluginProps, {
        metadata: { name: `ai-cache-${t.name}-${agent.workloadName}`, namespace: f.gatewayNamespace },
        spec: {
          url: AI_CACHE_PLUGIN_URL,
          priority: 800,
          failStrategy: WasmPluginSpecFailStrategy.FAIL_UNDERSCORE_OPEN,
          defaultConfigDisable: true,
          matchRules: cached.map((s) => ({
            ingress: (ingresses[s.id] ?? [agent.ingressNames.skills[s.id]]).map((i) => `${t.namespace}/${i}`),
            config: _cacheConfig(f.redis!, s.cacheTtlSeconds!, `a2a:${t.name}/${agent.name}@${agent.version}#${s.id}:`),
          })),
        },
      }, { ...agent.labels, [LABEL.role]: 'gateway-config' });
    }
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
