/**
 * What a tenant can consume, by the quotas that actually apply: a ResourceQuota with `scopes` or a
 * `scopeSelector` counts only the pods it matches (Terminating, BestEffort, a PriorityClass, ...), so a
 * tenant whose compute limits live only in scoped quotas runs Deployments without limit. Every tenant
 * has unscoped hard limits on requests and limits of cpu and memory and on pods, no load balancers or
 * node ports, and a LimitRange with container maxima; when the tenant's configuration is known
 * (`tenantLimits`, filled by `--stack`/`--baseline`), the effective (lowest) value of each is at most
 * the configured one.
 */
import { parseQuantity } from '../../constructs/_quantity';
import { violation } from '../object-ref';
import { isTenantNs } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'tenant-quota-effective';

/** Keys every tenant's unscoped quotas must bound, with the spellings that count for each. */
const _REQUIRED: readonly [string, readonly string[]][] = [
  ['requests.cpu', ['requests.cpu', 'cpu']],
  ['requests.memory', ['requests.memory', 'memory']],
  ['limits.cpu', ['limits.cpu']],
  ['limits.memory', ['limits.memory']],
  ['pods', ['pods', 'count/pods']],
];

/** Keys that must be zero (a tenant never opens a node port or a cloud load balancer). */
const _ZERO = ['services.loadbalancers', 'services.nodeports'];

export const tenantQuotaEffective: Rule = {
  id: ID,
  description: 'Each tenant\'s UNSCOPED ResourceQuotas bound requests and limits of cpu and memory and pods, and forbid load balancers and node ports (scoped quotas leave other pods, e.g. Deployments, unlimited); its LimitRange caps containers; with the tenant\'s configuration known, the lowest applying value is at most the configured one.',
  severity: 'high',
  remediation: 'Keep the generated tenant-quota (unscoped) and tenant-limits objects with the configured values.',
  enforcement: MANDATORY,
  kinds: ['Namespace', 'ResourceQuota', 'LimitRange'],
  configKeys: ['tenantLimits'],
  checkSet: (obj, ctx) => {
    const ns = obj.kind === 'Namespace' ? obj.metadata?.name : obj.metadata?.namespace;
    if (!isTenantNs(ctx, ns)) return [];
    if (obj.kind === 'Namespace') return _namespace(obj, ns as string, ctx);
    if (obj.kind === 'ResourceQuota') return _quota(obj, ns as string, ctx);
    return _limitRange(obj, ns as string, ctx);
  },
};

const _scoped = (q: K8sObject): boolean => (Array.isArray(q.spec?.scopes) && q.spec.scopes.length > 0) || (Array.isArray(q.spec?.scopeSelector?.matchExpressions) && q.spec.scopeSelector.matchExpressions.length > 0);

/** The lowest value of `keys` over the unscoped quotas of `ns`. */
function _effective(ctx: RuleContext, ns: string, keys: readonly string[]): { value: number; text: string } | undefined {
  let best: { value: number; text: string } | undefined;
  for (const q of ctx.index.inNamespace(ns, 'ResourceQuota')) {
    if (_scoped(q)) continue;
    for (const k of keys) {
      const text = q.spec?.hard?.[k];
      if (text === undefined) continue;
      const value = parseQuantity(String(text));
      if (value !== undefined && (!best || value < best.value)) best = { value, text: String(text) };
    }
  }
  return best;
}

function _namespace(nsObj: K8sObject, ns: string, ctx: RuleContext): Violation[] {
  const quotas = ctx.index.inNamespace(ns, 'ResourceQuota');
  // Reported on the quotas when there are some; a tenant without any is tenant-quota-limitrange's.
  if (quotas.length === 0) return [];
  const unscoped = quotas.filter((q) => !_scoped(q));
  if (unscoped.length > 0) return [];
  return [violation(ID, nsObj, 'metadata.name', `every ResourceQuota of tenant ${ns} is scoped: pods outside their scopes (Deployments' pods) are not limited`, 'keep an unscoped tenant-quota')];
}

function _quota(q: K8sObject, ns: string, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  const unscoped = ctx.index.inNamespace(ns, 'ResourceQuota').filter((x) => !_scoped(x));
  if (_scoped(q)) {
    const missing = _REQUIRED.filter(([, keys]) => !_effective(ctx, ns, keys)).map(([k]) => k);
    if (missing.length) out.push(violation(ID, q, Array.isArray(q.spec?.scopes) && q.spec.scopes.length ? 'spec.scopes' : 'spec.scopeSelector', `scoped quota: ${missing.join(', ')} of tenant ${ns} are limited only for pods in its scope (${JSON.stringify(q.spec?.scopes ?? q.spec?.scopeSelector)}); Deployments' pods are unlimited`, 'remove the scope, or keep an unscoped quota with these keys'));
    return out;
  }
  // Report missing keys once, on the first unscoped quota.
  if (unscoped[0] === q) {
    for (const [k, keys] of _REQUIRED) if (!_effective(ctx, ns, keys)) out.push(violation(ID, q, 'spec.hard', `tenant ${ns} has no unscoped ${k} limit`, `set spec.hard["${k}"]`));
    for (const k of _ZERO) {
      const e = _effective(ctx, ns, [k]);
      const configured = ctx.config.tenantLimits[ns]?.quota?.[k];
      if ((e === undefined && configured !== undefined) || (e !== undefined && e.value > 0)) out.push(violation(ID, q, `spec.hard["${k}"]`, e ? `tenant ${ns} may create ${e.text} ${k}` : `tenant ${ns} has no ${k} limit`, `set spec.hard["${k}"]: "0"`));
    }
    const configured = ctx.config.tenantLimits[ns]?.quota ?? {};
    for (const [k, want] of Object.entries(configured)) {
      const wantValue = parseQuantity(String(want));
      const e = _effective(ctx, ns, [k]);
      if (wantValue === undefined) continue;
      if (!e) out.push(violation(ID, q, `spec.hard["${k}"]`, `tenant ${ns}'s configuration limits ${k} to ${want}; no unscoped quota does`, `set spec.hard["${k}"]: "${want}"`));
      else if (e.value > wantValue) out.push(violation(ID, q, `spec.hard["${k}"]`, `${k} is ${e.text}, above tenant ${ns}'s configured ${want}`, `set spec.hard["${k}"]: "${want}"`));
    }
  }
  return out;
}

function _limitRange(lr: K8sObject, ns: string, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  const limits: any[] = Array.isArray(lr.spec?.limits) ? lr.spec.limits : [];
  const i = limits.findIndex((l) => l?.type === 'Container');
  const configured = ctx.config.tenantLimits[ns]?.limitRange ?? {};
  if (i < 0) {
    if (Object.keys(configured).length) out.push(violation(ID, lr, 'spec.limits', `tenant ${ns}'s LimitRange has no Container limits`, 'restore the Container entry'));
    return out;
  }
  for (const [field, values] of Object.entries(configured)) {
    for (const [res, want] of Object.entries(values ?? {})) {
      const got = limits[i]?.[field]?.[res];
      const w = parseQuantity(String(want));
      const g = got === undefined ? undefined : parseQuantity(String(got));
      if (w === undefined) continue;
      if (g === undefined) out.push(violation(ID, lr, `spec.limits[${i}].${field}`, `${field}.${res} of tenant ${ns} is gone (configured ${want})`, `set spec.limits[${i}].${field}.${res}: ${want}`));
      else if (g > w) out.push(violation(ID, lr, `spec.limits[${i}].${field}.${res}`, `${field}.${res} is ${got}, above tenant ${ns}'s configured ${want}`, `set it to ${want}`));
    }
  }
  return out;
}
