/**
 * The A2A registry semantics of Nacos 3.1.x (spec card `nacos-a2a-api.md` §4–§7, §11), kept
 * apart from HTTP so the emulator's router stays small. Deliberately independent of the
 * runtime's own normalisation code: the emulator is the test oracle.
 */

/** An error the controller answers with the Nacos envelope (HTTP status = `status`). */
export class EmulatedApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly codeText: string,
    readonly data: string | null,
  ) {
    super(`${status}/${code} ${codeText}: ${data}`);
  }
}

/** `AgentVersionDetail` as stored and returned by `/version/list`. */
export interface EmulatedVersionDetail {
  version: string;
  createdAt: string;
  updatedAt: string;
  latest: boolean;
}

/** The agent-level record (`AgentCardVersionInfo`) plus the stored card of each version. */
export interface EmulatedAgent {
  /** Basic fields of the last POST/PUT. */
  info: Record<string, unknown>;
  registrationType: string;
  latestPublishedVersion: string | null;
  versionDetails: EmulatedVersionDetail[];
  cards: Record<string, Record<string, unknown>>;
}

/** Everything the registry stores, by namespace then agent name; plain data so it can be cloned. */
export type EmulatedStore = Record<string, Record<string, EmulatedAgent>>;

// Jackson writes every field of the 3.1 model, in this order, null when unset.
const CARD_FIELDS = [
  'protocolVersion', 'name', 'description', 'version', 'iconUrl', 'capabilities', 'skills', 'url',
  'preferredTransport', 'additionalInterfaces', 'provider', 'documentationUrl', 'securitySchemes',
  'security', 'defaultInputModes', 'defaultOutputModes', 'supportsAuthenticatedExtendedCard',
];
const BASIC_FIELDS = ['protocolVersion', 'name', 'description', 'version', 'iconUrl', 'capabilities', 'skills'];
const REQUIRED = ['name', 'version', 'protocolVersion', 'preferredTransport', 'url'];
const NESTED: Record<string, string[]> = {
  capabilities: ['streaming', 'pushNotifications', 'stateTransitionHistory', 'extensions'],
  extension: ['uri', 'description', 'required', 'params'],
  skill: ['id', 'name', 'description', 'tags', 'examples', 'inputModes', 'outputModes'],
  provider: ['organization', 'url'],
  additionalInterface: ['url', 'transport'],
};

/**
 * Nacos 3.2.1's card model and validation (alibaba/nacos `api/.../a2a/AgentCard.java` and
 * `ai/.../utils/AgentRequestUtil.java` at 03ec6660): the 3.1 fields plus `supportedInterfaces`,
 * `securityRequirements` (typed `List<Map<String, List<String>>>`) and `signatures`
 * (`List<Map<String, Object>>`), `capabilities.extendedAgentCard`, interfaces with
 * `protocolBinding`/`protocolVersion`; name and version required, then the legacy trio or complete
 * `supportedInterfaces`; normalized both ways.
 */
const V1_CARD_FIELDS = [...CARD_FIELDS, 'supportedInterfaces', 'securityRequirements', 'signatures'];
const V1_INTERFACE = ['url', 'transport', 'protocolBinding', 'protocolVersion'];

