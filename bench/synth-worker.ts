/**
 * One synth measurement in a fresh process (so peak memory is its own):
 *   ours <tenants>      our synth of N tenants x 10 agents, then only the YAML writing of its objects
 *   baseline <tenants>  a naive cdk8s-plus app: one App, one chart per tenant, 10 Deployments + Services each
 *   baseline-per-app <tenants>  the same charts, each in an App of its own (linear)
 *   prod                the prod platform vs a plain cdk8s-plus chart with as many objects
 * Prints one JSON line.
 */
import * as kplus from 'cdk8s-plus-28';
import { App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import * as path from 'path';
import { synthesizePlatform } from '../stacks/charts';
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
let result: Record<string, unknown>;
if (mode === 'ours') {
  const tenants = Number(arg);
  const synth = time(() => {
    const synthesized = synthesizePlatform(syntheticConfig(tenants));
    const objects = synthesized.charts.flatMap((c) => c.objects);
    dumpYaml(objects);
    return objects;
  });
  const yamlOnly = time(() => dumpYaml(synth.value));
  result = { tenants, agents: tenants * 10, objects: synth.value.length, synthMs: synth.ms, yamlOnlyMs: yamlOnly.ms };
} else if (mode === 'baseline') {
  const tenants = Number(arg);
  const run = time(() => baselineApp(tenants, 10));
  result = { tenants, agents: tenants * 10, objects: tenants * 20, synthMs: run.ms };
} else if (mode === 'baseline-per-app') {
  const tenants = Number(arg);
  const run = time(() => baselineApp(tenants, 10, undefined, true));
  result = { tenants, agents: tenants * 10, objects: tenants * 20, synthMs: run.ms };
} else if (mode === 'prod') {
  const config = loadStackConfig('prod', path.resolve(__dirname, '..'));
  const runs = 5;
  let ours = Infinity;
  let baseline = Infinity;
  let objects = 0;
  for (let i = 0; i < runs; i++) {
    const r = time(() => {
      const objs = synthesizePlatform(config).charts.flatMap((c) => c.objects);
      dumpYaml(objs);
      return objs.length;
    });
    objects = r.value;
    ours = Math.min(ours, r.ms);
    baseline = Math.min(baseline, time(() => baselineApp(1, 0, objects)).ms);
  }
  result = { objects, synthMs: ours, plainCdk8sPlusMs: baseline };
} else {
  throw new Error(`unknown mode ${mode}; use ours <tenants> | baseline <tenants> | prod`);
}
result.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify(result));
