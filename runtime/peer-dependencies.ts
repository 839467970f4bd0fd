/**
 * Optional peer dependencies (`peerDependenciesMeta` in package.json): a user of the constructs
 * alone installs neither Pulumi nor the Kubernetes client. An entry that needs them checks them
 * before loading anything, so a missing one is one line saying what to install, not a require stack.
 */

/** Throws, naming every missing package at once, unless all of `packages` resolve from here. */
export function requirePeers(entry: string, packages: readonly string[]): void {
  const missing = packages.filter((name) => !resolvable(name));
  if (missing.length === 0) return;
  throw new Error(`${entry} needs ${missing.join(' and ')}, optional peer dependencies of agent-runtime that are not installed; `
    + `install them in your project: npm install ${missing.join(' ')} (versions: agent-runtime's peerDependencies)`);
}

function resolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
