import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { _emit } from './_api-object';
import { _cidrEgressRules, _podsIn, _tcp, EgressCidr } from './_network-peers';
import { _parseQuantity } from './_quantity';
import { _assertPinnedImage, _isDnsLabel, _restrictedContainerSecurityContext, _restrictedPodSecurityContext } from './_security';
import { _emitAgentCardConfigMap, AgentCard, agentCard } from './agent-card';
import { agentKey, formatSkillRef, SkillRef } from './agent-directory';
import type { CanaryTraffic } from './canary-release';
import { ANNOTATION, LABEL } from './labels';
import { _emitAgentTokenSecret } from './runtime-controller';
import type { SandboxPool } from './sandbox-pool';
import {
  _cacheConfig, _checkSkillResilience, _describeVersions, _outlierDetection, _registerCanaryVersion, _ResolvedFallback,
  _skillRouteAnnotations, _versionsOf, A2A_CALLS_ENV, A2A_TRACE_HEADERS, AI_CACHE_PLUGIN_URL, formatSkillCall, parseSkillCall,
  SKILL_VERSION_HEADER, SkillCallSpec, SkillResilienceSpec,
} from './skill-resilience';
import { a2aConsumer, AGENT_METRICS_PORT, ITenantNamespace, PUBLIC_CONSUMER } from './tenant-namespace';

/** Port every agent serves A2A on (kagent serves declarative agents on 8080 too). */
export const A2A_PORT = 8080;

/** `app.kubernetes.io/component` of declarative (kagent) agent pods. */
export const DECLARATIVE_COMPONENT = 'declarative-agent';

/** `app.kubernetes.io/component` of bring-your-own agent pods. */
export const BYO_COMPONENT = 'byo-agent';

/** A skill the agent offers (published in its AgentCard and routed on the gateway), with its resilience. */
export interface AgentSkillSpec extends SkillResilienceSpec {
  /** Skill id, a DNS label (it is part of a route path and an Ingress name). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** A2A tags; at least one. */
  readonly tags: readonly string[];
  /** @default - none */
  readonly examples?: readonly string[];
}

