/** Turns Pulumi resource inputs into plain manifests, tolerating values unknown at preview. */
import type { K8sObject } from './types';

/** The engine's sentinels for values unknown during preview (see @pulumi/policy proxy.js). */
const _UNKNOWN = new Set([
  '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7', '3eeb2bf0-c639-47a8-9e75-3b44932eb421', '04da6b54-80e4-46f7-96ec-b56ff0331ba9',
  '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2', '030794c1-ac77-496b-92df-f27374a8bd58', 'e48ece36-62e2-4504-bad9-02848725956a',
  'dd056dcd-154b-4c76-9bd3-c8f88648b5ff',
]);

/** Pulumi Kubernetes types that are not Kubernetes objects (components, providers, Helm/YAML groups). */
const _NOT_OBJECTS = /^kubernetes:(helm\.sh|yaml|kustomize)\//;

/** A manifest built from resource inputs, and the field paths whose values are unknown. */
export interface PlainProps {
  readonly obj: K8sObject;
  readonly unknownPaths: readonly string[];
}

/** `apiVersion` and `kind` of a `kubernetes:<group>/<version>:<Kind>` type, or undefined for other types. */
export function kindOfType(type: string): { apiVersion: string; kind: string } | undefined {
  const m = /^kubernetes:([^:]+)\/([^/:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m || _NOT_OBJECTS.test(type)) return undefined;
  // A `<Kind>Patch` (server-side-apply patch, e.g. the namespace's default ServiceAccount) sets fields of a `<Kind>`.
  return { apiVersion: m[1] === 'core' ? m[2] : `${m[1]}/${m[2]}`, kind: m[3].replace(/Patch$/, '') };
}

/**
 * Copies resource inputs (possibly behind @pulumi/policy's unknown-checking proxy) into a plain manifest;
 * unknown values are dropped and their paths recorded so findings under them can be skipped.
 */
export function plainProps(type: string, name: string, props: Record<string, any>): PlainProps | undefined {
  const gvk = kindOfType(type);
  if (!gvk) return undefined;
  const raw = (props as any).__getSpecialProxyTarget ?? props;
  const unknownPaths: string[] = [];
  const obj = _copy(raw, '', unknownPaths) ?? {};
  obj.apiVersion ??= gvk.apiVersion;
  obj.kind ??= gvk.kind;
  obj.metadata ??= {};
  obj.metadata.name ??= name;
  return { obj, unknownPaths };
}

/** Whether a finding at `path` lies under an unknown value. */
export function underUnknown(path: string, unknownPaths: readonly string[]): boolean {
  return unknownPaths.some((u) => path === u || path.startsWith(u + '.') || path.startsWith(u + '['));
}

function _copy(v: any, path: string, unknown: string[]): any {
  if (typeof v === 'string' && _UNKNOWN.has(v)) {
    unknown.push(path);
    return undefined;
  }
  if (Array.isArray(v)) return v.map((e, i) => _copy(e, `${path}[${i}]`, unknown));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, any> = {};
  for (const k of Object.keys(v)) {
    const c = _copy(v[k], /^[A-Za-z_$][\w$]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}["${k}"]`, unknown);
    if (c !== undefined) out[k] = c;
  }
  return out;
}
