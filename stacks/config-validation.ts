/**
 * Validates stack configuration against the generated schema. Every problem is reported at
 * once, each naming the config key (`agent-runtime:tenants[0].agents[1].byo.image`), the value
 * and the fix; an unknown key suggests the closest known one.
 */
import * as fs from 'fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DECLARATIVE_PORT_REFUSAL } from '../constructs/contracts';
import { AJV_FORMATS, FORMATS } from './config-formats';
import { configSchema, SCHEMA_FILE } from './config-schema';
import type { StackConfig } from './config-types';

/** Invalid configuration; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The config key of a path inside the configuration: `agent-runtime:tenants[0].quota`. */
export function configKey(path: readonly (string | number)[]): string {
  return `agent-runtime:${path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')}`;
}

let validator: ValidateFunction | undefined;

/** Keys refused with a reason instead of "not a known key": parent key → key → why, and the fix. */
const REFUSED_KEYS: Record<string, Record<string, string>> = {
  declarative: { port: DECLARATIVE_PORT_REFUSAL },
};

/**
 * Checks `values` (the `agent-runtime:*` keys without the prefix, secrets left out) and
 * returns them typed.
 * @example validateStackConfig({ gatewayHost: 'agents.example.com', gateway: { jwt } })
 */
export function validateStackConfig(values: Record<string, unknown>): StackConfig {
  const problems = schemaProblems(values);
  if (problems.length) throw new ConfigError(problems.map((p) => p.message).join('\n'));
  return values as unknown as StackConfig;
}

/** A schema problem: the config path it is under, and its message naming the key, the value and the fix. */
export interface SchemaProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Every schema problem of `values` (none when they are valid). */
export function schemaProblems(values: Record<string, unknown>): SchemaProblem[] {
  validator ??= compile();
  if (validator(values)) return [];
  const seen = new Set<string>();
  return relevant(validator.errors ?? []).flatMap((e) => {
    const message = describe(e, values);
    if (seen.has(message)) return [];
    seen.add(message);
    return [{ path: instancePath(e), message }];
  });
}

