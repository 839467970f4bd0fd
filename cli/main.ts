/**
 * Entry of the `agent-runtime` command. Each sub-command lives in its own file and is
 * loaded lazily, so `review` does not pay for cdk8s and `synth` does not pay for Pulumi.
 * Every command module exports its `USAGE`, printed by `agent-runtime <command> --help`.
 */
interface Command {
  readonly run: (args: string[]) => Promise<number>;
  readonly usage: string;
}

export const COMMANDS: Record<string, () => Promise<Command>> = {
  synth: async () => { const m = await import('./synth'); return { run: m.synthCommand, usage: m.USAGE }; },
  deploy: async () => { const m = await import('./deploy'); return { run: m.deployCommand, usage: m.USAGE }; },
  review: async () => { const m = await import('./review'); return { run: m.reviewCommand, usage: m.USAGE }; },
  cards: async () => { const m = await import('./cards'); return { run: m.cardsCommand, usage: m.USAGE }; },
  register: async () => { const m = await import('./register'); return { run: m.registerCommand, usage: m.USAGE }; },
  schema: async () => { const m = await import('./schema'); return { run: m.schemaCommand, usage: m.USAGE }; },
  controller: async () => { const m = await import('./controller'); return { run: m.controllerCommand, usage: m.USAGE }; },
};

const USAGE = `usage:
  agent-runtime synth      --stack <name> [--out dist/<name>] [--root <dir>] [--review] [--gitops argocd --gitops-repo <url> [--gitops-revision <rev>] [--gitops-path <dir>]]
  agent-runtime deploy     --stack <name> [--preview] [--tenant <name>] [--parallel N] [--refresh] [--prune] [--root <dir>]
  agent-runtime review     <file|dir>... [--env dev|staging|prod] [--format text|json|markdown] [--config <policy-config.yaml>] [--allow-empty]
                           [--baseline <synth dir> | --stack <name> [--root <dir>]]
  agent-runtime cards      <dir|file>
  agent-runtime register   <dir> --nacos <url> [--namespace <id>] [--prune] [--dry-run] [--no-create-namespaces] [--concurrency <n>]   (NACOS_USERNAME, NACOS_PASSWORD)
  agent-runtime schema     [--keys | --markdown] [--out <file>] [--readme <file>]
  agent-runtime controller --gateway-host HOST [--kubeconfig FILE] [--nacos URL] [--namespace <ns>] [--internal-issuer URL | --no-identity] [--signing-keys-from NAME]
                           [--audience AUD] [--token-ttl SECONDS] [--listen HOST:PORT] [--resync SECONDS] [--renew SECONDS] [--no-leader-election]   (NACOS_USERNAME, NACOS_PASSWORD)
Run "agent-runtime <command> --help" for a command's options.`;

/** Runs one command line and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`agent-runtime: unknown command "${name}"; use one of ${Object.keys(COMMANDS).join(', ')}\n${USAGE}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest);
}
