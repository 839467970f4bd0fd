import { MetricDef } from './metric-names';

/** Matchers as `{k="v"}`; values starting with `~` or `!` become `=~` / `!=`. Empty gives ''. */
export function _matchers(m: Readonly<Record<string, string>> = {}): string {
  const parts = Object.entries(m).map(([k, v]) => {
    if (v.startsWith('~')) return `${k}=~${JSON.stringify(v.slice(1))}`;
    if (v.startsWith('!')) return `${k}!=${JSON.stringify(v.slice(1))}`;
    return `${k}=${JSON.stringify(v)}`;
  });
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** A selector of one series of a catalog metric; `suffix` only for histogram/summary parts. */
export function _sel(def: MetricDef, m?: Readonly<Record<string, string>>, suffix?: '_bucket' | '_sum' | '_count'): string {
  if (suffix && def.type !== 'histogram' && def.type !== 'summary') {
    throw new Error(`${def.name} is a ${def.type}; it has no ${suffix} series`);
  }
  return `${def.name}${suffix ?? ''}${_matchers(m)}`;
}

/** `sum by (labels) (rate(sel[window]))`. */
export function _sumRate(def: MetricDef, by: readonly string[], m?: Readonly<Record<string, string>>, window = '5m', suffix?: '_bucket' | '_count'): string {
  return `sum${by.length ? ` by (${by.join(', ')})` : ''} (rate(${_sel(def, m, suffix)}[${window}]))`;
}

/** `histogram_quantile(q, sum by (labels, le) (rate(x_bucket[window])))`. */
export function _quantile(q: number, def: MetricDef, by: readonly string[], m?: Readonly<Record<string, string>>, window = '5m'): string {
  return `histogram_quantile(${q}, ${_sumRate(def, [...by, 'le'], m, window, '_bucket')})`;
}
