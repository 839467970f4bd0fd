import { isEmptySelector } from '../label-selector';
import { violation } from '../object-ref';
import { isTenantNamespace, isTenantNamespaceName } from '../roles';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'tenant-default-deny-netpol';

/** Every tenant namespace denies all traffic by default, allows DNS egress, and never admits every namespace. */
export const tenantDefaultDenyNetpol: Rule = {
  id: ID,
  description: 'Each tenant namespace has a podSelector: {} NetworkPolicy denying Ingress and Egress, a DNS egress allow, and no policy admitting all namespaces or all peers.',
  severity: 'critical',
  remediation: 'Add NetworkPolicy {podSelector: {}, policyTypes: [Ingress, Egress]} and a DNS egress rule (ports 53/UDP and 53/TCP to kube-dns) in the tenant namespace; name peers with selectors instead of {} or empty from/to.',
  enforcement: MANDATORY,
  kinds: ['Namespace', 'NetworkPolicy'],
  checkSet: (obj, ctx) => (obj.kind === 'Namespace' ? _checkNamespace(obj, ctx) : _checkPolicy(obj, ctx)),
};

function _checkNamespace(ns: K8sObject, ctx: RuleContext): Violation[] {
  if (!isTenantNamespace(ns)) return [];
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

function _checkPolicy(np: K8sObject, ctx: RuleContext): Violation[] {
  if (!isTenantNamespaceName(ctx.index, np.metadata?.namespace)) return [];
  const out: Violation[] = [];
  for (const [field, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const rules = np.spec?.[field];
    if (!Array.isArray(rules)) continue;
    rules.forEach((r: any, i: number) => {
      const list = r?.[peers];
      if (!Array.isArray(list) || list.length === 0) {
        out.push(violation(ID, np, `spec.${field}[${i}].${peers}`, `${field} rule has no "${peers}": it admits every peer`,
          `list the allowed peers under spec.${field}[${i}].${peers} (namespaceSelector/podSelector/ipBlock)`));
        return;
      }
      list.forEach((peer: any, j: number) => {
        if (peer && 'namespaceSelector' in peer && isEmptySelector(peer.namespaceSelector)) {
          out.push(violation(ID, np, `spec.${field}[${i}].${peers}[${j}].namespaceSelector`, 'namespaceSelector: {} admits all namespaces',
            'select namespaces by label, e.g. kubernetes.io/metadata.name: higress-system'));
        }
      });
    });
  }
  return out;
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
