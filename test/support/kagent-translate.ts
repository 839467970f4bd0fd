/**
 * The engine configuration kagent v0.9.12's controller derives from our CRs, re-done from its
 * translator (`go/core/internal/controller/translator/agent/compiler.go`, `adk_api_translator.go`
 * `translateModel`, `manifest_builder.go`; wire types `go/api/adk/types.go`), for what the
 * constructs emit: model (all nine providers' `type` and keys; env only for OpenAI, Anthropic,
 * Gemini, Ollama, Azure, Bedrock, SAP), memory, MCP tools (RemoteMCPServer only), agent tools,
 * a2aConfig skills. Anything else throws, so a new field is never dropped silently.
 *
 * Where this can diverge from kagent: defaults kagent's CRD applies at admission are applied here by
 * hand (`timeout: 30`, `terminate_on_close: true`); Go's JSON float/int rendering is not reproduced
 * (JSON is compared parsed); `--proxy-url` rewriting, allowedNamespaces checks, TLS, prompt templates,
 * skills and the Go runtime are not modelled (the constructs emit none of them, except the proxy,
 * which the test replaces by loopback URLs); the controller reads Secrets at reconcile and we read
 * them from the map given.
 */

/** Secrets by `name` → key → value (the tenant namespace's). */
export type SecretData = Record<string, Record<string, string>>;

export interface TranslatedAgent {
  readonly config: Record<string, any>;
  readonly card: Record<string, any>;
  /** The engine container's env kagent sets from the ModelConfig (secret values resolved). */
  readonly env: Record<string, string>;
}

const KNOWN_DECLARATIVE = new Set(['runtime', 'modelConfig', 'systemMessage', 'systemMessageFrom', 'tools', 'a2aConfig', 'deployment', 'memory', 'stream']);

function secretValue(secrets: SecretData, name: string, key: string, what: string): string {
  const v = secrets[name]?.[key];
  if (v === undefined) throw new Error(`${what}: key ${key} not found in Secret ${name}`); // kagent rejects the Agent likewise
  return v;
}

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

