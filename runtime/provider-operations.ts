/**
 * How a dynamic provider reaches its code. Pulumi serializes the provider with everything it
 * captures, so a provider captures only this loader, two module paths, and requires its
 * operations module when Pulumi calls it.
 */

/**
 * A loader of `runtime/<name>`: this install's copy (the absolute path, fixed when the program
 * ran), or the installed package's when the state was written on another machine.
 * @example const _ops = operationsLoader<typeof import('./agent-card-provider')>('agent-card-provider');
 */
export function operationsLoader<T>(name: string): () => T {
  const local = `${__dirname}/${name}`;
  const installed = `agent-runtime/dist-lib/runtime/${name}`;
  return () => {
    try {
      return require(local) as T;
    } catch (err) {
      if ((err as { code?: string }).code !== 'MODULE_NOT_FOUND') throw err;
      return require(installed) as T;
    }
  };
}
