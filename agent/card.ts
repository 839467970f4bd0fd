/**
 * The card an SDK agent serves at `/.well-known/agent-card.json`: the one the platform mounts
 * (the same card it registers), else one built from the options for local runs. Held as an
 * A2A 1.0 card; a mounted 0.3 card is read as 1.0 and gets 1.0 interfaces beside its 0.3 ones,
 * so both generations of callers reach it.
 */
import * as fs from 'node:fs';
import { AgentCardV1, A2A_V1, cardV1FromLegacy, isCardV1, withLegacyInterfaces } from '../constructs/agent-card-v1';
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
 * Loads the mounted card (1.0, or 0.3 validated as A2A 0.3 + Nacos 3.1), or builds one from
 * `defaults`. Every handler must be a skill of the card and every skill of the card must have a handler.
 */
export function loadCard(file: string, defaults: CardDefaults, handlerIds: readonly string[], fallbackName: string, url: string): { card: AgentCardV1; mounted: boolean } {
  let card: AgentCardV1;
  let mounted = false;
  if (fs.existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`agent card ${file} (A2A_AGENT_CARD_FILE) is not JSON: ${(e as Error).message}`);
    }
    if (isCardV1(raw)) {
      _assertV1(raw, `agent card ${file} (A2A_AGENT_CARD_FILE)`);
      card = raw;
    } else {
      assertValidAgentCard(raw, `agent card ${file} (A2A_AGENT_CARD_FILE)`);
      const v1 = cardV1FromLegacy(raw);
      // The 0.3 endpoints serve 1.0 too (the SDK speaks both on every binding).
      const ifaces = v1.supportedInterfaces.map((i) => ({ ...i, protocolVersion: A2A_V1 }));
      card = { ...v1, supportedInterfaces: withLegacyInterfaces(ifaces, ifaces.map((i) => i.protocolBinding)) };
    }
    mounted = true;
  } else {
    const name = defaults.name ?? fallbackName;
    const described = new Map((defaults.skills ?? []).map((s) => [s.id, s]));
    const base = defaults.url ?? url;
    card = {
      name,
      description: defaults.description ?? `${name} agent`,
      version: defaults.version ?? '0.0.0',
      supportedInterfaces: withLegacyInterfaces([
        { url: base, protocolBinding: 'JSONRPC', protocolVersion: A2A_V1 },
        { url: base, protocolBinding: 'HTTP+JSON', protocolVersion: A2A_V1 },
      ]),
      capabilities: { streaming: true, pushNotifications: false },
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

/** The 1.0 required fields (P), all problems at once. */
function _assertV1(c: AgentCardV1, where: string): void {
  const problems: string[] = [];
  for (const f of ['name', 'version'] as const) if (typeof c[f] !== 'string' || !c[f]) problems.push(`${f}: must be a non-empty string`);
  if (typeof c.description !== 'string') problems.push('description: must be a string');
  c.supportedInterfaces.forEach((i, n) => {
    for (const f of ['url', 'protocolBinding', 'protocolVersion'] as const) if (typeof i?.[f] !== 'string' || !i[f]) problems.push(`supportedInterfaces[${n}].${f}: must be a non-empty string`);
  });
  if (c.supportedInterfaces.length === 0) problems.push('supportedInterfaces: must list at least one interface');
  if (!Array.isArray(c.skills)) problems.push('skills: must be an array');
  if (problems.length) throw new Error(`${where} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
