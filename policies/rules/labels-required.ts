import { LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { CLUSTER_SCOPED_KINDS } from '../roles';
import { ADVISORY, type Rule, type Violation } from '../types';

const ID = 'labels-required';

/** Namespaced objects and pod templates carry the labels selectors and cost reports use. */
export const labelsRequired: Rule = {
  id: ID,
  description: 'Namespaced objects and their pod templates carry app.kubernetes.io/name (config requiredLabels); agent objects carry agentruntime.io/agent; pods of a tenant object carry agentruntime.io/tenant.',
  severity: 'low',
  remediation: 'Add the missing labels to metadata.labels and to the pod template labels.',
  enforcement: ADVISORY,
  configKeys: ['requiredLabels'],
  check: (obj, ctx) => {
    if (CLUSTER_SCOPED_KINDS.has(obj.kind ?? '')) return [];
    const labels = obj.metadata?.labels ?? {};
    const out: Violation[] = [];
    for (const key of ctx.config.requiredLabels) {
      if (labels[key] === undefined) out.push(violation(ID, obj, `metadata.labels["${key}"]`, `label ${key} is missing`, `add label ${key}`));
    }
    if (labels[LABEL.role] === 'agent' && labels[LABEL.agent] === undefined) {
      out.push(violation(ID, obj, `metadata.labels["${LABEL.agent}"]`, `agent object without label ${LABEL.agent}`, `add label ${LABEL.agent}: <agent name>`));
    }
    for (const pod of podSpecsOf(obj)) {
      if (pod.implicit || obj.kind === 'Pod') continue;
      const podLabels = pod.labels ?? {};
      const need = [...ctx.config.requiredLabels, ...(labels[LABEL.tenant] !== undefined ? [LABEL.tenant] : []), ...(labels[LABEL.agent] !== undefined ? [LABEL.agent] : [])];
      for (const key of need) {
        if (podLabels[key] === undefined) out.push(violation(ID, obj, `${pod.labelsPath}["${key}"]`, `pod template label ${key} is missing`, `add ${key} to ${pod.labelsPath}`));
      }
    }
    return out;
  },
};
