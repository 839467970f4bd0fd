/**
 * Two documents with the same API group, kind, namespace and name: `kubectl apply -f` applies both
 * in order and the last wins, so the first copy is what a reader reviews and the second is what
 * runs. Review judges the last copy (the effective state) and reports the duplicate as an error.
 */
import { violation } from '../object-ref';
import { MANDATORY, type Rule } from '../types';

const ID = 'duplicate-objects';

export const duplicateObjects: Rule = {
  id: ID,
  description: 'No two objects share API group, kind, namespace and name (kubectl apply keeps the last; review judges that last copy and refuses the set).',
  severity: 'high',
  remediation: 'Keep one document per object; merge the intended changes into it.',
  enforcement: MANDATORY,
  checkSet: (obj, ctx) => {
    const earlier = ctx.index.overridden.get(obj);
    if (!earlier?.length) return [];
    return [violation(ID, obj, 'metadata.name', `written ${earlier.length + 1} times in the input; kubectl apply keeps the last copy, which is the one reviewed (the earlier ones never run)`,
      'remove the earlier copies so that what is reviewed is what is written')];
  },
};
