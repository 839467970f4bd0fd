import { violation } from '../object-ref';
import { isTenantNs, ownerOfGroup, tenantsOfGroups } from '../tenancy';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'rbac-least-privilege';

/** Verbs that let a subject grant itself more (RBAC escalation) or act as someone else. */
const _ESCALATING_VERBS = new Set(['escalate', 'bind', 'impersonate']);
/** Secret verbs allowed with `resourceNames` (never without: a bare `get` reads every Secret of the namespace). */
const _SECRET_VERBS_NAMED = new Set(['get', 'update', 'patch']);
/** Built-in ClusterRoles too broad to bind for a tenant: cluster-admin, and admin/edit (they read Secrets and, for admin, write RBAC). */
const _BROAD_CLUSTER_ROLES = new Set(['cluster-admin', 'admin', 'edit']);
/** Groups every caller (or every ServiceAccount) belongs to. */
const _EVERYONE = /^system:(authenticated|unauthenticated|anonymous|serviceaccounts)$/;
const _SA_GROUP = /^system:serviceaccounts:(.+)$/;

/** RBAC without wildcards or escalation, without broad roles bound for tenants, without grants across tenants or to everyone. */
export const rbacLeastPrivilege: Rule = {
  id: ID,
  description: 'Roles name their verbs, resources and apiGroups (no "*", no escalate/bind/impersonate), read Secrets only by name; no binding of cluster-admin/admin/edit for tenants, of everyone (system:authenticated), of a tenant outside its namespace, or cluster-wide of tenant accounts.',
  severity: 'critical',
  remediation: 'List explicit apiGroups, resources and verbs; grant secrets only "get" on named resources; bind tenant accounts with namespaced RoleBindings to namespaced Roles in their own namespace.',
  enforcement: MANDATORY,
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  check: (obj) => (obj.kind === 'Role' || obj.kind === 'ClusterRole' ? _checkRules(obj) : _checkEveryone(obj)),
  checkSet: (obj, ctx) => {
    if (obj.kind === 'ClusterRoleBinding') return _checkClusterBinding(obj, ctx);
    if (obj.kind === 'RoleBinding') return _checkBinding(obj, ctx);
    return [];
  },
};

function _checkRules(obj: K8sObject): Violation[] {
  const out: Violation[] = [];
  (Array.isArray(obj.rules) ? obj.rules : []).forEach((r: any, i: number) => {
    for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
      if (Array.isArray(r?.[field]) && r[field].includes('*')) {
        out.push(violation(ID, obj, `rules[${i}].${field}`, `wildcard "*" in ${field}`, `list the exact ${field} the subject needs`));
      }
    }
    const verbs: unknown[] = Array.isArray(r?.verbs) ? r.verbs : [];
    const escalating = verbs.filter((v) => typeof v === 'string' && _ESCALATING_VERBS.has(v));
    if (escalating.length) {
      out.push(violation(ID, obj, `rules[${i}].verbs`, `verbs ${escalating.join(', ')} let the subject grant itself more rights or act as another user`,
        'remove escalate, bind and impersonate; the platform creates bindings'));
    }
    const resources: string[] = Array.isArray(r?.resources) ? r.resources : [];
    if (resources.includes('secrets') || resources.includes('*')) {
      const named = Array.isArray(r?.resourceNames) && r.resourceNames.length > 0;
      const extra = verbs.filter((v) => v !== '*' && !(named && _SECRET_VERBS_NAMED.has(String(v))));
      if (extra.length > 0) {
        out.push(violation(ID, obj, `rules[${i}].verbs`, named ? `secret access too broad: ${extra.join(', ')}` : `secret access without resourceNames (${extra.join(', ')}) reads every Secret of the namespace`,
          'grant only "get" on secrets, with resourceNames naming the Secrets'));
      }
    }
  });
  return out;
}

/** Subjects that are everyone, on any binding. */
function _checkEveryone(obj: K8sObject): Violation[] {
  const out: Violation[] = [];
  _subjects(obj).forEach((s, i) => {
    if ((s.kind === 'Group' && _EVERYONE.test(s.name)) || (s.kind === 'User' && s.name === 'system:anonymous')) {
      out.push(violation(ID, obj, `subjects[${i}]`, `binding grants ${obj.roleRef?.kind ?? 'a role'} "${obj.roleRef?.name}" to ${s.kind} "${s.name}": every caller of the cluster`,
        'bind named groups or ServiceAccounts only'));
    }
  });
  return out;
}

