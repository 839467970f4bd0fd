import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { _agentMeta } from './_agent-meta';
import { SPECIAL_PURPOSE_RANGES } from './_cidr';
import { _cidrEgressRules, _podsIn, _tcp, EgressCidr } from './_network-peers';
import { _endpointEgress, type _Endpoint } from './endpoint-egress';
import { _emitTyped } from './_typed-manifest';
import type { IAgentTrack, ISandboxPool } from './contracts';
import { ANNOTATION, LABEL } from './labels';
import type { PropProblems } from './errors';

/** API server endpoints of sandbox users when the platform names none: private addresses, API port only. */
export const DEFAULT_KUBERNETES_API = { cidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], port: 6443 } as const;

/**
 * What an agent track may reach besides the tenant-wide rules (DNS, registry, tracing): the
 * gateway when it calls agents (never the callees' pods), its sandbox pool and the API server when
 * it claims sandboxes, its external CIDRs (egress NetworkPolicy); and the RBAC to claim sandboxes.
 */
export class AgentNetwork extends Construct {
  constructor(private readonly agent: Construct & IAgentTrack, id: string, egress: readonly EgressCidr[], problems: PropProblems, endpoints: readonly _Endpoint[] = []) {
    super(agent, id);
    this._egress(egress, problems, endpoints);
    if (agent.sandboxPool) this._sandboxClaimsRbac(agent.sandboxPool);
  }

  private _egress(cidrs: readonly EgressCidr[], problems: PropProblems, endpoints: readonly _Endpoint[]): void {
    const a = this.agent;
    const cidrRules = _cidrEgressRules(cidrs, { problems, path: ['egress'] }, { exceptRanges: a.tenant.platform.internetEgressExcept ?? SPECIAL_PURPOSE_RANGES });
    // Every endpoint the configuration names (model, MCP servers, memory) is reachable, or synth says which is not.
    const ends = _endpointEgress(endpoints, cidrs, a.tenant.platform.clusterDomain);
    for (const e of ends.errors) problems.add(['egress'], undefined, e);
    if (a.calls.length === 0 && !a.sandboxPool && cidrRules.length === 0 && ends.rules.length === 0) return;
    const annotations = ends.external.length ? { annotations: { [ANNOTATION.egressEndpoints]: ends.external.join(',') } } : {};
    // The platform's gateway and the pool's tenant are read at synth time: the spec is produced then.
    _emitTyped(this, 'egress-policy', k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, {
      metadata: _agentMeta(a, `${a.workloadName}-egress`, annotations),
    }, a.labels, { spec: () => ({
      podSelector: { matchLabels: { ...a.podLabels } },
      policyTypes: ['Egress'],
      egress: [...this._platformEgress(), ...cidrRules, ...ends.rules],
    }) });
  }

  /** Egress to the gateway (callers) and to the sandbox pool and the API server (sandbox users). */
  private _platformEgress(): k8s.NetworkPolicyEgressRule[] {
    const a = this.agent;
    const rules: k8s.NetworkPolicyEgressRule[] = [];
    const f = a.tenant.platform;
    if (a.calls.length > 0) {
      // Calls go only through the gateway's internal routes (JWT, rate limit, WAF); never to the callee's pods.
      rules.push({ to: [_podsIn(f.gatewayNamespace, f.gatewayPodLabels)], ports: _tcp(80, 443) });
    }
    const pool = a.sandboxPool;
    if (pool && pool.tenant === a.tenant) {
      rules.push({ to: [{ podSelector: { matchLabels: { ...pool.podLabels } } }], ports: _tcp(pool.port) });
      // SandboxClaims are created through the Kubernetes API: only sandbox users reach it.
      const api = f.kubernetesApi ?? DEFAULT_KUBERNETES_API;
      rules.push({ to: api.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: _tcp(api.port) });
    }
    return rules;
  }

  private _sandboxClaimsRbac(pool: ISandboxPool): void {
    const a = this.agent;
    _emitTyped(this, 'sandbox-claims-role', k8s.KubeRole.GVK, k8s.toJson_KubeRoleProps, {
      metadata: _agentMeta(a, `${a.workloadName}-sandbox-claims`),
      rules: [{ apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxclaims'], verbs: ['get', 'list', 'watch', 'create', 'delete'] }],
    }, { ...a.labels, [LABEL.sandboxPool]: pool.name });
    _emitTyped(this, 'sandbox-claims-binding', k8s.KubeRoleBinding.GVK, k8s.toJson_KubeRoleBindingProps, {
      metadata: _agentMeta(a, `${a.workloadName}-sandbox-claims`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${a.workloadName}-sandbox-claims` },
      subjects: [{ kind: 'ServiceAccount', name: a.serviceAccountName, namespace: a.tenant.namespace }],
    }, { ...a.labels, [LABEL.sandboxPool]: pool.name });
  }
}
