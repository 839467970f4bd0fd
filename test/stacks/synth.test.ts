import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ApiObject } from 'cdk8s';
import { synthCommand } from '../../cli/synth';
import { _synth, buildPlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs `agent-runtime synth` for an environment into a fresh folder and loads what it wrote. */
async function synth(env: string, root = ROOT): Promise<{ dir: string; code: number; objects: any[]; files: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `synth-${env}-`));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const code = await synthCommand(['--stack', env, '--out', dir, '--root', root]);
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];
    const objects = files.flatMap((f) => yaml.loadAll(fs.readFileSync(path.join(dir, f), 'utf8')) as any[]);
    return { dir, code, objects, files };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe.each(['dev', 'staging', 'prod'])('synth --stack %s', (env) => {
  let result: Awaited<ReturnType<typeof synth>>;
  beforeAll(async () => { result = await synth(env); });

  test('writes one YAML file per chart', () => {
    expect(result.code).toBe(0);
    expect(result.files.sort()).toEqual(['platform-base.yaml', 'platform.yaml', 'tenant-acme.yaml', 'tenant-globex.yaml']);
  });

  test('every object validates against its schema', () => {
    expect(validateAll(result.objects)).toEqual([]);
  });

  test('emits no Secret material and no literal credential', () => {
    // Only the agents' empty token Secrets, which the runtime controller fills in the cluster.
    expect(findAll(result.objects, 'Secret').filter((s) => s.data !== undefined || s.stringData !== undefined || s.metadata.labels?.['agentruntime.io/role'] !== 'a2a-token')).toEqual([]);
    const literal = result.objects.flatMap((o) => JSON.stringify(o).match(/"name":"(NACOS_AUTH_TOKEN|NACOS_AUTH_IDENTITY_(KEY|VALUE)|[A-Z_]*PASSWORD|[A-Z_]*API_KEY|[A-Z_]*SECRET)","value"/g) ?? []);
    expect(literal).toEqual([]);
  });
});

describe('synth output of prod', () => {
  test('holds a 3-server Nacos with auth, the default McpBridge and the gvisor RuntimeClass', async () => {
    const { objects } = await synth('prod');
    const sts = findOne(objects, 'StatefulSet', 'nacos', 'nacos');
    const env = (name: string) => sts.spec.template.spec.containers[0].env.find((e: any) => e.name === name);
    expect(sts.spec.replicas).toBe(3);
    expect(env('NACOS_AUTH_ENABLE').value).toBe('true');
    expect(env('NACOS_SERVERS').value.split(' ')).toHaveLength(3);
    const bridge = findOne(objects, 'McpBridge', 'default', 'higress-system');
    expect(bridge.spec.registries.find((r: any) => r.type === 'nacos3').nacosGroups.length).toBeGreaterThan(0);
    expect(findOne(objects, 'RuntimeClass', 'gvisor').handler).toBe('runsc');
  });
});

describe('secrets in configuration', () => {
  test('never reach the output, even when the stack file carries them', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-root-'));
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.dev.yaml'), 'utf8')) as any;
    doc.config['agent-runtime:nacosAdminPassword'] = { secure: 'v1:c2VjcmV0LWNpcGhlcnRleHQ=' };
    doc.config['agent-runtime:nacosAuthToken'] = { secure: 'v1:dG9rZW4tY2lwaGVydGV4dA==' };
    fs.writeFileSync(path.join(root, 'Pulumi.dev.yaml'), yaml.dump(doc));
    const { dir, code } = await synth('dev', root);
    expect(code).toBe(0);
    const all = fs.readdirSync(dir, { recursive: true }).map(String)
      .filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    expect(all).not.toContain('c2VjcmV0LWNpcGhlcnRleHQ');
    expect(all).not.toContain('dG9rZW4tY2lwaGVydGV4dA');
  });

  test('bad configuration exits 1 and writes nothing', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-root-'));
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.prod.yaml'), 'utf8')) as any;
    doc.config['agent-runtime:nacos'].replicas = 4;
    fs.writeFileSync(path.join(root, 'Pulumi.prod.yaml'), yaml.dump(doc));
    const { code, files } = await synth('prod', root);
    expect(code).toBe(1);
    expect(files).toEqual([]);
  });
});

describe('synth --review on a stack of any name', () => {
  /** Runs `synth --review` on a copy of the dev configuration named `qa`, changed by `mutate`. */
  async function reviewQa(mutate: (config: Record<string, unknown>) => void = () => undefined): Promise<{ code: number; out: string }> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qa-root-'));
    const doc = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.dev.yaml'), 'utf8')) as any;
    mutate(doc.config);
    fs.writeFileSync(path.join(root, 'Pulumi.qa.yaml'), yaml.dump(doc));
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((m) => { lines.push(String(m)); });
    try {
      const code = await synthCommand(['--stack', 'qa', '--root', root, '--out', path.join(root, 'out'), '--review']);
      return { code, out: lines.join('\n') };
    } finally {
      log.mockRestore();
    }
  }

  test('a stack not named after a profile is reviewed with prod, the strictest', async () => {
    // prod needs real issuers' JWKS (the dev file has none: dev signs with throwaway keys; staging's placeholders do)
    // and names its API server (the dev file has none); the dev images carry tags only.
    const staging = yaml.load(fs.readFileSync(path.join(ROOT, 'Pulumi.staging.yaml'), 'utf8')) as any;
    const { code, out } = await reviewQa((c: any) => {
      c['agent-runtime:gateway'].jwt = staging.config['agent-runtime:gateway'].jwt;
      c['agent-runtime:kubernetesApi'] = { cidrs: ['10.0.0.10/32'], port: 6443 };
      c['agent-runtime:requireImageDigests'] = false;
    });
    expect(out).toMatch(/\(prod\)/);
    expect(code).toBe(1); // the dev configuration runs one Nacos server, which prod forbids
  });

  test('agent-runtime:policyProfile chooses the profile', async () => {
    const { code, out } = await reviewQa((c) => { c['agent-runtime:policyProfile'] = 'dev'; });
    expect(out).toMatch(/\(dev\)/);
    expect(code).toBe(0);
  });
});

describe('serializing a chart', () => {
  const root = path.resolve(__dirname, '..', '..');
  test.each(['dev', 'staging', 'prod'])('gives what cdk8s toJson gives, in the same order, for every chart of %s', (env) => {
    const built = buildPlatform(loadStackConfig(env, root));
    for (const chart of [built.platformChart, ...built.tenantCharts]) expect(_synth(chart)).toEqual(chart.toJson());
  });

  test('falls back to cdk8s toJson when a construct declares a dependency (cdk8s then orders by it)', () => {
    const built = buildPlatform(loadStackConfig('dev', root));
    const chart = built.tenantCharts[0];
    const objects = chart.node.findAll().filter(ApiObject.isApiObject);
    objects[0].node.addDependency(objects[objects.length - 1]);
    const ordered = _synth(chart);
    expect(ordered).toEqual(chart.toJson());
    expect(ordered[0]).toEqual(objects[objects.length - 1].toJson());
  });
});
