/**
 * The typed per-environment configuration, read from `Pulumi.<env>.yaml`. `agent-runtime synth`
 * and the Pulumi program read the same keys through {@link readPlatformConfig}, so both fail
 * the same way, before anything is written or deployed. Pure: no Pulumi import.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { AgentRuntimePlatformProps } from '../constructs/agent-runtime-platform';
import type { RuntimeControllerSettings } from '../constructs/runtime-controller';
import { ConfigError, ConfigNode } from './config-reader';
import { readTenants, TenantConfig } from './tenant-config';

/** The Pulumi project name, and so the prefix of every config key (`agent-runtime:nacos`). */
export const PROJECT = 'agent-runtime';

/** Keys that hold secrets; set them with `pulumi config set --secret`. Never read by synth. */
export const SECRET_KEYS = ['nacosAuthToken', 'nacosIdentityKey', 'nacosIdentityValue', 'nacosAdminPassword', 'mysqlUsername', 'mysqlPassword', 'tenantSecrets', 'internalIssuerKey', 'internalIssuerPreviousKey'] as const;

/** Stack-only keys: they steer deployment, not the manifests. */
const STACK_KEYS = ['thirdParty', 'registration', 'kubeconfigContext'] as const;

/** Everything one environment is made of. */
export interface PlatformConfig {
  readonly environment: string;
  readonly platform: AgentRuntimePlatformProps;
  readonly tenants: TenantConfig[];
  /** Deploy the registry with `protect` and `retainOnDelete` (production). */
  readonly protectRegistry: boolean;
  /** LLM token limits per tenant, by tier (need Redis). */
  readonly tokenLimits: Record<string, { tokensPerMinute?: number; tokensPerDay?: number }>;
  /** Monitoring switches (Prometheus Operator objects, alert thresholds). */
  readonly monitoring: MonitoringConfig;
  /** Raw stack-only sections, read by `stacks/` itself (never the secrets). */
  readonly stack: Record<string, unknown>;
}

/** What the observability layer emits. */
export interface MonitoringConfig {
  /** Emit ServiceMonitors/PodMonitors/PrometheusRules (needs the Prometheus Operator CRDs). */
  readonly prometheusOperator: boolean;
  /** Emit the Grafana dashboard ConfigMap. */
  readonly dashboards: boolean;
  readonly thresholds: {
    readonly a2aFailureRatio: number;
    readonly a2aLatencyBudgetMs: number;
    readonly gateway5xxRatio: number;
    readonly quotaUsedRatio: number;
  };
  /** Maximum retry attempts a skill may declare. */
  readonly maxRetries: number;
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

/**
 * Reads `Pulumi.<env>.yaml` from `root` and validates it.
 * @example loadStackConfig('dev', process.cwd())
 */
export function loadStackConfig(env: string, root: string): PlatformConfig {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(env)) {
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
  const config = doc?.config ?? {};
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith(`${PROJECT}:`)) continue;
    values[key.slice(PROJECT.length + 1)] = value;
  }
  return readPlatformConfig(env, values);
}

/**
 * Validates the config keys of the `agent-runtime` namespace (without the prefix) and turns
 * them into construct props.
 */
