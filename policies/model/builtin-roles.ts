/**
 * The ClusterRoles every Kubernetes cluster has (the RBAC bootstrap policy,
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), reduced to what decides a verdict:
 * their labels (aggregation selects on them) and the rules that matter for escalation.
 */
import type { PolicyRule } from './rbac-graph';

const _READ = ['get', 'list', 'watch'];
const _WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const _BOOT = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

/** Built-in ClusterRole name → labels and rules. */
export const BUILTIN_CLUSTER_ROLES: Readonly<Record<string, { labels: Record<string, string>; rules: PolicyRule[] }>> = {
  'cluster-admin': { labels: _BOOT, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] },
  admin: { labels: _BOOT, rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [..._READ, ..._WRITE] }] },
  edit: {
    labels: { ..._BOOT, 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' },
    rules: [
      { apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/proxy', 'services/proxy'], verbs: ['create', 'get'] },
      { apiGroups: [''], resources: ['secrets', 'configmaps', 'pods', 'services', 'serviceaccounts', 'persistentvolumeclaims'], verbs: [..._READ, ..._WRITE] },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      { apiGroups: ['apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io'], resources: ['*'], verbs: [..._READ, ..._WRITE] },
    ],
  },
  view: {
    labels: { ..._BOOT, 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
    rules: [{ apiGroups: ['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io'], resources: ['pods', 'pods/log', 'services', 'endpoints', 'configmaps', 'deployments', 'networkpolicies', 'ingresses', 'resourcequotas', 'limitranges'], verbs: _READ }],
  },
};

/** Built-in roles that aggregate (label selected → target role). */
export const BUILTIN_AGGREGATION: Readonly<Record<string, string>> = {
  'rbac.authorization.k8s.io/aggregate-to-admin': 'admin',
  'rbac.authorization.k8s.io/aggregate-to-edit': 'edit',
  'rbac.authorization.k8s.io/aggregate-to-view': 'view',
};
