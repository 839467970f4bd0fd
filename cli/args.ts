/** A tiny, strict flag parser: unknown flags are errors that name the flag and list the known ones. */
export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Record<string, string | boolean>;
}

/**
 * Parses `--name value` and `--name=value` flags; `booleans` take no value.
 * @example parseArgs(['a.yaml', '--env', 'prod'], { values: ['env'], booleans: [] })
 */
export function parseArgs(argv: string[], spec: { values: string[]; booleans: string[] }): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.booleans.includes(name)) {
      flags[name] = true;
    } else if (spec.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`flag --${name} needs a value`);
      flags[name] = value;
    } else {
      const known = [...spec.values, ...spec.booleans].map((f) => `--${f}`).join(', ');
      throw new Error(`unknown flag --${name}; known flags: ${known || 'none'}`);
    }
  }
  return { positional, flags };
}
