/** Kubernetes resource quantities as numbers, for the quota-versus-workloads check. */

const SUFFIX: Record<string, number> = {
  m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50,
};

/**
 * Parses a quantity (`"250m"`, `"1.5"`, `"512Mi"`, `"2G"`) into base units (cores or bytes).
 * Throws naming `field` when the value is not a quantity.
 */
export function _parseQuantity(value: string | number, field: string): number {
  if (typeof value === 'number') return value;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/.exec(value);
  if (!m) {
    throw new Error(`${field}: "${value}" is not a Kubernetes quantity; use e.g. "500m" for CPU or "512Mi" for memory`);
  }
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}

/** Formats cores or bytes back into a readable quantity (`"1.5"`, `"768Mi"`). */
export function _formatQuantity(value: number, unit: 'cpu' | 'bytes' | 'count'): string {
  if (unit === 'count') return String(value);
  if (unit === 'cpu') return Number.isInteger(value) ? String(value) : `${Math.ceil(value * 1000)}m`;
  const gi = value / 2 ** 30;
  return Number.isInteger(gi) ? `${gi}Gi` : `${Math.ceil(value / 2 ** 20)}Mi`;
}
