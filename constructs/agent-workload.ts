import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  AgentV1Alpha2, AgentV1Alpha2SpecAllowedNamespaces, AgentV1Alpha2SpecAllowedNamespacesFrom, AgentV1Alpha2SpecDeclarativeDeploymentResourcesLimits,
  AgentV1Alpha2SpecDeclarativeDeploymentResourcesRequests, AgentV1Alpha2SpecDeclarativeDeploymentVolumesEmptyDirSizeLimit,
  AgentV1Alpha2SpecDeclarativeRuntime, AgentV1Alpha2SpecDeclarativeSystemMessageFromType, AgentV1Alpha2SpecDeclarativeTools,
  AgentV1Alpha2SpecDeclarativeToolsHeadersFromValueFromType, AgentV1Alpha2SpecDeclarativeToolsType, AgentV1Alpha2SpecType,
  toJson_AgentV1Alpha2Props,
} from '../generated/imports/agent-kagent.dev';
import { ModelConfigV1Alpha2, toJson_ModelConfigV1Alpha2Props } from '../generated/imports/modelconfig-kagent.dev';
import {
  RemoteMcpServer, RemoteMcpServerSpecHeadersFromValueFromType, RemoteMcpServerSpecProtocol, toJson_RemoteMcpServerProps,
} from '../generated/imports/remotemcpserver-kagent.dev';
import { _agentMeta } from './_agent-meta';
import { _port, _quantities } from './_k8s-values';
import { _emitTyped } from './_typed-manifest';
import { _parseQuantity } from './_quantity';
import { _isDnsLabel, _restrictedContainerSecurityContext, _restrictedPodSecurityContext, _restrictedPodSpecHeader } from './_security';
import { formatSkillRef } from './agent-directory';
import { _emitMemoryStore, _memoryByoContract, _memoryProblems, _memorySecretRefs, type AgentMemorySpec } from './agent-memory';
import type { AgentResources, AgentSkillSpec, ByoAgentSpec, DeclarativeAgentSpec } from './agent-props';
import { _modelConfigSpec, _modelProblems, _modelSecretKeys, type ModelSpec } from './model-config';
import { _secretRefsAnnotation, type SecretKeyRef } from './secret-refs';
import { TOOLS_REQUIRE_APPROVAL_ENV } from './memory-contract';
import { _a2aCalls } from './a2a-calls';
import { _awaitsFirstToken, _awaitTokenAnnotations } from './runtime-controller';
import { A2A_PORT, a2aTokenContract, AGENT_CARD_DIR, AGENT_CARD_PATH, AGENT_ENV, IAgentTrack, NACOS_READER_DIR, NACOS_READER_KEYS } from './contracts';
import { AGENT_CARD_KEY, ANNOTATION } from './labels';
import { NACOS_PORTS } from './nacos-cluster';
import { PropProblems } from './errors';
import { A2A_CALLS_ENV } from './skill-resilience';

/** A Go duration as kagent parses it (`time.ParseDuration`): numbers with units, e.g. `20s`, `1m30s`. */
function _isGoDuration(v: unknown): boolean {
  return typeof v === 'string' && /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(v);
}

/** Requests and limits of one replica: as written (for the pod spec) and parsed (for the quota). */
export interface _ResolvedResources {
  readonly n: { readonly cpu: number; readonly memory: number; readonly cpuLimit: number; readonly memoryLimit: number; readonly gpus: number };
  readonly spec: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
}

/** Checks an agent's resources and applies the defaults. */
export function _agentResources(r: AgentResources, problems: PropProblems): _ResolvedResources {
    const s = { cpu: r.cpu ?? '125m', memory: r.memory ?? '256Mi', cpuLimit: r.cpuLimit ?? '500m', memoryLimit: r.memoryLimit ?? '512Mi' };
    const at = (prop: string) => ({ problems, path: ['resources', prop] });
    const n = {
      cpu: _parseQuantity(s.cpu, at('cpu')),
      memory: _parseQuantity(s.memory, at('memory')),
      cpuLimit: _parseQuantity(s.cpuLimit, at('cpuLimit')),
      memoryLimit: _parseQuantity(s.memoryLimit, at('memoryLimit')),
      gpus: r.gpus ?? 0,
    };
    if (n.cpu > n.cpuLimit || n.memory > n.memoryLimit) {
      throw problems.fail(['resources'], undefined, `request more than their limit (cpu ${s.cpu} / ${s.cpuLimit}, memory ${s.memory} / ${s.memoryLimit}); raise the limit or lower the request`);
    }
    const gpu: Record<string, string> = n.gpus > 0 ? { 'nvidia.com/gpu': String(n.gpus) } : {};
    return {
      n,
      spec: {
        requests: { cpu: s.cpu, memory: s.memory, ...gpu },
        limits: { cpu: s.cpuLimit, memory: s.memoryLimit, ...gpu },
      },
    };
  }