/** Parses and validates an `agentCard` form value the way A2aAdminController does (§7), for a 3.1 or 3.2.1 server. */
export function parseEmulatedCard(raw: string | undefined, model: '3.1' | '3.2.1' = '3.1'): Record<string, unknown> {
  if (raw === undefined || raw === '') {
    throw new EmulatedApiError(400, 10000, 'parameter missing', 'Request parameter `agentCard` should not be `null` or empty.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw _unparseable();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw _unparseable();
  if (model === '3.2.1') return _parseV1(parsed as Record<string, unknown>);
  const card = _storeShape(parsed as Record<string, unknown>);
  for (const field of REQUIRED) {
    if (typeof card[field] !== 'string' || card[field] === '') {
      throw new EmulatedApiError(400, 10000, 'parameter missing', `Required parameter \`agentCard.${field}\` not present`);
    }
  }
  card.description ??= '';
  card.capabilities ??= _pick({}, NESTED.capabilities);
  card.defaultInputModes ??= [];
  card.defaultOutputModes ??= [];
  card.skills ??= [];
  return card;
}

function _parseV1(input: Record<string, unknown>): Record<string, unknown> {
  const card = _storeShape(input, V1_CARD_FIELDS, [...NESTED.capabilities, 'extendedAgentCard'], V1_INTERFACE);
  const isList = (v: unknown) => v === null || Array.isArray(v);
  if (!isList(card.supportedInterfaces) || !isList(card.securityRequirements) || !isList(card.signatures)) throw _unparseable();
  if (card.supportedInterfaces) card.supportedInterfaces = (card.supportedInterfaces as unknown[]).map((i) => _pickObject(i, V1_INTERFACE));
  for (const r of (card.securityRequirements as unknown[] | null) ?? []) {
    // Map<String, List<String>>: a 1.0 `{schemes: {...}}` entry does not bind
    if (typeof r !== 'object' || r === null || Array.isArray(r) || !Object.values(r).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw _unparseable();
  }
  for (const g of (card.signatures as unknown[] | null) ?? []) if (typeof g !== 'object' || g === null || Array.isArray(g)) throw _unparseable();
  for (const field of ['name', 'version']) {
    if (typeof card[field] !== 'string' || card[field] === '') throw new EmulatedApiError(400, 10000, 'parameter missing', `Required parameter \`agentCard.${field}\` not present`);
  }
  const filled = (v: unknown) => typeof v === 'string' && v !== '';
  const complete = (i: any) => i && filled(i.url) && filled(i.protocolBinding) && filled(i.protocolVersion);
  const withTransport = (i: any) => ({ ...i, protocolBinding: filled(i.protocolBinding) ? i.protocolBinding : i.transport ?? null, transport: filled(i.transport) ? i.transport : i.protocolBinding ?? null });
  let ifaces = ((card.supportedInterfaces as any[] | null) ?? []).map(withTransport).filter(complete);
  const legacy = filled(card.protocolVersion) && filled(card.preferredTransport) && filled(card.url);
  if (!ifaces.length && legacy) {
    ifaces = [{ url: card.url, protocolBinding: card.preferredTransport, protocolVersion: card.protocolVersion, transport: card.preferredTransport },
      ...((card.additionalInterfaces as any[] | null) ?? []).map(withTransport).map((i) => ({ ...i, protocolVersion: filled(i.protocolVersion) ? i.protocolVersion : card.protocolVersion, protocolBinding: filled(i.protocolBinding) ? i.protocolBinding : card.preferredTransport })).filter(complete)];
  }
  if (ifaces.length) {
    card.supportedInterfaces = ifaces;
    card.url = ifaces[0].url;
    card.preferredTransport = ifaces[0].protocolBinding;
    card.protocolVersion = ifaces[0].protocolVersion;
    card.additionalInterfaces = ifaces.slice(1);
  }
  const caps = (card.capabilities ??= _pick({}, [...NESTED.capabilities, 'extendedAgentCard'])) as Record<string, unknown>;
  if (caps.extendedAgentCard !== null && caps.extendedAgentCard !== undefined) card.supportsAuthenticatedExtendedCard = caps.extendedAgentCard;
  else if (card.supportsAuthenticatedExtendedCard !== null) caps.extendedAgentCard = card.supportsAuthenticatedExtendedCard;
  const v1Complete = Array.isArray(card.supportedInterfaces) && (card.supportedInterfaces as unknown[]).length > 0 && (card.supportedInterfaces as unknown[]).every(complete);
  if (!legacy && !v1Complete) {
    throw new EmulatedApiError(400, 10000, 'parameter missing', 'Required parameter `agentCard.supportedInterfaces` not present, and old protocol fields (`agentCard.protocolVersion`, `agentCard.preferredTransport`, `agentCard.url`) are incomplete. Please prefer `agentCard.supportedInterfaces` for A2A 1.0.0.');
  }
  card.description ??= '';
  card.defaultInputModes ??= [];
  card.defaultOutputModes ??= [];
  card.skills ??= [];
  return card;
}

function _unparseable(): EmulatedApiError {
  return new EmulatedApiError(400, 20002, 'parameter validate error', "agentCard is invalid. Can't be parsed.");
}

/** Every field the 3.1 model knows (null when unset), nothing else; wrong shapes fail like a Jackson bind error. */
function _storeShape(input: Record<string, unknown>, fields = CARD_FIELDS, capabilities = NESTED.capabilities, iface = NESTED.additionalInterface): Record<string, unknown> {
  const out = _pick(input, fields);
  const expectObject = (v: unknown) => v === null || (typeof v === 'object' && !Array.isArray(v));
  const expectArray = (v: unknown) => v === null || Array.isArray(v);
  if (!expectObject(out.capabilities) || !expectObject(out.provider) || !expectObject(out.securitySchemes)) throw _unparseable();
  if (!expectArray(out.skills) || !expectArray(out.additionalInterfaces) || !expectArray(out.security)) throw _unparseable();
  if (out.capabilities) {
    const caps = _pick(out.capabilities as Record<string, unknown>, capabilities);
    if (!expectArray(caps.extensions)) throw _unparseable();
    if (caps.extensions) caps.extensions = (caps.extensions as unknown[]).map((e) => _pickObject(e, NESTED.extension));
    out.capabilities = caps;
  }
  if (out.skills) out.skills = (out.skills as unknown[]).map((s) => _pickObject(s, NESTED.skill));
  if (out.provider) out.provider = _pick(out.provider as Record<string, unknown>, NESTED.provider);
  if (out.additionalInterfaces) {
    out.additionalInterfaces = (out.additionalInterfaces as unknown[]).map((i) => _pickObject(i, iface));
  }
  return out;
}

function _pickObject(value: unknown, keys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw _unparseable();
  return _pick(value as Record<string, unknown>, keys);
}

function _pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = obj[key] === undefined || obj[key] === null ? null : _dropNulls(obj[key]);
  return out;
}

/** The basic fields of a stored (already shaped) card, as the agent-level record keeps them. */
function _basic(card: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(BASIC_FIELDS.map((k) => [k, structuredClone(card[k])]));
}

function _dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(_dropNulls);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, _dropNulls(v)]));
  }
  return value;
}

