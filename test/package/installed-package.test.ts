/**
 * The package where it is installed: `npm pack` of this checkout, installed with nothing else into
 * an empty project (no ../shared, no TypeScript, no Pulumi), then used as the README says: the
 * command with a stack file of the project's own, and the constructs from JavaScript.
 * Run by `npm run test:package` (CI), not by `npm test`: it builds, packs and installs.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cliLines, COMMAND_NAMES, docPages, flagsOf, knownFlags, shellLines } from '../support/doc-lines';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-runtime-package-'));
const PROJECT = path.join(WORK, 'project');
const README = docPages(ROOT).find((p) => p.file === 'README.md')!;
let tarball = '';
let files: string[] = [];

const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** `npx agent-runtime ...` in the project, as a user types it. */
const npx = (args: string[]) => spawnSync('npx', ['--no-install', 'agent-runtime', ...args], { cwd: PROJECT, encoding: 'utf8' });

beforeAll(() => {
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', WORK], ROOT));
  tarball = path.join(WORK, packed[0].filename);
  files = packed[0].files.map((f: { path: string }) => f.path);
  fs.mkdirSync(PROJECT);
  fs.writeFileSync(path.join(PROJECT, 'package.json'), JSON.stringify({ name: 'my-platform', version: '1.0.0', private: true }));
  npm(['install', '--prefer-offline', tarball], PROJECT);
  // The stack file the README shows for a project of your own.
  const stackFile = /```yaml\n(# Pulumi\.dev\.yaml[\s\S]*?)```/.exec(README.text);
  if (!stackFile) throw new Error('README.md: no ```yaml block starting with "# Pulumi.dev.yaml"');
  fs.writeFileSync(path.join(PROJECT, 'Pulumi.dev.yaml'), stackFile[1]);
});

afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

