import { violation } from '../object-ref';
import { MANDATORY, type Rule, type Violation } from '../types';

const ID = 'no-public-control-plane';

/** Only the gateway Service may be LoadBalancer/NodePort or have external IPs. */
export const noPublicControlPlane: Rule = {
  id: ID,
  description: 'Nacos and agent Services are ClusterIP: no LoadBalancer, NodePort or externalIPs; only the Higress gateway Service may be public.',
  severity: 'critical',
  remediation: 'Set type: ClusterIP and remove externalIPs; expose agents only through Higress Ingress routes.',
  enforcement: MANDATORY,
  kinds: ['Service'],
  configKeys: ['publicServices'],
  check: (obj, ctx) => {
    const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    if (ctx.config.publicServices.includes(key)) return [];
    const out: Violation[] = [];
    const type = obj.spec?.type;
    if (type === 'LoadBalancer' || type === 'NodePort') {
      out.push(violation(ID, obj, 'spec.type', `Service is ${type}: only the gateway (${ctx.config.publicServices.join(', ') || 'none configured'}) may be public`,
        'set spec.type: ClusterIP and route through the Higress gateway'));
    }
    if (Array.isArray(obj.spec?.externalIPs) && obj.spec.externalIPs.length > 0) {
      out.push(violation(ID, obj, 'spec.externalIPs', 'Service has externalIPs', 'remove spec.externalIPs and route through the Higress gateway'));
    }
    return out;
  },
};
