/**
 * YAML for JSON data (objects, arrays, strings, numbers, booleans, null), in js-yaml's block layout,
 * several times faster than `js-yaml` `dump`: synth writes 100k+ objects and YAML writing is its floor.
 * Every string reads back as the same string under YAML 1.2 (js-yaml) and YAML 1.1 (kubectl's
 * go-yaml v2, `policies/kube-yaml.ts`): whatever either could read as something else is quoted;
 * multi-line strings are block literals (readable prompts and cards), or double-quoted when a
 * literal cannot hold them.
 */

/** Strings that YAML 1.1 or 1.2 read as null, a boolean or a merge key. */
const _RESERVED = new Set([
  '~', 'null', 'Null', 'NULL', '<<', '=',
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
]);

/**
 * Strings that may be a number or a timestamp under some YAML version (ints of any base, floats,
 * exponents, `_` separators, base 60, dates, .inf/.nan); on the safe side: `1.0.0` is quoted too.
 */
const _NUMBER_LIKE = /^[-+]?(?:[0-9.][0-9a-fA-FoOxXtTzZ_.:+-]*|\.(?:inf|Inf|INF|nan|NaN|NAN))$|^[0-9]{4}-/;

/** Characters that may not start a plain scalar (YAML indicators, quotes, space). */
const _BAD_FIRST = new Uint8Array(128);
for (const c of '-?:,[]{}#&*!|>\'"%@` \t') _BAD_FIRST[c.charCodeAt(0)] = 1;

/** Characters a double-quoted scalar escapes beyond JSON's: C1 controls, DEL, line/paragraph separators, BOM. */
const _EXTRA_ESCAPES = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

/**
 * Character class of one code unit: 0 printable, 1 line feed, 2 not printable in any YAML scalar
 * but a double-quoted one (controls, DEL, C1, NEL, separators, BOM, surrogates: a lone one cannot
 * be written as UTF-8, and pairs are rare enough to quote).
 */
function _charClass(c: number): 0 | 1 | 2 {
  if (c >= 0x20 && c < 0x7f) return 0;
  if (c === 0x0a) return 1;
  if (c === 0x09) return 0;
  if (c < 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0xd800 && c <= 0xdfff)) return 2;
  return 0;
}

/** Whether `s` (single line, printable) can be written without quotes and read back as this string. */
function _plainSafe(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const first = s.charCodeAt(0);
  if (first < 128 && _BAD_FIRST[first]) return false;
  const last = s.charCodeAt(n - 1);
  if (last === 0x20 || last === 0x3a /* : */ || last === 0x09) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x09) return false;
    if (c === 0x3a && s.charCodeAt(i + 1) === 0x20) return false; // ': ' starts a mapping value
    if (c === 0x23 && s.charCodeAt(i - 1) === 0x20) return false; // ' #' starts a comment
  }
  if (_RESERVED.has(s)) return false;
  return !((first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2e) || !_NUMBER_LIKE.test(s);
}

/** A double-quoted scalar: JSON's escapes are YAML's, plus the characters YAML reads as line breaks. */
function _doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(_EXTRA_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string as a scalar; `indent` is the indentation of a block literal's lines, '' where none may be (keys, a document). */
function _string(s: string, indent: string): string {
  let lineFeeds = false;
  for (let i = 0; i < s.length; i++) {
    const k = _charClass(s.charCodeAt(i));
    if (k === 2) return _doubleQuoted(s);
    if (k === 1) lineFeeds = true;
  }
  if (!lineFeeds) return _plainSafe(s) ? s : `'${s.replace(/'/g, "''")}'`;
  if (indent === '' || /^\n*$/.test(s)) return _doubleQuoted(s);
  return _literal(s, indent);
}

/**
 * A block literal: `|` keeps one final line feed, `|-` none, `|+` several; its lines are always
 * 2 deeper than its parent, and say so (`|2`) when the first line that is not empty starts with a
 * space (it would set the indentation).
 */
function _literal(s: string, indent: string): string {
  const trailing = s.length - s.replace(/\n+$/, '').length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? s : s.slice(0, s.length - 1);
  let out = `|${/^\n* /.test(s) ? '2' : ''}${chomp}`;
  for (const line of body.split('\n')) out += line === '' ? '\n' : `\n${indent}${line}`;
  return out;
}

function _number(n: number): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0.0' : String(n);
  return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf';
}

