/**
 * Discovery: which agents of the registry offer a skill. Reads Nacos 3.1's A2A admin API (the
 * only HTTP surface of 3.1; `runtime/nacos-client.ts`) with the read-only credentials the
 * platform gives (`NACOS_ADDR`, `NACOS_USERNAME`, `NACOS_PASSWORD[_FILE]`, `NACOS_NAMESPACE`).
 * List items lack `url` and may show a newer non-latest version's skills (spec §5, §6), so
 * every candidate's card is fetched with GET before it is filtered.
 *
 * Changes are seen by polling (Nacos 3.1 has no HTTP watch for A2A cards): {@link watchAgents}
 * re-reads every `intervalSeconds` (default 30) and reports only when the result changed.
 */
import type { AgentCard, AgentSkill } from '../runtime/agent-card';
import { canonicalJson } from '../runtime/agent-card';
import { NacosClient } from '../runtime/nacos-client';
import { NacosApiError } from '../runtime/nacos-errors';
import { readPlatformSettings } from './settings';

/** What to look for; every given field must match. */
export interface AgentQuery {
  /** A skill id the agent must offer. @default - any */
  readonly skill?: string;
  /** A tag one of its (matching) skills must carry. @default - any */
  readonly tag?: string;
  /** An exact card version. @default - the latest version of each agent */
  readonly version?: string;
  /** Exact agent name. @default - any */
  readonly name?: string;
}

/** One agent found. */
export interface FoundAgent {
  readonly name: string;
  readonly version: string;
  /** The address callers use (the card's `url`). */
  readonly url: string;
  /** Skills that matched the query (all skills when it names none). */
  readonly skills: readonly AgentSkill[];
  readonly card: AgentCard;
}

/** Where to look. @default - from the environment (see `settings.ts`) */
export interface DiscoveryOptions {
  readonly client?: NacosClient;
  /** Nacos namespace (the tenant). @default - `NACOS_NAMESPACE`, else this agent's tenant, else 'public' */
  readonly namespaceId?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Agents of the registry matching `query`, sorted by name.
 *
 * @example const writers = await findAgents({ skill: 'draft', tag: 'writing' });
 */
export async function findAgents(query: AgentQuery = {}, opts: DiscoveryOptions = {}): Promise<FoundAgent[]> {
  const { client, namespaceId } = _where(opts);
  const items = (await client.listAllAgents(namespaceId)).filter((i) => !query.name || i.name === query.name);
  const found: FoundAgent[] = [];
  // A few GETs at a time: enough to be quick, few enough not to load the registry.
  for (let i = 0; i < items.length; i += 8) {
    const cards = await Promise.all(items.slice(i, i + 8).map(async (item) => {
      if (query.version && item.versionDetails && !item.versionDetails.some((v) => v.version === query.version)) return undefined;
      try {
        return await client.getAgent(item.name, { namespaceId, version: query.version });
      } catch (e) {
        // No latest version (it was deleted) or the version went away since the list: not a match.
        if (e instanceof NacosApiError && e.status === 404) return undefined;
        throw e;
      }
    }));
    for (const card of cards) {
      if (!card) continue;
      const skills = (card.skills ?? []).filter((s) => (!query.skill || s.id === query.skill) && (!query.tag || (s.tags ?? []).includes(query.tag)));
      if ((query.skill || query.tag) && skills.length === 0) continue;
      const { registrationType: _r, latestVersion: _l, ...plain } = card;
      found.push({ name: card.name, version: card.version, url: card.url, skills, card: plain as AgentCard });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** A running subscription. */
export interface AgentWatch {
  /** The last result (empty before the first poll). */
  readonly current: readonly FoundAgent[];
  close(): void;
}

/**
 * Calls `onChange` with the matching agents now and whenever they change (an agent, version,
 * url or skill appears, goes or changes), polling every `intervalSeconds`. Registry errors go
 * to `onError` and keep the last result.
 *
 * @example const watch = watchAgents({ skill: 'draft' }, (agents) => { writers = agents; });
 */
export function watchAgents(
  query: AgentQuery,
  onChange: (agents: readonly FoundAgent[]) => void,
  opts: DiscoveryOptions & { readonly intervalSeconds?: number; readonly onError?: (e: Error) => void } = {},
): AgentWatch {
  const intervalMs = 1000 * (opts.intervalSeconds ?? 30);
  if (!(intervalMs >= 100)) throw new Error(`watchAgents: intervalSeconds ${opts.intervalSeconds} is too small; use 0.1 or more (default 30)`);
  const where = _where(opts);
  let last: string | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const state = { current: [] as readonly FoundAgent[] };
  const poll = async () => {
    try {
      const agents = await findAgents(query, where);
      const key = canonicalJson(agents.map((a) => a.card));
      if (!closed && key !== last) {
        last = key;
        state.current = agents;
        onChange(agents);
      }
    } catch (e) {
      opts.onError?.(e as Error);
    }
    if (!closed) timer = setTimeout(poll, intervalMs);
  };
  void poll();
  return {
    get current() { return state.current; },
    close() { closed = true; clearTimeout(timer); },
  };
}

function _where(opts: DiscoveryOptions): { client: NacosClient; namespaceId: string } {
  const s = opts.client && opts.namespaceId ? undefined : readPlatformSettings(opts.env);
  const namespaceId = opts.namespaceId ?? s?.nacos?.namespaceId ?? s?.self?.tenant ?? 'public';
  if (opts.client) return { client: opts.client, namespaceId };
  if (!s?.nacos) throw new Error('findAgents: no registry; set NACOS_ADDR (e.g. http://nacos.nacos.svc:8848) with NACOS_USERNAME and NACOS_PASSWORD or NACOS_PASSWORD_FILE of a read-only user');
  const { endpoint, username, password } = s.nacos;
  return { client: new NacosClient({ endpoint, username, password, retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 } }), namespaceId };
}
