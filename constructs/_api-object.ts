import { ApiObject, ApiObjectProps, App, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { LABEL, MANAGED_BY } from './labels';

/** A plain Kubernetes object as JSON, with at least apiVersion, kind and metadata.name. */
export interface _Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/**
 * The resolvers of a cdk8s App without custom ones: cdk8s' own, by class name (`App.resolvers` is
 * public). An App with others takes cdk8s' path; a cdk8s version with other defaults fails
 * test/constructs/api-object.test.ts, which pins this list.
 */
export const _CDK8S_DEFAULT_RESOLVERS = ['LazyResolver', 'ImplicitTokenResolver', 'NumberStringUnionResolver'];

/**
 * An ApiObject whose props are plain JSON (plus the odd `Lazy`), as the typed converters render
 * them. Its `toJson` gives the same result as cdk8s' (values resolved, nulls dropped, keys sorted)
 * in one pass, instead of cdk8s' generic resolver walk; metadata is cdk8s' own (`metadata.toJson()`).
 * JSON patches and custom App resolvers take cdk8s' path. Anything else than plain JSON, a Lazy or a
 * token throws (see `_token`), as cdk8s' does.
 */
class _PlainApiObject extends ApiObject {
  private patched = false;

  constructor(scope: Construct, id: string, private readonly plainProps: ApiObjectProps) {
    super(scope, id, plainProps);
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    if (this.patched || cdk8sOnly || !_defaultResolvers(App.of(this).resolvers)) return super.toJson();
    const props = this.plainProps as Record<string, unknown>;
    // apiVersion, kind and metadata first, the rest sorted (as cdk8s orders them).
    const out: Record<string, unknown> = { apiVersion: props.apiVersion, kind: props.kind, metadata: this.metadata.toJson() };
    for (const key of _sortedKeys(props)) {
      if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
      const v = _plain(props[key], this.node.path);
      if (v !== undefined && v !== null) out[key] = v;
    }
    return out;
  }
}

let cdk8sOnly = false;

/** Serializes through cdk8s' own `toJson` only (`true`), to compare both in tests; returns the previous setting. */
export function _useCdk8sSerializer(on: boolean): boolean {
  const was = cdk8sOnly;
  cdk8sOnly = on;
  return was;
}

/** Whether `resolvers` are cdk8s' defaults only (checked once per App). */
const _checkedApps = new WeakMap<readonly unknown[], boolean>();
function _defaultResolvers(resolvers: readonly unknown[]): boolean {
  let known = _checkedApps.get(resolvers);
  if (known === undefined) {
    known = resolvers.length === _CDK8S_DEFAULT_RESOLVERS.length
      && resolvers.every((r, i) => (r as object).constructor?.name === _CDK8S_DEFAULT_RESOLVERS[i]);
    _checkedApps.set(resolvers, known);
  }
  return known;
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
export function _emit(scope: Construct, id: string, manifest: _Manifest, labels: Record<string, string> = {}): ApiObject {
  const metadata = manifest.metadata;
  return new _PlainApiObject(scope, id, {
    ...manifest,
    metadata: {
      ...metadata,
      // Dashboards, cost reports and the labels-required policy group by these.
      labels: { ..._OUR_LABELS, ...labels, ...metadata.labels },
    },
  });
}