/** Model of a declarative agent (kagent `ModelConfig`). */
export interface ModelSpec {
  /** @default 'OpenAI' */
  readonly provider?: 'OpenAI' | 'Anthropic';
  readonly model: string;
  /** Secret (same namespace) and key holding the API key. */
  readonly apiKeySecret: { readonly name: string; readonly key: string };
  /** @default - the provider's public endpoint */
  readonly baseUrl?: string;
  /** @default - provider default */
  readonly temperature?: number;
  /** @default - provider default */
  readonly topP?: number;
  /** @default - provider default */
  readonly maxTokens?: number;
  /** Request timeout in seconds (OpenAI-compatible providers only). @default - provider default */
  readonly timeoutSeconds?: number;
  /** Extra headers sent to the provider. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A remote MCP server a declarative agent uses (kagent `RemoteMCPServer`). */
export interface McpServerSpec {
  /** DNS label, unique within the agent. */
  readonly name: string;
  readonly url: string;
  /** @default '<name> MCP server' */
  readonly description?: string;
  /** @default 'STREAMABLE_HTTP' */
  readonly protocol?: 'STREAMABLE_HTTP' | 'SSE';
  /** @default '30s' */
  readonly timeout?: string;
  /** Auth headers read from Secrets. @default - none */
  readonly headersFromSecret?: ReadonlyArray<{ readonly header: string; readonly secretName: string; readonly key: string }>;
  /** Tools the agent may use. @default - all tools of the server */
  readonly toolNames?: readonly string[];
}

/** A declarative agent: kagent runs it from a model, a prompt and tools. */
export interface DeclarativeAgentSpec {
  readonly model: ModelSpec;
  /** Inline system prompt; exactly one of this and `systemMessageFrom`. */
  readonly systemMessage?: string;
  /** System prompt from a ConfigMap of the tenant. */
  readonly systemMessageFrom?: { readonly configMap: string; readonly key: string };
  /** @default - none */
  readonly mcpServers?: readonly McpServerSpec[];
  /** @default 'python' */
  readonly runtime?: 'python' | 'go';
}

/** A bring-your-own agent: your image serving A2A on port 8080. */
export interface ByoAgentSpec {
  /** Pinned image (`:latest` and untagged images are refused). */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - none */
  readonly args?: readonly string[];
  /** @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Readiness path. @default '/.well-known/agent-card.json' */
  readonly readinessPath?: string;
  /** Non-root UID of the container. @default 1000 */
  readonly runAsUser?: number;
}

/** Where Prometheus scrapes the agent (container port named `metrics`). */
export interface AgentMetrics {
  /** Container port of the metrics endpoint. @default 9090 */
  readonly port?: number;
  /** HTTP path (pod annotation `agentruntime.io/metrics-path`). @default '/metrics' */
  readonly path?: string;
}

/** Per-replica resources. */
export interface AgentResources {
  /** @default '125m' (limit/request within the 4x the policy allows) */
  readonly cpu?: string;
  /** @default '256Mi' */
  readonly memory?: string;
  /** @default '500m' */
  readonly cpuLimit?: string;
  /** @default '512Mi' */
  readonly memoryLimit?: string;
  /** NVIDIA GPUs per replica. @default 0 */
  readonly gpus?: number;
}

/** A KEDA trigger (`ScaledObject.spec.triggers[]`). */
export interface KedaTrigger {
  readonly type: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Name of a TriggerAuthentication. @default - none */
  readonly authenticationRef?: string;
}

/** Replicas and autoscaling. */
export interface AgentScaling {
  /** 0 scales to zero through KEDA. @default 1 */
  readonly minReplicas?: number;
  /** @default max(3, minReplicas) */
  readonly maxReplicas?: number;
  /** HPA CPU target, percent. @default 70 */
  readonly targetCpuUtilization?: number;
  /** KEDA trigger; required when minReplicas is 0 (KEDA needs demand to wake the agent). */
  readonly trigger?: KedaTrigger;
  /** Seconds idle before scaling to zero. @default 300 */
  readonly cooldownSeconds?: number;
}

/** Props of {@link Agent}. */
export interface AgentProps {
  /** Owning tenant. */
  readonly tenant: ITenantNamespace;
  /** Agent name, a DNS label unique within the tenant. */
  readonly name: string;
  /** @default '<name> agent' */
  readonly description?: string;
  /** AgentCard version. @default '1.0.0' */
  readonly version?: string;
  /** Skills (at least one). */
  readonly skills: readonly AgentSkillSpec[];
  /** Declarative agent (kagent); exactly one of `declarative` and `byo`. */
  readonly declarative?: DeclarativeAgentSpec;
  /** Bring-your-own agent (Deployment + Service). */
  readonly byo?: ByoAgentSpec;
  /**
   * Skills of other agents this one calls: `tenant/agent#skill`, `tenant/agent#skill@1.2.0` (pinned
   * version), `other.skill('id')`, or `{ ...ref, version, fallbackVersion, timeoutSeconds, retries }`.
   * @default - none
   */
  readonly calls?: ReadonlyArray<string | SkillRef | SkillCallSpec>;
  /** Metrics endpoint. @default { port: 9090, path: '/metrics' } */
  readonly metrics?: AgentMetrics;
  /** @default - 1 to 3 replicas on CPU */
  readonly scaling?: AgentScaling;
  /** @default - see {@link AgentResources} */
  readonly resources?: AgentResources;
  /** Sandbox pool of the same tenant the agent may claim sandboxes from. @default - none */
  readonly sandboxPool?: SandboxPool;
  /** Destinations outside the cluster (LLM APIs, MCP servers) by CIDR. @default - none */
  readonly egress?: readonly EgressCidr[];
  /** Streaming capability in the AgentCard. @default false */
  readonly streaming?: boolean;
  /** Canary track; set by {@link CanaryRelease}. @default 'stable' */
  readonly track?: 'stable' | 'canary';
  /** Canary routing; only with `track: 'canary'`, set by {@link CanaryRelease}. @default - none */
  readonly canaryTraffic?: CanaryTraffic;
}

/**
 * One agent of a tenant: a kagent declarative agent or your own image, its A2A routes on the
 * gateway, autoscaling, AgentCard, and the NetworkPolicy/JWT rules of the calls it declares.
 *
 * @example
 * const search = tenant.addAgent({
 *   name: 'search',
 *   byo: { image: 'ghcr.io/acme/search:1.4.2' },
 *   skills: [{ id: 'web', name: 'Web search', description: 'Searches the web', tags: ['search'] }],
 * });
 * other.addAgent({ name: 'orchestrator', declarative: {...}, calls: [search.skill('web'), 'beta/billing#refund'], skills: [...] });
 */
export class Agent extends Construct {
  public readonly tenant: ITenantNamespace;
  /** Agent name. */
  public readonly name: string;
  /** `tenant/agent`. */
  public readonly key: string;
  public readonly version: string;
  public readonly track: 'stable' | 'canary';
  /** `declarative` (kagent) or `byo`. */
  public readonly kind: 'declarative' | 'byo';
  /** Name of the workload, Service and scaler (`<name>`, or `<name>-canary`). */
  public readonly workloadName: string;
  /** ServiceAccount of both tracks (`<name>`): a canary must run with the stable track's identity. */
  public readonly serviceAccountName: string;
  /** Labels selecting this track's pods. */
  public readonly podLabels: Readonly<Record<string, string>>;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  /** The AgentCard of this version, as data. */
  public readonly card: AgentCard;
  /** Declared calls. */
  public readonly calls: readonly SkillRef[];
  /** Declared calls with their pinned versions and client settings. */
  public readonly callSpecs: readonly SkillCallSpec[];
  /** Metrics port and path. */
  public readonly metrics: Required<AgentMetrics>;
  /** Names of the Ingresses: chat route and one per skill. */
  public readonly ingressNames: { readonly chat: string; readonly skills: Readonly<Record<string, string>> };
  public readonly sandboxPool?: SandboxPool;

  private readonly skillIds: readonly string[];
  private readonly labels: Record<string, string>;
  private readonly canaryTraffic?: CanaryTraffic;
  private a2aIngress?: ApiObject;
  private readonly skills: readonly AgentSkillSpec[];
  private readonly fallbacks: Readonly<Record<string, _ResolvedFallback>>;

