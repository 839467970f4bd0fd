/**
 * Long-term memory of an agent, as the architecture (a vector store: Pinecone, API key Secret,
 * indexHost, namespace, topK, scoreThreshold) and kagent v0.9.12 define it: the store is kagent's
 * `Memory` kind (v1alpha1, Pinecone only); a declarative agent's engine memory is
 * `spec.declarative.memory` (an embedding ModelConfig and `ttlDays`; the engine keeps the vectors
 * through the kagent controller). kagent's v1alpha2 Agent cannot reference a `Memory`, and its
 * engine does not read one: a BYO agent gets the store's settings through the SDK
 * (`agent/memory-settings.ts`): env for the settings, the API key as a mounted file.
 */
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Memory, MemorySpecProvider, toJson_MemoryProps } from '../generated/imports/memory-kagent.dev';
import { _agentMeta } from './_agent-meta';
import { _emitTyped } from './_typed-manifest';
import type { IAgentTrack } from './contracts';
import { _modelProblems, type ModelSpec } from './model-config';
import { MEMORY_ENV, MEMORY_KEY_DIR, MEMORY_KEY_FILE } from './memory-contract';
import { _secretRefsAnnotation, type SecretKeyRef } from './secret-refs';

/** A Pinecone index (kagent `Memory`). */
export interface MemoryStoreSpec {
  /** @default 'Pinecone' (kagent v0.9.12's only memory provider) */
  readonly provider?: 'Pinecone';
  /** Secret of the tenant and key holding the Pinecone API key. */
  readonly apiKeySecret: { readonly name: string; readonly key: string };
  /** Index host, e.g. `https://support-abc123.svc.aped-4627-b74a.pinecone.io`. */
  readonly indexHost: string;
  /** Pinecone namespace. @default - the index's default namespace */
  readonly namespace?: string;
  /** Results per query, 1..1000. @default - the SDK's 5 */
  readonly topK?: number;
  /** Results scoring below this (0..1) are ignored. @default - none */
  readonly scoreThreshold?: number;
  /** Record fields to fetch. @default - all */
  readonly recordFields?: readonly string[];
}

/** Long-term memory of an agent. */
export interface AgentMemorySpec {
  /**
   * The vector store (kagent `Memory` `<agent>-memory`). BYO agents: required; the SDK reads it.
   * Declarative agents: optional, kept as configuration (kagent 0.9.12's engine does not read it).
   * @default - none
   */
  readonly store?: MemoryStoreSpec;
  /** Declarative agents (required there): the embedding model of kagent's engine memory. @default - none */
  readonly embedding?: ModelSpec;
  /** Days a memory entry stays valid, >= 1. @default 15 */
  readonly ttlDays?: number;
}

export { MEMORY_ENV, MEMORY_KEY_DIR, MEMORY_KEY_FILE } from './memory-contract';

