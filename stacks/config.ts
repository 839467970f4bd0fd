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
import { ConfigError, configKey, validateStackConfig } from './config-validation';
import { resolveIssuerJwks } from './issuer-jwks';

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
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (key.startsWith(`${PROJECT}:`)) values[key.slice(PROJECT.length + 1)] = value;
  }
  return readPlatformConfig(env, values);
}

/**
 * Validates the config keys of the `agent-runtime` namespace (without the prefix; secrets are
 * skipped) and hands them to the constructs as props.
 */
export function readPlatformConfig(environment: string, values: Record<string, unknown>): PlatformConfig {
  const plain = Object.fromEntries(Object.entries(values).filter(([k]) => !(SECRET_KEYS as readonly string[]).includes(k)));
  const config = validateStackConfig(plain);
  const {
    tenants = [], tokenLimits = {}, monitoring = {}, policyProfile, protectRegistry, thirdParty = {}, registration = {},
    $schema: _schema, ...platform
  } = config;
  checkTenants(tenants);
  const tiers = platform.gateway.rateLimitTiers ?? { standard: {} };
  for (const tier of Object.keys(tokenLimits)) {
    if (!(tier in tiers)) throw new ConfigError(`${configKey(['tokenLimits', tier])}: no such rate-limit tier; define it under ${configKey(['gateway', 'rateLimitTiers'])} first (tiers: ${Object.keys(tiers).join(', ')})`);
  }
  const profile = policyProfile ?? defaultPolicyProfile(environment);
  const { gateway, problems } = resolveIssuerJwks(environment, profile, platform.gateway);
  if (problems.length) throw new ConfigError(problems.join('\n'));
  return {
    environment,
    platform: { ...platform, gateway, tenantNamespaces: tenants.map((t) => t.name) },
    tenants,
    policyProfile: profile,
    protectRegistry: protectRegistry ?? false,
    tokenLimits,
    monitoring,
    thirdParty: { higress: true, kagent: true, agentSandbox: true, keda: true, ...thirdParty },
    registration: { enabled: registration.enabled ?? true, endpoint: registration.endpoint ?? '' },
  };
}

/** A stack named after a profile uses it; any other stack gets the strictest one unless it says otherwise. */
export function defaultPolicyProfile(stack: string): PolicyProfile {
  return (POLICY_PROFILES as readonly string[]).includes(stack) ? stack as PolicyProfile : 'prod';
}

/** Checks across list items that the schema cannot express: unique names, references by name. */
function checkTenants(tenants: readonly TenantConfig[]): void {
  const unique = (names: readonly string[], where: (i: number) => (string | number)[], what: string) => {
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) throw new ConfigError(`${configKey(where(i))}: ${what} "${name}" is declared twice; names must be unique`);
    });
  };
  unique(tenants.map((t) => t.name), (i) => ['tenants', i, 'name'], 'tenant');
  tenants.forEach((t, ti) => {
    const agents = (t.agents ?? []).map((a) => a.name);
    const pools = (t.sandboxPools ?? []).map((p) => p.name);
    unique(agents, (i) => ['tenants', ti, 'agents', i, 'name'], 'agent');
    unique(pools, (i) => ['tenants', ti, 'sandboxPools', i, 'name'], 'sandbox pool');
    unique((t.canaries ?? []).map((c) => c.agent), (i) => ['tenants', ti, 'canaries', i, 'agent'], 'canary of agent');
    (t.agents ?? []).forEach((a, ai) => {
      if (a.sandboxPool !== undefined && !pools.includes(a.sandboxPool)) {
        throw new ConfigError(`${configKey(['tenants', ti, 'agents', ai, 'sandboxPool'])}: "${a.sandboxPool}" is not a sandbox pool of tenant "${t.name}" (pools: ${pools.join(', ') || 'none'}); declare it under ${configKey(['tenants', ti, 'sandboxPools'])}`);
      }
    });
    (t.canaries ?? []).forEach((c, ci) => {
      const agent = (t.agents ?? []).find((a) => a.name === c.agent);
      if (!agent) {
        throw new ConfigError(`${configKey(['tenants', ti, 'canaries', ci, 'agent'])}: "${c.agent}" is not an agent of tenant "${t.name}" (agents: ${agents.join(', ') || 'none'}); declare it under ${configKey(['tenants', ti, 'agents'])} first`);
      }
      const agentVersion = agent.version ?? '1.0.0';
      if (c.stable?.version !== undefined && c.stable.version !== agentVersion) {
        const ai = (t.agents ?? []).indexOf(agent);
        throw new ConfigError(`${configKey(['tenants', ti, 'canaries', ci, 'stable', 'version'])}: "${c.stable.version}" differs from the agent's version "${agentVersion}" (${configKey(['tenants', ti, 'agents', ai, 'version'])}); the stable version is the agent's version, so remove stable.version or make them equal`);
      }
    });
  });
}
