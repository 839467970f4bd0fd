/**
 * One synth measurement in a fresh process (so peak memory is its own):
 *   ours <tenants>      `synth` of N tenants x 10 agents to YAML files, then only the YAML writing of its objects
 *   baseline <tenants>  a naive cdk8s-plus app: one App, one chart per tenant, 10 Deployments + Services each
 *   baseline-per-app <tenants>  the same charts, each in an App of its own (linear)
 *   prod                the prod platform vs a plain cdk8s-plus chart with as many objects
 * Prints one JSON line.
 */
import * as kplus from 'cdk8s-plus-28';
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizePlatform } from '../stacks/charts';
import { synthesizeToDirectory } from '../stacks/synth-to-directory';
import { loadStackConfig } from '../stacks/config';
import { syntheticConfig } from './synthetic-platform';

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

function dumpYaml(objects: any[]): number {
  let bytes = 0;
  for (const o of objects) bytes += yaml.dump(o, { noRefs: true, lineWidth: -1 }).length;
  return bytes;
}

function baselineApp(tenants: number, agents: number, objectsPerChart?: number, appPerTenant = false): string {
  let app = new App();
  let out = '';
  for (let t = 0; t < tenants; t++) {
    if (appPerTenant && t > 0) {
      out += app.synthYaml();
      app = new App();
    }
    const chart = new Chart(app, `tenant-${t}`, { namespace: `tenant-${t}` });
    if (objectsPerChart !== undefined) {
      for (let i = 0; i < objectsPerChart; i++) new kplus.ConfigMap(chart, `cm-${i}`, { data: { key: `value-${i}` } });
      continue;
    }
    for (let a = 0; a < agents; a++) {
      const d = new kplus.Deployment(chart, `agent-${a}`, { containers: [{ image: `ghcr.io/bench/agent-${a}:1.0.0`, portNumber: 8080 }] });
      d.exposeViaService({ ports: [{ port: 8080 }] });
    }
  }
  return out + app.synthYaml();
}

const [mode, arg] = process.argv.slice(2);

/** What `agent-runtime synth` does: config -> charts -> YAML files, on every core. */
async function ours(tenants: number): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const start = process.hrtime.bigint();
  const written = await synthesizeToDirectory(syntheticConfig(tenants), dir);
  const synthMs = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  fs.rmSync(dir, { recursive: true, force: true });
  // Baseline of the same run: only writing the same objects as YAML, on one thread.
  const objects = synthesizePlatform(syntheticConfig(tenants)).charts.flatMap((c) => c.objects);
  const yamlOnly = time(() => dumpYaml(objects));
  const count = written.reduce((n, c) => n + Object.values(c.kinds).reduce((a, b) => a + b, 0), 0);
  return { tenants, agents: tenants * 10, objects: count, synthMs, yamlOnlyMs: yamlOnly.ms, maxRssMiB, cores: os.cpus().length };
}

/** The prod platform against a plain cdk8s-plus chart with as many objects (best of 5). */
function prod(): Record<string, unknown> {
  const config = loadStackConfig('prod', path.resolve(__dirname, '..'));
  let synthMs = Infinity;
  let plainCdk8sPlusMs = Infinity;
  let objects = 0;
  for (let i = 0; i < 5; i++) {
    const r = time(() => {
      const objs = synthesizePlatform(config).charts.flatMap((c) => c.objects);
      dumpYaml(objs);
      return objs.length;
    });
    objects = r.value;
    synthMs = Math.min(synthMs, r.ms);
    plainCdk8sPlusMs = Math.min(plainCdk8sPlusMs, time(() => baselineApp(1, 0, objects)).ms);
  }
  return { objects, synthMs, plainCdk8sPlusMs, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

async function main(): Promise<Record<string, unknown>> {
  if (mode === 'ours') return ours(Number(arg));
  if (mode === 'prod') return prod();
  if (mode === 'baseline' || mode === 'baseline-per-app') {
    const tenants = Number(arg);
    const run = time(() => baselineApp(tenants, 10, undefined, mode === 'baseline-per-app'));
    return { tenants, agents: tenants * 10, objects: tenants * 20, synthMs: run.ms, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
  }
  throw new Error(`unknown mode ${mode}; use ours <tenants> | baseline <tenants> | baseline-per-app <tenants> | prod`);
}

main().then((result) => console.log(JSON.stringify(result)), (e) => {
  console.error(e);
  process.exitCode = 1;
});
