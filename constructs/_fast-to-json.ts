/**
 * A faster equivalent of the generated `toJson_*` converters. Each generated converter builds an
 * object with every field of its type and filters it with a quadratic spread, which made typed
 * emission ~1.7x slower than plain JSON (in-process synth of 40 tenants). Here each converter is read once
 * (its source: `'jsonKey': <conversion of> obj.tsKey` lines, e.g. `'clusterIP': obj.clusterIp`)
 * into a field table, and values are converted by walking only the fields they have: the same
 * renames, nested converters, unwrapped `IntOrString`/`Quantity` values and dropped unknown fields,
 * rendered in the same walk as `_emit` renders (keys sorted, nulls dropped). A converter it cannot read, or one of a module not listed below, is called as generated. Tests
 * compare both paths over every object the stacks emit; `AGENT_RUNTIME_GENERATED_TOJSON=1` uses the
 * generated converters only.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import * as agent from '../generated/imports/agent-kagent.dev';
import * as mcpbridge from '../generated/imports/mcpbridge-networking.higress.io';
import * as memory from '../generated/imports/memory-kagent.dev';
import * as modelconfig from '../generated/imports/modelconfig-kagent.dev';
import * as podmonitor from '../generated/imports/podmonitor-monitoring.coreos.com';
import * as prometheusrule from '../generated/imports/prometheusrule-monitoring.coreos.com';
import * as remotemcpserver from '../generated/imports/remotemcpserver-kagent.dev';
import * as sandboxtemplate from '../generated/imports/sandboxtemplate-extensions.agents.x-k8s.io';
import * as sandboxwarmpool from '../generated/imports/sandboxwarmpool-extensions.agents.x-k8s.io';
import * as scaledobject from '../generated/imports/scaledobject-keda.sh';
import * as servicemonitor from '../generated/imports/servicemonitor-monitoring.coreos.com';
import * as wasmplugin from '../generated/imports/wasmplugin-extensions.higress.io';
import { _plain, _sortedKeys } from './_api-object';

type _Converter = (obj: any) => Record<string, any> | undefined;

/** One field of a generated type: its JSON key and how its value converts. */
interface _Field {
  readonly json: string;
  /** Converter of the value (or of each item, or of each map value). */
  readonly child?: _Shape;
  /** A map (`{ [key]: value }`) whose values convert. */
  readonly entries: boolean;
  /** `IntOrString`/`Quantity`-like wrapper (`.value`) or a Date (`.toISOString()`). */
  readonly leaf?: 'value' | 'iso';
}
/** A generated type: its fields by TypeScript name, and the plans of the key sets met so far. */
interface _Shape {
  readonly fields: Map<string, _Field>;
  /** Whether a field's JSON key differs from its TypeScript name (`clusterIp` → `clusterIP`). */
  renamed: boolean;
  readonly plans: _Plan[];
}

/**
 * How to convert a value with one set of keys (objects built by the same code have the same keys,
 * in the same order): its keys as enumerated, and the fields to write in JSON key order.
 */
interface _Plan {
  readonly keys: readonly string[];
  readonly order: readonly (readonly [string, _Field])[];
}

/** Plans kept per type: enough for the few key sets one type is built with. */
const MAX_PLANS = 8;

/** The modules whose converters are read (everything `_emitTyped` is given). */
const MODULES: readonly Record<string, unknown>[] = [
  k8s, agent, mcpbridge, memory, modelconfig, podmonitor, prometheusrule, remotemcpserver, sandboxtemplate, sandboxwarmpool, scaledobject, servicemonitor, wasmplugin,
];

let moduleOf: Map<_Converter, Record<string, unknown>> | undefined;
const shapes = new Map<_Converter, _Shape | null>();
// Read once: process.env is slow to read per object.
let generatedOnly = !!process.env.AGENT_RUNTIME_GENERATED_TOJSON;

/**
 * `toJson(props)`, from the converter's field table when it can be read; then already rendered as
 * `_emit` renders (keys sorted, nulls dropped, `rendered: true`), so the body is walked once.
 */
export function _toJson<P>(toJson: (props: P | undefined) => Record<string, any> | undefined, props: P, path: string): { json: Record<string, any> | undefined; rendered: boolean } {
  const shape = generatedOnly ? null : _shapeOf(toJson as _Converter);
  return shape ? { json: _convert(props, shape, path), rendered: true } : { json: toJson(props), rendered: false };
}

