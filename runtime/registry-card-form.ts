/**
 * The form of a card the registry stores, by the server's card model:
 * - `0.3` (Nacos 3.1.x, whose `AgentCard` has only the 0.3 fields and drops the rest): the card's
 *   0.3 projection (`legacyCardOf`: first 0.3 JSONRPC interface → `url`/`preferredTransport`);
 * - `1.0` (Nacos ≥ 3.2.1): the 1.0 card as that server normalizes it, so a stored card reads back
 *   equal. Source: alibaba/nacos `AgentCard.java` and `ai/.../utils/AgentRequestUtil.java` at
 *   03ec6660 (fields `@since 3.2.1`): `supportedInterfaces[0]` is copied to
 *   `url`/`preferredTransport`/`protocolVersion`, the rest to `additionalInterfaces`, each interface
 *   gets `transport` = `protocolBinding`, `capabilities.extendedAgentCard` wins over and is copied to
 *   `supportsAuthenticatedExtendedCard`; `securityRequirements` is typed
 *   `List<Map<String, List<String>>>` (the 0.3 `security` shape), so the 1.0
 *   `{schemes:{name:{list}}}` entries are written in that shape (the 1.0 shape would not parse).
 * A 0.3 card given for a 1.0 server is read as 1.0 first (`cardV1FromLegacy`).
 */
import type { AgentCard } from '../constructs/agent-card';
import { AgentCardV1, cardV1FromLegacy, isCardV1, legacyCardOf } from '../constructs/agent-card-v1';

/** What the registry server stores: `0.3` for Nacos 3.1.x, `1.0` for Nacos ≥ 3.2.1. */
export type CardModel = '0.3' | '1.0';

/** The card model of a Nacos server version ("3.1.0" → 0.3, "3.2.1" → 1.0). */
export function cardModelOfVersion(version: string): CardModel | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return undefined;
  const [maj, min, patch] = m.slice(1).map(Number);
  return maj > 3 || (maj === 3 && (min > 2 || (min === 2 && patch >= 1))) ? '1.0' : '0.3';
}

/** The card in the form a server of `model` stores (idempotent: a stored form maps to itself). */
export function registryForm(card: AgentCard | AgentCardV1, model: CardModel): AgentCard {
  if (model === '0.3') return isCardV1(card) && !_isNacosNormalized(card) ? legacyCardOf(card) : isCardV1(card) ? _stripV1(card) : card;
  const v1 = isCardV1(card) ? card : cardV1FromLegacy(card);
  const ifaces = v1.supportedInterfaces.map((i) => ({ ...i, transport: i.protocolBinding }));
  const first = ifaces[0];
  const { extendedAgentCard, ...caps } = v1.capabilities ?? {};
  const extended = extendedAgentCard ?? (card as { supportsAuthenticatedExtendedCard?: boolean }).supportsAuthenticatedExtendedCard;
  const out: Record<string, unknown> = {
    ...(v1 as unknown as Record<string, unknown>),
    protocolVersion: first?.protocolVersion,
    url: first?.url,
    preferredTransport: first?.protocolBinding,
    supportedInterfaces: ifaces,
    additionalInterfaces: ifaces.slice(1),
    capabilities: { ...caps, ...(extended !== undefined ? { extendedAgentCard: extended } : {}) },
  };
  if (extended !== undefined) out.supportsAuthenticatedExtendedCard = extended;
  if (v1.securityRequirements) out.securityRequirements = v1.securityRequirements.map(_typedRequirement);
  return out as unknown as AgentCard;
}

/** `{schemes:{jwt:{list:[]}}}` (1.0) or `{jwt:[]}` (Nacos' type) → `{jwt:[]}`. */
function _typedRequirement(r: unknown): Record<string, string[]> {
  const o = (r ?? {}) as Record<string, unknown>;
  const schemes = typeof o.schemes === 'object' && o.schemes !== null && !Array.isArray(o.schemes) ? o.schemes as Record<string, { list?: string[] }> : undefined;
  if (schemes) return Object.fromEntries(Object.entries(schemes).map(([k, v]) => [k, [...(v?.list ?? [])]]));
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : []]));
}

/** A card a 3.2.1 server stored carries the legacy trio too. */
function _isNacosNormalized(card: AgentCardV1): boolean {
  const c = card as unknown as Record<string, unknown>;
  return typeof c.url === 'string' && typeof c.preferredTransport === 'string' && typeof c.protocolVersion === 'string';
}

/** What a 3.1 server keeps of a 3.2.1-normalized card: its legacy fields. */
function _stripV1(card: AgentCardV1): AgentCard {
  const { supportedInterfaces: _i, securityRequirements: _s, signatures: _g, ...rest } = card as AgentCardV1 & Record<string, unknown>;
  void _i; void _s; void _g;
  return rest as unknown as AgentCard;
}
