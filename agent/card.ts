/**
 * The card an SDK agent serves at `/.well-known/agent-card.json`: the one the platform mounts
 * (the same JSON it registers in Nacos), else one built from the options for local runs.
 */
import * as fs from 'node:fs';
import type { AgentCard as A2aCard } from '@a2a-js/sdk';
import { assertValidAgentCard } from '../runtime/agent-card';

/** What an agent may say about itself when no card is mounted. */
export interface CardDefaults {
  /** @default - the agent name of `A2A_AGENT`, else 'agent' */
  readonly name?: string;
  /** @default '<name> agent' */
  readonly description?: string;
  /** @default '0.0.0' */
  readonly version?: string;
  /** Address callers use. @default - the listening address (local runs only) */
  readonly url?: string;
  /** Skill descriptions; a handler without one gets `{ id, name: id, description: id, tags: ['agent'] }`. @default - derived */
  readonly skills?: ReadonlyArray<{ readonly id: string; readonly name: string; readonly description: string; readonly tags: readonly string[]; readonly examples?: readonly string[] }>;
}

/**
 * Loads the mounted card (validated as A2A 0.3 + Nacos 3.1), or builds one from `defaults`.
 * Every handler must be a skill of the card and every skill of the card must have a handler.
 */
export function loadCard(file: string, defaults: CardDefaults, handlerIds: readonly string[], fallbackName: string, url: string): { card: A2aCard; mounted: boolean } {
  let card: A2aCard;
  let mounted = false;
  if (fs.existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`agent card ${file} (A2A_AGENT_CARD_FILE) is not JSON: ${(e as Error).message}`);
    }
    assertValidAgentCard(raw, `agent card ${file} (A2A_AGENT_CARD_FILE)`);
    card = raw as unknown as A2aCard;
    mounted = true;
  } else {
    const name = defaults.name ?? fallbackName;
    const described = new Map((defaults.skills ?? []).map((s) => [s.id, s]));
    card = {
      protocolVersion: '0.3.0',
      name,
      description: defaults.description ?? `${name} agent`,
      version: defaults.version ?? '0.0.0',
      url: defaults.url ?? url,
      preferredTransport: 'JSONRPC',
      capabilities: { streaming: true },
      defaultInputModes: ['text/plain', 'application/json'],
      defaultOutputModes: ['text/plain', 'application/json'],
      skills: handlerIds.map((id) => {
        const s = described.get(id);
        return s ? { ...s, tags: [...s.tags], examples: s.examples ? [...s.examples] : undefined } : { id, name: id, description: id, tags: ['agent'] };
      }),
    };
  }
  const cardIds = card.skills.map((s) => s.id);
  const where = mounted ? `the mounted card ${file}` : 'the card';
  for (const id of handlerIds) {
    if (!cardIds.includes(id)) throw new Error(`serveAgent: skills.${id} has a handler but ${where} has no skill "${id}"; its skills are ${cardIds.map((s) => `"${s}"`).join(', ') || 'none'} (declare the skill on the Agent, or rename the handler)`);
  }
  for (const id of cardIds) {
    if (!handlerIds.includes(id)) throw new Error(`serveAgent: ${where} declares skill "${id}" but skills has no handler for it; add skills: { '${id}': async (input) => ... }`);
  }
  return { card, mounted };
}
