import { LABEL } from '../../constructs/labels';
import { declaredCalls } from '../model/gateway-table';
import { cidrProblem, isBroad, parseCidr, reachesInternet } from '../../constructs/_cidr';
import { isEmptySelector, matchesSelector } from '../label-selector';
import { violation } from '../object-ref';
import { isPlatformNamespace, isTenantNamespaceObject, isTenantNs } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'tenant-default-deny-netpol';
const _NS_NAME = 'kubernetes.io/metadata.name';

/** Every tenant namespace denies all traffic by default, allows DNS egress, and opens only to named peers. */
export const tenantDefaultDenyNetpol: Rule = {
  id: ID,
  description: 'Each tenant namespace has a podSelector: {} NetworkPolicy denying Ingress and Egress and a DNS egress allow; tenant policies (and SandboxTemplate networkPolicy) name their peers: no empty or open-ended namespaceSelector, no other tenant, no ingress from the internet, no egress to the whole internet on all ports (sandboxes: at all); no ExternalName Service in a tenant.',
  severity: 'critical',
  remediation: 'Add NetworkPolicy {podSelector: {}, policyTypes: [Ingress, Egress]} and a DNS egress rule in the tenant namespace; name peers by kubernetes.io/metadata.name of the platform namespace or by pod labels in the own namespace; give egress CIDRs their ports.',
  enforcement: MANDATORY,
  kinds: ['Namespace', 'NetworkPolicy', 'SandboxTemplate', 'Service'],
  check: (obj, ctx) => {
    if (obj.kind === 'Service') return _checkService(obj, ctx);
    if (obj.kind === 'SandboxTemplate') return _checkSandboxTemplate(obj, ctx);
    return [];
  },
  checkSet: (obj, ctx) => {
    if (obj.kind === 'Namespace') return _checkNamespace(obj, ctx);
    if (obj.kind === 'NetworkPolicy' && isTenantNs(ctx, obj.metadata?.namespace)) return _checkRules(obj, obj.spec, 'spec', ctx, false);
    return [];
  },
};

function _checkNamespace(ns: K8sObject, ctx: RuleContext): Violation[] {
  if (!isTenantNamespaceObject(ctx, ns)) return [];
  const policies = ctx.index.inNamespace(ns.metadata?.name ?? '', 'NetworkPolicy');
  const out: Violation[] = [];
  for (const direction of ['Ingress', 'Egress'] as const) {
    if (!policies.some((p) => _deniesAll(p, direction))) {
      out.push(violation(ID, ns, 'metadata.name', `tenant namespace has no default-deny NetworkPolicy for ${direction} (podSelector: {}, policyTypes including ${direction}, no ${direction.toLowerCase()} rules)`,
        `add NetworkPolicy "default-deny" in this namespace with podSelector: {} and policyTypes: [Ingress, Egress]`));
    }
  }
  if (!policies.some(_allowsDns)) {
    out.push(violation(ID, ns, 'metadata.name', 'tenant namespace has no DNS egress allow (port 53)',
      'add a NetworkPolicy with podSelector: {} and egress to kube-dns in kube-system on ports 53/UDP and 53/TCP'));
  }
  return out;
}

/** ExternalName makes a tenant Service an alias of any host, outside NetworkPolicy and the gateway. */
function _checkService(svc: K8sObject, ctx: RuleContext): Violation[] {
  if (svc.spec?.type !== 'ExternalName' || !isTenantNs(ctx, svc.metadata?.namespace)) return [];
  return [violation(ID, svc, 'spec.type', `ExternalName Service in tenant namespace "${svc.metadata?.namespace}" aliases "${svc.spec?.externalName}" past the egress policy`,
    'use a ClusterIP Service, and an egress CIDR rule for external destinations')];
}

/** agent-sandbox creates the sandbox pods' NetworkPolicy from the template: the same checks, and sandboxes never reach the whole internet. */
function _checkSandboxTemplate(t: K8sObject, ctx: RuleContext): Violation[] {
  if (t.spec?.networkPolicyManagement === 'Unmanaged') {
    return [violation(ID, t, 'spec.networkPolicyManagement', 'sandbox pods get no NetworkPolicy (Unmanaged): untrusted code reaches everything',
      'set networkPolicyManagement: Managed and describe the allowed peers in spec.networkPolicy')];
  }
  return t.spec?.networkPolicy ? _checkRules(t, t.spec.networkPolicy, 'spec.networkPolicy', ctx, true) : [];
}

