import { checkManifests } from '../../policies/check-manifests';
import { resolveConfig } from '../../policies/config';
import { RULES } from '../../policies/rules';
import { baseline, findOne, violationsOf } from './support/baseline';

/** One failing fixture: a mutation of the baseline and the exact violations it must produce. */
interface Case {
  readonly name: string;
  readonly mutate: (objs: any[]) => void;
  readonly expected: { object: string; path: string }[];
  /** Review configuration of the case. @default - the environment's default */
  readonly config?: Record<string, unknown>;
}

const deployment = (o: any[]): any => findOne(o, 'Deployment', 'billing');
const agentContainer = (o: any[]): any => deployment(o).spec.template.spec.containers[0];
const sandboxPod = (o: any[]): any => findOne(o, 'SandboxTemplate', 'python').spec.podTemplate.spec;
const nacos = (o: any[]): any => findOne(o, 'StatefulSet', 'nacos');
const card = (o: any[], patch: object): void => {
  const cm = findOne(o, 'ConfigMap', 'billing-agent-card');
  cm.data['agent-card.json'] = JSON.stringify({ ...JSON.parse(cm.data['agent-card.json']), ...patch });
};
const remove = (o: any[], kind: string, name: string): void => {
  o.splice(o.indexOf(findOne(o, kind, name)), 1);
};
const C = 'spec.template.spec.containers[0]';

