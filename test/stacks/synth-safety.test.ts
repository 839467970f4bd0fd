/**
 * synth never loses data and refuses every bad input of issue 12 with exit 1, before changing the
 * output folder: a good earlier output and the user's files stay exactly as they were.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { synthCommand } from '../../cli/synth';
import { SYNTH_MANIFEST } from '../../stacks/chart-writer';

const ROOT = path.join(__dirname, '..', '..');

/** Every file under `dir` with its content. */
const snapshot = (dir: string): Record<string, string> => Object.fromEntries((fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort()
  .filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

/** Runs synth in-process; returns the exit code and what it printed on stderr. */
async function synth(root: string, out: string): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    return { code: await synthCommand(['--stack', 'prod', '--out', out, '--root', root]), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** A root whose Pulumi.prod.yaml is the repository's, edited by `edit` (tenants[0] is acme, tenants[1] globex). */
function rootWith(edit: (config: any) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-root-'));
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.prod.yaml'), 'utf8')) as any;
  edit(doc.config);
  fs.writeFileSync(path.join(root, 'Pulumi.prod.yaml'), yaml.dump(doc));
  return root;
}

const acme = (c: any): any => c['agent-runtime:tenants'][0];
const agent = (c: any, name: string): any => c['agent-runtime:tenants'].flatMap((t: any) => t.agents).find((a: any) => a.name === name);

describe('synth into a folder that holds user files', () => {
  let out: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-out-'));
    fs.writeFileSync(path.join(out, 'my-app.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\n');
    fs.mkdirSync(path.join(out, 'values'));
    fs.writeFileSync(path.join(out, 'values', 'notes.yaml'), 'my notes\n');
    expect((await synth(rootWith(() => undefined), out)).code).toBe(0);
    before = snapshot(out);
  }, 60000);

  it('keeps them and records only its own files', () => {
    expect(before['my-app.yaml']).toContain('name: mine');
    expect(before['values/notes.yaml']).toBe('my notes\n');
    const files = JSON.parse(before[SYNTH_MANIFEST]).files;
    expect(files).toEqual(expect.arrayContaining(['platform.yaml', 'tenant-acme.yaml', 'values/higress.yaml']));
    expect(files).not.toContain('my-app.yaml');
    expect(files).not.toContain('values/notes.yaml');
  });

  it.each<[string, (c: any) => void, RegExp]>([
    ['a cross reference found late (a call to a skill that does not exist)', (c) => { agent(c, 'orchestrator').calls = ['globex/researcher#nope']; }, /nope/],
    ['maxReplicas: 1e308', (c) => { agent(c, 'orchestrator').scaling.maxReplicas = 1e308; }, /maxReplicas: .* is not allowed; use a whole number up to 2147483647/],
    ['a self-call', (c) => { agent(c, 'orchestrator').calls = ['acme/orchestrator#plan']; }, /calls\[0\]: "acme\/orchestrator#plan" is a skill of "acme\/orchestrator" itself/],
    ['a call cycle', (c) => {
      agent(c, 'researcher').calls = ['acme/orchestrator#plan'];
    }, /closes a cycle of calls: .*acme\/orchestrator.*globex\/researcher.*acme\/orchestrator|closes a cycle of calls: .*globex\/researcher.*acme\/orchestrator.*globex\/researcher/],
    ['pods: 1e21', (c) => { acme(c).quota.pods = 1e21; }, /quota\.pods: 1e\+21 is not allowed/],
    ['CIDR 10.0.0.0/33', (c) => { agent(c, 'support').egress[0].cidr = '10.0.0.0/33'; }, /"10.0.0.0\/33" is not (a CIDR|valid; use a CIDR)/],
    ['CIDR 999.999.999.999/8', (c) => { agent(c, 'support').egress[0].cidr = '999.999.999.999/8'; }, /"999.999.999.999\/8" is not (a CIDR|valid; use a CIDR)/],
    ['an except outside its CIDR', (c) => { agent(c, 'support').egress[0] = { cidr: '151.101.0.0/16', except: ['10.0.0.0/8'], ports: [443] }; }, /except\[0\]: "10.0.0.0\/8" is not strictly inside cidr "151.101.0.0\/16"/],
    ['sandbox egress to 0.0.0.0/0', (c) => { acme(c).sandboxPools[0].egressAllowList = [{ cidr: '0.0.0.0/0', ports: [443] }]; }, /"0.0.0.0\/0" is \(nearly\) the whole internet/],
    ['tenant group system:authenticated', (c) => { acme(c).groups = ['system:authenticated']; }, /groups\[0\]: "system:authenticated" is not allowed/],
    ['an empty tenant name', (c) => { acme(c).name = ''; }, /name: "" is empty; give the tenant a DNS label name/],
  ])('refuses %s with exit 1 and leaves the folder as it was', async (_name, edit, message) => {
    const r = await synth(rootWith(edit), out);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(1);
    expect(snapshot(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith(`.${path.basename(out)}.synth-`))).toEqual([]);
  }, 60000);

  it('removes only its own stale files when a tenant goes', async () => {
    const r = await synth(rootWith((c) => {
      c['agent-runtime:tenants'] = c['agent-runtime:tenants'].filter((t: any) => t.name === 'acme');
      agent(c, 'orchestrator').calls = ['acme/support#answer-question'];
      delete c['agent-runtime:tokenLimits'].free; // only globex was on the free tier
    }), out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const after = snapshot(out);
    expect(after['tenant-globex.yaml']).toBeUndefined();
    expect(after['my-app.yaml']).toBe(before['my-app.yaml']);
    expect(after['values/notes.yaml']).toBe('my notes\n');
  }, 60000);
});

it.each<[string, (c: any) => void]>([
  ['tenant', (c) => { acme(c).name = '-Acme_'; }],
  ['agent', (c) => { agent(c, 'support').name = '_Support-'; }],
  ['agent with nothing to keep', (c) => { agent(c, 'support').name = '__'; }],
])('suggests only a DNS label for a %s name that is not one', async (_what, edit) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-out-'));
  const r = await synth(rootWith(edit), out);
  expect(r.code).toBe(1);
  const suggested = /e\.g\. "([^"]*)"/.exec(r.err)?.[1];
  expect(suggested).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
}, 60000);