/** Peers of every ingress and egress rule of a policy spec in a tenant namespace. */
function _checkRules(obj: K8sObject, spec: any, base: string, ctx: RuleContext, sandbox: boolean): Violation[] {
  const own = obj.metadata?.namespace ?? '';
  const out: Violation[] = [];
  for (const [field, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const rules = spec?.[field];
    if (!Array.isArray(rules)) continue;
    rules.forEach((r: any, i: number) => {
      const at = `${base}.${field}[${i}].${peers}`;
      const list = r?.[peers];
      if (!Array.isArray(list) || list.length === 0) {
        out.push(violation(ID, obj, at, `${field} rule has no "${peers}": it admits every peer`,
          `list the allowed peers under ${at} (namespaceSelector/podSelector/ipBlock)`));
        return;
      }
      const allPorts = !Array.isArray(r?.ports) || r.ports.length === 0;
      list.forEach((peer: any, j: number) => {
        const p = `${at}[${j}]`;
        if (peer && typeof peer === 'object' && 'namespaceSelector' in peer) {
          const problem = _namespaceProblem(peer, field, spec, own, ctx);
          if (problem) out.push(violation(ID, obj, `${p}.namespaceSelector`, problem, 'select one platform namespace by kubernetes.io/metadata.name, or drop namespaceSelector to stay in this namespace'));
        }
        if (peer?.ipBlock) {
          const problem = _ipBlockProblem(peer.ipBlock, field, allPorts, sandbox);
          if (problem) out.push(violation(ID, obj, `${p}.ipBlock`, problem, field === 'ingress' ? 'reach tenant pods through the Higress gateway, not from IP ranges' : 'name the destination range and its ports (e.g. 151.101.0.0/16 on 443)'));
        }
      });
    });
  }
  return out;
}

/**
 * Why a namespaceSelector is not allowed in a tenant policy: empty or open-ended (no matchLabels
 * and no `In`: Exists/NotIn select almost every namespace), or it reaches another tenant.
 */
function _namespaceProblem(peer: any, field: 'ingress' | 'egress', spec: any, own: string, ctx: RuleContext): string | undefined {
  const sel = peer.namespaceSelector;
  if (isEmptySelector(sel)) return 'namespaceSelector: {} admits all namespaces';
  const labels: Record<string, unknown> = sel?.matchLabels ?? {};
  const exprs: any[] = Array.isArray(sel?.matchExpressions) ? sel.matchExpressions : [];
  const pinned = Object.keys(labels).length > 0 || exprs.some((e) => e?.operator === 'In');
  if (!pinned) return `namespaceSelector with only ${exprs.map((e) => e?.operator).join('/')} expressions selects every namespace that matches nothing specific`;
  const names = new Set<string>();
  if (typeof labels[_NS_NAME] === 'string') names.add(labels[_NS_NAME] as string);
  for (const e of exprs) if (e?.key === _NS_NAME && e.operator === 'In' && Array.isArray(e.values)) for (const v of e.values) names.add(String(v));
  if (names.size === 0) {
    // Selected by other labels (an author can put them on any namespace): only platform namespaces may carry them.
    const hit = ctx.index.ofKind('Namespace').find((n) => n.metadata?.name !== own && !isPlatformNamespace(ctx, n.metadata?.name) && matchesSelector(sel, n.metadata?.labels ?? {}));
    return hit ? `namespaceSelector also selects namespace "${hit.metadata?.name}" of another tenant` : undefined;
  }
  const foreign = [...names].filter((n) => n !== own && isTenantNs(ctx, n) && !_declaredCall(peer, field, spec, own, n, ctx));
  return foreign.length ? `namespaceSelector reaches namespace ${foreign.map((n) => `"${n}"`).join(', ')} of another tenant without a declared A2A call between the two agents` : undefined;
}

/**
 * A cross-tenant peer is one agent that a declared call (the `agentruntime.io/a2a-calls` annotation of
 * the caller's workload) reaches. For ingress, when the caller's tenant is not in the reviewed set its
 * side is reviewed with it: the callee's ingress alone opens nothing the caller's egress does not.
 */
function _declaredCall(peer: any, field: 'ingress' | 'egress', spec: any, own: string, other: string, ctx: RuleContext): boolean {
  const peerAgent = peer.podSelector?.matchLabels?.[LABEL.agent];
  const ownAgent = spec?.podSelector?.matchLabels?.[LABEL.agent];
  if (typeof peerAgent !== 'string' || typeof ownAgent !== 'string') return false;
  // Only the caller's own workload declares its calls: a ConfigMap or Service with the annotation declares nothing.
  const calls = declaredCalls(ctx.index);
  if (field === 'egress') return calls.get(`${own}/${ownAgent}`)?.has(`${other}/${peerAgent}`) ?? false;
  const reviewed = ctx.index.all.some((o) => o.metadata?.namespace === other);
  return !reviewed || (calls.get(`${other}/${peerAgent}`)?.has(`${own}/${ownAgent}`) ?? false);
}

function _ipBlockProblem(block: any, field: 'ingress' | 'egress', allPorts: boolean, sandbox: boolean): string | undefined {
  const bad = cidrProblem(block?.cidr);
  if (bad) return `ipBlock.cidr ${JSON.stringify(block?.cidr)} ${bad}`;
  const cidr = parseCidr(block.cidr);
  if (field === 'ingress') return reachesInternet(cidr) ? `ingress from ${cidr.text} admits addresses outside the cluster network` : undefined;
  if (!isBroad(cidr)) return undefined;
  if (sandbox) return `sandbox egress to ${cidr.text} reaches the whole internet; untrusted code must name its destinations`;
  return allPorts ? `egress to ${cidr.text} on every port` : undefined;
}

/** A policy selecting every pod, covering `direction`, with no rules in that direction. */
function _deniesAll(p: K8sObject, direction: 'Ingress' | 'Egress'): boolean {
  const spec = p.spec ?? {};
  if (!isEmptySelector(spec.podSelector)) return false;
  const types: string[] = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  if (!types.includes(direction)) return false;
  const rules = spec[direction.toLowerCase()];
  return !Array.isArray(rules) || rules.length === 0;
}

/** A policy for all pods with an egress rule on port 53. */
function _allowsDns(p: K8sObject): boolean {
  const spec = p.spec ?? {};
  if (!isEmptySelector(spec.podSelector) || !Array.isArray(spec.egress)) return false;
  return spec.egress.some((r: any) => Array.isArray(r?.ports) && r.ports.some((port: any) => port?.port === 53 || port?.port === '53' || port?.port === 'dns'));
}
