/**
 * The A2A 1.0 AgentCard (specs/a2a-1.0.md §1) as JSON, and its two conversions with the 0.3
 * card ({@link AgentCard}, the shape Nacos 3.1 stores):
 * - {@link legacyCardOf}: the 0.3 projection (first JSONRPC interface → `url`/`preferredTransport`,
 *   the other interfaces → `additionalInterfaces`, `securityRequirements` → `security`, the HTTP
 *   scheme back to `{type:"http"}`), for Nacos 3.1 and 0.3 clients;
 * - {@link cardV1FromLegacy}: a 0.3 card read as 1.0 (what a2a-js and a2a-python do).
 * Only interfaces whose `protocolVersion` is empty or in [0.3, 1.0) are 0.3 endpoints.
 */
import type { AgentCard, AgentCardSkill, AgentExtension } from './agent-card-03';

/** A2A protocol bindings. */
export type ProtocolBinding = 'JSONRPC' | 'HTTP+JSON' | 'GRPC';

/** One endpoint of an agent: `supportedInterfaces[]`, ordered, the first preferred. */
export interface AgentInterfaceV1 {
  readonly url: string;
  readonly protocolBinding: ProtocolBinding | string;
  /** Major.Minor, e.g. "1.0" or "0.3". */
  readonly protocolVersion: string;
  readonly tenant?: string;
}

/** 1.0 `SecurityRequirement`: scheme name → scopes. */
export interface SecurityRequirementV1 {
  readonly schemes: Readonly<Record<string, { readonly list: readonly string[] }>>;
}

/** An A2A 1.0 skill. */
export interface AgentSkillV1 extends AgentCardSkill {
  readonly securityRequirements?: readonly SecurityRequirementV1[];
}

/** An A2A 1.0 AgentCard as JSON (proto3 JSON names). */
export interface AgentCardV1 {
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly supportedInterfaces: readonly AgentInterfaceV1[];
  readonly capabilities: {
    readonly streaming?: boolean;
    readonly pushNotifications?: boolean;
    readonly extendedAgentCard?: boolean;
    readonly extensions?: readonly AgentExtension[];
  };
  readonly defaultInputModes: readonly string[];
  readonly defaultOutputModes: readonly string[];
  readonly skills: readonly AgentSkillV1[];
  readonly provider?: { readonly organization: string; readonly url: string };
  readonly documentationUrl?: string;
  readonly iconUrl?: string;
  /** 1.0 schemes are oneof wrappers, e.g. `{ httpAuthSecurityScheme: { scheme, bearerFormat } }`. */
  readonly securitySchemes?: Readonly<Record<string, unknown>>;
  readonly securityRequirements?: readonly SecurityRequirementV1[];
  readonly signatures?: ReadonlyArray<{ readonly protected: string; readonly signature: string; readonly header?: Record<string, unknown> }>;
}

export const A2A_V1 = '1.0';
export const A2A_V03 = '0.3';

/** True for versions a 0.3 peer speaks: empty, or in [0.3, 1.0). */
export function isLegacyVersion(version: string | undefined): boolean {
  if (!version || version.trim() === '') return true;
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  return major === 0 && minor >= 3;
}

/** True when the JSON looks like a 1.0 card (it has `supportedInterfaces`). */
export function isCardV1(card: unknown): card is AgentCardV1 {
  return typeof card === 'object' && card !== null && Array.isArray((card as { supportedInterfaces?: unknown }).supportedInterfaces);
}

/** The same interfaces again with protocolVersion 0.3 for the given bindings (S§3.6.2), after the 1.0 ones. */
export function withLegacyInterfaces(ifaces: readonly AgentInterfaceV1[], bindings: readonly string[] = ['JSONRPC', 'HTTP+JSON']): AgentInterfaceV1[] {
  const legacy = ifaces.filter((i) => i.protocolVersion === A2A_V1 && bindings.includes(i.protocolBinding))
    .map((i) => ({ ...i, protocolVersion: A2A_V03 }))
    .filter((l) => !ifaces.some((i) => i.url === l.url && i.protocolBinding === l.protocolBinding && isLegacyVersion(i.protocolVersion)));
  return [...ifaces, ...legacy];
}

/**
 * The 0.3 card of a 1.0 card. `embedInterfaces` keeps `supportedInterfaces` too (the hybrid a2a-js
 * serves 0.3 callers, which 1.0 readers parse as 1.0). Throws when the card has no 0.3 endpoint.
 */
export function legacyCardOf(card: AgentCardV1, embedInterfaces = false): AgentCard {
  const legacy = card.supportedInterfaces.filter((i) => isLegacyVersion(i.protocolVersion));
  const endpoints = legacy;
  if (endpoints.length === 0) throw new Error(`AgentCard "${card.name}" has no A2A 0.3 interface (supportedInterfaces with protocolVersion "0.3"); a 0.3 caller or Nacos 3.1 cannot use it`);
  const preferred = endpoints.find((i) => i.protocolBinding === 'JSONRPC') ?? endpoints[0];
  const others = endpoints.filter((i) => i !== preferred);
  const { extendedAgentCard, ...caps } = card.capabilities ?? {};
  const out: Record<string, unknown> = {
    protocolVersion: '0.3.0',
    name: card.name,
    description: card.description,
    version: card.version,
    url: preferred.url,
    preferredTransport: preferred.protocolBinding,
    capabilities: caps,
    defaultInputModes: [...card.defaultInputModes],
    defaultOutputModes: [...card.defaultOutputModes],
    skills: card.skills.map(({ securityRequirements, ...s }) => ({ ...s, ...(securityRequirements ? { security: securityRequirements.map(_legacyRequirement) } : {}) })),
  };
  if (others.length) out.additionalInterfaces = [preferred, ...others].map((i) => ({ url: i.url, transport: i.protocolBinding }));
  if (card.provider) out.provider = card.provider;
  if (card.documentationUrl) out.documentationUrl = card.documentationUrl;
  if (card.iconUrl) out.iconUrl = card.iconUrl;
  if (card.securitySchemes) out.securitySchemes = Object.fromEntries(Object.entries(card.securitySchemes).map(([k, v]) => [k, _legacyScheme(v)]));
  if (card.securityRequirements) out.security = card.securityRequirements.map(_legacyRequirement);
  if (extendedAgentCard) out.supportsAuthenticatedExtendedCard = true;
  if (card.signatures) out.signatures = card.signatures;
  if (embedInterfaces) out.supportedInterfaces = card.supportedInterfaces;
  return out as unknown as AgentCard;
}