const FAILING: Record<string, Case[]> = {
  'rbac-effective-access': [
    { name: 'tenant developers get pods/exec', mutate: (o) => { findOne(o, 'Role', 'developers').rules.push({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }); },
      expected: [{ object: 'Role/acme/developers', path: 'rules[2]' }, { object: 'RoleBinding/acme/developers', path: 'subjects[0]' }] },
  ],
  'network-reachability': [
    { name: 'an ExternalName Service in the gateway namespace points at the API server',
      mutate: (o) => { o.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube', namespace: 'higress-system', labels: { 'app.kubernetes.io/name': 'kube' } }, spec: { type: 'ExternalName', externalName: 'kubernetes.default.svc' } }); },
      expected: [{ object: 'Service/higress-system/kube', path: 'spec.externalName' }] },
  ],
  'admission-scheduling': [
    { name: 'a globalDefault PriorityClass', mutate: (o) => { o.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'everyone', labels: { 'app.kubernetes.io/name': 'everyone' } }, value: 1000, globalDefault: true }); },
      expected: [{ object: 'PriorityClass/everyone', path: 'globalDefault' }] },
  ],
  'duplicate-objects': [
    { name: 'the nacos Service written twice', mutate: (o) => { o.push(JSON.parse(JSON.stringify(findOne(o, 'Service', 'nacos')))); },
      expected: [{ object: 'Service/nacos/nacos', path: 'metadata.name' }] },
  ],
  'gateway-route-table': [
    { name: 'higress.io/destination on a tenant Ingress', mutate: (o) => { findOne(o, 'Ingress', 'billing-chat').metadata.annotations = { 'higress.io/destination': 'nacos.nacos.svc.cluster.local:8848' }; },
      expected: [{ object: 'Ingress/acme/billing-chat', path: 'metadata.annotations["higress.io/destination"]' }] },
  ],
  'nacos-auth-effective': [
    { name: 'a later duplicate NACOS_AUTH_ENABLE=false', mutate: (o) => { nacos(o).spec.template.spec.containers[0].env.push({ name: 'NACOS_AUTH_ENABLE', value: 'false' }); },
      expected: [{ object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[5].value' }] },
  ],
  'credentials-ownership': [
    { name: 'a long-lived ServiceAccount token Secret', mutate: (o) => { o.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: 'tok', namespace: 'acme', labels: { 'app.kubernetes.io/name': 'tok' }, annotations: { 'kubernetes.io/service-account.name': 'billing' } } }); },
      expected: [{ object: 'Secret/acme/tok', path: 'type' }] },
  ],
  'tenant-quota-effective': [
    { name: 'the quota scoped to Terminating pods', mutate: (o) => { findOne(o, 'ResourceQuota', 'quota').spec.scopes = ['Terminating']; },
      expected: [{ object: 'ResourceQuota/acme/quota', path: 'spec.scopes' }, { object: 'Namespace/acme', path: 'metadata.name' }] },
  ],
  'tenant-default-deny-netpol': [
    { name: 'the only default-deny policy covers Ingress alone (egress wide open)',
      mutate: (o) => { findOne(o, 'NetworkPolicy', 'default-deny').spec.policyTypes = ['Ingress']; },
      expected: [{ object: 'Namespace/acme', path: 'metadata.name' }] },
    { name: 'no DNS egress allow', mutate: (o) => remove(o, 'NetworkPolicy', 'allow-dns'), expected: [{ object: 'Namespace/acme', path: 'metadata.name' }] },
    { name: 'a policy admits all namespaces',
      mutate: (o) => { findOne(o, 'NetworkPolicy', 'allow-gateway').spec.ingress[0].from = [{ namespaceSelector: {} }]; },
      expected: [{ object: 'NetworkPolicy/acme/allow-gateway', path: 'spec.ingress[0].from[0].namespaceSelector' }] },
    { name: 'an ingress rule without from',
      mutate: (o) => { delete findOne(o, 'NetworkPolicy', 'allow-gateway').spec.ingress[0].from; },
      expected: [{ object: 'NetworkPolicy/acme/allow-gateway', path: 'spec.ingress[0].from' }] },
  ],
  'sandbox-runtimeclass-allowlist': [
    { name: 'sandbox template without runtimeClassName', mutate: (o) => { delete sandboxPod(o).runtimeClassName; },
      expected: [{ object: 'SandboxTemplate/acme/python', path: 'spec.podTemplate.spec.runtimeClassName' }] },
    { name: 'runtimeClassName runc', mutate: (o) => { sandboxPod(o).runtimeClassName = 'runc'; },
      expected: [{ object: 'SandboxTemplate/acme/python', path: 'spec.podTemplate.spec.runtimeClassName' }] },
    { name: 'the RuntimeClass is not in the stack', mutate: (o) => remove(o, 'RuntimeClass', 'gvisor'),
      expected: [{ object: 'SandboxTemplate/acme/python', path: 'spec.podTemplate.spec.runtimeClassName' }] },
  ],
  'pss-restricted': [
    { name: 'allowPrivilegeEscalation: true', mutate: (o) => { agentContainer(o).securityContext = { ...agentContainer(o).securityContext, allowPrivilegeEscalation: true }; },
      expected: [{ object: 'Deployment/acme/billing', path: `${C}.securityContext.allowPrivilegeEscalation` }] },
    { name: 'tenant namespace without the enforce label', mutate: (o) => { delete findOne(o, 'Namespace', 'acme').metadata.labels['pod-security.kubernetes.io/enforce']; },
      expected: [{ object: 'Namespace/acme', path: 'metadata.labels["pod-security.kubernetes.io/enforce"]' }] },
    { name: 'hostPath volume and hostNetwork in the sandbox',
      mutate: (o) => { Object.assign(sandboxPod(o), { hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/' } }] }); },
      expected: [{ object: 'SandboxTemplate/acme/python', path: 'spec.podTemplate.spec.hostNetwork' }, { object: 'SandboxTemplate/acme/python', path: 'spec.podTemplate.spec.volumes[0].hostPath' }] },
    { name: 'a capability other than NET_BIND_SERVICE', mutate: (o) => { agentContainer(o).securityContext.capabilities.add = ['NET_ADMIN']; },
      expected: [{ object: 'Deployment/acme/billing', path: `${C}.securityContext.capabilities.add[0]` }] },
  ],
  'no-sa-token-automount': [
    { name: 'sandbox pod template mounts the token', mutate: (o) => { sandboxPod(o).automountServiceAccountToken = true; },
      expected: [{ object: 'SandboxTemplate/acme/python', path: 'spec.podTemplate.spec.automountServiceAccountToken' }] },
    { name: 'an agent projects a token without saying why', mutate: (o) => { projectToken(deployment(o)); },
      expected: [{ object: 'Deployment/acme/billing', path: 'spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken' }] },
  ],
  'rbac-least-privilege': [
    { name: 'wildcards everywhere', mutate: (o) => { findOne(o, 'Role', 'developers').rules = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]; },
      expected: ['apiGroups', 'resources', 'verbs'].map((f) => ({ object: 'Role/acme/developers', path: `rules[0].${f}` })) },
    { name: 'listing secrets', mutate: (o) => { findOne(o, 'Role', 'developers').rules[1] = { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }; },
      expected: [{ object: 'Role/acme/developers', path: 'rules[1].verbs' }] },
    { name: 'cluster-admin from a namespace', mutate: (o) => { findOne(o, 'RoleBinding', 'developers').roleRef = { kind: 'ClusterRole', name: 'cluster-admin' }; },
      expected: [{ object: 'RoleBinding/acme/developers', path: 'roleRef.name' }] },
    { name: 'ClusterRoleBinding to a tenant ServiceAccount',
      mutate: (o) => { o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'acme-view' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'billing', namespace: 'acme' }] }); },
      expected: [{ object: 'ClusterRoleBinding/acme-view', path: 'subjects[0]' }] },
  ],
  'no-public-control-plane': [
    { name: 'Nacos Service of type LoadBalancer', mutate: (o) => { findOne(o, 'Service', 'nacos').spec.type = 'LoadBalancer'; },
      expected: [{ object: 'Service/nacos/nacos', path: 'spec.type' }] },
    { name: 'agent Service with externalIPs', mutate: (o) => { findOne(o, 'Service', 'billing').spec.externalIPs = ['203.0.113.9']; },
      expected: [{ object: 'Service/acme/billing', path: 'spec.externalIPs' }] },
  ],
  'gateway-authn-required': [
    { name: 'agent Ingress without tls', mutate: (o) => { delete findOne(o, 'Ingress', 'billing-chat').spec.tls; },
      expected: [{ object: 'Ingress/acme/billing-chat', path: 'spec.tls' }] },
    { name: 'no auth plugin matches the Ingress', mutate: (o) => { findOne(o, 'WasmPlugin', 'jwt-auth-public').spec.matchRules[0].ingress = ['acme/billing-chat-canary']; },
      expected: [{ object: 'Ingress/acme/billing-chat', path: 'metadata.name' }] },
    { name: 'wildcard host', mutate: (o) => { findOne(o, 'Ingress', 'billing-chat').spec.rules[0].host = '*.example.com'; },
      expected: [{ object: 'Ingress/acme/billing-chat', path: 'spec.rules[0].host' }] },
  ],
  'secrets-not-plaintext': [
    { name: 'Nacos token as a literal env value',
      mutate: (o) => { nacos(o).spec.template.spec.containers[0].env[3] = { name: 'NACOS_AUTH_TOKEN', value: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' }; },
      expected: [{ object: 'StatefulSet/nacos/nacos', path: `${C}.env[3].value` }] },
    { name: 'password in a ConfigMap', mutate: (o) => { findOne(o, 'ConfigMap', 'billing-agent-card').data['db-password'] = 'hunter2'; },
      expected: [{ object: 'ConfigMap/acme/billing-agent-card', path: 'data["db-password"]' }] },
  ],
  'tenant-quota-limitrange': [
    { name: 'quota but no LimitRange', mutate: (o) => remove(o, 'LimitRange', 'limits'), expected: [{ object: 'Namespace/acme', path: 'metadata.name' }] },
    { name: 'quota allows LoadBalancers and has no pods limit',
      mutate: (o) => { const h = findOne(o, 'ResourceQuota', 'quota').spec.hard; delete h.pods; h['services.loadbalancers'] = '2'; },
      expected: [{ object: 'ResourceQuota/acme/quota', path: 'spec.hard["pods"]' }, { object: 'ResourceQuota/acme/quota', path: 'spec.hard["services.loadbalancers"]' }] },
  ],
  'requests-limits': [
    { name: 'sandbox container with only a cpu request',
      mutate: (o) => { sandboxPod(o).containers[0].resources = { requests: { cpu: '100m' } }; },
      expected: ['requests.memory', 'limits.memory', 'limits.ephemeral-storage'].map((f) => ({ object: 'SandboxTemplate/acme/python', path: `spec.podTemplate.spec.containers[0].resources.${f}` })) },
    { name: 'limit far above the request', mutate: (o) => { agentContainer(o).resources.limits.memory = '4Gi'; },
      expected: [{ object: 'Deployment/acme/billing', path: `${C}.resources.limits.memory` }] },
  ],
  'image-provenance': [
    { name: 'image with :latest', mutate: (o) => { agentContainer(o).image = 'ghcr.io/acme/agent:latest'; },
      expected: [{ object: 'Deployment/acme/billing', path: `${C}.image` }] },
    { name: 'bare nginx (untagged, not an allowed registry)', mutate: (o) => { agentContainer(o).image = 'nginx'; },
      expected: [{ object: 'Deployment/acme/billing', path: `${C}.image` }, { object: 'Deployment/acme/billing', path: `${C}.image` }] },
    { name: 'tag without digest where digests are required', config: { requireDigest: true }, mutate: (o) => { agentContainer(o).image = 'ghcr.io/acme/billing:1.2.0'; },
      expected: [{ object: 'Deployment/acme/billing', path: `${C}.image` }] },
  ],
  'registry-ha': [
    { name: 'two replicas', mutate: (o) => { nacos(o).spec.replicas = 2; },
      expected: [{ object: 'StatefulSet/nacos/nacos', path: 'spec.replicas' }, { object: 'PodDisruptionBudget/nacos/nacos', path: 'spec.minAvailable' }] },
    { name: 'a single server (its missing PDB is not reported: there is no quorum to keep)',
      mutate: (o) => { nacos(o).spec.replicas = 1; remove(o, 'PodDisruptionBudget', 'nacos'); },
      expected: [{ object: 'StatefulSet/nacos/nacos', path: 'spec.replicas' }] },
    { name: 'PDB minAvailable equal to the replicas', mutate: (o) => { findOne(o, 'PodDisruptionBudget', 'nacos').spec.minAvailable = 3; },
      expected: [{ object: 'PodDisruptionBudget/nacos/nacos', path: 'spec.minAvailable' }] },
    { name: 'headless Service without publishNotReadyAddresses', mutate: (o) => { delete findOne(o, 'Service', 'nacos-headless').spec.publishNotReadyAddresses; },
      expected: [{ object: 'Service/nacos/nacos-headless', path: 'spec.publishNotReadyAddresses' }] },
    { name: 'no anti-affinity, no volumes, raft port closed',
      mutate: (o) => { delete nacos(o).spec.template.spec.affinity; delete nacos(o).spec.volumeClaimTemplates; findOne(o, 'NetworkPolicy', 'nacos-peers').spec.ingress[0].ports.pop(); },
      expected: [{ object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution' },
        { object: 'StatefulSet/nacos/nacos', path: 'spec.volumeClaimTemplates' }, { object: 'StatefulSet/nacos/nacos', path: 'metadata.name' }] },
  ],
  'hpa-sane': [
    { name: 'min above max', mutate: (o) => { Object.assign(findOne(o, 'HorizontalPodAutoscaler', 'billing').spec, { minReplicas: 5, maxReplicas: 2 }); },
      expected: [{ object: 'HorizontalPodAutoscaler/acme/billing', path: 'spec.minReplicas' }] },
    { name: 'HPA and ScaledObject on one Deployment that pins replicas',
      mutate: (o) => {
        deployment(o).spec.replicas = 2;
        o.push({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'billing-keda', namespace: 'acme', labels: { 'app.kubernetes.io/name': 'billing' } },
          spec: { scaleTargetRef: { name: 'billing' }, minReplicaCount: 0, maxReplicaCount: 3, triggers: [{ type: 'cron', metadata: {} }] } });
      },
      expected: [{ object: 'Deployment/acme/billing', path: 'spec.replicas' }, { object: 'ScaledObject/acme/billing-keda', path: 'spec.scaleTargetRef' }] },
    { name: 'target does not exist', mutate: (o) => { findOne(o, 'HorizontalPodAutoscaler', 'billing').spec.scaleTargetRef.name = 'ghost'; },
      expected: [{ object: 'HorizontalPodAutoscaler/acme/billing', path: 'spec.scaleTargetRef' }] },
  ],
  'probes-required': [
    { name: 'Nacos container without readinessProbe', mutate: (o) => { delete nacos(o).spec.template.spec.containers[0].readinessProbe; },
      expected: [{ object: 'StatefulSet/nacos/nacos', path: `${C}.readinessProbe` }] },
    { name: 'Nacos readiness on the admin state path',
      mutate: (o) => { nacos(o).spec.template.spec.containers[0].readinessProbe = { httpGet: { path: '/nacos/v3/admin/core/state/readiness', port: 8848 } }; },
      expected: [{ object: 'StatefulSet/nacos/nacos', path: `${C}.readinessProbe.httpGet.path` }] },
  ],
  'agentcard-hygiene': [
    { name: 'url on 0.0.0.0', mutate: (o) => card(o, { url: 'http://0.0.0.0:8080/' }),
      expected: [{ object: 'ConfigMap/acme/billing-agent-card', path: 'data["agent-card.json"].url' }] },
    { name: 'in-cluster url, unpinned protocol, no security schemes',
      mutate: (o) => card(o, { url: 'http://billing.acme.svc.cluster.local:8080/', protocolVersion: 'latest', securitySchemes: {} }),
      expected: ['url', 'protocolVersion', 'securitySchemes'].map((f) => ({ object: 'ConfigMap/acme/billing-agent-card', path: `data["agent-card.json"].${f}` })) },
    { name: 'two cards with the same name and version in one Nacos namespace',
      mutate: (o) => { const twin = JSON.parse(JSON.stringify(findOne(o, 'ConfigMap', 'billing-agent-card'))); twin.metadata.name = 'billing-agent-card-2'; o.push(twin); },
      expected: [{ object: 'ConfigMap/acme/billing-agent-card-2', path: 'data["agent-card.json"].name' },
        { object: 'ConfigMap/acme/billing-agent-card-2', path: 'metadata.annotations["agentruntime.io/set-as-latest"]' }] },
  ],
  'canary-sanity': [
    { name: 'canary weight 150', mutate: (o) => { findOne(o, 'Ingress', 'billing-chat-canary').metadata.annotations['higress.io/canary-weight'] = '150'; },
      expected: [{ object: 'Ingress/acme/billing-chat-canary', path: 'metadata.annotations["higress.io/canary-weight"]' }] },
    { name: 'canary without primary Ingress nor override',
      mutate: (o) => { remove(o, 'Ingress', 'billing-chat'); delete findOne(o, 'Ingress', 'billing-chat-canary').metadata.annotations['higress.io/canary-by-header']; },
      expected: [{ object: 'Ingress/acme/billing-chat-canary', path: 'metadata.annotations' }, { object: 'Ingress/acme/billing-chat-canary', path: 'spec.rules' }] },
  ],
  'labels-required': [
    { name: 'Deployment without app.kubernetes.io/name', mutate: (o) => { delete deployment(o).metadata.labels['app.kubernetes.io/name']; },
      expected: [{ object: 'Deployment/acme/billing', path: 'metadata.labels["app.kubernetes.io/name"]' }] },
    { name: 'pod template without the tenant label', mutate: (o) => { delete deployment(o).spec.template.metadata.labels['agentruntime.io/tenant']; },
      expected: [{ object: 'Deployment/acme/billing', path: 'spec.template.metadata.labels["agentruntime.io/tenant"]' }] },
  ],
  'no-default-namespace': [
    { name: 'object in default', mutate: (o) => { findOne(o, 'Service', 'billing').metadata.namespace = 'default'; },
      expected: [{ object: 'Service/default/billing', path: 'metadata.namespace' }] },
  ],
  'no-deprecated-apis': [
    { name: 'agent-sandbox v1alpha1', mutate: (o) => { findOne(o, 'SandboxTemplate', 'python').apiVersion = 'extensions.agents.x-k8s.io/v1alpha1'; },
      expected: [{ object: 'SandboxTemplate/acme/python', path: 'apiVersion' }] },
  ],
  'review-context': [
    { name: 'a NetworkPolicy without namespace', mutate: (o) => { delete findOne(o, 'NetworkPolicy', 'allow-gateway').metadata.namespace; },
      expected: [{ object: 'NetworkPolicy/allow-gateway', path: 'metadata.namespace' }] },
    { name: 'the tenant Namespace is missing from the set', mutate: (o) => remove(o, 'Namespace', 'acme'),
      expected: [{ object: 'NetworkPolicy/acme/default-deny', path: 'metadata.namespace' }] },
  ],
  'no-bare-pods': [
    { name: 'top-level Pod',
      mutate: (o) => { o.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'acme' }, spec: deployment(o).spec.template.spec }); },
      expected: [{ object: 'Pod/acme/debug', path: 'kind' }] },
  ],
};

