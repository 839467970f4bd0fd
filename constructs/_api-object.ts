import { ApiObject, ApiObjectMetadataDefinition, ApiObjectProps, App, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { LABEL, MANAGED_BY } from './labels';

/** A plain Kubernetes object as JSON, with at least apiVersion, kind and metadata.name. */
export interface _Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** The resolvers every cdk8s App has; an App with more has custom ones and takes the slow path. */
const BUILT_IN_RESOLVERS = 3;

/**
 * An ApiObject whose props are plain JSON (plus the odd `Lazy`). Its `toJson` gives the same
 * result as cdk8s' (values resolved, nulls dropped, keys sorted) in one pass, instead of
 * cdk8s' generic resolver walk, which is most of the synth time of a large platform.
 * JSON patches and custom App resolvers still take cdk8s' own path, and so does everything
 * when `AGENT_RUNTIME_CDK8S_SERIALIZER` is set (to compare the two).
 */
class _PlainApiObject extends ApiObject {
  private patched = false;

  /** `rendered`: fields other than metadata and Lazy ones are already rendered (sorted, no nulls). */
  constructor(scope: Construct, id: string, private readonly plainProps: ApiObjectProps, private readonly rendered: boolean) {
    super(scope, id, plainProps);
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    if (this.patched || process.env.AGENT_RUNTIME_CDK8S_SERIALIZER || App.of(this).resolvers.length > BUILT_IN_RESOLVERS) {
      return super.toJson();
    }
    const props = this.plainProps as Record<string, unknown>;
    // apiVersion, kind and metadata first, the rest sorted (as cdk8s orders them).
    const out: Record<string, unknown> = { apiVersion: props.apiVersion, kind: props.kind, metadata: _renderMetadata(this.metadata) };
    for (const key of _sortedKeys(props)) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      const value = props[key];
      const v = this.rendered && !(value instanceof Lazy) ? value : _plain(value, this.node.path);
      if (v !== undefined && v !== null) out[key] = v;
    }
    return out;
  }
}

/** The metadata fields `ApiObjectMetadataDefinition` keeps itself, in code-unit order. */
const _OWN_METADATA = ['annotations', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences'];

/**
 * What `ApiObjectMetadataDefinition.toJson` renders (same fields, empty lists and maps
 * dropped), without its generic resolver walk. Metadata with only its own fields, string names and
 * string labels and annotations (all of ours) is rendered directly; anything else generically.
 */
function _renderMetadata(m: ApiObjectMetadataDefinition): unknown {
  const extra = (m as unknown as { _additionalAttributes: Record<string, unknown> })._additionalAttributes;
  const own = { annotations: (m as any).annotations, finalizers: (m as any).finalizers, labels: (m as any).labels, name: m.name, namespace: m.namespace, ownerReferences: (m as any).ownerReferences };
  return _ownMetadataOnly(extra, own) ?? _plain({ ...extra, ...own }, m.name ?? '', true);
}

/** The rendered metadata when it has only its own fields in plain form, else undefined. */
function _ownMetadataOnly(extra: Record<string, unknown>, own: Record<string, any>): Record<string, unknown> | undefined {
  for (const k in extra) if (!_OWN_METADATA.includes(k)) return undefined;
  const { annotations, finalizers, labels, name, namespace, ownerReferences } = own;
  if ((name != null && typeof name !== 'string') || (namespace != null && typeof namespace !== 'string')) return undefined;
  if (finalizers.length > 0 || ownerReferences.length > 0) return undefined;
  const out: Record<string, unknown> = {};
  const a = _stringMap(annotations);
  if (a === null) return undefined;
  if (a !== undefined) out.annotations = a;
  const l = _stringMap(labels);
  if (l === null) return undefined;
  if (l !== undefined) out.labels = l;
  if (name != null) out.name = name;
  if (namespace != null) out.namespace = namespace;
  return out;
}

/** A map of strings with its keys sorted (null values dropped); undefined when empty, null when a value is not a string. */
function _stringMap(map: Record<string, unknown>): Record<string, string> | undefined | null {
  let out: Record<string, string> | undefined;
  for (const k of _sortedKeys(map)) {
    const v = map[k];
    if (v == null) continue;
    if (typeof v !== 'string') return null;
    (out ??= {})[k] = v;
  }
  return out;
}

/**
 * Resolves and sanitizes a value the way cdk8s does: Lazy produced, nulls dropped, keys sorted;
 * with `dropEmpty`, empty lists and maps dropped too (as cdk8s does for metadata).
 */
export function _plain(value: any, path: string, dropEmpty = false): unknown {
  if (typeof value !== 'object') return value;
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = _plain(value[i], path, dropEmpty);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || typeof value.resolve === 'function') return _token(value, path, dropEmpty);
  const keys = _sortedKeys(value);
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const key of keys) {
    const v = _plain(value[key], path, dropEmpty);
    if (v !== undefined && v !== null) {
      out[key] = v;
      empty = false;
    }
  }
  return dropEmpty && empty ? undefined : out;
}

/**
 * The keys of `value` in code-unit order, as `Object.keys(value).sort()`. Objects here are small:
 * sorted in place by insertion, since `Array.prototype.sort` allocates a work copy on every call
 * (a third of all of synth's allocations went to it).
 */
export function _sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** A value that is not plain JSON: a Lazy or another token is produced, anything else is an error. */
function _token(value: any, path: string, dropEmpty: boolean): unknown {
  if (value instanceof Lazy) return _plain(value.produce(), path, dropEmpty);
  if (typeof value.resolve === 'function') return _plain(value.resolve(), path, dropEmpty);
  throw new Error(`${path}: can't render non-simple object of type '${value.constructor?.name}'`);
}

/** The labels every object of ours carries (one object, spread: a literal with computed keys is built slowly). */
const _OUR_LABELS: Readonly<Record<string, string>> = { [LABEL.managedBy]: MANAGED_BY, [LABEL.name]: MANAGED_BY, [LABEL.partOf]: MANAGED_BY };

/**
 * Emits one object with the labels every object of ours carries. Plain JSON through a lean
 * `ApiObject` keeps the per-object cost low (the L2 cdk8s-plus layer is several times slower).
 */
export function _emit(scope: Construct, id: string, manifest: _Manifest, labels: Record<string, string> = {}, rendered = false): ApiObject {
  const metadata = manifest.metadata;
  return new _PlainApiObject(scope, id, {
    ...manifest,
    metadata: {
      ...metadata,
      // Dashboards, cost reports and the labels-required policy group by these.
      labels: { ..._OUR_LABELS, ...labels, ...metadata.labels },
    },
  }, rendered);
}
