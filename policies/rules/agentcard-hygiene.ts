import { AGENT_CARD_KEY, AGENT_CARD_ROLE, ANNOTATION, LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { ADVISORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'agentcard-hygiene';
const _DATA_PATH = `data["${AGENT_CARD_KEY}"]`;

/** AgentCards point at the gateway, pin the protocol, have a sane name and security, and are unique per Nacos namespace. */
export const agentcardHygiene: Rule = {
  id: ID,
  description: 'AgentCards: every interface url (A2A 1.0 supportedInterfaces, or the 0.3 url) is the gateway URL (not 0.0.0.0, localhost or *.svc), protocolVersion pinned, name <= 64 printable ASCII, securitySchemes for non-public agents, name+version unique per Nacos namespace with one latest.',
  severity: 'medium',
  remediation: 'Derive the card url from the gateway host, pin protocolVersion "0.3.0", declare securitySchemes matching the gateway JWT, and give each card version one owner.',
  enforcement: ADVISORY,
  kinds: ['ConfigMap'],
  configKeys: ['publicAgents'],
  check: (obj, ctx) => {
    if (!_isCard(obj)) return [];
    const card = _card(obj);
    if (card === undefined) return [violation(ID, obj, _DATA_PATH, `${AGENT_CARD_KEY} is missing or not a JSON object`, `put the card JSON under data["${AGENT_CARD_KEY}"]`)];
    const out: Violation[] = [];
    if (Array.isArray(card.supportedInterfaces)) {
      // A2A 1.0: every interface has a gateway url and a Major.Minor protocolVersion.
      if (card.supportedInterfaces.length === 0) out.push(violation(ID, obj, `${_DATA_PATH}.supportedInterfaces`, 'the card lists no interface', 'list the gateway route, e.g. [{"url":"https://agents.example.com/api/v1/internal/a2a/<tenant>/<agent>","protocolBinding":"JSONRPC","protocolVersion":"1.0"}]'));
      card.supportedInterfaces.forEach((i: any, n: number) => {
        const at = `${_DATA_PATH}.supportedInterfaces[${n}]`;
        const problem = _urlProblem(i?.url);
        if (problem) out.push(violation(ID, obj, `${at}.url`, `interface url ${JSON.stringify(i?.url)} ${problem}`, 'set url to the gateway URL, e.g. https://agents.example.com/api/v1/internal/a2a/<tenant>/<agent>'));
        if (typeof i?.protocolVersion !== 'string' || !/^\d+\.\d+(\.\d+)?$/.test(i.protocolVersion)) {
          out.push(violation(ID, obj, `${at}.protocolVersion`, `protocolVersion ${JSON.stringify(i?.protocolVersion)} is not a pinned version`, 'set protocolVersion: "1.0" (or "0.3")'));
        }
      });
    } else {
      const urlProblem = _urlProblem(card.url);
      if (urlProblem) out.push(violation(ID, obj, `${_DATA_PATH}.url`, `card url ${JSON.stringify(card.url)} ${urlProblem}`, 'set url to the gateway URL, e.g. https://agents.example.com/api/v1/agents/<agent>'));
      if (typeof card.protocolVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(card.protocolVersion)) {
        out.push(violation(ID, obj, `${_DATA_PATH}.protocolVersion`, `protocolVersion ${JSON.stringify(card.protocolVersion)} is not a pinned version`, 'set protocolVersion: "0.3.0"'));
      }
    }
    if (typeof card.name !== 'string' || !/^[\x20-\x7e]{1,64}$/.test(card.name)) {
      out.push(violation(ID, obj, `${_DATA_PATH}.name`, `card name ${JSON.stringify(card.name)} is not 1-64 printable ASCII characters`, 'use a short ASCII name such as the agent name'));
    }
    const schemes = card.securitySchemes;
    if (!ctx.config.publicAgents.includes(card.name) && (typeof schemes !== 'object' || schemes === null || Object.keys(schemes).length === 0)) {
      out.push(violation(ID, obj, `${_DATA_PATH}.securitySchemes`, 'non-public agent card declares no securitySchemes', 'declare {bearer: {type: http, scheme: bearer, bearerFormat: JWT}} and security: [{bearer: []}], or list the agent in publicAgents'));
    }
    return out;
  },
  checkSet: (obj, ctx) => {
    if (!_isCard(obj)) return [];
    const card = _card(obj);
    if (!card || typeof card.name !== 'string') return [];
    const groups = ctx.index.memo('agentcard-hygiene:groups', () => _groups(ctx));
    const nacosNs = _nacosNamespace(obj);
    const out: Violation[] = [];
    const same = groups.get(`${nacosNs}\0${card.name}`) ?? [];
    const twin = same.find((o) => o !== obj && _card(o)?.version === card.version);
    if (twin && same.indexOf(obj) > same.indexOf(twin)) {
      out.push(violation(ID, obj, `${_DATA_PATH}.name`, `card "${card.name}" version ${card.version} is already defined in Nacos namespace "${nacosNs}" by ConfigMap ${twin.metadata?.namespace}/${twin.metadata?.name}`,
        'give each agent a unique card name (or a new version) per Nacos namespace'));
    }
    const latest = same.filter((o) => o.metadata?.annotations?.[ANNOTATION.setAsLatest] === 'true');
    if (latest.length > 1 && latest[0] !== obj && latest.includes(obj)) {
      out.push(violation(ID, obj, `metadata.annotations["${ANNOTATION.setAsLatest}"]`, `more than one version of card "${card.name}" is marked latest`,
        `set ${ANNOTATION.setAsLatest}: "false" on the canary card`));
    }
    return out;
  },
};

function _isCard(obj: K8sObject): boolean {
  return obj.metadata?.labels?.[LABEL.role] === AGENT_CARD_ROLE;
}

const _parsed = new WeakMap<object, any>();

/** The card JSON of a ConfigMap, parsed once; `undefined` when absent or not an object. */
function _card(obj: K8sObject): any {
  if (!_parsed.has(obj)) {
    let card: any;
    try {
      card = JSON.parse(obj.data?.[AGENT_CARD_KEY]);
    } catch {
      card = undefined;
    }
    _parsed.set(obj, typeof card === 'object' && card !== null && !Array.isArray(card) ? card : undefined);
  }
  return _parsed.get(obj);
}

function _nacosNamespace(obj: K8sObject): string {
  return obj.metadata?.annotations?.[ANNOTATION.nacosNamespace] ?? 'public';
}

/** Cards by Nacos namespace and name, in input order. */
function _groups(ctx: RuleContext): Map<string, K8sObject[]> {
  const map = new Map<string, K8sObject[]>();
  for (const cm of ctx.index.ofKind('ConfigMap')) {
    if (!_isCard(cm)) continue;
    const name = _card(cm)?.name;
    if (typeof name !== 'string') continue;
    const key = `${_nacosNamespace(cm)}\0${name}`;
    const list = map.get(key);
    if (list) list.push(cm);
    else map.set(key, [cm]);
  }
  return map;
}

/** Why a card url is not a gateway URL, or `undefined` when it is fine. */
function _urlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return 'is missing';
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'is not a URL';
  }
  if (host === '0.0.0.0' || host === 'localhost' || host.startsWith('127.') || host === '[::1]') return 'points at a local address';
  if (/\.svc(\.|$)/.test(host) || host.endsWith('.cluster.local')) return 'is an in-cluster name that callers outside the cluster cannot reach';
  return undefined;
}
