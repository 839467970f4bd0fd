/**
 * `agent-runtime register <dir> --nacos <url> [--namespace <id>] [--prune] [--concurrency <n>]`:
 * registers the AgentCards of synthesized manifests in Nacos, for GitOps users.
 * Credentials come from `NACOS_USERNAME` and `NACOS_PASSWORD`.
 */
import { parseArgs } from './args';

export const USAGE = 'usage: agent-runtime register <dir> --nacos <url> [--namespace <id>] [--prune] [--concurrency <n>]   (env NACOS_USERNAME, NACOS_PASSWORD)';

/** Registers the cards; exit 0 when everything applied, 1 when a card failed, 2 on bad usage or input. */
export async function registerCommand(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, { values: ['nacos', 'namespace', 'concurrency'], booleans: ['prune'] });
  if (positional.length !== 1 || typeof flags.nacos !== 'string') {
    console.error(`agent-runtime register: needs one manifest directory and --nacos <url>\n${USAGE}`);
    return 2;
  }
  const username = process.env.NACOS_USERNAME;
  const password = process.env.NACOS_PASSWORD;
  if (!username || !password) {
    const missing = [!username && 'NACOS_USERNAME', !password && 'NACOS_PASSWORD'].filter(Boolean).join(' and ');
    console.error(`agent-runtime register: ${missing} not set; export the Nacos login, e.g. NACOS_USERNAME=nacos NACOS_PASSWORD=<from your secret store>`);
    return 2;
  }
  const concurrency = flags.concurrency === undefined ? 16 : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    console.error(`agent-runtime register: --concurrency ${JSON.stringify(flags.concurrency)} must be a whole number from 1 to 256, e.g. 16`);
    return 2;
  }
  const { readManifestCards } = await import('../runtime/manifest-cards');
  const { NacosClient } = await import('../runtime/nacos-client');
  const { registerCards, reportChanged } = await import('../runtime/register');

  const cards = readManifestCards(positional[0]);
  const client = new NacosClient({ endpoint: flags.nacos, username, password, log: (line) => console.error(`  ${line}`) });
  const report = await registerCards(client, cards, {
    concurrency,
    prune: flags.prune === true,
    namespace: typeof flags.namespace === 'string' ? flags.namespace : undefined,
    log: (line) => console.log(line),
  });
  const counts = `${report.created.length} created, ${report.addedVersions.length} new versions, ${report.promoted.length} promoted, ` +
    `${report.unchanged.length} unchanged, ${report.pruned.length} pruned, ${report.failed.length} failed`;
  if (report.failed.length) {
    console.error(`register: ${counts}`);
    return 1;
  }
  console.log(reportChanged(report) ? `register: ${counts}` : `register: no changes (${cards.length} cards already registered)`);
  return 0;
}
