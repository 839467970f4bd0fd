/**
 * The engine's share of a deploy, with the real Pulumi CLI of the e2e cache and a file backend, on
 * stand-in programs (no cluster): each tenant is 81 component resources (a tenant of 5 agents has
 * 81 Pulumi resources), the platform 53. Compared: one stack holding everything (`pulumi up` of the
 * root project) and `agent-runtime deploy`'s runner (a stack per tenant, --parallel 2), for create
 * from empty, a no-op, and a one-tenant change (preview and up). Component resources have no
 * provider, so these figures are the engine, checkpoint and CLI costs alone, not Kubernetes'.
 *   node bin/run-ts.js bench/deploy-engine.ts [N...]      (default 1 5 20) -> JSON on stdout
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { AutomationEngine } from '../stacks/deploy/automation-engine';
import { runDeploy, type DeployPlan } from '../stacks/deploy/deploy-runner';
import { INPUTS_HASH_OUTPUT } from '../stacks/deploy/stack-engine';

const CACHE = process.env.AGENT_RUNTIME_CACHE ?? path.join(os.homedir(), '.cache', 'agent-runtime-e2e');
const PER_TENANT = 81;
const PLATFORM = 53;

function resources(prefix: string, n: number, version: string): void {
  for (let i = 0; i < n; i++) {
    const r = new pulumi.ComponentResource('agentruntime:bench:Object', `${prefix}-${i}`, {});
    // About the state of a small Kubernetes object, so checkpoints have a realistic size.
    (r as any).registerOutputs({ spec: `${version}:${'x'.repeat(1000)}` });
  }
}

function plan(n: number, changed: number | undefined, version = 'v1'): DeployPlan {
  return {
    env: 'b',
    platform: { stack: 'b.platform', hash: 'p', program: () => { resources('platform', PLATFORM, version); return { [INPUTS_HASH_OUTPUT]: 'p' }; } },
    tenants: Array.from({ length: n }, (_, t) => {
      const hash = t === changed ? `${version}-changed` : version;
      return { tenant: `t${t}`, stack: `b.tenant-t${t}`, hash, program: () => () => { resources(`t${t}`, PER_TENANT, hash); return { [INPUTS_HASH_OUTPUT]: hash }; } };
    }),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; load1m: number }> {
  const load1m = Math.round(os.loadavg()[0] * 100) / 100;
  const t0 = process.hrtime.bigint();
  await fn();
  return { seconds: Math.round(Number(process.hrtime.bigint() - t0) / 1e7) / 100, load1m };
}

async function benchN(n: number): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-bench-'));
  for (const d of ['root', 'state', 'home']) fs.mkdirSync(path.join(dir, d));
  const root = path.join(dir, 'root');
  const envVars = {
    PULUMI_HOME: path.join(dir, 'home'), PULUMI_BACKEND_URL: `file://${path.join(dir, 'state')}`, PULUMI_CONFIG_PASSPHRASE: 'bench',
    PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
  };
  fs.writeFileSync(path.join(root, 'Pulumi.yaml'), 'name: agent-runtime\nruntime: nodejs\n');
  execFileSync(path.join(CACHE, 'bin', 'pulumi'), ['stack', 'init', 'b', '--non-interactive', '--cwd', root], { env: { ...process.env, ...envVars } });
  const engine = new AutomationEngine({ root, env: 'b', pulumiRoot: CACHE, envVars });
  const opts = { preview: false, refresh: false, prune: false, parallel: 2 };
  const single = (version: string, preview = false) => engine.update('b.single', () => {
    resources('platform', PLATFORM, 'v1');
    for (let t = 0; t < n; t++) resources(`t${t}`, PER_TENANT, t === 0 ? version : 'v1');
    return {};
  }, { preview, refresh: false });
  try {
    const result: Record<string, unknown> = { tenants: n, resources: PLATFORM + PER_TENANT * n };
    result.deployCreate = await timed(() => runDeploy(plan(n, undefined), engine, opts));
    result.deployNoop = await timed(() => runDeploy(plan(n, undefined), engine, opts));
    result.deployOneTenantPreview = await timed(() => runDeploy(plan(n, 0), engine, { ...opts, preview: true }));
    result.deployOneTenantUp = await timed(() => runDeploy(plan(n, 0), engine, opts));
    if (n <= 5) {
      result.singleCreate = await timed(() => single('v1'));
      result.singleNoop = await timed(() => single('v1'));
      result.singleOneTenantPreview = await timed(() => single('v2', true));
      result.singleOneTenantUp = await timed(() => single('v2'));
    }
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  const ns = process.argv.slice(2).map(Number);
  const results = [];
  for (const n of ns.length ? ns : [1, 5, 20]) {
    results.push(await benchN(n));
    console.error(JSON.stringify(results[results.length - 1]));
  }
  console.log(JSON.stringify({ machine: `${os.cpus().length} cores, shared`, results }, null, 2));
})().catch((e) => { console.error(e); process.exit(1); });
