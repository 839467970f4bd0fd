import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const LOADER = path.resolve(__dirname, '..', '..', 'bin', 'ts-cache.js');

/** Requires `file` in a fresh Node process through the transpile cache in `cache`; prints what it exports. */
function load(file: string, cache: string): string {
  const script = `require(${JSON.stringify(LOADER)}).register(); const m = require(${JSON.stringify(file)}); console.log(m.value ?? m.where());`;
  return execFileSync(process.execPath, ['-e', script], { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' }).trim();
}

test('the synth workers\' transpile cache is keyed by content: an edited source is transpiled again, never served stale', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-cache-'));
  const cache = path.join(dir, 'cache');
  const file = path.join(dir, 'module.ts');
  fs.writeFileSync(file, 'export const value: string = "first";\n');
  expect(load(file, cache)).toBe('first');
  expect(load(file, cache)).toBe('first');
  const entries = () => fs.readdirSync(path.join(cache, 'agent-runtime', 'transpiled'));
  expect(entries()).toHaveLength(1);
  fs.writeFileSync(file, 'export const value: string = "second";\n');
  expect(load(file, cache)).toBe('second');
  expect(entries()).toHaveLength(2);
});

test('stack traces of cached modules point at the TypeScript lines', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-cache-'));
  const file = path.join(dir, 'trace.ts');
  fs.writeFileSync(file, 'interface Unused { a: number }\n\nexport function where(): string {\n  return new Error("here").stack!.split("\\n")[1];\n}\n');
  for (let i = 0; i < 2; i++) expect(load(file, path.join(dir, 'cache'))).toContain(`${file}:4:`);
});

test('a miss removes entries older than two weeks (an edited file leaves its old entry behind)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-cache-'));
  const cache = path.join(dir, 'cache');
  const folder = path.join(cache, 'agent-runtime', 'transpiled');
  fs.mkdirSync(folder, { recursive: true });
  const stale = path.join(folder, 'stale.js');
  const fresh = path.join(folder, 'fresh.js');
  fs.writeFileSync(stale, '');
  fs.writeFileSync(fresh, '');
  const old = new Date(Date.now() - 15 * 24 * 3600 * 1000);
  fs.utimesSync(stale, old, old);
  const file = path.join(dir, 'module.ts');
  fs.writeFileSync(file, 'export const value = "x";\n');
  expect(load(file, cache)).toBe('x');
  expect(fs.existsSync(stale)).toBe(false);
  expect(fs.existsSync(fresh)).toBe(true);
});
