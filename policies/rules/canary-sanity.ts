import { LABEL } from '../../constructs/labels';
import { violation } from '../object-ref';
import { ADVISORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'canary-sanity';

/** Canary routes have a valid weight, a primary route, a rollback override, and share identity with the stable track. */
export const canarySanity: Rule = {
  id: ID,
  description: 'Higress canary Ingresses: canary-weight within 0..canary-weight-total, a primary Ingress with the same host and path, a header or cookie override for rollback; canary and stable workloads share namespace and ServiceAccount.',
  severity: 'medium',
  remediation: 'Keep higress.io/canary-weight within 0..canary-weight-total (default 100), add canary-by-header or canary-by-cookie, keep the primary Ingress, and run both tracks under the same ServiceAccount.',
  enforcement: ADVISORY,
  kinds: ['Ingress', 'Deployment'],
  check: (obj) => {
    if (obj.kind !== 'Ingress' || !_isCanary(obj)) return [];
    const out: Violation[] = [];
    const weight = _annotation(obj, 'canary-weight');
    const totalRaw = _annotation(obj, 'canary-weight-total');
    const total = totalRaw === undefined ? 100 : Number(totalRaw);
    if (weight !== undefined && !(/^\d+$/.test(weight) && Number(weight) <= total)) {
      out.push(violation(ID, obj, `metadata.annotations["${_key(obj, 'canary-weight')}"]`, `canary-weight "${weight}" is not an integer within 0..${total}`,
        `set a weight between 0 and ${total} (0 rolls back)`));
    }
    if (!['canary-by-header', 'canary-by-cookie'].some((a) => _annotation(obj, a) !== undefined)) {
      out.push(violation(ID, obj, 'metadata.annotations', 'canary has no header or cookie override to force or bypass it', 'add higress.io/canary-by-header (or canary-by-cookie)'));
    }
    return out;
  },
  checkSet: (obj, ctx) => (obj.kind === 'Ingress' ? _checkPrimary(obj, ctx) : _checkTracks(obj, ctx)),
};

function _key(obj: K8sObject, name: string): string {
  const a = obj.metadata?.annotations ?? {};
  return `higress.io/${name}` in a ? `higress.io/${name}` : `nginx.ingress.kubernetes.io/${name}`;
}

function _annotation(obj: K8sObject, name: string): string | undefined {
  const a = obj.metadata?.annotations ?? {};
  return a[`higress.io/${name}`] ?? a[`nginx.ingress.kubernetes.io/${name}`];
}

function _isCanary(obj: K8sObject): boolean {
  return _annotation(obj, 'canary') === 'true';
}

/** `namespace host path` of every route of an Ingress. */
function _routes(obj: K8sObject): string[] {
  const out: string[] = [];
  for (const r of Array.isArray(obj.spec?.rules) ? obj.spec.rules : []) {
    for (const p of r?.http?.paths ?? []) out.push(`${obj.metadata?.namespace ?? ''} ${r.host ?? ''} ${p?.path ?? '/'}`);
  }
  return out;
}

function _checkPrimary(obj: K8sObject, ctx: RuleContext): Violation[] {
  if (!_isCanary(obj)) return [];
  const primaries = ctx.index.memo('canary-sanity:primaries', () => {
    const set = new Set<string>();
    for (const ing of ctx.index.ofKind('Ingress')) if (!_isCanary(ing)) for (const r of _routes(ing)) set.add(r);
    return set;
  });
  const missing = _routes(obj).filter((r) => !primaries.has(r));
  return missing.length === 0 ? [] : [violation(ID, obj, 'spec.rules', `no primary Ingress serves ${missing.map((m) => m.split(' ').slice(1).join('')).join(', ')}: the canary is ignored`,
    'keep a primary (non-canary) Ingress with the same host and path in the same namespace')];
}

/** A canary Deployment runs under the same ServiceAccount as its stable track. */
function _checkTracks(obj: K8sObject, ctx: RuleContext): Violation[] {
  const labels = obj.metadata?.labels ?? {};
  const agent = labels[LABEL.agent];
  if (labels[LABEL.track] !== 'canary' || agent === undefined) return [];
  const stable = ctx.index.inNamespace(obj.metadata?.namespace ?? '', 'Deployment')
    .find((d) => d.metadata?.labels?.[LABEL.track] === 'stable' && d.metadata?.labels?.[LABEL.agent] === agent);
  if (!stable) {
    return [violation(ID, obj, `metadata.labels["${LABEL.track}"]`, `canary of agent "${agent}" has no stable Deployment in the same namespace`, 'keep the stable track next to the canary')];
  }
  const sa = (d: K8sObject): string => d.spec?.template?.spec?.serviceAccountName ?? 'default';
  return sa(stable) === sa(obj) ? [] : [violation(ID, obj, 'spec.template.spec.serviceAccountName', `canary runs as ServiceAccount "${sa(obj)}", stable as "${sa(stable)}"`,
    `use ServiceAccount "${sa(stable)}" for both tracks`)];
}