/** Every problem of an agent's memory, naming `field.<key>`. */
export function _memoryProblems(m: AgentMemorySpec, kind: 'declarative' | 'byo', field: string): string[] {
  const errors: string[] = [];
  if (kind === 'declarative' && !m.embedding) {
    errors.push(`${field}.embedding is required for a declarative agent: kagent's engine stores memories as vectors of an embedding model; set e.g. embedding: { provider: "OpenAI", model: "text-embedding-3-small", apiKeySecret: { name: "acme-openai", key: "api-key" } }`);
  }
  if (kind === 'byo' && m.embedding) errors.push(`${field}.embedding is kagent's engine memory, for declarative agents; a BYO agent embeds with its own code: remove it`);
  if (kind === 'byo' && !m.store) errors.push(`${field}.store is required for a BYO agent (the SDK reads it); set e.g. store: { apiKeySecret: { name: "acme-pinecone", key: "api-key" }, indexHost: "https://<index>.svc.<env>.pinecone.io" }`);
  if (m.embedding) {
    errors.push(..._modelProblems(m.embedding, `${field}.embedding`));
    if (m.embedding.provider && !['OpenAI', 'AzureOpenAI', 'Ollama', 'Gemini', 'GeminiVertexAI'].includes(m.embedding.provider)) {
      errors.push(`${field}.embedding.provider ${m.embedding.provider} has no embedding models in kagent's engine; use OpenAI, AzureOpenAI, Ollama, Gemini or GeminiVertexAI`);
    }
  }
  if (m.ttlDays !== undefined && (!Number.isInteger(m.ttlDays) || m.ttlDays < 1)) errors.push(`${field}.ttlDays ${JSON.stringify(m.ttlDays)} is not allowed; use a whole number of days >= 1, e.g. 15`);
  const s = m.store;
  if (s) {
    if ((s.provider ?? 'Pinecone') !== 'Pinecone') errors.push(`${field}.store.provider "${s.provider}" is not supported; kagent v0.9.12's Memory has only "Pinecone"`);
    if (!s.apiKeySecret?.name || !s.apiKeySecret?.key) errors.push(`${field}.store.apiKeySecret needs name and key, e.g. { name: "acme-pinecone", key: "api-key" }`);
    if (typeof s.indexHost !== 'string' || !/^https:\/\/[^/\s?#]+\/?$/.test(s.indexHost)) {
      errors.push(`${field}.store.indexHost ${JSON.stringify(s.indexHost)} is not an https host URL; use the index's host from the Pinecone console, e.g. "https://support-abc123.svc.aped-4627-b74a.pinecone.io"`);
    }
    if (s.topK !== undefined && (!Number.isInteger(s.topK) || s.topK < 1 || s.topK > 1000)) errors.push(`${field}.store.topK ${JSON.stringify(s.topK)} is out of range; use a whole number from 1 to 1000`);
    if (s.scoreThreshold !== undefined && !(typeof s.scoreThreshold === 'number' && s.scoreThreshold >= 0 && s.scoreThreshold <= 1)) {
      errors.push(`${field}.store.scoreThreshold ${JSON.stringify(s.scoreThreshold)} is out of range; use a number from 0 to 1`);
    }
  }
  return errors;
}

/** Secret keys the memory reads. */
export function _memorySecretRefs(m: AgentMemorySpec | undefined): SecretKeyRef[] {
  return m?.store ? [{ name: m.store.apiKeySecret.name, key: m.store.apiKeySecret.key }] : [];
}

/** Emits the kagent `Memory` `<agent>-memory` (the stable track owns it; the canary shares it). */
export function _emitMemoryStore(scope: Construct, agent: IAgentTrack, store: MemoryStoreSpec): string {
  const name = `${agent.name}-memory`;
  if (agent.track === 'canary') return name;
  _emitTyped(scope, 'memory', Memory.GVK, toJson_MemoryProps, {
    metadata: _agentMeta(agent, name, { annotations: _secretRefsAnnotation(_memorySecretRefs({ store })) }),
    spec: {
      provider: MemorySpecProvider.PINECONE,
      apiKeySecretRef: store.apiKeySecret.name,
      apiKeySecretKey: store.apiKeySecret.key,
      pinecone: {
        indexHost: store.indexHost,
        ...(store.namespace ? { namespace: store.namespace } : {}),
        ...(store.topK !== undefined ? { topK: store.topK } : {}),
        // kagent takes the threshold as a string.
        ...(store.scoreThreshold !== undefined ? { scoreThreshold: String(store.scoreThreshold) } : {}),
        ...(store.recordFields ? { recordFields: [...store.recordFields] } : {}),
      },
    },
  }, agent.labels);
  return name;
}

/** What a BYO container gets for its memory: env for the settings, the key as a file. */
export function _memoryByoContract(m: AgentMemorySpec): { env: Record<string, string>; volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const s = m.store!;
  const env: Record<string, string> = {
    [MEMORY_ENV.provider]: s.provider ?? 'Pinecone',
    [MEMORY_ENV.indexHost]: s.indexHost,
    [MEMORY_ENV.apiKeyFile]: `${MEMORY_KEY_DIR}/${MEMORY_KEY_FILE}`,
    ...(s.namespace ? { [MEMORY_ENV.namespace]: s.namespace } : {}),
    ...(s.topK !== undefined ? { [MEMORY_ENV.topK]: String(s.topK) } : {}),
    ...(s.scoreThreshold !== undefined ? { [MEMORY_ENV.scoreThreshold]: String(s.scoreThreshold) } : {}),
    ...(s.recordFields ? { [MEMORY_ENV.recordFields]: s.recordFields.join(',') } : {}),
    ...(m.ttlDays !== undefined ? { [MEMORY_ENV.ttlDays]: String(m.ttlDays) } : {}),
  };
  return {
    env,
    volumes: [{ name: 'memory-key', secret: { secretName: s.apiKeySecret.name, items: [{ key: s.apiKeySecret.key, path: MEMORY_KEY_FILE }] } }],
    mounts: [{ name: 'memory-key', mountPath: MEMORY_KEY_DIR, readOnly: true }],
  };
}
