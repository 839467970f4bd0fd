import { violation } from '../object-ref';
import { ADVISORY, type Rule } from '../types';

/** Pods come from a controller (Deployment, StatefulSet, Job, Sandbox), never as bare Pod objects. */
export const noBarePods: Rule = {
  id: 'no-bare-pods',
  description: 'No top-level Pod objects: a bare pod is not rescheduled when its node fails.',
  severity: 'low',
  remediation: 'Wrap the pod in a Deployment, StatefulSet or Job (or an agent-sandbox Sandbox).',
  enforcement: ADVISORY,
  kinds: ['Pod'],
  check: (obj) => [violation('no-bare-pods', obj, 'kind', 'bare Pod', 'use a Deployment, StatefulSet, Job or Sandbox instead')],
};