export function readPlatformConfig(environment: string, values: Record<string, unknown>): PlatformConfig {
  const root = new ConfigNode(`${PROJECT}:`, values).only(
    'gateway', 'nacos', 'runtimeClasses', 'clusterDomain', 'podSecurityVersion', 'allowedRegistries', 'tenants', 'monitoring', 'runtimeController',
    ...SECRET_KEYS, ...STACK_KEYS,
  );
  const gateway = root.child('gateway').only(
    'host', 'tlsSecret', 'jwt', 'tiers', 'redis', 'ipAllow', 'ipDeny', 'waf', 'promptProtection', 'tracing',
    'registryGroups', 'registryAuthSecret', 'mcpExportDomains', 'tokenLimits', 'istioApi',
  );
  const jwt = gateway.child('jwt').only('public', 'internal');
  const issuer = (name: 'public' | 'internal') => {
    const node = jwt.child(name).only('issuer', 'jwks');
    const jwks = node.reqStr('jwks', { hint: 'paste the JWKS JSON of the issuer (public keys only)' });
    try {
      if (!Array.isArray(JSON.parse(jwks).keys)) throw new Error('no "keys" array');
    } catch (e) {
      throw new ConfigError(`${node.key('jwks')}: not a JWKS document (${(e as Error).message}); paste the issuer's {"keys": [...]} JSON`);
    }
    return { issuer: node.reqStr('issuer', { pattern: /^https:\/\/\S+$/, hint: 'use the https:// issuer URL that tokens carry in "iss"' }), jwks };
  };

  const tiers: Record<string, { requestsPerMinute: number }> = {};
  for (const [name, node] of gateway.entries('tiers')) {
    node.only('requestsPerMinute');
    tiers[name] = { requestsPerMinute: node.num('requestsPerMinute', { min: 1, integer: true, hint: 'requests per minute per tenant route' }) ?? 0 };
    if (!tiers[name].requestsPerMinute) throw new ConfigError(`${node.key('requestsPerMinute')} is required`);
  }

  const redisNode = gateway.has('redis') ? gateway.child('redis').only('serviceName', 'servicePort') : undefined;
  const protectionNode = gateway.has('promptProtection')
    ? gateway.child('promptProtection').only('mode', 'denyWords', 'serviceName', 'serviceHost', 'accessKeyEnv', 'secretKeyEnv')
    : undefined;
  const tracingNode = gateway.has('tracing') ? gateway.child('tracing').only('service', 'port', 'sampling') : undefined;

  const nacos = root.child('nacos').only('replicas', 'image', 'authSecret', 'tokenTtlSeconds', 'storage', 'resources', 'heap', 'antiAffinity', 'highAvailability', 'protect');
  const highAvailability = nacos.bool('highAvailability') ?? false;
  const replicas = nacos.num('replicas', { integer: true, min: highAvailability ? 3 : 1, odd: true, hint: highAvailability ? 'highAvailability needs 3 or more servers for a JRaft majority' : 'JRaft needs a majority' });
  const storageNode = nacos.has('storage') ? nacos.child('storage').only('mode', 'size', 'storageClassName', 'host', 'port', 'database', 'secretName', 'params') : undefined;
  const storageMode = storageNode?.str('mode', { oneOf: ['embedded', 'mysql'] }) ?? 'embedded';
  const resources = nacos.has('resources') ? nacos.child('resources').only('cpuRequest', 'cpuLimit', 'memory') : undefined;

  const runtimeClasses = root.child('runtimeClasses').only('gvisor', 'gvisorNodeSelector', 'kata');
  const kata = runtimeClasses.has('kata') ? runtimeClasses.child('kata').only('handler', 'overhead') : undefined;

  const tenants = readTenants(root);
  const platform: AgentRuntimePlatformProps = {
    gatewayHost: gateway.reqStr('host', { pattern: DNS_NAME, hint: 'use the public host name of the gateway, e.g. agents.example.com' }),
    gatewayTlsSecret: gateway.str('tlsSecret'),
    clusterDomain: root.str('clusterDomain', { pattern: DNS_NAME, hint: 'e.g. cluster.local' }),
    podSecurityVersion: root.str('podSecurityVersion', { pattern: /^v1\.\d+$/, hint: 'pin a Kubernetes minor version, e.g. v1.33' }),
    allowedRegistries: root.strList('allowedRegistries'),
    tenantNamespaces: tenants.map((t) => t.name),
    gateway: {
      jwt: { public: issuer('public'), internal: issuer('internal') },
      rateLimitTiers: Object.keys(tiers).length ? tiers : undefined,
      redis: redisNode && { serviceName: redisNode.reqStr('serviceName'), servicePort: redisNode.num('servicePort', { integer: true, min: 1, max: 65535 }) },
      ipAllow: gateway.strList('ipAllow'),
      ipDeny: gateway.strList('ipDeny'),
      waf: gateway.bool('waf'),
      promptProtection: protectionNode && (protectionNode.reqStr('mode', { oneOf: ['data-masking', 'security-guard'] }) === 'data-masking'
        ? { mode: 'data-masking', denyWords: protectionNode.strList('denyWords') }
        : {
          mode: 'security-guard',
          serviceName: protectionNode.reqStr('serviceName'),
          serviceHost: protectionNode.reqStr('serviceHost'),
          accessKeyEnv: protectionNode.reqStr('accessKeyEnv'),
          secretKeyEnv: protectionNode.reqStr('secretKeyEnv'),
        }),
      tracing: tracingNode && {
        service: tracingNode.reqStr('service'),
        port: tracingNode.num('port', { integer: true, min: 1, max: 65535 }),
        sampling: tracingNode.num('sampling', { min: 0, max: 100, hint: 'percentage of requests traced' }) ?? 100,
      },
      registryGroups: gateway.strList('registryGroups'),
      registryAuthSecretName: gateway.str('registryAuthSecret'),
      mcpExportDomains: gateway.strList('mcpExportDomains'),
      istioApi: gateway.bool('istioApi'),
    },
    runtimeController: readRuntimeController(root),
    // The same key as monitoring.maxRetries: the platform hands it to tenants as a fact.
    maxRetries: root.child('monitoring').num('maxRetries', { integer: true, min: 0, max: 10 }),
    nacos: {
      replicas,
      image: nacos.str('image'),
      authSecretName: nacos.str('authSecret'),
      tokenTtlSeconds: nacos.num('tokenTtlSeconds', { integer: true, min: 60 }),
      heap: nacos.str('heap', { pattern: /^\d+[mg]$/, hint: 'a JVM size such as 1g or 768m' }),
      antiAffinity: nacos.str('antiAffinity', { oneOf: ['required', 'preferred'] }) as 'required' | 'preferred' | undefined
        ?? (highAvailability ? 'required' : 'preferred'),
      resources: resources && { cpuRequest: resources.str('cpuRequest'), cpuLimit: resources.str('cpuLimit'), memory: resources.str('memory') },
      storage: storageMode === 'embedded'
        ? { mode: 'embedded', size: storageNode?.str('size', { pattern: /^\d+(Mi|Gi|Ti)$/, hint: 'e.g. 10Gi' }), storageClassName: storageNode?.str('storageClassName') }
        : {
          mode: 'mysql',
          host: storageNode!.reqStr('host'),
          port: storageNode!.num('port', { integer: true, min: 1, max: 65535 }),
          database: storageNode!.reqStr('database'),
          secretName: storageNode!.reqStr('secretName', { hint: 'name the Secret with keys username and password' }),
          params: storageNode!.str('params'),
        },
    },
    runtimeClasses: {
      gvisor: runtimeClasses.bool('gvisor'),
      gvisorNodeSelector: runtimeClasses.strMap('gvisorNodeSelector'),
      kata: kata && { handler: kata.str('handler'), overhead: kata.has('overhead') ? readOverhead(kata.child('overhead')) : undefined },
    },
  };

  const monitoring = root.child('monitoring').only('prometheusOperator', 'dashboards', 'thresholds', 'maxRetries');
  const thresholds = monitoring.child('thresholds').only('a2aFailureRatio', 'a2aLatencyBudgetMs', 'gateway5xxRatio', 'quotaUsedRatio');
  const ratio = { min: 0, max: 1, hint: 'a ratio between 0 and 1' };

  const tokenLimits: PlatformConfig['tokenLimits'] = {};
  for (const [tier, node] of gateway.entries('tokenLimits')) {
    node.only('tokensPerMinute', 'tokensPerDay');
    if (!(tier in (platform.gateway.rateLimitTiers ?? { standard: {} }))) {
      throw new ConfigError(`${gateway.key('tokenLimits')}.${tier}: no such tier; define it under ${gateway.key('tiers')} first`);
    }
    tokenLimits[tier] = { tokensPerMinute: node.num('tokensPerMinute', { integer: true, min: 1 }), tokensPerDay: node.num('tokensPerDay', { integer: true, min: 1 }) };
  }

  const stack: Record<string, unknown> = {};
  for (const key of STACK_KEYS) if (root.has(key)) stack[key] = values[key];

  return {
    environment,
    platform,
    tenants,
    protectRegistry: nacos.bool('protect') ?? false,
    tokenLimits,
    monitoring: {
      prometheusOperator: monitoring.bool('prometheusOperator') ?? true,
      dashboards: monitoring.bool('dashboards') ?? true,
      thresholds: {
        a2aFailureRatio: thresholds.num('a2aFailureRatio', ratio) ?? 0.05,
        a2aLatencyBudgetMs: thresholds.num('a2aLatencyBudgetMs', { min: 1, integer: true }) ?? 2000,
        gateway5xxRatio: thresholds.num('gateway5xxRatio', ratio) ?? 0.02,
        quotaUsedRatio: thresholds.num('quotaUsedRatio', ratio) ?? 0.9,
      },
      maxRetries: monitoring.num('maxRetries', { integer: true, min: 0, max: 10 }) ?? 3,
    },
    stack,
  };
}