function instancePath(e: ErrorObject): (string | number)[] {
  return e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The precompiled validator, kept next to the generated schema. */
const VALIDATOR_FILE = SCHEMA_FILE.replace(/\.schema\.json$/, '.validate.js');

/**
 * The validator of the schema. Compiling it costs a quarter of a second, more than the synth of
 * a small platform, so it is compiled once into standalone code and reused while the schema
 * is unchanged.
 */
function compile(): ValidateFunction {
  const schema = configSchema();
  if (fs.existsSync(VALIDATOR_FILE) && fs.statSync(VALIDATOR_FILE).mtimeMs >= fs.statSync(SCHEMA_FILE).mtimeMs) {
    return require(VALIDATOR_FILE) as ValidateFunction;
  }
  // Ajv's compiler is loaded only here: the precompiled validator needs its small runtime alone.
  const { default: Ajv, _ } = require('ajv') as typeof import('ajv');
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  // The code requires the formats from the sources (ts-node, jest) or from the build (dist-lib).
  const formats = _`(() => { try { return require("../stacks/config-formats"); } catch { return require("../dist-lib/stacks/config-formats"); } })().AJV_FORMATS`;
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, formats: AJV_FORMATS, code: { source: true, formats } });
  const validate = ajv.compile(schema);
  try {
    const partial = `${VALIDATOR_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(partial, standaloneCode(ajv, validate));
    fs.renameSync(partial, VALIDATOR_FILE);
  } catch {
    // A read-only install compiles again next time.
  }
  return validate;
}

/**
 * Keeps the errors a user can act on. In a union (`string | { ... }`, storage modes), the
 * branch whose type and discriminator match explains the failure; the others are noise.
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  let kept = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  for (const union of unions) {
    const base = `${union.schemaPath.replace(/\/(anyOf|oneOf)$/, '')}/${union.keyword}/`;
    const inUnion = kept.filter((e) => e.instancePath.startsWith(union.instancePath) && e.schemaPath.startsWith(base));
    const branches = new Map<string, ErrorObject[]>();
    for (const e of inUnion) {
      const branch = e.schemaPath.slice(base.length).split('/')[0];
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    // A branch failing on its type or on a constant (the discriminator) is the wrong branch.
    const wrong = (es: ErrorObject[]) => es.some((e) => e.instancePath === union.instancePath && e.keyword === 'type')
      || es.some((e) => e.keyword === 'const' || (e.keyword === 'enum' && e.instancePath !== union.instancePath));
    const candidates = [...branches.values()].filter((es) => !wrong(es));
    const best = candidates.sort((a, b) => a.length - b.length)[0];
    const drop = new Set(inUnion.filter((e) => !best?.includes(e)));
    if (best) kept = kept.filter((e) => !drop.has(e));
    else kept = [...kept.filter((e) => !inUnion.includes(e)), discriminator(inUnion, branches.size) ?? union];
  }
  return kept;
}

/** When every branch of a union fails on the same constant (`mode`), that constant is the problem: one error listing the allowed values. */
function discriminator(inUnion: ErrorObject[], branches: number): ErrorObject | undefined {
  const consts = inUnion.filter((e) => e.keyword === 'const');
  const path = consts[0]?.instancePath;
  if (!path || consts.length !== branches || consts.some((e) => e.instancePath !== path)) return undefined;
  return { ...consts[0], keyword: 'enum', params: { allowedValues: consts.map((e) => (e.params as { allowedValue: unknown }).allowedValue) } };
}

function describe(e: ErrorObject, values: Record<string, unknown>): string {
  const path = instancePath(e);
  const key = path.length ? configKey(path) : 'agent-runtime';
  const value = show(e.data);
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const refused = REFUSED_KEYS[String(path[path.length - 1])]?.[p.additionalProperty];
      if (refused) return `${configKey([...path, p.additionalProperty])}: ${show((e.data as Record<string, unknown>)[p.additionalProperty])} is not allowed; ${refused}`;
      const known = Object.keys(e.parentSchema?.properties ?? {});
      const hint = closest(p.additionalProperty, known);
      const child = path.length ? `${key}.${p.additionalProperty}` : `agent-runtime:${p.additionalProperty}`;
      return `${child} is not a known key${hint ? `; did you mean "${hint}"?` : ';'} Known keys here: ${known.join(', ') || 'none'}`;
    }
    case 'required':
      return `${path.length ? `${key}.` : 'agent-runtime:'}${p.missingProperty} is required${describeProp(e.parentSchema?.properties?.[p.missingProperty], values)}`;
    case 'type':
      return `${key}: ${value} is not allowed; use ${article(String(p.type))}${describeProp(e.parentSchema, values)}`;
    case 'minimum':
    case 'maximum':
      return `${key}: ${value} is not allowed; use ${article(String(e.parentSchema?.type ?? 'number'))} from ${e.parentSchema?.minimum ?? '-∞'} to ${e.parentSchema?.maximum ?? '∞'}`;
    case 'enum':
      return `${key}: ${value} is not allowed; use one of ${p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${key}: ${value} is not allowed; use ${JSON.stringify(p.allowedValue)}`;
    case 'format':
      return `${key}: ${value} is not valid; use ${FORMATS[p.format]?.example ?? `a ${p.format}`}`;
    case 'pattern':
      return `${key}: ${value} is not valid; use a value matching ${p.pattern}${describeProp(e.parentSchema, values)}`;
    case 'anyOf':
    case 'oneOf':
      return `${key}: ${value} matches none of the allowed shapes; see \`agent-runtime schema\``;
    default:
      return `${key}: ${value} ${e.message ?? 'is not allowed'}`;
  }
}

function describeProp(schema: any, _values: unknown): string {
  const text = schema?.description as string | undefined;
  return text ? ` (${text.split('\n')[0].replace(/\.$/, '')})` : '';
}

function article(type: string): string {
  const names: Record<string, string> = { string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', object: 'a mapping', array: 'a list' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The known key closest to `key` (case ignored; two edits away, more for long keys). */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(key.length / 4) + 1);
  for (const k of known) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}
