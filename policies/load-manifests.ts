/** Reads Kubernetes objects from YAML/JSON files and directories, whatever produced them. */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { K8sObject } from './types';

/** A file that cannot be read or parsed; the message names the file and, for syntax errors, the line. */
export class ManifestError extends Error {
  public constructor(message: string, public readonly file: string, public readonly line?: number) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Objects read from disk, with the file each came from. */
export interface LoadedManifests {
  readonly objects: K8sObject[];
  readonly files: readonly string[];
  /** Documents that are not Kubernetes objects (no apiVersion/kind), e.g. Helm values or empty documents. */
  readonly skipped: number;
  readonly sourceOf: (obj: K8sObject) => string | undefined;
}

const _EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Loads every object from files and directories (recursively, `.yaml`/`.yml`/`.json`); multi-document
 * YAML, `List` kinds and JSON arrays are expanded; documents without apiVersion/kind are skipped.
 * @example loadManifests(['dist/prod']).objects.length
 */
export function loadManifests(paths: readonly string[]): LoadedManifests {
  const files: string[] = [];
  for (const p of paths) _collect(p, true, files);
  const objects: K8sObject[] = [];
  // A Map, not a WeakMap: the objects live as long as the result, and 100k ephemerons slow the GC.
  const sources = new Map<object, string>();
  let skipped = 0;
  for (const file of files) {
    for (const doc of parseManifestText(_read(file), file)) {
      skipped += _accept(doc, objects, (o) => sources.set(o, file));
    }
  }
  return { objects, files, skipped, sourceOf: (obj) => sources.get(obj) };
}

/**
 * Parses one file's text into its documents (JSON fast path for `.json`), turning syntax errors into
 * `ManifestError`s naming the file and line.
 */
export function parseManifestText(text: string, file: string): unknown[] {
  if (file.endsWith('.json')) {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    try {
      return [JSON.parse(body)];
    } catch (e) {
      // JSON.parse reports only an offset: js-yaml (a JSON superset) finds the line; otherwise count lines.
      _yamlOrThrow(body, file, 'JSON');
      const pos = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? 0);
      const line = body.slice(0, pos).split('\n').length;
      throw new ManifestError(`${file}:${line}: invalid JSON: ${(e as Error).message}`, file, line);
    }
  }
  return _yamlOrThrow(text, file);
}

function _yamlOrThrow(text: string, file: string, syntax = 'YAML'): unknown[] {
  try {
    return yaml.loadAll(text, undefined, { filename: file });
  } catch (e) {
    const err = e as yaml.YAMLException;
    const line = err.mark ? err.mark.line + 1 : undefined;
    const where = line ? `${file}:${line}:${err.mark.column + 1}` : file;
    throw new ManifestError(`${where}: invalid ${syntax}: ${err.reason ?? err.message}; fix the syntax at that line`, file, line);
  }
}

/** Adds a document's objects; returns how many documents were skipped. */
function _accept(doc: unknown, out: K8sObject[], remember: (o: object) => void): number {
  if (Array.isArray(doc)) return doc.reduce((n: number, d) => n + _accept(d, out, remember), 0);
  if (typeof doc !== 'object' || doc === null) return 1;
  const obj = doc as K8sObject;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    return obj.items.reduce((n: number, d: unknown) => n + _accept(d, out, remember), 0);
  }
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return 1;
  out.push(obj);
  remember(obj);
  return 0;
}

function _collect(p: string, explicit: boolean, out: string[]): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (e) {
    throw new ManifestError(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, p);
  }
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) {
      if (!name.startsWith('.')) _collect(path.join(p, name), false, out);
    }
  } else if (explicit || _EXTENSIONS.has(path.extname(p).toLowerCase())) {
    out.push(p);
  }
}

function _read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestError(`${file}: cannot read: ${(e as Error).message}`, file);
  }
}
