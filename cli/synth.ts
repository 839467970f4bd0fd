import * as path from 'path';
import { parseArgs } from './args';

export const USAGE = `usage: agent-runtime synth --stack <name> [--out dist/<name>] [--root <dir>] [--review]
                          [--gitops argocd --gitops-repo <git url> [--gitops-revision HEAD] [--gitops-path <out, from --root>]]
  Reads Pulumi.<name>.yaml (any stack name), writes one YAML file per chart into --out.
  --review  then reviews what it wrote with the stack's agent-runtime:policyProfile
            (default: the stack name when it is dev, staging or prod, else prod)
  --gitops argocd  also writes <out>/argocd/applicationset.yaml: an Argo CD ApplicationSet with one
            Application per chart file (platform-base, platform, then tenants, by sync waves)`;

/**
 * `agent-runtime synth --stack <env> [--out dist/<env>] [--review]`: reads `Pulumi.<env>.yaml`,
 * writes one YAML file per chart and prints a summary; `--review` then reviews what it wrote.
 * Any configuration error exits 1 with the output folder as it was (synth stages its files and moves
 * them in only when all succeeded); files it did not write are never removed.
 */
export async function synthCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, { values: ['stack', 'out', 'root', 'gitops', 'gitops-repo', 'gitops-revision', 'gitops-path'], booleans: ['review'] });
  if (positional.length) throw new Error(`synth takes no positional arguments (got ${positional.join(' ')}); use --stack <env>`);
  const env = flags.stack as string | undefined;
  if (!env) throw new Error('synth needs --stack <env>, e.g. --stack dev');
  const root = path.resolve((flags.root as string | undefined) ?? process.cwd());
  const out = path.resolve(root, (flags.out as string | undefined) ?? path.join('dist', env));
  const gitops = gitopsOptions(flags, root, out);

  const { loadStackConfig } = await import('../stacks/config');
  const { synthesizeToDirectory } = await import('../stacks/synth-to-directory');
  const { summarize } = await import('../stacks/chart-writer');
  let config;
  try {
    config = loadStackConfig(env, root);
  } catch (e) {
    console.error(`agent-runtime synth: invalid configuration for stack "${env}" (Pulumi.${env}.yaml):\n  ${(e as Error).message.replace(/\n/g, '\n  ')}`);
    return 1;
  }
  let written;
  try {
    // It builds the platform (errors are the configuration's) while its worker threads start.
    const { writeApplicationSet } = await import('../stacks/gitops-argocd');
    written = await synthesizeToDirectory(config, out, {
      alsoWrite: gitops && ((staged, charts) => writeApplicationSet(staged, env, charts.map((c) => c.name), gitops)),
    });
  } catch (e) {
    // Errors with an errno are the disk's (exit 2); everything else is the configuration's, found while synthesizing.
    const io = typeof (e as NodeJS.ErrnoException).code === 'string';
    console.error(`agent-runtime synth: ${io ? 'cannot write' : `invalid configuration for stack "${env}" (Pulumi.${env}.yaml)`}; ${path.relative(process.cwd(), out) || '.'} is unchanged:\n  ${(e as Error).message.replace(/\n/g, '\n  ')}`);
    return io ? 2 : 1;
  }
  console.log(`synthesized stack "${env}" into ${path.relative(process.cwd(), out) || '.'}: ${summarize(written)}`);
  const { loadManifests } = await import('../policies/load-manifests');
  const { previousOutput } = await import('../stacks/chart-writer');
  {
    // Which Secrets the agents read that the stack still lacks (names only; synth never sees a value).
    const { describeTenantSecrets, tenantSecretKeysOfStackFile } = await import('../stacks/tenant-secrets');
    const yaml = await import('js-yaml');
    const fs = await import('fs');
    const tenantFiles = previousOutput(out).filter((f) => /^tenant-.*\.yaml$/.test(path.basename(f))).map((f) => path.join(out, f));
    const stackFile = yaml.load(fs.readFileSync(path.join(root, `Pulumi.${env}.yaml`), 'utf8')) as Record<string, unknown>;
    console.log(describeTenantSecrets(loadManifests(tenantFiles).objects, tenantSecretKeysOfStackFile(stackFile)));
  }
  if (flags.review) {
    const { reviewObjects } = await import('./review');
    // Only what synth wrote: user files next to it are not part of the platform.
    const files = previousOutput(out).filter((f) => f.endsWith('.yaml') && !f.startsWith('values') && !f.startsWith('argocd')).map((f) => path.join(out, f));
    // The stack config names the tenants and their groups: the review knows them from the platform, not from labels.
    const { resolveConfig } = await import('../policies/config');
    const tenants = Object.fromEntries(config.tenants.map((t) => [t.name, [...(t.groups ?? [`${t.name}-developers`])]]));
    const policy = resolveConfig(config.policyProfile, { all: { tenants } });
    const result = reviewObjects(loadManifests(files).objects, config.policyProfile, 'text', policy);
    console.log(result.text);
    return result.exitCode;
  }
  return 0;
}

/** The Argo CD source of `--gitops argocd`, checked before anything is written. */
function gitopsOptions(flags: Record<string, string | boolean>, root: string, out: string) {
  const kind = flags.gitops as string | undefined;
  if (kind === undefined) {
    const stray = ['gitops-repo', 'gitops-revision', 'gitops-path'].find((f) => flags[f] !== undefined);
    if (stray) throw new Error(`--${stray} needs --gitops argocd`);
    return undefined;
  }
  if (kind !== 'argocd') throw new Error(`--gitops: "${kind}" is not supported; use --gitops argocd (see docs/deploy.md for why not Flux)`);
  const repoURL = flags['gitops-repo'] as string | undefined;
  if (!repoURL) throw new Error('--gitops argocd needs --gitops-repo <the git URL Argo CD reads the synthesized files from>, e.g. https://git.example.com/platform/agents.git');
  const relative = (flags['gitops-path'] as string | undefined) ?? path.relative(root, out).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`--gitops-path: "${relative}" is not inside the repository; give the output folder relative to the repository root, e.g. dist/dev`);
  return { repoURL, targetRevision: (flags['gitops-revision'] as string | undefined) ?? 'HEAD', path: relative || '.', argocdNamespace: 'argocd', project: 'default' };
}
