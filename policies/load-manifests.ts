/** Reads Kubernetes objects from YAML/JSON files and directories, whatever produced them. */
import * as fs from 'fs';
import * as path from 'path';
import type * as yaml from 'js-yaml';
import { loadAllKube } from './kube-yaml';
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
  /** Documents that are not Kubernetes objects (mappings without apiVersion, kind or metadata, e.g. Helm values); empty documents are not counted. */
  readonly skipped: number;
  /** Where the skipped documents are: `file#<document number>`. */
  readonly skippedAt: readonly string[];
  readonly sourceOf: (obj: K8sObject) => string | undefined;
}

const _EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Largest file read (a manifest set of 100,000 objects is about 60 MiB). */
export const MAX_FILE_BYTES = 256 * 2 ** 20;

/**
 * Loads every object from files and directories (recursively, `.yaml`/`.yml`/`.json`, dot-files
 * included since `kubectl apply -f` applies them); multi-document YAML, `List` kinds and JSON arrays
 * are expanded. Only regular files are read (a FIFO or device is an error, never a hang), up to
 * `MAX_FILE_BYTES`. A document that is half an object (apiVersion, kind or metadata without the rest)
 * is an error; other documents (e.g. Helm values) are skipped and listed, and reviewing nothing is the caller's error.
 * @example loadManifests(['dist/prod']).objects.length
 */
export function loadManifests(paths: readonly string[]): LoadedManifests {
  const files: string[] = [];
  for (const p of paths) _collect(p, true, files);
  const objects: K8sObject[] = [];
  // A Map, not a WeakMap: the objects live as long as the result, and 100k ephemerons slow the GC.
  const sources = new Map<object, string>();
  const skippedAt: string[] = [];
  for (const file of files) {
    parseManifestText(_read(file), file).forEach((doc, i) => {
      const where = `${file}#${i + 1}`;
      if (_accept(doc, objects, (o) => sources.set(o, file), where)) skippedAt.push(where);
    });
  }
  return { objects, files, skipped: skippedAt.length, skippedAt, sourceOf: (obj) => sources.get(obj) };
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
    return loadAllKube(text, file);
  } catch (e) {
    const err = e as yaml.YAMLException;
    const line = err.mark ? err.mark.line + 1 : undefined;
    const where = line ? `${file}:${line}:${err.mark.column + 1}` : file;
    throw new ManifestError(`${where}: invalid ${syntax}: ${err.reason ?? err.message}; fix the syntax at that line`, file, line);
  }
}

/**
 * Adds a document's objects; returns whether the document was skipped (a mapping that is not a
 * Kubernetes object). Throws on what kubectl would reject or read differently.
 */
function _accept(doc: unknown, out: K8sObject[], remember: (o: object) => void, where: string): boolean {
  if (doc === null || doc === undefined) return false;
  if (Array.isArray(doc)) {
    return doc.map((d, i) => _accept(d, out, remember, `${where}[${i}]`)).some(Boolean);
  }
  if (typeof doc !== 'object') return true;
  const obj = doc as K8sObject;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    obj.items.forEach((d: unknown, i: number) => _accept(d, out, remember, `${where}.items[${i}]`) && _notObject(d, `${where}.items[${i}]`));
    return false;
  }
  if (typeof obj.apiVersion === 'string' && obj.apiVersion !== '' && typeof obj.kind === 'string' && obj.kind !== '') {
    out.push(obj);
    remember(obj);
    return false;
  }
  if ('apiVersion' in obj || 'kind' in obj || 'metadata' in obj) _notObject(obj, where);
  return true;
}

/** A document that looks like an object but lacks apiVersion or kind: the review cannot tell what it is. */
function _notObject(doc: unknown, where: string): never {
  const got = doc !== null && typeof doc === 'object' ? `apiVersion ${JSON.stringify((doc as any).apiVersion)}, kind ${JSON.stringify((doc as any).kind)}` : JSON.stringify(doc);
  throw new ManifestError(`${where}: not a Kubernetes object (${got}); every object needs apiVersion and kind, e.g. apiVersion: v1, kind: ConfigMap`, where);
}

function _collect(p: string, explicit: boolean, out: string[]): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch (e) {
    throw new ManifestError(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, p);
  }
  if (stat.isDirectory()) {
    // Dot-files too: `kubectl apply -f <dir>` applies them.
    for (const name of fs.readdirSync(p).sort()) _collect(path.join(p, name), false, out);
    return;
  }
  if (!explicit && !_EXTENSIONS.has(_extension(p))) return;
  _checkRegular(p, stat);
  out.push(p);
}

/** `.yaml` of `a.yaml` and of the dot-file `.yaml` alike (path.extname gives '' for the latter). */
function _extension(p: string): string {
  const base = path.basename(p).toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot);
}

function _checkRegular(file: string, stat: fs.Stats): void {
  if (!stat.isFile()) {
    const what = stat.isFIFO() ? 'a FIFO' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
    throw new ManifestError(`${file}: is ${what}; review reads regular files only; give the path of the manifest files`, file);
  }
  if (stat.size > MAX_FILE_BYTES) throw new ManifestError(`${file}: is ${stat.size} bytes, above the limit of ${MAX_FILE_BYTES}; split it into smaller files`, file);
}

/** Reads a regular file, re-checked on the open descriptor (the path may have been swapped) and capped at the limit. */
function _read(file: string): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    _checkRegular(file, fs.fstatSync(fd));
    const buf = Buffer.alloc(Math.min(fs.fstatSync(fd).size, MAX_FILE_BYTES) + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = fs.readSync(fd, buf, n, buf.length - n, null);
    if (n === buf.length) throw new ManifestError(`${file}: changed size while it was read; review it again once it is written`, file);
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    throw new ManifestError(`${file}: cannot read: ${(e as Error).message}`, file);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
