/** What the agent SDK reads of a BYO agent's memory and tool approval (no imports: the SDK reads it). */
export const MEMORY_ENV = {
  provider: 'AGENT_MEMORY_PROVIDER',
  indexHost: 'AGENT_MEMORY_INDEX_HOST',
  namespace: 'AGENT_MEMORY_NAMESPACE',
  topK: 'AGENT_MEMORY_TOP_K',
  scoreThreshold: 'AGENT_MEMORY_SCORE_THRESHOLD',
  recordFields: 'AGENT_MEMORY_RECORD_FIELDS',
  ttlDays: 'AGENT_MEMORY_TTL_DAYS',
  apiKeyFile: 'AGENT_MEMORY_API_KEY_FILE',
} as const;
/** The store's API key, mounted (never in env). */
export const MEMORY_KEY_DIR = '/var/run/agentruntime/memory';
export const MEMORY_KEY_FILE = 'api-key';


/** Tools of a BYO agent whose calls wait for approval (comma separated; the SDK's `ToolApprovals`). */
export const TOOLS_REQUIRE_APPROVAL_ENV = 'AGENT_TOOLS_REQUIRE_APPROVAL';