  constructor(scope: Construct, id: string, props: AgentProps) {
    super(scope, id);
    const t = props.tenant;
    const where = `agent ${this.node.path}`;
    if (!_isDnsLabel(props.name ?? '')) {
      throw new Error(`${where}: agent name "${props.name}" is not a DNS label; use lowercase letters, digits and '-', e.g. "${String(props.name).toLowerCase().replace(/[^a-z0-9-]/g, '-')}"`);
    }
    if (props.name.length > 40) {
      throw new Error(`${where}: agent name "${props.name}" is ${props.name.length} characters; use at most 40 (object names add suffixes such as "-canary-a2a-<skill>")`);
    }
    this.tenant = t;
    this.name = props.name;
    this.key = agentKey(t.name, props.name);
    this.version = props.version ?? '1.0.0';
    this.track = props.track ?? 'stable';
    if (props.canaryTraffic && this.track !== 'canary') {
      throw new Error(`${where}: canaryTraffic is set on the stable track; only the canary track routes by weight, header or cookie (use CanaryRelease)`);
    }
    if (!!props.declarative === !!props.byo) {
      throw new Error(`${where}: set exactly one of "declarative" (kagent) and "byo" (your image); got ${props.declarative ? 'both' : 'neither'}`);
    }
    this.kind = props.declarative ? 'declarative' : 'byo';
    this.canaryTraffic = props.canaryTraffic;
    this.workloadName = this.track === 'canary' ? `${props.name}-canary` : props.name;
    this.serviceAccountName = props.name;
    this.skillIds = this._checkSkills(props.skills, where);
    this.callSpecs = (props.calls ?? []).map((c, i) => this._checkCall(parseSkillCall(c, `${where}: calls[${i}]`), i, where));
    this.calls = this.callSpecs.map((c) => ({ tenant: c.tenant, agent: c.agent, skill: c.skill }));
    this.skills = props.skills;
    const fallbacks: Record<string, _ResolvedFallback> = {};
    for (const s of props.skills) {
      const f = _checkSkillResilience(s, {
        where, tenant: t.name, agent: props.name, skillIds: this.skillIds, maxRetries: t.maxRetries,
        redis: !!t.platform.redis, istioApi: !!t.platform.istioApi,
      });
      if (f) {
        if (f.kind === 'skill' && f.ref.agent === props.name && f.ref.skill === s.id) {
          throw new Error(`${where}: skill "${s.id}" falls back to itself; name another skill or a version ("@1.2.0")`);
        }
        fallbacks[s.id] = f;
      }
    }
    this.fallbacks = fallbacks;
    const metrics = props.metrics ?? {};
    this.metrics = { port: metrics.port ?? AGENT_METRICS_PORT, path: metrics.path ?? '/metrics' };
    if (!Number.isInteger(this.metrics.port) || this.metrics.port < 1 || this.metrics.port > 65535 || this.metrics.port === A2A_PORT) {
      throw new Error(`${where}: metrics.port ${this.metrics.port} is not allowed; use a TCP port other than the A2A port ${A2A_PORT}, e.g. ${AGENT_METRICS_PORT}`);
    }
    if (!/^\/\S*$/.test(this.metrics.path)) {
      throw new Error(`${where}: metrics.path "${this.metrics.path}" is not an absolute HTTP path; use e.g. "/metrics"`);
    }
    t._useMetricsPort(this.metrics.port);
    this.sandboxPool = props.sandboxPool;

    // Scaling: HPA from 1, KEDA to 0; replicas stay unset on the workload either way.
    const scaling = props.scaling ?? {};
    this.minReplicas = scaling.minReplicas ?? 1;
    this.maxReplicas = scaling.maxReplicas ?? Math.max(3, this.minReplicas);
    if (!Number.isInteger(this.minReplicas) || this.minReplicas < 0) {
      throw new Error(`${where}: scaling.minReplicas ${this.minReplicas} is not allowed; use 0 (scale to zero) or more`);
    }
    if (!Number.isInteger(this.maxReplicas) || this.maxReplicas < Math.max(1, this.minReplicas)) {
      throw new Error(`${where}: scaling.maxReplicas ${this.maxReplicas} is below minReplicas ${this.minReplicas} (or 1); use at least ${Math.max(1, this.minReplicas)}`);
    }
    if (this.minReplicas === 0 && !scaling.trigger) {
      throw new Error(`${where}: scaling.minReplicas is 0 but no scaling.trigger is set; KEDA needs a trigger to wake the agent, e.g. { type: 'prometheus', metadata: { serverAddress, query, threshold } }`);
    }

    this.labels = t.labelsFor('agent', props.name, { [LABEL.agent]: props.name, [LABEL.version]: this.version, [LABEL.track]: this.track });
    this.podLabels = { [LABEL.tenant]: t.name, [LABEL.agent]: props.name, [LABEL.track]: this.track };
    const podLabels = { ...this.labels, ...this.podLabels, [LABEL.component]: this.kind === 'declarative' ? DECLARATIVE_COMPONENT : BYO_COMPONENT };

    this.ingressNames = {
      chat: `${this.workloadName}-chat`,
      skills: Object.fromEntries(this.skillIds.map((s) => [s, `${this.workloadName}-a2a-${s}`])),
    };
    const base = `https://${t.platform.gatewayHost}`;
    this.card = agentCard({
      name: props.name,
      description: props.description ?? `${props.name} agent`,
      version: this.version,
      url: `${base}${this._chatPath()}`,
      skills: props.skills.map((s) => ({ id: s.id, name: s.name, description: s.description, tags: s.tags, ...(s.examples ? { examples: s.examples } : {}) })),
      streaming: props.streaming,
      path: where,
    });

    const resources = this._resources(props.resources ?? {}, where);
    // The stable track owns the shared ServiceAccount.
    if (this.track !== 'canary') this._serviceAccount();
    if (props.declarative) {
      t._useKagent();
      this._declarative(props.declarative, resources, podLabels, props.description ?? `${props.name} agent`, props.skills, where);
    } else {
      _assertPinnedImage(props.byo!.image, `${where}: byo.image`, t.platform.allowedRegistries);
      this._byo(props.byo!, resources, podLabels);
    }
    this._scaling(scaling);
    this._routes();
    this._egress(props.egress ?? [], where);
    this.sandboxPool?._addUser(this);
    if (this.sandboxPool) this._sandboxClaimsRbac(this.sandboxPool);

    _emitAgentCardConfigMap(this, 'agent-card', {
      card: this.card,
      name: `${this.workloadName}-agent-card`,
      namespace: t.namespace,
      nacosNamespace: t.nacosNamespaceId,
      setAsLatest: this.track === 'stable',
      labels: this.labels,
    });
    // The Secret the agent-runtime controller writes this track's identity token into.
    if (t.platform.runtimeController) _emitAgentTokenSecret(this, { namespace: t.namespace, agent: props.name, track: this.track, labels: this.labels });

    // Stable owns the directory entry and the callee side of A2A calls; canary shares both.
    if (this.track === 'stable') {
      t.directory.register({
        tenant: t.name,
        agent: props.name,
        namespace: t.namespace,
        serviceHost: `${props.name}.${t.namespace}.svc.${t.platform.clusterDomain}`,
        servicePort: A2A_PORT,
        podLabels: { [LABEL.tenant]: t.name, [LABEL.agent]: props.name },
        skills: this.card.skills.map((s) => ({ id: s.id, name: s.name, description: s.description, tags: s.tags })),
        version: this.version,
      }, this);
      t.directory.onCall(this.key, () => this._ensureA2aIngress());
    }
    if (this.track === 'canary') _registerCanaryVersion(t.directory, this.key, this.version);
    for (const ref of this.calls) t.directory.addCall(this.key, ref);
    this._resilienceObjects();

    t._addWorkload({
      kind: 'agent', name: props.name, track: this.track, path: this.node.path,
      footprint: {
        pods: this.maxReplicas,
        requestsCpu: resources.n.cpu * this.maxReplicas,
        requestsMemory: resources.n.memory * this.maxReplicas,
        limitsCpu: resources.n.cpuLimit * this.maxReplicas,
        limitsMemory: resources.n.memoryLimit * this.maxReplicas,
        gpus: resources.n.gpus * this.maxReplicas,
      },
    });
    this.node.addValidation({ validate: () => this._validate() });
  }

