/**
 * YAML read the way kubectl reads it (sigs.k8s.io/yaml over go-yaml v2, i.e. YAML 1.1 scalars), so the
 * review sees what the API server will get: `hostNetwork: yes` is true, `0755` is octal, timestamps stay
 * strings, and a `<<` merge key applies in order (a late merge overrides the keys written before it).
 * js-yaml does the parsing (fast); only scalar resolution and merge keys are replaced.
 */
import * as yaml from 'js-yaml';

/** go-yaml v2's booleans (resolve.go): YAML 1.1's, `y`/`n` included. */
const _TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const _FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

const _bool = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && (_TRUE.has(s) || _FALSE.has(s)),
  construct: (s: string) => _TRUE.has(s),
  predicate: (v: unknown) => typeof v === 'boolean',
  represent: (v: object) => String(v),
});

/** Go's `strconv.ParseInt(s, 0, 64)` after go-yaml drops `_`: 0x, 0o, 0b and legacy octal `0755`. */
const _INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;

const _int = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && _INT.test(s.replace(/_/g, '')),
  construct: (s: string) => {
    const t = s.replace(/_/g, '');
    const neg = t.startsWith('-');
    const body = t.replace(/^[-+]/, '');
    const n = /^0[xXbBoO]/.test(body) ? Number(body.slice(0, 2).toLowerCase() + body.slice(2))
      : body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : Number(body);
    return neg ? -n : n;
  },
  predicate: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
  represent: (v: object) => String(v),
});

/** js-yaml's own null, float and binary types (exported at runtime, missing from its typings). */
const _types = (yaml as unknown as { types: Record<'null' | 'float' | 'binary', yaml.Type> }).types;

/** kubectl's scalar rules; no timestamp type (go-yaml v2 keeps them as strings), no merge type (applied below). */
export const KUBE_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [_types.null, _bool, _int, _types.float],
  explicit: [_types.binary],
});

/** Every document of `text`, with go-yaml v2's scalars and merge keys. Throws js-yaml's errors. */
export function loadAllKube(text: string, filename: string): unknown[] {
  const docs = yaml.loadAll(text, undefined, { filename, schema: KUBE_SCHEMA });
  // `<<` is rare: pay for the walk only when the text has one.
  return text.includes('<<') ? docs.map((d) => _applyMerges(d, new Map())) : docs;
}

/**
 * go-yaml v2 decodes a mapping's pairs in order and a merge writes its keys over the ones already
 * set (a sequence of maps merges last-to-first, so the first wins). Aliases are shared objects, so
 * results are memoized and anchors are never modified in place.
 */
function _applyMerges(v: unknown, memo: Map<object, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (memo.has(v)) return memo.get(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(v, out);
    for (const e of v) out.push(_applyMerges(e, memo));
    return out;
  }
  const out: Record<string, unknown> = {};
  memo.set(v, out);
  for (const [k, value] of Object.entries(v)) {
    if (k !== '<<') {
      _set(out, k, _applyMerges(value, memo));
      continue;
    }
    const merged = _applyMerges(value, memo);
    const sources = Array.isArray(merged) ? [...merged].reverse() : [merged];
    for (const s of sources) {
      if (s === null || typeof s !== 'object' || Array.isArray(s)) {
        throw new yaml.YAMLException('map merge requires a map or a sequence of maps as the value of "<<"');
      }
      for (const [mk, mv] of Object.entries(s)) _set(out, mk, mv);
    }
  }
  return out;
}

/** Assignment that stores `__proto__` as a plain key, as js-yaml does. */
function _set(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}
