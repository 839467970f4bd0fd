/** Policy configuration: allow lists and limits per environment, plus per-rule enforcement overrides. */
import { RULES } from './rules';
import type { EnforcementLevel, Env } from './types';

/** Resolved configuration every rule reads. */
export interface PolicyConfig {
  /** RuntimeClasses sandboxes may use. */
  readonly runtimeClasses: readonly string[];
  /** RuntimeClasses the cloud provider creates (GKE Sandbox, AKS), so they need not be in the manifests. */
  readonly providerManagedRuntimeClasses: readonly string[];
  /** Image reference prefixes (normalized, e.g. `docker.io/nacos/`) allowed; empty = any registry. */
  readonly registries: readonly string[];
  /** Images must carry a `@sha256:` digest. */
  readonly requireDigest: boolean;
  /** Largest allowed limit/request ratio for cpu and memory. */
  readonly maxLimitRequestRatio: number;
  /** Services (`namespace/name`) allowed to be LoadBalancer/NodePort: the gateway. */
  readonly publicServices: readonly string[];
  /** Agents (card names) that may publish an AgentCard without security schemes. */
  readonly publicAgents: readonly string[];
  /** Upper bound of an autoscaler's max replicas. */
  readonly maxReplicas: number;
  /** Labels every namespaced object and pod template carries. */
  readonly requiredLabels: readonly string[];
  /** Deprecated `apiVersion` values (or `apiVersion kind` pairs) and their replacement. */
  readonly deprecatedApis: Readonly<Record<string, string>>;
  /** The platform's namespaces; every other namespace (but `default`) is a tenant's, whatever its labels. */
  readonly platformNamespaces: readonly string[];
  /** The platform's tenants (namespace → developer groups), e.g. from the stack config; empty = learnt from the tenants' RoleBindings. */
  readonly tenants: Readonly<Record<string, readonly string[]>>;
  /** RuntimeClass handlers that isolate (gVisor `runsc`, Kata `kata` and `kata-*`). */
  readonly sandboxRuntimeHandlers: readonly string[];
  /** Namespaces allowed to enforce the `privileged` Pod Security level. */
  readonly privilegedNamespaces: readonly string[];
  /** Issuers the gateway's consumers may trust (e.g. from the stack config); empty = judged by consistency only. */
  readonly trustedIssuers: readonly string[];
  /** Per tenant (namespace): the quota (`spec.hard`) and LimitRange `Container` limits its configuration produces; empty = not compared. */
  readonly tenantLimits: Readonly<Record<string, { readonly quota?: Readonly<Record<string, string>>; readonly limitRange?: Readonly<Record<string, Readonly<Record<string, string>>>> }>>;
  /** Per-rule level overrides. */
  readonly enforcement: Readonly<Record<string, EnforcementLevel>>;
}

/** Defaults shared by every environment. */
const _BASE: PolicyConfig = {
  runtimeClasses: ['gvisor'],
  providerManagedRuntimeClasses: [],
  registries: [
    'docker.io/nacos/',
    'ghcr.io/',
    'registry.k8s.io/',
    'higress-registry.cn-hangzhou.cr.aliyuncs.com/',
    'cr.kagent.dev/',
  ],
  requireDigest: false,
  maxLimitRequestRatio: 4,
  publicServices: ['higress-system/higress-gateway'],
  publicAgents: [],
  maxReplicas: 100,
  requiredLabels: ['app.kubernetes.io/name'],
  deprecatedApis: {
    'agents.x-k8s.io/v1alpha1': 'agents.x-k8s.io/v1beta1',
    'extensions.agents.x-k8s.io/v1alpha1': 'extensions.agents.x-k8s.io/v1beta1',
    'kagent.dev/v1alpha1 Agent': 'kagent.dev/v1alpha2',
    'kagent.dev/v1alpha1 ModelConfig': 'kagent.dev/v1alpha2',
    'http.keda.sh/v1alpha1 HTTPScaledObject': 'http.keda.sh/v1beta1 InterceptorRoute',
    'policy/v1beta1': 'policy/v1',
    'autoscaling/v2beta1': 'autoscaling/v2',
    'autoscaling/v2beta2': 'autoscaling/v2',
    'extensions/v1beta1': 'apps/v1 or networking.k8s.io/v1',
    'apps/v1beta1': 'apps/v1',
    'apps/v1beta2': 'apps/v1',
    'networking.k8s.io/v1beta1': 'networking.k8s.io/v1',
    'batch/v1beta1': 'batch/v1',
    'rbac.authorization.k8s.io/v1beta1': 'rbac.authorization.k8s.io/v1',
  },
  platformNamespaces: [
    'agent-runtime', 'nacos', 'higress-system', 'kube-system', 'kube-public', 'kube-node-lease', 'kagent', 'keda',
    'agent-sandbox-system', 'monitoring', 'observability',
  ],
  tenants: {},
  sandboxRuntimeHandlers: ['runsc', 'kata'],
  privilegedNamespaces: ['kube-system'],
  trustedIssuers: [],
  tenantLimits: {},
  enforcement: {},
};

