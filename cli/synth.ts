import * as path from 'path';
import { parseArgs } from './args';

/**
 * `agent-runtime synth --stack <env> [--out dist/<env>] [--review]`: reads `Pulumi.<env>.yaml`,
 * writes one YAML file per chart and prints a summary. Bad configuration exits 1 before
 * anything is written.
 */
export async function synthCommand(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, { values: ['stack', 'out', 'root'], booleans: ['review'] });
  if (positional.length) throw new Error(`synth takes no positional arguments (got ${positional.join(' ')}); use --stack <env>`);
  const env = flags.stack as string | undefined;
  if (!env) throw new Error('synth needs --stack <env>, e.g. --stack dev');
  const root = path.resolve((flags.root as string | undefined) ?? process.cwd());
  const out = path.resolve(root, (flags.out as string | undefined) ?? path.join('dist', env));

  const { loadStackConfig } = await import('../stacks/config');
  const { synthesizePlatform } = await import('../stacks/charts');
  const { writeCharts, summarize } = await import('../stacks/chart-writer');
  let synthesized;
  try {
    synthesized = synthesizePlatform(loadStackConfig(env, root));
  } catch (e) {
    console.error(`agent-runtime synth: invalid configuration for stack "${env}" (Pulumi.${env}.yaml):\n  ${(e as Error).message.replace(/\n/g, '\n  ')}`);
    return 1;
  }
  writeCharts(out, synthesized);
  console.log(`synthesized stack "${env}" into ${path.relative(process.cwd(), out) || '.'}: ${summarize(synthesized)}`);
  if (flags.review) {
    const { reviewObjects } = await import('./review');
    const result = reviewObjects(synthesized.charts.flatMap((c) => c.objects), env as any);
    console.log(result.text);
    return result.exitCode;
  }
  return 0;
}