/** `translateModel`: the model entry of config.json and its env. */
export function translateModel(mc: any, secrets: SecretData): { model: Record<string, any>; env: Record<string, string> } {
  const s = mc.spec;
  const env: Record<string, string> = {};
  const key = (envName: string) => {
    if (s.apiKeySecret && !s.apiKeyPassthrough) env[envName] = secretValue(secrets, s.apiKeySecret, s.apiKeySecretKey, `ModelConfig ${mc.metadata.name}`);
  };
  const base = { model: s.model, ...(s.defaultHeaders ? { headers: s.defaultHeaders } : {}) };
  switch (s.provider ?? 'OpenAI') {
    case 'OpenAI': {
      const o = s.openAI ?? {};
      key('OPENAI_API_KEY');
      if (o.organization) env.OPENAI_ORGANIZATION = o.organization;
      // base_url is always present (empty when unset).
      return { env, model: { type: 'openai', ...base, base_url: o.baseUrl ?? '', ...defined({
        max_tokens: o.maxTokens, temperature: num(o.temperature), top_p: num(o.topP), frequency_penalty: num(o.frequencyPenalty),
        presence_penalty: num(o.presencePenalty), seed: o.seed, n: o.n, timeout: o.timeout, reasoning_effort: o.reasoningEffort,
      }) } };
    }
    case 'Anthropic': {
      const a = s.anthropic ?? {};
      key('ANTHROPIC_API_KEY');
      return { env, model: { type: 'anthropic', ...base, ...defined({ base_url: a.baseUrl, max_tokens: a.maxTokens, temperature: num(a.temperature), top_p: num(a.topP), top_k: a.topK }) } };
    }
    case 'AzureOpenAI': {
      const a = s.azureOpenAI;
      key('AZURE_OPENAI_API_KEY');
      env.OPENAI_API_VERSION = a.apiVersion;
      env.AZURE_OPENAI_ENDPOINT = a.azureEndpoint;
      return { env, model: { type: 'azure_openai', ...base, model: a.azureDeployment, ...defined({ temperature: num(a.temperature), top_p: num(a.topP), max_tokens: a.maxTokens }) } };
    }
    case 'Ollama':
      env.OLLAMA_API_BASE = /^https?:\/\//.test(s.ollama.host) ? s.ollama.host : `http://${s.ollama.host}`;
      return { env, model: { type: 'ollama', ...base, ...defined({ options: s.ollama.options }) } };
    case 'Gemini':
      key('GOOGLE_API_KEY');
      return { env, model: { type: 'gemini', ...base } };
    case 'GeminiVertexAI': case 'AnthropicVertexAI': {
      const v = s.geminiVertexAI ?? s.anthropicVertexAI;
      env.GOOGLE_CLOUD_PROJECT = v.projectID;
      env.GOOGLE_CLOUD_LOCATION = v.location;
      if (s.provider === 'GeminiVertexAI') env.GOOGLE_GENAI_USE_VERTEXAI = 'true';
      if (s.apiKeySecret) env.GOOGLE_APPLICATION_CREDENTIALS = `/creds/${s.apiKeySecretKey}`;
      return { env, model: { type: s.provider === 'GeminiVertexAI' ? 'gemini_vertex_ai' : 'gemini_anthropic', ...base } };
    }
    case 'Bedrock': {
      const b = s.bedrock;
      env.AWS_REGION = b.region;
      const data = secrets[s.apiKeySecret] ?? {};
      for (const k of data.AWS_BEARER_TOKEN_BEDROCK !== undefined ? ['AWS_BEARER_TOKEN_BEDROCK'] : ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', ...(data.AWS_SESSION_TOKEN !== undefined ? ['AWS_SESSION_TOKEN'] : [])]) {
        env[k] = secretValue(secrets, s.apiKeySecret, k, `ModelConfig ${mc.metadata.name}`);
      }
      return { env, model: { type: 'bedrock', ...base, region: b.region, ...defined({ additional_model_request_fields: b.additionalModelRequestFields, prompt_caching: b.promptCaching, cache_ttl: b.cacheTTL }) } };
    }
    case 'SAPAICore':
      env.SAP_AI_CORE_CLIENT_ID = secretValue(secrets, s.apiKeySecret, 'client_id', `ModelConfig ${mc.metadata.name}`);
      env.SAP_AI_CORE_CLIENT_SECRET = secretValue(secrets, s.apiKeySecret, 'client_secret', `ModelConfig ${mc.metadata.name}`);
      return { env, model: { type: 'sap_ai_core', ...base, ...defined({ base_url: s.sapAICore.baseUrl, resource_group: s.sapAICore.resourceGroup, auth_url: s.sapAICore.authUrl }) } };
    default:
      throw new Error(`ModelConfig ${mc.metadata.name}: provider ${s.provider} not modelled`);
  }
}

/** Go duration (`30s`, `1m30s`, `500ms`) in float seconds. */
function seconds(d: string | undefined, fallback: number): number {
  if (!d) return fallback;
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms']!;
  return total;
}

function headersFrom(list: any[] | undefined, secrets: SecretData, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list ?? []) out[h.name] = h.value ?? secretValue(secrets, h.valueFrom.name, h.valueFrom.key, what);
  return out;
}

/**
 * config.json, agent-card.json and env of one declarative Agent. `objects` are the tenant's
 * synthesized objects (the ModelConfigs and RemoteMCPServers it names, the Agents it calls).
 */
