/**
 * Java `.properties` parsing as `java.util.Properties.load` does it: `key=value`, `key:value` and
 * `key value`, `#`/`!` comments, line continuations with a trailing backslash, escapes (`\t`, `\n`,
 * `\uXXXX`, `\=`, `\:`, `\ `); the last occurrence of a key wins.
 */

/** Parses properties text into its key/value pairs (last occurrence wins). */
export function parseJavaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    // An odd number of trailing backslashes continues the logical line (leading whitespace of the next is dropped).
    while (_trailingBackslashes(line) % 2 === 1 && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    if (_trailingBackslashes(line) % 2 === 1) line = line.slice(0, -1);
    let k = 0;
    let key = '';
    for (; k < line.length; k++) {
      const c = line[k];
      if (c === '\\') {
        key += line.slice(k, k + 2);
        k++;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      key += c;
    }
    let v = k;
    while (v < line.length && /[ \t\f]/.test(line[v])) v++;
    if (v < line.length && (line[v] === '=' || line[v] === ':')) v++;
    while (v < line.length && /[ \t\f]/.test(line[v])) v++;
    out.set(_unescape(key), _unescape(line.slice(v)));
  }
  return out;
}

function _trailingBackslashes(s: string): number {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n;
}

function _unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}
