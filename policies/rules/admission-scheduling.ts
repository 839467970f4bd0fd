/**
 * Admission and scheduling stay the platform's: no webhook or admission policy in the set redirects or
 * weakens admission, Pod Security levels stay at what the platform sets (tenants `restricted`), no
 * PriorityClass is the global default or in the system range, tenant pods use only tenant
 * PriorityClasses and never tolerate, select or pin control-plane nodes, and IngressClasses stay
 * with their controllers.
 */
import { violation } from '../object-ref';
import { podSpecsOf } from '../pod-specs';
import { isPlatformNamespace, isTenantNs } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'admission-scheduling';

/** PriorityClasses tenant pods may use: agents' and sandboxes' (the platform's own is not theirs). */
const _TENANT_PRIORITY = new Set(['agent-runtime-agent', 'agent-runtime-sandbox']);

/** Node labels and taints of control-plane nodes. */
const _CONTROL_PLANE = /^node-role\.kubernetes\.io\/(control-plane|master)$|^node\.kubernetes\.io\/(control-plane|master)$/;

/** Pod Security levels, weakest first (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
const _PSA = ['privileged', 'baseline', 'restricted'];

/** The IngressClass controllers of known classes. */
const _INGRESS_CONTROLLERS: Readonly<Record<string, string>> = { higress: 'higress.io/higress-controller' };

export const admissionScheduling: Rule = {
  id: ID,
  description: 'No Mutating/ValidatingWebhookConfiguration or ValidatingAdmissionPolicy in the set redirects or weakens admission; tenant namespaces enforce Pod Security "restricted" and platform ones at least "baseline"; no globalDefault or system-range PriorityClass; tenant pods use tenant PriorityClasses only and never tolerate, select or pin control-plane nodes; IngressClasses keep their controller.',
  severity: 'critical',
  remediation: 'Install admission webhooks and policies with their own charts, keep tenant Pod Security at restricted, and leave scheduling to the platform\'s classes.',
  enforcement: MANDATORY,
  check: (obj, ctx) => {
    switch (obj.kind) {
      case 'MutatingWebhookConfiguration':
      case 'ValidatingWebhookConfiguration':
        return _webhooks(obj, ctx);
      case 'ValidatingAdmissionPolicy':
      case 'ValidatingAdmissionPolicyBinding':
      case 'MutatingAdmissionPolicy':
      case 'MutatingAdmissionPolicyBinding':
        return [violation(ID, obj, 'spec', `${obj.kind} in the platform's manifests changes what the API server admits (it can deny the platform's writes or, through its binding's matchResources and validationActions, stop denying)`,
          'install admission policies with their own release, reviewed on their own')];
      case 'PriorityClass':
        return _priorityClass(obj);
      case 'IngressClass':
        return _ingressClass(obj);
      case 'Namespace':
        return _podSecurity(obj, ctx);
      default:
        return _pods(obj, ctx);
    }
  },
  // Needs the platform's PriorityClass beside the tenant's.
  checkSet: (obj, ctx) => (obj.kind === 'PriorityClass' ? _tenantClassBelowPlatform(obj, ctx) : []),
};

function _webhooks(obj: K8sObject, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  const hooks: any[] = Array.isArray(obj.webhooks) ? obj.webhooks : [];
  hooks.forEach((h, i) => {
    const at = `webhooks[${i}]`;
    const cc = h?.clientConfig ?? {};
    if (typeof cc.url === 'string') out.push(violation(ID, obj, `${at}.clientConfig.url`, `admission requests (with every object's content) go to ${cc.url}, outside the cluster's Services`, 'point clientConfig.service at the webhook Service in its platform namespace'));
    else if (cc.service && !isPlatformNamespace(ctx, cc.service.namespace)) out.push(violation(ID, obj, `${at}.clientConfig.service.namespace`, `admission is served by ${cc.service.namespace}/${cc.service.name}, outside the platform's namespaces`, 'serve webhooks from a platform namespace'));
    if (h?.failurePolicy === 'Ignore') out.push(violation(ID, obj, `${at}.failurePolicy`, 'failurePolicy Ignore: when the webhook is down or slow, requests are admitted unchecked', 'set failurePolicy: Fail'));
    if (obj.kind === 'MutatingWebhookConfiguration') out.push(violation(ID, obj, at, `mutating webhook "${h?.name}" may rewrite any matching object after review (pod specs, labels, service accounts)`, 'install mutating webhooks with their own reviewed release, not with the platform'));
    else out.push(violation(ID, obj, at, `validating webhook "${h?.name}" in the platform's manifests decides what the API server admits`, 'install admission webhooks with their own reviewed release'));
  });
  return out;
}

function _priorityClass(obj: K8sObject): Violation[] {
  const out: Violation[] = [];
  if (obj.globalDefault === true) out.push(violation(ID, obj, 'globalDefault', 'globalDefault: every pod without a class (every tenant\'s) gets this priority and can preempt others', 'set globalDefault: false'));
  if (typeof obj.value === 'number' && obj.value > 1_000_000_000) out.push(violation(ID, obj, 'value', `value ${obj.value} is in the system range (above 1e9): pods preempt cluster-critical ones`, 'use a value below 1000000000'));
  return out;
}

