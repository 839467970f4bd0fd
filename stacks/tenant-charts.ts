/**
 * Tenant configuration -> construct props. Every tenant chart is constructed first, each in
 * an App of its own, and synthesized afterwards: the shared agent directory then knows every
 * agent and every call, whichever tenant declares it, before any chart is serialized.
 */
import { Chart } from 'cdk8s';
import { AgentDirectory } from '../constructs/agent-directory';
import type { AgentProps } from '../constructs/agent';
import type { PlatformFacts } from '../constructs/platform-facts';
import { SandboxPool } from '../constructs/sandbox-pool';
import { TenantNamespace } from '../constructs/tenant-namespace';
import { parseSkillCall, SkillCallSpec } from '../constructs/skill-resilience';
import type { AgentConfig, CallConfig, TenantConfig } from './tenant-config';

/** Constructs one tenant's chart (not yet synthesized). */
export function buildTenantChart(chart: Chart, tenant: TenantConfig, facts: PlatformFacts, directory: AgentDirectory): TenantNamespace {
  const ns = new TenantNamespace(chart, tenant.name, {
    name: tenant.name,
    platform: facts,
    directory,
    rateLimitTier: tenant.tier,
    groups: [tenant.group],
    quota: defined(tenant.quota),
  });
  const pools = new Map<string, SandboxPool>();
  for (const p of tenant.sandboxPools) {
    pools.set(p.name, ns.addSandboxPool({
      name: p.name,
      image: p.image,
      runtimeClassName: p.runtimeClass ?? 'gvisor',
      warmReplicas: p.warmReplicas,
      lifetimeSeconds: p.lifetimeSeconds,
      egressAllowList: p.egressAllow,
      resources: defined({ cpu: p.cpu, memory: p.memory, ephemeralStorage: p.ephemeralStorage }),
    }));
  }
  const canaries = new Map(tenant.canaries.map((c) => [c.agent, c]));
  for (const c of tenant.canaries) {
    if (!tenant.agents.some((a) => a.name === c.agent)) {
      const known = tenant.agents.map((a) => a.name).join(', ') || 'none';
      throw new Error(`agent-runtime:tenants[${tenant.name}].canaries: agent "${c.agent}" is not an agent of tenant "${tenant.name}" (agents: ${known}); declare it under agents first`);
    }
  }
  for (const agent of tenant.agents) {
    const props = agentProps(tenant, agent, pools);
    const canary = canaries.get(agent.name);
    if (!canary) {
      ns.addAgent(props);
      continue;
    }
    const { version: _version, ...shared } = props;
    const withImage = (image?: string) => (image && props.byo ? { byo: { ...props.byo, image } } : {});
    ns.addCanaryRelease({
      agent: shared,
      stable: { version: canary.stable.version, ...withImage(canary.stable.image) },
      canary: { version: canary.canary.version, ...withImage(canary.canary.image) },
      traffic: defined({ weight: canary.weight, header: canary.header?.name, headerValue: canary.header?.value, cookie: canary.cookie }),
    });
  }
  return ns;
}

function agentProps(tenant: TenantConfig, a: AgentConfig, pools: Map<string, SandboxPool>): Omit<AgentProps, 'tenant'> {
  const where = `agent-runtime:tenants[${tenant.name}].agents[${a.name}]`;
  const pool = a.sandboxPool === undefined ? undefined : pools.get(a.sandboxPool);
  if (a.sandboxPool !== undefined && !pool) {
    throw new Error(`${where}.sandboxPool: "${a.sandboxPool}" is not a sandbox pool of tenant "${tenant.name}" (pools: ${[...pools.keys()].join(', ') || 'none'}); declare it under sandboxPools`);
  }
  return {
    name: a.name,
    description: a.description || undefined,
    version: a.version,
    skills: a.skills.map((s) => defined({
      id: s.id, name: s.name, description: s.description, tags: s.tags, examples: s.examples,
      timeoutSeconds: s.timeoutSeconds, retries: s.retries, retryOn: s.retryOn, fallback: s.fallback,
      deterministic: s.deterministic, cacheTtlSeconds: s.cacheTtlSeconds, circuitBreaker: s.circuitBreaker && defined(s.circuitBreaker),
    })),
    calls: a.calls.map((c, i) => (typeof c === 'string' ? c : callSpec(c, `${where}.calls[${i}]`))),
    scaling: defined({ minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, trigger: a.scaleTrigger }),
    resources: defined({ cpu: a.cpu, memory: a.memory, cpuLimit: a.cpuLimit, memoryLimit: a.memoryLimit, gpus: a.gpus }),
    egress: a.egress,
    sandboxPool: pool,
    ...(a.type === 'byo'
      ? { byo: { image: required(a.image, `${where}.image`, 'a pinned image serving A2A, e.g. ghcr.io/acme/agent:1.0.0') } }
      : { declarative: declarativeSpec(a, where) }),
  };
}

function callSpec(c: CallConfig, where: string): SkillCallSpec {
  const ref = parseSkillCall(c.ref, `${where}.ref`);
  if (ref.version && c.version && ref.version !== c.version) {
    throw new Error(`${where}: ref "${c.ref}" pins version "${ref.version}" but version is "${c.version}"; give the version once`);
  }
  return defined({ ...ref, version: c.version ?? ref.version, fallbackVersion: c.fallbackVersion, timeoutSeconds: c.timeoutSeconds, retries: c.retries });
}

function declarativeSpec(a: AgentConfig, where: string): NonNullable<AgentProps['declarative']> {
  const m = (a.model ?? {}) as Record<string, any>;
  return {
    model: defined({
      provider: m.provider,
      model: required(m.model, `${where}.model.model`, 'the model name, e.g. gpt-4o-mini'),
      apiKeySecret: {
        name: required(m.apiKeySecret, `${where}.model.apiKeySecret`, 'the Secret holding the API key (set its value with `pulumi config set --secret`)'),
        key: m.apiKeySecretKey ?? 'api-key',
      },
      baseUrl: m.baseUrl,
      temperature: m.temperature,
      topP: m.topP,
      maxTokens: m.maxTokens,
      timeoutSeconds: m.timeout,
      headers: m.headers,
    }),
    systemMessage: a.systemPrompt,
    systemMessageFrom: a.systemPromptConfigMap && { configMap: a.systemPromptConfigMap.name, key: a.systemPromptConfigMap.key },
    mcpServers: (a.mcpServers ?? []).map((s: Record<string, any>) => defined({
      name: s.name,
      url: s.url,
      description: s.description,
      protocol: s.protocol,
      timeout: s.timeout,
      toolNames: s.toolNames,
      headersFromSecret: s.authHeaderSecret ? [s.authHeaderSecret] : undefined,
    })),
  };
}

function required<T>(value: T | undefined, key: string, what: string): T {
  if (value === undefined || value === null || value === '') throw new Error(`${key} is required; give ${what}`);
  return value;
}

/** Drops unset keys, so the constructs apply their own defaults. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