/** The registry of one emulated server; `store` is plain data (the stale-read fault clones it). */
export class A2aRegistry {
  constructor(
    readonly store: EmulatedStore,
    private readonly clock: () => number,
  ) {}

  /** POST: the first version of a new agent, flagged latest; 409/20005 when the name exists. */
  register(namespaceId: string, card: Record<string, unknown>, registrationType: string): void {
    const agents = (this.store[namespaceId] ??= {});
    const name = card.name as string;
    if (agents[name]) throw new EmulatedApiError(409, 20005, 'resource conflict', `AgentCard name ${name} already exist`);
    const now = this._timestamp();
    const version = card.version as string;
    agents[name] = {
      info: _basic(card),
      registrationType,
      latestPublishedVersion: version,
      versionDetails: [{ version, createdAt: now, updatedAt: now, latest: true }],
      cards: { [version]: { ...card, registrationType } },
    };
  }

  /** PUT: adds or silently overwrites a version; latest only with `setAsLatest` (§6). */
  update(namespaceId: string, card: Record<string, unknown>, registrationType: string, setAsLatest: boolean): void {
    const agent = this._agent(namespaceId, card.name as string);
    const version = card.version as string;
    const now = this._timestamp();
    if (!agent.versionDetails.some((d) => d.version === version)) {
      agent.versionDetails.push({ version, createdAt: now, updatedAt: now, latest: setAsLatest });
    }
    const type = registrationType || agent.registrationType;
    // BeanUtils.copyProperties copies nulls too: the agent record mirrors this PUT's basic fields.
    agent.info = _basic(card);
    agent.registrationType = type;
    if (setAsLatest) {
      agent.latestPublishedVersion = version;
      for (const detail of agent.versionDetails) {
        detail.latest = detail.version === version;
        if (detail.latest) detail.updatedAt = now;
      }
    }
    agent.cards[version] = { ...card, registrationType: type };
  }

