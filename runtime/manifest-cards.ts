/**
 * Finds the AgentCards in synthesized manifests: ConfigMaps labelled
 * `agentruntime.io/role: agent-card` holding the card JSON under `agent-card.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { AGENT_CARD_KEY, AGENT_CARD_ROLE, ANNOTATION, LABEL } from '../constructs/labels';
import type { AgentCard } from './agent-card';

/** One card found in the manifests, with where it goes in Nacos. */
export interface ManifestCard {
  readonly card: AgentCard;
  /** Nacos namespace: the `nacos-namespace` annotation, else the tenant label, else the ConfigMap's namespace. */
  readonly namespace: string;
  /** The `set-as-latest` annotation. @default true */
  readonly setAsLatest: boolean;
  /** `file: ConfigMap <namespace>/<name>`, for messages. */
  readonly source: string;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads every YAML/JSON file under `dirOrFile` (recursively; multi-document files allowed)
 * and returns the cards in a stable order (file, then document). All problems are reported together.
 * @example const cards = readManifestCards('dist/dev');
 */
export function readManifestCards(dirOrFile: string): ManifestCard[] {
  if (!fs.existsSync(dirOrFile)) throw new Error(`manifest path ${JSON.stringify(dirOrFile)} does not exist; pass the directory written by "agent-runtime synth --out"`);
  const files = _files(dirOrFile);
  const cards: ManifestCard[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let docs: unknown[];
    try {
      docs = yaml.loadAll(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    for (const doc of docs.flatMap(_items)) {
      const found = _card(doc, file);
      if (typeof found === 'string') problems.push(found);
      else if (found) cards.push(found);
    }
  }
  if (problems.length) throw new Error(`cannot read the AgentCards:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return cards;
}

function _files(p: string): string[] {
  if (fs.statSync(p).isFile()) return [p];
  return fs
    .readdirSync(p, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const full = path.join(p, e.name);
      if (e.isDirectory()) return _files(full);
      return EXTENSIONS.has(path.extname(e.name)) ? [full] : [];
    });
}

/** Unwraps `kind: List` documents. */
function _items(doc: unknown): unknown[] {
  const d = doc as { kind?: string; items?: unknown[] } | null;
  if (d && d.kind === 'List' && Array.isArray(d.items)) return d.items;
  return d ? [d] : [];
}

/**
 * The card of one ConfigMap object (as read from a file or the API server), `undefined` when it
 * is not a card ConfigMap, or a problem text naming `where`, the object and the field.
 * @example cardFromConfigMap(configMap, 'cluster')
 */
export function cardFromConfigMap(doc: unknown, where: string): ManifestCard | string | undefined {
  return _card(doc, where);
}

/** The card of one document, `undefined` when it is not a card ConfigMap, or a problem text. */
function _card(doc: unknown, file: string): ManifestCard | string | undefined {
  const d = doc as { kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; data?: Record<string, string> };
  if (d?.kind !== 'ConfigMap' || d.metadata?.labels?.[LABEL.role] !== AGENT_CARD_ROLE) return undefined;
  const meta = d.metadata;
  const source = `${file}: ConfigMap ${meta.namespace ?? '(no namespace)'}/${meta.name}`;
  const text = d.data?.[AGENT_CARD_KEY];
  if (typeof text !== 'string') return `${source}: data["${AGENT_CARD_KEY}"] is missing; an agent-card ConfigMap must carry the card JSON under that key`;
  let card: AgentCard;
  try {
    card = JSON.parse(text);
  } catch (err) {
    return `${source}: data["${AGENT_CARD_KEY}"] is not valid JSON (${(err as Error).message})`;
  }
  const namespace = meta.annotations?.[ANNOTATION.nacosNamespace] || meta.labels?.[LABEL.tenant] || meta.namespace;
  if (!namespace) return `${source}: no Nacos namespace; set the annotation ${ANNOTATION.nacosNamespace}: <tenant>`;
  const latest = meta.annotations?.[ANNOTATION.setAsLatest] ?? 'true';
  if (latest !== 'true' && latest !== 'false') {
    return `${source}: annotation ${ANNOTATION.setAsLatest} is ${JSON.stringify(latest)}; use "true" or "false"`;
  }
  return { card, namespace, setAsLatest: latest === 'true', source };
}
