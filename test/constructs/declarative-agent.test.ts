/**
 * Declarative agents as kagent v0.9.12 takes them: every model provider, Memory, tool approval,
 * the ServiceAccount kagent is told to use, endpoints in egress, and the Secrets they read. Every
 * emitted custom resource is validated against ../shared/crds.
 */
import { Testing } from 'cdk8s';
import type { AgentProps } from '../../constructs/agent';
import type { ModelSpec } from '../../constructs/model-config';
import { MODEL_PROVIDERS } from '../../constructs/model-config';
import { neededSecretKeys } from '../../stacks/tenant-secrets';
import { validateAll } from '../support/schema-validator';
import { tenantChart } from './_example';
import { PROVIDERS } from '../support/model-providers';

const SKILLS = [{ id: 'answer', name: 'Answer', description: 'Answers', tags: ['qa'] }];
const OPENAI: ModelSpec = { provider: 'OpenAI', model: 'gpt-4o-mini', apiKeySecret: { name: 'acme-openai', key: 'api-key' } };

function synth(agents: Array<Omit<AgentProps, 'tenant'>>) {
  const { chart, tenant } = tenantChart({ name: 'acme' });
  for (const a of agents) tenant.addAgent(a);
  return Testing.synth(chart) as any[];
}
const declarative = (model: ModelSpec, extra: Partial<AgentProps['declarative']> = {}, props: Partial<AgentProps> = {}) =>
  ({ name: 'helper', skills: SKILLS, declarative: { model, systemMessage: 'Help.', ...extra }, ...props }) as Omit<AgentProps, 'tenant'>;
const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