export function translateAgent(agent: any, objects: readonly any[], secrets: SecretData): TranslatedAgent {
  const d = agent.spec.declarative;
  for (const k of Object.keys(d)) if (!KNOWN_DECLARATIVE.has(k)) throw new Error(`Agent ${agent.metadata.name}: declarative.${k} not modelled`);
  const ns = agent.metadata.namespace;
  const get = (kind: string, name: string, namespace = ns) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === namespace);
    if (!o) throw new Error(`Agent ${agent.metadata.name}: ${kind} ${namespace}/${name} not found`);
    return o;
  };
  const { model, env } = translateModel(get('ModelConfig', d.modelConfig ?? 'default-model-config'), secrets);
  const config: Record<string, any> = { model, description: agent.spec.description ?? '', instruction: d.systemMessage ?? '', stream: d.stream ?? false };
  if (d.systemMessageFrom) {
    const src = get(d.systemMessageFrom.type === 'Secret' ? 'Secret' : 'ConfigMap', d.systemMessageFrom.name);
    config.instruction = src.data[d.systemMessageFrom.key];
  }
  if (d.memory) {
    const emb = translateModel(get('ModelConfig', d.memory.modelConfig), secrets);
    // Deployment env merges first-wins by name: the chat model's key stays.
    for (const [k, v] of Object.entries(emb.env)) if (!(k in env)) env[k] = v;
    config.memory = { ...(d.memory.ttlDays ? { ttl_days: d.memory.ttlDays } : {}), embedding: { provider: emb.model.type, model: emb.model.model, ...(emb.model.base_url ? { base_url: emb.model.base_url } : {}) } };
  }
  for (const t of d.tools ?? []) {
    if (t.type === 'McpServer') {
      const m = t.mcpServer;
      if (m.kind !== 'RemoteMCPServer') throw new Error(`Agent ${agent.metadata.name}: MCP kind ${m.kind} not modelled`);
      const rms = get('RemoteMCPServer', m.name, m.namespace ?? ns).spec;
      const headers = { ...headersFrom(rms.headersFrom, secrets, `RemoteMCPServer ${m.name}`), ...headersFrom(t.headersFrom, secrets, `Agent ${agent.metadata.name}`) };
      const sse = rms.protocol === 'SSE';
      const entry = defined({
        params: defined({ url: rms.url, headers, timeout: seconds(rms.timeout, 30), sse_read_timeout: rms.sseReadTimeout ? seconds(rms.sseReadTimeout, 0) : undefined, ...(sse ? {} : { terminate_on_close: rms.terminateOnClose ?? true }) }),
        tools: m.toolNames, allowed_headers: m.allowedHeaders, require_approval: m.requireApproval,
      });
      (config[sse ? 'sse_tools' : 'http_tools'] ??= []).push(entry);
    } else if (t.type === 'Agent') {
      const a = t.agent;
      const target = get('Agent', a.name, a.namespace ?? ns);
      (config.remote_agents ??= []).push({
        name: `${a.namespace ?? ns}__NS__${a.name}`, url: `http://${a.name}.${a.namespace ?? ns}:8080`,
        headers: headersFrom(t.headersFrom, secrets, `Agent ${agent.metadata.name}`), description: target.spec.description ?? '',
      });
    } else {
      throw new Error(`Agent ${agent.metadata.name}: tool type ${t.type} not modelled`);
    }
  }
  const url = `http://${agent.metadata.name}.${ns}:8080`;
  const card = {
    name: agent.metadata.name, description: agent.spec.description ?? '', version: '', url, protocolVersion: '0.3', preferredTransport: 'JSONRPC',
    capabilities: { streaming: d.stream ?? false }, defaultInputModes: ['text'], defaultOutputModes: ['text'], skills: d.a2aConfig?.skills ?? [],
    supportedInterfaces: [{ protocolBinding: 'JSONRPC', protocolVersion: '0.3', url }, { protocolBinding: 'JSONRPC', protocolVersion: '1.0', url }],
  };
  return { config, card, env: { ...env, KAGENT_NAME: agent.metadata.name, KAGENT_NAMESPACE: ns } };
}
