import { Construct } from 'constructs';
import { _assertPinnedImage, _isDnsLabel } from './_security';
import { _tenantInternals } from './_tenant-internals';
import { _emitAgentCardConfigMap, agentCard, PlatformAgentCard, servedProtocolVersions } from './agent-card';
import { agentKey, formatSkillRef, SkillRef } from './agent-directory';
import { agentDirectoryEntry } from './agent-directory-entry';
import { AgentNetwork } from './agent-network';
import type { _Endpoint } from './endpoint-egress';
import { _modelEndpoints } from './model-config';
import type { _AgentTrackProps, AgentProps, AgentSkillSpec } from './agent-props';
import { AgentResilience } from './agent-resilience';
import { _chatPath, _skillPath, agentCardUrl, AgentRoutes } from './agent-routes';
import { _checkWakeTrigger, AgentScaler } from './agent-scaler';
import { _agentResources, AgentWorkload } from './agent-workload';
import {
  A2A_PORT, AGENT_METRICS_PORT, AgentIngressNames, AgentMetrics, AgentVisibility, BYO_COMPONENT, CanaryTraffic, DECLARATIVE_COMPONENT,
  DECLARATIVE_PORT_REFUSAL, IAgentTrack, ISandboxPool, ITenantNamespace,
} from './contracts';
import { LABEL } from './labels';
import { _awaitsFirstToken, _emitAgentTokenSecret } from './runtime-controller';
import {
  _checkSkillResilience, _describeVersions, _ResolvedFallback, _versionsOf, formatSkillCall, parseSkillCall,
  SkillCallSpec,
} from './skill-resilience';

export { A2A_PORT, BYO_COMPONENT, DECLARATIVE_COMPONENT } from './contracts';
export type { AgentMetrics, KedaTrigger } from './contracts';
export type {
  AgentMemorySpec, AgentProps, AgentResources, AgentScaling, AgentSkillSpec, ByoAgentSpec, DeclarativeAgentSpec, McpServerSpec, MemoryStoreSpec, ModelSpec,
} from './agent-props';
import { addProblemValidation, ConstructProblem, PropProblems } from './errors';

