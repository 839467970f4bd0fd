/**
 * The stack configuration as TypeScript types, derived from the construct props: a config key
 * is a prop of the same name and nesting. Only what the stack derives itself is left out
 * (the tenant handle, the directory, routes), and construct references become names.
 * `npm run schema` (and `agent-runtime schema`) turns {@link StackConfig} into the JSON Schema
 * that validates `Pulumi.<stack>.yaml`, so a prop added to a construct is a config key at once.
 */
import type { AgentProps } from '../constructs/agent';
import type { AgentRuntimePlatformProps, PlatformGatewayProps } from '../constructs/agent-runtime-platform';
import type { JwtIssuer } from '../constructs/higress-config';
import type { CanaryReleaseProps, CanaryVersion } from '../constructs/canary-release';
import type { AlertThresholds } from '../constructs/observability/alert-rules';
import type { MonitoringSwitches, PlatformMonitoringProps } from '../constructs/observability/platform-monitoring';
import type { TokenTier } from '../constructs/observability/token-accounting';
import type { SandboxPoolProps } from '../constructs/sandbox-pool';
import type { TenantNamespaceProps } from '../constructs/tenant-namespace';

/** Policy profile the review applies: its allow lists, limits and enforcement levels. */
export type PolicyProfile = 'dev' | 'staging' | 'prod';

/** `agent-runtime:tenants[].agents[]`: {@link AgentProps}; `sandboxPool` names a pool of the same tenant. */
export interface AgentConfig extends Omit<AgentProps, 'tenant' | 'sandboxPool'> {
  /** Name of a sandbox pool of the same tenant (`sandboxPools[].name`). @default - none */
  readonly sandboxPool?: string;
}

/** `agent-runtime:tenants[].sandboxPools[]`: {@link SandboxPoolProps}. */
export type SandboxPoolConfig = Omit<SandboxPoolProps, 'tenant'>;

/**
 * `agent-runtime:tenants[].canaries[]`: {@link CanaryReleaseProps}; `agent` names an agent of
 * the tenant, whose props both versions share. The stable version is the agent's `version`.
 */
export interface CanaryConfig extends Omit<CanaryReleaseProps, 'tenant' | 'agent' | 'stable'> {
  /** Name of an agent of the same tenant (`agents[].name`). */
  readonly agent: string;
  /** Overrides of the stable version; its version is the agent's `version`. @default - the agent as declared */
  readonly stable?: Omit<CanaryVersion, 'version'> & { readonly version?: string };
}

/** `agent-runtime:tenants[]`: {@link TenantNamespaceProps} plus what the tenant runs. */
export interface TenantConfig extends Omit<TenantNamespaceProps, 'platform' | 'directory'> {
  /** @default [] */
  readonly agents?: readonly AgentConfig[];
  /** @default [] */
  readonly sandboxPools?: readonly SandboxPoolConfig[];
  /** @default [] */
  readonly canaries?: readonly CanaryConfig[];
}

/** `agent-runtime:monitoring`: the {@link PlatformMonitoringProps} a stack chooses (the stack fills in registry and tenants). */
export interface MonitoringConfig extends Pick<PlatformMonitoringProps, 'namespace' | 'selectorLabels' | 'interval' | 'tenantQuotaName' | 'prometheus'> {
  /** ServiceMonitors, PodMonitors and PrometheusRules need the Prometheus Operator CRDs; switch them off where it is missing. @default - everything on */
  readonly enable?: MonitoringSwitches;
  /** @default - see AlertThresholds */
  readonly alerts?: AlertThresholds;
  /** @default { title: 'Agent Runtime', uid: 'agent-runtime' } */
  readonly dashboard?: { readonly title?: string; readonly uid?: string };
}

/** Third-party controllers the stack installs; switch one off when the cluster already runs it. */
export interface ThirdPartyConfig {
  /** @default true */
  readonly higress?: boolean;
  /** @default true */
  readonly kagent?: boolean;
  /** @default true */
  readonly agentSandbox?: boolean;
  /** @default true */
  readonly keda?: boolean;
}

/** How the stack reaches Nacos' admin API to register AgentCards. */
export interface RegistrationConfig {
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Nacos HTTP address without a path, e.g. `http://127.0.0.1:8848` (port-forward); required when enabled.
   * @pattern ^https?://[^/\s]+$
   */
  readonly endpoint?: string;
}

/** `agent-runtime:gateway`: the platform's gateway props, with JWKS the stack may derive. */
export interface GatewayConfig extends Omit<PlatformGatewayProps, 'tierRoutes' | 'jwt'> {
  readonly jwt: { readonly public: JwtIssuerConfig; readonly internal: JwtIssuerConfig };
}

/** A JWT issuer of a stack; see docs/security-model.md for where each JWKS comes from. */
export interface JwtIssuerConfig extends Omit<JwtIssuer, 'jwks'> {
  /**
   * The issuer's JWKS (public keys only), inline: Higress' jwt-auth cannot fetch a JWKS URL.
   * `public`: your identity provider's. `internal`: derived from the `internalIssuerKey` secret at
   * `pulumi up`; set it for synth and review, which never see secrets.
   * @default - dev: a throwaway key generated on first use outside the repository; staging and prod: required
   */
  readonly jwks?: string;
}

/**
 * Every `agent-runtime:<key>` of a stack. The platform keys are {@link AgentRuntimePlatformProps};
 * the others steer what the stack adds around it.
 */
export interface StackConfig extends Omit<AgentRuntimePlatformProps, 'tenantNamespaces' | 'gateway'> {
  /** `$schema` of an editor; ignored. */
  readonly $schema?: string;
  readonly gateway: GatewayConfig;
  /** @default [] */
  readonly tenants?: readonly TenantConfig[];
  /** LLM token limits per rate-limit tier (need `gateway.redis`). @default {} */
  readonly tokenLimits?: Readonly<Record<string, Omit<TokenTier, 'routes'>>>;
  /** @default - everything on */
  readonly monitoring?: MonitoringConfig;
  /** Policy profile `agent-runtime synth --review` applies (the CrossGuard pack reads `AGENT_RUNTIME_ENV`). @default - the stack name when it is dev, staging or prod, else prod */
  readonly policyProfile?: PolicyProfile;
  /** Deploy the registry with `protect` and `retainOnDelete` (production). @default false */
  readonly protectRegistry?: boolean;
  /** @default - everything installed */
  readonly thirdParty?: ThirdPartyConfig;
  /** @default { enabled: true } (then `endpoint` is required) */
  readonly registration?: RegistrationConfig;
}