/** Props of {@link AgentWorkload}. */
export interface AgentWorkloadProps {
  readonly resources: _ResolvedResources;
  /** Labels of the pods (the track's selector labels, object labels and component). */
  readonly podLabels: Record<string, string>;
  readonly description: string;
  readonly skills: readonly AgentSkillSpec[];
  readonly declarative?: DeclarativeAgentSpec;
  readonly byo?: ByoAgentSpec;
  /** @default - none */
  readonly memory?: AgentMemorySpec;
  /** Where the agent's refused props are recorded. */
  readonly problems: PropProblems;
}

/**
 * What runs an agent track: its ServiceAccount (stable track only; the canary shares it), and
 * either the kagent Agent with its ModelConfig and RemoteMCPServers, or your Deployment and Service.
 */
export class AgentWorkload extends Construct {
  constructor(private readonly agent: Construct & IAgentTrack, id: string, props: AgentWorkloadProps) {
    super(agent, id);
    // The stable track owns the shared ServiceAccount.
    if (agent.track !== 'canary') this._serviceAccount();
    if (props.memory) {
      _addWorded(props.problems, _memoryProblems(props.memory, props.declarative ? 'declarative' : 'byo', 'memory'));
      props.problems.throwIfAny();
      if (props.memory.store) _emitMemoryStore(this, agent, props.memory.store);
    }
    if (props.declarative) {
      this._declarative(props.declarative, props.resources, props.podLabels, props.description, props.skills, props.problems, props.memory);
    } else {
      this._byo(props.byo!, props.resources, props.podLabels, props.problems, props.memory, props.skills);
    }
  }

  /**
   * Workload annotations for reviews: the declared calls, and why the workload needs the
   * Kubernetes API (only agents that claim sandboxes get a token).
   */
  private _callsAnnotation(): { annotations?: Record<string, string> } {
    const annotations: Record<string, string> = {
      ...(this.agent.calls.length ? { [ANNOTATION.calls]: this.agent.calls.map(formatSkillRef).join(',') } : {}),
      ...(this.agent.sandboxPool ? { [ANNOTATION.needsKubernetesApi]: `claims sandboxes of pool ${this.agent.sandboxPool.name}` } : {}),
    };
    return Object.keys(annotations).length ? { annotations } : {};
  }

  /** `meta` with the annotation naming the Secret keys the object reads (see secret-refs.ts). */
  private _withSecretRefs(meta: { annotations?: Record<string, string> }, refs: readonly SecretKeyRef[]): { annotations?: Record<string, string> } {
    const annotations = { ...meta.annotations, ..._secretRefsAnnotation(refs) };
    return Object.keys(annotations).length ? { annotations } : {};
  }

  private _serviceAccount(): void {
    _emitTyped(this, 'service-account', k8s.KubeServiceAccount.GVK, k8s.toJson_KubeServiceAccountProps, {
      metadata: _agentMeta(this.agent, this.agent.serviceAccountName),
      automountServiceAccountToken: false,
    }, this.agent.labels);
  }