/** Whether `toJson` converts through a field table (not the generated function). */
export function _hasFieldTable(toJson: (props: any) => Record<string, any> | undefined): boolean {
  return _shapeOf(toJson as _Converter) !== null;
}

/** Uses the generated converters only (`true`) or the field tables (tests compare both); returns the previous setting. */
export function _useGeneratedToJson(on: boolean): boolean {
  const was = generatedOnly;
  generatedOnly = on;
  return was;
}

function _shapeOf(fn: _Converter): _Shape | null {
  const known = shapes.get(fn);
  if (known !== undefined) return known;
  if (!moduleOf) {
    moduleOf = new Map();
    for (const m of MODULES) for (const [name, f] of Object.entries(m)) if (name.startsWith('toJson_')) moduleOf.set(f as _Converter, m);
  }
  const exports = moduleOf.get(fn);
  if (!exports) return _remember(fn, null);
  const shape: _Shape = { fields: new Map(), renamed: false, plans: [] };
  shapes.set(fn, shape); // before the fields: types refer to themselves (JSONSchemaProps)
  for (const [, json, expr] of fn.toString().matchAll(/^\s*'([^']+)': (.*?),?$/gm)) {
    const ts = /\bobj\.([A-Za-z0-9_$]+)/.exec(expr)?.[1];
    const childName = /\b(toJson_[A-Za-z0-9_]+)\(/.exec(expr)?.[1];
    const childFn = childName ? exports[childName] as _Converter | undefined : undefined;
    const child = childFn ? _shapeOf(childFn) : undefined;
    if (!ts || (childName && !child)) return _remember(fn, null);
    const leaf = /\?\.value\b/.test(expr) ? 'value' : /\?\.toISOString\(\)/.test(expr) ? 'iso' : undefined;
    shape.fields.set(ts, { json, child: child ?? undefined, entries: expr.includes('Object.entries(obj.'), leaf });
    if (json !== ts) shape.renamed = true;
  }
  return shape.fields.size ? shape : _remember(fn, null);
}

function _remember(fn: _Converter, shape: _Shape | null): _Shape | null {
  shapes.set(fn, shape);
  return shape;
}

function _convert(value: any, shape: _Shape, path: string): any {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => _convert(v, shape, path));
  const out: Record<string, unknown> = {};
  for (const [key, f] of _planOf(value, shape).order) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    const rendered = f.entries ? _entries(v, f, path) : _leaf(v, f, path);
    if (rendered !== undefined && rendered !== null) out[f.json] = rendered;
  }
  return out;
}

/** The plan for `value`'s keys: a known one when its keys enumerate as one did before (no allocation), else a new one. */
function _planOf(value: object, shape: _Shape): _Plan {
  for (const plan of shape.plans) if (_hasKeys(value, plan.keys)) return plan;
  // Sorted by TypeScript name, which is the JSON order unless a field of this type is renamed.
  const sorted = _sortedKeys(value);
  if (shape.renamed) sorted.sort((a, b) => _compare(shape.fields.get(a)?.json ?? a, shape.fields.get(b)?.json ?? b));
  const order = sorted.flatMap((key) => {
    const f = shape.fields.get(key);
    return f ? [[key, f] as const] : [];
  });
  const plan = { keys: Object.keys(value), order };
  if (shape.plans.length >= MAX_PLANS) shape.plans.pop();
  shape.plans.unshift(plan);
  return plan;
}

/** Whether `value`'s enumerable keys are exactly `keys`, in that order. */
function _hasKeys(value: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in value) if (keys[i++] !== k) return false;
  return i === keys.length;
}

function _compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A map field: its values converted, keys sorted. */
function _entries(map: Record<string, unknown>, f: _Field, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of _sortedKeys(map)) {
    const v = map[k] === undefined || map[k] === null ? undefined : _leaf(map[k], f, path);
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

function _leaf(v: any, f: _Field, path: string): unknown {
  if (f.child) return _convert(v, f.child, path);
  if (f.leaf === 'value') return v?.value;
  if (f.leaf === 'iso') return v?.toISOString();
  // No type below (a free-form map, a list of strings): rendered as _emit renders.
  return _plain(v, path);
}
