/**
 * The A2A 0.3 AgentCard as Nacos 3.1 stores it (`specs/a2a-agentcard.md`), its validation
 * (server rules of `nacos-a2a-api.md` §7 plus A2A 0.3 required fields), and the normal form
 * used to compare a desired card with the stored one.
 */
import type { AgentCard, AgentCardSkill, AgentExtension } from '../constructs/agent-card';
import { AgentCardV1, isCardV1 } from '../constructs/agent-card-v1';
import { registryForm } from './registry-card-form';

// One card type for the whole package, defined with the constructs that build it.
export type { AgentCard, AgentExtension };

/** A skill the agent exposes: the same shape the constructs publish. */
export type AgentSkill = AgentCardSkill;

/** One validation failure, named like the server names it (`agentCard.url`). */
export interface CardFailure {
  readonly field: string;
  readonly message: string;
}

/** Transports A2A 0.3 defines. */
export const TRANSPORTS = ['JSONRPC', 'GRPC', 'HTTP+JSON'] as const;

/** Extension URI marking cards registered by this package (Nacos stores extensions, so it survives). */
export const MANAGED_EXTENSION_URI = 'urn:agentruntime:managed';

const NAME_PATTERN = /^[\x20-\x7E]{1,64}$/;
const CARD_FIELDS = [
  'protocolVersion', 'name', 'description', 'version', 'iconUrl', 'capabilities', 'skills', 'url',
  'preferredTransport', 'additionalInterfaces', 'provider', 'documentationUrl', 'securitySchemes',
  'security', 'supportsAuthenticatedExtendedCard', 'defaultInputModes', 'defaultOutputModes',
];
/** What Nacos >= 3.2.1 stores too (A2A 1.0); a 3.1 server drops these. */
const V1_CARD_FIELDS = [...CARD_FIELDS, 'supportedInterfaces', 'securityRequirements', 'signatures'];
const INTERFACE_FIELDS = ['url', 'transport', 'protocolBinding', 'protocolVersion', 'tenant'];
const SKILL_FIELDS = ['id', 'name', 'description', 'tags', 'examples', 'inputModes', 'outputModes'];

/**
 * Validates a card against what Nacos 3.1 rejects and what A2A 0.3 requires; every failure
 * is returned (empty array = valid).
 * @example validateAgentCard(JSON.parse(text)).forEach((f) => console.error(`${f.field}: ${f.message}`))
 */
export function validateAgentCard(card: unknown): CardFailure[] {
  if (typeof card !== 'object' || card === null || Array.isArray(card)) {
    return [{ field: 'agentCard', message: `must be a JSON object, got ${_show(card)}` }];
  }
  if (isCardV1(card)) return _validateV1(card);
  const c = card as Record<string, unknown>;
  const failures: CardFailure[] = [];
  const fail = (field: string, message: string) => failures.push({ field: `agentCard.${field}`, message });

  // Nacos' required fields (§7), in the server's order.
  for (const field of ['name', 'version', 'protocolVersion', 'preferredTransport', 'url']) {
    if (typeof c[field] !== 'string' || c[field] === '') fail(field, `is required by Nacos 3.1 and must be a non-empty string, got ${_show(c[field])}`);
  }
  if (typeof c.name === 'string' && c.name !== '' && !NAME_PATTERN.test(c.name)) {
    fail('name', `${_show(c.name)} must be 1-64 printable ASCII characters (0x20-0x7E); e.g. "billing-agent"`);
  }
  if (typeof c.preferredTransport === 'string' && c.preferredTransport && !(TRANSPORTS as readonly string[]).includes(c.preferredTransport)) {
    fail('preferredTransport', `${_show(c.preferredTransport)} is not an A2A transport; use one of ${TRANSPORTS.join(', ')}`);
  }
  if (typeof c.url === 'string' && c.url) {
    const problem = _urlProblem(c.url);
    if (problem) fail('url', problem);
  }
  // A2A 0.3 requires these; Nacos would silently default them.
  if (typeof c.description !== 'string') fail('description', `is required by A2A 0.3 and must be a string, got ${_show(c.description)}`);
  if (typeof c.capabilities !== 'object' || c.capabilities === null || Array.isArray(c.capabilities)) {
    fail('capabilities', `is required by A2A 0.3 and must be an object (e.g. {"streaming": true}), got ${_show(c.capabilities)}`);
  }
  for (const field of ['defaultInputModes', 'defaultOutputModes']) {
    if (!_isStringArray(c[field])) fail(field, `is required by A2A 0.3 and must be an array of media types (e.g. ["text/plain"]), got ${_show(c[field])}`);
  }
  if (!Array.isArray(c.skills)) {
    fail('skills', `is required by A2A 0.3 and must be an array, got ${_show(c.skills)}`);
  } else {
    c.skills.forEach((skill: unknown, i: number) => {
      const s = (typeof skill === 'object' && skill !== null ? skill : {}) as Record<string, unknown>;
      for (const field of ['id', 'name', 'description']) {
        if (typeof s[field] !== 'string' || s[field] === '') fail(`skills[${i}].${field}`, `is required by A2A 0.3 and must be a non-empty string, got ${_show(s[field])}`);
      }
      if (!_isStringArray(s.tags)) fail(`skills[${i}].tags`, `is required by A2A 0.3 and must be an array of strings, got ${_show(s.tags)}`);
    });
  }
  return failures;
}

