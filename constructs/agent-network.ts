import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { _emit } from './_api-object';
import { _agentMeta } from './_agent-meta';
import { _cidrEgressRules, _podsIn, _tcp, EgressCidr } from './_network-peers';
import { agentKey } from './agent-directory';
import type { IAgentTrack, ISandboxPool } from './contracts';
import { LABEL } from './labels';

/**
 * What an agent track may reach besides the tenant-wide rules (DNS, registry, tracing): its
 * declared callees, its sandbox pool and its external CIDRs (egress NetworkPolicy); and the RBAC
 * to claim sandboxes of its pool.
 */
export class AgentNetwork extends Construct {
  constructor(private readonly agent: Construct & IAgentTrack, id: string, egress: readonly EgressCidr[], where: string) {
    super(agent, id);
    this._egress(egress, where);
    if (agent.sandboxPool) this._sandboxClaimsRbac(agent.sandboxPool);
  }

  private _egress(cidrs: readonly EgressCidr[], where: string): void {
    const a = this.agent;
    const cidrRules = _cidrEgressRules(cidrs, `${where}: egress`);
    if (a.calls.length === 0 && !a.sandboxPool && cidrRules.length === 0) return;
    const d = a.tenant.directory;
    _emit(this, 'egress-policy', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: _agentMeta(a, `${a.workloadName}-egress`),
      spec: {
        podSelector: { matchLabels: { ...a.podLabels } },
        policyTypes: ['Egress'],
        egress: Lazy.any({ produce: () => {
          const rules: unknown[] = [];
          const seen = new Set<string>();
          for (const ref of a.calls) {
            const r = d.resolve(ref);
            const k = agentKey(ref.tenant, ref.agent);
            if ('error' in r || seen.has(k)) continue; // unknown callees fail validation before synth
            seen.add(k);
            rules.push({ to: [_podsIn(r.entry.namespace, r.entry.podLabels)], ports: _tcp(r.entry.servicePort) });
          }
          if (a.calls.length > 0) {
            // The internal A2A routes of the gateway (JWT-checked) are the other way to call a skill.
            const f = a.tenant.platform;
            rules.push({ to: [_podsIn(f.gatewayNamespace, f.gatewayPodLabels)], ports: _tcp(80, 443) });
          }
          const pool = a.sandboxPool;
          if (pool && pool.tenant === a.tenant) {
            rules.push({ to: [{ podSelector: { matchLabels: { ...pool.podLabels } } }], ports: _tcp(pool.port) });
          }
          return [...rules, ...cidrRules];
        } }),
      },
    }, a.labels);
  }

  private _sandboxClaimsRbac(pool: ISandboxPool): void {
    const a = this.agent;
    _emit(this, 'sandbox-claims-role', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role',
      metadata: _agentMeta(a, `${a.workloadName}-sandbox-claims`),
      rules: [{ apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxclaims'], verbs: ['get', 'list', 'watch', 'create', 'delete'] }],
    }, { ...a.labels, [LABEL.sandboxPool]: pool.name });
    _emit(this, 'sandbox-claims-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
      metadata: _agentMeta(a, `${a.workloadName}-sandbox-claims`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${a.workloadName}-sandbox-claims` },
      subjects: [{ kind: 'ServiceAccount', name: a.serviceAccountName, namespace: a.tenant.namespace }],
    }, { ...a.labels, [LABEL.sandboxPool]: pool.name });
  }
}
