/**
 * Contracts between the tenant constructs: what an agent, a tenant, a sandbox pool and a canary
 * release know of each other, and the wire contracts other components rely on (JWT consumers,
 * the A2A token Secret). A leaf module: it imports no construct, so agent, tenant-namespace,
 * canary-release and sandbox-pool depend on it and never on each other in a cycle.
 */
import type { IConstruct } from 'constructs';
import type { PlatformAgentCard } from './agent-card';
import type { AgentDirectory, SkillRef } from './agent-directory';
import type { PlatformFacts } from './platform-facts';
import { AGENT_CARD_KEY } from './labels';
import type { SkillCallSpec } from './skill-resilience';

/** Port every agent serves A2A on (kagent serves declarative agents on 8080 too). */
export const A2A_PORT = 8080;

/**
 * Header naming the skill of an A2A call. The gateway rewrites every route to `/`, so agents learn
 * the skill from this header; each skill route sets it (overwriting a caller's copy) and every other
 * route removes it, so its value is always the gateway's (see AgentRoutes).
 */
export const A2A_SKILL_HEADER = 'X-A2A-Skill';

/**
 * Header naming the skill a call falls back to on another agent. The gateway's fallback resends the
 * request, headers included, to the other agent's Service, where `X-A2A-Skill` names a skill that
 * agent lacks: a skill route with such a fallback sets this header too (overwriting), every other
 * route removes it, and an agent without the named skill serves the fallback skill instead.
 */
export const A2A_FALLBACK_SKILL_HEADER = 'X-A2A-Fallback-Skill';

/**
 * Header the public chat route sets to `chat` (overwriting): chat and A2A share the agent's port and
 * path `/`, so without it an end user could send A2A JSON-RPC through the chat route and reach any
 * skill; agents refuse A2A on requests that carry it.
 */
export const A2A_ROUTE_HEADER = 'X-A2A-Route';

/** `app.kubernetes.io/component` of declarative (kagent) agent pods. */
export const DECLARATIVE_COMPONENT = 'declarative-agent';

/** `app.kubernetes.io/component` of bring-your-own agent pods. */
export const BYO_COMPONENT = 'byo-agent';

/** Why a declarative agent has no `port`, and the fix (constructs and stack config say the same). */
export const DECLARATIVE_PORT_REFUSAL = `kagent runs declarative agents and owns their port (${A2A_PORT}); remove it, or run your own image as a byo agent and set byo.port`;

/** Default metrics port of agent pods (container port named `metrics`). */
export const AGENT_METRICS_PORT = 9090;

/** Name of the JWT consumer of end users (public issuer). */
export const PUBLIC_CONSUMER = 'public';

/**
 * The `allow` entry of routes no agent may call: a name no jwt-auth consumer has, so no token of
 * any issuer can satisfy it (a verified token gets 403, any other 401). jwt-auth's Go port refuses
 * an empty `allow` ("allow cannot be empty", plugins/wasm-go/extensions/jwt-auth/config/parser.go),
 * so the list names this instead; it contains a space, which no consumer name (`public`,
 * `tenant/agent`) can.
 */
export const NO_CALLER = 'no caller declared';

/**
 * `aud` of every internal token (the controller signs it, the gateway's consumers require it), so
 * internal tokens are refused wherever another audience is expected.
 */
export const INTERNAL_AUDIENCE = 'agent-runtime-gateway';

/**
 * The caller of an A2A request, `tenant/agent`: written by the gateway from the verified token's
 * `sub` (jwt-auth `claims_to_headers`, override) on internal routes, removed from every request
 * before that. Agents read the caller from this header only.
 */
export const CALLER_HEADER = 'X-A2A-Parent-Agent';

/** The consumer jwt-auth verified (`X-Mse-Consumer`, added by jwt-auth; `ai-statistics` records it). */
export const CONSUMER_HEADER = 'X-Mse-Consumer';

/** Name of the JWT consumer of an A2A caller: `tenant/agent`. */
export function a2aConsumer(caller: string): string {
  return caller;
}

/** A tenant as seen by agents, sandbox pools and canary releases (read-only). */
export interface ITenantNamespace extends IConstruct {
  /** Tenant name. */
  readonly name: string;
  /** Kubernetes namespace (= tenant name). */
  readonly namespace: string;
  /** Nacos namespace id of the tenant's AgentCards (= tenant name). */
  readonly nacosNamespaceId: string;
  /** Platform facts. */
  readonly platform: PlatformFacts;
  /** Directory for A2A references. */
  readonly directory: AgentDirectory;
  /** Requests per minute of the tenant's tier, per route and gateway pod. */
  readonly requestsPerMinute: number;
  /** Route timeout in seconds. */
  readonly routeTimeoutSeconds: number;
  /** Upstream tries on 5xx. */
  readonly routeRetries: number;
  /** Maximum upstream retries a skill or call may declare. */
  readonly maxRetries: number;
  /** Labels every object of the tenant carries, plus role and name. */
  labelsFor(role: string, name: string, extra?: Record<string, string>): Record<string, string>;
}

