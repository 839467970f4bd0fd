/**
 * What the README, docs/*.md and every folder's README show is what the code does: every `agent-runtime` line names a
 * command and flags the CLI has, and the offline ones (synth, review, cards, schema) run as printed,
 * in the order printed, in a scratch folder holding the stack files; the command block is the CLI's
 * own --help and lists every flag each command's parser knows; every `npm run` names a script, every
 * `pulumi config set` a config key, every relative link a file. Pages are read from what exists, so
 * a page another branch adds is checked once it is there.
 * (The installed package's CLI is checked against the same lines by test/package/.)
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configSchema } from '../stacks/config-schema';
import { SECRET_KEYS } from '../stacks/config';
import { cliLines, COMMAND_NAMES, docPages, flagsOf, knownFlags, shellLines } from './support/doc-lines';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'agent-runtime.js');
const PAGES = docPages(ROOT);

/** Links the README makes to pages other branches add; the lead deletes an entry when its page is merged. */

const run = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
const KNOWN = knownFlags((args) => run(args));

test('the pages are every Markdown file of the repository, the README first', () => {
  expect(PAGES[0].file).toBe('README.md');
  expect(PAGES.map((p) => p.file)).toEqual(expect.arrayContaining(['docs/cli.md', 'docs/stacks.md', 'policies/README.md', 'runtime/README.md']));
});

test('the command block of the README and docs/cli.md is the output of `agent-runtime --help`', () => {
  const help = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).trimEnd();
  for (const file of ['README.md', 'docs/cli.md']) {
    const page = PAGES.find((p) => p.file === file)!.text;
    const block = /<!-- cli-usage:start[^>]*-->\n```\n([\s\S]*?)\n```\n<!-- cli-usage:end -->/.exec(page);
    expect([file, block?.[1]]).toEqual([file, help]);
  }
});

test.each(COMMAND_NAMES)('every flag the parser of `%s` knows is in its --help and in the top-level --help', (command) => {
  const flags = KNOWN[command].filter((f) => f !== '--help');
  const own = run([command, '--help']).stdout;
  const top = run(['--help']).stdout.split(/\n(?= {2}agent-runtime )/).find((l) => l.trimStart().startsWith(`agent-runtime ${command} `))!;
  expect(flags.filter((f) => !own.includes(f))).toEqual([]);
  expect(flags.filter((f) => !top.includes(f))).toEqual([]);
  if (command !== 'cards') expect(flags.length).toBeGreaterThan(0);
});

test('every `agent-runtime` line of the docs names a command and only flags that command has', () => {
  const lines = PAGES.flatMap((p) => cliLines(p));
  expect(lines.length).toBeGreaterThan(10);
  const wrong = lines.flatMap(({ where, command, line }) => (COMMAND_NAMES.includes(command)
    ? flagsOf(line).filter((f) => !KNOWN[command].includes(f)).map((f) => `${where}: ${f} is not a flag of ${command}: ${line}`)
    : [`${where}: no command "${command}": ${line}`]));
  expect(wrong).toEqual([]);
});

test('the offline commands of every page run as printed, in order, from a folder with the stack files', () => {
  let ran = 0;
  for (const page of PAGES) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-run-'));
    for (const f of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    for (const { where, command, args } of cliLines(page).filter((l) => l.runnable)) {
      const result = run(args, dir);
      expect([where, command, result.status, result.status === 0 ? '' : result.stderr]).toEqual([where, command, 0, '']);
      ran++;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(ran).toBeGreaterThan(3);
});

test('every `npm run` / `npm <script>` line names a script of package.json', () => {
  const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts);
  const builtins = ['ci', 'install', 'pack', 'test', 'start'];
  const used = PAGES.flatMap((p) => shellLines(p)).flatMap(({ where, line }) => [...line.matchAll(/\bnpm (run )?([\w:-]+)/g)]
    .map((m) => ({ where, name: m[2], run: Boolean(m[1]) })));
  expect(used.length).toBeGreaterThan(3);
  expect(used.filter((u) => (u.run ? !scripts.includes(u.name) : !builtins.includes(u.name))).map((u) => `${u.where}: npm ${u.name}`)).toEqual([]);
  for (const inline of PAGES.flatMap((p) => [...p.text.matchAll(/`npm run ([\w:-]+)/g)].map((m) => `${p.file}: ${m[1]}`))) {
    expect(scripts).toContain(inline.split(': ')[1]);
  }
});

test('every `pulumi config set` names a key of the stack config: secrets with --secret, paths that exist', () => {
  const schema = configSchema();
  const resolve = (node: any): any => (node?.$ref ? resolve(schema.definitions[node.$ref.replace('#/definitions/', '')]) : node);
  const keyExists = (keyPath: string) => keyPath.split('.').reduce<any>((node, key) => resolve(node)?.properties?.[key], schema.definitions.StackConfig) !== undefined;
  const sets = PAGES.flatMap((p) => shellLines(p)).flatMap(({ where, line }) => {
    const m = /pulumi config set((?: --(?:secret|path))*) ([\w.]+)/.exec(line);
    return m ? [{ where, secret: m[1].includes('--secret'), key: m[2] }] : [];
  });
  expect(sets.length).toBeGreaterThan(3);
  const wrong = sets.filter(({ secret, key }) => (secret ? !(SECRET_KEYS as readonly string[]).includes(key) : !keyExists(key)));
  expect(wrong).toEqual([]);
});

test('every file a shell line runs exists', () => {
  const files = PAGES.flatMap((p) => shellLines(p)).flatMap(({ where, line }) => [...line.matchAll(/\b(?:node|bash)(?: bin\/run-ts\.js)? ((?:[\w.-]+\/)+[\w.-]+\.(?:ts|js|sh))/g)]
    .map((m) => ({ where, file: m[1] })));
  expect(files.filter(({ file }) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
});

test('every relative link of the pages points at a file that exists', () => {
  const broken = PAGES.flatMap(({ file, text }) => [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)]
    .map((m) => m[1]).filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => path.normalize(path.join(path.dirname(file), target)))
    .filter((target) => !fs.existsSync(path.join(ROOT, target)))
    .map((target) => `${file} -> ${target}`));
  expect(broken).toEqual([]);
});
