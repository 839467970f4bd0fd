/** One pass over the object set builds the lookups the cross-object rules need, so each rule stays O(objects). */
import { effectiveState } from './effective-state';
import type { K8sObject } from './types';

const _EMPTY: readonly K8sObject[] = Object.freeze([]);

/**
 * The effective objects (duplicates resolved as `kubectl apply` would: the last copy wins) indexed by
 * kind, by namespace and kind, and by kind/namespace/name; plus memoized derived indexes.
 */
export class ObjectIndex {
  /** Every effective object, in input order. */
  public readonly all: readonly K8sObject[];
  /** Earlier copies of objects the input writes more than once (keyed by the kept, last copy). */
  public readonly overridden: ReadonlyMap<K8sObject, readonly K8sObject[]>;
  private readonly _byKind = new Map<string, K8sObject[]>();
  private readonly _byNsKind = new Map<string, K8sObject[]>();
  private readonly _byName = new Map<string, K8sObject>();
  private readonly _memo = new Map<string, unknown>();

  public constructor(input: readonly K8sObject[]) {
    const { objects, overridden } = effectiveState(input);
    this.all = objects;
    this.overridden = overridden;
    for (const obj of objects) {
      const kind = obj.kind ?? '';
      const ns = obj.metadata?.namespace ?? '';
      _push(this._byKind, kind, obj);
      _push(this._byNsKind, ns + '\0' + kind, obj);
      this._byName.set(kind + '\0' + ns + '\0' + (obj.metadata?.name ?? ''), obj);
    }
  }

  /** Every object of a kind. */
  public ofKind(kind: string): readonly K8sObject[] {
    return this._byKind.get(kind) ?? _EMPTY;
  }

  /** Objects of a kind in one namespace (`''` for cluster-scoped). */
  public inNamespace(namespace: string, kind: string): readonly K8sObject[] {
    return this._byNsKind.get(namespace + '\0' + kind) ?? _EMPTY;
  }

  /** One object by kind, namespace (`''` when cluster-scoped) and name. */
  public get(kind: string, namespace: string, name: string): K8sObject | undefined {
    return this._byName.get(kind + '\0' + namespace + '\0' + name);
  }

  /** Computes a derived index once per set (e.g. autoscalers by target) and caches it under `key`. */
  public memo<T>(key: string, build: () => T): T {
    if (!this._memo.has(key)) this._memo.set(key, build());
    return this._memo.get(key) as T;
  }
}

function _push(map: Map<string, K8sObject[]>, key: string, obj: K8sObject): void {
  const list = map.get(key);
  if (list) list.push(obj);
  else map.set(key, [obj]);
}
