/**
 * The `tenants` section of the stack configuration: tenants, their agents, sandbox pools and
 * canary releases, checked for shape here and for meaning by the constructs.
 */
import { ConfigError, ConfigNode } from './config-reader';

/** A skill an agent offers over A2A. */
export interface SkillConfig {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly tags: string[];
  readonly examples?: string[];
  readonly timeoutSeconds?: number;
  readonly retries?: number;
  readonly deterministic?: boolean;
  readonly cacheTtlSeconds?: number;
  readonly fallback?: string;
  /** `proxy-next-upstream` conditions, e.g. [error, timeout, http_503]. */
  readonly retryOn?: string[];
  /** Outlier detection (needs `gateway.istioApi: true`). */
  readonly circuitBreaker?: { consecutiveErrors?: number; intervalSeconds?: number; ejectionSeconds?: number; maxEjectionPercent?: number };
}

/** A call with the caller's own settings: a pinned version (and its fallback), client timeout and retries. */
export interface CallConfig {
  /** `tenant/agent#skill`, optionally `@version`. */
  readonly ref: string;
  readonly version?: string;
  readonly fallbackVersion?: string;
  readonly timeoutSeconds?: number;
  readonly retries?: number;
}

/** One agent of a tenant. */
export interface AgentConfig {
  readonly name: string;
  readonly type: 'declarative' | 'byo';
  readonly version: string;
  readonly description: string;
  readonly skills: SkillConfig[];
  /** Skills of other agents this agent calls, `tenant/agent#skill[@version]` or `{ ref, version, fallbackVersion, timeoutSeconds, retries }`. */
  readonly calls: Array<string | CallConfig>;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  /** KEDA trigger that wakes an agent scaled to zero. */
  readonly scaleTrigger?: { type: string; metadata: Record<string, string> };
  readonly cpu?: string;
  readonly memory?: string;
  readonly cpuLimit?: string;
  readonly memoryLimit?: string;
  readonly gpus?: number;
  /** Destinations outside the cluster (LLM APIs, MCP servers), by CIDR. */
  readonly egress?: { cidr: string; except?: string[]; ports?: number[] }[];
  readonly image?: string;
  readonly port?: number;
  readonly model?: Record<string, unknown>;
  readonly systemPrompt?: string;
  readonly systemPromptConfigMap?: { name: string; key: string };
  readonly mcpServers?: Record<string, unknown>[];
  readonly sandboxPool?: string;
  readonly public?: boolean;
}

/** A warm pool of gVisor/Kata sandboxes. */
export interface SandboxPoolConfig {
  readonly name: string;
  readonly runtimeClass?: string;
  readonly image: string;
  readonly warmReplicas?: number;
  readonly lifetimeSeconds?: number;
  readonly egressAllow?: { cidr: string; except?: string[]; ports?: number[] }[];
  readonly cpu?: string;
  readonly memory?: string;
  readonly ephemeralStorage?: string;
}

/** A canary release of one agent. */
export interface CanaryConfig {
  readonly agent: string;
  readonly stable: { version: string; image?: string };
  readonly canary: { version: string; image?: string };
  readonly weight?: number;
  readonly header?: { name: string; value?: string };
  readonly cookie?: string;
}

/** One tenant. */
export interface TenantConfig {
  readonly name: string;
  readonly group: string;
  readonly tier: string;
  readonly quota: {
    requestsCpu?: string; requestsMemory?: string; limitsCpu?: string; limitsMemory?: string;
    pods?: number; gpus?: number; storage?: string;
  };
  readonly agents: AgentConfig[];
  readonly sandboxPools: SandboxPoolConfig[];
  readonly canaries: CanaryConfig[];
}

const QUANTITY = { pattern: /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, hint: 'a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi' };

