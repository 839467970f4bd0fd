/**
 * Secrets an agent's configuration names (model keys, MCP tokens, memory keys), published on the
 * objects that reference them so the stack can create each Secret, and `synth` can say which ones a
 * stack still lacks, from the manifests alone.
 */
import { ANNOTATION } from './labels';

/** One key of a Secret in the agent's namespace. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** The annotation value listing `refs` (`<secret>/<key>,...`, sorted, unique). */
export function _secretRefsAnnotation(refs: readonly SecretKeyRef[]): Record<string, string> {
  const list = [...new Set(refs.map((r) => `${r.name}/${r.key}`))].sort();
  return list.length ? { [ANNOTATION.secretRefs]: list.join(',') } : {};
}

/** Parses the annotation back (`synth`, the stack). */
export function _parseSecretRefs(value: string | undefined): SecretKeyRef[] {
  return (value ?? '').split(',').filter(Boolean).map((s) => {
    const i = s.lastIndexOf('/');
    return { name: s.slice(0, i), key: s.slice(i + 1) };
  });
}
