/**
 * The per-environment configuration, read from `Pulumi.<env>.yaml`. Its keys are the construct
 * props (see `config-types.ts`), checked by the schema generated from them; `agent-runtime synth`
 * and the Pulumi program read the same keys through {@link readPlatformConfig}, so both fail
 * the same way, before anything is written or deployed. Pure: no Pulumi import.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { AgentRuntimePlatformProps } from '../constructs/agent-runtime-platform';
import type { MonitoringConfig, PolicyProfile, RegistrationConfig, StackConfig, TenantConfig, ThirdPartyConfig } from './config-types';
import { configSchema } from './config-schema';
import { ConfigError, configKey, SchemaProblem, schemaProblems } from './config-validation';
import { resolveIssuerJwks } from './issuer-jwks';
import { stackFileProblems } from './stack-file';

export { ConfigError };

/** The Pulumi project name, and so the prefix of every config key (`agent-runtime:nacos`). */
export const PROJECT = 'agent-runtime';

/** Keys that hold secrets; set them with `pulumi config set --secret`. Never read by synth. */
export const SECRET_KEYS = ['nacosAuthToken', 'nacosIdentityKey', 'nacosIdentityValue', 'nacosAdminPassword', 'mysqlUsername', 'mysqlPassword', 'tenantSecrets', 'internalIssuerKey', 'internalIssuerPreviousKey'] as const;

/** Policy profiles, in the order of strictness. */
export const POLICY_PROFILES: readonly PolicyProfile[] = ['dev', 'staging', 'prod'];

/** Everything one environment is made of. */
export interface PlatformConfig {
  readonly environment: string;
  /**
   * Problems found in tenants' items before any construct is built (schema, names referring across
   * items); the items under them are not built, every other item is, and all problems are reported together.
   */
  readonly problems?: readonly SchemaProblem[];
  readonly platform: AgentRuntimePlatformProps;
  readonly tenants: readonly TenantConfig[];
  /** Policy profile of reviews and of the CrossGuard pack. */
  readonly policyProfile: PolicyProfile;
  /** Deploy the registry with `protect` and `retainOnDelete` (production). */
  readonly protectRegistry: boolean;
  readonly tokenLimits: NonNullable<StackConfig['tokenLimits']>;
  readonly monitoring: MonitoringConfig;
  readonly thirdParty: Required<ThirdPartyConfig>;
  /** `endpoint` is '' when not set; the Pulumi program requires it while registration is enabled. */
  readonly registration: Required<RegistrationConfig>;
}

/**
 * Reads `Pulumi.<env>.yaml` from `root` and validates it.
 * @example loadStackConfig('dev', process.cwd())
 */