/** Short single-line strings repeat (kinds, protocols, label values): each is written once, as keys are. */
const _scalars = new Map<string, string>();

function _shortScalar(s: string, indent: string): string {
  let out = _scalars.get(s);
  if (out === undefined) {
    out = _string(s, indent);
    if (_scalars.size > 10_000) _scalars.clear();
    _scalars.set(s, out);
  }
  return out;
}

/** `value` after `key:` or `-`: inline when scalar or empty, else on the next lines at `indent`. */
function _after(value: unknown, indent: string, inSequence: boolean): string {
  if (typeof value === 'string') return ` ${value.length <= 40 && !value.includes('\n') ? _shortScalar(value, indent + '  ') : _string(value, indent + '  ')}\n`;
  if (typeof value === 'number') return ` ${_number(value)}\n`;
  if (typeof value === 'boolean') return value ? ' true\n' : ' false\n';
  if (value === null || value === undefined) return ' null\n';
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []\n';
    return inSequence ? ` ${_sequence(value, indent + '  ', '')}` : `\n${_sequence(value, indent + '  ', indent + '  ')}`;
  }
  if (typeof value === 'object' && _isPlainObject(value)) {
    const mapping = _mapping(value as Record<string, unknown>, indent + '  ', inSequence ? '' : indent + '  ');
    return mapping === '' ? ' {}\n' : inSequence ? ` ${mapping}` : `\n${mapping}`;
  }
  throw new Error(`cannot write ${_describe(value)} as YAML: only JSON data (objects, arrays, strings, numbers, booleans, null) is supported`);
}

function _isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function _describe(v: unknown): string {
  return typeof v === 'object' && v !== null ? `an object of type ${v.constructor?.name ?? 'unknown'}` : `a ${typeof v}`;
}

/** Mapping keys repeat across objects (apiVersion, metadata, ...): their scalar is computed once. */
const _keys = new Map<string, string>();

function _key(k: string): string {
  let out = _keys.get(k);
  if (out === undefined) {
    out = _string(k, '');
    if (_keys.size > 10_000) _keys.clear();
    _keys.set(k, out);
  }
  return out;
}

/** A block mapping at `indent`, its first line at `first` (after a `- `, the same line). Skips undefined values, as JSON does. */
function _mapping(o: Record<string, unknown>, indent: string, first: string): string {
  let out = '';
  let lead = first;
  for (const k in o) {
    const v = o[k];
    if (v === undefined) continue;
    out += `${lead}${_key(k)}:${_after(v, indent, false)}`;
    lead = indent;
  }
  return out;
}

/** A block sequence at `indent`, its first line at `first`. */
function _sequence(a: unknown[], indent: string, first: string): string {
  let out = '';
  let lead = first;
  for (const v of a) {
    out += `${lead}-${_after(v, indent, true)}`;
    lead = indent;
  }
  return out;
}

/**
 * One YAML document (no `---`), ending in a line feed.
 * @example toYaml({ kind: 'ConfigMap', data: { on: 'yes' } }) // "kind: ConfigMap\ndata:\n  'on': 'yes'\n"
 */
export function toYaml(value: unknown): string {
  if (typeof value === 'string') return `${_string(value, '')}\n`;
  const block = Array.isArray(value) ? _sequence(value, '', '') : _isMapping(value) ? _mapping(value, '', '') : '';
  return block || _after(value, '', false).slice(1);
}

function _isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && _isPlainObject(v);
}