/**
 * A 1.0 card: the same rules on the form Nacos stores (its first interface read as the legacy
 * trio, as Nacos >= 3.2.1 does), named by the fields the user wrote, plus every interface complete
 * and reachable.
 */
function _validateV1(card: AgentCardV1): CardFailure[] {
  const ifaces = card.supportedInterfaces;
  const failures: CardFailure[] = [];
  if (ifaces.length === 0) failures.push({ field: 'agentCard.supportedInterfaces', message: 'must list at least one interface, e.g. [{"url":"https://gateway.example.com/a2a/billing-agent","protocolBinding":"JSONRPC","protocolVersion":"1.0"}]' });
  const rename: Record<string, string> = { 'agentCard.url': 'agentCard.supportedInterfaces[0].url', 'agentCard.preferredTransport': 'agentCard.supportedInterfaces[0].protocolBinding', 'agentCard.protocolVersion': 'agentCard.supportedInterfaces[0].protocolVersion' };
  for (const f of validateAgentCard(ifaces.length ? { ...registryForm(card, '1.0'), supportedInterfaces: undefined } : { ...card, supportedInterfaces: undefined, url: 'https://x.invalid/', preferredTransport: 'JSONRPC', protocolVersion: '1.0' })) {
    if (ifaces.length || !rename[f.field]) failures.push({ ...f, field: rename[f.field] ?? f.field });
  }
  ifaces.forEach((i, n) => {
    if (n === 0) return; // checked above as the trio
    for (const k of ['url', 'protocolBinding', 'protocolVersion'] as const) {
      if (typeof i?.[k] !== 'string' || !i[k]) failures.push({ field: `agentCard.supportedInterfaces[${n}].${k}`, message: `is required by A2A 1.0 and must be a non-empty string, got ${_show(i?.[k])}` });
    }
    const problem = typeof i?.url === 'string' && i.url ? _urlProblem(i.url) : undefined;
    if (problem) failures.push({ field: `agentCard.supportedInterfaces[${n}].url`, message: problem });
  });
  return failures;
}

/** Throws one error listing every failure when the card is invalid. */
export function assertValidAgentCard(card: unknown, where = 'AgentCard'): asserts card is AgentCard {
  const failures = validateAgentCard(card);
  if (failures.length) throw new Error(`${where} is invalid:\n${failures.map((f) => `  - ${f.field}: ${f.message}`).join('\n')}`);
}

/**
 * The card as Nacos 3.1 will store it: unknown fields dropped (e.g. `signatures`,
 * `skills[].security`), nulls omitted, defaults filled. Two cards are the same registration
 * exactly when their normal forms are equal.
 */