test('the tarball holds what runs: compiled code, the command, the schema, LICENSE; no sources, tests, bench or scripts', () => {
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/agent-runtime.js', 'dist-lib/cli/main.js',
    'dist-lib/constructs/index.js', 'dist-lib/constructs/index.d.ts', 'dist-lib/generated/imports/agent-kagent.dev.js', 'generated/config.schema.json']));
  const outside = files.filter((f) => !/^(dist-lib\/.*\.(js|d\.ts)|generated\/[\w.-]+\.json|bin\/agent-runtime\.js|LICENSE|README\.md|package\.json)$/.test(f));
  expect(outside).toEqual([]);
  expect(files.filter((f) => /(^|\/)(test|bench|scripts|examples)\/|\.test\.|(?<!\.d)\.ts$/.test(f))).toEqual([]);
  expect(fs.readFileSync(path.join(PROJECT, 'node_modules', 'agent-runtime', 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
});

test('installing it brings the runtime dependencies and the cdk8s peers, not Pulumi, the Kubernetes client or TypeScript', () => {
  const installed = (name: string) => fs.existsSync(path.join(PROJECT, 'node_modules', name, 'package.json'));
  for (const name of ['cdk8s', 'constructs', 'cdk8s-plus-28', 'ajv', 'js-yaml']) expect([name, installed(name)]).toEqual([name, true]);
  for (const name of ['@pulumi/pulumi', '@pulumi/kubernetes', '@kubernetes/client-node', 'typescript', 'ts-node', 'ts-json-schema-generator', 'nacos']) {
    expect([name, installed(name)]).toEqual([name, false]);
  }
});

test('npx agent-runtime --help lists every command, as in the checkout', () => {
  const help = npx(['--help']);
  expect(help.status).toBe(0);
  expect(help.stdout).toBe(execFileSync(process.execPath, [path.join(ROOT, 'bin', 'agent-runtime.js'), '--help'], { encoding: 'utf8' }));
  for (const command of COMMAND_NAMES) expect(npx([command, '--help']).status).toBe(0);
});

test('the README\'s commands for a project of your own run as printed: synth of its stack file, review and cards of the output', () => {
  const block = shellLines(README).filter((l) => l.line.startsWith('npx agent-runtime') && !l.line.includes('<'));
  const own = block.filter((l) => /synth --stack dev$|review dist\/dev --env dev$/.test(l.line));
  expect(own.map((l) => l.line)).toEqual(['npx agent-runtime synth --stack dev', 'npx agent-runtime review dist/dev --env dev']);
  const synth = npx(['synth', '--stack', 'dev']);
  expect([synth.status, synth.stderr]).toEqual([0, '']);
  expect(fs.readdirSync(path.join(PROJECT, 'dist', 'dev')).filter((f) => f.endsWith('.yaml')).sort()).toEqual(['platform-base.yaml', 'platform.yaml', 'tenant-acme.yaml']);
  const review = npx(['review', 'dist/dev', '--env', 'dev']);
  expect([review.status, review.stdout]).toEqual([0, expect.stringContaining('PASS (dev)')]);
  const cards = npx(['cards', 'dist/dev']);
  expect([cards.status, cards.stdout]).toEqual([0, expect.stringContaining('search')]);
  const schema = npx(['schema', '--keys']);
  expect(schema.status).toBe(0);
  expect(JSON.parse(schema.stdout).definitions.StackConfig.required).toContain('gatewayHost');
});

test('a bad stack file is refused with the key, before anything is written', () => {
  fs.writeFileSync(path.join(PROJECT, 'Pulumi.broken.yaml'), 'config:\n  agent-runtime:gatewayHost: agents.example.com\n  agent-runtime:tenantz: []\n');
  const synth = npx(['synth', '--stack', 'broken']);
  expect(synth.status).toBe(1);
  expect(synth.stderr).toContain('tenantz');
  expect(fs.existsSync(path.join(PROJECT, 'dist', 'broken'))).toBe(false);
});

test('every flag the docs show is one the installed command knows', () => {
  const known = knownFlags((args) => npx(args));
  const lines = docPages(ROOT).flatMap((p) => cliLines(p));
  expect(lines.length).toBeGreaterThan(10);
  expect(lines.flatMap(({ where, command, line }) => flagsOf(line).filter((f) => !(known[command] ?? []).includes(f)).map((f) => `${where}: ${f}: ${line}`))).toEqual([]);
});

test('the constructs work from JavaScript, with the project\'s own cdk8s', () => {
  const script = `
    const { App, Chart } = require('cdk8s');
    const { AgentRuntimePlatform, TenantNamespace } = require('agent-runtime');
    const chart = new Chart(new App(), 'agents', { disableResourceNameHashes: true });
    const jwks = '{"keys":[]}';
    const platform = new AgentRuntimePlatform(chart, 'platform', { gatewayHost: 'agents.example.com',
      gateway: { jwt: { public: { issuer: 'https://login.example.com/', jwks }, internal: { issuer: 'https://a2a.internal.example.com', jwks } } } });
    const acme = new TenantNamespace(chart, 'acme', { name: 'acme', platform: platform.facts });
    acme.addAgent({ name: 'search', version: '1.4.2', byo: { image: 'ghcr.io/acme/search:1.4.2' }, skills: [{ id: 'web', name: 'Web', description: 'Searches', tags: ['search'] }] });
    console.log(chart.toJson().filter((o) => o.kind === 'Deployment' && o.metadata.name === 'search').length);`;
  expect(execFileSync(process.execPath, ['-e', script], { cwd: PROJECT, encoding: 'utf8' }).trim()).toBe('1');
});

test('an entry or command whose optional peer is missing says what to install', () => {
  const pulumi = spawnSync(process.execPath, ['-e', "require('agent-runtime/pulumi')"], { cwd: PROJECT, encoding: 'utf8' });
  expect(pulumi.status).not.toBe(0);
  expect(pulumi.stderr).toContain('agent-runtime/pulumi needs @pulumi/pulumi and @pulumi/kubernetes');
  expect(pulumi.stderr).toContain('npm install @pulumi/pulumi @pulumi/kubernetes');
  const controller = npx(['controller', '--gateway-host', 'agents.example.com', '--no-identity']);
  expect(controller.status).toBe(2);
  expect(controller.stderr).toContain('agent-runtime controller needs @kubernetes/client-node');
});
