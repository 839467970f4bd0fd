import { Construct } from 'constructs';
import { McpBridge, toJson_McpBridgeProps } from '../generated/imports/mcpbridge-networking.higress.io';
import {
  toJson_WasmPluginProps, WasmPlugin, WasmPluginSpecFailStrategy, WasmPluginSpecMatchRules, WasmPluginSpecPhase,
  WasmPluginSpecVmConfigEnv, WasmPluginSpecVmConfigEnvValueFrom,
} from '../generated/imports/wasmplugin-extensions.higress.io';
import { GATEWAY_OWNED_HEADERS, INTERNAL_AUDIENCE } from './contracts';
import { gatewayJwksProblems } from './gateway-jwks-checks';
import { LABEL } from './labels';
import { _emitTyped } from './_typed-manifest';

/** Where Higress' plugin images come from (`global.hub` + `global.pluginNamespace`). */
export const HIGRESS_PLUGIN_REGISTRY = 'oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins';

/**
 * A JWT issuer: tokens with this `iss` are checked against the inline JWKS. Higress' jwt-auth
 * takes `jwks` only as an inline string (plugins/wasm-cpp/extensions/jwt_auth/plugin.cc, v2.0.1 and
 * HEAD): it cannot fetch a JWKS URL, so an identity provider's key rotation needs a config update.
 */
export interface JwtIssuer {
  readonly issuer: string;
  /** The JWKS JSON document, inline. Public keys only, each with a `kid`. */
  readonly jwks: string;
  /**
   * The `aud` the gateway requires (jwt-auth consumer `claims`): tokens issued for another audience
   * are refused. The token's `aud` must be this single string (jwt-auth compares strings).
   * Internal tokens always carry {@link INTERNAL_AUDIENCE}; this applies to the public issuer.
   * @default - no audience check (refused in staging and prod)
   */
  readonly audience?: string;
}

/** A Redis that Higress can reach, for cluster-wide limits, quotas and caches. */
export interface GatewayRedis {
  /** A cluster Higress pushes, e.g. `redis.dns` (an McpBridge `dns` source) or `redis-stack-server.higress-system.svc.cluster.local`. */
  readonly serviceName: string;
  /** @default 6379 */
  readonly servicePort?: number;
}

/** Prompt protection: self-hosted masking, or Alibaba Cloud's content-security guard. */
export type PromptProtection =
  | { readonly mode: 'data-masking'; readonly denyWords?: readonly string[] }
  | {
    readonly mode: 'security-guard';
    readonly serviceName: string;
    readonly serviceHost: string;
    /**
     * Gateway environment variables holding the access key pair; the gateway Deployment
     * sets them from a Secret, so the keys never appear in this WasmPlugin.
     */
    readonly accessKeyEnv: string;
    readonly secretKeyEnv: string;
  };

/** OpenTelemetry tracing of the gateway (Helm values under `higress-core.tracing`). */
export interface GatewayTracing {
  /** OTLP gRPC collector Service, e.g. `otel-collector.observability.svc.cluster.local`. */
  readonly service: string;
  /** @default 4317 */
  readonly port?: number;
  /** Percentage of requests traced, 0-100. */
  readonly sampling: number;
}

/** Size and availability of the gateway pods (Helm values `higress-core.gateway.*`). */
export interface GatewayPods {
  /** Gateway replicas (without autoscaling). @default 2 (the chart's) */
  readonly replicas?: number;
  /** CPU per gateway pod, request = limit (Envoy is latency-sensitive). @default '2' (the chart's) */
  readonly cpu?: string;
  /** Memory per gateway pod, request = limit. @default '2Gi' (the chart's) */
  readonly memory?: string;
  /** HPA of the gateway on CPU. @default - none: fixed `replicas` */
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; /** @default 80 */ readonly targetCpuUtilization?: number };
  /** PodDisruptionBudget (minAvailable 1) of the gateway. @default true when more than one replica */
  readonly podDisruptionBudget?: boolean;
}

