/**
 * What each principal class may do, judged on the RBAC graph (subjects normalized, aggregation
 * expanded, built-in roles known), in every namespace and cluster-wide:
 * - broad groups (`system:authenticated`, `system:serviceaccounts[:ns]`, `system:anonymous`, ...): nothing;
 * - sandboxes: nothing;
 * - tenant developers and tenant workloads: reads in their own namespace, and sandbox claims; no
 *   Secrets, no escalation, no writes to NetworkPolicies, quotas, LimitRanges or gateway objects;
 * - the controller: cluster-wide reads, its own Leases and events, named Secrets; no escalation;
 * - the gateway and other platform ServiceAccounts: no escalation;
 * - anyone else: nothing in the platform's namespaces, `default` or cluster-wide, and no built-in role.
 */
import { findingsOf } from '../findings';
import { violation } from '../object-ref';
import { escalationOf, policyObjectWrite, rbacGraph, READ_VERBS, type Grant } from '../model/rbac-graph';
import { CONTROLLER, GATEWAY_NS, workloadsOf } from '../model/workloads';
import { isPlatformNamespace, isTenantNs, tenantsOfGroups } from '../tenancy';
import { BUILTIN_CLUSTER_ROLES } from '../model/builtin-roles';
import { MANDATORY, type K8sObject, type Rule, type RuleContext, type Violation } from '../types';

const ID = 'rbac-effective-access';

/** Resources tenants may write (the sandbox claims of their agents). */
const _TENANT_WRITABLE = new Set(['sandboxclaims']);

export const rbacEffectiveAccess: Rule = {
  id: ID,
  description: 'Each principal class (tenant developers, tenant workloads, sandboxes, the gateway, the controller, broad groups, anyone else) gets only what it may do, judged on effective RBAC: subjects in every spelling, aggregation expanded, built-in ClusterRoles known, escalation verbs (exec/attach/portforward, token create, impersonate, escalate, bind, secrets read, nodes/proxy) and writes to isolation, quota and gateway objects.',
  severity: 'critical',
  remediation: 'Bind tenants only to the tenant-developer Role in their namespace; give ServiceAccounts only named resources; never bind built-in ClusterRoles, broad groups or escalation verbs.',
  enforcement: MANDATORY,
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  checkSet: (obj, ctx) => {
    const byObject = ctx.index.memo(`${ID}:findings`, () => _findings(ctx));
    const own = byObject.get(obj) ?? [];
    return obj.kind === 'ClusterRole' ? [...own, ..._aggregateLabels(obj)] : own;
  },
};

/** A ClusterRole labelled aggregate-to-admin/edit/view adds its rules to those built-in roles, bound by others cluster-wide. */
function _aggregateLabels(obj: K8sObject): Violation[] {
  const labels = obj.metadata?.labels ?? {};
  const into = Object.keys(labels).filter((k) => /^rbac\.authorization\.k8s\.io\/aggregate-to-/.test(k) && labels[k] === 'true');
  if (!into.length) return [];
  const bad = (Array.isArray(obj.rules) ? obj.rules : []).map((r: any) => escalationOf({ ...r, verbs: r?.verbs ?? [] }) ?? ((r?.verbs ?? []).some((v: string) => !READ_VERBS.has(v)) ? `writes ${(r?.resources ?? []).join(', ')}` : undefined)).filter(Boolean);
  return bad.length ? [violation(ID, obj, `metadata.labels["${into[0]}"]`, `aggregates ${bad.join('; ')} into the built-in ${into.map((k) => k.split('aggregate-to-')[1]).join('/')} ClusterRole(s), which are bound across the cluster`,
    'remove the aggregate-to-* label, or keep only read rules on non-secret resources in this ClusterRole')] : [];
}

type Finding = Map<K8sObject, Violation[]>;

function _findings(ctx: RuleContext): Finding {
  const { grants } = rbacGraph(ctx.index);
  const sandboxSAs = new Set(workloadsOf(ctx.index, ctx.config).filter((w) => w.cls === 'sandbox').map((w) => w.serviceAccount));
  const groups = tenantsOfGroups(ctx);
  const { findings: out, add } = findingsOf(ID);
  for (const g of grants) {
    const problem = _problem(g, ctx, sandboxSAs, groups);
    if (!problem) continue;
    const who = `${g.principal.kind} ${g.principal.id}`;
    const where = g.scope === '*' ? 'cluster-wide' : `in namespace ${g.scope}`;
    const msg = `${who} ${problem} ${where} (through ${g.source.via})`;
    add(g.binding, g.subjectPath, msg, 'remove this subject from the binding, or bind it to a Role with only what its class may do');
    if (g.source.role && g.source.path) add(g.source.role, g.source.path, msg, 'remove this rule, or narrow it to the verbs and named resources the bound principals need');
  }
  return out;
}

