/** One valid model per kagent v0.9.12 provider: the spec, its ModelConfig block and fields, endpoints, Secret keys. */
import type { ModelSpec } from '../../constructs/model-config';

const OPENAI: ModelSpec = { provider: 'OpenAI', model: 'gpt-4o-mini', apiKeySecret: { name: 'acme-openai', key: 'api-key' } };

export const PROVIDERS: Array<[ModelSpec, string, Record<string, unknown>, string[], string[]]> = [
  [{ ...OPENAI, baseUrl: 'https://llm.example.com/v1', organization: 'org-1', temperature: 0.2, topP: 0.9, maxTokens: 512, timeoutSeconds: 60, frequencyPenalty: 0.5, presencePenalty: -0.5, seed: 7, n: 1, reasoningEffort: 'low' },
    'openAI', { baseUrl: 'https://llm.example.com/v1', organization: 'org-1', temperature: '0.2', topP: '0.9', maxTokens: 512, timeout: 60, frequencyPenalty: '0.5', presencePenalty: '-0.5', seed: 7, n: 1, reasoningEffort: 'low' },
    ['llm.example.com:443'], ['acme/acme-openai/api-key']],
  [{ provider: 'Anthropic', model: 'claude-sonnet-4-5', apiKeySecret: { name: 'acme-anthropic', key: 'key' }, topK: 40, maxTokens: 1024, temperature: 1 },
    'anthropic', { topK: 40, maxTokens: 1024, temperature: '1' }, ['api.anthropic.com:443'], ['acme/acme-anthropic/key']],
  [{ provider: 'AzureOpenAI', model: 'gpt-4o', apiKeySecret: { name: 'acme-azure', key: 'key' }, azureEndpoint: 'https://acme.openai.azure.com', apiVersion: '2024-10-21', azureDeployment: 'gpt4o-prod', maxTokens: 800 },
    'azureOpenAI', { azureEndpoint: 'https://acme.openai.azure.com', apiVersion: '2024-10-21', azureDeployment: 'gpt4o-prod', maxTokens: 800 }, ['acme.openai.azure.com:443'], ['acme/acme-azure/key']],
  [{ provider: 'Ollama', model: 'llama3.2', host: 'http://ollama.models.svc.cluster.local:11434', options: { num_ctx: '8192' } },
    'ollama', { host: 'http://ollama.models.svc.cluster.local:11434', options: { num_ctx: '8192' } }, [], []],
  [{ provider: 'Gemini', model: 'gemini-2.5-flash', apiKeySecret: { name: 'acme-gemini', key: 'key' } }, 'gemini', {}, ['generativelanguage.googleapis.com:443'], ['acme/acme-gemini/key']],
  [{ provider: 'GeminiVertexAI', model: 'gemini-2.5-pro', apiKeySecret: { name: 'acme-gcp', key: 'sa.json' }, projectId: 'acme-prod', location: 'us-central1', topK: 20, maxOutputTokens: 2048, candidateCount: 1, responseMimeType: 'application/json', stopSequences: ['END'] },
    'geminiVertexAI', { projectID: 'acme-prod', location: 'us-central1', topK: '20', maxOutputTokens: 2048, candidateCount: 1, responseMimeType: 'application/json', stopSequences: ['END'] },
    ['oauth2.googleapis.com:443', 'us-central1-aiplatform.googleapis.com:443'], ['acme/acme-gcp/sa.json']],
  [{ provider: 'AnthropicVertexAI', model: 'claude-sonnet-4-5', projectId: 'acme-prod', location: 'global', maxTokens: 4096 },
    'anthropicVertexAI', { projectID: 'acme-prod', location: 'global', maxTokens: 4096 }, ['aiplatform.googleapis.com:443', 'oauth2.googleapis.com:443'], []],
  [{ provider: 'Bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', apiKeySecret: { name: 'acme-aws' }, region: 'eu-west-1', promptCaching: true, cacheTtl: '1h', additionalModelRequestFields: { top_k: 5 } },
    'bedrock', { region: 'eu-west-1', promptCaching: true, cacheTTL: '1h', additionalModelRequestFields: { top_k: 5 } },
    ['bedrock-runtime.eu-west-1.amazonaws.com:443'], ['acme/acme-aws/AWS_ACCESS_KEY_ID', 'acme/acme-aws/AWS_SECRET_ACCESS_KEY']],
  [{ provider: 'SAPAICore', model: 'gpt-4o', apiKeySecret: { name: 'acme-sap' }, baseUrl: 'https://api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com', resourceGroup: 'agents', authUrl: 'https://acme.authentication.eu10.hana.ondemand.com' },
    'sapAICore', { baseUrl: 'https://api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com', resourceGroup: 'agents', authUrl: 'https://acme.authentication.eu10.hana.ondemand.com' },
    ['acme.authentication.eu10.hana.ondemand.com:443', 'api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com:443'], ['acme/acme-sap/client_id', 'acme/acme-sap/client_secret']],
];

