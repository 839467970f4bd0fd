/**
 * The model of a declarative agent as kagent v0.9.12's `ModelConfig` (v1alpha2) has it: all nine
 * providers with their parameters, checked here (every problem at once, naming the key and the fix)
 * so kagent's translator never rejects what we emit. Keys come only from Secrets of the tenant.
 */
import {
  ModelConfigV1Alpha2Spec, ModelConfigV1Alpha2SpecBedrockCacheTtl, ModelConfigV1Alpha2SpecOpenAiReasoningEffort, ModelConfigV1Alpha2SpecProvider,
} from '../generated/imports/modelconfig-kagent.dev';
import type { SecretKeyRef } from './secret-refs';

/** kagent v0.9.12's model providers (`go/api/v1alpha2/modelconfig_types.go`). */
export const MODEL_PROVIDERS = ['OpenAI', 'Anthropic', 'AzureOpenAI', 'Ollama', 'Gemini', 'GeminiVertexAI', 'AnthropicVertexAI', 'Bedrock', 'SAPAICore'] as const;
export type ModelProvider = typeof MODEL_PROVIDERS[number];

/** Model of a declarative agent (kagent `ModelConfig`); which keys apply depends on `provider`. */
export interface ModelSpec {
  /** @default 'OpenAI' */
  readonly provider?: ModelProvider;
  /** Model id (for AzureOpenAI the model behind the deployment). */
  readonly model: string;
  /**
   * Secret of the tenant holding the credentials. OpenAI, Anthropic, AzureOpenAI, Gemini: `key` holds
   * the API key. GeminiVertexAI, AnthropicVertexAI: `key` is the service-account JSON file (optional:
   * without it the pod's workload identity is used). Bedrock: keys `AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY` (or `AWS_BEARER_TOKEN_BEDROCK`, see `bedrockAuth`); `key` is not used.
   * SAPAICore: keys `client_id` and `client_secret`; `key` is not used. Ollama: none.
   */
  readonly apiKeySecret?: { readonly name: string; readonly key?: string };
  /** OpenAI, Anthropic, SAPAICore (required there): the API's base URL. @default - the provider's public endpoint */
  readonly baseUrl?: string;
  /** OpenAI, Anthropic, AzureOpenAI, GeminiVertexAI, AnthropicVertexAI; 0..2. @default - provider default */
  readonly temperature?: number;
  /** OpenAI, Anthropic, AzureOpenAI, GeminiVertexAI, AnthropicVertexAI; 0..1. @default - provider default */
  readonly topP?: number;
  /** Anthropic, GeminiVertexAI, AnthropicVertexAI; a whole number >= 1. @default - provider default */
  readonly topK?: number;
  /** OpenAI, Anthropic, AzureOpenAI, AnthropicVertexAI (GeminiVertexAI: maxOutputTokens). @default - provider default */
  readonly maxTokens?: number;
  /** OpenAI: request timeout in seconds. @default - provider default */
  readonly timeoutSeconds?: number;
  /** OpenAI: organization id. @default - none */
  readonly organization?: string;
  /** OpenAI; -2..2. @default - provider default */
  readonly frequencyPenalty?: number;
  /** OpenAI; -2..2. @default - provider default */
  readonly presencePenalty?: number;
  /** OpenAI. @default - none */
  readonly seed?: number;
  /** OpenAI: completions per request. @default 1 */
  readonly n?: number;
  /** OpenAI reasoning models. @default - provider default */
  readonly reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high';
  /** AzureOpenAI (required): `https://<resource>.openai.azure.com`. */
  readonly azureEndpoint?: string;
  /** AzureOpenAI (required), e.g. `2024-10-21`. */
  readonly apiVersion?: string;
  /** AzureOpenAI: the deployment name. @default - `model` */
  readonly azureDeployment?: string;
  /** Ollama (required): `http://ollama.models:11434`. */
  readonly host?: string;
  /** Ollama: model options (`num_ctx`, ...), as strings. @default - none */
  readonly options?: Readonly<Record<string, string>>;
  /** GeminiVertexAI, AnthropicVertexAI (required): Google Cloud project id. */
  readonly projectId?: string;
  /** GeminiVertexAI, AnthropicVertexAI (required): region, e.g. `us-central1` (or `global`). */
  readonly location?: string;
  /** GeminiVertexAI, AnthropicVertexAI. @default - none */
  readonly stopSequences?: readonly string[];
  /** GeminiVertexAI. @default - provider default */
  readonly maxOutputTokens?: number;
  /** GeminiVertexAI. @default 1 */
  readonly candidateCount?: number;
  /** GeminiVertexAI, e.g. `application/json`. @default - text */
  readonly responseMimeType?: string;
  /** Bedrock (required): AWS region, e.g. `us-east-1`. */
  readonly region?: string;
  /** Bedrock: which keys of `apiKeySecret` hold the credentials. @default 'accessKeys' */
  readonly bedrockAuth?: 'accessKeys' | 'bearerToken';
  /** Bedrock: model fields passed as-is (`{"top_k": 5}`). @default - none */
  readonly additionalModelRequestFields?: Readonly<Record<string, unknown>>;
  /** Bedrock prompt caching. @default false */
  readonly promptCaching?: boolean;
  /** Bedrock prompt-cache TTL, with promptCaching. @default '5m' */
  readonly cacheTtl?: '5m' | '1h';
  /** SAPAICore: resource group. @default 'default' */
  readonly resourceGroup?: string;
  /** SAPAICore: OAuth2 token endpoint, e.g. `https://<tenant>.authentication.eu10.hana.ondemand.com`. @default - none */
  readonly authUrl?: string;
  /** Extra headers sent to the provider (no credentials: those belong in `apiKeySecret`). @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

type _Key = Exclude<keyof ModelSpec, 'provider' | 'model' | 'apiKeySecret' | 'headers'>;

/** The keys each provider takes (what kagent's translator reads for it); any other key is refused. */
const _KEYS: Record<ModelProvider, readonly _Key[]> = {
  OpenAI: ['baseUrl', 'temperature', 'topP', 'maxTokens', 'timeoutSeconds', 'organization', 'frequencyPenalty', 'presencePenalty', 'seed', 'n', 'reasoningEffort'],
  Anthropic: ['baseUrl', 'temperature', 'topP', 'topK', 'maxTokens'],
  AzureOpenAI: ['azureEndpoint', 'apiVersion', 'azureDeployment', 'temperature', 'topP', 'maxTokens'],
  Ollama: ['host', 'options'],
  Gemini: [],
  GeminiVertexAI: ['projectId', 'location', 'temperature', 'topP', 'topK', 'stopSequences', 'maxOutputTokens', 'candidateCount', 'responseMimeType'],
  AnthropicVertexAI: ['projectId', 'location', 'temperature', 'topP', 'topK', 'stopSequences', 'maxTokens'],
  Bedrock: ['region', 'bedrockAuth', 'additionalModelRequestFields', 'promptCaching', 'cacheTtl'],
  SAPAICore: ['baseUrl', 'resourceGroup', 'authUrl'],
};

/** Keys a provider cannot do without, with an example value. */
const _REQUIRED: Partial<Record<ModelProvider, ReadonlyArray<[_Key, string]>>> = {
  AzureOpenAI: [['azureEndpoint', 'https://acme.openai.azure.com'], ['apiVersion', '2024-10-21']],
  Ollama: [['host', 'http://ollama.models.svc.cluster.local:11434']],
  GeminiVertexAI: [['projectId', 'acme-prod'], ['location', 'us-central1']],
  AnthropicVertexAI: [['projectId', 'acme-prod'], ['location', 'us-east5']],
  Bedrock: [['region', 'us-east-1']],
  SAPAICore: [['baseUrl', 'https://api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com']],
};

/** Keys of the credentials Secret that kagent reads for a provider (fixed names where kagent fixes them). */
export function _modelSecretKeys(m: ModelSpec): SecretKeyRef[] {
  const s = m.apiKeySecret;
  if (!s) return [];
  switch (m.provider ?? 'OpenAI') {
    case 'Ollama': return [];
    case 'Bedrock': return (m.bedrockAuth === 'bearerToken' ? ['AWS_BEARER_TOKEN_BEDROCK'] : ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']).map((key) => ({ name: s.name, key }));
    case 'SAPAICore': return ['client_id', 'client_secret'].map((key) => ({ name: s.name, key }));
    default: return s.key ? [{ name: s.name, key: s.key }] : [];
  }
}

const _SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const _SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** Headers that carry credentials: they must come from a Secret, never from the manifest. */
const _CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|x-api-key|api-key|cookie)$/i;

/** Every problem of a model spec, each naming `field.<key>`, the value and the fix. */
export function _modelProblems(m: ModelSpec, field: string): string[] {
  const errors: string[] = [];
  const provider = m.provider ?? 'OpenAI';
  if (!(MODEL_PROVIDERS as readonly string[]).includes(provider)) {
    return [`${field}.provider "${provider}" is not a kagent v0.9.12 provider; use one of ${MODEL_PROVIDERS.join(', ')}`];
  }
  if (typeof m.model !== 'string' || !m.model.trim()) errors.push(`${field}.model is empty; name the model, e.g. "${_EXAMPLE_MODEL[provider]}"`);
  const allowed = _KEYS[provider];
  for (const key of Object.keys(m) as (keyof ModelSpec)[]) {
    if (['provider', 'model', 'apiKeySecret', 'headers'].includes(key) || m[key] === undefined) continue;
    if (!allowed.includes(key as _Key)) {
      const takers = MODEL_PROVIDERS.filter((p) => _KEYS[p].includes(key as _Key));
      errors.push(`${field}.${key} is not a setting of provider ${provider}${takers.length ? ` (only of ${takers.join(', ')})` : ''}; remove it${allowed.length ? ` (${provider} takes ${allowed.join(', ')})` : ` (${provider} takes no settings besides model and apiKeySecret)`}`);
    }
  }
  for (const [key, example] of _REQUIRED[provider] ?? []) {
    if (m[key] === undefined || m[key] === '') errors.push(`${field}.${key} is required for provider ${provider}; set it, e.g. ${key}: "${example}"`);
  }
  // Credentials: only from a Secret of the tenant.
  const s = m.apiKeySecret;
  const needsKey = ['OpenAI', 'Anthropic', 'AzureOpenAI', 'Gemini'].includes(provider);
  if (provider === 'Ollama' && s) errors.push(`${field}.apiKeySecret is set but Ollama takes no key in kagent; remove it`);
  if (!s && provider !== 'Ollama' && !provider.endsWith('VertexAI')) {
    errors.push(`${field}.apiKeySecret is required for provider ${provider}; name the tenant Secret holding the credentials, e.g. apiKeySecret: { name: "${_EXAMPLE_SECRET[provider]}"${needsKey ? ', key: "api-key"' : ''} }`);
  }
  if (s) {
    if (typeof s.name !== 'string' || !_SECRET_NAME.test(s.name) || s.name.length > 253) errors.push(`${field}.apiKeySecret.name "${s.name}" is not a Secret name; use lowercase letters, digits, '-' and '.', e.g. "${_EXAMPLE_SECRET[provider]}"`);
    if (needsKey && !s.key) errors.push(`${field}.apiKeySecret.key is required for provider ${provider}; name the key holding the API key, e.g. key: "api-key"`);
    // kagent's CEL rule: apiKeySecret needs apiKeySecretKey except for Bedrock and SAPAICore.
    if (provider.endsWith('VertexAI') && !s.key) errors.push(`${field}.apiKeySecret.key is required for provider ${provider}; name the key holding the service-account JSON, e.g. key: "credentials.json" (or remove apiKeySecret to use workload identity)`);
    if ((provider === 'Bedrock' || provider === 'SAPAICore') && s.key) {
      errors.push(`${field}.apiKeySecret.key "${s.key}" is not used by ${provider}: kagent reads the keys ${_modelSecretKeys({ ...m, apiKeySecret: { name: s.name } }).map((k) => `"${k.key}"`).join(' and ')} of the Secret; remove key`);
    }
    if (s.key !== undefined && !_SECRET_KEY.test(s.key)) errors.push(`${field}.apiKeySecret.key "${s.key}" is not a Secret key; use letters, digits, '-', '_' and '.'`);
  }
  for (const [h, v] of Object.entries(m.headers ?? {})) {
    if (_CREDENTIAL_HEADERS.test(h)) errors.push(`${field}.headers.${h} carries a credential in plain text; put it in apiKeySecret instead`);
    if (typeof v !== 'string') errors.push(`${field}.headers.${h} is not a string`);
  }
  // Values and ranges.
  const range = (key: _Key, min: number, max: number, whole = false) => {
    const v = m[key] as unknown;
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (whole && !Number.isInteger(v))) {
      errors.push(`${field}.${key} ${JSON.stringify(v)} is out of range; use ${whole ? 'a whole number ' : ''}${max === Infinity ? `>= ${min}` : `${min}..${max}`}`);
    }
  };
  range('temperature', 0, 2); range('topP', 0, 1); range('frequencyPenalty', -2, 2); range('presencePenalty', -2, 2);
  range('topK', 1, Infinity, true); range('maxTokens', 1, Infinity, true); range('maxOutputTokens', 1, Infinity, true);
  range('timeoutSeconds', 1, Infinity, true); range('n', 1, 128, true); range('candidateCount', 1, 8, true);
  range('seed', -(2 ** 31), 2 ** 31 - 1, true);
  for (const key of ['baseUrl', 'azureEndpoint', 'authUrl'] as const) {
    const v = m[key];
    if (v !== undefined && !/^https?:\/\/[^/\s?#]+(\/\S*)?$/.test(v)) errors.push(`${field}.${key} "${v}" is not an http(s) URL; use e.g. "https://api.example.com/v1"`);
  }
  if (m.host !== undefined && !/^(https?:\/\/)?[^/\s?#]+(\/\S*)?$/.test(m.host)) errors.push(`${field}.host "${m.host}" is not a host or URL; use e.g. "http://ollama.models.svc.cluster.local:11434"`);
  if (m.reasoningEffort !== undefined && !['minimal', 'low', 'medium', 'high'].includes(m.reasoningEffort)) {
    errors.push(`${field}.reasoningEffort "${m.reasoningEffort}" is not one of minimal, low, medium, high`);
  }
  if (m.cacheTtl !== undefined && !['5m', '1h'].includes(m.cacheTtl)) errors.push(`${field}.cacheTtl "${m.cacheTtl}" is not "5m" or "1h"`);
  if (m.cacheTtl !== undefined && m.promptCaching !== true) errors.push(`${field}.cacheTtl is set without promptCaching: true; enable promptCaching or remove cacheTtl`);
  if (m.bedrockAuth !== undefined && !['accessKeys', 'bearerToken'].includes(m.bedrockAuth)) errors.push(`${field}.bedrockAuth "${m.bedrockAuth}" is not "accessKeys" or "bearerToken"`);
  if (m.region !== undefined && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(m.region)) errors.push(`${field}.region "${m.region}" is not an AWS region; use e.g. "us-east-1"`);
  if (m.location !== undefined && !/^([a-z]+-[a-z]+\d+|global)$/.test(m.location)) errors.push(`${field}.location "${m.location}" is not a Google Cloud region; use e.g. "us-central1" or "global"`);
  if (m.projectId !== undefined && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(m.projectId)) errors.push(`${field}.projectId "${m.projectId}" is not a Google Cloud project id (6-30 lowercase letters, digits, '-'), e.g. "acme-prod"`);
  return errors;
}

const _EXAMPLE_MODEL: Record<ModelProvider, string> = {
  OpenAI: 'gpt-4o-mini', Anthropic: 'claude-sonnet-4-5', AzureOpenAI: 'gpt-4o', Ollama: 'llama3.2', Gemini: 'gemini-2.5-flash',
  GeminiVertexAI: 'gemini-2.5-flash', AnthropicVertexAI: 'claude-sonnet-4-5', Bedrock: 'anthropic.claude-3-5-sonnet-20240620-v1:0', SAPAICore: 'gpt-4o',
};
const _EXAMPLE_SECRET: Record<ModelProvider, string> = {
  OpenAI: 'acme-openai', Anthropic: 'acme-anthropic', AzureOpenAI: 'acme-azure-openai', Ollama: '', Gemini: 'acme-gemini',
  GeminiVertexAI: 'acme-gcp-sa', AnthropicVertexAI: 'acme-gcp-sa', Bedrock: 'acme-aws', SAPAICore: 'acme-sap-ai-core',
};

/** Numbers kagent takes as strings (`"0.2"`). */
const _str = (v: number | undefined) => (v === undefined ? undefined : String(v));
const _defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The `ModelConfig` spec of a checked model. */
export function _modelConfigSpec(m: ModelSpec): ModelConfigV1Alpha2Spec {
  const provider = m.provider ?? 'OpenAI';
  const s = m.apiKeySecret;
  const base = {
    provider: provider as ModelConfigV1Alpha2SpecProvider,
    model: m.model,
    ...(s ? { apiKeySecret: s.name, ...(s.key && provider !== 'Bedrock' && provider !== 'SAPAICore' ? { apiKeySecretKey: s.key } : {}) } : {}),
    ...(m.headers ? { defaultHeaders: { ...m.headers } } : {}),
  };
  const sampling = { temperature: _str(m.temperature), topP: _str(m.topP) };
  switch (provider) {
    case 'OpenAI': return { ...base, openAi: _defined({
      baseUrl: m.baseUrl, organization: m.organization, ...sampling, maxTokens: m.maxTokens,
      frequencyPenalty: _str(m.frequencyPenalty), presencePenalty: _str(m.presencePenalty), seed: m.seed, n: m.n, timeout: m.timeoutSeconds,
      reasoningEffort: m.reasoningEffort as ModelConfigV1Alpha2SpecOpenAiReasoningEffort | undefined,
    }) };
    case 'Anthropic': return { ...base, anthropic: _defined({ baseUrl: m.baseUrl, ...sampling, topK: m.topK, maxTokens: m.maxTokens }) };
    case 'AzureOpenAI': return { ...base, azureOpenAi: _defined({
      azureEndpoint: m.azureEndpoint!, apiVersion: m.apiVersion!, azureDeployment: m.azureDeployment ?? m.model, ...sampling, maxTokens: m.maxTokens,
    }) };
    case 'Ollama': return { ...base, ollama: _defined({ host: m.host, options: m.options ? { ...m.options } : undefined }) };
    case 'Gemini': return { ...base, gemini: {} };
    case 'GeminiVertexAI': return { ...base, geminiVertexAi: _defined({
      projectId: m.projectId!, location: m.location!, ...sampling, topK: _str(m.topK), stopSequences: m.stopSequences ? [...m.stopSequences] : undefined,
      maxOutputTokens: m.maxOutputTokens, candidateCount: m.candidateCount, responseMimeType: m.responseMimeType,
    }) };
    case 'AnthropicVertexAI': return { ...base, anthropicVertexAi: _defined({
      projectId: m.projectId!, location: m.location!, ...sampling, topK: _str(m.topK), stopSequences: m.stopSequences ? [...m.stopSequences] : undefined, maxTokens: m.maxTokens,
    }) };
    case 'Bedrock': return { ...base, bedrock: _defined({
      region: m.region!, additionalModelRequestFields: m.additionalModelRequestFields ? { ...m.additionalModelRequestFields } : undefined,
      promptCaching: m.promptCaching, cacheTtl: m.cacheTtl as ModelConfigV1Alpha2SpecBedrockCacheTtl | undefined,
    }) };
    case 'SAPAICore': return { ...base, sapAiCore: _defined({ baseUrl: m.baseUrl!, resourceGroup: m.resourceGroup, authUrl: m.authUrl }) };
  }
}

/** The endpoints the engine calls for a model (URLs), for the agent's egress. */
export function _modelEndpoints(m: ModelSpec): string[] {
  const provider = m.provider ?? 'OpenAI';
  const vertex = (loc: string | undefined) => (loc === 'global' ? 'https://aiplatform.googleapis.com' : `https://${loc}-aiplatform.googleapis.com`);
  switch (provider) {
    case 'OpenAI': return [m.baseUrl ?? 'https://api.openai.com/v1'];
    case 'Anthropic': return [m.baseUrl ?? 'https://api.anthropic.com'];
    case 'AzureOpenAI': return [m.azureEndpoint!];
    case 'Ollama': return [/^https?:\/\//.test(m.host!) ? m.host! : `http://${m.host}`];
    case 'Gemini': return ['https://generativelanguage.googleapis.com'];
    // Service-account credentials are exchanged for tokens at Google's OAuth endpoint.
    case 'GeminiVertexAI': case 'AnthropicVertexAI': return [vertex(m.location), 'https://oauth2.googleapis.com'];
    case 'Bedrock': return [`https://bedrock-runtime.${m.region}.amazonaws.com`];
    case 'SAPAICore': return [m.baseUrl!, ...(m.authUrl ? [m.authUrl] : [])];
  }
}
