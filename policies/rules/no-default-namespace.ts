import { violation } from '../object-ref';
import { ADVISORY, type Rule } from '../types';

/** Nothing is deployed into the `default` namespace. */
export const noDefaultNamespace: Rule = {
  id: 'no-default-namespace',
  description: 'Objects are not placed in the default namespace.',
  severity: 'low',
  remediation: 'Set metadata.namespace to the tenant or platform namespace.',
  enforcement: ADVISORY,
  check: (obj) => (obj.metadata?.namespace === 'default'
    ? [violation('no-default-namespace', obj, 'metadata.namespace', 'object is in the default namespace', 'set metadata.namespace to a tenant or platform namespace')]
    : []),
};
