/** Props of {@link Agent} and of its parts, as plain data (the stack config reads the same shapes). */
import type { SkillRef } from './agent-directory';
import type { AgentMetrics, AgentVisibility, CanaryTraffic, ISandboxPool, ITenantNamespace, KedaTrigger } from './contracts';
import type { EgressCidr } from './_network-peers';
import type { SkillCallSpec, SkillResilienceSpec } from './skill-resilience';
import type { AgentMemorySpec } from './agent-memory';
import type { ModelSpec } from './model-config';

export type { ModelSpec } from './model-config';
export type { AgentMemorySpec, MemoryStoreSpec } from './agent-memory';

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
  /**
   * Tools whose calls wait for a person's approval (each also in `toolNames`): kagent's engine
   * pauses the task in A2A state `input-required` until the user approves or rejects the call.
   * @default - none
   */
  readonly requireApproval?: readonly string[];
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
  /**
   * Not settable: kagent runs declarative agents and owns their port; to choose the port, run your own image as a `byo` agent.
   * @default - kagent's port (8080)
   */
  readonly port?: never;
}

/** A bring-your-own agent: your image serving A2A on `port` (8080 unless set). */
export interface ByoAgentSpec {
  /** Pinned image (`:latest` and untagged images are refused). */
  readonly image: string;
  /**
   * Port your image serves A2A (chat and skills) on: the container port `a2a`, which the probes, the
   * Service's target and the tenant's gateway NetworkPolicy follow (the Service keeps port 8080 for the gateway);
   * the container gets it as `A2A_PORT` (the agent SDK listens there). A whole number from 1 to 65535, not the agent's `metrics.port`.
   * @asType integer
   * @minimum 1
   * @maximum 65535
   * @default 8080
   */
  readonly port?: number;
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
  /**
   * Name of a Secret you create in the tenant namespace (convention `<tenant>-nacos-reader`) with keys
   * `username` and `password` of a Nacos account that may only read the tenant's namespace: the agent
   * gets `NACOS_*` for `findAgents`, the password as a mounted file. The platform creates no such account.
   * @default - no registry access (findAgents is not configured)
   */
  readonly registryReaderSecret?: string;
  /**
   * Tools whose calls wait for a person's approval, given to the agent SDK's `ToolApprovals` as
   * `AGENT_TOOLS_REQUIRE_APPROVAL` (what `requireApproval` is for declarative agents). @default - none
   */
  readonly requireApproval?: readonly string[];
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

/** Replicas and autoscaling. */
export interface AgentScaling {
  /** 0 scales to zero through KEDA. @default 1 */
  readonly minReplicas?: number;
  /** @default max(3, minReplicas) */
  readonly maxReplicas?: number;
  /** HPA CPU target, percent. @default 70 */
  readonly targetCpuUtilization?: number;
  /**
   * KEDA trigger that wakes the agent at `minReplicas: 0`; it must measure something that exists
   * while the agent has no pods (not `cpu`/`memory`, not the agent's own metrics).
   * @default the gateway's upstream request counters of the agent's Service (Prometheus)
   */
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
  /**
   * Who may call this agent's skills from other tenants: `tenant` (only its own tenant and
   * `allowedCallers`), `platform` or `public` (agents of every tenant). @default 'tenant'
   */
  readonly visibility?: AgentVisibility;
  /**
   * Callers allowed besides the visibility: a tenant (`globex`) or one agent (`globex/researcher`).
   * @default - none
   */
  readonly allowedCallers?: readonly string[];
  /**
   * Sensitive agents are callable only by the agents listed (`tenant/agent`) in `allowedCallers`,
   * even from their own tenant; visibility is ignored. @default false
   */
  readonly sensitive?: boolean;
  /** Metrics endpoint. @default { port: 9090, path: '/metrics' } */
  readonly metrics?: AgentMetrics;
  /** @default - 1 to 3 replicas on CPU */
  readonly scaling?: AgentScaling;
  /** @default - see {@link AgentResources} */
  readonly resources?: AgentResources;
  /**
   * Long-term memory: a vector store (kagent `Memory`, read by BYO agents through the SDK) and, for
   * declarative agents, kagent's engine memory (an embedding model). @default - none
   */
  readonly memory?: AgentMemorySpec;
  /** Sandbox pool of the same tenant the agent may claim sandboxes from. @default - none */
  readonly sandboxPool?: ISandboxPool;
  /** Destinations outside the cluster (LLM APIs, MCP servers) by CIDR. @default - none */
  readonly egress?: readonly EgressCidr[];
  /** Streaming capability in the AgentCard. @default false */
  readonly streaming?: boolean;
}

/** What {@link CanaryRelease} adds to an agent's props for each of its tracks; not part of the public props. */
export interface _AgentTrackProps {
  /** @default 'stable' */
  readonly track?: 'stable' | 'canary';
  /** Canary routing; only on the canary track. @default - none */
  readonly canaryTraffic?: CanaryTraffic;
}