  /**
   * Environment the platform sets on the agent container: OpenTelemetry export (when the
   * platform traces) and, on callers, every declared call as JSON in `A2A_CALLS`.
   */
  private _platformEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    const tracing = this.agent.tenant.platform.tracing;
    if (tracing) {
      env.OTEL_EXPORTER_OTLP_ENDPOINT = tracing.endpoint;
      env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
      env.OTEL_SERVICE_NAME = `${this.agent.tenant.name}.${this.agent.name}`;
      env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
      env.OTEL_TRACES_SAMPLER_ARG = String(tracing.samplingPercent / 100);
      env.OTEL_PROPAGATORS = 'tracecontext,baggage';
      env.OTEL_RESOURCE_ATTRIBUTES = [
        `service.namespace=${this.agent.tenant.name}`, `service.version=${this.agent.version}`,
        `agentruntime.tenant=${this.agent.tenant.name}`, `agentruntime.agent=${this.agent.name}`, `agentruntime.track=${this.agent.track}`,
      ].join(',');
    }
    // Every caller gets its calls (URL, skill, pin, timeout, retries, fallback, token file, callee's A2A
    // version): see a2a-calls.ts. Produced at synth, when every callee (any tenant, any order) is in the directory.
    if (this.agent.callSpecs.length) env[A2A_CALLS_ENV] = Lazy.any({ produce: () => JSON.stringify(_a2aCalls(this.agent)) }) as unknown as string;
    return env;
  }

  /**
   * The caller's internal JWT, from the Secret the identity controller writes (see
   * `A2aTokenContract`); optional so pods start before the first token is issued.
   */
  private _tokenVolume() {
    if (this.agent.calls.length === 0) return { volumes: [], mounts: [] };
    const c = a2aTokenContract(this.agent.name);
    return {
      volumes: [{ name: 'a2a-token', secret: { secretName: c.secretName, optional: true, items: [{ key: c.tokenKey, path: 'token' }] } }],
      mounts: [{ name: 'a2a-token', mountPath: c.mountPath, readOnly: true }],
    };
  }

  /**
   * Declared calls as kagent agent tools, one per callee agent. kagent sends them to
   * `http://<callee>.<namespace>:8080`, rewritten by its `proxy.url` to the gateway with the header
   * `x-kagent-host: <callee>.<namespace>`, where a JWT-checked route admits the declared callers
   * (AgentRoutes); the Authorization header comes from the caller's token Secret.
   */
  private _agentTools(): AgentV1Alpha2SpecDeclarativeTools[] {
    const token = a2aTokenContract(this.agent.name);
    const callees = [...new Set(this.agent.calls.map((c) => `${c.tenant}/${c.agent}`))];
    return callees.map((k) => {
      const [namespace, name] = k.split('/');
      return {
        type: AgentV1Alpha2SpecDeclarativeToolsType.AGENT,
        agent: { apiGroup: 'kagent.dev', kind: 'Agent', name, namespace },
        headersFrom: [{
          name: 'Authorization',
          valueFrom: { type: AgentV1Alpha2SpecDeclarativeToolsHeadersFromValueFromType.SECRET, name: token.secretName, key: token.authorizationKey },
        }],
      };
    });
  }

  /**
   * What the agent SDK reads (`agent/settings.ts`): the agent's identity, its own card (the card
   * ConfigMap, read-only) and, when the agent names a reader Secret, the registry for `findAgents`.
   */
  private _byoContract(byo: ByoAgentSpec, problems: PropProblems, skills: readonly AgentSkillSpec[]): { env: Record<string, string>; secretEnv: k8s.EnvVar[]; volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
    const a = this.agent;
    const f = a.tenant.platform;
    const env: Record<string, string> = { [AGENT_ENV.agent]: a.key, [AGENT_ENV.cardFile]: AGENT_CARD_PATH };
    // The agent SDK listens on A2A_PORT (8080 unless set).
    if (byo.port !== undefined) env[AGENT_ENV.a2aPort] = String(a.port);
    if (byo.requireApproval?.length) env[TOOLS_REQUIRE_APPROVAL_ENV] = byo.requireApproval.join(',');
    // Cached skills: the SDK answers repeats itself, with the caller's id and A2A version (agent/result-cache.ts).
    const cached = skills.filter((s) => s.cacheTtlSeconds !== undefined);
    if (cached.length) env[AGENT_ENV.skillCache] = JSON.stringify(Object.fromEntries(cached.map((s) => [s.id, s.cacheTtlSeconds])));
    const volumes: k8s.Volume[] = [{ name: 'agent-card', configMap: { name: `${a.workloadName}-agent-card`, items: [{ key: AGENT_CARD_KEY, path: AGENT_CARD_KEY }] } }];
    const mounts: k8s.VolumeMount[] = [{ name: 'agent-card', mountPath: AGENT_CARD_DIR, readOnly: true }];
    const secretEnv: k8s.EnvVar[] = [];
    const reader = byo.registryReaderSecret;
    if (reader !== undefined) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(reader) || reader.length > 253) {
        throw problems.fail(['byo', 'registryReaderSecret'], reader, `is not a Secret name; name the Secret holding the Nacos reader's username and password, e.g. "${a.tenant.name}-nacos-reader"`);
      }
      env[AGENT_ENV.nacosAddr] = `http://${f.registryHost}:${NACOS_PORTS.http}`;
      env[AGENT_ENV.nacosNamespace] = a.tenant.nacosNamespaceId;
      env[AGENT_ENV.nacosPasswordFile] = `${NACOS_READER_DIR}/${NACOS_READER_KEYS.password}`;
      secretEnv.push({ name: AGENT_ENV.nacosUsername, valueFrom: { secretKeyRef: { name: reader, key: NACOS_READER_KEYS.username } } });
      volumes.push({ name: 'nacos-reader', secret: { secretName: reader, items: [{ key: NACOS_READER_KEYS.password, path: NACOS_READER_KEYS.password }] } });
      mounts.push({ name: 'nacos-reader', mountPath: NACOS_READER_DIR, readOnly: true });
    }
    return { env, secretEnv, volumes, mounts };
  }

  /** Replicas of a track spread over nodes and zones (soft: a single-zone cluster still schedules). */
  private _topologySpread() {
    if (this.agent.maxReplicas < 2) return [];
    return ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
      maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.agent.podLabels } },
    }));
  }

  /**
   * Replicas prefer different nodes (preferred, so a small cluster still schedules): besides the
   * spread, an anti-affinity is what schedulers and reviewers (kube-score) read as "one node down is not all of it".
   */
  private _hostAntiAffinity(): k8s.Affinity {
    return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{
      weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...this.agent.podLabels } } },
    }] } };
  }

  /** Pod annotations: where the metrics are (read by the agent PodMonitor). */
  private _podAnnotations(): Record<string, string> {
    return { 'agentruntime.io/metrics-path': this.agent.metrics.path };
  }

  private _byo(byo: ByoAgentSpec, resources: _ResolvedResources, podLabels: Record<string, string>, problems: PropProblems, memory?: AgentMemorySpec, skills: readonly AgentSkillSpec[] = []): void {
    const pool = this.agent.sandboxPool;
    // Only agents that claim sandboxes get an API token, short-lived and projected explicitly.
    const tokenVolume = pool ? [{ name: 'api-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }] : [];
    const tokenMount = pool ? [{ name: 'api-token', mountPath: '/var/run/secrets/agentruntime', readOnly: true }] : [];
    const contract = this._byoContract(byo, problems, skills);
    const mem = memory?.store ? _memoryByoContract(memory) : { env: {}, volumes: [], mounts: [] };
    const platformEnv = { ...this._platformEnv(), ...contract.env, ...mem.env };
    // The registry reader Secret is the user's (see ByoAgentSpec.registryReaderSecret): not listed, so the stack never writes it.
    const secretRefs: SecretKeyRef[] = _memorySecretRefs(memory);
    const a2aToken = this._tokenVolume();
    const spread = this._topologySpread();
    for (const name of Object.keys(byo.env ?? {})) {
      if (name in platformEnv || (byo.registryReaderSecret !== undefined && name === AGENT_ENV.nacosUsername)) {
        problems.add(['byo', 'env', name], undefined, 'is set by the platform (tracing, calls, identity, card, registry, port); remove it from byo.env');
      }
    }
    problems.throwIfAny();
    const env = { ...byo.env, ...(pool ? { SANDBOX_WARM_POOL: pool.warmPoolName, SANDBOX_NAMESPACE: this.agent.tenant.namespace } : {}), ...platformEnv };
    this.node.defaultChild = _emitTyped(this, 'deployment', k8s.KubeDeployment.GVK, k8s.toJson_KubeDeploymentProps, {
      metadata: _agentMeta(this.agent, this.agent.workloadName, this._withSecretRefs(this._callsAnnotation(), secretRefs)),
      spec: {
        selector: { matchLabels: { ...this.agent.podLabels } },
        template: {
          metadata: { labels: podLabels, annotations: this._podAnnotations() },
          spec: {
            serviceAccountName: this.agent.serviceAccountName,
            ..._restrictedPodSpecHeader(byo.runAsUser ?? 1000),
            containers: [{
              name: 'agent',
              image: byo.image,
              ...(byo.command ? { command: [...byo.command] } : {}),
              ...(byo.args ? { args: [...byo.args] } : {}),
              env: [...Object.entries(env).map(([name, value]) => ({ name, value })), ...contract.secretEnv],
              ports: [
                // The probes and the Service's targetPort name this port: they follow byo.port.
                { name: 'a2a', containerPort: this.agent.port, protocol: 'TCP' },
                { name: 'metrics', containerPort: this.agent.metrics.port, protocol: 'TCP' },
              ],
              resources: { requests: _quantities(resources.spec.requests), limits: _quantities(resources.spec.limits) },
              securityContext: _restrictedContainerSecurityContext(),
              readinessProbe: { httpGet: { path: byo.readinessPath ?? '/.well-known/agent-card.json', port: _port('a2a') }, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: _port('a2a') }, initialDelaySeconds: 10, periodSeconds: 20 },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...tokenMount, ...a2aToken.mounts, ...contract.mounts, ...mem.mounts],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }, ...tokenVolume, ...a2aToken.volumes, ...contract.volumes, ...mem.volumes],
            ...(spread.length ? { topologySpreadConstraints: spread, affinity: this._hostAntiAffinity() } : {}),
          },
        },
      },
    }, this.agent.labels);
    _emitTyped(this, 'service', k8s.KubeService.GVK, k8s.toJson_KubeServiceProps, {
      metadata: _agentMeta(this.agent, this.agent.workloadName),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.agent.podLabels },
        ports: [{ name: 'a2a', port: A2A_PORT, targetPort: _port('a2a'), protocol: 'TCP' }],
      },
    }, this.agent.labels);
  }

  private _declarative(d: DeclarativeAgentSpec, resources: _ResolvedResources, podLabels: Record<string, string>,
    description: string, skills: readonly AgentSkillSpec[], problems: PropProblems, memory?: AgentMemorySpec): void {
    _addWorded(problems, _declarativeProblems(d, memory));
    (d.mcpServers ?? []).forEach((m, i) => {
      if (m.timeout !== undefined && !_isGoDuration(m.timeout)) {
        problems.add(['declarative', 'mcpServers', i, 'timeout'], m.timeout, 'is not a duration kagent reads; write a number with a unit, e.g. "20s" or "1m30s"');
      }
    });
    problems.throwIfAny();
    const modelName = `${this.agent.workloadName}-model`;
    const embeddingName = `${this.agent.workloadName}-embedding`;
    const a2aToken = this._tokenVolume();
    const spread = this._topologySpread();
    this._modelConfig('model-config', modelName, d.model);
    if (memory?.embedding) this._modelConfig('embedding-model-config', embeddingName, memory.embedding);
    const tools = (d.mcpServers ?? []).map((m) => {
      const name = `${this.agent.workloadName}-${m.name}`;
      const headers = m.headersFromSecret ?? [];
      _emitTyped(this, `mcp-${m.name}`, RemoteMcpServer.GVK, toJson_RemoteMcpServerProps, {
        metadata: _agentMeta(this.agent, name, this._withSecretRefs({}, headers.map((h) => ({ name: h.secretName, key: h.key })))),
        spec: {
          description: m.description ?? `${m.name} MCP server`,
          url: m.url,
          protocol: m.protocol === 'SSE' ? RemoteMcpServerSpecProtocol.SSE : RemoteMcpServerSpecProtocol.STREAMABLE_UNDERSCORE_HTTP,
          timeout: m.timeout ?? '30s',
          ...(headers.length ? {
            headersFrom: headers.map((h) => ({
              name: h.header, valueFrom: { type: RemoteMcpServerSpecHeadersFromValueFromType.SECRET, name: h.secretName, key: h.key },
            })),
          } : {}),
        },
      }, this.agent.labels);
      return {
        type: AgentV1Alpha2SpecDeclarativeToolsType.MCP_SERVER,
        mcpServer: {
          name, kind: 'RemoteMCPServer', apiGroup: 'kagent.dev',
          ...(m.toolNames ? { toolNames: [...m.toolNames] } : {}),
          ...(m.requireApproval?.length ? { requireApproval: [...m.requireApproval] } : {}),
        },
      };
    });
    // allowedNamespaces lists the callers' namespaces, known once every agent is added: the spec is produced at synth time.
    const calls = this._callsAnnotation().annotations ?? {};
    const awaitToken = _awaitsFirstToken(this.agent) ? _awaitTokenAnnotations(this.agent.tenant.namespace, this.agent.name) : {};
    const annotations = { ...calls, ...awaitToken };
    this.node.defaultChild = _emitTyped(this, 'kagent-agent', AgentV1Alpha2.GVK, toJson_AgentV1Alpha2Props, {
      metadata: _agentMeta(this.agent, this.agent.workloadName, Object.keys(annotations).length ? { annotations } : {}),
    }, this.agent.labels, { spec: () => ({
      type: AgentV1Alpha2SpecType.DECLARATIVE,
      description,
      declarative: {
        runtime: d.runtime === 'go' ? AgentV1Alpha2SpecDeclarativeRuntime.GO : AgentV1Alpha2SpecDeclarativeRuntime.PYTHON,
        modelConfig: modelName,
        ...(memory?.embedding ? { memory: { modelConfig: embeddingName, ...(memory.ttlDays !== undefined ? { ttlDays: memory.ttlDays } : {}) } } : {}),
        ...(d.systemMessage
          ? { systemMessage: d.systemMessage }
          : { systemMessageFrom: { type: AgentV1Alpha2SpecDeclarativeSystemMessageFromType.CONFIG_MAP, name: d.systemMessageFrom!.configMap, key: d.systemMessageFrom!.key } }),
        ...(tools.length + this._agentTools().length ? { tools: [...tools, ...this._agentTools()] } : {}),
        a2AConfig: {
          skills: skills.map((s) => ({ id: s.id, name: s.name, description: s.description, tags: [...s.tags], ...(s.examples ? { examples: [...s.examples] } : {}) })),
        },
        // replicas is left unset: the HPA or KEDA owns it (kagent would fight them otherwise).
        deployment: {
          labels: podLabels,
          // kagent's deployment spec has no container ports: the `metrics` port cannot be named
          // here, so the agent PodMonitor does not scrape declarative agents (see README).
          annotations: this._podAnnotations(),
          ...(Object.keys(this._platformEnv()).length ? { env: Object.entries(this._platformEnv()).map(([name, value]) => ({ name, value })) } : {}),
          serviceAccountName: this.agent.serviceAccountName,
          resources: {
            requests: _quantities(resources.spec.requests, AgentV1Alpha2SpecDeclarativeDeploymentResourcesRequests.fromString),
            limits: _quantities(resources.spec.limits, AgentV1Alpha2SpecDeclarativeDeploymentResourcesLimits.fromString),
          },
          podSecurityContext: _restrictedPodSecurityContext(),
          securityContext: _restrictedContainerSecurityContext(),
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: AgentV1Alpha2SpecDeclarativeDeploymentVolumesEmptyDirSizeLimit.fromString('256Mi') } }, ...a2aToken.volumes],
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...a2aToken.mounts],
          ...(spread.length ? { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: spread.map((c, i) => ({
            weight: 100 - i * 50, podAffinityTerm: { topologyKey: c.topologyKey, labelSelector: c.labelSelector },
          })) } } } : {}),
        },
      },
      allowedNamespaces: this._allowedNamespaces(),
    }) });
  }

  /** Agents of other tenants reference this one as a kagent tool (kagent's default is "Same"). */
  private _allowedNamespaces(): AgentV1Alpha2SpecAllowedNamespaces | undefined {
    const own = this.agent.tenant.namespace;
    const from = [...new Set(this.agent.tenant.directory.callersOf(this.agent.key).map((c) => c.split('/')[0]))].filter((ns) => ns !== own).sort();
    return from.length
      ? { from: AgentV1Alpha2SpecAllowedNamespacesFrom.SELECTOR, selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: from }] } }
      : undefined;
  }

  private _modelConfig(id: string, name: string, m: ModelSpec): void {
    _emitTyped(this, id, ModelConfigV1Alpha2.GVK, toJson_ModelConfigV1Alpha2Props, {
      metadata: _agentMeta(this.agent, name, this._withSecretRefs({}, _modelSecretKeys(m))),
      spec: _modelConfigSpec(m),
    }, this.agent.labels);
  }
}

