/**
 * Checks of a `Pulumi.<stack>.yaml` file as written, before its `agent-runtime:*` values are read:
 * keys that would otherwise be ignored (outside `config:`, without the project prefix, with a
 * misspelt prefix) and secrets written in plain text. Pulumi would store a plain secret in state
 * and show it in `pulumi config`; a key it ignores would be reported missing later, as if unset.
 */
import { closest } from './config-validation';

/** The Pulumi project, and the prefix of every config key. */
const PROJECT = 'agent-runtime';

/** Top-level keys of a stack file (Pulumi's stack settings). */
const STACK_FILE_KEYS = ['config', 'encryptionsalt', 'secretsprovider', 'encryptedkey', 'environment'];

/**
 * Every problem of the stack file `doc` (parsed YAML of `file`), each naming the key as written,
 * and the fix. `configKeys` are the known keys (without prefix), `secretKeys` those that hold secrets.
 */
export function stackFileProblems(doc: unknown, file: string, configKeys: readonly string[], secretKeys: readonly string[]): string[] {
  const problems: string[] = [];
  if (doc === undefined || doc === null) return problems;
  if (typeof doc !== 'object' || Array.isArray(doc)) return [`${file}: is not a mapping; a stack file holds \`config:\` with \`agent-runtime:<key>\` entries`];
  const known = [...configKeys, ...secretKeys];
  for (const key of Object.keys(doc)) {
    if (STACK_FILE_KEYS.includes(key)) continue;
    const bare = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
    const hint = known.includes(bare) ? `it is a config key: move it under \`config:\` as \`${PROJECT}:${bare}\`` : `the keys of a stack file are ${STACK_FILE_KEYS.join(', ')}; config keys go under \`config:\``;
    problems.push(`${file}: top-level key "${key}" is not read by Pulumi; ${hint}`);
  }
  const config = (doc as Record<string, unknown>).config;
  if (config === undefined || config === null) return problems;
  if (typeof config !== 'object' || Array.isArray(config)) return [...problems, `${file}: config is not a mapping; write \`config:\` followed by \`${PROJECT}:<key>: <value>\` lines`];
  for (const [key, value] of Object.entries(config)) {
    const colon = key.indexOf(':');
    if (colon < 0) {
      problems.push(`${file}: config key "${key}" has no project prefix, so Pulumi does not give it to this project; write \`${PROJECT}:${key}\`${known.includes(key) ? '' : unknownHint(key, known)}`);
      continue;
    }
    const namespace = key.slice(0, colon);
    const bare = key.slice(colon + 1);
    if (namespace !== PROJECT) {
      // Another provider's key (kubernetes:context) is theirs; a misspelt project prefix is ours.
      if (closest(namespace, [PROJECT]) || known.includes(bare) && namespace.replace(/[^a-z]/gi, '').toLowerCase() === 'agentruntime') {
        problems.push(`${file}: config key "${key}" is not in project "${PROJECT}" (prefix "${namespace}:"); write \`${PROJECT}:${bare}\``);
      }
      continue;
    }
    if (secretKeys.includes(bare) && !isSecure(value)) {
      problems.push(`${PROJECT}:${bare} is a secret and ${file} holds it in plain text; remove it from the file and set it with \`pulumi config set --secret ${bare} <value>\``);
    }
  }
  return problems;
}

/** Pulumi's encrypted form of a value: `{ secure: <ciphertext> }`. */
function isSecure(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === 'string';
}

function unknownHint(key: string, known: readonly string[]): string {
  const near = closest(key, known);
  return near ? ` (did you mean \`${PROJECT}:${near}\`?)` : '';
}