describe('rule registry', () => {
  it('covers the spec rules 1-18 with unique ids', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(FAILING).sort()).toEqual([...ids].sort());
  });
});

describe.each(RULES.map((r) => [r.id]))('%s', (id) => {
  it('passes the compliant baseline in every environment', () => {
    for (const env of ['dev', 'staging', 'prod'] as const) expect(violationsOf(id, baseline(), env)).toEqual([]);
  });
  it.each(FAILING[id].map((c) => [c.name, c]))('fails when %s', (_name, c) => {
    const objs = baseline();
    (c as Case).mutate(objs);
    const got = violationsOf(id, objs, 'prod', (c as Case).config).map(({ object, path }) => ({ object, path }));
    const sort = (l: { object: string; path: string }[]): string[] => l.map((v) => `${v.object} ${v.path}`).sort();
    expect(sort(got)).toEqual(sort((c as Case).expected));
  });
});

/** Gives a workload a projected service-account token volume as its first volume. */
function projectToken(workload: any): void {
  const spec = workload.spec.template.spec;
  spec.volumes = [{ name: 'api-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }, ...(spec.volumes ?? [])];
}

describe('no-sa-token-automount and declared needs', () => {
  it('lets an agent that says why it needs the Kubernetes API project a token', () => {
    const objs = baseline();
    projectToken(deployment(objs));
    deployment(objs).metadata.annotations = { 'agentruntime.io/needs-kubernetes-api': 'claims sandboxes of pool python' };
    expect(violationsOf('no-sa-token-automount', objs)).toEqual([]);
  });
});

describe('levels', () => {
  it('keeps mandatory rules advisory in dev and mandatory in staging and prod', () => {
    const objs = baseline();
    findOne(objs, 'Service', 'nacos').spec.type = 'LoadBalancer';
    expect(checkManifests(objs, { env: 'dev' }).verdict).toBe('pass');
    expect(checkManifests(objs, { env: 'staging' }).verdict).toBe('fail');
    expect(checkManifests(objs, { env: 'prod' }).mandatory).toBe(1);
  });
  it('makes registry-ha mandatory only in prod', () => {
    const objs = baseline();
    nacos(objs).spec.replicas = 1;
    expect(violationsOf('registry-ha', objs, 'staging').every((v) => v.level === 'advisory')).toBe(true);
    expect(violationsOf('registry-ha', objs, 'prod').some((v) => v.level === 'mandatory')).toBe(true);
  });
  it('keeps agents advisory under no-sa-token-automount while sandboxes are mandatory', () => {
    const objs = baseline();
    delete deployment(objs).spec.template.spec.automountServiceAccountToken;
    findOne(objs, 'ServiceAccount', 'billing').automountServiceAccountToken = true;
    expect(violationsOf('no-sa-token-automount', objs)).toEqual([
      { object: 'ServiceAccount/acme/billing', path: 'automountServiceAccountToken', level: 'advisory' },
      { object: 'Deployment/acme/billing', path: 'spec.template.spec.automountServiceAccountToken', level: 'advisory' },
    ]);
  });
  it('lets configuration change levels and allow lists', () => {
    const objs = baseline();
    findOne(objs, 'RuntimeClass', 'gvisor').metadata.name = 'runc-only';
    const managed = resolveConfig('prod', { all: { providerManagedRuntimeClasses: ['gvisor'] } });
    expect(checkManifests(objs, { env: 'prod', config: managed }).violations).toEqual([]);
    const off = resolveConfig('prod', { prod: { enforcement: { 'sandbox-runtimeclass-allowlist': 'disabled' } } });
    expect(checkManifests(objs, { env: 'prod', config: off }).verdict).toBe('pass');
    expect(checkManifests(objs, { env: 'prod' }).verdict).toBe('fail');
  });
  it('rejects a config key that does not exist, naming it', () => {
    expect(() => resolveConfig('prod', { all: { runtimeClass: ['gvisor'] } as any }, 'p.yaml')).toThrow('p.yaml: all.runtimeClass: unknown key');
  });
});
