/**
 * Tenant configuration -> constructs. The config keys are the props, so this only resolves
 * names into construct references (sandbox pools, the agent of a canary) and maps the prop path
 * of each construct problem to the config key the user wrote (see `constructs/errors.ts`). Every
 * item of a tenant is built even when an earlier one is refused, so a config's problems are
 * reported together. Every tenant chart is constructed first, each in an App of its own, and
 * synthesized afterwards: the shared agent directory then knows every agent and every call,
 * whichever tenant declares it, before any chart is serialized.
 */
import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { AgentDirectory } from '../constructs/agent-directory';
import { ConstructError, ConstructProblem, problemAt, PropPath, validationProblems } from '../constructs/errors';
import type { PlatformFacts } from '../constructs/platform-facts';
import { SandboxPool } from '../constructs/sandbox-pool';
import { TenantNamespace } from '../constructs/tenant-namespace';
import type { TenantConfig } from './config-types';
import { configKey, type SchemaProblem } from './config-validation';

/** Config path of a prop path of one construct (`['scaling', 'maxReplicas']` → `['tenants', 0, 'agents', 1, 'scaling', 'maxReplicas']`). */
export type ConfigPathOf = (propPath: PropPath) => (string | number)[];

/** One tenant chart as built: its namespace construct (unless refused), and its problems so far, under config keys. */
export interface BuiltTenant {
  readonly tenant?: TenantNamespace;
  /** Eager problems (props refused while constructing), each `agent-runtime:<key>: <value> <fix>`. */
  readonly errors: string[];
  /** Which config item each construct was built from, for the problems found at synth time. */
  readonly keys: Map<string, ConfigPathOf>;
}

/**
 * Constructs one tenant's chart (not yet synthesized). `index` is the tenant's position in
 * `agent-runtime:tenants`, for the config keys of its problems.
 */
export function buildTenantChart(
  chart: Chart, tenant: TenantConfig, facts: PlatformFacts, directory: AgentDirectory, index = 0, known: readonly SchemaProblem[] = [],
): BuiltTenant {
  const at = (...path: (string | number)[]) => ['tenants', index, ...path];
  // Problems found in the configuration already (schema, cross-item names): reported, and their items not built.
  const mine = known.filter((p) => p.path[0] === 'tenants' && p.path[1] === index);
  const errors: string[] = mine.map((p) => p.message);
  const keys = new Map<string, ConfigPathOf>();
  const refused = (list: ItemList, i: number) => isRefused(known, index, list, i);
  if (isRefused(known, index)) return { errors, keys };
  const { agents = [], sandboxPools = [], canaries = [], ...props } = tenant;
  const tenantKey: ConfigPathOf = (p) => (p[0] === 'platform' ? platformKey(p.slice(1)) : at(...p));
  const ns = inConfig(tenantKey, errors, () => new TenantNamespace(chart, tenant.name, { ...props, platform: facts, directory }));
  if (!ns) return { errors, keys };
  keys.set(ns.node.path, tenantKey);
  const pools = new Map<string, SandboxPool>();
  sandboxPools.forEach((p, i) => {
    if (refused('sandboxPools', i)) return;
    const key: ConfigPathOf = (path) => at('sandboxPools', i, ...path);
    const pool = inConfig(key, errors, () => ns.addSandboxPool(p));
    if (!pool) return;
    pools.set(p.name, pool);
    keys.set(pool.node.path, key);
  });
  agents.forEach((agent, i) => {
    const { sandboxPool, ...agentProps } = agent;
    // A pool refused above is left out here; its own problems name it.
    const shared = { ...agentProps, ...(sandboxPool && pools.has(sandboxPool) ? { sandboxPool: pools.get(sandboxPool)! } : {}) };
    const c = canaries.findIndex((x) => x.agent === agent.name);
    if (refused('agents', i) || (c >= 0 && refused('canaries', c))) return;
    if (c < 0) {
      const key: ConfigPathOf = (path) => at('agents', i, ...path);
      const built = inConfig(key, errors, () => ns.addAgent(shared));
      if (built) keys.set(built.node.path, key);
      return;
    }
    const { agent: _name, stable, ...release } = canaries[c];
    const { version = '1.0.0', ...withoutVersion } = shared;
    // CanaryRelease reports its props: `agent.*` (the agent's item), `stable.version` (the agent's version), the rest the canary's.
    const key: ConfigPathOf = ([head, ...rest]) => (head === 'agent' ? at('agents', i, ...rest)
      : head === 'stable' && rest[0] === 'version' ? at('agents', i, 'version')
        : at('canaries', c, head, ...rest));
    const built = inConfig(key, errors, () => ns.addCanaryRelease({ ...release, agent: withoutVersion, stable: { ...stable, version } }));
    if (built) keys.set(built.node.path, key);
  });
  return { tenant: ns, errors, keys };
}

/** The lists of a tenant's items. */
export type ItemList = 'agents' | 'sandboxPools' | 'canaries';

/**
 * Whether a configuration problem leaves tenant `index` unbuilt (a problem at tenant level), or its
 * item `list[i]`: the rule both the charts and the agent directory follow.
 */
export function isRefused(known: readonly SchemaProblem[], index: number, list?: ItemList, i?: number): boolean {
  const mine = known.filter((p) => p.path[0] === 'tenants' && p.path[1] === index);
  if (mine.some((p) => !['agents', 'sandboxPools', 'canaries'].includes(String(p.path[2])) || p.path.length < 4)) return true;
  return list !== undefined && mine.some((p) => p.path[2] === list && p.path[3] === i);
}

/**
 * The problems every construct of a built tenant finds at synth time (callees, pinned versions,
 * consent, quota), under the config key of the item that built it; a construct that reports no
 * data (a cdk8s-plus one) is named by the nearest item above it.
 */
export function tenantValidationErrors(built: BuiltTenant, all: IConstruct[]): string[] {
  const errors: string[] = [];
  for (const c of all) {
    const data = validationProblems(c);
    if (data) {
      for (const p of data) errors.push(render(keyOf(built.keys, p.construct), p));
      continue;
    }
    for (const message of c.node.validate()) errors.push(`${configKey(keyOf(built.keys, c.node.path)([]))}: ${message}`);
  }
  return [...new Set(errors)];
}

/** The config path of the item that built the construct at `path` (or its nearest ancestor). */
function keyOf(keys: Map<string, ConfigPathOf>, path: string): ConfigPathOf {
  for (let p = path; p; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
    const key = keys.get(p);
    if (key) return key;
  }
  return () => [];
}

/** `agent-runtime:<key>: <value> <fix>`. */
function render(key: ConfigPathOf, p: ConstructProblem): string {
  const path = key(p.propPath);
  return problemAt(path.length ? configKey(path) : 'agent-runtime', p);
}

/**
 * Tenants read the platform's facts (`platform.*`); their keys are the platform's config keys:
 * `tracing.samplingPercent` comes from `gateway.tracing.sampling`.
 */
function platformKey(path: PropPath): (string | number)[] {
  if (path[0] === 'tracing' && path[1] === 'samplingPercent') return ['gateway', 'tracing', 'sampling'];
  return [...path];
}

/** Runs `build`, recording its problems under the config keys of `key`; returns what it built, or undefined when refused. */
function inConfig<T>(key: ConfigPathOf, errors: string[], build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (ConstructError.isConstructError(e)) errors.push(...e.problems.map((p) => render(key, p)));
    // A plain error (a library construct's) is reported as it is, under the item's key.
    else errors.push(`${configKey(key([]))}: ${(e as Error).message}`);
    return undefined;
  }
}
