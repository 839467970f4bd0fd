/** Kubernetes resource quantities as numbers: one parser for the constructs (input checks, quota fit) and the policies (ratios, comparisons). */
import { Field, refuse } from './errors';

/** Decimal (n..E) and binary (Ki..Ei) suffixes of the Kubernetes quantity grammar. */
const _SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a quantity (`500m`, `2Gi`, `1e3`, `.5`, or a number), or `undefined` when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  // k8s.io/apimachinery/pkg/api/resource: a signed decimal, then one suffix or one exponent.
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|([eE][+-]?\d+))?$/.exec(q.trim());
  if (!m) return undefined;
  const v = Number(m[1] + (m[3] ?? '')) * _SUFFIX[m[2] ?? ''];
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Parses a quantity (`"250m"`, `"1.5"`, `"512Mi"`, `"2G"`) into base units (cores or bytes).
 * Throws naming `field` when the value is not a non-negative quantity.
 */
export function _parseQuantity(value: string | number, field: Field): number {
  const v = parseQuantity(value);
  if (v === undefined || v < 0) {
    throw refuse(field, value, 'is not a Kubernetes quantity; use e.g. "500m" for CPU or "512Mi" for memory');
  }
  return v;
}

/** Formats cores or bytes back into a readable quantity (`"1.5"`, `"768Mi"`). */
export function _formatQuantity(value: number, unit: 'cpu' | 'bytes' | 'count'): string {
  if (unit === 'count') return String(value);
  if (unit === 'cpu') return Number.isInteger(value) ? String(value) : `${Math.ceil(value * 1000)}m`;
  const gi = value / 2 ** 30;
  return Number.isInteger(gi) ? `${gi}Gi` : `${Math.ceil(value / 2 ** 20)}Mi`;
}
