import { LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { CLUSTER_SCOPED_KINDS } from '../roles';
import { isPlatformNamespace, isTenantNs } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'review-context';

/**
 * The review needs to know where each object lands; when it cannot, it says so instead of passing.
 * An object without a namespace goes wherever kubectl's context points (possibly a tenant's); an
 * object in a namespace missing from the set escapes the namespace checks; a namespace that calls
 * itself the platform's without being one of `platformNamespaces` is a tenant in disguise.
 */
export const reviewContext: Rule = {
  id: ID,
  description: 'The review can place every object: namespaced objects name their namespace, every tenant namespace used (and every tenant of config tenants) is in the reviewed set, and only configured platform namespaces are labelled as the platform.',
  severity: 'high',
  remediation: 'Set metadata.namespace on every namespaced object, review the whole synthesized output (not a part), and keep the platform role label on platform namespaces only (config platformNamespaces).',
  enforcement: MANDATORY,
  configKeys: ['platformNamespaces', 'tenants'],
  check: (obj, ctx) => {
    const kind = obj.kind ?? '';
    if (kind === 'Namespace') {
      const name = obj.metadata?.name;
      return obj.metadata?.labels?.[LABEL.role] === 'platform' && !isPlatformNamespace(ctx, name)
        ? [violation(ID, obj, `metadata.labels["${LABEL.role}"]`, `namespace "${name}" is labelled as the platform's but is not one of platformNamespaces; it is reviewed as a tenant`,
          'remove the label, or add the namespace to config platformNamespaces if the platform owns it')]
        : [];
    }
    if (CLUSTER_SCOPED_KINDS.has(kind) || (typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '')) return [];
    return [violation(ID, obj, 'metadata.namespace', `${kind} has no namespace: kubectl puts it in the current context's namespace, so the review cannot tell whose it is`,
      'set metadata.namespace')];
  },
  checkSet: (obj, ctx) => [..._checkMissingNamespace(obj, ctx), ..._checkMissingTenants(obj, ctx)],
};

/**
 * Tenants the platform lists (config `tenants`) whose Namespace is not in the set: deploying such a
 * set with pruning would delete them. Reported once, on the first object.
 */
function _checkMissingTenants(obj: K8sObject, ctx: RuleContext): Violation[] {
  if (ctx.index.all[0] !== obj) return [];
  return Object.keys(ctx.config.tenants).filter((t) => !ctx.index.get('Namespace', '', t)).map((t) => violation(ID, obj, 'metadata.namespace',
    `tenant "${t}" of the platform's tenant list has no Namespace in the reviewed set: deploying this set with pruning would delete the tenant`,
    'review (and deploy) the whole synthesized output; remove the tenant from the list only when it is meant to go'));
}

/** Reported once per namespace, on its first object. */
function _checkMissingNamespace(obj: K8sObject, ctx: RuleContext): Violation[] {
  const ns = obj.metadata?.namespace;
  if (!isTenantNs(ctx, ns) || ctx.index.get('Namespace', '', ns as string)) return [];
  const first = ctx.index.memo('review-context:first', () => {
    const map = new Map<string, K8sObject>();
    for (const o of ctx.index.all) {
      const n = o.metadata?.namespace;
      if (typeof n === 'string' && !map.has(n)) map.set(n, o);
    }
    return map;
  });
  if (first.get(ns as string) !== obj) return [];
  return [violation(ID, obj, 'metadata.namespace', `tenant namespace "${ns}" is not in the reviewed set: its default-deny, quota and Pod Security checks cannot run`,
    'review the whole synthesized output (the folder), which includes the Namespace object')];
}