/**
 * Default configuration of each environment. Staging and prod require digests (`requireDigest`):
 * a tag alone can be moved to other content; the stack refuses such images there too
 * (`requireImageDigests`). Dev takes tags.
 */
export const DEFAULT_CONFIG: Readonly<Record<Env, PolicyConfig>> = {
  dev: _BASE,
  staging: { ..._BASE, requireDigest: true },
  prod: { ..._BASE, requireDigest: true },
};

/** JSON schema of each configuration key (the Pulumi `configSchema` and the config-file check). */
export const CONFIG_SCHEMA: Readonly<Record<keyof PolicyConfig, Record<string, unknown>>> = {
  runtimeClasses: { type: 'array', items: { type: 'string' } },
  providerManagedRuntimeClasses: { type: 'array', items: { type: 'string' } },
  registries: { type: 'array', items: { type: 'string' } },
  requireDigest: { type: 'boolean' },
  maxLimitRequestRatio: { type: 'number', minimum: 1 },
  publicServices: { type: 'array', items: { type: 'string' } },
  publicAgents: { type: 'array', items: { type: 'string' } },
  maxReplicas: { type: 'integer', minimum: 1 },
  requiredLabels: { type: 'array', items: { type: 'string' } },
  deprecatedApis: { type: 'object', additionalProperties: { type: 'string' } },
  platformNamespaces: { type: 'array', items: { type: 'string' } },
  tenants: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  sandboxRuntimeHandlers: { type: 'array', items: { type: 'string' } },
  privilegedNamespaces: { type: 'array', items: { type: 'string' } },
  trustedIssuers: { type: 'array', items: { type: 'string' } },
  tenantLimits: { type: 'object', additionalProperties: { type: 'object' } },
  enforcement: { type: 'object', additionalProperties: { enum: ['advisory', 'mandatory', 'disabled'] } },
};

/** Rule ids configuration may name: the rules, plus the Pulumi-only policy. */
const _RULE_IDS = [...RULES.map((r) => r.id), 'protect-stateful'];

/** A config file: settings for all environments (`all`) and per environment, the latter winning. */
export type PolicyConfigFile = Partial<Record<'all' | Env | string, Partial<PolicyConfig>>>;

/**
 * Resolves the configuration of `env`: defaults, then `file.all`, then `file[env]`.
 * Throws a message naming the bad key and value when the file does not fit the schema.
 */
export function resolveConfig(env: Env, file: PolicyConfigFile = {}, source = 'policy config'): PolicyConfig {
  let config: PolicyConfig = DEFAULT_CONFIG[env];
  for (const section of ['all', env]) {
    const overrides = file[section];
    if (overrides === undefined) continue;
    if (!_isPlainObject(overrides)) throw new Error(`${source}: "${section}" must be a mapping of config keys, got ${JSON.stringify(overrides)}`);
    for (const [key, value] of Object.entries(overrides)) _checkKey(key, value, `${source}: ${section}.${key}`);
    config = { ...config, ...overrides, enforcement: { ...config.enforcement, ...(overrides.enforcement ?? {}) }, tenants: { ...config.tenants, ...(overrides.tenants ?? {}) } };
  }
  return config;
}

/** Validates one key against `CONFIG_SCHEMA` (only the shapes used there). */
function _checkKey(key: string, value: unknown, where: string): void {
  const schema = (CONFIG_SCHEMA as Record<string, Record<string, unknown>>)[key];
  if (!schema) throw new Error(`${where}: unknown key; known keys: ${Object.keys(CONFIG_SCHEMA).join(', ')}`);
  const bad = (want: string): never => {
    throw new Error(`${where}: got ${JSON.stringify(value)}, expected ${want}`);
  };
  switch (schema.type) {
    case 'array':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) bad('a list of strings');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') bad('true or false');
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || value < 1) bad('a number >= 1');
      break;
    default:
      if (!_isPlainObject(value)) bad('a mapping');
      if (key === 'enforcement') {
        for (const [rule, level] of Object.entries(value as object)) {
          // A misspelt id would silently keep the rule at its default level.
          if (!_RULE_IDS.includes(rule)) throw new Error(`${where}.${rule}: unknown rule id; known ids: ${_RULE_IDS.join(', ')}`);
          if (!['advisory', 'mandatory', 'disabled'].includes(level)) {
            throw new Error(`${where}.${rule}: got ${JSON.stringify(level)}, expected advisory, mandatory or disabled`);
          }
        }
      }
      if (key === 'tenants') {
        for (const [tenant, groups] of Object.entries(value as object)) {
          if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) throw new Error(`${where}.${tenant}: got ${JSON.stringify(groups)}, expected a list of group names`);
        }
      }
  }
}

function _isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
