/**
 * Typed manifests: a body typed by the Kubernetes types `cdk8s import` generates (shipped in
 * cdk8s-plus-28 as `lib/imports/k8s`), turned into JSON by the generated `toJson_*` function
 * and emitted through the lean {@link _emit}. A typo in a field is then a compile error, with
 * no slower ApiObject subclass on the synth path.
 */
import type { GroupVersionKind } from 'cdk8s';
import { Construct } from 'constructs';
import { _emit, _Manifest } from './_api-object';

/** Generated props of a kind: at least a metadata with a name. */
interface _KindProps {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Emits `props` of the generated kind `gvk` (e.g. `k8s.KubeNetworkPolicy.GVK` with
 * `k8s.toJson_KubeNetworkPolicyProps`).
 * @example _emitTyped(this, 'ns', k8s.KubeNamespace.GVK, k8s.toJson_KubeNamespaceProps, { metadata: { name: 'acme' } })
 */
export function _emitTyped<P extends _KindProps>(
  scope: Construct, id: string, gvk: GroupVersionKind, toJson: (props: P | undefined) => Record<string, any> | undefined,
  props: P, labels: Record<string, string> = {},
): void {
  _emit(scope, id, { apiVersion: gvk.apiVersion, kind: gvk.kind, ...toJson(props) } as _Manifest, labels);
}
