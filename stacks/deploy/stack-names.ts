/**
 * Stack names of `agent-runtime deploy`: `<env>.platform` and `<env>.tenant-<name>`. A dot cannot
 * appear in a tenant name (a DNS label), so the names never collide, and the `<env>` stack itself
 * stays what it is for `pulumi up`: the holder of the environment's configuration.
 */

export function platformStack(env: string): string {
  return `${env}.platform`;
}

export function tenantStack(env: string, tenant: string): string {
  return `${env}.tenant-${tenant}`;
}

/** The tenant of one of `env`'s tenant stacks, else undefined. */
export function tenantOfStack(env: string, stack: string): string | undefined {
  const prefix = `${env}.tenant-`;
  return stack.startsWith(prefix) ? stack.slice(prefix.length) : undefined;
}
