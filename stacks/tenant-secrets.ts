/**
 * The Secrets a tenant's agents read (model keys, MCP tokens, memory keys), from the synthesized
 * objects: each object names the keys it reads in `agentruntime.io/secret-refs`. The stack makes
 * every one from `tenantSecrets` (`<tenant>/<secret>/<key>`) before the objects that read them are
 * applied, so kagent's translator finds them at its first reconcile. Pure: no Pulumi import.
 */
import { _parseSecretRefs } from '../constructs/secret-refs';
import { ANNOTATION } from '../constructs/labels';

/** One Secret a tenant needs, and its keys. */
export interface NeededSecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
}

/** Secrets the objects read that they do not create themselves, sorted by namespace and name. */
export function neededSecrets(objects: readonly any[]): NeededSecret[] {
  const made = new Set(objects.filter((o) => o?.kind === 'Secret' && o.apiVersion === 'v1').map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`));
  const byName = new Map<string, Set<string>>();
  for (const o of objects) {
    const ns = o?.metadata?.namespace;
    for (const r of _parseSecretRefs(o?.metadata?.annotations?.[ANNOTATION.secretRefs])) {
      const id = `${ns}/${r.name}`;
      if (made.has(id)) continue;
      byName.set(id, (byName.get(id) ?? new Set()).add(r.key));
    }
  }
  return [...byName].sort(([a], [b]) => a.localeCompare(b)).map(([id, keys]) => {
    const [namespace, name] = id.split('/');
    return { namespace, name, keys: [...keys].sort() };
  });
}

/** The `tenantSecrets` keys (`<namespace>/<secret>/<key>`) the objects need. */
export function neededSecretKeys(objects: readonly any[]): string[] {
  return neededSecrets(objects).flatMap((s) => s.keys.map((k) => `${s.namespace}/${s.name}/${k}`));
}

/** Needed keys that `present` (the `tenantSecrets` keys a stack sets) lacks. */
export function lackingSecretKeys(objects: readonly any[], present: readonly string[]): string[] {
  const have = new Set(present);
  return neededSecretKeys(objects).filter((k) => !have.has(k));
}

/** Objects kagent's controller reconciles: applied only once the Secrets they read exist. */
export function isKagentObject(o: any): boolean {
  return typeof o?.apiVersion === 'string' && o.apiVersion.startsWith('kagent.dev/');
}

/** How to set the lacking keys, one command each (names only, never values). */
export function setSecretCommands(keys: readonly string[]): string[] {
  return keys.map((k) => `pulumi config set --secret --path 'tenantSecrets["${k}"]' <value>`);
}

/**
 * The `tenantSecrets` keys a stack file sets, when it can tell: set with `--path` they are plain
 * keys of encrypted values; set as one value (`pulumi config set --secret tenantSecrets '{...}'`)
 * they are encrypted too (`undefined`: unknown).
 */
export function tenantSecretKeysOfStackFile(stackFile: Record<string, unknown> | undefined): string[] | undefined {
  const v = (stackFile?.config as Record<string, unknown> | undefined)?.['agent-runtime:tenantSecrets'];
  if (v === undefined) return [];
  if (v && typeof v === 'object' && !('secure' in v)) return Object.keys(v);
  return undefined;
}

/** What `synth` says about a stack's tenant Secrets (names only). */
export function describeTenantSecrets(objects: readonly any[], present: readonly string[] | undefined): string {
  const needed = neededSecretKeys(objects);
  if (!needed.length) return 'tenant secrets: the agents read none';
  if (present === undefined) {
    return `tenant secrets: the agents read ${needed.join(', ')} (tenantSecrets is one encrypted value, so which are set is unknown; pulumi up checks)`;
  }
  const lacking = lackingSecretKeys(objects, present);
  return lacking.length
    ? `tenant secrets: the stack lacks ${lacking.length} of ${needed.length} (pulumi up refuses until they are set):\n  ${setSecretCommands(lacking).join('\n  ')}`
    : `tenant secrets: all ${needed.length} the agents read are set`;
}
