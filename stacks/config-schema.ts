/**
 * The JSON Schema of the stack configuration, generated from {@link StackConfig} (and so from
 * the construct props) by ts-json-schema-generator. It is generated, never hand-written:
 * `npm run schema` (run by `pretest` and `prepack`) writes `generated/config.schema.json`
 * (gitignored), and {@link configSchema} regenerates it whenever a source file is newer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { addFormats } from './config-formats';
import type { StackConfig } from './config-types';

// The package root, from the sources (`stacks/`) or the build (`dist-lib/stacks/`).
const ROOT = path.resolve(__dirname, '..', path.basename(path.resolve(__dirname, '..')) === 'dist-lib' ? '..' : '.');
const SOURCE = path.join(ROOT, 'stacks', 'config-types.ts');
/** Where the generated schema is kept. */
export const SCHEMA_FILE = path.join(ROOT, 'generated', 'config.schema.json');
/** Folders whose TypeScript the schema derives from. */
const SOURCE_DIRS = ['constructs', 'stacks'].map((d) => path.join(ROOT, d));

/** The schema's `$id`, also what editors' `$schema` points at once written to a file. */
export const SCHEMA_ID = 'https://agent-runtime.dev/schemas/stack-config.json';

/** JSON Schema (draft-07) of the `agent-runtime:*` keys, the prefix left out. */
export type JsonSchema = Record<string, any>;

let cached: JsonSchema | undefined;

/** The schema of {@link StackConfig}: from `generated/` when up to date, else generated now (a few seconds). */
export function configSchema(): JsonSchema {
  if (cached) return cached;
  if (isFresh()) {
    cached = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;
    return cached;
  }
  cached = generateConfigSchema();
  try {
    // Written aside and renamed, so a parallel reader (a test worker, a second synth) never sees half a file.
    fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
    const partial = `${SCHEMA_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(partial, `${JSON.stringify(cached, null, 2)}\n`);
    fs.renameSync(partial, SCHEMA_FILE);
  } catch {
    // A read-only install still validates, it just regenerates next time.
  }
  return cached;
}

/** Generates the schema from the TypeScript sources. */
export function generateConfigSchema(): JsonSchema {
  if (!fs.existsSync(SOURCE)) {
    throw new Error(`${SCHEMA_FILE} is missing and so is ${SOURCE} to generate it from; reinstall agent-runtime (its package ships the schema)`);
  }
  // Loaded lazily: it pulls in the TypeScript compiler.
  const { createGenerator } = require('ts-json-schema-generator') as typeof import('ts-json-schema-generator');
  const schema = createGenerator({
    path: SOURCE,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    type: 'StackConfig' satisfies keyof { StackConfig: StackConfig },
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
  }).createSchema('StackConfig') as JsonSchema;
  addFormats(schema);
  return { $id: SCHEMA_ID, ...schema };
}

/**
 * The schema of a whole `Pulumi.<stack>.yaml` file for editors (`# yaml-language-server: $schema=...`):
 * each `agent-runtime:<key>` is a key of {@link StackConfig}; secrets are `{ secure: ... }`.
 */
export function stackFileSchema(secretKeys: readonly string[]): JsonSchema {
  const keys = configSchema();
  const root = keys.definitions.StackConfig;
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries<any>(root.properties)) {
    if (key !== '$schema') properties[`agent-runtime:${key}`] = value;
  }
  for (const key of secretKeys) {
    properties[`agent-runtime:${key}`] = {
      description: 'Secret: set it with `pulumi config set --secret`.',
      type: 'object', properties: { secure: { type: 'string' } }, required: ['secure'], additionalProperties: false,
    };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID.replace('stack-config', 'stack-file'),
    title: 'Pulumi.<stack>.yaml of agent-runtime',
    type: 'object',
    properties: {
      encryptionsalt: { type: 'string' },
      secretsprovider: { type: 'string' },
      encryptedkey: { type: 'string' },
      config: {
        type: 'object',
        properties,
        required: (root.required ?? []).map((k: string) => `agent-runtime:${k}`),
        // Other namespaces (kubernetes:context, aws:region) belong to other providers.
        patternProperties: { '^(?!agent-runtime:)[^:]+:': {} },
        additionalProperties: false,
      },
    },
    definitions: keys.definitions,
  };
}

function isFresh(): boolean {
  if (!fs.existsSync(SCHEMA_FILE)) return false;
  // An installed package ships the schema (`prepack`) and not the sources it comes from.
  if (!fs.existsSync(SOURCE)) return true;
  const built = fs.statSync(SCHEMA_FILE).mtimeMs;
  return !SOURCE_DIRS.some((dir) => newerThan(dir, built));
}

function newerThan(dir: string, time: number): boolean {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() ? newerThan(file, time) : entry.name.endsWith('.ts') && fs.statSync(file).mtimeMs > time) return true;
  }
  return false;
}
