/**
 * A realistic two-tenant example shared by the construct tests: a declarative agent with an MCP
 * server and a model config, a bring-your-own agent, an orchestrator calling skills of both
 * (across tenants), a gVisor sandbox pool, and a canary release at 10%.
 * Each tenant chart lives in its own cdk8s App, as the platform builds them (PERFORMANCE.md).
 */
import { App, Chart, Testing } from 'cdk8s';
import { Agent } from '../../constructs/agent';
import { AgentDirectory } from '../../constructs/agent-directory';
import { CanaryRelease } from '../../constructs/canary-release';
import { PlatformFacts } from '../../constructs/platform-facts';
import { SandboxPool } from '../../constructs/sandbox-pool';
import { TenantNamespace, TenantNamespaceProps } from '../../constructs/tenant-namespace';
import { TEST_INTERNAL_JWKS, TEST_JWKS } from '../support/fixtures';

/** Platform facts as the platform chart would hand them to tenants. */
export const FACTS: PlatformFacts = {
  gatewayNamespace: 'higress-system',
  gatewayPodLabels: { app: 'higress-gateway' },
  gatewayHost: 'agents.example.com',
  gatewayTlsSecret: 'gateway-tls',
  ingressClass: 'higress',
  registryNamespace: 'nacos',
  registryPodLabels: { 'app.kubernetes.io/name': 'nacos' },
  registryClientPorts: [8848, 9848],
  registryHost: 'nacos.nacos.svc.cluster.local',
  jwt: {
    publicIssuer: 'https://login.example.com/',
    publicJwks: TEST_JWKS,
    internalIssuer: 'https://a2a.internal.example.com',
    internalJwks: TEST_INTERNAL_JWKS,
  },
  rateLimitTiers: { free: { requestsPerMinute: 60 }, standard: { requestsPerMinute: 600 } },
  sandboxRuntimeClasses: ['gvisor', 'kata-qemu'],
  clusterDomain: 'cluster.local',
  podSecurityVersion: 'v1.33',
  allowedRegistries: ['ghcr.io/acme', 'ghcr.io/beta'],
};

/** Public LLM endpoints: anything outside private and link-local ranges, HTTPS only. */
export const INTERNET_HTTPS = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'], ports: [443] };
/** PyPI's CDN range, the sandbox allow list. */
export const PYPI = { cidr: '151.101.0.0/16', ports: [443] };

/** A tenant in a chart of its own App. */
export function tenantChart(props: Partial<TenantNamespaceProps> & { name: string }, directory = new AgentDirectory(), facts = FACTS): { app: App; chart: Chart; tenant: TenantNamespace } {
  const app = Testing.app();
  const chart = new Chart(app, props.name, { disableResourceNameHashes: true });
  const tenant = new TenantNamespace(chart, 'tenant', { platform: facts, directory, ...props });
  return { app, chart, tenant };
}

/** A minimal BYO agent props. */
export function byoAgent(name: string, skills = ['answer']) {
  return {
    name,
    byo: { image: `ghcr.io/acme/${name}:1.0.0` },
    skills: skills.map((id) => ({ id, name: id, description: `${id} skill`, tags: [id] })),
  };
}

/** What {@link buildExample} returns. */
export interface Example {
  readonly directory: AgentDirectory;
  readonly charts: Chart[];
  readonly acme: TenantNamespace;
  readonly beta: TenantNamespace;
  readonly research: Agent;
  readonly billing: Agent;
  readonly orchestrator: Agent;
  readonly coder: Agent;
  readonly chat: CanaryRelease;
  readonly pool: SandboxPool;
  /** Synthesizes every chart (each in its own App). */
  synth(): any[];
}

/** Builds the two-tenant example on the given platform facts. */
export function buildExample(facts: PlatformFacts = FACTS): Example {
  const directory = new AgentDirectory();
  const a = tenantChart({ name: 'acme', quota: { requestsCpu: '6', requestsMemory: '12Gi' } }, directory, facts);
  const b = tenantChart({ name: 'beta', rateLimitTier: 'free' }, directory, facts);
  const acme = a.tenant;
  const beta = b.tenant;

  const research = acme.addAgent({
    name: 'research',
    allowedCallers: ['beta/orchestrator'],
    description: 'Researches topics on the web and in GitHub',
    version: '2.1.0',
    streaming: true,
    declarative: {
      model: {
        provider: 'OpenAI', model: 'gpt-4o-2024-08-06', apiKeySecret: { name: 'openai', key: 'api-key' },
        temperature: 0.2, topP: 0.9, maxTokens: 4096, timeoutSeconds: 60, headers: { 'OpenAI-Organization': 'org-acme' },
      },
      systemMessage: 'You are a careful research assistant.',
      mcpServers: [{
        name: 'github', url: 'https://api.githubcopilot.com/mcp/', protocol: 'STREAMABLE_HTTP', timeout: '45s',
        headersFromSecret: [{ header: 'Authorization', secretName: 'github-mcp', key: 'token' }],
        toolNames: ['search_code', 'get_file_contents'],
      }],
    },
    skills: [
      { id: 'web', name: 'Web research', description: 'Researches a question on the web', tags: ['research', 'web'], examples: ['What is A2A?'] },
      { id: 'summarize', name: 'Summarize', description: 'Summarizes documents', tags: ['summarization'] },
    ],
    scaling: { minReplicas: 2, maxReplicas: 4 },
    egress: [INTERNET_HTTPS],
  });

  const pool = acme.addSandboxPool({
    name: 'code', image: 'ghcr.io/acme/py-sandbox:3.12.1', runtimeClassName: 'gvisor', warmReplicas: 2, egressAllowList: [PYPI],
  });
  const coder = acme.addAgent({
    ...byoAgent('coder', ['run-python']),
    sandboxPool: pool,
    resources: { cpu: '250m', memory: '512Mi', cpuLimit: '1', memoryLimit: '1Gi' },
  });
  const chatBase = { ...byoAgent('chat', ['chat']), byo: undefined };
  const chat = acme.addCanaryRelease({
    agent: { ...chatBase, description: 'Customer chat' },
    stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } },
    canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } },
    traffic: { weight: 10 },
  });

  const billing = beta.addAgent({
    name: 'billing',
    byo: { image: 'ghcr.io/beta/billing:3.4.1', env: { LOG_LEVEL: 'info' } },
    skills: [
      { id: 'refund', name: 'Refund', description: 'Issues a refund', tags: ['billing'] },
      { id: 'invoice', name: 'Invoice', description: 'Finds invoices', tags: ['billing'] },
    ],
  });
  // BYO: kagent builds agent tools only for kagent Agents, and billing is a BYO agent.
  const orchestrator = beta.addAgent({
    name: 'orchestrator',
    byo: { image: 'ghcr.io/beta/orchestrator:2.0.1' },
    skills: [{ id: 'plan', name: 'Plan', description: 'Plans and delegates work', tags: ['orchestration'] }],
    calls: ['acme/research#web', billing.skill('refund')],
    scaling: { minReplicas: 0, maxReplicas: 5, trigger: { type: 'cron', metadata: { timezone: 'UTC', start: '0 8 * * 1-5', end: '0 18 * * 1-5', desiredReplicas: '1' } } },
    egress: [INTERNET_HTTPS],
  });

  const charts = [a.chart, b.chart];
  return {
    directory, charts, acme, beta, research, billing, orchestrator, coder, chat, pool,
    synth: () => charts.flatMap((c) => c.toJson()),
  };
}