/** Why a grant breaks the invariant of its principal's class, or undefined. */
function _problem(g: Grant, ctx: RuleContext, sandboxSAs: Set<string>, groups: ReadonlyMap<string, ReadonlySet<string>>): string | undefined {
  const rule = g.source.rule;
  const escalation = escalationOf(rule);
  const roleName = g.binding.roleRef?.name;
  const builtin = g.binding.roleRef?.kind === 'ClusterRole' && roleName in BUILTIN_CLUSTER_ROLES && !ctx.index.get('ClusterRole', '', roleName);
  const p = g.principal;
  if (p.broad) return `(a broad group: every matching user or ServiceAccount, sandboxes included) is granted ${_what(rule)}`;
  if (p.kind === 'ServiceAccount') {
    const [ns, name] = p.id.split('/');
    if (sandboxSAs.has(p.id)) return `runs sandboxes (untrusted code) and is granted ${_what(rule)}; sandboxes get no Kubernetes API access`;
    if (ns === CONTROLLER.namespace && name === CONTROLLER.name) return _controllerProblem(g, escalation);
    if (isTenantNs(ctx, ns)) return _tenantProblem(g, ns, escalation, builtin, 'a tenant workload');
    if (escalation) return `is granted ${escalation}`;
    if (builtin) return `is bound to the built-in ClusterRole ${roleName}`;
    if (ns === GATEWAY_NS || isPlatformNamespace(ctx, ns)) return undefined;
    return g.scope === '*' || !isTenantNs(ctx, g.scope) ? `(not a platform ServiceAccount) is granted ${_what(rule)}` : undefined;
  }
  const tenants = p.kind === 'Group' ? groups.get(p.id) : undefined;
  if (tenants && tenants.size > 0) {
    const home = g.scope !== '*' && tenants.has(g.scope) ? g.scope : [...tenants][0];
    return _tenantProblem(g, home, escalation, builtin, `a developer group of tenant ${[...tenants].join(', ')}`);
  }
  if (escalation) return `is granted ${escalation}`;
  if (builtin) return `is bound to the built-in ClusterRole ${roleName}`;
  if (g.scope === '*' || !isTenantNs(ctx, g.scope)) return `(no principal class of the platform) is granted ${_what(rule)}`;
  return _tenantProblem(g, g.scope, escalation, builtin, 'a principal in a tenant namespace');
}

function _tenantProblem(g: Grant, home: string, escalation: string | undefined, builtin: boolean, who: string): string | undefined {
  const rule = g.source.rule;
  if (g.scope !== home) return `(${who}) is granted ${_what(rule)} outside its namespace ${home}`;
  if (escalation) return `(${who}) is granted ${escalation}`;
  if (builtin && g.binding.roleRef?.name !== 'view') return `(${who}) is bound to the built-in ClusterRole ${g.binding.roleRef?.name}`;
  // By name a tenant may read its own Secrets (a model key), never an agent's A2A token or a ServiceAccount token.
  const tokens = (rule.resources ?? []).includes('secrets') ? (rule.resourceNames ?? []).filter((n) => n.endsWith('-a2a-token') || n.endsWith('-token')) : [];
  if (tokens.length) return `(${who}) may ${rule.verbs.join(',')} secrets ${tokens.join(', ')}: an agent's or ServiceAccount's token, which lets it act as that identity`;
  const policyWrite = policyObjectWrite(rule);
  if (policyWrite) return `(${who}) may ${policyWrite}, which the platform owns`;
  const writes = (rule.verbs ?? []).filter((v) => !READ_VERBS.has(v));
  const resources = rule.resources ?? [];
  if (writes.length && resources.some((r) => !_TENANT_WRITABLE.has(r))) return `(${who}) may ${writes.join(',')} ${resources.filter((r) => !_TENANT_WRITABLE.has(r)).join(', ')}; tenants only read, and claim sandboxes`;
  return undefined;
}

function _controllerProblem(g: Grant, escalation: string | undefined): string | undefined {
  const rule = g.source.rule;
  const named = Array.isArray(rule.resourceNames) && rule.resourceNames.length > 0;
  const secretsOnlyNamed = (rule.resources ?? []).every((r) => r === 'secrets') && named && rule.verbs.every((v) => ['get', 'update', 'patch'].includes(v));
  if (escalation && !secretsOnlyNamed) return `(the controller) is granted ${escalation}`;
  const writes = rule.verbs.filter((v) => !READ_VERBS.has(v));
  if (g.scope === '*' && writes.length) return `(the controller) may ${writes.join(',')} ${(rule.resources ?? []).join(', ')} in every namespace`;
  if (g.scope === '*' && (rule.resources ?? []).includes('secrets')) return '(the controller) reads Secrets in every namespace';
  // In a tenant the controller handles the agents' A2A tokens, nothing else of theirs (model keys stay the agents').
  const others = (rule.resources ?? []).includes('secrets') && g.scope !== CONTROLLER.namespace ? (rule.resourceNames ?? []).filter((n) => !n.endsWith('-a2a-token')) : [];
  if (others.length) return `(the controller) may ${rule.verbs.join(',')} tenant Secrets ${others.join(', ')}, which are not A2A tokens`;
  return undefined;
}

function _what(rule: { verbs: readonly string[]; resources?: readonly string[]; nonResourceURLs?: readonly string[] }): string {
  return `${rule.verbs.join(',')} on ${(rule.resources ?? rule.nonResourceURLs ?? []).join(', ') || 'nothing'}`;
}