  /**
   * A typed reference to one of this agent's skills, for another agent's `calls`.
   *
   * @example orchestrator = tenant.addAgent({ ..., calls: [search.skill('web')] })
   */
  public skill(id: string): SkillRef {
    if (!this.skillIds.includes(id)) {
      throw new Error(`agent "${this.key}" has no skill "${id}"; its skills are ${this.skillIds.map((s) => `"${s}"`).join(', ')}`);
    }
    return { tenant: this.tenant.name, agent: this.name, skill: id };
  }

  /** Public chat route path. */
  public _chatPath(): string {
    return `/api/v1/agents/${this.tenant.name}/${this.name}/chat`;
  }

  /** Internal A2A route path of a skill. */
  public _skillPath(skill: string): string {
    return `/api/v1/internal/a2a/${this.tenant.name}/${this.name}/${skill}`;
  }

  private _checkCall(c: SkillCallSpec, i: number, where: string): SkillCallSpec {
    const at = `${where}: calls[${i}] "${formatSkillCall(c)}"`;
    const max = this.tenant.maxRetries;
    if (c.retries !== undefined && (!Number.isInteger(c.retries) || c.retries < 0 || c.retries > max)) {
      throw new Error(`${at}: retries ${c.retries} is above the maximum of ${max} (maxRetries of tenant "${this.tenant.name}") or not a whole number; use 0 to ${max}`);
    }
    if (c.timeoutSeconds !== undefined && (!Number.isInteger(c.timeoutSeconds) || c.timeoutSeconds < 1)) {
      throw new Error(`${at}: timeoutSeconds ${c.timeoutSeconds} is not allowed; use a whole number of seconds >= 1`);
    }
    if (c.fallbackVersion !== undefined && !c.version) {
      throw new Error(`${at}: fallbackVersion "${c.fallbackVersion}" is set without a pinned version; pin one, e.g. "${formatSkillCall({ ...c, version: '1.2.0' })}"`);
    }
    if (c.fallbackVersion !== undefined && c.fallbackVersion === c.version) {
      throw new Error(`${at}: fallbackVersion equals the pinned version "${c.version}"; name another deployed version`);
    }
    return c;
  }

  /**
   * Environment the platform sets on the agent container: OpenTelemetry export (when the
   * platform traces) and the caller's call settings (when a call pins a version or sets a
   * timeout or retries), as JSON in `A2A_CALLS`.
   */
  private _platformEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    const tracing = this.tenant.platform.tracing;
    if (tracing) {
      env.OTEL_EXPORTER_OTLP_ENDPOINT = tracing.endpoint;
      env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
      env.OTEL_SERVICE_NAME = `${this.tenant.name}.${this.name}`;
      env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
      env.OTEL_TRACES_SAMPLER_ARG = String(tracing.samplingPercent / 100);
      env.OTEL_PROPAGATORS = 'tracecontext,baggage';
      env.OTEL_RESOURCE_ATTRIBUTES = [
        `service.namespace=${this.tenant.name}`, `service.version=${this.version}`,
        `agentruntime.tenant=${this.tenant.name}`, `agentruntime.agent=${this.name}`, `agentruntime.track=${this.track}`,
      ].join(',');
    }
    const tuned = this.callSpecs.filter((c) => c.version || c.timeoutSeconds !== undefined || c.retries !== undefined);
    if (tuned.length) {
      const host = this.tenant.platform.gatewayHost;
      env[A2A_CALLS_ENV] = JSON.stringify(tuned.map((c) => ({
        ref: `${c.tenant}/${c.agent}#${c.skill}`,
        url: `https://${host}/api/v1/internal/a2a/${c.tenant}/${c.agent}/${c.skill}`,
        ...(c.version ? { headers: { [SKILL_VERSION_HEADER]: c.version } } : {}),
        ...(c.fallbackVersion ? { fallbackHeaders: { [SKILL_VERSION_HEADER]: c.fallbackVersion } } : {}),
        ...(c.timeoutSeconds !== undefined ? { timeoutSeconds: c.timeoutSeconds } : {}),
        ...(c.retries !== undefined ? { retries: c.retries } : {}),
      })));
    }
    return env;
  }

  /** Pod annotations: where the metrics are (read by the agent PodMonitor). */
  private _podAnnotations(): Record<string, string> {
    return { 'agentruntime.io/metrics-path': this.metrics.path };
  }

