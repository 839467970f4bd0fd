import { violation } from '../object-ref';
import { parseQuantity } from '../../constructs/_quantity';
import { isTenantNamespaceObject } from '../tenancy';
import { MANDATORY, type Rule, type Violation } from '../types';

const ID = 'tenant-quota-limitrange';

/** Quota keys a tenant needs; any one of the alternatives satisfies an entry. */
const _REQUIRED: readonly (readonly string[])[] = [
  ['requests.cpu', 'cpu', 'limits.cpu'],
  ['requests.memory', 'memory', 'limits.memory'],
  ['pods'],
];

/** Each tenant namespace has a ResourceQuota (cpu, memory, pods, no LoadBalancers) and a LimitRange. */
export const tenantQuotaLimitrange: Rule = {
  id: ID,
  description: 'Each tenant namespace has a ResourceQuota with cpu, memory, pods and services.loadbalancers: 0, and a LimitRange.',
  severity: 'high',
  remediation: 'Add a ResourceQuota (requests.cpu, requests.memory, pods, services.loadbalancers: "0") and a LimitRange with container defaults to the tenant namespace.',
  enforcement: MANDATORY,
  kinds: ['Namespace'],
  checkSet: (ns, ctx) => {
    if (!isTenantNamespaceObject(ctx, ns)) return [];
    const name = ns.metadata?.name ?? '';
    const out: Violation[] = [];
    const quotas = ctx.index.inNamespace(name, 'ResourceQuota');
    if (quotas.length === 0) {
      out.push(violation(ID, ns, 'metadata.name', 'tenant namespace has no ResourceQuota', `add a ResourceQuota in namespace "${name}" with requests.cpu, requests.memory, pods and services.loadbalancers: "0"`));
    } else {
      const hard = (key: string): unknown => quotas.map((q) => q.spec?.hard?.[key]).find((v) => v !== undefined);
      for (const keys of _REQUIRED) {
        if (keys.every((k) => hard(k) === undefined)) {
          out.push(violation(ID, quotas[0], `spec.hard["${keys[0]}"]`, `ResourceQuota does not limit ${keys[0]}`, `set spec.hard["${keys[0]}"]`));
        }
      }
      const lb = hard('services.loadbalancers');
      if (parseQuantity(lb) !== 0) {
        out.push(violation(ID, quotas[0], 'spec.hard["services.loadbalancers"]', lb === undefined ? 'ResourceQuota does not forbid LoadBalancer Services' : `services.loadbalancers is ${lb}, not 0`,
          'set spec.hard["services.loadbalancers"]: "0"'));
      }
    }
    if (ctx.index.inNamespace(name, 'LimitRange').length === 0) {
      out.push(violation(ID, ns, 'metadata.name', 'tenant namespace has no LimitRange', `add a LimitRange in namespace "${name}" with container default and defaultRequest`));
    }
    return out;
  },
};
