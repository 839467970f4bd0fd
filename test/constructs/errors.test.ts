import { Agent } from '../../constructs/agent';
import { AgentDirectory } from '../../constructs/agent-directory';
import { TenantNamespace } from '../../constructs/tenant-namespace';
import { byoAgent, FACTS, tenantChart } from './_example';

/** Declarative spec that is valid, for cases that break one field of it. */
const DECLARATIVE = {
  model: { model: 'gpt-4o-2024-08-06', apiKeySecret: { name: 'openai', key: 'api-key' } },
  systemMessage: 'Be brief.',
};
const SKILLS = [{ id: 'answer', name: 'Answer', description: 'Answers', tags: ['qa'] }];
const CANARY = {
  agent: { name: 'chat', skills: SKILLS },
  stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } },
  canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } },
};

const synthFailure = (path: string, message: string) => new Error(`Validation failed with the following errors:\n  [${path}] ${message}`);

describe('eager errors name the construct, the prop, the bad value and the fix', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['a non-DNS tenant name', () => tenantChart({ name: 'Acme' }),
      'tenant Acme/tenant: name: "Acme" is not a DNS label; use lowercase letters, digits and \'-\', e.g. "acme"'],
    ['a system namespace as tenant', () => tenantChart({ name: 'kube-system' }),
      'tenant kube-system/tenant: name: "kube-system" is a platform or system namespace; choose another name'],
    ['an unknown rate-limit tier', () => tenantChart({ name: 'acme', rateLimitTier: 'gold' }),
      'tenant acme/tenant: rateLimitTier: "gold" is not defined by the platform; use one of "free", "standard"'],
    ['an empty group list', () => tenantChart({ name: 'acme', groups: [] }),
      'tenant acme/tenant: groups is empty; name at least one group of the tenant\'s developers, e.g. ["acme-developers"]'],
    ['a duplicate agent', () => { const { tenant } = tenantChart({ name: 'acme' }); tenant.addAgent(byoAgent('search')); tenant.addAgent(byoAgent('search')); },
      'tenant "acme": agent "search" is defined twice; agent names must be unique within a tenant, rename one of them'],
    ['a duplicate agent under another construct id', () => {
      const { tenant } = tenantChart({ name: 'acme' });
      tenant.addAgent(byoAgent('search'));
      new Agent(tenant, 'search-again', { ...byoAgent('search'), tenant });
    }, 'agent "acme/search" is defined twice; agent names must be unique within a tenant, rename one of them'],
    ['a non-DNS agent name', () => tenantChart({ name: 'acme' }).tenant.addAgent(byoAgent('Search_Bot')),
      'agent acme/tenant/Search_Bot: name: "Search_Bot" is not a DNS label; use lowercase letters, digits and \'-\', e.g. "search-bot"'],
    ['a :latest image', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), byo: { image: 'ghcr.io/acme/search:latest' } }),
      'agent acme/tenant/search: byo.image: "ghcr.io/acme/search:latest" is not pinned; use an explicit version tag or digest, e.g. "ghcr.io/acme/search:1.2.3"'],
    ['an untagged image', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), byo: { image: 'ghcr.io/acme/search' } }),
      'agent acme/tenant/search: byo.image: "ghcr.io/acme/search" is not pinned; use an explicit version tag or digest, e.g. "ghcr.io/acme/search:1.2.3"'],
    ['an image from another registry', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), byo: { image: 'docker.io/evil/search:1.0.0' } }),
      'agent acme/tenant/search: byo.image: "docker.io/evil/search:1.0.0" is not from an allowed registry (ghcr.io/acme, ghcr.io/beta); push it to one of them or add its registry to allowedRegistries'],
    ['a version that cannot be a label value', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), version: '1.0.0+build.7' }),
      'agent acme/tenant/search: version: "1.0.0+build.7" is not allowed; use a semantic version MAJOR.MINOR.PATCH (pre-release "-rc.1" allowed, no "v", no "+build", at most 63 characters), e.g. "1.0.0"'],
    ['both declarative and byo', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), declarative: DECLARATIVE }),
      'agent acme/tenant/search: set exactly one of "declarative" (kagent) and "byo" (your image); got both'],
    ['neither declarative nor byo', () => tenantChart({ name: 'acme' }).tenant.addAgent({ name: 'search', skills: SKILLS }),
      'agent acme/tenant/search: set exactly one of "declarative" (kagent) and "byo" (your image); got neither'],
    ['an agent without skills', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), skills: [] }),
      'agent acme/tenant/search: skills is empty; an agent needs at least one skill; add e.g. { id: \'answer\', name: \'Answer\', description: \'...\', tags: [\'qa\'] }'],
    ['a skill without tags', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), skills: [{ id: 'web', name: 'Web', description: 'Web', tags: [] }] }),
      'agent acme/tenant/search: skills[0].tags is empty; A2A requires at least one tag, e.g. tags: [\'web\']'],
    ['a duplicate skill id', () => tenantChart({ name: 'acme' }).tenant.addAgent(byoAgent('search', ['web', 'web'])),
      'agent acme/tenant/search: skills[1].id: "web" is declared twice; skill ids must be unique within an agent'],
    ['scale to zero on the agent\'s own metrics', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), scaling: { minReplicas: 0, trigger: { type: 'prometheus', metadata: { serverAddress: 'http://prom:9090', query: 'sum(rate(a2a_calls_total{agent="search"}[2m]))', threshold: '1' } } } }),
      'agent acme/tenant/search: scaling.trigger.metadata.query: "sum(rate(a2a_calls_total{agent=\\"search\\"}[2m]))" uses "a2a_calls_total", which only the agent\'s own pods export; at 0 replicas it does not exist and the agent never wakes; remove scaling.trigger to use the gateway\'s upstream metrics of the agent\'s route (the default), or name a signal that exists without pods (a queue length, the gateway\'s envoy_cluster_* metrics)'],
    ['scale to zero on CPU', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), scaling: { minReplicas: 0, trigger: { type: 'cpu', metadata: { value: '60' } } } }),
      'agent acme/tenant/search: scaling.trigger.type: "cpu" measures the agent\'s own pods and can never wake it from 0 replicas; remove scaling.trigger to use the gateway\'s upstream metrics of the agent\'s route (the default), or name a signal that exists without pods (a queue length, the gateway\'s envoy_cluster_* metrics)'],
    ['maxReplicas below minReplicas', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), scaling: { minReplicas: 4, maxReplicas: 2 } }),
      'agent acme/tenant/search: scaling.maxReplicas: 2 is below minReplicas 4 (or 1); use at least 4'],
    ['a request above its limit', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), resources: { cpu: '2', cpuLimit: '1' } }),
      'agent acme/tenant/search: resources request more than their limit (cpu 2 / 1, memory 256Mi / 512Mi); raise the limit or lower the request'],
    ['a malformed quantity', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), resources: { memory: 'lots' } }),
      'agent acme/tenant/search: resources.memory: "lots" is not a Kubernetes quantity; use e.g. "500m" for CPU or "512Mi" for memory'],
    ['both system message sources', () => tenantChart({ name: 'acme' }).tenant.addAgent({ name: 'search', skills: SKILLS, declarative: { ...DECLARATIVE, systemMessageFrom: { configMap: 'p', key: 'k' } } }),
      'agent acme/tenant/search: set exactly one of declarative.systemMessage (inline) and declarative.systemMessageFrom ({ configMap, key }); got both'],
    ['a temperature out of range', () => tenantChart({ name: 'acme' }).tenant.addAgent({ name: 'search', skills: SKILLS, declarative: { ...DECLARATIVE, model: { ...DECLARATIVE.model, temperature: 3 } } }),
      'agent acme/tenant/search: declarative.model.temperature 3 is out of range; use 0..2'],
    ['a timeout on a provider without one', () => tenantChart({ name: 'acme' }).tenant.addAgent({ name: 'search', skills: SKILLS, declarative: { ...DECLARATIVE, model: { ...DECLARATIVE.model, provider: 'Anthropic', timeoutSeconds: 30 } } }),
      'agent acme/tenant/search: declarative.model.timeoutSeconds is not a setting of provider Anthropic (only of OpenAI); remove it (Anthropic takes baseUrl, temperature, topP, topK, maxTokens)'],
    ['an MCP server URL that is not http(s)', () => tenantChart({ name: 'acme' }).tenant.addAgent({ name: 'search', skills: SKILLS, declarative: { ...DECLARATIVE, mcpServers: [{ name: 'gh', url: 'ftp://x' }] } }),
      'agent acme/tenant/search: declarative.mcpServers[0].url "ftp://x" is not an http(s) URL'],
    ['a malformed skill reference', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), calls: ['acme-research-web'] }),
      'agent acme/tenant/search: calls[0]: "acme-research-web" is not a skill reference; write "tenant/agent#skill", e.g. "acme/search#web"'],
    ['an object reference to a missing skill', () => { const { tenant } = tenantChart({ name: 'acme' }); tenant.addAgent(byoAgent('search', ['web', 'news'])).skill('images'); },
      'agent "acme/search" has no skill "images"; its skills are "web", "news"'],
    ['a malformed egress CIDR', () => tenantChart({ name: 'acme' }).tenant.addAgent({ ...byoAgent('search'), egress: [{ cidr: 'api.openai.com' }] }),
      'agent acme/tenant/search: egress[0].cidr: "api.openai.com" is not a CIDR; use e.g. "151.101.0.0/16" (it is not address/prefix)'],
    ['a gateway host that is not public', () => new TenantNamespace(tenantChart({ name: 'x' }).chart, 'local', { name: 'acme', platform: { ...FACTS, gatewayHost: 'localhost' } }).addAgent(byoAgent('search')),
      'agent x/local/search: "https://localhost/api/v1/internal/a2a/acme/search" is not a public gateway URL for the AgentCard; set gatewayHost to the gateway\'s public host (https://<gateway host>/...), never localhost or *.svc'],
    ['a sandbox pool without a runtime class', () => tenantChart({ name: 'acme' }).tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:1.0.0', runtimeClassName: '' }),
      'sandbox pool acme/tenant/sandbox-code: runtimeClassName is required; sandboxes are isolated only by their RuntimeClass; use one of "gvisor", "kata-qemu"'],
    ['a sandbox pool with a disallowed runtime class', () => tenantChart({ name: 'acme' }).tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:1.0.0', runtimeClassName: 'runc' }),
      'sandbox pool acme/tenant/sandbox-code: runtimeClassName: "runc" is not a sandbox RuntimeClass of the platform; use one of "gvisor", "kata-qemu"'],
    ['a sandbox pool with a :latest image', () => tenantChart({ name: 'acme' }).tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:latest', runtimeClassName: 'gvisor' }),
      'sandbox pool acme/tenant/sandbox-code: image: "ghcr.io/acme/sb:latest" is not pinned; use an explicit version tag or digest, e.g. "ghcr.io/acme/sb:1.2.3"'],
    ['a duplicate sandbox pool', () => { const { tenant } = tenantChart({ name: 'acme' }); for (let i = 0; i < 2; i++) tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:1.0.0', runtimeClassName: 'gvisor' }); },
      'tenant "acme": sandbox pool "code" is defined twice; sandbox pool names must be unique within a tenant, rename one of them'],
    ['a canary weight of 140', () => tenantChart({ name: 'acme' }).tenant.addCanaryRelease({ agent: { name: 'chat', skills: SKILLS }, stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } }, canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } }, traffic: { weight: 140 } }),
      'canary release acme/tenant/canary-chat: traffic.weight: 140 is not allowed; use an integer from 0 to 100 (0 rolls back)'],
    ['a canary without a stable version', () => tenantChart({ name: 'acme' }).tenant.addCanaryRelease({ agent: { name: 'chat', skills: SKILLS }, stable: undefined as any, canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } }, traffic: { weight: 10 } }),
      'canary release acme/tenant/canary-chat: stable.version is missing; set stable: { version: \'1.0.0\', ... } (the version of agent "chat" serving traffic today)'],
    ['a canary with the stable version', () => tenantChart({ name: 'acme' }).tenant.addCanaryRelease({ agent: { name: 'chat', skills: SKILLS }, stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } }, canary: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.1' } }, traffic: { weight: 10 } }),
      'canary release acme/tenant/canary-chat: canary.version: "1.0.0" is also the stable version; a canary needs a new version (Nacos keys cards by version)'],
    ['canary traffic that selects nothing', () => tenantChart({ name: 'acme' }).tenant.addCanaryRelease({ ...CANARY, traffic: { headerValue: 'beta-testers' } }),
      'canary release acme/tenant/canary-chat: traffic selects nothing; set traffic.weight (0-100), traffic.header or traffic.cookie\n'
      + 'canary release acme/tenant/canary-chat: traffic.headerValue: "beta-testers" is set without traffic.header; name the header, e.g. header: \'x-user-group\''],
    ['a canary header value without a header', () => tenantChart({ name: 'acme' }).tenant.addCanaryRelease({ ...CANARY, traffic: { weight: 5, headerValue: 'beta-testers' } }),
      'canary release acme/tenant/canary-chat: traffic.headerValue: "beta-testers" is set without traffic.header; name the header, e.g. header: \'x-user-group\''],
  ];

  test.each(cases)('fails on %s', (_name, build, message) => {
    expect(build).toThrow(new Error(message));
  });

  test('at least 20 bad inputs are covered', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
});

