/**
 * The long-term memory a BYO agent was given (`memory.store` of the Agent construct): a Pinecone
 * index, the same settings kagent's `Memory` kind holds. The settings come from env, the API key
 * from the mounted Secret file (re-read when it rotates; never from env).
 *
 * @example
 * const memory = readMemorySettings();
 * if (memory) await fetch(`${memory.indexHost}/query`, { method: 'POST', headers: { 'Api-Key': memory.apiKey() }, ... });
 */
import { MEMORY_ENV } from '../constructs/memory-contract';
import { FreshFile } from './fresh-file';

/** A Pinecone store's settings. */
export interface MemorySettings {
  readonly provider: 'Pinecone';
  readonly indexHost: string;
  /** @default - the index's default namespace */
  readonly namespace?: string;
  /** Results per query. */
  readonly topK: number;
  /** Results scoring below are ignored. @default - none */
  readonly scoreThreshold?: number;
  /** Fields to fetch. @default - all */
  readonly recordFields?: readonly string[];
  /** Days an entry stays valid. */
  readonly ttlDays: number;
  /** The API key, from the mounted file (throws when it is missing or empty). */
  apiKey(): string;
}

/** Largest API-key file read (a key is tens of bytes). */
const MAX_KEY_BYTES = 4096;

/** The agent's memory settings, or `undefined` when it has none. Throws on a malformed value, naming the variable. */
export function readMemorySettings(env: NodeJS.ProcessEnv = process.env): MemorySettings | undefined {
  const indexHost = env[MEMORY_ENV.indexHost];
  if (!indexHost) return undefined;
  const provider = env[MEMORY_ENV.provider] ?? 'Pinecone';
  if (provider !== 'Pinecone') throw new Error(`${MEMORY_ENV.provider}=${provider}: only Pinecone is supported`);
  const num = (name: string, fallback: number | undefined, ok: (n: number) => boolean) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!ok(n)) throw new Error(`${name}=${raw} is not allowed`);
    return n;
  };
  const keyFile = env[MEMORY_ENV.apiKeyFile];
  if (!keyFile) throw new Error(`${MEMORY_ENV.apiKeyFile} is not set; the platform mounts the memory store's API key and names the file there`);
  const file = new FreshFile(keyFile, (text, p) => {
    if (Buffer.byteLength(text) > MAX_KEY_BYTES) throw new Error(`${p}: larger than ${MAX_KEY_BYTES} bytes; not an API key`);
    return text.trim();
  });
  const fields = env[MEMORY_ENV.recordFields];
  return {
    provider: 'Pinecone',
    indexHost,
    ...(env[MEMORY_ENV.namespace] ? { namespace: env[MEMORY_ENV.namespace] } : {}),
    topK: num(MEMORY_ENV.topK, 5, (n) => Number.isInteger(n) && n >= 1 && n <= 1000)!,
    ...(env[MEMORY_ENV.scoreThreshold] ? { scoreThreshold: num(MEMORY_ENV.scoreThreshold, undefined, (n) => n >= 0 && n <= 1) } : {}),
    ...(fields ? { recordFields: fields.split(',').filter(Boolean) } : {}),
    ttlDays: num(MEMORY_ENV.ttlDays, 15, (n) => Number.isInteger(n) && n >= 1)!,
    apiKey: () => {
      const key = file.get();
      if (!key) throw new Error(`${keyFile}: the memory store's API key is missing or empty (the Secret named in memory.store.apiKeySecret)`);
      return key;
    },
  };
}
