/**
 * The RBAC graph of the effective state: every binding's subjects normalized (a ServiceAccount is
 * the same principal whether written as `kind: ServiceAccount` or as `User system:serviceaccount:ns:name`;
 * `system:authenticated`, `system:serviceaccounts[:ns]` and friends are broad groups), every role's
 * rules with aggregation expanded (set ClusterRoles with `aggregationRule`, the built-in admin/edit/view
 * absorbing `aggregate-to-*` ClusterRoles), and the built-in ClusterRoles known. Roles bound but not
 * defined are unknown and judged as everything (fail closed).
 */
import { matchesSelector } from '../label-selector';
import type { ObjectIndex } from '../object-index';
import type { K8sObject } from '../types';
import { BUILTIN_AGGREGATION, BUILTIN_CLUSTER_ROLES } from './builtin-roles';

/** One RBAC rule. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A normalized subject. */
export interface Principal {
  readonly kind: 'ServiceAccount' | 'User' | 'Group';
  /** `ns/name` for ServiceAccounts, the name otherwise. */
  readonly id: string;
  /** Groups that stand for many principals (every user, every ServiceAccount, those of a namespace). */
  readonly broad: boolean;
}

/** Where a rule comes from: a rule of a role in the set (with its path), or a built-in/unknown role. */
export interface RuleSource {
  readonly rule: PolicyRule;
  readonly role?: K8sObject;
  readonly path?: string;
  readonly via: string;
}

/** One permission edge: principal → rule, in a namespace or cluster-wide (`*`). */
export interface Grant {
  readonly principal: Principal;
  readonly scope: string;
  readonly binding: K8sObject;
  readonly subjectPath: string;
  readonly source: RuleSource;
}

const _BROAD_GROUPS = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts', 'system:masters']);

/** Normalizes one subject of a binding in `bindingNs` (`''` for a ClusterRoleBinding). */
export function normalizeSubject(s: any, bindingNs: string): Principal | undefined {
  const name = typeof s?.name === 'string' ? s.name : undefined;
  if (!name) return undefined;
  if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', id: `${s.namespace || bindingNs || 'default'}/${name}`, broad: false };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (s.kind === 'User' && sa) return { kind: 'ServiceAccount', id: `${sa[1]}/${sa[2]}`, broad: false };
  if (s.kind === 'User') return { kind: 'User', id: name, broad: name === 'system:anonymous' };
  if (s.kind === 'Group') return { kind: 'Group', id: name, broad: _BROAD_GROUPS.has(name) || name.startsWith('system:serviceaccounts:') };
  return undefined;
}