/** Reads and shape-checks `agent-runtime:tenants`. */
export function readTenants(root: ConfigNode): TenantConfig[] {
  const seen = new Set<string>();
  return root.list('tenants').map((t) => {
    t.only('name', 'group', 'tier', 'quota', 'agents', 'sandboxPools', 'canaries');
    const name = t.reqStr('name');
    if (seen.has(name)) throw new ConfigError(`${t.key('name')}: tenant "${name}" is declared twice; tenant names must be unique`);
    seen.add(name);
    const quota = t.child('quota').only('requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory', 'pods', 'gpus', 'storage');
    return {
      name,
      group: t.str('group') ?? `${name}-developers`,
      tier: t.str('tier') ?? 'standard',
      quota: {
        requestsCpu: quota.str('requestsCpu', QUANTITY),
        requestsMemory: quota.str('requestsMemory', QUANTITY),
        limitsCpu: quota.str('limitsCpu', QUANTITY),
        limitsMemory: quota.str('limitsMemory', QUANTITY),
        pods: quota.num('pods', { integer: true, min: 1 }),
        gpus: quota.num('gpus', { integer: true, min: 0 }),
        storage: quota.str('storage', QUANTITY),
      },
      agents: t.list('agents').map(readAgent),
      sandboxPools: t.list('sandboxPools').map(readSandboxPool),
      canaries: t.list('canaries').map(readCanary),
    };
  });
}

function readAgent(a: ConfigNode): AgentConfig {
  a.only('name', 'type', 'version', 'description', 'skills', 'calls', 'minReplicas', 'maxReplicas', 'scaleTrigger',
    'cpu', 'memory', 'cpuLimit', 'memoryLimit', 'gpus', 'egress', 'image', 'port', 'model', 'systemPrompt',
    'systemPromptConfigMap', 'mcpServers', 'sandboxPool', 'public');
  const trigger = a.has('scaleTrigger') ? a.child('scaleTrigger').only('type', 'metadata') : undefined;
  const prompt = a.has('systemPromptConfigMap') ? a.child('systemPromptConfigMap').only('name', 'key') : undefined;
  return {
    name: a.reqStr('name'),
    type: (a.str('type', { oneOf: ['declarative', 'byo'] }) ?? 'declarative') as 'declarative' | 'byo',
    version: a.reqStr('version', { hint: 'the AgentCard version, e.g. 1.0.0; bump it on every change' }),
    description: a.str('description') ?? '',
    skills: a.list('skills').map(readSkill),
    calls: readCalls(a),
    minReplicas: a.num('minReplicas', { integer: true, min: 0 }),
    maxReplicas: a.num('maxReplicas', { integer: true, min: 1 }),
    scaleTrigger: trigger && { type: trigger.reqStr('type'), metadata: trigger.strMap('metadata') ?? {} },
    cpu: a.str('cpu', QUANTITY),
    memory: a.str('memory', QUANTITY),
    cpuLimit: a.str('cpuLimit', QUANTITY),
    memoryLimit: a.str('memoryLimit', QUANTITY),
    gpus: a.num('gpus', { integer: true, min: 0 }),
    egress: a.list('egress').map(readCidr),
    image: a.str('image'),
    port: a.num('port', { integer: true, min: 1, max: 65535 }),
    model: a.has('model') ? a.child('model').value : undefined,
    systemPrompt: a.str('systemPrompt'),
    systemPromptConfigMap: prompt && { name: prompt.reqStr('name'), key: prompt.reqStr('key') },
    mcpServers: a.list('mcpServers').map((m) => m.value),
    sandboxPool: a.str('sandboxPool'),
    public: a.bool('public'),
  };
}

function readCalls(a: ConfigNode): Array<string | CallConfig> {
  const raw = a.value.calls;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ConfigError(`${a.key('calls')}: expected a list of "tenant/agent#skill" or { ref, version, ... }`);
  return raw.map((c, i) => {
    if (typeof c === 'string') return c;
    const node = ConfigNode.root(`${a.key('calls')}[${i}]`, c).only('ref', 'version', 'fallbackVersion', 'timeoutSeconds', 'retries');
    return {
      ref: node.reqStr('ref', { hint: 'the skill called, "tenant/agent#skill"' }),
      version: node.str('version'),
      fallbackVersion: node.str('fallbackVersion'),
      timeoutSeconds: node.num('timeoutSeconds', { integer: true, min: 1 }),
      retries: node.num('retries', { integer: true, min: 0 }),
    };
  });
}

