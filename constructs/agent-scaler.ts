import { Construct } from 'constructs';
import { _emit } from './_api-object';
import { _agentMeta } from './_agent-meta';
import type { AgentScaling } from './agent-props';
import type { IAgentTrack } from './contracts';

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
      _emit(this, 'scaled-object', {
        apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject',
        metadata: meta(agent.workloadName),
        spec: {
          scaleTargetRef: target,
          minReplicaCount: 0,
          maxReplicaCount: agent.maxReplicas,
          cooldownPeriod: s.cooldownSeconds ?? 300,
          triggers: [{
            type: s.trigger!.type,
            metadata: { ...s.trigger!.metadata },
            ...(s.trigger!.authenticationRef ? { authenticationRef: { name: s.trigger!.authenticationRef } } : {}),
          }],
        },
      }, agent.labels);
    } else {
      _emit(this, 'hpa', {
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
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
      _emit(this, 'pdb', {
        apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
        metadata: meta(agent.workloadName),
        spec: { maxUnavailable: 1, selector: { matchLabels: { ...agent.podLabels } } },
      }, agent.labels);
    }
  }
}