  /** ai-cache rules of cached skills and the circuit breaker of this track's Service. */
  private _resilienceObjects(): void {
    const t = this.tenant;
    const f = t.platform;
    const cached = this.skills.filter((s) => s.cacheTtlSeconds !== undefined);
    if (cached.length && f.redis) {
      // Only WasmPlugins in the gateway namespace are applied; no defaultConfig, so only these routes cache.
      // No phase: the plugin runs after jwt-auth (AUTHN), so a cached answer is never served to an unauthorized caller.
      _emit(this, 'ai-cache', {
        apiVersion: 'extensions.higress.io/v1alpha1', kind: 'WasmPlugin',
        metadata: { name: `ai-cache-${t.name}-${this.workloadName}`, namespace: f.gatewayNamespace },
        spec: {
          url: AI_CACHE_PLUGIN_URL,
          priority: 800,
          failStrategy: 'FAIL_OPEN',
          defaultConfigDisable: true,
          matchRules: cached.map((s) => ({
            ingress: [`${t.namespace}/${this.ingressNames.skills[s.id]}`],
            config: _cacheConfig(f.redis!, s.cacheTtlSeconds!, `a2a:${t.name}/${this.name}@${this.version}#${s.id}:`),
          })),
        },
      }, { ...this.labels, [LABEL.role]: 'gateway-config' });
    }
    const breakers = this.skills.filter((s) => s.circuitBreaker);
    if (breakers.length) {
      const rules = breakers.map((s) => JSON.stringify(_outlierDetection(s.circuitBreaker!)));
      if (new Set(rules).size > 1) {
        throw new Error(`agent ${this.node.path}: skills ${breakers.map((s) => `"${s.id}"`).join(', ')} declare different circuitBreaker settings, but one agent Service has one; declare the same settings on each (or on one skill)`);
      }
      _emit(this, 'circuit-breaker', {
        apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule',
        metadata: this._meta(`${this.workloadName}-circuit-breaker`),
        spec: {
          host: `${this.workloadName}.${t.namespace}.svc.${f.clusterDomain}`,
          trafficPolicy: { outlierDetection: _outlierDetection(breakers[0].circuitBreaker!) },
        },
      }, this.labels);
    }
  }

  private _checkSkills(skills: readonly AgentSkillSpec[] | undefined, where: string): string[] {
    if (!skills || skills.length === 0) {
      throw new Error(`${where}: an agent needs at least one skill; add e.g. { id: 'answer', name: 'Answer', description: '...', tags: ['qa'] }`);
    }
    const ids: string[] = [];
    skills.forEach((s, i) => {
      if (!_isDnsLabel(s.id) || s.id.length > 20) {
        throw new Error(`${where}: skills[${i}].id "${s.id}" is not allowed; use a DNS label of at most 20 characters, e.g. "web-search"`);
      }
      if (ids.includes(s.id)) {
        throw new Error(`${where}: skill id "${s.id}" is declared twice; skill ids must be unique within an agent`);
      }
      if (!s.tags || s.tags.length === 0) {
        throw new Error(`${where}: skills[${i}] "${s.id}" has no tags; A2A requires at least one, e.g. tags: ['${s.id}']`);
      }
      ids.push(s.id);
    });
    return ids;
  }

  private _resources(r: AgentResources, where: string) {
    const s = { cpu: r.cpu ?? '125m', memory: r.memory ?? '256Mi', cpuLimit: r.cpuLimit ?? '500m', memoryLimit: r.memoryLimit ?? '512Mi' };
    const n = {
      cpu: _parseQuantity(s.cpu, `${where}: resources.cpu`),
      memory: _parseQuantity(s.memory, `${where}: resources.memory`),
      cpuLimit: _parseQuantity(s.cpuLimit, `${where}: resources.cpuLimit`),
      memoryLimit: _parseQuantity(s.memoryLimit, `${where}: resources.memoryLimit`),
      gpus: r.gpus ?? 0,
    };
    if (n.cpu > n.cpuLimit || n.memory > n.memoryLimit) {
      throw new Error(`${where}: resources request more than their limit (cpu ${s.cpu} / ${s.cpuLimit}, memory ${s.memory} / ${s.memoryLimit}); raise the limit or lower the request`);
    }
    const gpu = n.gpus > 0 ? { 'nvidia.com/gpu': String(n.gpus) } : {};
    return {
      n,
      spec: {
        requests: { cpu: s.cpu, memory: s.memory, ...gpu },
        limits: { cpu: s.cpuLimit, memory: s.memoryLimit, ...gpu },
      },
    };
  }

  private _meta(name: string, extra: Record<string, unknown> = {}) {
    return { name, namespace: this.tenant.namespace, ...extra };
  }

  /**
   * Workload annotations for reviews: the declared calls, and why the workload needs the
   * Kubernetes API (only agents that claim sandboxes get a token).
   */
  private _callsAnnotation(): Record<string, unknown> {
    const annotations: Record<string, string> = {
      ...(this.calls.length ? { [ANNOTATION.calls]: this.calls.map(formatSkillRef).join(',') } : {}),
      ...(this.sandboxPool ? { [ANNOTATION.needsKubernetesApi]: `claims sandboxes of pool ${this.sandboxPool.name}` } : {}),
    };
    return Object.keys(annotations).length ? { annotations } : {};
  }

  private _serviceAccount(): void {
    _emit(this, 'service-account', {
      apiVersion: 'v1', kind: 'ServiceAccount',
      metadata: this._meta(this.serviceAccountName),
      automountServiceAccountToken: false,
    }, this.labels);
  }