/** Largest replica count Kubernetes stores (int32). */
const _MAX_REPLICAS = 2 ** 31 - 1;

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
  /**
   * ServiceAccount of both tracks (a canary must run with the stable track's identity): `<name>`
   * for BYO agents, `<name>-agent` for declarative ones, which kagent is told to use: kagent creates
   * (and would take over) a ServiceAccount named like the Agent only when it is the one the pods use.
   */
  public readonly serviceAccountName: string;
  /** Labels selecting this track's pods. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** Labels of every object of this track. */
  public readonly labels: Readonly<Record<string, string>>;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  /** The A2A 1.0 AgentCard of this version, as data. */
  public readonly card: PlatformAgentCard;
  /** Declared calls. */
  public readonly calls: readonly SkillRef[];
  /** Declared calls with their pinned versions and client settings. */
  public readonly callSpecs: readonly SkillCallSpec[];
  /** Metrics port and path. */
  public readonly metrics: Required<AgentMetrics>;
  /** Port the pods serve A2A on (container port `a2a`): `byo.port`, else 8080; the Service exposes it as 8080. */
  public readonly port: number;
  /** Names of the Ingresses: chat route and one per skill. */
  /** Names of the Ingresses: chat, the agent's and each skill's internal route, and more (see AgentIngressNames). */
  public readonly ingressNames: AgentIngressNames;
  public readonly sandboxPool?: ISandboxPool;
  /** What runs this track (ServiceAccount, kagent Agent or Deployment + Service). */
  public readonly workload: AgentWorkload;
  /** HPA or KEDA ScaledObject, and PDB. */
  public readonly scaler: AgentScaler;
  /** Gateway routes and their jwt-auth rules. */
  public readonly routes: AgentRoutes;
  /** Egress NetworkPolicy and sandbox-claim RBAC. */
  public readonly network: AgentNetwork;

  /** Who may call this agent from other tenants. */
  public readonly visibility: AgentVisibility;
  /** Tenants and agents allowed besides the visibility. */
  public readonly allowedCallers: readonly string[];
  /** Callable only by the agents listed in allowedCallers. */
  public readonly sensitive: boolean;

  private readonly skillIds: readonly string[];
  /** `calls` as written: a string names its version inside, an object in `version`. */
  private readonly writtenCalls: readonly (string | SkillCallSpec)[];
  private readonly canaryTraffic?: CanaryTraffic;
  private readonly fallbacks: Readonly<Record<string, _ResolvedFallback>>;

  constructor(scope: Construct, id: string, props: AgentProps) {
    super(scope, id);
    const t = props.tenant;
    // Every independent check runs; their problems are thrown together (see errors.ts).
    const problems = new PropProblems(this, 'agent');
    if (!_isDnsLabel(props.name ?? '')) {
      const suggestion = String(props.name ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
      throw problems.fail(['name'], props.name, `is not a DNS label; use lowercase letters, digits and '-'${_isDnsLabel(suggestion) ? `, e.g. "${suggestion}"` : ', starting and ending with a letter or digit, e.g. "search"'}`);
    }
    if (props.name.length > 40) {
      throw problems.fail(['name'], props.name, `is ${props.name.length} characters; use at most 40 (object names add suffixes such as "-canary-a2a-<skill>")`);
    }
    this.tenant = t;
    this.name = props.name;
    this.key = agentKey(t.name, props.name);
    this.version = props.version ?? '1.0.0';
    const internal = props as AgentProps & _AgentTrackProps;
    this.track = internal.track ?? 'stable';
    if (!!props.declarative === !!props.byo) {
      problems.add([], undefined, `set exactly one of "declarative" (kagent) and "byo" (your image); got ${props.declarative ? 'both' : 'neither'}`);
    }
    this.kind = props.declarative ? 'declarative' : 'byo';
    this.visibility = props.visibility ?? 'tenant';
    if (!['tenant', 'platform', 'public'].includes(this.visibility)) {
      problems.add(['visibility'], this.visibility, 'is not one of "tenant", "platform", "public"');
    }
    this.allowedCallers = props.allowedCallers ?? [];
    this.allowedCallers.forEach((c, i) => {
      if (!/^[a-z0-9-]+(\/[a-z0-9-]+)?$/.test(c)) {
        problems.add(['allowedCallers', i], c, 'is neither a tenant ("globex") nor an agent ("globex/researcher")');
      }
    });
    this.sensitive = props.sensitive ?? false;
    this.canaryTraffic = internal.canaryTraffic;
    this.workloadName = this.track === 'canary' ? `${props.name}-canary` : props.name;
    this.serviceAccountName = this.kind === 'declarative' ? declarativeServiceAccountName(props.name) : props.name;
    this.skillIds = this._checkSkills(props.skills, problems);
    this.writtenCalls = props.calls ?? [];
    const calls = (props.calls ?? []).map((c, i) => problems.collect(() => this._checkCall(parseSkillCall(c, { problems, path: ['calls', i] }), problems.at('calls', i))));
    problems.throwIfAny();
    this.callSpecs = calls as SkillCallSpec[];
    this.calls = this.callSpecs.map((c) => ({ tenant: c.tenant, agent: c.agent, skill: c.skill }));
    const fallbacks: Record<string, _ResolvedFallback> = {};
    props.skills.forEach((s, i) => {
      const f = _checkSkillResilience(s, {
        problems: problems.at('skills', i), tenant: t.name, agent: props.name, skillIds: this.skillIds, maxRetries: t.maxRetries,
        kind: props.declarative ? 'declarative' : 'byo', istioApi: !!t.platform.istioApi,
      });
      if (f) fallbacks[s.id] = f;
    });
    this.fallbacks = fallbacks;
    this.port = problems.collect(() => _a2aPort(props, problems)) ?? A2A_PORT;
    const metrics = props.metrics ?? {};
    this.metrics = { port: metrics.port ?? AGENT_METRICS_PORT, path: metrics.path ?? '/metrics' };
    if (props.byo?.port !== undefined && props.byo.port === this.metrics.port) {
      problems.add(['byo', 'port'], this.port, `is the agent's metrics port (metrics.port, default ${AGENT_METRICS_PORT}); serve A2A on another port, e.g. ${A2A_PORT}, or move metrics.port`);
    } else if (!Number.isInteger(this.metrics.port) || this.metrics.port < 1 || this.metrics.port > 65535 || this.metrics.port === this.port) {
      problems.add(['metrics', 'port'], this.metrics.port, `is not allowed; use a TCP port other than the A2A port ${this.port}, e.g. ${this.port === AGENT_METRICS_PORT ? A2A_PORT : AGENT_METRICS_PORT}`);
    }
    if (!/^\/\S*$/.test(this.metrics.path)) {
      problems.add(['metrics', 'path'], this.metrics.path, 'is not an absolute HTTP path; use e.g. "/metrics"');
    }
    this.sandboxPool = props.sandboxPool;

    // Scaling: HPA from 1, KEDA to 0; replicas stay unset on the workload either way.
    const scaling = props.scaling ?? {};
    this.minReplicas = scaling.minReplicas ?? 1;
    this.maxReplicas = scaling.maxReplicas ?? Math.max(3, this.minReplicas);
    if (!Number.isInteger(this.minReplicas) || this.minReplicas < 0) {
      problems.add(['scaling', 'minReplicas'], this.minReplicas, 'is not allowed; use 0 (scale to zero) or more');
    } else if (!Number.isInteger(this.maxReplicas) || this.maxReplicas > _MAX_REPLICAS) {
      problems.add(['scaling', 'maxReplicas'], this.maxReplicas, `is not allowed; use a whole number up to ${_MAX_REPLICAS}`);
    } else if (this.maxReplicas < Math.max(1, this.minReplicas)) {
      problems.add(['scaling', 'maxReplicas'], this.maxReplicas, `is below minReplicas ${this.minReplicas} (or 1); use at least ${Math.max(1, this.minReplicas)}`);
    }
    if (this.minReplicas === 0 && scaling.trigger) problems.collect(() => _checkWakeTrigger(scaling.trigger!, problems));
    const resources = problems.collect(() => _agentResources(props.resources ?? {}, problems));
    if (props.byo) problems.collect(() => _assertPinnedImage(props.byo!.image, { problems, path: ['byo', 'image'] }, t.platform.allowedRegistries, t.platform.requireImageDigests));
    problems.throwIfAny();
    const reg = _tenantInternals(t);
    reg.useMetricsPort(this.metrics.port);
    reg.useA2aPort(this.port);

    this.labels = t.labelsFor('agent', props.name, { [LABEL.agent]: props.name, [LABEL.version]: this.version, [LABEL.track]: this.track });
    this.podLabels = { [LABEL.tenant]: t.name, [LABEL.agent]: props.name, [LABEL.track]: this.track };
    const podLabels = { ...this.labels, ...this.podLabels, [LABEL.component]: this.kind === 'declarative' ? DECLARATIVE_COMPONENT : BYO_COMPONENT };

    this.ingressNames = {
      chat: `${this.workloadName}-chat`,
      agent: `${this.workloadName}-a2a`,
      skills: Object.fromEntries(this.skillIds.map((s) => [s, `${this.workloadName}-a2a-${s}`])),
      ...(this.track === 'canary' ? { version: `${this.workloadName}-card` } : {}),
      ...(this.kind === 'declarative' && this.track === 'stable' ? { kagent: `${this.workloadName}-kagent-a2a` } : {}),
    };
    this.card = agentCard({
      name: props.name,
      description: props.description ?? `${props.name} agent`,
      version: this.version,
      // An A2A client calls the card's url with its internal token (chat is for end users).
      url: agentCardUrl(t.platform.gatewayHost, t.name, this.name, this.track, this.version),
      skills: props.skills.map((s) => ({ id: s.id, name: s.name, description: s.description, tags: s.tags, ...(s.examples ? { examples: s.examples } : {}) })),
      streaming: props.streaming,
      // kagent's runtime serves A2A 0.3; agents on the SDK serve 1.0 and 0.3.
      protocolVersions: servedProtocolVersions(this.kind),
      path: { problems, path: [] },
    });

    if (props.declarative) reg.useKagent();
    this.workload = new AgentWorkload(this, 'workload', {
      resources: resources!, podLabels, description: props.description ?? `${props.name} agent`, skills: props.skills,
      declarative: props.declarative, byo: props.byo, memory: props.memory, problems,
    });
    this.scaler = new AgentScaler(this, 'scaling', scaling);
    this.routes = new AgentRoutes(this, 'routes', { skills: props.skills, fallbacks: this.fallbacks, canaryTraffic: this.canaryTraffic });
    this.network = new AgentNetwork(this, 'network', props.egress ?? [], problems, _configuredEndpoints(props));
    this.sandboxPool?._addUser(this);

    _emitAgentCardConfigMap(this, 'agent-card', {
      card: this.card,
      name: `${this.workloadName}-agent-card`,
      namespace: t.namespace,
      nacosNamespace: t.nacosNamespaceId,
      setAsLatest: this.track === 'stable',
      labels: this.labels,
    });
    // The Secret the agent-runtime controller writes the agent's identity token into (the stable track owns it).
    if (t.platform.runtimeController && this.track === 'stable') {
      _emitAgentTokenSecret(this, { namespace: t.namespace, agent: props.name, labels: this.labels, awaitToken: _awaitsFirstToken(this) });
    }

    // Stable owns the directory entry and the callee side of A2A calls; canary shares both.
    if (this.track === 'stable') {
      t.directory.register(agentDirectoryEntry({
        tenant: t.name, namespace: t.namespace, clusterDomain: t.platform.clusterDomain, agent: props.name,
        version: this.version, kind: this.kind, skills: this.card.skills,
      }), this);
    }
    if (this.track === 'canary') t.directory.setCanaryVersion(this.key, this.version);
    this.calls.forEach((ref, i) => {
      const why = t.directory.callRefusal(this.key, ref);
      if (why) problems.add(['calls', i], formatSkillCall(this.callSpecs[i]), why);
      else t.directory.addCall(this.key, ref);
    });
    problems.throwIfAny();
    new AgentResilience(this, 'resilience', props.skills);
    // `ApiObject.of(agent)` is the object that runs it (Deployment or kagent Agent), as cdk8s-plus' defaultChild.
    this.node.defaultChild = this.workload;

    reg.addWorkload({
      kind: 'agent', name: props.name, track: this.track, path: this.node.path,
      footprint: {
        pods: this.maxReplicas,
        requestsCpu: resources!.n.cpu * this.maxReplicas,
        requestsMemory: resources!.n.memory * this.maxReplicas,
        limitsCpu: resources!.n.cpuLimit * this.maxReplicas,
        limitsMemory: resources!.n.memoryLimit * this.maxReplicas,
        gpus: resources!.n.gpus * this.maxReplicas,
      },
    });
    addProblemValidation(this, () => this._validate());
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

  private _checkCall(c: SkillCallSpec, at: PropProblems): SkillCallSpec {
    const max = this.tenant.maxRetries;
    if (c.retries !== undefined && (!Number.isInteger(c.retries) || c.retries < 0 || c.retries > max)) {
      at.add(['retries'], c.retries, `is above the maximum of ${max} (maxRetries of tenant "${this.tenant.name}") or not a whole number; use 0 to ${max}`);
    }
    if (c.timeoutSeconds !== undefined && (!Number.isInteger(c.timeoutSeconds) || c.timeoutSeconds < 1)) {
      at.add(['timeoutSeconds'], c.timeoutSeconds, 'is not allowed; use a whole number of seconds >= 1');
    }
    if (c.fallbackVersion !== undefined && !c.version) {
      at.add(['fallbackVersion'], c.fallbackVersion, `is set without a pinned version; pin one, e.g. "${formatSkillCall({ ...c, version: '1.2.0' })}"`);
    }
    if (c.fallbackVersion !== undefined && c.fallbackVersion === c.version) {
      at.add(['fallbackVersion'], c.fallbackVersion, 'equals the pinned version; name another deployed version');
    }
    return c;
  }

  private _checkSkills(skills: readonly AgentSkillSpec[] | undefined, problems: PropProblems): string[] {
    if (!skills || skills.length === 0) {
      throw problems.fail(['skills'], undefined, 'is empty; an agent needs at least one skill; add e.g. { id: \'answer\', name: \'Answer\', description: \'...\', tags: [\'qa\'] }');
    }
    const ids: string[] = [];
    skills.forEach((s, i) => {
      if (!_isDnsLabel(s.id) || s.id.length > 20) {
        problems.add(['skills', i, 'id'], s.id, 'is not allowed; use a DNS label of at most 20 characters, e.g. "web-search"');
      } else if (ids.includes(s.id)) {
        problems.add(['skills', i, 'id'], s.id, 'is declared twice; skill ids must be unique within an agent');
      }
      if (!s.tags || s.tags.length === 0) {
        problems.add(['skills', i, 'tags'], undefined, `is empty; A2A requires at least one tag, e.g. tags: ['${s.id}']`);
      }
      ids.push(s.id);
    });
    return ids;
  }

  /** Why `caller` (`tenant/agent`) may not call this agent, or undefined when it may (callee consent). */
  private _refusal(caller: string): string | undefined {
    const callerTenant = caller.split('/')[0];
    if (this.sensitive) {
      if (this.allowedCallers.includes(caller)) return undefined;
      return `"${this.key}" is sensitive and callable only by the agents in its allowedCallers (${this.allowedCallers.filter((c) => c.includes('/')).map((c) => `"${c}"`).join(', ') || 'none'}); add "${caller}" to allowedCallers of "${this.key}", or remove the call from "${caller}"`;
    }
    if (callerTenant === this.tenant.name || this.visibility !== 'tenant') return undefined;
    if (this.allowedCallers.includes(callerTenant) || this.allowedCallers.includes(caller)) return undefined;
    return `"${this.key}" has visibility "tenant" and does not allow tenant "${callerTenant}"; add "${caller}" (or "${callerTenant}") to allowedCallers of "${this.key}", set its visibility to "platform", or remove the call from "${caller}"`;
  }

  /** Each allowedCallers entry names an agent (`tenant/agent`) or a tenant with agents that exist: a typo would consent to nobody, silently. */
  private _checkAllowedCallers(problems: PropProblems): void {
    if (this.track !== 'stable') return;
    const d = this.tenant.directory;
    const agents = d.list();
    this.allowedCallers.forEach((c, i) => {
      if (c.includes('/') ? !d.get(c) : !agents.some((a) => a.tenant === c)) {
        const known = c.includes('/') ? agents.filter((a) => a.tenant === c.split('/')[0]).map((a) => `"${a.tenant}/${a.agent}"`) : [...new Set(agents.map((a) => `"${a.tenant}"`))];
        problems.add(['allowedCallers', i], c, `names ${c.includes('/') ? 'an agent' : 'a tenant'} that does not exist (known: ${known.join(', ') || 'none'}); fix the name or remove it`);
      }
    });
  }

  /** Checks that need every agent of the platform (the directory): callee consent, callees, pinned versions, fallbacks, pools. */
  private _validate(): ConstructProblem[] {
    const problems = new PropProblems(this, 'agent');
    const d = this.tenant.directory;
    if (this.track === 'stable') {
      for (const caller of d.callersOf(this.key)) {
        const why = this._refusal(caller);
        if (why) problems.add(['allowedCallers'], undefined, `does not let agent "${caller}" call "${this.key}": ${why}`);
      }
    }
    if (this.kind === 'declarative' && this.track === 'stable' && d.get(agentKey(this.tenant.name, this.serviceAccountName))) {
      problems.add(['name'], this.name, `runs as ServiceAccount "${this.serviceAccountName}" (declarative), which is also the name of agent "${agentKey(this.tenant.name, this.serviceAccountName)}" and its ServiceAccount; rename one of them`);
    }
    this._checkAllowedCallers(problems);
    this.callSpecs.forEach((c, i) => {
      const at = problems.at('calls', i);
      const callee = d.get(agentKey(c.tenant, c.agent));
      if (this.kind === 'declarative' && callee?.kind === 'byo') {
        at.add([], formatSkillCall(c), `calls a BYO agent; kagent 0.9 builds agent tools only for kagent Agents, so the call could not be made. Make "${agentKey(c.tenant, c.agent)}" declarative, or "${this.key}" a BYO agent (which calls through A2A_CALLS)`);
      }
      const r = d.resolve(c);
      if ('error' in r) {
        at.add([], formatSkillCall(c), `cannot be made: ${r.error}`);
        return;
      }
      const versions = _versionsOf(d, agentKey(c.tenant, c.agent));
      for (const [field, v] of [['version', c.version], ['fallbackVersion', c.fallbackVersion]] as const) {
        if (v !== undefined && !versions.some((x) => x.version === v)) {
          const written = typeof this.writtenCalls[i] === 'string';
          at.add(written ? [] : [field], written ? formatSkillCall(c) : v,
            `pins ${field} "${v}" of "${agentKey(c.tenant, c.agent)}", which is not deployed; its versions are ${_describeVersions(versions)}`);
        }
      }
    });
    this.skillIds.forEach((skill, i) => {
      const f = this.fallbacks[skill];
      if (!f) return;
      const at = problems.at('skills', i, 'fallback');
      if (f.kind === 'skill' && f.ref.agent !== this.name) {
        const r = d.resolve(f.ref);
        if ('error' in r) at.add([], formatSkillRef(f.ref), `does not exist: ${r.error}`);
      }
      if (f.kind === 'version') {
        const versions = _versionsOf(d, this.key);
        if (!versions.some((x) => x.version === f.version)) {
          at.add([], `@${f.version}`, `is not deployed; versions of "${this.key}" are ${_describeVersions(versions)}`);
        }
      }
    });
    const pool = this.sandboxPool;
    if (pool && pool.tenant !== this.tenant) {
      problems.add(['sandboxPool'], pool.name, `is a pool of tenant "${pool.tenant.name}"; an agent may only use pools of its own tenant "${this.tenant.name}"; create one with ${this.tenant.name}.addSandboxPool()`);
    }
    return [...problems.problems];
  }
}

/** ServiceAccount of a declarative agent: not the Agent's name, so kagent creates none (kagent spec §3). */
export function declarativeServiceAccountName(agent: string): string {
  return `${agent}-agent`;
}

/** The endpoints outside the pod an agent's configuration names, with their config keys. */
function _configuredEndpoints(props: AgentProps): _Endpoint[] {
  const d = props.declarative;
  const out: _Endpoint[] = [];
  if (d?.model) out.push(..._modelEndpoints(d.model).map((url) => ({ url, field: 'declarative.model' })));
  if (d && props.memory?.embedding) out.push(..._modelEndpoints(props.memory.embedding).map((url) => ({ url, field: 'memory.embedding' })));
  (d?.mcpServers ?? []).forEach((m, i) => out.push({ url: m.url, field: `declarative.mcpServers[${i}].url` }));
  // Only a BYO agent reads the store (through the SDK); kagent's engine keeps memories through its controller.
  if (props.byo && props.memory?.store) out.push({ url: props.memory.store.indexHost, field: 'memory.store.indexHost' });
  return out;
}

/**
 * The port an agent's pods serve A2A on: `byo.port` (checked), else 8080. A declarative agent
 * has none to set: kagent owns its pods' port.
 */
function _a2aPort(props: AgentProps, problems: PropProblems): number {
  const declarativePort = (props.declarative as { readonly port?: unknown } | undefined)?.port;
  if (declarativePort !== undefined) {
    throw problems.fail(['declarative', 'port'], declarativePort, `is not allowed; ${DECLARATIVE_PORT_REFUSAL}`);
  }
  const port = props.byo?.port ?? A2A_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw problems.fail(['byo', 'port'], port, `is not allowed; use the whole number from 1 to 65535 your image listens on, e.g. ${A2A_PORT}`);
  }
  return port;
}
