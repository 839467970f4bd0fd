import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { isSandbox } from '../roles';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'no-sa-token-automount';
/** Annotation with which a workload says why it needs the Kubernetes API (see constructs/labels.ts). */
const _NEEDS_API = 'agentruntime.io/needs-kubernetes-api';
const _FIX_POD = 'set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount); set it to true only for an agent that needs the Kubernetes API';

/**
 * No service-account token in pods: mandatory for sandboxes, advisory for agents. An agent declares it
 * needs the Kubernetes API by setting `automountServiceAccountToken: true` explicitly, or (for a
 * projected token) with the annotation `agentruntime.io/needs-kubernetes-api: <why>`.
 */
export const noSaTokenAutomount: Rule = {
  id: ID,
  description: 'Pods get no service-account token (automountServiceAccountToken: false, no projected serviceAccountToken volume): mandatory for sandboxes, advisory for agents.',
  severity: 'high',
  remediation: 'Set automountServiceAccountToken: false on the pod template and the ServiceAccount; drop projected serviceAccountToken volumes.',
  enforcement: MANDATORY,
  check: (obj) => {
    if (obj.kind === 'ServiceAccount') {
      return obj.automountServiceAccountToken === false ? [] : [violation(ID, obj, 'automountServiceAccountToken',
        'ServiceAccount mounts its token into every pod by default', 'set automountServiceAccountToken: false on the ServiceAccount', true)];
    }
    const sandbox = isSandbox(obj);
    // An agent may take a projected token when it says why it needs the Kubernetes API.
    const declaredNeed = !sandbox && Boolean(obj.metadata?.annotations?.[_NEEDS_API]);
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) {
      if (pod.implicit) continue;
      if (sandbox && pod.spec.automountServiceAccountToken === true) {
        out.push(violation(ID, obj, `${pod.path}.automountServiceAccountToken`, 'sandbox pods mount a service-account token', _FIX_POD));
      }
      (Array.isArray(pod.spec.volumes) ? pod.spec.volumes : []).forEach((v: any, i: number) => {
        const sources: any[] = v?.projected?.sources ?? [];
        sources.forEach((s, j) => {
          if (s?.serviceAccountToken && !declaredNeed) {
            out.push(violation(ID, obj, `${pod.path}.volumes[${i}].projected.sources[${j}].serviceAccountToken`, 'projected service-account token volume',
              'remove the serviceAccountToken projection', !sandbox));
          }
        });
      });
    }
    return out;
  },
  checkSet: (obj, ctx) => {
    if (obj.kind === 'ServiceAccount') return [];
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) {
      if (pod.implicit || pod.spec.automountServiceAccountToken !== undefined || _serviceAccountOptsOut(obj, pod.spec, ctx)) continue;
      out.push(violation(ID, obj, `${pod.path}.automountServiceAccountToken`, 'pods mount a service-account token (unset here and on the ServiceAccount)', _FIX_POD, !isSandbox(obj)));
    }
    return out;
  },
};

function _serviceAccountOptsOut(obj: K8sObject, spec: any, ctx: RuleContext): boolean {
  const sa = ctx.index.get('ServiceAccount', obj.metadata?.namespace ?? '', spec.serviceAccountName ?? 'default');
  return sa?.automountServiceAccountToken === false;
}
