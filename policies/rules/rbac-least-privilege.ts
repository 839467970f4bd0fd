import { violation } from '../object-ref';
import { isTenantNamespaceName } from '../roles';
import { MANDATORY, type Rule, type Violation } from '../types';

const ID = 'rbac-least-privilege';

/** Secret verbs allowed without `resourceNames` (reading one named Secret is fine; listing all is not). */
const _SECRET_VERBS = new Set(['get']);
const _SECRET_VERBS_NAMED = new Set(['get', 'update', 'patch']);

/** RBAC without wildcards, without cluster-admin from a namespace, without cluster-wide grants to tenant accounts. */
export const rbacLeastPrivilege: Rule = {
  id: ID,
  description: 'Roles name their verbs, resources and apiGroups (no "*"), limit secret access; no RoleBinding to cluster-admin; no ClusterRoleBinding to tenant ServiceAccounts.',
  severity: 'critical',
  remediation: 'List explicit apiGroups, resources and verbs; grant secrets only "get" on named resources; bind tenant accounts with namespaced RoleBindings to namespaced Roles.',
  enforcement: MANDATORY,
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  check: (obj) => {
    if (obj.kind === 'RoleBinding') {
      return obj.roleRef?.kind === 'ClusterRole' && obj.roleRef?.name === 'cluster-admin'
        ? [violation(ID, obj, 'roleRef.name', 'RoleBinding grants cluster-admin inside a namespace', 'bind a Role listing only the needed verbs and resources')]
        : [];
    }
    if (obj.kind === 'ClusterRoleBinding') return [];
    const out: Violation[] = [];
    (Array.isArray(obj.rules) ? obj.rules : []).forEach((r: any, i: number) => {
      for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
        if (Array.isArray(r?.[field]) && r[field].includes('*')) {
          out.push(violation(ID, obj, `rules[${i}].${field}`, `wildcard "*" in ${field}`, `list the exact ${field} the subject needs`));
        }
      }
      const resources: string[] = Array.isArray(r?.resources) ? r.resources : [];
      if (resources.includes('secrets') && Array.isArray(r?.verbs)) {
        const allowed = Array.isArray(r.resourceNames) && r.resourceNames.length > 0 ? _SECRET_VERBS_NAMED : _SECRET_VERBS;
        const extra = r.verbs.filter((v: string) => v !== '*' && !allowed.has(v));
        if (extra.length > 0) {
          out.push(violation(ID, obj, `rules[${i}].verbs`, `secret access too broad: ${extra.join(', ')}`,
            'grant only "get" on secrets, with resourceNames naming the Secrets'));
        }
      }
    });
    return out;
  },
  checkSet: (obj, ctx) => {
    if (obj.kind !== 'ClusterRoleBinding') return [];
    const out: Violation[] = [];
    (Array.isArray(obj.subjects) ? obj.subjects : []).forEach((s: any, i: number) => {
      if (s?.kind === 'ServiceAccount' && isTenantNamespaceName(ctx.index, s.namespace)) {
        out.push(violation(ID, obj, `subjects[${i}]`, `ClusterRoleBinding grants cluster-wide rights to tenant ServiceAccount ${s.namespace}/${s.name}`,
          'use a RoleBinding in the tenant namespace instead'));
      }
    });
    return out;
  },
};