function _checkBinding(obj: K8sObject, ctx: RuleContext): Violation[] {
  const ns = obj.metadata?.namespace;
  if (!isTenantNs(ctx, ns)) return [];
  const out: Violation[] = [];
  const role = obj.roleRef?.name;
  if (obj.roleRef?.kind === 'ClusterRole' && _BROAD_CLUSTER_ROLES.has(role)) {
    out.push(violation(ID, obj, 'roleRef.name', `RoleBinding grants the built-in ClusterRole "${role}" in tenant namespace "${ns}" (${role === 'edit' ? 'it reads every Secret' : 'it reads every Secret and writes RBAC'})`,
      'bind a Role listing only the needed verbs and resources'));
  }
  _subjects(obj).forEach((s, i) => {
    const foreign = _foreignTenant(s, ns as string, ctx);
    if (foreign) {
      out.push(violation(ID, obj, `subjects[${i}]`, `RoleBinding in tenant namespace "${ns}" grants rights to ${s.kind} "${s.name}" of ${foreign}`,
        `bind only "${ns}"'s own groups and ServiceAccounts; cross-tenant access goes through the gateway`));
    }
  });
  return out;
}

/** Which other tenant a subject belongs to (a description), or undefined when it is `ns`'s own or the platform's. */
function _foreignTenant(s: { kind: string; name: string; namespace?: string }, ns: string, ctx: RuleContext): string | undefined {
  if (s.kind === 'ServiceAccount') return s.namespace !== undefined && s.namespace !== ns && isTenantNs(ctx, s.namespace) ? `tenant "${s.namespace}"` : undefined;
  if (s.kind !== 'Group') return undefined;
  const sa = _SA_GROUP.exec(s.name);
  if (sa) return sa[1] !== ns && isTenantNs(ctx, sa[1]) ? `tenant "${sa[1]}"` : undefined;
  const owner = ownerOfGroup(ctx, s.name);
  if (owner !== undefined) return owner === ns ? undefined : `tenant "${owner}"`;
  // Without one owner, a group bound in several tenant namespaces crosses tenants.
  const tenants = tenantsOfGroups(ctx).get(s.name);
  return tenants && tenants.size > 1 ? `several tenants (${[...tenants].sort().join(', ')})` : undefined;
}

/** A ClusterRoleBinding never names a tenant's group or accounts, nor binds cluster-admin to anyone but the platform's own ServiceAccounts. */
function _checkClusterBinding(obj: K8sObject, ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  const groups = tenantsOfGroups(ctx);
  _subjects(obj).forEach((s, i) => {
    const sa = _SA_GROUP.exec(s.name);
    let tenant: string | undefined;
    if (s.kind === 'ServiceAccount' && isTenantNs(ctx, s.namespace)) tenant = `ServiceAccount ${s.namespace}/${s.name}`;
    else if (s.kind === 'Group' && sa && isTenantNs(ctx, sa[1])) tenant = `every ServiceAccount of "${sa[1]}" (${s.name})`;
    else if (s.kind === 'Group' && groups.has(s.name)) tenant = `tenant group "${s.name}"`;
    if (tenant) {
      out.push(violation(ID, obj, `subjects[${i}]`, `ClusterRoleBinding grants cluster-wide rights (${obj.roleRef?.name}) to ${tenant}`,
        'use a RoleBinding in the tenant namespace instead'));
    } else if (obj.roleRef?.name === 'cluster-admin' && s.kind !== 'ServiceAccount' && !(s.kind === 'Group' && s.name === 'system:masters')) {
      out.push(violation(ID, obj, `subjects[${i}]`, `ClusterRoleBinding grants cluster-admin to ${s.kind} "${s.name}"`,
        'grant cluster-admin to nobody through manifests; bind a ClusterRole listing the needed rights'));
    }
  });
  return out;
}

function _subjects(obj: K8sObject): { kind: string; name: string; namespace?: string }[] {
  return (Array.isArray(obj.subjects) ? obj.subjects : []).map((s: any) => ({ kind: String(s?.kind ?? ''), name: String(s?.name ?? ''), namespace: s?.namespace }));
}