/** Props of {@link HigressConfig}. */
export interface HigressConfigProps {
  /** Higress system namespace: the only place McpBridge and WasmPlugins are read. @default 'higress-system' */
  readonly namespace?: string;
  /** Nacos client Service host and the Nacos namespaces Higress discovers services in. */
  readonly registry: {
    readonly host: string;
    readonly port: number;
    /** Nacos namespace ids to discover from, e.g. `['public', 'acme']`. */
    readonly namespaces: readonly string[];
    /** Nacos groups; empty would discover nothing. @default ['DEFAULT_GROUP'] */
    readonly groups?: readonly string[];
    /** Secret in the Higress namespace with `nacosUsername`/`nacosPassword`. @default 'higress-nacos-auth' */
    readonly authSecretName?: string;
    /** @default 30 */
    readonly refreshIntervalSeconds?: number;
  };
  /** Public (user-facing) and internal (agent-to-agent) issuers. */
  readonly jwt: { readonly public: JwtIssuer; readonly internal: JwtIssuer };
  /** Requests per minute per tier. */
  readonly rateLimitTiers: Readonly<Record<string, { readonly requestsPerMinute: number }>>;
  /**
   * Ingresses (`<namespace>/<name>`) of each tier, for cluster-wide limits. Without Redis,
   * tiers are enforced per gateway pod by the routes' own `route-limit-rpm` annotations.
   * @default {}
   */
  readonly tierRoutes?: Readonly<Record<string, readonly string[]>>;
  /** Redis for cluster-wide rate limits. @default - none: limits are local to each gateway pod */
  readonly redis?: GatewayRedis;
  /** Source IPs/CIDRs allowed; empty allows all. @default [] */
  readonly ipAllow?: readonly string[];
  /** Source IPs/CIDRs refused. @default [] */
  readonly ipDeny?: readonly string[];
  /** OWASP core rule set WAF. @default true */
  readonly waf?: boolean;
  /** @default { mode: 'data-masking' } */
  readonly promptProtection?: PromptProtection;
  /** @default - tracing off */
  readonly tracing?: GatewayTracing;
  /** Gateway pods: replicas, resources, HPA, PDB. @default - the chart's (2 replicas, 2 CPU, 2Gi) */
  readonly pods?: GatewayPods;
  /** Expose Nacos MCP servers through the gateway on these domains, behind the internal JWT. @default - not exposed */
  readonly mcpExportDomains?: readonly string[];
  /** @default HIGRESS_PLUGIN_REGISTRY */
  readonly pluginRegistry?: string;
}

/** Consumer names of the platform-wide JWT issuers, as `allow` lists name them. */
export const JWT_CONSUMERS = { public: 'public-users', internal: 'internal-services' } as const;

/**
 * Configures an installed Higress: the `default` McpBridge with a `nacos3` registry per
 * Nacos namespace, and gateway-wide WasmPlugins (JWT issuers, rate limits by tier, IP
 * restriction, WAF, prompt protection, AI statistics). Tracing goes into {@link helmValues},
 * because Higress reads it from its Helm values, not from a resource.
 *
 * @example new HigressConfig(chart, 'higress', { registry, jwt, rateLimitTiers: { free: { requestsPerMinute: 60 } } });
 */
