/**
 * Entry of the `agent-runtime` command. Each sub-command lives in its own file and is
 * loaded lazily, so `review` does not pay for cdk8s and `synth` does not pay for Pulumi.
 */
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<number>>> = {
  synth: async () => (await import('./synth')).synthCommand,
  review: async () => (await import('./review')).reviewCommand,
  cards: async () => (await import('./cards')).cardsCommand,
  register: async () => (await import('./register')).registerCommand,
  controller: async () => (await import('./controller')).controllerCommand,
};

const USAGE = `usage:
  agent-runtime synth    --stack <env> [--out dist/<env>] [--review]
  agent-runtime review   <file|dir>... [--env <env>] [--format text|json|markdown]
  agent-runtime cards    <dir>
  agent-runtime register <dir> --nacos <url> [--namespace <id>] [--prune]   (NACOS_USERNAME, NACOS_PASSWORD)
  agent-runtime controller [--kubeconfig FILE] [--nacos URL] [--internal-issuer URL | --no-identity]   (NACOS_USERNAME, NACOS_PASSWORD)`;

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
  return (await load())(rest);
}
