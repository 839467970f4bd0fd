/** How violations name objects. */
import type { K8sObject, Violation } from './types';

/** `kind/namespace/name`, or `kind/name` for an object without a namespace. */
export function objectRef(obj: K8sObject): string {
  const name = obj.metadata?.name ?? '<unnamed>';
  const ns = obj.metadata?.namespace;
  return ns ? `${obj.kind}/${ns}/${name}` : `${obj.kind}/${name}`;
}

/** Builds a violation of `ruleId` on `obj` at `path`. */
export function violation(ruleId: string, obj: K8sObject, path: string, message: string, fix: string, advisory?: boolean): Violation {
  return advisory ? { ruleId, object: objectRef(obj), path, message, fix, advisory } : { ruleId, object: objectRef(obj), path, message, fix };
}
