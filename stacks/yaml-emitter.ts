/**
 * YAML for JSON data (objects, arrays, strings, numbers, booleans, null), in js-yaml's block layout,
 * several times faster than `js-yaml` `dump`: synth writes 100k+ objects and YAML writing is its floor.
 * Every string reads back as the same string under YAML 1.2 (js-yaml) and YAML 1.1 (kubectl's
 * go-yaml v2, `policies/kube-yaml.ts`): whatever either could read as something else is quoted;
 * multi-line strings are block literals (readable prompts and cards), or double-quoted when a
 * literal cannot hold them.
 *
 * Few pieces per line: keys come with their indentation and colon, short values with their space
 * and line feed, each rendered once. A file's documents are copied into one reused buffer one at
 * a time, so a document's text is garbage before the next is made; a whole chart's text, kept
 * until the file was written, used to be most of synth's garbage collection.
 */
import * as fs from 'fs';

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
 * Code units a scalar can hold only double-quoted: controls but tab and line feed, DEL, C1 (NEL),
 * line/paragraph separators, BOM, and surrogates (a lone one cannot be written as UTF-8; pairs are
 * rare enough to quote).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const _NOT_PRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

/** In a single-line string: what makes a plain scalar read as something else (a tab, `: ` starts a value, ` #` a comment). */
const _PLAIN_BREAKERS = /\t|: | #/;

