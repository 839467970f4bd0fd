import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { toJson_WasmPluginProps, WasmPlugin, WasmPluginSpecFailStrategy, WasmPluginSpecPhase } from '../generated/imports/wasmplugin-extensions.higress.io';
import { _quantities } from './_k8s-values';
import { cidrProblem } from './_cidr';
import { _dnsEgressRule, _NAMESPACE_NAME_LABEL, _podsIn, _tcp } from './_network-peers';
import { _formatQuantity, _parseQuantity } from './_quantity';
import { _isDnsLabel } from './_security';
import { _setTenantRegistrar } from './_tenant-internals';
import { _emitTyped } from './_typed-manifest';
import { Agent, AgentProps } from './agent';
import { agentKey, AgentDirectory } from './agent-directory';
import { CanaryRelease, CanaryReleaseProps } from './canary-release';
import {
  _Footprint, _RouteAuth, _TenantWorkload, A2A_PORT, a2aConsumer, a2aIssuer, AGENT_METRICS_PORT, DECLARATIVE_COMPONENT, INTERNAL_AUDIENCE, ITenantNamespace, NO_CALLER, CALLER_HEADER,
  PUBLIC_CONSUMER,
} from './contracts';
import { ANNOTATION, LABEL, MANAGED_BY } from './labels';
import { PlatformFacts } from './platform-facts';
import { _checkMaxRetries, MAX_RETRIES } from './retry-bounds';
import { _emitControllerTenantAccess } from './runtime-controller';
import { SandboxPool, SandboxPoolProps } from './sandbox-pool';
import { addProblemValidation, ConstructProblem, propError, PropProblems } from './errors';

/** Hard limits of a tenant (ResourceQuota `spec.hard`). */
export interface TenantQuota {
  /** @default '8' */
  readonly requestsCpu?: string;
  /** @default '16Gi' */
  readonly requestsMemory?: string;
  /** @default '32' */
  readonly limitsCpu?: string;
  /** @default '64Gi' */
  readonly limitsMemory?: string;
  /** @default 100 */
  readonly pods?: number;
  /** NVIDIA GPUs (`requests.nvidia.com/gpu`). @default 0 */
  readonly gpus?: number;
  /** Total PVC storage (`requests.storage`). @default '20Gi' */
  readonly storage?: string;
  /** @default 10 */
  readonly persistentVolumeClaims?: number;
  /** `requests.ephemeral-storage`. @default '20Gi' */
  readonly requestsEphemeralStorage?: string;
  /** `limits.ephemeral-storage`. @default '40Gi' */
  readonly limitsEphemeralStorage?: string;
}

/** Per-container defaults and bounds of a tenant (LimitRange). */
export interface TenantContainerLimits {
  /** Default limits. @default { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' } */
  readonly defaultLimits?: Readonly<Record<string, string>>;
  /** Default requests. @default { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '256Mi' } */
  readonly defaultRequests?: Readonly<Record<string, string>>;
  /** Maximum per container. @default { cpu: '4', memory: '8Gi' } */
  readonly max?: Readonly<Record<string, string>>;
}

/** Props of {@link TenantNamespace}. */
export interface TenantNamespaceProps {
  /** Tenant name: the namespace name and the Nacos namespace id. A DNS label. */
  readonly name: string;
  /** Platform facts, as plain data (the platform chart lives in another App). */
  readonly platform: PlatformFacts;
  /** Directory shared by all tenants, for A2A references. @default - a directory of this tenant only */
  readonly directory?: AgentDirectory;
  /** Rate-limit tier, one of `platform.rateLimitTiers`. @default 'standard' */
  readonly rateLimitTier?: string;
  /** Groups of the identity provider bound to the tenant's developer Role. @default ['<name>-developers'] */
  readonly groups?: readonly string[];
  /** ResourceQuota. @default - see {@link TenantQuota} */
  readonly quota?: TenantQuota;
  /** LimitRange. @default - see {@link TenantContainerLimits} */
  readonly containerLimits?: TenantContainerLimits;
  /** Route timeout in seconds (`higress.io/timeout`). @default 60 */
  readonly routeTimeoutSeconds?: number;
  /** Gateway tries of skills that declare `retryOn` without `retries` (other routes do not retry: A2A calls are POSTs). @default 2 */
  readonly routeRetries?: number;
  /** Maximum upstream retries a skill or call of this tenant may declare. @default - the platform's maxRetries, else 3 */
  readonly maxRetries?: number;
  /** Namespace of the kagent controller, which proxies A2A to declarative agents. @default 'kagent' */
  readonly kagentNamespace?: string;
  /** OCI URL of the jwt-auth Wasm plugin. @default 'oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/jwt-auth:2.0.0' */
  readonly jwtPluginUrl?: string;
}

