/**
 * `agent-runtime register <dir> --nacos <url> [--namespace <id>] [--prune] [--dry-run]
 * [--no-create-namespaces] [--concurrency <n>]`: registers the AgentCards of synthesized manifests
 * in Nacos, for GitOps users. Credentials come from `NACOS_USERNAME` and `NACOS_PASSWORD`.
 */
import { parseArgs } from './args';

export const USAGE =
  'usage: agent-runtime register <dir> --nacos <url> [--namespace <id>] [--prune] [--dry-run] [--no-create-namespaces] [--concurrency <n>]   (env NACOS_USERNAME, NACOS_PASSWORD)';

/**
 * Registers the cards; exit 0 when everything applied (or, with `--dry-run`, the plan was
 * printed), 1 when a card failed, 2 on bad usage or input, wrong credentials included.
 */
export async function registerCommand(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, { values: ['nacos', 'namespace', 'concurrency'], booleans: ['prune', 'dry-run', 'no-create-namespaces'] });
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
  const { NacosAuthError } = await import('../runtime/nacos-errors');
  const { MissingNamespaceError, registerCards, reportChanged } = await import('../runtime/register');

  const dryRun = flags['dry-run'] === true;
  const cards = readManifestCards(positional[0]);
  const client = new NacosClient({ endpoint: flags.nacos, username, password, log: (line) => console.error(`  ${line}`) });
  let report;
  try {
    // Wrong credentials fail here, once, before any card is read or written.
    await client.verifyLogin();
    report = await registerCards(client, cards, {
      concurrency,
      prune: flags.prune === true,
      dryRun,
      createNamespaces: flags['no-create-namespaces'] !== true,
      namespace: typeof flags.namespace === 'string' ? flags.namespace : undefined,
      log: (line) => console.log(dryRun ? `plan: ${line}` : line),
      progress: throttledProgress((line) => console.error(line)),
    });
  } catch (err) {
    if (err instanceof NacosAuthError) {
      const what = err.kind === 'login' ? 'refused the login' : 'refused the calls';
      console.error(
        `agent-runtime register: Nacos at ${client.baseUrl} ${what} of NACOS_USERNAME=${JSON.stringify(username)} (HTTP ${err.status}); ` +
          `check NACOS_USERNAME and NACOS_PASSWORD${err.kind === 'forbidden' ? ' (and that this user may write the namespaces)' : ''}. Nothing was registered or deleted.`,
      );
      return 2;
    }
    if (err instanceof MissingNamespaceError) {
      console.error(`agent-runtime register: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const counts =
    `${report.namespacesCreated.length} namespaces created, ${report.created.length} created, ${report.addedVersions.length} new versions, ` +
    `${report.promoted.length} promoted, ${report.unchanged.length} unchanged, ${report.pruned.length} pruned, ${report.failed.length} failed`;
  if (dryRun) {
    console.log(
      `register --dry-run (nothing written): would create ${report.namespacesCreated.length} namespaces, create ${report.created.length} agents, ` +
        `add ${report.addedVersions.length} versions, promote ${report.promoted.length}, prune ${report.pruned.length}; ` +
        `${report.unchanged.length} unchanged, ${report.failed.length} failed`,
    );
    return report.failed.length ? 1 : 0;
  }
  if (report.failed.length) {
    console.error(`register: ${counts}`);
    return 1;
  }
  console.log(reportChanged(report) ? `register: ${counts}` : `register: no changes (${cards.length} cards already registered)`);
  return 0;
}

/**
 * A progress reporter for long runs: one line (`register: 120/500 cards done`) at most every
 * `intervalMs`, none for runs shorter than that, and a last one at the end once any was printed.
 * @example registerCards(client, cards, { progress: throttledProgress((l) => console.error(l)) })
 */
export function throttledProgress(write: (line: string) => void, intervalMs = 2000, now: () => number = Date.now): (done: number, total: number) => void {
  let last = now();
  let printed = false;
  return (done, total) => {
    const t = now();
    if (t - last < intervalMs && !(printed && done === total)) return;
    last = t;
    printed = true;
    write(`register: ${done}/${total} cards done`);
  };
}