export class HigressConfig extends Construct {
  public readonly namespace: string;
  /** Values for the `higress` Helm chart (tracing). */
  public readonly helmValues: Record<string, unknown>;
  private readonly pluginRegistry: string;
  private readonly redis?: GatewayRedis;
  private readonly rateLimitTiers: Readonly<Record<string, { readonly requestsPerMinute: number }>>;
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: HigressConfigProps) {
    super(scope, id);
    this.namespace = props.namespace ?? 'higress-system';
    this.pluginRegistry = props.pluginRegistry ?? HIGRESS_PLUGIN_REGISTRY;
    const groups = props.registry.groups ?? ['DEFAULT_GROUP'];
    if (groups.length === 0) {
      throw new Error('gateway.registry.groups: [] would make Higress discover nothing; list at least one Nacos group, e.g. ["DEFAULT_GROUP"]');
    }
    const refresh = props.registry.refreshIntervalSeconds ?? 30;
    if (refresh < 10) {
      throw new Error(`gateway.registry.refreshIntervalSeconds: ${refresh} is below Higress' floor of 10 seconds; use 10 or more`);
    }
    for (const [tier, limit] of Object.entries(props.rateLimitTiers)) {
      if (!Number.isInteger(limit.requestsPerMinute) || limit.requestsPerMinute <= 0) {
        throw new Error(`gateway.rateLimitTiers.${tier}.requestsPerMinute: ${limit.requestsPerMinute} is not allowed; use a positive integer`);
      }
    }
    if (props.tracing && !(props.tracing.sampling >= 0 && props.tracing.sampling <= 100)) {
      throw new Error(`gateway.tracing.sampling: ${props.tracing.sampling} is outside 0-100; give the percentage of requests to trace, e.g. 10`);
    }
    const labels = { [LABEL.role]: 'gateway-config', [LABEL.partOf]: 'agent-runtime' };
    const authSecretName = props.registry.authSecretName ?? 'higress-nacos-auth';

    _emitTyped(this, 'mcp-bridge', McpBridge.GVK, toJson_McpBridgeProps, {
      // Higress reads exactly one McpBridge: `default` in its own namespace.
      metadata: { name: 'default', namespace: this.namespace },
      spec: {
        registries: props.registry.namespaces.map((ns) => ({
          type: 'nacos3',
          name: ns === 'public' ? 'nacos' : `nacos-${ns}`,
          domain: props.registry.host,
          port: props.registry.port,
          nacosNamespaceId: ns,
          nacosGroups: [...groups],
          nacosRefreshInterval: refresh * 1_000_000_000, // nanoseconds
          authSecretName,
          ...(props.mcpExportDomains && ns === 'public'
            ? { enableMcpServer: true, mcpServerBaseUrl: '/mcp', mcpServerExportDomains: [...props.mcpExportDomains] }
            : {}),
        })),
      },
    }, labels);

    const keyProblems = gatewayJwksProblems([
      { key: 'gateway.jwt.public', jwks: props.jwt.public.jwks, needsAudience: true },
      { key: 'gateway.jwt.internal', jwks: props.jwt.internal.jwks, needsAudience: false },
    ], false);
    if (keyProblems.length) throw new Error(keyProblems.join('\n'));

    // Callers' copies of the headers the gateway writes go first, on every route: the transformer
    // (plugins/wasm-go/extensions/transformer, AUTHN phase) at priority 410 runs before jwt-auth
    // (AUTHN 340), which then adds X-Mse-Consumer and the caller header itself. Route-level
    // header control cannot do it: Envoy applies a route's request_headers_to_remove in the
    // router, after every plugin, so it would remove the plugins' values too.
    this.plugin('strip-gateway-headers', 'transformer:2.0.0', WasmPluginSpecPhase.AUTHN, 410, {
      reroute: false,
      reqRules: [{ operate: 'remove', headers: GATEWAY_OWNED_HEADERS.map((h) => ({ key: h.toLowerCase() })) }],
    }, [], labels);

    // Consumers of both issuers; routes opt in with `allow` lists (tenant plugins add their own).
    const audience = props.jwt.public.audience;
    this.plugin('jwt-auth', 'jwt-auth:2.0.0', WasmPluginSpecPhase.AUTHN, 340, {
      consumers: [
        { name: JWT_CONSUMERS.public, issuer: props.jwt.public.issuer, jwks: props.jwt.public.jwks, ...(audience ? { claims: { aud: audience } } : {}) },
        { name: JWT_CONSUMERS.internal, issuer: props.jwt.internal.issuer, jwks: props.jwt.internal.jwks, claims: { aud: INTERNAL_AUDIENCE } },
      ],
      global_auth: false,
    }, props.mcpExportDomains ? [{ domain: [...props.mcpExportDomains], config: { allow: [JWT_CONSUMERS.internal] } }] : [], labels);

    if ((props.ipAllow?.length ?? 0) + (props.ipDeny?.length ?? 0) > 0) {
      this.plugin('ip-restriction', 'ip-restriction:2.0.1', WasmPluginSpecPhase.AUTHN, 210, {
        ip_source_type: 'origin-source',
        ...(props.ipAllow?.length ? { allow: [...props.ipAllow] } : {}),
        ...(props.ipDeny?.length ? { deny: [...props.ipDeny] } : {}),
        status: 403,
        message: 'source address not allowed',
      }, [], labels);
    }

    if (props.waf ?? true) {
      this.plugin('waf', 'waf:2.0.1', WasmPluginSpecPhase.AUTHZ, 330, { useCRS: true, secRules: ['SecRuleEngine On'] }, [], labels);
    }

    const guard = props.promptProtection ?? { mode: 'data-masking' };
    if (guard.mode === 'data-masking') {
      this.plugin('ai-data-masking', 'ai-data-masking:2.0.1', WasmPluginSpecPhase.AUTHN, 991, {
        deny_openai: true,
        system_deny: true,
        deny_code: 200,
        deny_message: 'The request was blocked by the platform prompt policy.',
        ...(guard.denyWords?.length ? { deny_words: [...guard.denyWords] } : {}),
        replace_roles: [
          { regex: '[\\w.+-]+@[\\w-]+\\.[\\w.]+', type: 'replace', restore: true, value: '[email]' },
          { regex: '\\b\\d{13,19}\\b', type: 'replace', restore: false, value: '[card]' },
        ],
      }, [], labels);
    } else {
      this.plugin('ai-security-guard', 'ai-security-guard:2.0.1', WasmPluginSpecPhase.UNSPECIFIED_UNDERSCORE_PHASE, 300, {
        serviceName: guard.serviceName,
        serviceHost: guard.serviceHost,
        checkRequest: true,
        checkResponse: false,
        riskAction: 'block',
      }, [], labels, [
        { name: guard.accessKeyEnv, valueFrom: WasmPluginSpecVmConfigEnvValueFrom.HOST },
        { name: guard.secretKeyEnv, valueFrom: WasmPluginSpecVmConfigEnvValueFrom.HOST },
      ]);
    }

    this.plugin('ai-statistics', 'ai-statistics:2.0.1', WasmPluginSpecPhase.UNSPECIFIED_UNDERSCORE_PHASE, 900, {
      attributes: [
        { key: 'tenant', value_source: 'request_header', value: 'x-mse-consumer', apply_to_log: true, apply_to_span: true },
        { key: 'agent', value_source: 'request_header', value: 'x-agentruntime-agent', apply_to_log: true, apply_to_span: true },
        { key: 'a2a_trace_id', value_source: 'request_header', value: 'x-a2a-trace-id', apply_to_log: true, apply_to_span: true },
        { key: 'a2a_parent_agent', value_source: 'request_header', value: 'x-a2a-parent-agent', apply_to_log: true, apply_to_span: true },
      ],
    }, [], labels);

    this.redis = props.redis;
    this.rateLimitTiers = props.rateLimitTiers;
    this.labels = labels;
    this.limitTierRoutes(props.tierRoutes ?? {});

    const tracing = props.tracing;
    this.helmValues = {
      ...(props.pods ? _gatewayPodValues(props.pods) : {}),
      'higress-core': {
        ...(props.pods ? _gatewayPodValues(props.pods)['higress-core'] : {}),
        tracing: tracing
          ? {
            enable: true,
            sampling: tracing.sampling,
            timeout: 500,
            // Higress parses the port as a string; a bare number breaks the whole config.
            opentelemetry: { service: tracing.service, port: String(tracing.port ?? 4317) },
          }
          : { enable: false },
      },
    };
  }

  /**
   * Limits the tiers' routes cluster-wide through Redis (`cluster-key-rate-limit`, per consumer).
   * Without Redis, the routes' own `route-limit-rpm` annotations limit per gateway pod.
   * @example higress.limitTierRoutes({ free: ['acme/support-chat'] });
   */
  public limitTierRoutes(tierRoutes: Readonly<Record<string, readonly string[]>>): void {
    if (!this.redis) return;
    for (const [tier, routes] of Object.entries(tierRoutes)) {
      const limit = this.rateLimitTiers[tier];
      if (!limit) {
        throw new Error(`gateway.tierRoutes.${tier}: no such rate-limit tier; tiers: ${Object.keys(this.rateLimitTiers).join(', ')}`);
      }
      if (routes.length === 0) continue;
      // The limit applies only on the tier's routes: the rule carries the config, the default is off.
      this.plugin(`rate-limit-${tier}`, 'cluster-key-rate-limit:2.0.1', WasmPluginSpecPhase.UNSPECIFIED_UNDERSCORE_PHASE, 20, {}, [{
        ingress: [...routes],
        config: {
          rule_name: `tier-${tier}`,
          rule_items: [{ limit_by_per_consumer: '', limit_keys: [{ key: '*', query_per_minute: limit.requestsPerMinute }] }],
          show_limit_quota_header: true,
          rejected_code: 429,
          redis: { service_name: this.redis.serviceName, service_port: this.redis.servicePort ?? 6379 },
        },
      }], this.labels, undefined, true);
    }
  }

  private plugin(
    name: string, image: string, phase: WasmPluginSpecPhase, priority: number, defaultConfig: Record<string, unknown>,
    matchRules: WasmPluginSpecMatchRules[], labels: Record<string, string>,
    env?: WasmPluginSpecVmConfigEnv[], defaultConfigDisable = false,
  ): void {
    _emitTyped(this, name, WasmPlugin.GVK, toJson_WasmPluginProps, {
      metadata: { name, namespace: this.namespace },
      spec: {
        url: `${this.pluginRegistry}/${image}`,
        phase,
        priority,
        failStrategy: WasmPluginSpecFailStrategy.FAIL_UNDERSCORE_CLOSE,
        defaultConfig,
        ...(defaultConfigDisable ? { defaultConfigDisable: true } : {}),
        ...(matchRules.length ? { matchRules } : {}),
        ...(env ? { vmConfig: { env } } : {}),
      },
    }, labels);
  }
}