/** A 0.3 card read as 1.0: its endpoints become interfaces at version 0.3. */
export function cardV1FromLegacy(card: AgentCard): AgentCardV1 {
  const c = card as AgentCard & { supportedInterfaces?: AgentInterfaceV1[] };
  if (Array.isArray(c.supportedInterfaces)) return c as unknown as AgentCardV1; // a hybrid is already 1.0
  const version = /^(\d+\.\d+)/.exec(card.protocolVersion ?? '')?.[1] ?? A2A_V03;
  const ifaces: AgentInterfaceV1[] = [{ url: card.url, protocolBinding: card.preferredTransport ?? 'JSONRPC', protocolVersion: version }];
  for (const a of card.additionalInterfaces ?? []) {
    if (!ifaces.some((i) => i.url === a.url && i.protocolBinding === a.transport)) ifaces.push({ url: a.url, protocolBinding: a.transport, protocolVersion: version });
  }
  const { stateTransitionHistory: _dropped, ...caps } = card.capabilities ?? {};
  void _dropped;
  const out: Record<string, unknown> = {
    name: card.name,
    description: card.description ?? '',
    version: card.version,
    supportedInterfaces: ifaces,
    capabilities: { ...caps, ...(card.supportsAuthenticatedExtendedCard ? { extendedAgentCard: true } : {}) },
    defaultInputModes: [...(card.defaultInputModes ?? [])],
    defaultOutputModes: [...(card.defaultOutputModes ?? [])],
    skills: (card.skills ?? []).map((s) => {
      const { security, ...rest } = s as AgentCardSkill & { security?: ReadonlyArray<Record<string, readonly string[]>> };
      return { ...rest, ...(security ? { securityRequirements: security.map(_v1Requirement) } : {}) };
    }),
  };
  if (card.provider) out.provider = card.provider;
  if (card.documentationUrl) out.documentationUrl = card.documentationUrl;
  if (card.iconUrl) out.iconUrl = card.iconUrl;
  if (card.securitySchemes) out.securitySchemes = Object.fromEntries(Object.entries(card.securitySchemes).map(([k, v]) => [k, _v1Scheme(v)]));
  if (card.security) out.securityRequirements = card.security.map(_v1Requirement);
  return out as unknown as AgentCardV1;
}

/** The 1.0 wrapper names of the 0.3 scheme `type`s (a2a-python's `parse_agent_card`). */
const SCHEME_WRAPPERS: Record<string, string> = {
  apiKey: 'apiKeySecurityScheme', http: 'httpAuthSecurityScheme', oauth2: 'oauth2SecurityScheme',
  openIdConnect: 'openIdConnectSecurityScheme', mutualTLS: 'mtlsSecurityScheme',
};

function _legacyScheme(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const [wrapper, inner] = Object.entries(v as Record<string, unknown>)[0] ?? [];
  const type = Object.entries(SCHEME_WRAPPERS).find(([, w]) => w === wrapper)?.[0];
  if (!type || typeof inner !== 'object' || inner === null) return v; // already 0.3
  const body = { ...(inner as Record<string, unknown>) };
  if (type === 'apiKey' && 'location' in body) { body.in = body.location; delete body.location; }
  return { type, ...body };
}

function _v1Scheme(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || !('type' in v)) return v;
  const { type, ...body } = v as Record<string, unknown>;
  const wrapper = SCHEME_WRAPPERS[String(type)];
  if (!wrapper) return v;
  if (type === 'apiKey' && 'in' in body) { body.location = body.in; delete body.in; }
  return { [wrapper]: body };
}

function _legacyRequirement(r: SecurityRequirementV1): Record<string, string[]> {
  return Object.fromEntries(Object.entries(r.schemes ?? {}).map(([k, v]) => [k, [...(v?.list ?? [])]]));
}

function _v1Requirement(r: Readonly<Record<string, readonly string[]>>): SecurityRequirementV1 {
  return { schemes: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { list: [...v] }])) };
}

/** The addresses of a card's A2A endpoint: a 1.0 card's interfaces (preferred first), then a 0.3 card's `url`. */
export function cardUrls(card: { url?: string; supportedInterfaces?: ReadonlyArray<{ url: string }> }): string[] {
  // A hybrid card (1.0 interfaces for 1.0 readers, `url` for 0.3 readers) has both: each is an address.
  return [...(card.supportedInterfaces ?? []).map((i) => i.url), ...(card.url !== undefined ? [card.url] : [])];
}