function readSkill(s: ConfigNode): SkillConfig {
  s.only('id', 'name', 'description', 'tags', 'examples', 'timeoutSeconds', 'retries', 'deterministic', 'cacheTtlSeconds', 'fallback', 'retryOn', 'circuitBreaker');
  const cb = s.has('circuitBreaker') ? s.child('circuitBreaker').only('consecutiveErrors', 'intervalSeconds', 'ejectionSeconds', 'maxEjectionPercent') : undefined;
  return {
    id: s.reqStr('id', { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, hint: 'skill ids are lowercase DNS labels, e.g. "search"' }),
    name: s.reqStr('name'),
    description: s.str('description') ?? '',
    tags: s.strList('tags') ?? [],
    examples: s.strList('examples'),
    timeoutSeconds: s.num('timeoutSeconds', { integer: true, min: 1 }),
    retries: s.num('retries', { integer: true, min: 0 }),
    deterministic: s.bool('deterministic'),
    cacheTtlSeconds: s.num('cacheTtlSeconds', { integer: true, min: 1 }),
    fallback: s.str('fallback'),
    retryOn: s.strList('retryOn'),
    circuitBreaker: cb && {
      consecutiveErrors: cb.num('consecutiveErrors', { integer: true, min: 1 }),
      intervalSeconds: cb.num('intervalSeconds', { integer: true, min: 1 }),
      ejectionSeconds: cb.num('ejectionSeconds', { integer: true, min: 1 }),
      maxEjectionPercent: cb.num('maxEjectionPercent', { integer: true, min: 0, max: 100 }),
    },
  };
}

function readSandboxPool(p: ConfigNode): SandboxPoolConfig {
  p.only('name', 'runtimeClass', 'image', 'warmReplicas', 'lifetimeSeconds', 'egressAllow', 'cpu', 'memory', 'ephemeralStorage');
  return {
    name: p.reqStr('name'),
    runtimeClass: p.str('runtimeClass'),
    image: p.reqStr('image'),
    warmReplicas: p.num('warmReplicas', { integer: true, min: 0 }),
    lifetimeSeconds: p.num('lifetimeSeconds', { integer: true, min: 1 }),
    egressAllow: p.list('egressAllow').map(readCidr),
    cpu: p.str('cpu', QUANTITY),
    memory: p.str('memory', QUANTITY),
    ephemeralStorage: p.str('ephemeralStorage', QUANTITY),
  };
}

function readCanary(c: ConfigNode): CanaryConfig {
  c.only('agent', 'stable', 'canary', 'weight', 'header', 'cookie');
  const version = (key: string) => {
    if (!c.has(key)) throw new ConfigError(`${c.key(key)} is required; give the ${key} version, e.g. { version: "1.0.0" }`);
    const node = c.child(key).only('version', 'image');
    return { version: node.reqStr('version'), image: node.str('image') };
  };
  const header = c.has('header') ? c.child('header').only('name', 'value') : undefined;
  return {
    agent: c.reqStr('agent'),
    stable: version('stable'),
    canary: version('canary'),
    weight: c.num('weight'),
    header: header && { name: header.reqStr('name'), value: header.str('value') },
    cookie: c.str('cookie'),
  };
}

function readCidr(c: ConfigNode): { cidr: string; except?: string[]; ports?: number[] } {
  c.only('cidr', 'except', 'ports');
  const ports = c.value.ports;
  if (ports !== undefined && (!Array.isArray(ports) || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535))) {
    throw new ConfigError(`${c.key('ports')}: ${JSON.stringify(ports)} is not a list of TCP ports; use e.g. [443]`);
  }
  const cidr = { pattern: /^[0-9a-f.:]+\/\d{1,3}$/, hint: 'a CIDR such as 151.101.0.0/16 (NetworkPolicies cannot match host names)' };
  return { cidr: c.reqStr('cidr', cidr), except: c.strList('except'), ports: ports as number[] | undefined };
}
