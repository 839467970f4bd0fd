/**
 * Validates manifests the way an API server with strict field validation would:
 * core kinds against the strict JSON schemas of PyPI's `kubernetes-validate`
 * (installed by `scripts/install-k8s-schemas.sh`), custom resources against the
 * `openAPIV3Schema` of the upstream CRDs in `../shared/crds/`, read at test time.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as yaml from 'js-yaml';

const KUBERNETES_VERSION = 'v1.33.0';
const SCHEMA_PACKAGE = 'kubernetes-validate-1.37.0';

/** The folder holding the shared reference material (`crds/`, `specs/`). */
export const SHARED_DIR = process.env.AGENT_RUNTIME_SHARED ?? path.resolve(__dirname, '..', '..', '..', 'shared');

const coreDir = path.join(
  process.env.AGENT_RUNTIME_CACHE ?? path.join(os.homedir(), '.cache', 'agent-runtime'),
  SCHEMA_PACKAGE, 'kubernetes_validate', 'kubernetes-json-schema', `${KUBERNETES_VERSION}-local-strict`,
);

let coreAjv: Ajv2020 | undefined;
const coreCache = new Map<string, ValidateFunction | null>();
let crdValidators: Map<string, ValidateFunction> | undefined;

export interface SchemaError {
  readonly object: string;
  readonly message: string;
}

/** Validates one object; returns its schema errors (empty when valid). */
export function validateObject(obj: any): SchemaError[] {
  const ref = `${obj?.kind}/${obj?.metadata?.namespace ?? ''}/${obj?.metadata?.name}`;
  const validate = crdValidator(obj.apiVersion, obj.kind) ?? coreValidator(obj.apiVersion, obj.kind);
  if (!validate) return [{ object: ref, message: `no schema for ${obj.apiVersion} ${obj.kind}` }];
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => ({
    object: ref,
    message: `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${(e.params as any).additionalProperty})` : ''}`,
  }));
}

/** Validates many objects and returns every error found. */
export function validateAll(objects: any[]): SchemaError[] {
  return objects.flatMap(validateObject);
}

/** Whether `apiVersion`/`kind` is a custom resource known from `../shared/crds/`. */
export function isCustomResource(apiVersion: string, kind: string): boolean {
  return crdValidator(apiVersion, kind) !== undefined;
}

function coreValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const file = [kind.toLowerCase(), group ? group.split('.')[0] : undefined, version].filter(Boolean).join('-') + '.json';
  if (!coreCache.has(file)) {
    if (!fs.existsSync(coreDir)) {
      throw new Error(`Kubernetes schemas missing in ${coreDir}; run scripts/install-k8s-schemas.sh (npm test does it)`);
    }
    const full = path.join(coreDir, file);
    if (!fs.existsSync(full)) {
      coreCache.set(file, null);
    } else {
      const ajv = (coreAjv ??= _coreAjv());
      coreCache.set(file, ajv.compile(JSON.parse(fs.readFileSync(full, 'utf8'))));
    }
  }
  return coreCache.get(file) ?? undefined;
}

function _coreAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const defs = JSON.parse(fs.readFileSync(path.join(coreDir, '_definitions.json'), 'utf8'));
  ajv.addSchema(defs);
  return ajv;
}

function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  crdValidators ??= _loadCrds();
  return crdValidators.get(`${apiVersion}/${kind}`);
}

function _loadCrds(): Map<string, ValidateFunction> {
  const dir = path.join(SHARED_DIR, 'crds');
  if (!fs.existsSync(dir)) throw new Error(`CRD schemas not found in ${dir}; set AGENT_RUNTIME_SHARED to the shared folder`);
  const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: _goRegExp as any } });
  addFormats(ajv);
  const out = new Map<string, ValidateFunction>();
  for (const file of _walk(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = yaml.load(fs.readFileSync(file, 'utf8')) as any;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      const schema = strictify(structuredClone(v.schema.openAPIV3Schema));
      // metadata is checked by the API server's own ObjectMeta rules, not by the CRD.
      Object.assign(schema.properties, { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } });
      out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
  return out;
}

/**
 * Turns a structural CRD schema into a strict JSON schema: unknown fields are errors
 * (the API server prunes or rejects them) and int-or-string becomes explicit.
 */
export function strictify(schema: any): any {
  if (!schema || typeof schema !== 'object') return schema;
  if (schema['x-kubernetes-int-or-string']) {
    delete schema.type;
    schema.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  for (const key of ['properties', 'patternProperties']) {
    for (const k of Object.keys(schema[key] ?? {})) strictify(schema[key][k]);
  }
  if (schema.items) strictify(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') strictify(schema.additionalProperties);
  for (const key of ['allOf', 'anyOf', 'oneOf']) (schema[key] ?? []).forEach(strictify);
  if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
  }
  return schema;
}

/** CRD patterns are Go regular expressions; translate the inline `(?i)` flag JavaScript lacks. */
function _goRegExp(pattern: string, flags: string): RegExp {
  return pattern.includes('(?i)') ? new RegExp(pattern.replace('(?i)', ''), flags + 'i') : new RegExp(pattern, flags);
}

function _walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? _walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