/** Whether `s` (single line, printable) can be written without quotes and read back as this string. */
function _plainSafe(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const first = s.charCodeAt(0);
  if (first < 128 && _BAD_FIRST[first]) return false;
  const last = s.charCodeAt(n - 1);
  if (last === 0x20 || last === 0x3a /* : */ || last === 0x09) return false;
  if (_PLAIN_BREAKERS.test(s) || _RESERVED.has(s)) return false;
  return !((first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2e) || !_NUMBER_LIKE.test(s);
}

/** A double-quoted scalar: JSON's escapes are YAML's, plus the characters YAML reads as line breaks. */
function _doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(_EXTRA_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string as a scalar on one line: plain when it reads back as itself, else quoted. */
function _inline(s: string): string {
  if (_NOT_PRINTABLE.test(s) || s.includes('\n')) return _doubleQuoted(s);
  return _plainSafe(s) ? s : `'${s.replace(/'/g, "''")}'`;
}

/** A string as a scalar; `indent`: the indentation of a block literal's lines, -1 where none may be (a document). */
function _scalar(s: string, indent: number): string {
  if (!s.includes('\n') || _NOT_PRINTABLE.test(s)) return _inline(s);
  return indent < 0 || /^\n*$/.test(s) ? _doubleQuoted(s) : _literal(s, indent);
}

/**
 * A block literal: `|` keeps one final line feed, `|-` none, `|+` several; its lines are always
 * 2 deeper than its parent, and say so (`|2`) when the first line that is not empty starts with a
 * space (it would set the indentation).
 */
function _literal(s: string, indent: number): string {
  const trailing = s.length - s.replace(/\n+$/, '').length;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const body = trailing === 0 ? s : s.slice(0, s.length - 1);
  // Every line that is not empty gets the indentation (`.` matches no line break; the others are never in a literal).
  return `|${/^\n* /.test(s) ? '2' : ''}${chomp}\n${body.replace(/^(?=.)/gm, _indent(indent))}`;
}

function _number(n: number): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0.0' : String(n);
  return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf';
}

const _INDENTS: string[] = [''];

function _indent(n: number): string {
  while (_INDENTS.length <= n) _INDENTS.push(' '.repeat(_INDENTS.length));
  return _INDENTS[n];
}

/** Entries a memo holds before it starts over (strings of a large platform vary). */
const MEMO_LIMIT = 20_000;

/** A memo of rendered pieces. */
class _Memo {
  private readonly map = new Map<string, string>();
  constructor(private readonly render: (s: string) => string) {}

  public get(s: string): string {
    let out = this.map.get(s);
    if (out === undefined) {
      out = this.render(s);
      if (this.map.size >= MEMO_LIMIT) this.map.clear();
      this.map.set(s, out);
    }
    return out;
  }
}

/** Short single-line values repeat (kinds, protocols, label values): ` <scalar>\n`, rendered once. */
const _shortValues = new _Memo((s) => ` ${_inline(s)}\n`);

/** Keys repeat more: `<indentation><key>:` per depth, rendered once (depth 0 also follows a `- `). */
const _keyLines: _Memo[] = [];

function _keyLine(indent: number, k: string): string {
  let memo = _keyLines[indent];
  if (memo === undefined) {
    const spaces = _indent(indent);
    memo = _keyLines[indent] = new _Memo((key) => `${spaces}${_inline(key)}:`);
  }
  return memo.get(k);
}

/** The text of the document being written: pieces are appended, and it is handed over per document. */
let out = '';

/** `value` after `key:` or `-`: inline when scalar or empty, else on the next lines at `indent`. */
function _after(value: unknown, indent: number, inSequence: boolean): void {
  if (typeof value === 'string') {
    out += value.length <= 40 && !value.includes('\n') ? _shortValues.get(value) : ` ${_scalar(value, indent + 2)}\n`;
    return;
  }
  if (typeof value === 'number') out += ` ${_number(value)}\n`;
  else if (typeof value === 'boolean') out += value ? ' true\n' : ' false\n';
  else if (value === null || value === undefined) out += ' null\n';
  else if (Array.isArray(value)) {
    if (value.length === 0) out += ' []\n';
    else {
      out += inSequence ? ' ' : '\n';
      _sequence(value, indent + 2, !inSequence);
    }
  } else if (typeof value === 'object' && _isPlainObject(value)) {
    if (!_hasEntries(value)) out += ' {}\n';
    else {
      out += inSequence ? ' ' : '\n';
      _mapping(value as Record<string, unknown>, indent + 2, !inSequence);
    }
  } else {
    throw new Error(`cannot write ${_describe(value)} as YAML: only JSON data (objects, arrays, strings, numbers, booleans, null) is supported`);
  }
}

function _isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Whether a mapping has a key to write (undefined values are skipped, as JSON does). */
function _hasEntries(o: object): boolean {
  for (const k in o) if ((o as Record<string, unknown>)[k] !== undefined) return true;
  return false;
}

function _describe(v: unknown): string {
  return typeof v === 'object' && v !== null ? `an object of type ${v.constructor?.name ?? 'unknown'}` : `a ${typeof v}`;
}

/** A block mapping at `indent`; its first line indented too unless it follows a `- ` (same line). Skips undefined values. */
function _mapping(o: Record<string, unknown>, indent: number, indentFirst: boolean): void {
  let lead = indentFirst;
  for (const k in o) {
    const v = o[k];
    if (v === undefined) continue;
    out += _keyLine(lead ? indent : 0, k);
    lead = true;
    _after(v, indent, false);
  }
}

const _dashes: string[] = [];

/** A block sequence at `indent`; its first line indented too unless it follows a `- `. */
function _sequence(a: unknown[], indent: number, indentFirst: boolean): void {
  const dash = _dashes[indent] ??= `${_indent(indent)}-`;
  let lead = indentFirst;
  for (const v of a) {
    out += lead ? dash : '-';
    lead = true;
    _after(v, indent, true);
  }
}

/** One document (no `---`), ending in a line feed. */
function _document(value: unknown): string {
  out = '';
  if (typeof value === 'string') out = `${_scalar(value, -1)}\n`;
  else if (Array.isArray(value) && value.length > 0) _sequence(value, 0, true);
  else if (_isMapping(value) && _hasEntries(value)) _mapping(value, 0, true);
  else {
    // A scalar or an empty collection: as after a key, without the space.
    _after(value, 0, false);
    out = out.slice(1);
  }
  const text = out;
  out = '';
  return text;
}

/**
 * One YAML document (no `---`), ending in a line feed.
 * @example toYaml({ kind: 'ConfigMap', data: { on: 'yes' } }) // "kind: ConfigMap\ndata:\n  'on': 'yes'\n"
 */
export function toYaml(value: unknown): string {
  return _document(value);
}

/** The bytes of a file being written: one buffer, reused and grown by doubling. */
let buf = Buffer.allocUnsafe(1 << 20);

/**
 * Writes `file`: one YAML document per value, separated by `---`. Each document's text is copied
 * into the buffer at once, so its pieces are garbage before the next one is made.
 */
export function writeYamlFile(file: string, values: Iterable<unknown>): void {
  let pos = 0;
  for (const v of values) {
    const text = pos === 0 ? _document(v) : `---\n${_document(v)}`;
    if (pos + text.length * 3 > buf.length) {
      const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + text.length * 3));
      buf.copy(next, 0, 0, pos);
      buf = next;
    }
    pos += buf.write(text, pos);
  }
  fs.writeFileSync(file, buf.subarray(0, pos));
}

function _isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && _isPlainObject(v);
}
