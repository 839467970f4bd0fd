import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadAllKube } from '../../policies/kube-yaml';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { toYaml } from '../../stacks/yaml-emitter';

/** What js-yaml (YAML 1.2) and the review's kubectl reader (YAML 1.1) read back. */
function readBoth(text: string): [unknown, unknown] {
  return [yaml.load(text), loadAllKube(text, 'emitted.yaml')[0]];
}

function expectRoundTrip(value: unknown): void {
  const text = toYaml(value);
  const [v12, v11] = readBoth(text);
  try {
    expect(v12).toStrictEqual(value);
    expect(v11).toStrictEqual(value);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- emitted:\n${text}`);
  }
}

/** Strings YAML could read as something else, or that need care as block literals. */
const TRICKY = [
  '', ' ', '  ', 'true', 'false', 'True', 'FALSE', 'yes', 'No', 'on', 'OFF', 'y', 'Y', 'n', 'N', 'null', 'Null', 'NULL', '~',
  '0', '1', '-1', '+1', '0755', '0o755', '0x1F', '0X1f', '0b101', '1_000', '1e3', '1E-3', '6.8523015e+5', '.5', '5.', '1.0', '1.0.0',
  '.inf', '-.inf', '+.INF', '.nan', '.NaN', '12:30', '190:20:30.15', '1:2:3', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5', '2002-12-14', '<<', '=', '-', '--', '---', '...', '- a', '? a', ': a', 'a:', 'a: b', 'a #b', '#a', 'a#b',
  ',a', '[a]', '{a: 1}', ']', '}', '&a', '*a', '!a', '!!str', '|', '|-', '>', "'a'", '"a"', '%a', '@a', '`a', ' a', 'a ', '\ta', 'a\t',
  'a\tb', 'a\nb', 'a\n', 'a\n\n', '\n', '\n\n', '\na', ' a\nb', '\n a', '  a\n b\n', 'a\n b', 'a\n\n\nb\n\n', 'a\r\nb', 'a\rb', '\u0000',
  'a\u0007b', '\u007f', '\u0085', 'a\u0085b', '\u2028', 'a\u2029\nb', '\ufeffa', '\u00a0a', 'café', 'こんにちは\n世界', '😀', 'a\ud800b',
  '\udc00', 'line 1\n  indented\n\ttab\n', '{"card": {"name": "x"}}\n', 'You are helpful.\nAnswer: yes\n# not a comment\n- not a list',
  '10Gi', '500m', '3d', 'v1', 'ghcr.io/acme/agent:1.0.0', 'a/b', 'http://x:8080/y', '1.2.3.4/16', '0.0.0.0/0', "it's", 'a\\b', 'a"b',
];

test.each(['dev', 'staging', 'prod'])('every object of the %s synth output reads back the same under YAML 1.1 and 1.2', (env) => {
  const objects = synthesizePlatform(loadStackConfig(env, path.resolve(__dirname, '..', '..'))).charts.flatMap((c) => c.objects);
  expect(objects.length).toBeGreaterThan(10);
  for (const o of objects) expectRoundTrip(o);
});

test('tricky strings read back the same as values, keys, sequence items and nested, under YAML 1.1 and 1.2', () => {
  for (const s of TRICKY) {
    // A quoted `<<` key is a merge for the review reader (it applies merges after parsing); values only.
    if (s !== '<<') expectRoundTrip({ [s]: s });
    expectRoundTrip({ k: s, list: [s, [s], { [s === '<<' ? 'x' : s]: [s] }], nested: { deeper: { v: s } } });
    expectRoundTrip([s, { a: s }]);
    expectRoundTrip(s);
  }
});

test('random strings over a tricky alphabet read back the same', () => {
  const alphabet = [...'ab yYnN01.:-+#\'"|>!&*?,[]{}%@`~=<\n\n\n\t\u00e9', '\r', 'true', 'null', 'on', '0x', 'e5', ': ', ' #', '---', '\n  ', '  '];
  // mulberry32: a seeded generator, so a failure reproduces.
  let seed = 13;
  const random = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n | 0;
  };
  for (let i = 0; i < 5000; i++) {
    const s = Array.from({ length: random(8) }, () => alphabet[random(alphabet.length)]).join('');
    expectRoundTrip({ [s === '<<' ? 'k' : s]: s, l: [s] });
  }
});

test('writes numbers, booleans, null, empty collections and undefined as JSON does', () => {
  const value = { i: 8080, f: 0.25, big: 1e21, small: 1e-7, neg: -3, t: true, f2: false, n: null, o: {}, a: [], u: undefined, au: [undefined] };
  const text = toYaml(value);
  expect(text).toContain('o: {}\n');
  expect(text).toContain('a: []\n');
  expect(text).not.toMatch(/^u:/m);
  expect(yaml.load(text)).toStrictEqual(JSON.parse(JSON.stringify(value)));
});

test('writes multi-line strings as block literals, keeping their trailing line feeds', () => {
  expect(toYaml({ prompt: 'You are helpful.\nBe brief.' })).toBe('prompt: |-\n  You are helpful.\n  Be brief.\n');
  expect(toYaml({ card: '{\n  "name": "x"\n}\n' })).toBe('card: |\n  {\n    "name": "x"\n  }\n');
  expect(toYaml({ l: [' indented\nnext\n\n'] })).toBe('l:\n  - |2+\n     indented\n    next\n\n');
});

test('refuses values that are not JSON data, naming their type', () => {
  expect(() => toYaml({ when: new Date(0) })).toThrow('cannot write an object of type Date as YAML');
});

test('lays out the prod objects as js-yaml does, but for quoting version-like strings (a YAML 1.1 float by its spec)', () => {
  const objects = synthesizePlatform(loadStackConfig('prod', path.resolve(__dirname, '..', '..'))).charts.flatMap((c) => c.objects);
  const unquoted = (text: string) => text.replace(/'([0-9]+\.[0-9]+\.[0-9.]*(?::[0-9]+)?)'$/gm, '$1');
  for (const o of objects) expect(unquoted(toYaml(o))).toBe(yaml.dump(o, { noRefs: true, lineWidth: -1 }));
});