  /** GET: one version (latest when `version` is empty) with `latestVersion` (`true` or null). */
  get(namespaceId: string, name: string, version: string): Record<string, unknown> {
    const agent = this._agent(namespaceId, name);
    const detail = version ? agent.versionDetails.find((d) => d.version === version) : agent.versionDetails.find((d) => d.latest);
    if (!detail || !agent.cards[detail.version]) {
      const text = version ? `Agent ${name} version ${version} not found.` : `Agent ${name} latest version not found`;
      throw new EmulatedApiError(404, 50101, 'Agent version not found', text);
    }
    // `true` on the latest version, null (never false) on the others.
    return { ...agent.cards[detail.version], latestVersion: detail.latest ? true : null };
  }

  /** DELETE: idempotent; one version, or every version and the agent. */
  delete(namespaceId: string, name: string, version: string): void {
    const agents = this.store[namespaceId];
    const agent = agents?.[name];
    if (!agent) return;
    if (!version) {
      delete agents[name];
      return;
    }
    delete agent.cards[version];
    if (agent.versionDetails.length === 1 && agent.versionDetails[0].version === version) {
      delete agents[name];
      return;
    }
    agent.versionDetails = agent.versionDetails.filter((d) => d.version !== version);
    if (agent.latestPublishedVersion === version) {
      agent.latestPublishedVersion = null;
      agent.info.version = null;
    }
  }

  /**
   * GET /list, sorted by name: an absent `agentName` matches nothing (as the real 3.1 server does),
   * an empty one everything; otherwise blur = case-sensitive substring, accurate = exact.
   */
  list(namespaceId: string, agentName: string | undefined, search: string, pageNo: number, pageSize: number): Record<string, unknown> {
    const blur = search.toLowerCase() === 'blur';
    const names = Object.keys(this.store[namespaceId] ?? {})
      .filter((n) => agentName !== undefined && (agentName === '' || (blur ? n.includes(agentName) : n === agentName)))
      .sort();
    const page = names.slice((pageNo - 1) * pageSize, pageNo * pageSize).map((n) => {
      const agent = this.store[namespaceId][n];
      return {
        ...structuredClone(agent.info),
        latestPublishedVersion: agent.latestPublishedVersion,
        versionDetails: agent.versionDetails.map((d) => ({ ...d })),
        registrationType: agent.registrationType,
      };
    });
    return { totalCount: names.length, pageNumber: pageNo, pagesAvailable: Math.ceil(names.length / pageSize), pageItems: page };
  }

  /** GET /version/list. */
  versions(namespaceId: string, name: string): EmulatedVersionDetail[] {
    return this._agent(namespaceId, name).versionDetails.map((d) => ({ ...d }));
  }

  private _agent(namespaceId: string, name: string): EmulatedAgent {
    const agent = this.store[namespaceId]?.[name];
    if (!agent) throw new EmulatedApiError(404, 50100, 'Agent not found', `Agent not found: ${name}`);
    return agent;
  }

  /** UTC `yyyy-MM-dd'T'HH:mm:ss'Z'` (no milliseconds), as Nacos formats version timestamps. */
  private _timestamp(): string {
    return new Date(this.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
