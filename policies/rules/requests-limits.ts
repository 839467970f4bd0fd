import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { parseQuantity } from '../../constructs/_quantity';
import { isSandbox } from '../roles';
import { MANDATORY, type Rule, type Violation } from '../types';

const ID = 'requests-limits';

/** Containers declare cpu/memory requests and a memory limit; sandboxes also an ephemeral-storage limit. */
export const requestsLimits: Rule = {
  id: ID,
  description: 'Every container (init and extra ones too) requests cpu and memory and limits memory; sandbox containers also limit ephemeral-storage; limit/request ratios stay under the configured cap.',
  severity: 'high',
  remediation: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory (plus limits.ephemeral-storage for sandboxes), keeping limits within maxLimitRequestRatio of the requests.',
  enforcement: MANDATORY,
  configKeys: ['maxLimitRequestRatio'],
  check: (obj, ctx) => {
    const sandbox = isSandbox(obj);
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) {
      for (const c of pod.containers) {
        if (c.path.includes('.ephemeralContainers[')) continue;
        const res = c.container.resources ?? {};
        const path = `${c.path}.resources`;
        const need: [string, string][] = [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'memory']];
        if (sandbox) need.push(['limits', 'ephemeral-storage']);
        for (const [group, name] of need) {
          if (res[group]?.[name] === undefined) {
            out.push(violation(ID, obj, `${path}.${group}.${name}`, `container ${c.container.name ?? ''} has no ${group}.${name}`.replace('  ', ' '),
              `set ${path}.${group}.${name}`));
          }
        }
        for (const name of ['cpu', 'memory']) {
          const limit = parseQuantity(res.limits?.[name]);
          const request = parseQuantity(res.requests?.[name]);
          if (limit !== undefined && request !== undefined && request > 0 && limit / request > ctx.config.maxLimitRequestRatio) {
            out.push(violation(ID, obj, `${path}.limits.${name}`, `${name} limit is ${+(limit / request).toFixed(2)}x the request (max ${ctx.config.maxLimitRequestRatio}x)`,
              `raise requests.${name} or lower limits.${name} to within ${ctx.config.maxLimitRequestRatio}x`));
          }
        }
      }
    }
    return out;
  },
};
