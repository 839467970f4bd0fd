import { Construct } from 'constructs';
import {
  toJson_WasmPluginProps, WasmPlugin, WasmPluginSpecFailStrategy, WasmPluginSpecMatchRules, WasmPluginSpecPhase,
} from '../../generated/imports/wasmplugin-extensions.higress.io';
import { _emitTyped } from '../_typed-manifest';
import { GatewayRedis, HIGRESS_PLUGIN_REGISTRY } from '../higress-config';
import { LABEL } from '../labels';
import { PropPath, PropProblems } from '../errors';

/** LLM token budget of one tenant tier, per tenant (jwt-auth consumer). */
export interface TokenTier {
  /** Tokens per minute per tenant. @default - no per-minute limit */
  readonly tokensPerMinute?: number;
  /** Tokens per day per tenant. @default - no per-day limit */
  readonly tokensPerDay?: number;
  /** Ingresses (`<namespace>/<name>`) of the tier's routes to model providers. */
  readonly routes: readonly string[];
}

/** Props of {@link TokenAccounting}. */
export interface TokenAccountingProps {
  /** Redis the gateway reaches; both plugins keep their counters there. Required: there is no local fallback. */
  readonly redis?: GatewayRedis;
  /** Token limits by tier name. @default {} */
  readonly tiers?: Readonly<Record<string, TokenTier>>;
  /**
   * Fixed token quotas per tenant with the `ai-quota` plugin (refilled by an admin consumer
   * through `<route>/quota/refresh`). Needs ai-statistics (the platform has it) and jwt-auth.
   * @default - no quotas
   */
  readonly quota?: {
    /** Consumer allowed to read and refill quotas, e.g. `internal-services`. */
    readonly adminConsumer: string;
    /** @default '/quota' */
    readonly adminPath?: string;
    /** Ingresses (`<namespace>/<name>`) the quota applies to. */
    readonly routes: readonly string[];
  };
  /** Higress system namespace. @default 'higress-system' */
  readonly namespace?: string;
  /** @default HIGRESS_PLUGIN_REGISTRY */
  readonly pluginRegistry?: string;
}

const _ROUTE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Token accounting at the gateway, per tenant tier: `ai-token-ratelimit` (tokens per minute
 * or day per tenant) and optionally `ai-quota` (a refillable fixed budget). Both plugins count
 * in Redis, so a Redis is required.
 *
 * @example new TokenAccounting(chart, 'tokens', { redis: { serviceName: 'redis.dns' }, tiers: { free: { tokensPerDay: 100000, routes: ['acme/llm'] } } });
 */
export class TokenAccounting extends Construct {
  /** Names of the WasmPlugins emitted. */
  public readonly pluginNames: readonly string[];

  constructor(scope: Construct, id: string, props: TokenAccountingProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'higress-system';
    const registry = props.pluginRegistry ?? HIGRESS_PLUGIN_REGISTRY;
    const tiers = props.tiers ?? {};
    const problems = new PropProblems(this, 'token accounting');
    if (!props.redis) {
      throw problems.fail(['redis'], undefined, 'is not set; ai-token-ratelimit and ai-quota keep their counters in Redis and have no local mode. '
        + 'Set redis: { serviceName: "redis-stack-server.higress-system.svc.cluster.local" } with Higress global.enableRedis=true, '
        + 'or point it at your Redis (a `dns` McpBridge source such as "redis.dns"), or leave token accounting off');
    }
    if (!props.redis.serviceName) {
      throw problems.fail(['redis', 'serviceName'], props.redis.serviceName, 'is empty; give the Redis cluster Higress pushes, e.g. "redis.dns"');
    }
    const port = props.redis.servicePort ?? 6379;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw problems.fail(['redis', 'servicePort'], port, 'is not a TCP port; use 1-65535, e.g. 6379');
    }
    const redis = { service_name: props.redis.serviceName, service_port: port };
    const checkRoutes = (prop: PropPath, routes: readonly string[]) => {
      if (routes.length === 0) throw problems.fail(prop, undefined, 'is empty; list the Ingresses (<namespace>/<name>) it applies to, e.g. ["acme/llm"]');
      routes.forEach((r, i) => {
        if (!_ROUTE.test(r)) throw problems.fail([...prop, i], r, 'is not "<namespace>/<ingress>"; use e.g. "acme/llm"');
      });
    };
    const labels = { [LABEL.role]: 'gateway-config', [LABEL.partOf]: 'agent-runtime' };
    const names: string[] = [];
    const plugin = (name: string, image: string, priority: number, matchRules: WasmPluginSpecMatchRules[]) => {
      names.push(name);
      _emitTyped(this, name, WasmPlugin.GVK, toJson_WasmPluginProps, {
        metadata: { name, namespace },
        spec: {
          url: `${registry}/${image}`,
          phase: WasmPluginSpecPhase.UNSPECIFIED_UNDERSCORE_PHASE,
          priority,
          // A Redis outage must not take the LLM routes down with it.
          failStrategy: WasmPluginSpecFailStrategy.FAIL_UNDERSCORE_OPEN,
          defaultConfig: {},
          // Only the listed routes are limited: the rule carries the config, the default is off.
          defaultConfigDisable: true,
          matchRules,
        },
      }, labels);
    };

    for (const [tier, t] of Object.entries(tiers)) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(tier)) {
        throw problems.fail(['tiers', tier], undefined, 'is not a DNS label as a tier name; use lowercase, e.g. "standard"');
      }
      const limits: Record<string, number> = {};
      for (const [prop, key] of [['tokensPerMinute', 'token_per_minute'], ['tokensPerDay', 'token_per_day']] as const) {
        const v = t[prop];
        if (v === undefined) continue;
        if (!Number.isInteger(v) || v <= 0) {
          throw problems.fail(['tiers', tier, prop], v, 'is not allowed; use a positive integer number of tokens');
        }
        limits[key] = v;
      }
      if (Object.keys(limits).length === 0) {
        throw problems.fail(['tiers', tier], undefined, 'has no limit; set tokensPerMinute and/or tokensPerDay');
      }
      checkRoutes(['tiers', tier, 'routes'], t.routes);
      plugin(`ai-token-ratelimit-${tier}`, 'ai-token-ratelimit:2.0.1', 600, [{
        ingress: [...t.routes],
        config: {
          rule_name: `tokens-${tier}`,
          // One budget per consumer (tenant), the same numbers for every tenant of the tier.
          rule_items: [{ limit_by_per_consumer: '', limit_keys: [{ key: '*', ...limits }] }],
          rejected_code: 429,
          rejected_msg: `token budget of tier ${tier} exhausted`,
          redis,
        },
      }]);
    }

    if (props.quota) {
      if (!props.quota.adminConsumer) {
        throw problems.fail(['quota', 'adminConsumer'], undefined, 'is empty; name the jwt-auth consumer allowed to refill quotas, e.g. "internal-services"');
      }
      const adminPath = props.quota.adminPath ?? '/quota';
      if (!adminPath.startsWith('/')) {
        throw problems.fail(['quota', 'adminPath'], adminPath, 'must start with "/", e.g. "/quota"');
      }
      checkRoutes(['quota', 'routes'], props.quota.routes);
      plugin('ai-quota', 'ai-quota:2.0.1', 750, [{
        ingress: [...props.quota.routes],
        config: { redis_key_prefix: 'chat_quota:', admin_consumer: props.quota.adminConsumer, admin_path: adminPath, redis },
      }]);
    }
    this.pluginNames = names;
  }
}
