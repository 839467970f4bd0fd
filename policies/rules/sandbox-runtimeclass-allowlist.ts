import { violation } from '../object-ref';
import { POD_KINDS, podSpecsOf } from '../pod-specs';
import { isSandbox } from '../roles';
import { MANDATORY, type Rule, type Violation } from '../types';

const ID = 'sandbox-runtimeclass-allowlist';

/** Sandboxes run under an allowed RuntimeClass (gVisor by default), and that RuntimeClass exists. */
export const sandboxRuntimeclassAllowlist: Rule = {
  id: ID,
  description: 'Sandbox pod templates set runtimeClassName from the allow list, and the RuntimeClass is part of the stack unless provider-managed.',
  severity: 'critical',
  remediation: 'Set runtimeClassName: gvisor (or another allowed class) in the sandbox pod template and ship the RuntimeClass (handler runsc), or list it under providerManagedRuntimeClasses on GKE/AKS.',
  enforcement: MANDATORY,
  kinds: POD_KINDS,
  configKeys: ['runtimeClasses', 'providerManagedRuntimeClasses'],
  check: (obj, ctx) => {
    if (!isSandbox(obj)) return [];
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) {
      const rc = pod.spec.runtimeClassName;
      if (typeof rc !== 'string' || !ctx.config.runtimeClasses.includes(rc)) {
        out.push(violation(ID, obj, `${pod.path}.runtimeClassName`,
          rc === undefined ? 'sandbox pod template has no runtimeClassName: it would run under the default runtime (runc)' : `runtimeClassName "${rc}" is not allowed for sandboxes`,
          `set ${pod.path}.runtimeClassName to one of: ${ctx.config.runtimeClasses.join(', ')}`));
      }
    }
    return out;
  },
  checkSet: (obj, ctx) => {
    if (!isSandbox(obj)) return [];
    const out: Violation[] = [];
    for (const pod of podSpecsOf(obj)) {
      const rc = pod.spec.runtimeClassName;
      if (typeof rc !== 'string' || !ctx.config.runtimeClasses.includes(rc)) continue;
      if (ctx.config.providerManagedRuntimeClasses.includes(rc) || ctx.index.get('RuntimeClass', '', rc)) continue;
      out.push(violation(ID, obj, `${pod.path}.runtimeClassName`, `RuntimeClass "${rc}" is not defined in this set of objects`,
        `add RuntimeClass "${rc}" (node.k8s.io/v1, handler runsc for gVisor), or declare it in providerManagedRuntimeClasses when GKE/AKS manages it`));
    }
    return out;
  },
};
