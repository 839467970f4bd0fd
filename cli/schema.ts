/**
 * `agent-runtime schema [--keys] [--out <file>]`: the JSON Schema of `Pulumi.<stack>.yaml`,
 * generated from the construct props, for editors (`# yaml-language-server: $schema=<file>`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from './args';

export const USAGE = `usage: agent-runtime schema [--keys | --markdown] [--out <file>] [--readme <README.md>]
  Prints the JSON Schema of Pulumi.<stack>.yaml (generated from the construct props).
  --keys             the schema of the agent-runtime:* values only (the prefix left out)
  --markdown         the configuration table instead
  --out <file>       write it to <file> instead of stdout
  --readme <file>    replace the configuration table of <file> (between its config-table markers)`;

/** Prints or writes the schema; 2 on bad usage. */
export async function schemaCommand(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, { values: ['out', 'readme'], booleans: ['keys', 'markdown', 'help'] });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positional.length) {
    console.error(`agent-runtime schema: takes no arguments (got ${positional.join(' ')})\n${USAGE}`);
    return 2;
  }
  const { configSchema, stackFileSchema } = await import('../stacks/config-schema');
  const { SECRET_KEYS } = await import('../stacks/config');
  const { configTable, withConfigTable } = await import('../stacks/config-docs');
  if (typeof flags.readme === 'string') {
    fs.writeFileSync(flags.readme, withConfigTable(fs.readFileSync(flags.readme, 'utf8'), configTable(configSchema())));
    console.error(`updated the configuration table of ${flags.readme}`);
    return 0;
  }
  const text = flags.markdown
    ? `${configTable(configSchema())}\n`
    : `${JSON.stringify(flags.keys ? configSchema() : stackFileSchema(SECRET_KEYS), null, 2)}\n`;
  if (typeof flags.out === 'string') {
    fs.mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
    fs.writeFileSync(flags.out, text);
    console.error(`wrote ${flags.out}`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