/** Tenant PriorityClasses stay below the platform's, and sandboxes never preempt. */
function _tenantClassBelowPlatform(obj: K8sObject, ctx: RuleContext): Violation[] {
  const name = obj.metadata?.name ?? '';
  if (!_TENANT_PRIORITY.has(name)) return [];
  const out: Violation[] = [];
  const platform = ctx.index.get('PriorityClass', '', 'agent-runtime-platform');
  if (platform && typeof obj.value === 'number' && typeof platform.value === 'number' && obj.value >= platform.value) out.push(violation(ID, obj, 'value', `tenant PriorityClass ${name} (${obj.value}) is not below the platform's (${platform.value}): tenant pods preempt Nacos and the controller`, `set value below ${platform.value}`));
  if (name === 'agent-runtime-sandbox' && obj.preemptionPolicy !== 'Never') out.push(violation(ID, obj, 'preemptionPolicy', 'sandboxes may preempt other pods', 'set preemptionPolicy: Never'));
  return out;
}

function _ingressClass(obj: K8sObject): Violation[] {
  const name = obj.metadata?.name ?? '';
  const want = _INGRESS_CONTROLLERS[name];
  const out: Violation[] = [];
  if (want && obj.spec?.controller !== want) out.push(violation(ID, obj, 'spec.controller', `IngressClass ${name} is served by "${obj.spec?.controller}", not ${want}: its routes bypass the gateway's authentication`, `set spec.controller: ${want}`));
  if (!want && obj.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true') out.push(violation(ID, obj, 'metadata.annotations["ingressclass.kubernetes.io/is-default-class"]', `IngressClass ${name} becomes the default: Ingresses without a class go to ${obj.spec?.controller}`, 'do not make another class the default'));
  return out;
}

function _podSecurity(ns: K8sObject, ctx: RuleContext): Violation[] {
  const name = ns.metadata?.name;
  const labels = ns.metadata?.labels ?? {};
  if (typeof name !== 'string' || ctx.config.privilegedNamespaces.includes(name)) return [];
  const want = isTenantNs(ctx, name) ? 'restricted' : isPlatformNamespace(ctx, name) ? 'baseline' : undefined;
  if (!want) return [];
  const level = labels['pod-security.kubernetes.io/enforce'];
  const out: Violation[] = [];
  if (_PSA.indexOf(level) < _PSA.indexOf(want)) {
    out.push(violation(ID, ns, 'metadata.labels["pod-security.kubernetes.io/enforce"]', level === undefined ? `namespace ${name} enforces no Pod Security level (privileged)` : `namespace ${name} enforces Pod Security "${level}", below "${want}"`, `set pod-security.kubernetes.io/enforce: ${want}`));
  }
  const version = labels['pod-security.kubernetes.io/enforce-version'];
  const m = typeof version === 'string' ? /^v1\.(\d+)$/.exec(version) : null;
  if (version !== undefined && version !== 'latest' && (!m || Number(m[1]) < 25)) out.push(violation(ID, ns, 'metadata.labels["pod-security.kubernetes.io/enforce-version"]', `Pod Security is enforced at version "${version}", whose checks predate the current restricted profile`, 'set pod-security.kubernetes.io/enforce-version: latest (or a current v1.x)'));
  return out;
}

function _pods(obj: K8sObject, ctx: RuleContext): Violation[] {
  const ns = obj.metadata?.namespace;
  if (!isTenantNs(ctx, ns)) return [];
  const out: Violation[] = [];
  for (const view of podSpecsOf(obj)) {
    const spec = view.spec ?? {};
    const pc = spec.priorityClassName;
    if (typeof pc === 'string' && !_TENANT_PRIORITY.has(pc)) out.push(violation(ID, obj, `${view.path}.priorityClassName`, `tenant pods run at PriorityClass "${pc}", reserved for the platform or the system; they preempt platform pods`, `use one of ${[..._TENANT_PRIORITY].join(', ')}`));
    if (typeof spec.schedulerName === 'string' && spec.schedulerName !== 'default-scheduler') out.push(violation(ID, obj, `${view.path}.schedulerName`, `tenant pods are placed by scheduler "${spec.schedulerName}", past the default scheduler's taints and quotas`, 'remove schedulerName'));
    if (spec.priority !== undefined) out.push(violation(ID, obj, `${view.path}.priority`, 'tenant pods set their priority directly', 'remove priority; use priorityClassName'));
    if (typeof spec.nodeName === 'string' && spec.nodeName) out.push(violation(ID, obj, `${view.path}.nodeName`, `tenant pods are pinned to node ${spec.nodeName}, past the scheduler and its taints`, 'remove nodeName'));
    (Array.isArray(spec.tolerations) ? spec.tolerations : []).forEach((t: any, i: number) => {
      if ((t?.operator === 'Exists' && !t.key) || _CONTROL_PLANE.test(String(t?.key ?? ''))) out.push(violation(ID, obj, `${view.path}.tolerations[${i}]`, t?.key ? `tenant pods tolerate the control-plane taint ${t.key}` : 'tenant pods tolerate every taint (operator Exists without key), control-plane nodes included', 'remove the toleration'));
    });
    for (const k of Object.keys(spec.nodeSelector ?? {})) if (_CONTROL_PLANE.test(k)) out.push(violation(ID, obj, `${view.path}.nodeSelector["${k}"]`, `tenant pods select control-plane nodes (${k})`, 'remove the node selector'));
    const terms: any[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    const preferred: any[] = (spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.preference);
    [...(Array.isArray(terms) ? terms : []), ...(Array.isArray(preferred) ? preferred : [])].forEach((term) => {
      for (const e of [...(term?.matchExpressions ?? []), ...(term?.matchFields ?? [])]) {
        if (_CONTROL_PLANE.test(String(e?.key ?? '')) && e?.operator !== 'DoesNotExist' && e?.operator !== 'NotIn') out.push(violation(ID, obj, `${view.path}.affinity.nodeAffinity`, `tenant pods are steered to control-plane nodes (${e.key})`, 'remove the node affinity to control-plane nodes'));
      }
    });
  }
  return out;
}
