import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { isSandbox } from '../roles';
import { isPlatformNamespace } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'sandbox-runtimeclass-allowlist';

/** Sandboxes run under an allowed RuntimeClass (gVisor by default), and that RuntimeClass exists. */
export const sandboxRuntimeclassAllowlist: Rule = {
  id: ID,
  description: 'Sandbox pod templates set runtimeClassName from the allow list, the RuntimeClass is part of the stack unless provider-managed, and an allowed RuntimeClass runs an isolating handler (runsc, kata*), never runc.',
  severity: 'critical',
  remediation: 'Set runtimeClassName: gvisor (or another allowed class) in the sandbox pod template and ship the RuntimeClass (handler runsc), or list it under providerManagedRuntimeClasses on GKE/AKS.',
  enforcement: MANDATORY,
  configKeys: ['runtimeClasses', 'providerManagedRuntimeClasses', 'sandboxRuntimeHandlers'],
  check: (obj, ctx) => {
    if (obj.kind === 'RuntimeClass') return _checkHandler(obj, ctx);
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
      // A set with no RuntimeClass and no platform Namespace is a tenant reviewed alone: the platform's review checks the class.
      const partial = ctx.index.ofKind('RuntimeClass').length === 0 && !ctx.index.ofKind('Namespace').some((n) => isPlatformNamespace(ctx, n.metadata?.name));
      out.push(violation(ID, obj, `${pod.path}.runtimeClassName`, `RuntimeClass "${rc}" is not defined in this set of objects${partial ? ' (no RuntimeClass is: the platform is not part of this review)' : ''}`,
        `add RuntimeClass "${rc}" (node.k8s.io/v1, handler runsc for gVisor), or declare it in providerManagedRuntimeClasses when GKE/AKS manages it`, partial));
    }
    return out;
  },
};

/** A RuntimeClass sandboxes may use must isolate: its handler, not its name, decides what runs the pod. */
function _checkHandler(obj: K8sObject, ctx: RuleContext): Violation[] {
  const name = obj.metadata?.name ?? '';
  if (!ctx.config.runtimeClasses.includes(name)) return [];
  const handler = obj.handler;
  const ok = typeof handler === 'string' && ctx.config.sandboxRuntimeHandlers.some((h) => handler === h || handler.startsWith(`${h}-`));
  return ok ? [] : [violation(ID, obj, 'handler', `RuntimeClass "${name}" is allowed for sandboxes but its handler ${JSON.stringify(handler)} does not isolate (sandboxes would run under the node's runtime)`,
    `set handler to one of ${ctx.config.sandboxRuntimeHandlers.join(', ')} (runsc for gVisor)`)];
}