export { a2aConsumer, AGENT_METRICS_PORT, NO_CALLER, PUBLIC_CONSUMER } from './contracts';
export type { ITenantNamespace } from './contracts';

const DEFAULT_QUOTA: Required<TenantQuota> = {
  // Fits ten default agents at their max replicas (3 x 100m/256Mi, limits 500m/512Mi).
  requestsCpu: '8', requestsMemory: '16Gi', limitsCpu: '32', limitsMemory: '64Gi', pods: 100, gpus: 0,
  storage: '20Gi', persistentVolumeClaims: 10, requestsEphemeralStorage: '20Gi', limitsEphemeralStorage: '40Gi',
};

const READ = ['get', 'list', 'watch'];

/**
 * An isolated tenant: Namespace (Pod Security `restricted`, pinned), ResourceQuota, LimitRange,
 * default-deny NetworkPolicies with DNS, gateway, registry and declared A2A exceptions, RBAC for
 * the tenant's group without wildcards, token-less ServiceAccounts, and the tenant's jwt-auth
 * WasmPlugin in the gateway namespace.
 *
 * Quota check: the sum of every workload's requests and limits at its MAXIMUM replicas (agents'
 * `maxReplicas`, warm pools' max warm size) must fit the quota; otherwise a scale-out would stall
 * silently on the quota exactly under load. Rolling-update surge and RuntimeClass overhead are not
 * counted (leave headroom for them).
 *
 * @example
 * const acme = new TenantNamespace(chart, 'acme', { name: 'acme', platform: facts, directory });
 * acme.addAgent({ name: 'search', byo: { image: 'ghcr.io/acme/search:1.0.0' }, skills: [...] });
 */
export class TenantNamespace extends Construct implements ITenantNamespace {
  public readonly name: string;
  public readonly namespace: string;
  public readonly nacosNamespaceId: string;
  public readonly platform: PlatformFacts;
  public readonly directory: AgentDirectory;
  public readonly rateLimitTier: string;
  public readonly requestsPerMinute: number;
  public readonly routeTimeoutSeconds: number;
  public readonly routeRetries: number;
  public readonly maxRetries: number;
  public readonly groups: readonly string[];
  public readonly quota: Required<TenantQuota>;
  public readonly kagentNamespace: string;
  public readonly jwtPluginUrl: string;

