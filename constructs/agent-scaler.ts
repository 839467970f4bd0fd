import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ScaledObject, toJson_ScaledObjectProps } from '../generated/imports/scaledobject-keda.sh';
import { _port } from './_k8s-values';
import { _emitTyped } from './_typed-manifest';
import { _agentMeta } from './_agent-meta';
import type { AgentScaling } from './agent-props';
import { A2A_PORT, IAgentTrack, KedaTrigger } from './contracts';
import { METRICS } from './observability/metric-names';
import type { PropProblems } from './errors';

/** How often KEDA asks the trigger while the agent sleeps, seconds (bounds a first request's wait). */
export const WAKE_POLLING_SECONDS = 5;

/**
 * The wake-up trigger of an agent scaled to zero: the gateway's upstream metrics of the agent's
 * Service (Envoy cluster `outbound|8080||<svc>`), which exist while the agent has no pods. A request
 * arriving at zero pods is answered 503 by the gateway and counted in `upstream_cx_none_healthy`,
 * which activates KEDA (activationThreshold 0); served requests (`upstream_rq_total`) keep it up.
 */
export function _gatewayWakeTrigger(agent: IAgentTrack): KedaTrigger {
  const f = agent.tenant.platform;
  const cluster = `outbound|${A2A_PORT}||${agent.workloadName}.${agent.tenant.namespace}.svc.${f.clusterDomain}`;
  const rate = (m: string) => `(sum(rate(${m}{cluster_name="${cluster}"}[1m])) or vector(0))`;
  const prom = f.prometheus?.namespace ?? 'monitoring';
  return {
    type: 'prometheus',
    metadata: {
      serverAddress: f.prometheus?.url ?? `http://prometheus-operated.${prom}.svc.${f.clusterDomain}:9090`,
      query: `${rate('envoy_cluster_upstream_rq_total')} + ${rate('envoy_cluster_upstream_cx_none_healthy')}`,
      threshold: '5',
      activationThreshold: '0',
    },
  };
}

// Metrics only the agent's own pods export: at zero pods they do not exist, so they never wake it.
const OWN_POD_METRICS = Object.values(METRICS).filter((m) => m.source === 'agent').map((m) => m.name);

/** Checks that a `minReplicas: 0` trigger can fire while the agent has no pods. */
export function _checkWakeTrigger(trigger: KedaTrigger, problems: PropProblems): void {
  const fix = 'remove scaling.trigger to use the gateway\'s upstream metrics of the agent\'s route (the default), or name a signal that exists without pods (a queue length, the gateway\'s envoy_cluster_* metrics)';
  if (['cpu', 'memory'].includes(trigger.type)) {
    throw problems.fail(['scaling', 'trigger', 'type'], trigger.type, `measures the agent's own pods and can never wake it from 0 replicas; ${fix}`);
  }
  const query = trigger.metadata.query ?? '';
  const own = OWN_POD_METRICS.find((m) => new RegExp(`\\b${m}(_bucket|_sum|_count)?\\b`).test(query));
  if (own) {
    throw problems.fail(['scaling', 'trigger', 'metadata', 'query'], query, `uses "${own}", which only the agent's own pods export; at 0 replicas it does not exist and the agent never wakes; ${fix}`);
  }
}

/**
 * Replicas of an agent track: an HPA on CPU from 1 replica, a KEDA ScaledObject from 0, and a
 * PodDisruptionBudget above 1. `replicas` stays unset on the workload either way (the scaler owns it).
 */
export class AgentScaler extends Construct {
  constructor(agent: Construct & IAgentTrack, id: string, s: AgentScaling) {
    super(agent, id);
    const meta = (name: string) => _agentMeta(agent, name);
    const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: agent.workloadName };
    if (agent.minReplicas === 0) {
      const trigger = s.trigger ?? _gatewayWakeTrigger(agent);
      this.node.defaultChild = _emitTyped(this, 'scaled-object', ScaledObject.GVK, toJson_ScaledObjectProps, {
        metadata: meta(agent.workloadName),
        spec: {
          scaleTargetRef: target,
          minReplicaCount: 0,
          maxReplicaCount: agent.maxReplicas,
          cooldownPeriod: s.cooldownSeconds ?? 300,
          pollingInterval: WAKE_POLLING_SECONDS,
          triggers: [{
            type: trigger.type,
            metadata: { ...trigger.metadata },
            ...(trigger.authenticationRef ? { authenticationRef: { name: trigger.authenticationRef } } : {}),
          }],
        },
      }, agent.labels);
    } else {
      this.node.defaultChild = _emitTyped(this, 'hpa', k8s.KubeHorizontalPodAutoscalerV2.GVK, k8s.toJson_KubeHorizontalPodAutoscalerV2Props, {
        metadata: meta(agent.workloadName),
        spec: {
          scaleTargetRef: target,
          minReplicas: agent.minReplicas,
          maxReplicas: agent.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.targetCpuUtilization ?? 70 } } }],
        },
      }, agent.labels);
    }
    if (agent.minReplicas > 1) {
      // maxUnavailable 1 keeps drains possible (minAvailable = replicas would block them).
      _emitTyped(this, 'pdb', k8s.KubePodDisruptionBudget.GVK, k8s.toJson_KubePodDisruptionBudgetProps, {
        metadata: meta(agent.workloadName),
        spec: { maxUnavailable: _port(1), selector: { matchLabels: { ...agent.podLabels } } },
      }, agent.labels);
    }
  }
}
