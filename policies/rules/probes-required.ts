import { LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { isNacos } from '../roles';
import { ADVISORY, type K8sObject, type Rule, type Violation } from '../types';

const ID = 'probes-required';

/** Nacos answers 200 on this path even when not ready (body code 30000). */
const _NACOS_FAKE_READINESS = '/nacos/v3/admin/core/state/readiness';

/** Agent, gateway and Nacos containers have readiness and liveness probes; Nacos readiness uses the console path. */
export const probesRequired: Rule = {
  id: ID,
  description: 'Containers of agents, the gateway and Nacos have readiness and liveness probes; Nacos readiness is not on /nacos/v3/admin/core/state/readiness (it answers 200 when unready).',
  severity: 'medium',
  remediation: 'Add readinessProbe and livenessProbe; for Nacos use httpGet /v3/console/health/readiness and /v3/console/health/liveness on port 8080.',
  enforcement: ADVISORY,
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod'],
  check: (obj) => {
    const nacos = isNacos(obj);
    if (!nacos && !_isProbed(obj)) return [];
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) {
      for (const c of pod.containers) {
        if (c.init || c.path.includes('.ephemeralContainers[')) continue;
        for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
          if (!c.container[probe]) out.push(violation(ID, obj, `${c.path}.${probe}`, `container ${c.container.name ?? ''} has no ${probe}`, `add ${c.path}.${probe}`));
        }
        if (nacos && c.container.readinessProbe?.httpGet?.path === _NACOS_FAKE_READINESS) {
          out.push(violation(ID, obj, `${c.path}.readinessProbe.httpGet.path`, `${_NACOS_FAKE_READINESS} answers 200 even when Nacos is not ready`,
            'probe httpGet /v3/console/health/readiness on port 8080'));
        }
      }
    }
    return out;
  },
};

/** Agent workloads (role or agent label) and the Higress gateway. */
function _isProbed(obj: K8sObject): boolean {
  const labels = obj.metadata?.labels ?? {};
  return labels[LABEL.role] === 'agent' || labels[LABEL.agent] !== undefined || labels[LABEL.name] === 'higress-gateway';
}