describe('model providers', () => {
  test('cover all nine of kagent v0.9.12', () => {
    expect(PROVIDERS.map(([m]) => m.provider).sort()).toEqual([...MODEL_PROVIDERS].sort());
  });

  test.each(PROVIDERS)('%p: the ModelConfig has its block, passes the CRD, and its endpoint and Secret keys are known', (model, block, fields, hosts, secretKeys) => {
    const objs = synth([declarative(model)]);
    expect(validateAll(objs.filter((o) => o.apiVersion.startsWith('kagent.dev/')))).toEqual([]);
    const mc = find(objs, 'ModelConfig', 'helper-model');
    expect(mc.spec.provider).toBe(model.provider);
    expect(mc.spec[block]).toEqual(fields);
    // One provider block only: kagent's CEL rule refuses a block of another provider.
    expect(Object.keys(mc.spec).filter((k) => ['openAI', 'anthropic', 'azureOpenAI', 'ollama', 'gemini', 'geminiVertexAI', 'anthropicVertexAI', 'bedrock', 'sapAICore'].includes(k))).toEqual([block]);
    expect(find(objs, 'Agent', 'helper').spec.declarative.modelConfig).toBe('helper-model');
    const egress = find(objs, 'NetworkPolicy', 'helper-egress');
    expect(egress?.metadata.annotations?.['agentruntime.io/egress-endpoints']?.split(',') ?? []).toEqual(hosts);
    expect(neededSecretKeys(objs)).toEqual(secretKeys);
  });

  test('an external endpoint no egress entry covers gets public addresses on its port only; one an entry covers adds nothing', () => {
    const open = find(synth([declarative(OPENAI)]), 'NetworkPolicy', 'helper-egress');
    const rule = open.spec.egress.find((r: any) => r.to[0].ipBlock?.cidr === '0.0.0.0/0');
    expect(rule.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(rule.to[0].ipBlock.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '192.168.0.0/16', '172.16.0.0/12']));
    const covered = find(synth([declarative(OPENAI, {}, { egress: [{ cidr: '162.159.140.0/24', ports: [443] }] })]), 'NetworkPolicy', 'helper-egress');
    expect(covered.spec.egress.map((r: any) => r.to[0].ipBlock?.cidr)).toEqual(['162.159.140.0/24']);
  });

  test('an in-cluster model gets a rule to its namespace on its port', () => {
    const np = find(synth([declarative(PROVIDERS[3][0])]), 'NetworkPolicy', 'helper-egress');
    expect(np.spec.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'models' } } }], ports: [{ protocol: 'TCP', port: 11434 }] });
  });

  test.each<[string, ModelSpec, string[]]>([
    ['Bedrock without region, with a key and an OpenAI setting', { provider: 'Bedrock', model: 'm', apiKeySecret: { name: 'aws', key: 'k' }, baseUrl: 'https://x.example.com' }, [
      'declarative.model.baseUrl is not a setting of provider Bedrock (only of OpenAI, Anthropic, SAPAICore); remove it (Bedrock takes region, bedrockAuth, additionalModelRequestFields, promptCaching, cacheTtl)',
      'declarative.model.region is required for provider Bedrock; set it, e.g. region: "us-east-1"',
      'declarative.model.apiKeySecret.key "k" is not used by Bedrock: kagent reads the keys "AWS_ACCESS_KEY_ID" and "AWS_SECRET_ACCESS_KEY" of the Secret; remove key',
    ]],
    ['AzureOpenAI without endpoint and API version', { provider: 'AzureOpenAI', model: 'gpt-4o', apiKeySecret: { name: 'az', key: 'k' } }, [
      'declarative.model.azureEndpoint is required for provider AzureOpenAI; set it, e.g. azureEndpoint: "https://acme.openai.azure.com"',
      'declarative.model.apiVersion is required for provider AzureOpenAI; set it, e.g. apiVersion: "2024-10-21"',
    ]],
    ['OpenAI without a key, with a credential header', { provider: 'OpenAI', model: 'gpt-4o', headers: { Authorization: 'Bearer sk-1' } }, [
      'declarative.model.apiKeySecret is required for provider OpenAI; name the tenant Secret holding the credentials, e.g. apiKeySecret: { name: "acme-openai", key: "api-key" }',
      'declarative.model.headers.Authorization carries a credential in plain text; put it in apiKeySecret instead',
    ]],
    ['Vertex with a credentials Secret but no key (kagent\'s CEL rule)', { provider: 'AnthropicVertexAI', model: 'c', projectId: 'acme-prod', location: 'us-east5', apiKeySecret: { name: 'gcp' } }, [
      'declarative.model.apiKeySecret.key is required for provider AnthropicVertexAI; name the key holding the service-account JSON, e.g. key: "credentials.json" (or remove apiKeySecret to use workload identity)',
    ]],
    ['an unknown provider', { provider: 'Mistral' as any, model: 'x' }, ['declarative.model.provider "Mistral" is not a kagent v0.9.12 provider; use one of OpenAI, Anthropic, AzureOpenAI, Ollama, Gemini, GeminiVertexAI, AnthropicVertexAI, Bedrock, SAPAICore']],
    ['Vertex with a bad location and project', { provider: 'GeminiVertexAI', model: 'g', projectId: 'X', location: 'mars' }, [
      'declarative.model.location "mars" is not a Google Cloud region; use e.g. "us-central1" or "global"',
      'declarative.model.projectId "X" is not a Google Cloud project id (6-30 lowercase letters, digits, \'-\'), e.g. "acme-prod"',
    ]],
  ])('%s: every problem at once, naming the key and the fix', (_name, model, messages) => {
    expect(() => synth([declarative(model)])).toThrow(new Error(`agent acme/tenant/helper: ${messages.join('\nagent acme/tenant/helper: ')}`));
  });
});

describe('tool approval', () => {
  const mcp = { name: 'kb', url: 'https://kb.example.com/mcp', toolNames: ['search', 'delete_page'], requireApproval: ['delete_page'], headersFromSecret: [{ header: 'Authorization', secretName: 'acme-kb-token', key: 'token' }] };

  test('requireApproval lands on the Agent\'s MCP tool, and the RemoteMCPServer names its token Secret', () => {
    const objs = synth([declarative(OPENAI, { mcpServers: [mcp] })]);
    expect(validateAll(objs.filter((o) => o.apiVersion.startsWith('kagent.dev/')))).toEqual([]);
    const tool = find(objs, 'Agent', 'helper').spec.declarative.tools[0].mcpServer;
    expect(tool).toMatchObject({ name: 'helper-kb', kind: 'RemoteMCPServer', toolNames: ['search', 'delete_page'], requireApproval: ['delete_page'] });
    expect(neededSecretKeys(objs)).toEqual(['acme/acme-kb-token/token', 'acme/acme-openai/api-key']);
  });

  test('a tool to approve that is not in toolNames is refused (kagent\'s CEL rule), naming the fix', () => {
    expect(() => synth([declarative(OPENAI, { mcpServers: [{ ...mcp, toolNames: ['search'] }] })])).toThrow(
      'declarative.mcpServers[0].requireApproval[0] "delete_page" is not in declarative.mcpServers[0].toolNames; kagent approves only listed tools: add "delete_page" to toolNames');
  });
});