describe('synth-time errors (cross-construct rules, all reported together)', () => {
  test('fails on a reference to a missing skill, listing the skills that exist', () => {
    const directory = new AgentDirectory();
    const acme = tenantChart({ name: 'acme' }, directory);
    const beta = tenantChart({ name: 'beta' }, directory);
    acme.tenant.addAgent(byoAgent('research', ['web', 'summarize']));
    beta.tenant.addAgent({ ...byoAgent('orchestrator'), calls: ['acme/research#images'] });
    expect(() => beta.chart.toJson()).toThrow(synthFailure('beta/tenant/orchestrator',
      'calls[0]: "acme/research#images" cannot be made: agent "acme/research" has no skill "images"; its skills are "web", "summarize"'));
  });

  test('fails on a reference to a missing agent, listing the agents of that tenant', () => {
    const directory = new AgentDirectory();
    const acme = tenantChart({ name: 'acme' }, directory);
    const beta = tenantChart({ name: 'beta' }, directory);
    acme.tenant.addAgent(byoAgent('research', ['web']));
    acme.tenant.addAgent(byoAgent('writer'));
    beta.tenant.addAgent({ ...byoAgent('orchestrator'), calls: ['acme/reserch#web'] });
    expect(() => beta.chart.toJson()).toThrow(synthFailure('beta/tenant/orchestrator',
      'calls[0]: "acme/reserch#web" cannot be made: no agent "acme/reserch" is known (agents of tenant "acme": "research", "writer"); fix the reference or define the agent'));
  });

  test('fails when the quota is smaller than the sum of requests at max replicas', () => {
    const { chart, tenant } = tenantChart({ name: 'acme', quota: { requestsCpu: '1' } });
    tenant.addAgent({ ...byoAgent('search'), resources: { cpu: '250m' }, scaling: { minReplicas: 1, maxReplicas: 3 } });
    tenant.addAgent({ ...byoAgent('writer'), resources: { cpu: '200m' }, scaling: { minReplicas: 1, maxReplicas: 2 } });
    expect(() => chart.toJson()).toThrow(synthFailure('acme/tenant',
      'quota.requestsCpu: "1" (requests.cpu) is smaller than the tenant\'s workloads need at max replicas, 1150m (agent search 750m, agent writer 400m); raise quota.requestsCpu to at least "1150m" or lower maxReplicas/resources'));
  });

  test('fails when an agent uses the sandbox pool of another tenant', () => {
    const directory = new AgentDirectory();
    const acme = tenantChart({ name: 'acme' }, directory);
    const beta = tenantChart({ name: 'beta' }, directory);
    const pool = acme.tenant.addSandboxPool({ name: 'code', image: 'ghcr.io/acme/sb:1.0.0', runtimeClassName: 'gvisor' });
    beta.tenant.addAgent({ ...byoAgent('coder'), sandboxPool: pool });
    expect(() => beta.chart.toJson()).toThrow(synthFailure('beta/tenant/coder',
      'sandboxPool: "code" is a pool of tenant "acme"; an agent may only use pools of its own tenant "beta"; create one with beta.addSandboxPool()'));
  });

  test('reports every failure of a chart together', () => {
    const { chart, tenant } = tenantChart({ name: 'acme', quota: { pods: 2 } });
    tenant.addAgent({ ...byoAgent('search'), calls: ['acme/nobody#x'] });
    expect(() => chart.toJson()).toThrow(/quota\.pods: 2 \(pods\) is smaller[\s\S]*no agent "acme\/nobody"|no agent "acme\/nobody"[\s\S]*quota\.pods: 2 \(pods\) is smaller/);
  });
});