/** Every problem of a declarative agent's model, MCP servers and memory, each naming its key. */
function _declarativeProblems(d: DeclarativeAgentSpec, memory?: AgentMemorySpec): string[] {
  const errors: string[] = [];
  if (!!d.systemMessage === !!d.systemMessageFrom) {
    errors.push(`set exactly one of declarative.systemMessage (inline) and declarative.systemMessageFrom ({ configMap, key }); got ${d.systemMessage ? 'both' : 'neither'}`);
  }
  if (!d.model) errors.push('declarative.model is required; set e.g. model: { provider: "OpenAI", model: "gpt-4o-mini", apiKeySecret: { name: "acme-openai", key: "api-key" } }');
  else errors.push(..._modelProblems(d.model, 'declarative.model'));
  const e = memory?.embedding;
  if (d.model && e && _sameEnvDifferentKey(d.model, e)) {
    // kagent merges the two ModelConfigs' env first-wins by name: the embedding's key would be dropped.
    errors.push(`memory.embedding.apiKeySecret (${e.apiKeySecret?.name}/${e.apiKeySecret?.key}) differs from declarative.model.apiKeySecret (${d.model.apiKeySecret?.name}/${d.model.apiKeySecret?.key}) for the same key variable; kagent keeps only the model's key, so use the same Secret and key for both`);
  }
  const names = new Set<string>();
  (d.mcpServers ?? []).forEach((m, i) => {
    const f = `declarative.mcpServers[${i}]`;
    if (!_isDnsLabel(m.name)) errors.push(`${f}.name "${m.name}" is not a DNS label; use e.g. "github"`);
    else if (names.has(m.name)) errors.push(`${f}.name "${m.name}" is declared twice; MCP server names must be unique within an agent`);
    names.add(m.name);
    if (!/^https?:\/\/[^/\s]+/.test(m.url ?? '')) errors.push(`${f}.url "${m.url}" is not an http(s) URL`);
    const tools = m.toolNames ?? [];
    (m.requireApproval ?? []).forEach((t, j) => {
      if (!tools.includes(t)) {
        errors.push(`${f}.requireApproval[${j}] "${t}" is not in ${f}.toolNames; kagent approves only listed tools: add "${t}" to toolNames${tools.length ? '' : ' (an empty toolNames means every tool, which approval cannot name)'}`);
      }
    });
    if ((m.requireApproval?.length ?? 0) > 50) errors.push(`${f}.requireApproval has ${m.requireApproval!.length} tools; kagent allows at most 50`);
    (m.headersFromSecret ?? []).forEach((h, j) => {
      if (!h.secretName || !h.key || !h.header) errors.push(`${f}.headersFromSecret[${j}] needs header, secretName and key, e.g. { header: "Authorization", secretName: "acme-kb-token", key: "token" }`);
    });
  });
  return errors;
}