/** Helm values of the gateway pods; only what is set (the chart's defaults otherwise). */
export function _gatewayPodValues(p: GatewayPods): { 'higress-core': Record<string, unknown>; global?: Record<string, unknown> } {
  const where = 'gateway.pods';
  const replicas = p.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`${where}.replicas ${p.replicas} is not allowed; use a whole number >= 1 (3 in production)`);
  const a = p.autoscaling;
  if (a && !(Number.isInteger(a.minReplicas) && a.minReplicas >= 1 && Number.isInteger(a.maxReplicas) && a.maxReplicas >= a.minReplicas)) {
    throw new Error(`${where}.autoscaling: minReplicas ${a.minReplicas} / maxReplicas ${a.maxReplicas} are not allowed; use 1 <= minReplicas <= maxReplicas`);
  }
  const size = { ...(p.cpu ? { cpu: p.cpu } : {}), ...(p.memory ? { memory: p.memory } : {}) };
  const pdb = p.podDisruptionBudget ?? Math.max(replicas, a?.minReplicas ?? 0) > 1;
  return {
    'higress-core': {
      gateway: {
        ...(p.replicas !== undefined ? { replicas: p.replicas } : {}),
        ...(Object.keys(size).length ? { resources: { requests: { ...size }, limits: { ...size } } } : {}),
        ...(a ? { autoscaling: { enabled: true, minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, targetCPUUtilizationPercentage: a.targetCpuUtilization ?? 80 } } : {}),
      },
    },
    // Higress templates its gateway PDB from the Istio-style global switch.
    global: { defaultPodDisruptionBudget: { enabled: pdb } },
  };
}
