/**
 * Label and annotation keys shared by constructs, policies and the runtime. They are a
 * public contract: NetworkPolicy selectors, the review CLI and `agent-runtime cards` read them.
 */
export const LABEL = {
  /** Every object this package emits. Value: `agent-runtime`. */
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  /** Tenant that owns the object (tenant namespaces and everything in them). */
  tenant: 'agentruntime.io/tenant',
  /** Agent name, on agent workloads, pods, Services, routes and card ConfigMaps. */
  agent: 'agentruntime.io/agent',
  /** Skill id, on per-skill routes. */
  skill: 'agentruntime.io/skill',
  /** `platform` | `tenant` | `agent` | `sandbox` | `agent-card` | `registry` | `gateway-config`. */
  role: 'agentruntime.io/role',
  /** Canary track of a workload: `stable` | `canary`. */
  track: 'agentruntime.io/track',
  /** Sandbox pool name, on sandbox pods. */
  sandboxPool: 'agentruntime.io/sandbox-pool',
} as const;

export const ANNOTATION = {
  /** Nacos namespace id a card is registered in (the tenant name). */
  nacosNamespace: 'agentruntime.io/nacos-namespace',
  /** `"true"` when the card version must become the latest in Nacos. */
  setAsLatest: 'agentruntime.io/set-as-latest',
  /** Construct path of the object, so reviews can point at the source. */
  constructPath: 'agentruntime.io/construct-path',
  /** Declared A2A calls of an agent, comma separated `tenant/agent#skill`. */
  calls: 'agentruntime.io/a2a-calls',
  /** Why a workload needs the Kubernetes API (and so a service-account token), e.g. `sandbox claims`. */
  needsKubernetesApi: 'agentruntime.io/needs-kubernetes-api',
  /** Secret keys an object reads (`<secret>/<key>,...`): the stack creates them from `tenantSecrets`. */
  secretRefs: 'agentruntime.io/secret-refs',
  /** Endpoints outside the cluster an agent's egress admits (`host:port,...`), for reviews. */
  egressEndpoints: 'agentruntime.io/egress-endpoints',
  /**
   * `"true"` on an object another controller creates and deletes (the namespace's `default`
   * ServiceAccount): deployers apply the fields shown as a server-side-apply patch and never own it.
   */
  applyAsPatch: 'agentruntime.io/apply-as-patch',
} as const;

/** Value of `app.kubernetes.io/managed-by` on everything we emit. */
export const MANAGED_BY = 'agent-runtime';

/** Key of the card JSON inside an AgentCard ConfigMap. */
export const AGENT_CARD_KEY = 'agent-card.json';

/** Role label value marking the ConfigMaps that carry AgentCards. */
export const AGENT_CARD_ROLE = 'agent-card';
