/**
 * String formats of the stack configuration, checked by the schema: which props carry which
 * format (by prop name, defined once here) and the checks themselves.
 */
import { cidrProblem } from '../constructs/_cidr';
import { parseQuantity } from '../constructs/_quantity';
import { parseImageReference } from '../constructs/image-reference';

/** Format checks, with the example an error message offers as the fix. */
export const FORMATS: Record<string, { readonly check: (value: string) => boolean; readonly example: string }> = {
  cidr: { check: isCidr, example: 'a CIDR such as 10.0.0.0/8 or 2001:db8::/32' },
  quantity: { check: isQuantity, example: 'a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi' },
  'image-reference': { check: (v) => parseImageReference(v) !== undefined, example: 'an image reference such as ghcr.io/acme/agent:1.0.0' },
};

/** {@link FORMATS} as Ajv takes them (also what the precompiled validator requires). */
export const AJV_FORMATS = Object.fromEntries(Object.entries(FORMATS).map(([name, f]) => [name, { type: 'string' as const, validate: f.check }]));

/** Props that hold a formatted string (or a list of them), by name. */
export const FORMAT_OF_PROP: Readonly<Record<string, keyof typeof FORMATS>> = {
  cidr: 'cidr', except: 'cidr', ipAllow: 'cidr', ipDeny: 'cidr',
  cpu: 'quantity', memory: 'quantity', cpuLimit: 'quantity', memoryLimit: 'quantity', cpuRequest: 'quantity',
  ephemeralStorage: 'quantity', requestsCpu: 'quantity', requestsMemory: 'quantity', limitsCpu: 'quantity',
  limitsMemory: 'quantity', storage: 'quantity', size: 'quantity', requestsEphemeralStorage: 'quantity',
  limitsEphemeralStorage: 'quantity',
  image: 'image-reference',
};

/** The constructs' CIDR parser (ipaddr.js, dotted-quad IPv4 only), so config and props agree. */
function isCidr(value: string): boolean {
  return cidrProblem(value) === undefined;
}

/** The constructs' quantity parser (the Kubernetes quantity grammar); requests and sizes are never negative. */
function isQuantity(value: string): boolean {
  const parsed = parseQuantity(value);
  return parsed !== undefined && parsed >= 0 && value === value.trim();
}

/**
 * Adds `format` to every string (or string list) prop named in {@link FORMAT_OF_PROP}, in
 * place, wherever the generated schema declares it.
 */
export function addFormats(schema: unknown): void {
  if (Array.isArray(schema)) {
    schema.forEach(addFormats);
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  const node = schema as Record<string, any>;
  for (const [name, prop] of Object.entries<any>(node.properties ?? {})) {
    const format = FORMAT_OF_PROP[name];
    if (!format) continue;
    if (prop.type === 'string') prop.format = format;
    else if (prop.type === 'array' && prop.items?.type === 'string') prop.items.format = format;
  }
  for (const value of Object.values(node)) addFormats(value);
}