/** What a workload costs the tenant at its maximum scale, for the quota check. */
export interface _Footprint {
  readonly pods: number;
  readonly requestsCpu: number;
  readonly requestsMemory: number;
  readonly limitsCpu: number;
  readonly limitsMemory: number;
  readonly gpus: number;
}

/** A workload registered with its tenant (agent track or sandbox pool). */
export interface _TenantWorkload {
  readonly kind: 'agent' | 'sandbox pool';
  /** Agent or pool name (canary tracks share the agent name). */
  readonly name: string;
  readonly track: 'stable' | 'canary';
  readonly path: string;
  readonly footprint: _Footprint;
}

/** Gateway routes of a tenant and who may use them (resolved at synth time). */
export interface _RouteAuth {
  /** Ingress names in the tenant namespace. */
  readonly ingresses: readonly string[];
  /** JWT consumer names allowed. */
  readonly allow: () => string[];
}

/**
 * What the constructs of a tenant register with it. Not part of {@link ITenantNamespace}: only
 * the tenant's own children reach it (through `_tenantInternals`).
 */
export interface _TenantRegistrar {
  /** Registers a workload for the quota and duplicate checks. */
  addWorkload(workload: _TenantWorkload): void;
  /** Registers gateway routes for the tenant's jwt-auth WasmPlugin. */
  addRoutes(routes: _RouteAuth): void;
  /** Called by declarative agents: allows the kagent controller in. */
  useKagent(): void;
  /** Called by agents: lets Prometheus scrape this port of agent pods. */
  useMetricsPort(port: number): void;
  /** Called by agents: lets the gateway reach this A2A port of agent pods. */
  useA2aPort(port: number): void;
}

/**
 * How the gateway sends traffic to the canary (Higress canary annotations). Higress gives
 * header-value precedence over cookie, and cookie over weight (higress.md §3).
 */
export interface CanaryTraffic {
  /** Percent of requests, 0-100; 0 is a rollback. @default - no weight split */
  readonly weight?: number;
  /** Header selecting the canary (value `always` unless `headerValue` is set). @default - none */
  readonly header?: string;
  /** Header value selecting the canary, e.g. a user group or region. @default 'always' */
  readonly headerValue?: string;
  /** Cookie selecting the canary when set to `always`. @default - none */
  readonly cookie?: string;
}

/** A KEDA trigger (`ScaledObject.spec.triggers[]`). */
export interface KedaTrigger {
  readonly type: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Name of a TriggerAuthentication. @default - none */
  readonly authenticationRef?: string;
}

/** Where Prometheus scrapes the agent (container port named `metrics`). */
export interface AgentMetrics {
  /** Container port of the metrics endpoint. @default 9090 */
  readonly port?: number;
  /** HTTP path (pod annotation `agentruntime.io/metrics-path`). @default '/metrics' */
  readonly path?: string;
}

/** A sandbox pool as seen by the agents that claim from it. */
export interface ISandboxPool {
  readonly name: string;
  readonly tenant: ITenantNamespace;
  /** Labels of the pool's sandbox pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Port agents reach the sandboxes on. */
  readonly port: number;
  /** SandboxWarmPool the agent claims from. */
  readonly warmPoolName: string;
  /** Lets an agent reach the pool's sandboxes (called by the agent that uses the pool). */
  _addUser(agent: IAgentTrack): void;
}

/** Names of an agent track's Ingresses. */
export interface AgentIngressNames {
  /** Public chat route (end users). */
  readonly chat: string;
  /** Internal route of the whole agent (its AgentCard `url`). */
  readonly agent: string;
  /** Internal route of each skill. */
  readonly skills: Readonly<Record<string, string>>;
  /** Canary only: the route of this version (the canary card's `url`). */
  readonly version?: string;
  /** Declarative stable track only: the route of kagent agent tools (kagent `proxy.url`). */
  readonly kagent?: string;
}

/** One track (stable or canary) of an agent, as its child constructs and sandbox pools see it. */
export interface IAgentTrack extends IConstruct {
  readonly tenant: ITenantNamespace;
  readonly name: string;
  /** `tenant/agent`. */
  readonly key: string;
  readonly version: string;
  readonly track: 'stable' | 'canary';
  readonly kind: 'declarative' | 'byo';
  /** Workload, Service and scaler name (`<name>` or `<name>-canary`). */
  readonly workloadName: string;
  readonly serviceAccountName: string;
  /** Labels selecting this track's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Labels of every object of this track. */
  readonly labels: Readonly<Record<string, string>>;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly card: PlatformAgentCard;
  readonly calls: readonly SkillRef[];
  readonly callSpecs: readonly SkillCallSpec[];
  readonly metrics: Required<AgentMetrics>;
  /** Port the pods serve A2A on (container port `a2a`); the Service exposes it as {@link A2A_PORT}. */
  readonly port: number;
  readonly ingressNames: AgentIngressNames;
  readonly sandboxPool?: ISandboxPool;
}

