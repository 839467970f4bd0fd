/**
 * The configuration table of docs/stacks.md, rendered from the generated schema: the top-level keys
 * and the keys of a tenant and of its agents, sandbox pools and canaries, with their types,
 * descriptions and defaults. Deeper keys are in `agent-runtime schema`.
 */
import type { JsonSchema } from './config-schema';

/** Markers around the table (in docs/stacks.md). */
export const README_MARKERS = ['<!-- config-table:start (npm run readme) -->', '<!-- config-table:end -->'] as const;

/** The table as Markdown. */
export function configTable(schema: JsonSchema): string {
  const defs = schema.definitions as Record<string, JsonSchema>;
  const rows: string[] = ['| key (`agent-runtime:`) | type | what (default) |', '|---|---|---|'];
  const section = (prefix: string, def: JsonSchema) => {
    const required = new Set<string>(def.required ?? []);
    for (const [name, prop] of Object.entries<JsonSchema>(def.properties ?? {})) {
      if (name === '$schema') continue;
      const what = plain(prop.description ?? '');
      const dflt = prop.default === undefined ? '' : ` (default ${formatDefault(prop.default)})`;
      rows.push(`| \`${prefix}${name}\`${required.has(name) ? ' (required)' : ''} | ${typeOf(prop, defs)} | ${what}${dflt} |`);
    }
  };
  section('', defs.StackConfig);
  section('tenants[].', defs.TenantConfig);
  section('tenants[].agents[].', defs.AgentConfig);
  section('tenants[].sandboxPools[].', defs.SandboxPoolConfig);
  section('tenants[].canaries[].', defs.CanaryConfig);
  return rows.join('\n');
}

/** Replaces the table between the markers of `readme`. */
export function withConfigTable(readme: string, table: string): string {
  const [start, end] = README_MARKERS;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers "${start}" ... "${end}" not found`);
  return `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`;
}

function typeOf(prop: JsonSchema, defs: Record<string, JsonSchema>): string {
  if (prop.$ref) return `\`${prop.$ref.split('/').pop()}\``;
  if (prop.enum) return prop.enum.map((v: unknown) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (prop.const !== undefined) return `\`${JSON.stringify(prop.const)}\``;
  if (prop.anyOf) return prop.anyOf.map((p: JsonSchema) => typeOf(p, defs)).join(' \\| ');
  if (prop.type === 'array') return `list of ${prop.items ? typeOf(prop.items, defs) : 'any'}`;
  if (prop.type === 'object') return prop.additionalProperties && typeof prop.additionalProperties === 'object' ? `map of ${typeOf(prop.additionalProperties, defs)}` : 'mapping';
  return `${prop.type ?? 'any'}${prop.format ? ` (${prop.format})` : ''}`;
}

function formatDefault(value: unknown): string {
  const text = plain(typeof value === 'string' ? value : JSON.stringify(value));
  return text.startsWith('-') ? text.slice(1).trim() : `\`${text}\``;
}

/** One table cell: JSDoc links as plain names, no line breaks, pipes escaped. */
function plain(text: string): string {
  return text.replace(/\{@link\s+([^}\s]+)\s*\}/g, '$1').replace(/\s*\n+\s*/g, ' ').replace(/\|/g, '\\|');
}