  private readonly workloads: _TenantWorkload[] = [];
  private readonly routes: _RouteAuth[] = [];
  private kagentPolicy?: ApiObject;
  private readonly metricsPorts = new Set<number>();
  private readonly a2aPorts = new Set<number>();

  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    // Checked before super(): constructs refuses an empty id with a message that names neither the tenant nor the fix.
    super(scope, _nonEmptyName(scope, id, props.name));
    const problems = new PropProblems(this, 'tenant');
    if (!_isDnsLabel(props.name)) {
      // Suggest only a name that is one: lowercase, '-' for the rest, trimmed of '-' at both ends.
      const suggestion = props.name.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63).replace(/^-+|-+$/g, '');
      throw problems.fail(['name'], props.name, `is not a DNS label; use lowercase letters, digits and '-'${_isDnsLabel(suggestion) ? `, e.g. "${suggestion}"` : ', starting and ending with a letter or digit, e.g. "acme"'}`);
    }
    const reserved = ['default', 'kube-system', 'kube-public', 'kube-node-lease', props.platform.gatewayNamespace, props.platform.registryNamespace];
    if (reserved.includes(props.name)) {
      throw problems.fail(['name'], props.name, 'is a platform or system namespace; choose another name');
    }
    this.name = props.name;
    this.namespace = props.name;
    this.nacosNamespaceId = props.name;
    this.platform = props.platform;
    this.directory = props.directory ?? new AgentDirectory();
    this.rateLimitTier = props.rateLimitTier ?? 'standard';
    const tier = props.platform.rateLimitTiers[this.rateLimitTier];
    if (!tier) {
      problems.add(['rateLimitTier'], this.rateLimitTier, `is not defined by the platform; use one of ${Object.keys(props.platform.rateLimitTiers).map((t) => `"${t}"`).join(', ')}`);
    }
    this.requestsPerMinute = tier?.requestsPerMinute ?? 0;
    this.routeTimeoutSeconds = props.routeTimeoutSeconds ?? 60;
    this.routeRetries = props.routeRetries ?? 2;
    if (!Number.isInteger(this.routeTimeoutSeconds) || this.routeTimeoutSeconds < 1) {
      problems.add(['routeTimeoutSeconds'], this.routeTimeoutSeconds, 'is not allowed; use a whole number of seconds >= 1');
    }
    this.maxRetries = problems.collect(() => _checkMaxRetries(props.maxRetries ?? props.platform.maxRetries ?? MAX_RETRIES.default, { problems, path: ['maxRetries'] })) ?? 0;
    const tracing = props.platform.tracing;
    if (tracing && !(tracing.samplingPercent >= 0 && tracing.samplingPercent <= 100)) {
      problems.add(['platform', 'tracing', 'samplingPercent'], tracing.samplingPercent, 'is outside 0-100; give the percentage of traces to sample, e.g. 10');
    }
    const api = props.platform.kubernetesApi;
    if (api) {
      const bad = api.cidrs.map((c) => [c, cidrProblem(c)] as const).find(([, p]) => p);
      if (bad || api.cidrs.length === 0) {
        problems.add(['platform', 'kubernetesApi', 'cidrs'], bad ? bad[0] : api.cidrs, `${bad ? bad[1] : 'is empty'}; give the API server endpoints as pods reach them (kubectl get endpoints kubernetes), e.g. ["10.0.0.10/32"]`);
      }
      if (!Number.isInteger(api.port) || api.port < 1 || api.port > 65535) {
        problems.add(['platform', 'kubernetesApi', 'port'], api.port, 'is not a TCP port; use the endpoints\' port, e.g. 6443 (443 on most managed clusters)');
      }
    }
    this.groups = props.groups ?? [`${props.name}-developers`];
    if (this.groups.length === 0) {
      problems.add(['groups'], undefined, `is empty; name at least one group of the tenant's developers, e.g. ["${props.name}-developers"]`);
    }
    // system: groups are Kubernetes' own (system:authenticated is every caller): binding them gives the tenant to everyone.
    const systemGroup = this.groups.findIndex((g) => typeof g !== 'string' || g.trim() === '' || g.startsWith('system:'));
    if (systemGroup >= 0) {
      problems.add(['groups', systemGroup], this.groups[systemGroup], `is not allowed; system: groups (e.g. system:authenticated) include callers outside the tenant; name the tenant's own group, e.g. "${props.name}-developers"`);
    }
    this.quota = { ...DEFAULT_QUOTA, ...props.quota };
    if (!Number.isSafeInteger(this.quota.pods) || this.quota.pods < 1 || this.quota.pods > 1_000_000) {
      problems.add(['quota', 'pods'], this.quota.pods, 'is not allowed; use a whole number from 1 to 1000000, e.g. 100');
    }
    problems.throwIfAny();
    this.kagentNamespace = props.kagentNamespace ?? 'kagent';
    this.jwtPluginUrl = props.jwtPluginUrl ?? 'oci://higress-registry.cn-hangzhou.cr.aliyuncs.com/plugins/jwt-auth:2.0.0';

    _setTenantRegistrar(this, {
      addWorkload: (w) => this.workloads.push(w),
      addRoutes: (r) => this.routes.push(r),
      useKagent: () => this._useKagent(),
      useMetricsPort: (port) => this.metricsPorts.add(port),
      useA2aPort: (port) => this.a2aPorts.add(port),
    });
    this._namespace();
    this._quotaAndLimits(props.containerLimits ?? {});
    this._networkPolicies();
    this._rbac();
    this._jwtPlugin();
    // The agent-runtime controller writes this tenant's agent token Secrets (and Events) only through this Role.
    if (this.platform.runtimeController) _emitControllerTenantAccess(this, this.namespace, this.platform.runtimeController, this.labelsFor('tenant', 'agent-runtime-controller'));
    addProblemValidation(this, () => this._validate());
  }

  /** Labels every object of the tenant carries, plus role and name. */
  public labelsFor(role: string, name: string, extra: Record<string, string> = {}): Record<string, string> {
    return { [LABEL.managedBy]: MANAGED_BY, [LABEL.tenant]: this.name, [LABEL.role]: role, [LABEL.name]: name, ...extra };
  }

  /**
   * Adds an agent to this tenant and returns it.
   *
   * @example tenant.addAgent({ name: 'search', byo: { image: 'ghcr.io/acme/search:1.0.0' }, skills: [{ id: 'web', name: 'Web search', description: '...', tags: ['search'] }] })
   */
  public addAgent(props: Omit<AgentProps, 'tenant'>): Agent {
    this._assertUnique('agent', props.name);
    return new Agent(this, props.name, { ...props, tenant: this });
  }

  /**
   * Adds a sandbox pool (gVisor/Kata template + warm pool) and returns it.
   *
   * @example tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sandbox:1.0.0', runtimeClassName: 'gvisor' })
   */
  public addSandboxPool(props: Omit<SandboxPoolProps, 'tenant'>): SandboxPool {
    this._assertUnique('sandbox pool', props.name);
    return new SandboxPool(this, `sandbox-${props.name}`, { ...props, tenant: this });
  }

  /**
   * Adds a canary release (stable + canary version of one agent) and returns it.
   *
   * @example tenant.addCanaryRelease({ agent: { name: 'chat', ... }, stable: { version: '1.0.0' }, canary: { version: '1.1.0' }, traffic: { weight: 10 } })
   */
  public addCanaryRelease(props: Omit<CanaryReleaseProps, 'tenant'>): CanaryRelease {
    this._assertUnique('agent', props.agent?.name);
    return new CanaryRelease(this, `canary-${props.agent?.name}`, { ...props, tenant: this });
  }

  /** Workloads registered so far (agents tracks and sandbox pools). */
  public get workloadNames(): string[] {
    return this.workloads.map((w) => `${w.kind} ${w.name}${w.track === 'canary' ? ' (canary)' : ''}`);
  }

  private _useKagent(): void {
    // Declarative agents keep their sessions and tasks in the kagent controller's API on 8083
    // (spec §1). The controller gets no way in: an agent's A2A port admits only the gateway.
    const kagent = [{ namespaceSelector: { matchLabels: { [_NAMESPACE_NAME_LABEL]: this.kagentNamespace } } }];
    this.kagentPolicy ??= _emitTyped(this, 'allow-kagent', k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, {
      metadata: { name: 'allow-kagent', namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { [LABEL.role]: 'agent', [LABEL.component]: DECLARATIVE_COMPONENT } },
        policyTypes: ['Egress'],
        egress: [{ to: kagent, ports: _tcp(8083) }],
      },
    }, this.labelsFor('tenant', 'allow-kagent'));
  }

  private _assertUnique(kind: string, name: string | undefined): void {
    if (name !== undefined && this.workloads.some((w) => w.kind === kind && w.name === name)) {
      throw new Error(`tenant "${this.name}": ${kind} "${name}" is defined twice; ${kind} names must be unique within a tenant, rename one of them`);
    }
  }

  private _namespace(): void {
    this.node.defaultChild = _emitTyped(this, 'namespace', k8s.KubeNamespace.GVK, k8s.toJson_KubeNamespaceProps, {
      metadata: {
        name: this.namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': this.platform.podSecurityVersion,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
        },
      },
    }, this.labelsFor('tenant', this.name));
    // The namespace's `default` ServiceAccount must not hand out API tokens either. It is
    // kube-controller-manager's (created with the namespace, recreated as soon as it is deleted):
    // deployers only patch `automountServiceAccountToken` and never delete it (the Pulumi stacks apply
    // it as a ServiceAccountPatch; Argo CD and Flux are told not to prune it).
    _emitTyped(this, 'default-service-account', k8s.KubeServiceAccount.GVK, k8s.toJson_KubeServiceAccountProps, {
      metadata: { name: 'default', namespace: this.namespace, annotations: CONTROLLER_OWNED_ANNOTATIONS },
      automountServiceAccountToken: false,
    }, this.labelsFor('tenant', 'default'));
  }

  private _quotaAndLimits(limits: TenantContainerLimits): void {
    const q = this.quota;
    _emitTyped(this, 'quota', k8s.KubeResourceQuota.GVK, k8s.toJson_KubeResourceQuotaProps, {
      metadata: { name: 'tenant-quota', namespace: this.namespace },
      spec: {
        hard: _quantities({
          'requests.cpu': q.requestsCpu,
          'requests.memory': q.requestsMemory,
          'limits.cpu': q.limitsCpu,
          'limits.memory': q.limitsMemory,
          'requests.ephemeral-storage': q.requestsEphemeralStorage,
          'limits.ephemeral-storage': q.limitsEphemeralStorage,
          'requests.nvidia.com/gpu': String(q.gpus),
          'requests.storage': q.storage,
          persistentvolumeclaims: String(q.persistentVolumeClaims),
          pods: String(q.pods),
          'services.loadbalancers': '0',
          'services.nodeports': '0',
        }),
      },
    }, this.labelsFor('tenant', 'tenant-quota'));
    _emitTyped(this, 'limit-range', k8s.KubeLimitRange.GVK, k8s.toJson_KubeLimitRangeProps, {
      metadata: { name: 'tenant-limits', namespace: this.namespace },
      spec: {
        limits: [{
          type: 'Container',
          default: _quantities(limits.defaultLimits ?? { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' }),
          defaultRequest: _quantities(limits.defaultRequests ?? { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '256Mi' }),
          max: _quantities(limits.max ?? { cpu: '4', memory: '8Gi' }),
        }],
      },
    }, this.labelsFor('tenant', 'tenant-limits'));
  }

  private _networkPolicies(): void {
    const policy = (id: string, spec: k8s.NetworkPolicySpec) => _emitTyped(this, id, k8s.KubeNetworkPolicy.GVK,
      k8s.toJson_KubeNetworkPolicyProps, { metadata: { name: id, namespace: this.namespace }, spec }, this.labelsFor('tenant', id));
    const agents = { matchLabels: { [LABEL.role]: 'agent' } };
    // Ingress to the agents' own ports (A2A, metrics), known once every agent is added: produced at synth time.
    const agentIngress = (id: string, from: k8s.NetworkPolicyPeer, ports: ReadonlySet<number>, none: number) => _emitTyped(this, id,
      k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, { metadata: { name: id, namespace: this.namespace } }, this.labelsFor('tenant', id), {
        spec: () => ({
          podSelector: agents,
          policyTypes: ['Ingress'],
          ingress: [{ from: [from], ports: _tcp(...(ports.size ? [...ports].sort((a, b) => a - b) : [none])) }],
        }),
      });
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [_dnsEgressRule()] });
    // Agents only: sandboxes get no gateway traffic and no registry access.
    agentIngress('allow-gateway-ingress', _podsIn(this.platform.gatewayNamespace, this.platform.gatewayPodLabels), this.a2aPorts, A2A_PORT);
    policy('allow-registry-egress', {
      podSelector: agents,
      policyTypes: ['Egress'],
      egress: [{ to: [_podsIn(this.platform.registryNamespace, this.platform.registryPodLabels)], ports: _tcp(...this.platform.registryClientPorts) }],
    });
    // Prometheus scrapes agents' `metrics` port, and nothing else (PodMonitor `agent-runtime/agents`).
    const prom = this.platform.prometheus ?? { namespace: 'monitoring' };
    agentIngress('allow-prometheus-scrape', _podsIn(prom.namespace, prom.podLabels ?? { [LABEL.name]: 'prometheus' }), this.metricsPorts, AGENT_METRICS_PORT);
    const tracing = this.platform.tracing;
    if (tracing) {
      // OTLP export to the collector (any pod of its namespace: collectors are deployed under many labels).
      policy('allow-tracing-egress', {
        podSelector: agents,
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { [_NAMESPACE_NAME_LABEL]: tracing.collectorNamespace } } }], ports: _tcp(tracing.collectorPort) }],
      });
    }
  }

  private _rbac(): void {
    const rules = [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'endpoints', 'configmaps', 'events', 'serviceaccounts'], verbs: READ },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: READ },
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
      { apiGroups: ['kagent.dev'], resources: ['agents', 'modelconfigs', 'remotemcpservers'], verbs: READ },
      { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: READ },
      { apiGroups: ['agents.x-k8s.io'], resources: ['sandboxes'], verbs: READ },
      { apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxtemplates', 'sandboxwarmpools'], verbs: READ },
      { apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxclaims'], verbs: [...READ, 'create', 'delete'] },
    ];
    _emitTyped(this, 'developer-role', k8s.KubeRole.GVK, k8s.toJson_KubeRoleProps, {
      metadata: { name: 'tenant-developer', namespace: this.namespace },
      rules,
    }, this.labelsFor('tenant', 'tenant-developer'));
    _emitTyped(this, 'developer-binding', k8s.KubeRoleBinding.GVK, k8s.toJson_KubeRoleBindingProps, {
      metadata: { name: 'tenant-developer', namespace: this.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant-developer' },
      subjects: this.groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
    }, this.labelsFor('tenant', 'tenant-developer'));
  }

  private _jwtPlugin(): void {
    const jwt = this.platform.jwt;
    // Only WasmPlugins in the gateway namespace are applied (higress.md §4).
    // Consumers and routes are known once every agent is added: the spec is produced at synth time.
    _emitTyped(this, 'jwt-auth', WasmPlugin.GVK, toJson_WasmPluginProps, {
      metadata: { name: `jwt-auth-${this.name}`, namespace: this.platform.gatewayNamespace },
    }, this.labelsFor('tenant', `jwt-auth-${this.name}`), { spec: () => ({
      url: this.jwtPluginUrl,
      phase: WasmPluginSpecPhase.AUTHN,
      priority: 340,
      failStrategy: WasmPluginSpecFailStrategy.FAIL_UNDERSCORE_CLOSE,
      defaultConfig: this._sealed({
        consumers: [
          _publicConsumer(PUBLIC_CONSUMER, jwt.publicIssuer, jwt.publicJwks, jwt.publicAudience),
          ...this._callers().map((caller) => _callerConsumer(caller, jwt.internalIssuer, jwt.internalJwks)),
        ],
        global_auth: false,
      }),
      // A route no agent may call allows a consumer that does not exist: no token satisfies it.
      matchRules: this.routes.map((r) => ({
        ingress: r.ingresses.map((i) => `${this.namespace}/${i}`),
        config: { allow: r.allow().length > 0 ? r.allow() : [NO_CALLER] },
      })),
    }) });
  }

  /** Marks the directory as read for output (see AgentDirectory._seal) and returns `value`. */
  private _sealed<T>(value: T): T {
    this.directory._seal(`tenant "${this.name}" was synthesized`);
    return value;
  }

  /** Every agent (`tenant/agent`) calling a skill of this tenant, sorted. */
  private _callers(): string[] {
    const set = new Set<string>();
    for (const w of this.workloads) {
      if (w.kind === 'agent' && w.track === 'stable') {
        this.directory.callersOf(agentKey(this.name, w.name)).forEach((c) => set.add(c));
      }
    }
    return [...set].sort();
  }

  private _validate(): ConstructProblem[] {
    const problems = new PropProblems(this, 'tenant');
    const seen = new Map<string, string>();
    for (const w of this.workloads) {
      const key = `${w.kind}/${w.name}/${w.track}`;
      if (seen.has(key)) {
        problems.add([], undefined, `${w.kind} "${w.name}" is defined twice (${seen.get(key)} and ${w.path}); names must be unique within a tenant, rename one of them`);
      }
      seen.set(key, w.path);
    }
    this._quotaErrors(problems);
    return [...problems.problems];
  }

  private _quotaErrors(problems: PropProblems): void {
    const checks: Array<[keyof _Footprint, keyof TenantQuota, string, 'cpu' | 'bytes' | 'count']> = [
      ['requestsCpu', 'requestsCpu', 'requests.cpu', 'cpu'],
      ['requestsMemory', 'requestsMemory', 'requests.memory', 'bytes'],
      ['limitsCpu', 'limitsCpu', 'limits.cpu', 'cpu'],
      ['limitsMemory', 'limitsMemory', 'limits.memory', 'bytes'],
      ['pods', 'pods', 'pods', 'count'],
      ['gpus', 'gpus', 'requests.nvidia.com/gpu', 'count'],
    ];
    for (const [need, prop, key, unit] of checks) {
      const total = this.workloads.reduce((sum, w) => sum + w.footprint[need], 0);
      const hard = _parseQuantity(this.quota[prop] as string | number, `quota.${prop}`);
      if (total > hard + 1e-9) {
        const parts = this.workloads.filter((w) => w.footprint[need] > 0)
          .map((w) => `${w.kind} ${w.name}${w.track === 'canary' ? ' (canary)' : ''} ${_formatQuantity(w.footprint[need], unit)}`);
        problems.add(['quota', prop], this.quota[prop], `(${key}) is smaller than the tenant's workloads need at max replicas, ${_formatQuantity(total, unit)} (${parts.join(', ')}); raise quota.${prop} to at least "${_formatQuantity(total, unit)}" or lower maxReplicas/resources`);
      }
    }
  }
}

