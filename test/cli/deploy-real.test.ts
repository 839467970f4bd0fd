/**
 * `agent-runtime deploy`'s runner on the Automation API with the real Pulumi CLI the e2e lane builds
 * (`~/.cache/agent-runtime-e2e/bin/pulumi`, or AGENT_RUNTIME_CACHE) and a local file backend. The
 * programs register component resources only (no cluster needed); what is real is everything deploy
 * does with Pulumi: stacks created in the backend, hashes recorded as secret outputs and read back,
 * a failing stack reported while the others deploy, and a removed tenant's stack destroyed and removed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { AutomationEngine } from '../../stacks/deploy/automation-engine';
import { engineDisconnectListener } from '../../stacks/deploy/engine-disconnects';
import { runDeploy, type DeployPlan } from '../../stacks/deploy/deploy-runner';
import { INPUTS_HASH_OUTPUT } from '../../stacks/deploy/stack-engine';

const CACHE = process.env.AGENT_RUNTIME_CACHE ?? path.join(os.homedir(), '.cache', 'agent-runtime-e2e');
const CLI = path.join(CACHE, 'bin', 'pulumi');
const HAVE_CLI = fs.existsSync(CLI);
if (!HAVE_CLI) console.warn(`deploy-real: skipped, no Pulumi CLI at ${CLI} (the e2e lane's scripts/e2e/install-tools.sh builds it)`);
const real = HAVE_CLI ? describe : describe.skip;

jest.setTimeout(600_000);
// A failed stack's engine closes its connection while its program still registers outputs, and
// Pulumi's runtime leaves that call's rejection unhandled (stacks/deploy/engine-disconnects.ts). The
// deploy command logs those with `engineDisconnectListener`; this test listens the same way, in place
// of jest's own listener (which would count them against the test), and restores jest's afterwards.
const disconnects: string[] = [];
let jestListeners: NodeJS.UnhandledRejectionListener[] = [];
beforeEach(() => {
  jestListeners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', engineDisconnectListener((line) => disconnects.push(line)));
});
afterEach(() => {
  process.removeAllListeners('unhandledRejection');
  for (const l of jestListeners) process.on('unhandledRejection', l);
});

real('deploy with the real Pulumi CLI and a file backend', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-real-'));
  const root = path.join(dir, 'root');
  const env = {
    PULUMI_HOME: path.join(dir, 'home'), PULUMI_BACKEND_URL: `file://${path.join(dir, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: 'deploy-real-test', PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
  };
  let engine: AutomationEngine;
  const failing = new Set<string>();
  /** Platform and tenants whose programs register a component and record their hash; a failing tenant's resource fails. */
  const plan = (tenants: Record<string, string>): DeployPlan => ({
    env: 't',
    platform: { stack: 't.platform', hash: 'p1', program: () => thing('platform', 'p1', { nacosCredentials: pulumi.secret('from-platform') }) },
    tenants: Object.entries(tenants).map(([tenant, hash]) => ({
      tenant, stack: `t.tenant-${tenant}`, hash,
      program: (platform: Record<string, unknown>) => () => {
        // Fails in the engine, as a provider's error would: no plugin serves this package.
        const broken = failing.has(tenant) ? [new Unserved(`${tenant}-broken`)] : [];
        return thing(tenant, hash, { platformSeen: platform.nacosCredentials }, broken);
      },
    })),
  });

  // Every test starts from an empty backend.
  beforeEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    failing.clear();
    for (const d of [root, path.join(dir, 'state'), path.join(dir, 'home')]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(root, 'Pulumi.yaml'), 'name: agent-runtime\nruntime: nodejs\n');
    // The environment stack, as `pulumi stack init` makes it: its config file carries the passphrase salt.
    execFileSync(CLI, ['stack', 'init', 't', '--non-interactive', '--cwd', root], { env: { ...process.env, ...env } });
    engine = new AutomationEngine({ root, env: 't', pulumiRoot: CACHE, envVars: env });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a failed tenant stack leaves the others deployed and is reported; the next run retries only it; --prune destroys only the removed tenant', async () => {
    failing.add('b');
    const first = await runDeploy(plan({ a: 'a1', b: 'b1', c: 'c1' }), engine, { preview: false, refresh: false, prune: false, parallel: 2 });
    expect(first.filter((o) => o.error).map((o) => o.stack)).toEqual(['t.tenant-b']);
    expect(first.find((o) => o.stack === 't.tenant-b')!.error).toContain('nosuchprovider');
    expect(first.filter((o) => !o.error).map((o) => `${o.stack} ${o.action}`).sort()).toEqual(['t.platform up', 't.tenant-a up', 't.tenant-c up']);
    const outputs = await engine.outputs('t.tenant-a');
    expect(outputs).toEqual({ [INPUTS_HASH_OUTPUT]: 'a1', platformSeen: 'from-platform' });
    // The hash is a secret in the state: its text is nowhere in the checkpoint.
    const state = execFileSync(CLI, ['stack', 'export', '--stack', 't.tenant-a', '--cwd', root], { env: { ...process.env, ...env } }).toString();
    expect(state).not.toContain('"a1"');

    failing.clear();
    const second = await runDeploy(plan({ a: 'a1', b: 'b1', c: 'c2' }), engine, { preview: false, refresh: false, prune: false, parallel: 2 });
    expect(second.filter((o) => o.action === 'up').map((o) => o.stack).sort()).toEqual(['t.tenant-b', 't.tenant-c']);
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

/** A resource of a package no provider plugin serves. */
class Unserved extends pulumi.CustomResource {
  public constructor(name: string) {
    super('nosuchprovider:index:Thing', name, {});
  }
}

/** As the real programs: the hash is output once every resource has its id, so a failed update records none. */
function thing(name: string, hash: string, extra: Record<string, unknown>, resources: pulumi.CustomResource[] = []): Record<string, unknown> {
  new pulumi.ComponentResource('agentruntime:test:Thing', name, {});
  return { [INPUTS_HASH_OUTPUT]: pulumi.secret(pulumi.all(resources.map((r) => r.id)).apply(() => hash)), ...extra };
}
