import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { _emit } from './_api-object';
import { _agentMeta } from './_agent-meta';
import { _podsIn, _tcp } from './_network-peers';
import { _assertPinnedImage, _isDnsLabel } from './_security';
import { _tenantInternals } from './_tenant-internals';
import { _emitAgentCardConfigMap, AgentCard, agentCard } from './agent-card';
import { agentKey, formatSkillRef, SkillRef } from './agent-directory';
import { AgentNetwork } from './agent-network';
import type { AgentProps, AgentSkillSpec } from './agent-props';
import { AgentResilience } from './agent-resilience';
import { _chatPath, _skillPath, AgentRoutes } from './agent-routes';
import { AgentScaler } from './agent-scaler';
import { _agentResources, AgentWorkload } from './agent-workload';
import {
  A2A_PORT, AGENT_METRICS_PORT, AgentMetrics, BYO_COMPONENT, CanaryTraffic, DECLARATIVE_COMPONENT, IAgentTrack, ISandboxPool,
  ITenantNamespace,
} from './contracts';
import { LABEL } from './labels';
import { _emitAgentTokenSecret } from './runtime-controller';
import {
  _checkSkillResilience, _describeVersions, _registerCanaryVersion, _ResolvedFallback, _versionsOf, formatSkillCall, parseSkillCall,
  SkillCallSpec,
} from './skill-resilience';

export { A2A_PORT, BYO_COMPONENT, DECLARATIVE_COMPONENT } from './contracts';
export type { AgentMetrics, KedaTrigger } from './contracts';
export type {
  AgentProps, AgentResources, AgentScaling, AgentSkillSpec, ByoAgentSpec, DeclarativeAgentSpec, McpServerSpec, ModelSpec,
} from './agent-props';

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
export class Agent extends Construct implements IAgentTrack {
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
  /** Labels of every object of this track. */
  public readonly labels: Readonly<Record<string, string>>;
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
  public readonly sandboxPool?: ISandboxPool;
  /** What runs this track (ServiceAccount, kagent Agent or Deployment + Service). */
  public readonly workload: AgentWorkload;
  /** HPA or KEDA ScaledObject, and PDB. */
  public readonly scaler: AgentScaler;
  /** Gateway routes and their jwt-auth rules. */
  public readonly routes: AgentRoutes;
  /** Egress NetworkPolicy and sandbox-claim RBAC. */
  public readonly network: AgentNetwork;

  private readonly skillIds: readonly string[];
  private readonly canaryTraffic?: CanaryTraffic;
  private a2aIngress?: ApiObject;
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
    const reg = _tenantInternals(t);
    reg.useMetricsPort(this.metrics.port);
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

    const resources = _agentResources(props.resources ?? {}, where);
    if (props.declarative) reg.useKagent();
    else _assertPinnedImage(props.byo!.image, `${where}: byo.image`, t.platform.allowedRegistries);
    this.workload = new AgentWorkload(this, 'workload', {
      resources, podLabels, description: props.description ?? `${props.name} agent`, skills: props.skills,
      declarative: props.declarative, byo: props.byo, where,
    });
    this.scaler = new AgentScaler(this, 'scaling', scaling);
    this.routes = new AgentRoutes(this, 'routes', { skills: props.skills, fallbacks: this.fallbacks, canaryTraffic: this.canaryTraffic });
    this.network = new AgentNetwork(this, 'network', props.egress ?? [], where);
    this.sandboxPool?._addUser(this);

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
    new AgentResilience(this, 'resilience', props.skills);

    reg.addWorkload({
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
    return _chatPath(this.tenant.name, this.name);
  }

  /** Internal A2A route path of a skill. */
  public _skillPath(skill: string): string {
    return _skillPath(this.tenant.name, this.name, skill);
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

  private _ensureA2aIngress(): void {
    if (this.a2aIngress) return;
    const d = this.tenant.directory;
    this.a2aIngress = _emit(this, 'a2a-ingress-policy', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: _agentMeta(this, `${this.name}-a2a-ingress`),
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
