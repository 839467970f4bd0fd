/**
 * The objects as the API server ends up holding them after `kubectl apply` of the whole input: one
 * object per identity (API group, kind, namespace, name; the version is not part of it), and when
 * the input names one identity twice, the LAST document wins, as `kubectl apply -f` applies in order
 * and each apply replaces the fields it sets. Review judges that last copy and reports the
 * duplicate itself (rule `duplicate-objects`), so neither copy is judged alone.
 */
import { CLUSTER_SCOPED_KINDS } from './roles';
import type { K8sObject } from './types';

/** The identity the API server keys an object by. */
export function identityOf(obj: K8sObject): string {
  const api = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const group = api.includes('/') ? api.slice(0, api.indexOf('/')) : '';
  // kubectl puts a namespaced object without a namespace into the context's, `default` unless set.
  const ns = obj.metadata?.namespace ?? (CLUSTER_SCOPED_KINDS.has(obj.kind ?? '') ? '' : 'default');
  return `${group}\0${obj.kind ?? ''}\0${ns}\0${obj.metadata?.name ?? ''}`;
}

/** The effective objects and, for each kept object that was written more than once, the earlier copies. */
export interface EffectiveState {
  readonly objects: readonly K8sObject[];
  readonly overridden: ReadonlyMap<K8sObject, readonly K8sObject[]>;
}

/** Resolves duplicates as `kubectl apply` does: the last copy of an identity is kept, at its own position. */
export function effectiveState(objects: readonly K8sObject[]): EffectiveState {
  const last = new Map<string, number>();
  for (let i = 0; i < objects.length; i++) last.set(identityOf(objects[i]), i);
  if (last.size === objects.length) return { objects, overridden: new Map() };
  const kept: K8sObject[] = [];
  const earlier = new Map<string, K8sObject[]>();
  for (let i = 0; i < objects.length; i++) {
    const id = identityOf(objects[i]);
    if (last.get(id) === i) kept.push(objects[i]);
    else earlier.set(id, [...(earlier.get(id) ?? []), objects[i]]);
  }
  const overridden = new Map<K8sObject, K8sObject[]>();
  for (const [id, list] of earlier) overridden.set(objects[last.get(id)!], list);
  return { objects: kept, overridden };
}
