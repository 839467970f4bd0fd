/**
 * Typed manifests: a body typed by the Kubernetes types `cdk8s import` generates (shipped in
 * cdk8s-plus-28 as `lib/imports/k8s`; CRDs in the gitignored generated/imports/), turned into JSON
 * by its generated `toJson_*` function (the one rendering path: it throws on what it cannot render, a
 * `Lazy` included) and emitted through the
 * lean `_emit`. A typo in a field is then a compile error, with no slower ApiObject subclass on the
 * synth path. Constructs emit only through here (eslint `no-restricted-imports` keeps `_emit` out
 * of constructs/).
 */
import { ApiObject, GroupVersionKind, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { _emit, _Manifest } from './_api-object';

/** Generated props of a kind: at least a metadata with a name. */
interface _KindProps {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Emits `props` of the generated kind `gvk` (e.g. `k8s.KubeNetworkPolicy.GVK` with
 * `k8s.toJson_KubeNetworkPolicyProps`). Fields in `late` are produced (and converted) at synth
 * time, for what other constructs add later; a Lazy inside `props` would not survive the converter.
 * @example _emitTyped(this, 'ns', k8s.KubeNamespace.GVK, k8s.toJson_KubeNamespaceProps, { metadata: { name: 'acme' } })
 */
export function _emitTyped<P extends _KindProps, L extends Exclude<keyof P, 'metadata'> = never>(
  scope: Construct, id: string, gvk: GroupVersionKind, toJson: (props: P | undefined) => Record<string, any> | undefined,
  props: Omit<P, L>, labels: Record<string, string> = {}, late?: { readonly [K in L]: () => P[K] },
): ApiObject {
  const body: Record<string, unknown> = { apiVersion: gvk.apiVersion, kind: gvk.kind, ...toJson(props as P) };
  for (const [key, produce] of Object.entries(late ?? {}) as [string, () => unknown][]) {
    body[key] = Lazy.any({ produce: () => toJson({ [key]: produce() } as unknown as P)?.[key] });
  }
  return _emit(scope, id, body as unknown as _Manifest, labels);
}

/** Emits a kind with no generated type (its CRD is not in ../shared/crds); say which at the call. */
export function _emitUntyped(scope: Construct, id: string, manifest: _Manifest, labels: Record<string, string> = {}): ApiObject {
  return _emit(scope, id, manifest, labels);
}