describe('memory', () => {
  const store = { apiKeySecret: { name: 'acme-pinecone', key: 'api-key' }, indexHost: 'https://support-abc123.svc.aped-4627-b74a.pinecone.io', namespace: 'support', topK: 8, scoreThreshold: 0.75 };
  const embedding: ModelSpec = { provider: 'OpenAI', model: 'text-embedding-3-small', apiKeySecret: { name: 'acme-openai', key: 'api-key' } };

  test('a declarative agent gets kagent\'s engine memory (embedding ModelConfig, ttlDays) and the Memory store', () => {
    const objs = synth([declarative(OPENAI, {}, { memory: { embedding, ttlDays: 30, store } })]);
    expect(validateAll(objs.filter((o) => o.apiVersion.startsWith('kagent.dev/')))).toEqual([]);
    expect(find(objs, 'Agent', 'helper').spec.declarative.memory).toEqual({ modelConfig: 'helper-embedding', ttlDays: 30 });
    expect(find(objs, 'ModelConfig', 'helper-embedding').spec).toMatchObject({ provider: 'OpenAI', model: 'text-embedding-3-small', apiKeySecret: 'acme-openai' });
    expect(find(objs, 'Memory', 'helper-memory')).toMatchObject({
      apiVersion: 'kagent.dev/v1alpha1',
      spec: { provider: 'Pinecone', apiKeySecretRef: 'acme-pinecone', apiKeySecretKey: 'api-key', pinecone: { indexHost: store.indexHost, namespace: 'support', topK: 8, scoreThreshold: '0.75' } },
    });
    expect(neededSecretKeys(objs)).toEqual(['acme/acme-openai/api-key', 'acme/acme-pinecone/api-key']);
  });

  test('a BYO agent gets the store\'s settings as env and its key as a mounted file, never in env', () => {
    const objs = synth([{ name: 'mem', byo: { image: 'ghcr.io/acme/mem:1.0.0' }, skills: SKILLS, memory: { store, ttlDays: 7 } }]);
    const pod = find(objs, 'Deployment', 'mem').spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      AGENT_MEMORY_PROVIDER: 'Pinecone', AGENT_MEMORY_INDEX_HOST: store.indexHost, AGENT_MEMORY_NAMESPACE: 'support', AGENT_MEMORY_TOP_K: '8',
      AGENT_MEMORY_SCORE_THRESHOLD: '0.75', AGENT_MEMORY_TTL_DAYS: '7', AGENT_MEMORY_API_KEY_FILE: '/var/run/agentruntime/memory/api-key',
    });
    expect(pod.containers[0].env.some((e: any) => e.valueFrom?.secretKeyRef?.name === 'acme-pinecone')).toBe(false);
    expect(pod.volumes).toContainEqual({ name: 'memory-key', secret: { secretName: 'acme-pinecone', items: [{ key: 'api-key', path: 'api-key' }] } });
    expect(find(objs, 'NetworkPolicy', 'mem-egress').metadata.annotations['agentruntime.io/egress-endpoints']).toBe('support-abc123.svc.aped-4627-b74a.pinecone.io:443');
    expect(neededSecretKeys(objs)).toEqual(['acme/acme-pinecone/api-key']);
  });

  test.each<[string, Omit<AgentProps, 'tenant'>, string]>([
    ['a declarative agent without an embedding model', declarative(OPENAI, {}, { memory: { store } }), 'memory.embedding is required for a declarative agent'],
    ['a BYO agent without a store', { name: 'mem', byo: { image: 'ghcr.io/acme/mem:1.0.0' }, skills: SKILLS, memory: { ttlDays: 3 } }, 'memory.store is required for a BYO agent'],
    ['a store host that is not https', declarative(OPENAI, {}, { memory: { embedding, store: { ...store, indexHost: 'pinecone' } } }), 'memory.store.indexHost "pinecone" is not an https host URL'],
    ['a topK out of range', declarative(OPENAI, {}, { memory: { embedding, store: { ...store, topK: 0 } } }), 'memory.store.topK 0 is out of range; use a whole number from 1 to 1000'],
    ['an embedding key that kagent would drop', declarative(OPENAI, {}, { memory: { embedding: { ...embedding, apiKeySecret: { name: 'other', key: 'k' } } } }),
      'memory.embedding.apiKeySecret (other/k) differs from declarative.model.apiKeySecret (acme-openai/api-key) for the same key variable; kagent keeps only the model\'s key'],
  ])('refuses %s', (_name, agent, message) => {
    expect(() => synth([agent])).toThrow(message);
  });
});

