/**
 * The program's share of a deploy, under Pulumi's mocks (no engine): the single-stack program
 * (`stacks/program.ts`, everything in one stack) against one tenant stack's program of
 * `agent-runtime deploy`, for N tenants of 5 agents. Each figure is measured in a child process of
 * its own (the mocks are process-wide), with the machine's load average beside it.
 *   node bin/run-ts.js bench/deploy-program.ts            # N = 1, 5, 20 -> printed JSON
 *   node bin/run-ts.js bench/deploy-program.ts one single 20
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { stackValues } from './synthetic-platform';

const SECRETS: Record<string, string> = {
  nacosAuthToken: 'dGhpcy1pcy1hLWJlbmNoLXRva2VuLW9mLTMyLWJ5dGVzLWxlbg==', nacosIdentityKey: 'k', nacosIdentityValue: 'v', nacosAdminPassword: 'p',
};

/** `agent-runtime:*` config of N tenants x 5 agents (the bench's synthetic tenants on the dev config). */
function config(tenants: number): Record<string, string> {
  const values = stackValues('dev');
  values.registration = { endpoint: 'http://127.0.0.1:8848' };
  values.tenants = Array.from({ length: tenants }, (_, t) => ({
    name: `t${t}`,
    agents: Array.from({ length: 5 }, (_, a) => ({
      name: `agent-${a}`, version: '1.0.0', byo: { image: `ghcr.io/bench/agent-${a}:1.0.0` },
      scaling: { minReplicas: 1, maxReplicas: 2 }, resources: { cpu: '100m', memory: '128Mi' },
      skills: [{ id: 'work', name: 'Work', description: 'Does the work', tags: ['bench'] }],
    })),
  }));
  return Object.fromEntries(Object.entries({ ...values, ...SECRETS }).map(([k, v]) => [`agent-runtime:${k}`, typeof v === 'string' ? v : JSON.stringify(v)]));
}

async function one(mode: 'single' | 'tenant', tenants: number): Promise<Record<string, number>> {
  const pulumi = require('@pulumi/pulumi');
  let registrations = 0;
  await pulumi.runtime.setMocks({
    newResource: (args: any) => { registrations++; return { id: `${args.name}-id`, state: args.inputs }; },
    call: (args: any) => args.inputs,
  }, 'agent-runtime', 'bench', false);
  const entries = config(tenants);
  // Loaded (and compiled) before the clock starts: the figures are the program's, not the module loader's.
  const { runStack } = require('../stacks/program');
  const { planDeploy } = require('../stacks/deploy/deploy-plan');
  const load = os.loadavg()[0];
  const t0 = process.hrtime.bigint();
  let planMs = 0;
  let outputs: unknown;
  if (mode === 'single') {
    pulumi.runtime.setAllConfig(entries, Object.keys(SECRETS).map((k) => `agent-runtime:${k}`));
    outputs = runStack();
  } else {
    const plan = planDeploy('bench', Object.fromEntries(Object.entries(entries).map(([k, value]) => [k, { value }])));
    planMs = Number(process.hrtime.bigint() - t0) / 1e6;
    outputs = plan.tenants[0].program({ nacosCredentials: { username: 'nacos', password: 'p' } })();
  }
  await new Promise((resolve) => pulumi.output(outputs).apply(resolve));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { tenants, programMs: Math.round(ms - planMs), planMs: Math.round(planMs), registrations, load1m: Math.round(load * 100) / 100 };
}

if (process.argv[2] === 'one') {
  one(process.argv[3] as 'single' | 'tenant', Number(process.argv[4])).then((r) => { console.log(JSON.stringify(r)); process.exit(0); });
} else {
  const results: Record<string, unknown>[] = [];
  for (const n of [1, 5, 20]) {
    for (const mode of ['single', 'tenant']) {
      const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'bin', 'run-ts.js'), __filename, 'one', mode, String(n)], { encoding: 'utf8' });
      results.push({ mode, ...JSON.parse(out.trim().split('\n').pop()!) });
      console.error(JSON.stringify(results[results.length - 1]));
    }
  }
  console.log(JSON.stringify(results, null, 2));
}
