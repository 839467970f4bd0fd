/** Kubernetes label selectors evaluated against labels. */

/** Whether `selector` (`matchLabels` / `matchExpressions`) selects `labels`; an empty selector selects all. */
export function matchesSelector(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector || typeof selector !== 'object') return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const has = Object.prototype.hasOwnProperty.call(l, e?.key);
    const values: string[] = Array.isArray(e?.values) ? e.values : [];
    if (e.operator === 'In' && !(has && values.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Whether a selector is empty (`{}` or absent): it selects everything. */
export function isEmptySelector(selector: any): boolean {
  if (!selector || typeof selector !== 'object') return true;
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