export function loadStackConfig(env: string, root: string): PlatformConfig {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(env)) {
    throw new ConfigError(`--stack: "${env}" is not a stack name; use e.g. dev, staging or prod`);
  }
  const file = path.join(root, `Pulumi.${env}.yaml`);
  if (!fs.existsSync(file)) {
    const known = fs.readdirSync(root).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.split('.')[1]);
    throw new ConfigError(`no configuration for stack "${env}": ${file} does not exist; known stacks: ${known.join(', ') || 'none'}`);
  }
  let doc: any;
  try {
    doc = yaml.load(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const fileProblems = stackFileProblems(doc, path.basename(file), knownConfigKeys(), SECRET_KEYS);
  const values: Record<string, unknown> = {};
  const config = typeof doc?.config === 'object' && doc.config !== null ? doc.config : {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${PROJECT}:`)) values[key.slice(PROJECT.length + 1)] = value;
  }
  if (!fileProblems.length) return readPlatformConfig(env, values);
  // The file's own problems first, then those of its values: all of them at once.
  let valueProblems: string[] = [];
  try {
    const read = readPlatformConfig(env, values);
    valueProblems = (read.problems ?? []).map((p) => p.message);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    valueProblems = e.message.split('\n');
  }
  throw new ConfigError([...fileProblems, ...valueProblems].join('\n'));
}

/** The config keys the schema knows (without the prefix). */
export function knownConfigKeys(): string[] {
  const schema = configSchema() as { definitions?: { StackConfig?: { properties?: Record<string, unknown> } } };
  return Object.keys(schema.definitions?.StackConfig?.properties ?? {}).filter((k) => k !== '$schema');
}

/**
 * Validates the config keys of the `agent-runtime` namespace (without the prefix; secrets are
 * skipped) and hands them to the constructs as props.
 */
export function readPlatformConfig(environment: string, values: Record<string, unknown>): PlatformConfig {
  const plain = Object.fromEntries(Object.entries(values).filter(([k]) => !(SECRET_KEYS as readonly string[]).includes(k)));
  const schema = schemaProblems(plain);
  // A problem inside a tenant leaves that item unbuilt, the rest is built and reports its own problems too;
  // anywhere else the platform cannot be built at all.
  const fatal = schema.filter((p) => !_isTenantItem(p.path));
  const config = plain as unknown as StackConfig;
  const crossItem = fatal.length ? [] : checkTenants(Array.isArray(config.tenants) ? config.tenants : []);
  if (fatal.length) throw new ConfigError(schema.map((p) => p.message).join('\n'));
  const {
    tenants = [], tokenLimits = {}, monitoring = {}, policyProfile, protectRegistry, thirdParty = {}, registration = {},
    $schema: _schema, ...platform
  } = config;
  const problems = [...schema, ...crossItem];
  const tiers = platform.gateway.rateLimitTiers ?? { standard: {} };
  for (const tier of Object.keys(tokenLimits)) {
    if (!(tier in tiers)) problems.push({ path: ['tokenLimits', tier], message: `${configKey(['tokenLimits', tier])}: no such rate-limit tier; define it under ${configKey(['gateway', 'rateLimitTiers'])} first (tiers: ${Object.keys(tiers).join(', ')})` });
  }
  const profile = policyProfile ?? defaultPolicyProfile(environment);
  const { gateway, problems: issuerProblems } = resolveIssuerJwks(environment, profile, platform.gateway);
  for (const message of issuerProblems) problems.push({ path: ['gateway', 'jwt'], message });
  const protectedEnv = profile !== 'dev';
  // Staging and prod name the API server (no "any private address" default) and run images pinned by digest.
  if (protectedEnv && !platform.kubernetesApi) {
    problems.push({ path: ['kubernetesApi'], message: `${configKey(['kubernetesApi'])} is required with policy profile "${profile}"; give the API server endpoints as pods reach them (kubectl get endpoints kubernetes), e.g. { cidrs: ["10.0.0.10/32"], port: 6443 } — without it, sandbox users and the controller could reach port 6443 on every private address` });
  }
  if (problems.some((p) => !_isTenantItem(p.path))) throw new ConfigError(problems.map((p) => p.message).join('\n'));
  return {
    problems,
    environment,
    platform: { ...platform, gateway, requireImageDigests: platform.requireImageDigests ?? protectedEnv, tenantNamespaces: tenants.map((t) => t.name) },
    tenants,
    policyProfile: profile,
    protectRegistry: protectRegistry ?? false,
    tokenLimits,
    monitoring,
    thirdParty: { higress: true, kagent: true, agentSandbox: true, keda: true, ...thirdParty },
    registration: { enabled: registration.enabled ?? true, endpoint: registration.endpoint ?? '' },
  };
}

/** Whether `path` is inside one tenant (`tenants[0]...`): its problems leave that tenant's item unbuilt, not the platform. */
export function _isTenantItem(path: readonly (string | number)[]): boolean {
  return path[0] === 'tenants' && typeof path[1] === 'number';
}

/** A stack named after a profile uses it; any other stack gets the strictest one unless it says otherwise. */
export function defaultPolicyProfile(stack: string): PolicyProfile {
  return (POLICY_PROFILES as readonly string[]).includes(stack) ? stack as PolicyProfile : 'prod';
}

/**
 * Checks across list items that the schema cannot express: unique names, references by name.
 * Each problem is under the config path of the item it refuses.
 */
function checkTenants(tenants: readonly TenantConfig[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const refuse = (path: (string | number)[], message: string) => problems.push({ path, message: `${configKey(path)}: ${message}` });
  const list = <T>(v: readonly T[] | undefined): readonly T[] => (Array.isArray(v) ? v : []);
  const unique = (names: readonly unknown[], where: (i: number) => (string | number)[], what: string) => {
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) refuse(where(i), `${what} "${name}" is declared twice; names must be unique`);
    });
  };
  unique(tenants.map((t) => t?.name), (i) => ['tenants', i, 'name'], 'tenant');
  tenants.forEach((t, ti) => {
    const agents = list(t?.agents).map((a) => a?.name);
    const pools = list(t?.sandboxPools).map((p) => p?.name);
    unique(agents, (i) => ['tenants', ti, 'agents', i, 'name'], 'agent');
    unique(pools, (i) => ['tenants', ti, 'sandboxPools', i, 'name'], 'sandbox pool');
    unique(list(t?.canaries).map((c) => c?.agent), (i) => ['tenants', ti, 'canaries', i, 'agent'], 'canary of agent');
    list(t?.agents).forEach((a, ai) => {
      if (a?.sandboxPool !== undefined && !pools.includes(a.sandboxPool)) {
        refuse(['tenants', ti, 'agents', ai, 'sandboxPool'], `"${a.sandboxPool}" is not a sandbox pool of tenant "${t.name}" (pools: ${pools.join(', ') || 'none'}); declare it under ${configKey(['tenants', ti, 'sandboxPools'])}`);
      }
    });
    list(t?.canaries).forEach((c, ci) => {
      const agent = list(t.agents).find((a) => a?.name === c?.agent);
      if (!agent) {
        refuse(['tenants', ti, 'canaries', ci, 'agent'], `"${c?.agent}" is not an agent of tenant "${t.name}" (agents: ${agents.join(', ') || 'none'}); declare it under ${configKey(['tenants', ti, 'agents'])} first`);
        return;
      }
      const agentVersion = agent.version ?? '1.0.0';
      if (c.stable?.version !== undefined && c.stable.version !== agentVersion) {
        const ai = list(t.agents).indexOf(agent);
        refuse(['tenants', ti, 'canaries', ci, 'stable', 'version'], `"${c.stable.version}" differs from the agent's version "${agentVersion}" (${configKey(['tenants', ti, 'agents', ai, 'version'])}); the stable version is the agent's version, so remove stable.version or make them equal`);
      }
    });
  });
  return problems;
}