describe('ServiceAccount: one writer', () => {
  test('a declarative agent runs as our <agent>-agent (token not mounted), which is not the Agent\'s name, so kagent creates none', () => {
    const objs = synth([declarative(OPENAI)]);
    const agent = find(objs, 'Agent', 'helper');
    expect(agent.spec.declarative.deployment.serviceAccountName).toBe('helper-agent');
    expect(find(objs, 'ServiceAccount', 'helper-agent')).toMatchObject({ automountServiceAccountToken: false });
    // kagent's buildServiceAccount emits one only when the pods' ServiceAccount is named like the Agent.
    expect(find(objs, 'ServiceAccount', 'helper')).toBeUndefined();
    // Nothing of a kind kagent's translator creates for the Agent carries its name (kagent spec §3).
    const kagentKinds = ['ServiceAccount', 'Deployment', 'Service', 'Secret', 'ConfigMap'];
    expect(objs.filter((o) => kagentKinds.includes(o.kind) && (o.metadata.name === 'helper' || o.metadata.name === 'helper-skills-init'))).toEqual([]);
  });

  test('a canary of a declarative agent runs as the stable track\'s ServiceAccount and emits none', () => {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    tenant.addCanaryRelease({
      agent: { name: 'helper', skills: SKILLS },
      stable: { version: '1.0.0', declarative: { model: OPENAI, systemMessage: 'Help.' } },
      canary: { version: '1.1.0', declarative: { model: OPENAI, systemMessage: 'Help more.' } },
      traffic: { weight: 10 },
    });
    const objs = Testing.synth(chart) as any[];
    expect(find(objs, 'Agent', 'helper-canary').spec.declarative.deployment.serviceAccountName).toBe('helper-agent');
    expect(objs.filter((o) => o.kind === 'ServiceAccount' && o.metadata.name.startsWith('helper')).map((o) => o.metadata.name)).toEqual(['helper-agent']);
  });

  test('an agent named like a declarative agent\'s ServiceAccount is refused', () => {
    expect(() => synth([declarative(OPENAI), { name: 'helper-agent', byo: { image: 'ghcr.io/acme/x:1.0.0' }, skills: SKILLS }]))
      .toThrow('[acme/tenant/helper] name: "helper" runs as ServiceAccount "helper-agent" (declarative), which is also the name of agent "acme/helper-agent" and its ServiceAccount; rename one of them');
  });
});

test('a BYO agent\'s tools to approve reach the SDK as AGENT_TOOLS_REQUIRE_APPROVAL', () => {
  const objs = synth([{ name: 'ops', byo: { image: 'ghcr.io/acme/ops:1.0.0', requireApproval: ['refund', 'delete_page'] }, skills: SKILLS }]);
  const env = find(objs, 'Deployment', 'ops').spec.template.spec.containers[0].env;
  expect(env).toContainEqual({ name: 'AGENT_TOOLS_REQUIRE_APPROVAL', value: 'refund,delete_page' });
});