  private _byo(byo: ByoAgentSpec, resources: ReturnType<Agent['_resources']>, podLabels: Record<string, string>): void {
    const pool = this.sandboxPool;
    // Only agents that claim sandboxes get an API token, short-lived and projected explicitly.
    const tokenVolume = pool ? [{ name: 'api-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }] : [];
    const tokenMount = pool ? [{ name: 'api-token', mountPath: '/var/run/secrets/agentruntime', readOnly: true }] : [];
    const platformEnv = this._platformEnv();
    for (const name of Object.keys(byo.env ?? {})) {
      if (name in platformEnv) {
        throw new Error(`agent ${this.node.path}: byo.env.${name} is set by the platform (tracing and call settings); remove it from byo.env`);
      }
    }
    const env = { ...byo.env, ...(pool ? { SANDBOX_WARM_POOL: pool.warmPoolName, SANDBOX_NAMESPACE: this.tenant.namespace } : {}), ...platformEnv };
    _emit(this, 'deployment', {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: this._meta(this.workloadName, this._callsAnnotation()),
      spec: {
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: { labels: podLabels, annotations: this._podAnnotations() },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: _restrictedPodSecurityContext(byo.runAsUser ?? 1000),
            containers: [{
              name: 'agent',
              image: byo.image,
              ...(byo.command ? { command: [...byo.command] } : {}),
              ...(byo.args ? { args: [...byo.args] } : {}),
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              ports: [
                { name: 'a2a', containerPort: A2A_PORT, protocol: 'TCP' },
                { name: 'metrics', containerPort: this.metrics.port, protocol: 'TCP' },
              ],
              resources: resources.spec,
              securityContext: _restrictedContainerSecurityContext(),
              readinessProbe: { httpGet: { path: byo.readinessPath ?? '/.well-known/agent-card.json', port: 'a2a' }, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: 'a2a' }, initialDelaySeconds: 10, periodSeconds: 20 },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...tokenMount],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }, ...tokenVolume],
          },
        },
      },
    }, this.labels);
    _emit(this, 'service', {
      apiVersion: 'v1', kind: 'Service',
      metadata: this._meta(this.workloadName),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podLabels },
        ports: [{ name: 'a2a', port: A2A_PORT, targetPort: 'a2a', protocol: 'TCP' }],
      },
    }, this.labels);
  }

  private _declarative(d: DeclarativeAgentSpec, resources: ReturnType<Agent['_resources']>, podLabels: Record<string, string>,
    description: string, skills: readonly AgentSkillSpec[], where: string): void {
    if (!!d.systemMessage === !!d.systemMessageFrom) {
      throw new Error(`${where}: set exactly one of declarative.systemMessage (inline) and declarative.systemMessageFrom ({ configMap, key }); got ${d.systemMessage ? 'both' : 'neither'}`);
    }
    const modelName = `${this.workloadName}-model`;
    this._modelConfig(modelName, d.model, where);
    const tools = (d.mcpServers ?? []).map((m, i) => {
      if (!_isDnsLabel(m.name)) {
        throw new Error(`${where}: declarative.mcpServers[${i}].name "${m.name}" is not a DNS label; use e.g. "github"`);
      }
      if (!/^https?:\/\/[^/\s]+/.test(m.url)) {
        throw new Error(`${where}: declarative.mcpServers[${i}].url "${m.url}" is not an http(s) URL`);
      }
      const name = `${this.workloadName}-${m.name}`;
      _emit(this, `mcp-${m.name}`, {
        apiVersion: 'kagent.dev/v1alpha2', kind: 'RemoteMCPServer',
        metadata: this._meta(name),
        spec: {
          description: m.description ?? `${m.name} MCP server`,
          url: m.url,
          protocol: m.protocol ?? 'STREAMABLE_HTTP',
          timeout: m.timeout ?? '30s',
          ...(m.headersFromSecret?.length ? {
            headersFrom: m.headersFromSecret.map((h) => ({ name: h.header, valueFrom: { type: 'Secret', name: h.secretName, key: h.key } })),
          } : {}),
        },
      }, this.labels);
      return {
        type: 'McpServer',
        mcpServer: { name, kind: 'RemoteMCPServer', apiGroup: 'kagent.dev', ...(m.toolNames ? { toolNames: [...m.toolNames] } : {}) },
      };
    });
    _emit(this, 'kagent-agent', {
      apiVersion: 'kagent.dev/v1alpha2', kind: 'Agent',
      metadata: this._meta(this.workloadName, this._callsAnnotation()),
      spec: {
        type: 'Declarative',
        description,
        declarative: {
          runtime: d.runtime ?? 'python',
          modelConfig: modelName,
          ...(d.systemMessage
            ? { systemMessage: d.systemMessage }
            : { systemMessageFrom: { type: 'ConfigMap', name: d.systemMessageFrom!.configMap, key: d.systemMessageFrom!.key } }),
          ...(tools.length ? { tools } : {}),
          a2aConfig: {
            skills: skills.map((s) => ({ id: s.id, name: s.name, description: s.description, tags: [...s.tags], ...(s.examples ? { examples: [...s.examples] } : {}) })),
          },
          // replicas is left unset: the HPA or KEDA owns it (kagent would fight them otherwise).
          deployment: {
            labels: podLabels,
            // kagent's deployment spec has no container ports: the `metrics` port cannot be named
            // here, so the agent PodMonitor does not scrape declarative agents (see README).
            annotations: this._podAnnotations(),
            ...(Object.keys(this._platformEnv()).length ? { env: Object.entries(this._platformEnv()).map(([name, value]) => ({ name, value })) } : {}),
            serviceAccountName: this.serviceAccountName,
            resources: resources.spec,
            podSecurityContext: _restrictedPodSecurityContext(),
            securityContext: _restrictedContainerSecurityContext(),
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        },
      },
    }, this.labels);
  }

  private _modelConfig(name: string, m: ModelSpec, where: string): void {
    const provider = m.provider ?? 'OpenAI';
    const num = (field: string, v: number | undefined, min: number, max: number) => {
      if (v !== undefined && !(v >= min && v <= max)) {
        throw new Error(`${where}: declarative.model.${field} ${v} is out of range; use ${min}..${max}`);
      }
    };
    num('temperature', m.temperature, 0, 2);
    num('topP', m.topP, 0, 1);
    if (m.maxTokens !== undefined && (!Number.isInteger(m.maxTokens) || m.maxTokens < 1)) {
      throw new Error(`${where}: declarative.model.maxTokens ${m.maxTokens} is not allowed; use a positive integer`);
    }
    if (m.timeoutSeconds !== undefined && provider !== 'OpenAI') {
      throw new Error(`${where}: declarative.model.timeoutSeconds is only supported by OpenAI-compatible providers in kagent; remove it for ${provider}`);
    }
    // kagent takes temperature and topP as strings, token counts as integers.
    const block = {
      ...(m.baseUrl ? { baseUrl: m.baseUrl } : {}),
      ...(m.temperature !== undefined ? { temperature: String(m.temperature) } : {}),
      ...(m.topP !== undefined ? { topP: String(m.topP) } : {}),
      ...(m.maxTokens !== undefined ? { maxTokens: m.maxTokens } : {}),
      ...(m.timeoutSeconds !== undefined ? { timeout: m.timeoutSeconds } : {}),
    };
    _emit(this, 'model-config', {
      apiVersion: 'kagent.dev/v1alpha2', kind: 'ModelConfig',
      metadata: this._meta(name),
      spec: {
        provider,
        model: m.model,
        apiKeySecret: m.apiKeySecret.name,
        apiKeySecretKey: m.apiKeySecret.key,
        ...(m.headers ? { defaultHeaders: { ...m.headers } } : {}),
        [provider === 'OpenAI' ? 'openAI' : 'anthropic']: block,
      },
    }, this.labels);
  }

  private _scaling(s: AgentScaling): void {
    const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: this.workloadName };
    if (this.minReplicas === 0) {
      _emit(this, 'scaled-object', {
        apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject',
        metadata: this._meta(this.workloadName),
        spec: {
          scaleTargetRef: target,
          minReplicaCount: 0,
          maxReplicaCount: this.maxReplicas,
          cooldownPeriod: s.cooldownSeconds ?? 300,
          triggers: [{
            type: s.trigger!.type,
            metadata: { ...s.trigger!.metadata },
            ...(s.trigger!.authenticationRef ? { authenticationRef: { name: s.trigger!.authenticationRef } } : {}),
          }],
        },
      }, this.labels);
    } else {
      _emit(this, 'hpa', {
        apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
        metadata: this._meta(this.workloadName),
        spec: {
          scaleTargetRef: target,
          minReplicas: this.minReplicas,
          maxReplicas: this.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.targetCpuUtilization ?? 70 } } }],
        },
      }, this.labels);
    }
    if (this.minReplicas > 1) {
      // maxUnavailable 1 keeps drains possible (minAvailable = replicas would block them).
      _emit(this, 'pdb', {
        apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
        metadata: this._meta(this.workloadName),
        spec: { maxUnavailable: 1, selector: { matchLabels: { ...this.podLabels } } },
      }, this.labels);
    }
  }

  private _routes(): void {
    const t = this.tenant;
    const f = t.platform;
    const traffic = this._canaryAnnotations();
    const ingress = (id: string, name: string, path: string, extraLabels: Record<string, string>, extra: Record<string, string>) => _emit(this, id, {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: this._meta(name, {
        annotations: {
          'higress.io/match-method': 'POST',
          'higress.io/rewrite-path': '/',
          'higress.io/timeout': String(t.routeTimeoutSeconds),
          'higress.io/proxy-next-upstream-tries': String(t.routeRetries),
          'higress.io/route-limit-rpm': String(t.requestsPerMinute),
          ...this._deploymentOrder(),
          ...traffic,
          ...extra,
        },
      }),
      spec: {
        ingressClassName: f.ingressClass,
        tls: [{ hosts: [f.gatewayHost], secretName: f.gatewayTlsSecret }],
        rules: [{
          host: f.gatewayHost,
          http: { paths: [{ path, pathType: 'Exact', backend: { service: { name: this.workloadName, port: { number: A2A_PORT } } } }] },
        }],
      },
    }, { ...this.labels, ...extraLabels });
    // End users are not agents: A2A lineage headers from outside are dropped (Higress header control).
    ingress('route-chat', this.ingressNames.chat, this._chatPath(), {}, { 'higress.io/request-header-control-remove': A2A_TRACE_HEADERS.join(',') });
    t._addRoutes({ ingresses: [this.ingressNames.chat], allow: () => [PUBLIC_CONSUMER] });
    for (const skill of this.skillIds) {
      ingress(`route-a2a-${skill}`, this.ingressNames.skills[skill], this._skillPath(skill), { [LABEL.skill]: skill }, this._skillAnnotations(skill));
      // Exactly the agents that declared a call to this skill (reverse edges of the directory).
      t._addRoutes({ ingresses: [this.ingressNames.skills[skill]], allow: () => t.directory.callersOf(this.key, skill).map(a2aConsumer) });
    }
  }

  /**
   * Deployment-order hints for Pulumi's ConfigGroup: a route is applied after our own Service;
   * kagent creates a declarative agent's Service itself, so that route does not wait for it.
   */
  private _deploymentOrder(): Record<string, string> {
    return this.kind === 'byo'
      ? { 'config.kubernetes.io/depends-on': `/namespaces/${this.tenant.namespace}/Service/${this.workloadName}` }
      : { 'pulumi.com/skipAwait': 'true' };
  }

  /** Resilience annotations of one skill route; canary routes also answer calls pinned to their version. */
  private _skillAnnotations(skill: string): Record<string, string> {
    const spec = this.skills.find((s) => s.id === skill)!;
    const f = this.fallbacks[skill];
    let backend: string | undefined;
    if (f?.kind === 'skill') backend = f.ref.agent;
    // A version fallback points at the other track; on the track serving that version it is a no-op.
    if (f?.kind === 'version' && f.version !== this.version) backend = this.track === 'stable' ? `${this.name}-canary` : this.name;
    const pin: Record<string, string> = this.track === 'canary' && !this.canaryTraffic?.header
      ? { 'higress.io/canary-by-header': SKILL_VERSION_HEADER, 'higress.io/canary-by-header-value': this.version }
      : {};
    return { ..._skillRouteAnnotations(spec, backend, f?.onStatus), ...pin };
  }

  private _canaryAnnotations(): Record<string, string> {
    const c = this.canaryTraffic;
    if (!c) return {};
    return {
      'higress.io/canary': 'true',
      ...(c.header ? { 'higress.io/canary-by-header': c.header } : {}),
      ...(c.header && c.headerValue ? { 'higress.io/canary-by-header-value': c.headerValue } : {}),
      ...(c.cookie ? { 'higress.io/canary-by-cookie': c.cookie } : {}),
      ...(c.weight !== undefined ? { 'higress.io/canary-weight': String(c.weight) } : {}),
    };
  }

  private _egress(cidrs: readonly EgressCidr[], where: string): void {
    const cidrRules = _cidrEgressRules(cidrs, `${where}: egress`);
    if (this.calls.length === 0 && !this.sandboxPool && cidrRules.length === 0) return;
    const d = this.tenant.directory;
    _emit(this, 'egress-policy', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: this._meta(`${this.workloadName}-egress`),
      spec: {
        podSelector: { matchLabels: { ...this.podLabels } },
        policyTypes: ['Egress'],
        egress: Lazy.any({ produce: () => {
          const rules: unknown[] = [];
          const seen = new Set<string>();
          for (const ref of this.calls) {
            const r = d.resolve(ref);
            const k = agentKey(ref.tenant, ref.agent);
            if ('error' in r || seen.has(k)) continue; // unknown callees fail validation before synth
            seen.add(k);
            rules.push({ to: [_podsIn(r.entry.namespace, r.entry.podLabels)], ports: _tcp(r.entry.servicePort) });
          }
          if (this.calls.length > 0) {
            // The internal A2A routes of the gateway (JWT-checked) are the other way to call a skill.
            const f = this.tenant.platform;
            rules.push({ to: [_podsIn(f.gatewayNamespace, f.gatewayPodLabels)], ports: _tcp(80, 443) });
          }
          const pool = this.sandboxPool;
          if (pool && pool.tenant === this.tenant) {
            rules.push({ to: [{ podSelector: { matchLabels: { ...pool.podLabels } } }], ports: _tcp(pool.port) });
          }
          return [...rules, ...cidrRules];
        } }),
      },
    }, this.labels);
  }

  private _ensureA2aIngress(): void {
    if (this.a2aIngress) return;
    const d = this.tenant.directory;
    this.a2aIngress = _emit(this, 'a2a-ingress-policy', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: this._meta(`${this.name}-a2a-ingress`),
      spec: {
        // Both tracks of this agent; exactly the declared callers' pods.
        podSelector: { matchLabels: { [LABEL.tenant]: this.tenant.name, [LABEL.agent]: this.name } },
        policyTypes: ['Ingress'],
        ingress: Lazy.any({ produce: () => {
          const from = d.callersOf(this.key).map((c) => d.get(c)).filter((e) => e !== undefined)
            .map((e) => _podsIn(e!.namespace, e!.podLabels));
          return from.length ? [{ from, ports: _tcp(A2A_PORT) }] : [];
        } }),
      },
    }, this.labels);
  }

  private _sandboxClaimsRbac(pool: SandboxPool): void {
    _emit(this, 'sandbox-claims-role', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role',
      metadata: this._meta(`${this.workloadName}-sandbox-claims`),
      rules: [{ apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxclaims'], verbs: ['get', 'list', 'watch', 'create', 'delete'] }],
    }, { ...this.labels, [LABEL.sandboxPool]: pool.name });
    _emit(this, 'sandbox-claims-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
      metadata: this._meta(`${this.workloadName}-sandbox-claims`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${this.workloadName}-sandbox-claims` },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.tenant.namespace }],
    }, { ...this.labels, [LABEL.sandboxPool]: pool.name });
  }

  private _validate(): string[] {
    const errors: string[] = [];
    const d = this.tenant.directory;
    this.callSpecs.forEach((c, i) => {
      const r = d.resolve(c);
      if ('error' in r) {
        errors.push(`agent "${this.key}" calls[${i}] "${formatSkillRef(c)}": ${r.error}`);
        return;
      }
      const versions = _versionsOf(d, agentKey(c.tenant, c.agent));
      for (const [field, v] of [['version', c.version], ['fallbackVersion', c.fallbackVersion]] as const) {
        if (v !== undefined && !versions.some((x) => x.version === v)) {
          errors.push(`agent "${this.key}" calls[${i}] "${formatSkillCall(c)}": ${field} "${v}" of "${agentKey(c.tenant, c.agent)}" is not deployed; its versions are ${_describeVersions(versions)}`);
        }
      }
    });
    for (const [skill, f] of Object.entries(this.fallbacks)) {
      if (f.kind === 'skill' && f.ref.agent !== this.name) {
        const r = d.resolve(f.ref);
        if ('error' in r) errors.push(`agent "${this.key}" skill "${skill}": fallback "${formatSkillRef(f.ref)}" does not exist: ${r.error}`);
      }
      if (f.kind === 'version') {
        const versions = _versionsOf(d, this.key);
        if (!versions.some((x) => x.version === f.version)) {
          errors.push(`agent "${this.key}" skill "${skill}": fallback version "${f.version}" is not deployed; versions of "${this.key}" are ${_describeVersions(versions)}`);
        }
      }
    }
    const pool = this.sandboxPool;
    if (pool && pool.tenant !== this.tenant) {
      errors.push(`agent "${this.key}" uses sandbox pool "${pool.name}" of tenant "${pool.tenant.name}"; an agent may only use pools of its own tenant "${this.tenant.name}"; create one with ${this.tenant.name}.addSandboxPool()`);
    }
    return errors;
  }
}