/** The RBAC graph of a set, computed once per index. */
export function rbacGraph(index: ObjectIndex): { grants: readonly Grant[]; rulesOf: (kind: string, ns: string, name: string) => readonly RuleSource[] } {
  return index.memo('model:rbac', () => {
    const clusterRoles = new Map<string, K8sObject>();
    for (const cr of index.ofKind('ClusterRole')) clusterRoles.set(cr.metadata?.name ?? '', cr);
    const memo = new Map<string, RuleSource[]>();
    const clusterRules = (name: string, seen: Set<string>): RuleSource[] => {
      if (memo.has(name)) return memo.get(name)!;
      if (seen.has(name)) return [];
      seen.add(name);
      const out: RuleSource[] = [];
      const own = clusterRoles.get(name);
      const builtin = BUILTIN_CLUSTER_ROLES[name];
      if (own) {
        _rules(own).forEach((rule, j) => out.push({ rule, role: own, path: `rules[${j}]`, via: `ClusterRole ${name}` }));
        const selectors: any[] = Array.isArray(own.aggregationRule?.clusterRoleSelectors) ? own.aggregationRule.clusterRoleSelectors : [];
        for (const [other, labels] of _allClusterRoleLabels(clusterRoles)) {
          if (other !== name && selectors.some((sel) => matchesSelector(sel, labels))) {
            for (const r of clusterRules(other, seen)) out.push({ ...r, role: own, path: 'aggregationRule', via: `ClusterRole ${name} aggregating ${other}` });
          }
        }
      } else if (builtin) {
        for (const rule of builtin.rules) out.push({ rule, via: `built-in ClusterRole ${name}` });
      } else {
        // Bound but not defined here: it may hold anything (system:* roles are the control plane's).
        out.push({ rule: { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, via: `ClusterRole ${name} (not defined in the reviewed set; judged as everything)` });
      }
      // The built-in admin/edit/view absorb every ClusterRole labelled aggregate-to-<them>, and each other.
      for (const [label, target] of Object.entries(BUILTIN_AGGREGATION)) {
        if (target !== name) continue;
        for (const [other, labels] of _allClusterRoleLabels(clusterRoles)) {
          if (other !== name && labels[label] === 'true') for (const r of clusterRules(other, seen)) out.push({ ...r, via: `${r.via} (aggregated into ${name})` });
        }
      }
      memo.set(name, out);
      return out;
    };
    const rulesOf = (kind: string, ns: string, name: string): readonly RuleSource[] => {
      if (kind === 'ClusterRole') return clusterRules(name, new Set());
      const role = index.get('Role', ns, name);
      if (!role) return [{ rule: { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, via: `Role ${ns}/${name} (not defined in the reviewed set; judged as everything)` }];
      return _rules(role).map((rule, j) => ({ rule, role, path: `rules[${j}]`, via: `Role ${ns}/${name}` }));
    };
    const grants: Grant[] = [];
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      for (const b of index.ofKind(kind)) {
        const ns = kind === 'RoleBinding' ? b.metadata?.namespace ?? 'default' : '';
        const ref = b.roleRef ?? {};
        const sources = rulesOf(ref.kind === 'ClusterRole' ? 'ClusterRole' : 'Role', ns, String(ref.name ?? ''));
        const subjects: any[] = Array.isArray(b.subjects) ? b.subjects : [];
        subjects.forEach((s, i) => {
          const principal = normalizeSubject(s, ns);
          if (!principal) return;
          for (const source of sources) grants.push({ principal, scope: ns || '*', binding: b, subjectPath: `subjects[${i}]`, source });
        });
      }
    }
    return { grants, rulesOf };
  });
}

function _rules(role: K8sObject): PolicyRule[] {
  return (Array.isArray(role.rules) ? role.rules : []).filter((r: any) => r && typeof r === 'object')
    .map((r: any) => ({ ...r, verbs: Array.isArray(r.verbs) ? r.verbs : [] }));
}

/** Labels of every ClusterRole, the set's and the built-in ones. */
function _allClusterRoleLabels(set: Map<string, K8sObject>): [string, Record<string, string>][] {
  const out: [string, Record<string, string>][] = Object.entries(BUILTIN_CLUSTER_ROLES).filter(([n]) => !set.has(n)).map(([n, r]) => [n, r.labels]);
  for (const [n, cr] of set) out.push([n, cr.metadata?.labels ?? {}]);
  return out;
}

/** Read-only verbs. */
export const READ_VERBS: ReadonlySet<string> = new Set(['get', 'list', 'watch']);

/**
 * Why a rule amounts to privilege escalation (Kubernetes RBAC good practices, "Privilege escalation
 * risks"), or undefined. Checked per verb/resource pair of the rule.
 */
export function escalationOf(rule: PolicyRule): string | undefined {
  const verbs = rule.verbs ?? [];
  const groups = rule.apiGroups ?? [''];
  const resources = rule.resources ?? [];
  if (Array.isArray(rule.nonResourceURLs) && rule.nonResourceURLs.length && verbs.includes('*')) return 'every verb on non-resource URLs';
  if (!resources.length) return undefined;
  if (verbs.includes('*') || resources.includes('*') || groups.includes('*')) return `wildcard (${groups.join(',') || '""'}/${resources.join(',')}: ${verbs.join(',')})`;
  for (const v of ['escalate', 'bind', 'impersonate']) if (verbs.includes(v)) return `verb "${v}" on ${resources.join(', ')}`;
  const has = (r: string): boolean => resources.includes(r);
  for (const r of ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy', 'nodes/proxy']) if (has(r)) return `${r} (runs commands in or tunnels to other workloads)`;
  if (has('serviceaccounts/token') && verbs.some((v) => v === 'create')) return 'create serviceaccounts/token (mints tokens of any ServiceAccount in scope)';
  if (has('secrets')) {
    const names = Array.isArray(rule.resourceNames) && rule.resourceNames.length > 0;
    if (verbs.includes('list') || verbs.includes('watch')) return `${verbs.filter((v) => v === 'list' || v === 'watch').join('/')} secrets (returns every Secret's data)`;
    if (verbs.includes('get') && !names) return 'get secrets without resourceNames';
    if (verbs.includes('create')) return 'create secrets (a service-account-token Secret mints a token)';
  }
  if (has('certificatesigningrequests/approval') || (has('signers') && verbs.some((v) => v === 'approve' || v === 'sign'))) return 'approves certificate signing requests';
  const writes = verbs.filter((v) => !READ_VERBS.has(v));
  if (writes.length) {
    for (const r of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings']) if (has(r)) return `${writes.join(',')} ${r} (rewrites admission)`;
    for (const r of ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']) if (has(r)) return `${writes.join(',')} ${r}`;
    if (has('nodes') || has('nodes/status')) return `${writes.join(',')} nodes`;
    if (has('persistentvolumes')) return `${writes.join(',')} persistentvolumes (hostPath volumes)`;
    if (has('namespaces')) return `${writes.join(',')} namespaces (their Pod Security labels)`;
  }
  return undefined;
}

/** Objects whose writes weaken tenancy: isolation, quotas, the gateway's routes and plugins, admission. */
export function policyObjectWrite(rule: PolicyRule): string | undefined {
  const writes = (rule.verbs ?? []).filter((v) => !READ_VERBS.has(v));
  if (!writes.length) return undefined;
  const groups = rule.apiGroups ?? [''];
  const resources = rule.resources ?? [];
  const hit = (group: (g: string) => boolean, names: string[]): string[] => (groups.some(group) ? resources.filter((r) => names.includes(r) || r === '*') : []);
  const found = [
    ...hit((g) => g === 'networking.k8s.io', ['networkpolicies', 'ingresses', 'ingressclasses']),
    ...hit((g) => g === '', ['resourcequotas', 'limitranges', 'namespaces', 'endpoints', 'services']),
    ...hit((g) => g === 'discovery.k8s.io', ['endpointslices']),
    ...hit((g) => g === 'scheduling.k8s.io' || g === 'node.k8s.io', ['priorityclasses', 'runtimeclasses']),
    ...hit((g) => g === 'extensions.agents.x-k8s.io' || g === 'agents.x-k8s.io', ['sandboxtemplates', 'sandboxes']),
    ...(groups.some((g) => g.endsWith('higress.io') || g === 'gateway.networking.k8s.io') ? resources : []),
  ];
  return found.length ? `${writes.join(',')} ${[...new Set(found)].join(', ')} (${groups.map((g) => g || 'core').join(', ')})` : undefined;
}
