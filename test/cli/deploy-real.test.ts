/**
 * `agent-runtime deploy`'s runner on the Automation API with the real Pulumi CLI the e2e lane builds
 * (`~/.cache/agent-runtime-e2e/bin/pulumi`, or AGENT_RUNTIME_CACHE) and a local file backend. The
 * programs register component resources only (no cluster needed); what is real is everything deploy
 * does with Pulumi: stacks created in the backend, hashes recorded as secret outputs and read back,
 * only changed stacks run again, and a removed tenant's stack destroyed and removed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { AutomationEngine } from '../../stacks/deploy/automation-engine';
import { runDeploy, type DeployPlan } from '../../stacks/deploy/deploy-runner';
import { INPUTS_HASH_OUTPUT } from '../../stacks/deploy/stack-engine';

const CACHE = process.env.AGENT_RUNTIME_CACHE ?? path.join(os.homedir(), '.cache', 'agent-runtime-e2e');
const CLI = path.join(CACHE, 'bin', 'pulumi');
const HAVE_CLI = fs.existsSync(CLI);
if (!HAVE_CLI) console.warn(`deploy-real: skipped, no Pulumi CLI at ${CLI} (the e2e lane's scripts/e2e/install-tools.sh builds it)`);
const real = HAVE_CLI ? describe : describe.skip;

jest.setTimeout(600_000);
// A stack failing inside the engine is not tried here: Pulumi's runtime then leaves its in-flight RPCs'
// rejections unhandled, which jest counts against whatever test is running (the deploy command logs
// them: stacks/deploy/engine-disconnects.ts). Failure isolation is tested on the runner
// (test/stacks/deploy-runner.test.ts).

real('deploy with the real Pulumi CLI and a file backend', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-real-'));
  const root = path.join(dir, 'root');
  const env = {
    PULUMI_HOME: path.join(dir, 'home'), PULUMI_BACKEND_URL: `file://${path.join(dir, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: 'deploy-real-test', PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
  };
  let engine: AutomationEngine;
  /** Platform and tenants whose programs register a component and record their hash */
  const plan = (tenants: Record<string, string>): DeployPlan => ({
    env: 't',
    platform: { stack: 't.platform', hash: 'p1', program: () => thing('platform', 'p1', { nacosCredentials: pulumi.secret('from-platform') }) },
    tenants: Object.entries(tenants).map(([tenant, hash]) => ({
      tenant, stack: `t.tenant-${tenant}`, hash,
      program: (platform: Record<string, unknown>) => () => thing(tenant, hash, { platformSeen: platform.nacosCredentials }),
    })),
  });

  // Every test starts from an empty backend.
  beforeEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const d of [root, path.join(dir, 'state'), path.join(dir, 'home')]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(root, 'Pulumi.yaml'), 'name: agent-runtime\nruntime: nodejs\n');
    // The environment stack, as `pulumi stack init` makes it: its config file carries the passphrase salt.
    execFileSync(CLI, ['stack', 'init', 't', '--non-interactive', '--cwd', root], { env: { ...process.env, ...env } });
    engine = new AutomationEngine({ root, env: 't', pulumiRoot: CACHE, envVars: env });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('every stack is created with its hash; the next run updates only the changed tenant; --prune destroys only the removed tenant', async () => {
    const first = await runDeploy(plan({ a: 'a1', b: 'b1', c: 'c1' }), engine, { preview: false, refresh: false, prune: false, parallel: 2 });
    expect(first.map((o) => `${o.stack} ${o.action}${o.error ? ` ${o.error}` : ''}`).sort()).toEqual(['t.platform up', 't.tenant-a up', 't.tenant-b up', 't.tenant-c up']);
    const outputs = await engine.outputs('t.tenant-a');
    expect(outputs).toEqual({ [INPUTS_HASH_OUTPUT]: 'a1', platformSeen: 'from-platform' });
    // The hash is a secret in the state: its text is nowhere in the checkpoint.
    const state = execFileSync(CLI, ['stack', 'export', '--stack', 't.tenant-a', '--cwd', root], { env: { ...process.env, ...env } }).toString();
    expect(state).not.toContain('"a1"');

    const second = await runDeploy(plan({ a: 'a1', b: 'b1', c: 'c2' }), engine, { preview: false, refresh: false, prune: false, parallel: 2 });
    expect(second.filter((o) => o.action === 'up').map((o) => o.stack).sort()).toEqual(['t.tenant-c']);
    expect(second.find((o) => o.stack === 't.platform')!.action).toBe('unchanged');

    const kept = await runDeploy(plan({ a: 'a1', c: 'c2' }), engine, { preview: false, refresh: false, prune: false, parallel: 2 });
    expect(kept.map((o) => `${o.stack} ${o.action}`).sort()).toEqual(['t.platform unchanged', 't.tenant-a unchanged', 't.tenant-b kept', 't.tenant-c unchanged']);
    const pruned = await runDeploy(plan({ a: 'a1', c: 'c2' }), engine, { preview: false, refresh: false, prune: true, parallel: 2 });
    expect(pruned.find((o) => o.stack === 't.tenant-b')).toMatchObject({ action: 'destroy', changes: { delete: 2 } });
    const left = (await engine.listStacks()).sort((x, y) => x.name.localeCompare(y.name));
    expect(left.map((s) => s.name)).toEqual(['t', 't.platform', 't.tenant-a', 't.tenant-c']);
    // The environment stack only holds the configuration: deploy's two-writer check reads this count.
    expect(left[0].resourceCount).toBe(0);
  });
});

/** As the real programs: the hash is output once every resource has its id, so a failed update records none. */
function thing(name: string, hash: string, extra: Record<string, unknown>, resources: pulumi.CustomResource[] = []): Record<string, unknown> {
  new pulumi.ComponentResource('agentruntime:test:Thing', name, {});
  return { [INPUTS_HASH_OUTPUT]: pulumi.secret(pulumi.all(resources.map((r) => r.id)).apply(() => hash)), ...extra };
}
