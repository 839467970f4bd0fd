import * as os from 'os';
import * as path from 'path';
import { parseArgs } from './args';

export const USAGE = `usage: agent-runtime deploy --stack <env> [--preview] [--tenant <name>] [--parallel N] [--refresh] [--prune] [--root <dir>]
  Deploys Pulumi.<env>.yaml as one stack for the platform (<env>.platform) and one per tenant
  (<env>.tenant-<name>), with Pulumi's Automation API on the backend of \`pulumi login\`. The <env> stack
  holds the configuration (\`pulumi config set\`, secrets included) and is not deployed itself.
  Only stacks whose inputs changed run (a hash of the tenant's objects and settings, kept as a secret
  stack output); the platform first, then tenants, N at a time.
  --preview       preview instead of update
  --tenant NAME   only this tenant (the platform too, when its inputs changed)
  --parallel N    stacks at a time (default: the number of cores, at least 2)
  --refresh       refresh every stack first (and so run all of them)
  --prune         destroy the stacks of tenants no longer in the configuration (kept otherwise)
  Exit code: 0 all succeeded, 1 bad configuration or a stack failed (the others are deployed).`;

/**
 * `agent-runtime deploy --stack <env>`: validates and synthesizes the whole environment first (bad
 * configuration exits 1 before any stack is touched), then runs the changed stacks, a line per stack
 * and a summary table at the end.
 */
export async function deployCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, { values: ['stack', 'tenant', 'parallel', 'root'], booleans: ['preview', 'refresh', 'prune'] });
  if (positional.length) throw new Error(`deploy takes no positional arguments (got ${positional.join(' ')}); use --stack <env>`);
  const env = flags.stack as string | undefined;
  if (!env) throw new Error('deploy needs --stack <env>, e.g. --stack dev');
  const parallel = flags.parallel === undefined ? Math.max(2, os.cpus().length) : Number(flags.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`--parallel: "${flags.parallel}" is not a whole number >= 1; e.g. --parallel 4`);
  const root = path.resolve((flags.root as string | undefined) ?? process.cwd());

  const { loadStackConfig } = await import('../stacks/config');
  try {
    // The file first: its errors need no backend.
    loadStackConfig(env, root);
  } catch (e) {
    console.error(`agent-runtime deploy: invalid configuration for stack "${env}" (Pulumi.${env}.yaml); no stack was touched:\n  ${(e as Error).message.replace(/\n/g, '\n  ')}`);
    return 1;
  }
  const { AutomationEngine } = await import('../stacks/deploy/automation-engine');
  const { planDeploy } = await import('../stacks/deploy/deploy-plan');
  const { formatSummary, runDeploy } = await import('../stacks/deploy/deploy-runner');
  const { engineDisconnectListener } = await import('../stacks/deploy/engine-disconnects');
  const engine = new AutomationEngine({ root, env });
  let plan;
  try {
    plan = planDeploy(env, await engine.envConfig());
  } catch (e) {
    console.error(`agent-runtime deploy: invalid configuration for stack "${env}" (Pulumi.${env}.yaml and its secrets); no stack was touched:\n  ${(e as Error).message.replace(/\n/g, '\n  ')}`);
    return 1;
  }
  let outcomes;
  try {
    process.on('unhandledRejection', engineDisconnectListener((line) => console.error(line)));
    outcomes = await runDeploy(plan, engine, {
      preview: flags.preview === true, refresh: flags.refresh === true, prune: flags.prune === true,
      tenant: flags.tenant as string | undefined, parallel,
    }, (line) => console.log(line));
  } catch (e) {
    // Refusals before any stack ran (an unknown --tenant, an environment deployed with `pulumi up`).
    console.error(`agent-runtime deploy: ${(e as Error).message}; no stack was touched`);
    return 1;
  }
  console.log(`\n${formatSummary(outcomes)}`);
  const failed = outcomes.filter((o) => o.error);
  const notRun = outcomes.filter((o) => o.action === 'not-run');
  if (failed.length) {
    console.error(`agent-runtime deploy: ${failed.length} stack(s) failed: ${failed.map((o) => o.stack).join(', ')}${notRun.length ? `; ${notRun.length} not run after it` : '; the others succeeded'}; run deploy again to retry them`);
  }
  return failed.length ? 1 : 0;
}
