/**
 * The idempotent apply recipe of `nacos-a2a-api.md` §10: read the version, then write only
 * what is missing. Safe to repeat after any failure: a lost answer is followed by a fresh GET,
 * never by a blind second write.
 */
import { AgentCard, canonicalJson, contentOf, managedBy, sameAgentCard, withManagedMarker } from './agent-card';
import type { NacosClient } from './nacos-client';
import { registryForm } from './registry-card-form';
import type { AgentCardV1 } from '../constructs/agent-card-v1';
import { NacosApiError, NacosTransportError, isNotFound } from './nacos-errors';
import { backoffDelay } from './retry';

/** What {@link applyAgentCard} did. */
export type ApplyOutcome = 'created' | 'added-version' | 'promoted' | 'unchanged';

/** Where and how to apply a card. */
export interface ApplyOptions {
  readonly namespaceId: string;
  /** Make this version the latest. */
  readonly setAsLatest: boolean;
  /** Read-decide-write rounds before giving up (races, lost answers). @default 5 */
  readonly maxRounds?: number;
  /** Only read and say what would be done; write nothing. @default false */
  readonly dryRun?: boolean;
}

/** The same version is registered with other content: Nacos 3.1 would silently overwrite it. */
export class CardVersionConflictError extends Error {
  constructor(
    readonly namespaceId: string,
    readonly agentName: string,
    readonly version: string,
    readonly differences: readonly string[],
  ) {
    super(
      `AgentCard "${agentName}" version ${version} in Nacos namespace "${namespaceId}" already exists with different content ` +
        `(${differences.join(', ')}); a content change needs a new version: bump agentCard.version (e.g. "${_bump(version)}")`,
    );
    this.name = 'CardVersionConflictError';
  }
}

/**
 * Registers `card` so that Nacos holds exactly this content for `card.version`.
 * @example await applyAgentCard(client, card, { namespaceId: 'acme', setAsLatest: true })
 */
export async function applyAgentCard(client: NacosClient, desired: AgentCard | AgentCardV1, opts: ApplyOptions): Promise<ApplyOutcome> {
  const { namespaceId, setAsLatest } = opts;
  // Compared and written in the form the server stores (the 0.3 projection on Nacos 3.1).
  const card = registryForm(desired, await client.cardModel());
  const rounds = opts.maxRounds ?? 5;
  let lastError: unknown;
  // Set when a write's answer was lost: if the next read shows it landed, it was ours.
  let pending: ApplyOutcome | undefined;
  for (let round = 0; round < rounds; round++) {
    let stored: Record<string, unknown> | undefined;
    let action: 'post' | 'put';
    try {
      stored = (await client.getAgent(card.name, { namespaceId, version: card.version })) as unknown as Record<string, unknown>;
      action = 'put';
    } catch (err) {
      if (isNotFound(err, 50100)) action = 'post';
      else if (isNotFound(err, 50101)) action = 'put';
      else throw err;
    }
    if (stored) {
      if (!sameAgentCard(stored, card)) {
        throw new CardVersionConflictError(namespaceId, card.name, card.version, cardDifferences(stored, card));
      }
      if (!setAsLatest || stored.latestVersion === true) return pending ?? 'unchanged';
    }
    const outcome: ApplyOutcome = stored ? 'promoted' : action === 'post' ? 'created' : 'added-version';
    if (opts.dryRun) return outcome;
    try {
      // Promoting a version someone else wrote keeps its marker (or its lack of one): it stays theirs.
      const owner = stored ? managedBy(stored) : undefined;
      const written = !stored ? card : owner ? withManagedMarker(card, owner) : (contentOf(card) as unknown as AgentCard);
      if (action === 'post') await client.registerAgent(written, { namespaceId });
      else await client.updateAgent(written, { namespaceId, setAsLatest });
      return outcome;
    } catch (err) {
      lastError = err;
      // Another writer created the agent (409), it vanished (50100), or the answer was lost after
      // the write may have landed: read again and decide anew.
      const raced = err instanceof NacosApiError && (err.code === 20005 || isNotFound(err, 50100));
      const lost = err instanceof NacosTransportError && err.mayHaveCommitted;
      if (!raced && !lost) throw err;
      if (lost) pending ??= outcome;
      // The real Nacos shows a write to reads a moment later (a version or agent just created reads
      // as missing): give it that moment before reading again, longer each round.
      if (round + 1 < rounds) await new Promise((r) => setTimeout(r, backoffDelay(round, { baseDelayMs: 50, maxDelayMs: 400 })));
    }
  }
  throw new Error(`AgentCard "${card.name}" version ${card.version}: no stable answer from Nacos after ${rounds} rounds; last error: ${(lastError as Error)?.message}`);
}

/** Names of the top-level fields whose normal forms differ. */
export function cardDifferences(a: Record<string, unknown> | AgentCard, b: Record<string, unknown> | AgentCard): string[] {
  const na = contentOf(a);
  const nb = contentOf(b);
  const keys = [...new Set([...Object.keys(na), ...Object.keys(nb)])].sort();
  return keys.filter((k) => canonicalJson(na[k]) !== canonicalJson(nb[k]));
}

function _bump(version: string): string {
  const m = /^(.*?)(\d+)([^\d]*)$/.exec(version);
  return m ? `${m[1]}${Number(m[2]) + 1}${m[3]}` : `${version}.1`;
}