function readOverhead(node: ConfigNode): { cpu: string; memory: string } {
  node.only('cpu', 'memory');
  return { cpu: node.reqStr('cpu'), memory: node.reqStr('memory') };
}

/** `runtimeController`: the keys are the props of {@link RuntimeControllerSettings}. */
function readRuntimeController(root: ConfigNode): RuntimeControllerSettings | undefined {
  if (!root.has('runtimeController')) return undefined;
  const node = root.child('runtimeController').only('enabled', 'image', 'replicas', 'nacosAuthSecretName', 'issuerKeySecretName', 'tokenTtlSeconds', 'tokenAudience', 'identity', 'apiServer');
  const api = node.has('apiServer') ? node.child('apiServer').only('cidrs', 'ports') : undefined;
  const ports = api?.value.ports;
  if (api && (!Array.isArray(ports) || ports.some((p) => !Number.isInteger(p) || (p as number) < 1 || (p as number) > 65535))) {
    throw new ConfigError(`${api.key('ports')}: ${JSON.stringify(ports)} is not a list of TCP ports; e.g. [6443]`);
  }
  return {
    enabled: node.bool('enabled'),
    image: node.str('image'),
    replicas: node.num('replicas', { integer: true, min: 1, max: 5 }),
    nacosAuthSecretName: node.str('nacosAuthSecretName'),
    issuerKeySecretName: node.str('issuerKeySecretName'),
    tokenTtlSeconds: node.num('tokenTtlSeconds', { integer: true, min: 60, max: 86400, hint: 'seconds; tokens are rotated at 2/3 of it' }),
    tokenAudience: node.str('tokenAudience'),
    identity: node.bool('identity'),
    apiServer: api && { cidrs: api.strList('cidrs') ?? [], ports: ports as number[] },
  };
}
