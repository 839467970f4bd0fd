/** Plain values (`"500m"`, `8080`) as the wrapper classes of the generated Kubernetes types. */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * A map of quantities (`{ cpu: '500m' }`) as quantity objects: `k8s.Quantity` by default, or the
 * generated class of a CRD field (each CRD import has its own).
 */
export function _quantities<Q = k8s.Quantity>(
  values: Readonly<Record<string, string>>, from: (value: string) => Q = k8s.Quantity.fromString as unknown as (value: string) => Q,
): Record<string, Q> {
  const out: Record<string, Q> = {};
  for (const [key, value] of Object.entries(values)) out[key] = from(value);
  return out;
}

/** A port given by number or by name. */
export function _port(port: number | string): k8s.IntOrString {
  return typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port);
}