/**
 * Records problems worded `<prop path> <what is wrong and the fix>` (`declarative.mcpServers[0].url "x" is
 * not an http(s) URL`), as the declarative checks word them, under that prop path; a problem that names
 * no path is the props' as a whole.
 */
function _addWorded(problems: PropProblems, worded: readonly string[]): void {
  for (const w of worded) {
    const m = /^([A-Za-z]\w*(?:\[\d+\])*(?:\.[A-Za-z]\w*(?:\[\d+\])*)*) (.+)$/s.exec(w);
    if (!m || !/[.[]/.test(m[1]) && !['memory', 'declarative'].includes(m[1])) { problems.add([], undefined, w); continue; }
    const path = m[1].split(/\.|(?=\[)/).map((p) => (p.startsWith('[') ? Number(p.slice(1, -1)) : p));
    problems.add(path, undefined, m[2]);
  }
}

/** Two models whose key lands in the same env variable of the engine, from different Secret keys. */
function _sameEnvDifferentKey(a: ModelSpec, b: ModelSpec): boolean {
  const family = (m: ModelSpec) => (m.provider ?? 'OpenAI');
  if (family(a) !== family(b) || !a.apiKeySecret || !b.apiKeySecret) return false;
  return a.apiKeySecret.name !== b.apiKeySecret.name || (a.apiKeySecret.key ?? '') !== (b.apiKeySecret.key ?? '');
}