/**
 * The A2A token contract between the platform's identity controller and every calling agent:
 * the controller writes the internal JWT of an agent (`iss` = `<internalIssuer>/<tenant>/<agent>`)
 * into the Secret `<agent>-a2a-token` of the agent's namespace, and the agent reads it from the file
 * {@link A2A_TOKEN_PATH}. Both tracks of a canary share the Secret, as they share the identity.
 */
export interface A2aTokenContract {
  /** Secret name in the agent's namespace. */
  readonly secretName: string;
  /** Key holding the raw JWT (mounted as the token file). */
  readonly tokenKey: string;
  /** Key holding `Bearer <jwt>` (sent by kagent as the Authorization header of agent tools). */
  readonly authorizationKey: string;
  /** Directory the Secret is mounted at, read-only. */
  readonly mountPath: string;
  /** Path of the token file. */
  readonly tokenPath: string;
}

/** Mount directory of the A2A token Secret in agent containers. */
export const A2A_TOKEN_DIR = '/var/run/agentruntime.io/a2a';

/** File holding the agent's internal JWT (refreshed in place by the kubelet when the Secret changes). */
export const A2A_TOKEN_PATH = `${A2A_TOKEN_DIR}/token`;

/**
 * What the platform gives a bring-your-own agent, by the names the SDK (`agent/settings.ts`) reads:
 * its identity, its own AgentCard (the card ConfigMap, mounted read-only) and, when the agent names a
 * registry reader Secret, the Nacos access of `findAgents`.
 */
export const AGENT_ENV = {
  /** `tenant/agent` of this agent. */
  agent: 'A2A_AGENT',
  /** Path of the mounted AgentCard. */
  cardFile: 'A2A_AGENT_CARD_FILE',
  /** The A2A port, set when it is not 8080 (`byo.port`). */
  a2aPort: 'A2A_PORT',
  /** Nacos base URL (`http://<host>:8848`). */
  nacosAddr: 'NACOS_ADDR',
  /** Nacos namespace of the tenant's cards. */
  nacosNamespace: 'NACOS_NAMESPACE',
  nacosUsername: 'NACOS_USERNAME',
  nacosPassword: 'NACOS_PASSWORD',
  /** File holding the password (the mounted reader Secret); wins over NACOS_PASSWORD. */
  nacosPasswordFile: 'NACOS_PASSWORD_FILE',
  /** Cached skills as JSON `{ "<skill id>": <ttl seconds> }` (each skill's `cacheTtlSeconds`). */
  skillCache: 'A2A_SKILL_CACHE',
} as const;

/** Mount directory of the agent's own card ConfigMap `<workload>-agent-card`. */
export const AGENT_CARD_DIR = '/etc/agentruntime/agent-card';

/** The mounted card file (the ConfigMap's key `agent-card.json`). */
export const AGENT_CARD_PATH = `${AGENT_CARD_DIR}/${AGENT_CARD_KEY}`;

/**
 * The registry reader contract: a Secret the user provides in the agent's namespace (by convention
 * `<tenant>-nacos-reader`) with keys `username` and `password` of a Nacos account that may only read
 * the tenant's namespace; mounted read-only at {@link NACOS_READER_DIR}.
 */
export const NACOS_READER_KEYS = { username: 'username', password: 'password' } as const;

/** Mount directory of the registry reader Secret. */
export const NACOS_READER_DIR = '/var/run/agentruntime.io/nacos-reader';

/** The token contract of agent `agent` (both tracks). */
export function a2aTokenContract(agent: string): A2aTokenContract {
  return { secretName: `${agent}-a2a-token`, tokenKey: 'token', authorizationKey: 'authorization', mountPath: A2A_TOKEN_DIR, tokenPath: A2A_TOKEN_PATH };
}

/** Issuer of the internal JWT of `tenant/agent` (the jwt-auth consumer of that caller). */
export function a2aIssuer(internalIssuer: string, caller: string): string {
  return `${internalIssuer}/${caller}`;
}

/**
 * Who may call an agent's skills from other tenants (callee consent). Same-tenant callers are
 * always allowed unless the agent is `sensitive`.
 * - `tenant`: only agents of the same tenant, plus `allowedCallers`;
 * - `platform` and `public`: agents of every tenant of the platform (`public` also says the card
 *   may be listed to end users; for agent-to-agent calls the two are the same).
 */
export type AgentVisibility = 'tenant' | 'platform' | 'public';

/** Kubernetes API endpoints that agents claiming sandboxes reach (egress NetworkPolicy). */
export interface KubernetesApiEndpoint {
  /** CIDRs of the API server endpoints as pods reach them (`kubectl get endpoints kubernetes`). */
  readonly cidrs: readonly string[];
  /** Port of the endpoints (6443 on kubeadm-style clusters, 443 on most managed ones). */
  readonly port: number;
}

/**
 * Headers only the gateway and its plugins write. A gateway-wide plugin removes callers' copies
 * on every route before authentication (see HigressConfig), so what an agent receives in them
 * is the gateway's.
 */
export const GATEWAY_OWNED_HEADERS = [CONSUMER_HEADER, CALLER_HEADER, A2A_ROUTE_HEADER, A2A_SKILL_HEADER, A2A_FALLBACK_SKILL_HEADER] as const;