/** `id`, once the tenant name is known not to be empty. */
function _nonEmptyName(scope: Construct, id: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') throw propError(`${scope.node.path}/${id}`, 'tenant', ['name'], name, 'is empty; give the tenant a DNS label name, e.g. "acme"');
  return id;
}

/**
 * The jwt-auth consumer of end users: the public issuer, and its audience when one is set.
 * `claims` is the C++ jwt-auth's check of further claims, `iss` included (plugins/wasm-cpp/
 * extensions/jwt_auth/plugin.cc `consumerVerify`, Higress v2.0.1 and HEAD).
 */
export function _publicConsumer(name: string, issuer: string, jwks: string, audience?: string): Record<string, unknown> {
  return { name, issuer, jwks, ...(audience ? { claims: { aud: audience } } : {}) };
}

/**
 * The jwt-auth consumer of one calling agent: its own issuer (`<internalIssuer>/<tenant>/<agent>`),
 * `aud` {@link INTERNAL_AUDIENCE} and `sub` = the agent, and the caller header written from that
 * `sub` over any copy (`claims_to_headers` with `override`; a missing or different `sub` fails
 * `claims`, so the header is always written on a request this consumer admits).
 */
export function _callerConsumer(caller: string, internalIssuer: string, jwks: string): Record<string, unknown> {
  return {
    name: a2aConsumer(caller),
    issuer: a2aIssuer(internalIssuer, caller),
    jwks,
    claims: { aud: INTERNAL_AUDIENCE, sub: caller },
    claims_to_headers: [{ claim: 'sub', header: CALLER_HEADER, override: true }],
  };
}

/**
 * Annotations of an object kube-controller-manager creates and deletes: applied as a patch, never
 * pruned or deleted by Argo CD (`Delete=false`) or Flux (`prune: disabled`).
 */
const CONTROLLER_OWNED_ANNOTATIONS = {
  [ANNOTATION.applyAsPatch]: 'true',
  'argocd.argoproj.io/sync-options': 'Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};
