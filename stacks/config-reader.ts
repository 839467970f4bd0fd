/**
 * A strict reader for structured configuration: every value is checked for type and range,
 * unknown keys are errors (a typo must not silently fall back to a default), and every error
 * names the full key, the bad value and what is allowed.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** One level of a configuration object, with its dotted path for messages. */
export class ConfigNode {
  constructor(public readonly path: string, public readonly value: Record<string, unknown>) {}

  /** Reads an object node; `required` makes absence an error. */
  static root(path: string, value: unknown): ConfigNode {
    if (value === undefined || value === null) return new ConfigNode(path, {});
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError(`${path}: expected an object, got ${show(value)}`);
    }
    return new ConfigNode(path, value as Record<string, unknown>);
  }

  /** Fails on keys other than `known`, suggesting the closest known key. */
  only(...known: string[]): this {
    for (const key of Object.keys(this.value)) {
      if (!known.includes(key)) {
        const hint = closest(key, known);
        throw new ConfigError(`${this.key(key)} is not a known key${hint ? `; did you mean "${hint}"?` : ''} Known keys: ${known.join(', ')}`);
      }
    }
    return this;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  /** The full name of `key`; a root path ending in ':' is a Pulumi config namespace (`agent-runtime:`). */
  key(key: string): string {
    return this.path.endsWith(':') ? `${this.path}${key}` : `${this.path}.${key}`;
  }

  child(key: string): ConfigNode {
    return ConfigNode.root(this.key(key), this.value[key]);
  }

  str(key: string, opts: { required?: boolean; pattern?: RegExp; hint?: string; oneOf?: readonly string[] } = {}): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (opts.required) throw new ConfigError(`${this.key(key)} is required${opts.hint ? `; ${opts.hint}` : ''}`);
      return undefined;
    }
    if (typeof v !== 'string') throw new ConfigError(`${this.key(key)}: expected a string, got ${show(v)}`);
    if (opts.oneOf && !opts.oneOf.includes(v)) {
      throw new ConfigError(`${this.key(key)}: ${show(v)} is not allowed; use one of ${opts.oneOf.join(', ')}`);
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      throw new ConfigError(`${this.key(key)}: ${show(v)} is not valid${opts.hint ? `; ${opts.hint}` : ''}`);
    }
    return v;
  }

  reqStr(key: string, opts: { pattern?: RegExp; hint?: string; oneOf?: readonly string[] } = {}): string {
    return this.str(key, { ...opts, required: true }) as string;
  }

  num(key: string, opts: { min?: number; max?: number; integer?: boolean; odd?: boolean; hint?: string } = {}): number | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new ConfigError(`${this.key(key)}: expected a number, got ${show(v)}`);
    const range = `${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}${opts.max !== undefined ? ` and <= ${opts.max}` : ''}`;
    if ((opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      throw new ConfigError(`${this.key(key)}: ${v} is not allowed; use ${range}${opts.hint ? ` (${opts.hint})` : ''}`);
    }
    if (opts.odd && v % 2 === 0) {
      throw new ConfigError(`${this.key(key)}: ${v} is not allowed; use an odd number${opts.hint ? ` (${opts.hint})` : ''}`);
    }
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw new ConfigError(`${this.key(key)}: expected true or false, got ${show(v)}`);
    return v;
  }

  strList(key: string): string[] | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw new ConfigError(`${this.key(key)}: expected a list of strings, got ${show(v)}`);
    }
    return v as string[];
  }

  list(key: string): ConfigNode[] {
    const v = this.value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new ConfigError(`${this.key(key)}: expected a list, got ${show(v)}`);
    return v.map((item, i) => ConfigNode.root(`${this.key(key)}[${i}]`, item));
  }

  /** A map of name -> object, e.g. rate-limit tiers. */
  entries(key: string): [string, ConfigNode][] {
    const node = this.child(key);
    return Object.keys(node.value).map((name) => [name, node.child(name)]);
  }

  /** A map of string -> string (labels, headers). */
  strMap(key: string): Record<string, string> | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
      throw new ConfigError(`${this.key(key)}: expected a map of strings, got ${show(v)}`);
    }
    return v as Record<string, string>;
  }
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
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