export function normalizeAgentCard(card: AgentCard | AgentCardV1 | Record<string, unknown>): Record<string, unknown> {
  // A 1.0 card compares in the form Nacos >= 3.2.1 stores it (a 3.1 server stores the 0.3 projection, see registry-card-form.ts).
  const v1 = isCardV1(card);
  const c = (v1 ? registryForm(card, '1.0') : card) as Record<string, unknown>;
  const out = _pick(c, v1 ? V1_CARD_FIELDS : CARD_FIELDS);
  const caps = _pick((out.capabilities ?? {}) as Record<string, unknown>, ['streaming', 'pushNotifications', 'stateTransitionHistory', 'extendedAgentCard', 'extensions']);
  if (Array.isArray(caps.extensions)) caps.extensions = caps.extensions.map((e) => _pick(e, ['uri', 'description', 'required', 'params']));
  out.capabilities = caps;
  out.skills = Array.isArray(out.skills) ? out.skills.map((s) => _pick(s, SKILL_FIELDS)) : [];
  if (out.provider) out.provider = _pick(out.provider as Record<string, unknown>, ['organization', 'url']);
  if (Array.isArray(out.additionalInterfaces)) out.additionalInterfaces = out.additionalInterfaces.map((i) => _pick(i, INTERFACE_FIELDS));
  if (Array.isArray(out.supportedInterfaces)) out.supportedInterfaces = out.supportedInterfaces.map((i) => _pick(i, INTERFACE_FIELDS));
  out.description ??= '';
  out.defaultInputModes ??= [];
  out.defaultOutputModes ??= [];
  return out;
}

/**
 * True when both cards normalise to the same content (key order does not matter). The ownership
 * marker is not content: the same card registered by `pulumi up`, `register` or the controller
 * is the same registration, so none of them rewrites (or reports drift on) what another wrote.
 */
export function sameAgentCard(a: AgentCard | AgentCardV1 | Record<string, unknown>, b: AgentCard | AgentCardV1 | Record<string, unknown>): boolean {
  return canonicalJson(contentOf(a)) === canonicalJson(contentOf(b));
}

/** The normal form without the ownership marker: what {@link sameAgentCard} compares. */
export function contentOf(card: AgentCard | AgentCardV1 | Record<string, unknown>): Record<string, unknown> {
  const out = normalizeAgentCard(card);
  const caps = out.capabilities as { extensions?: AgentExtension[] };
  if (Array.isArray(caps.extensions)) {
    const rest = caps.extensions.filter((e) => e?.uri !== MANAGED_EXTENSION_URI);
    if (rest.length) caps.extensions = rest;
    else delete caps.extensions;
  }
  return out;
}

/** JSON with object keys sorted, so equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The card with the ownership marker of `registeredBy` added (replacing an older marker). */
export function withManagedMarker(card: AgentCard, registeredBy: string): AgentCard {
  const extensions = (card.capabilities?.extensions ?? []).filter((e) => e.uri !== MANAGED_EXTENSION_URI);
  const marker: AgentExtension = { uri: MANAGED_EXTENSION_URI, description: 'Registered by agent-runtime', required: false, params: { registeredBy } };
  return { ...card, capabilities: { ...card.capabilities, extensions: [...extensions, marker] } };
}

/** Who registered this card (the marker's `registeredBy`), or `undefined` when nobody we know. */
export function managedBy(card: { capabilities?: unknown }): string | undefined {
  const extensions = (card.capabilities as { extensions?: AgentExtension[] } | undefined)?.extensions ?? [];
  const marker = extensions.find((e) => e && e.uri === MANAGED_EXTENSION_URI);
  const by = marker?.params?.registeredBy;
  return typeof by === 'string' ? by : undefined;
}

function _urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${_show(url)} is not an absolute URL; use the gateway address callers use, e.g. "https://gateway.example.com/a2a/billing-agent"`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `${_show(url)} must be http(s)`;
  const host = parsed.hostname;
  if (host === 'localhost' || host === '0.0.0.0' || host === '127.0.0.1' || host.endsWith('.svc') || host.includes('.svc.')) {
    return `${_show(url)} is not reachable by callers; use the gateway route (e.g. "https://gateway.example.com/a2a/<agent>"), never localhost, 0.0.0.0 or an in-cluster *.svc name`;
  }
  return undefined;
}

function _pick(obj: unknown, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof obj !== 'object' || obj === null) return out;
  for (const key of keys) {
    const v = (obj as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) out[key] = _dropNulls(v);
  }
  return out;
}

function _dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(_dropNulls);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, _dropNulls(v)]));
  }
  return value;
}

function _isStringArray(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function _show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
