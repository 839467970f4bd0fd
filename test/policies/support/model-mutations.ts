/**
 * Mutations of the synthesized prod output (issue 22), shared by the review test and the CrossGuard
 * test: each is a small change a real API server accepts, with the object and field review must name.
 * The base carries two fresh keys (public and internal apart) instead of the stack's example key.
 */
import { generateKeyPairSync } from 'crypto';
import { configFromBaseline } from '../../../policies/baseline-review';
import { resolveConfig } from '../../../policies/config';
import { synthesizePlatform } from '../../../stacks/charts';
import { loadStackConfig } from '../../../stacks/config';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');
export const INTERNAL = 'https://a2a.internal.example.com';
const jwk = (): Record<string, unknown> => ({ ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>), use: 'sig', alg: 'RS256' });
export const PUBLIC_KEY = { ...jwk(), kid: 'public-1' };
export const INTERNAL_KEY = { ...jwk(), kid: 'internal-1' };
export const ATTACKER_KEY = { ...jwk(), kid: 'attacker-1' };
const jwks = (k: Record<string, unknown>): string => JSON.stringify({ keys: [k] });

/** The synthesized prod platform, with its own keys (public and internal apart). */
function synthesized(): any[] {
  const objects: any[] = synthesizePlatform(loadStackConfig('prod', ROOT)).charts.flatMap((c) => c.objects);
  for (const p of objects.filter((o) => o.kind === 'WasmPlugin' && Array.isArray(o.spec?.defaultConfig?.consumers))) {
    for (const c of p.spec.defaultConfig.consumers) c.jwks = jwks(c.issuer.startsWith(INTERNAL) ? INTERNAL_KEY : PUBLIC_KEY);
  }
  return objects;
}
export const BASE: readonly any[] = synthesized();
export const PROD = resolveConfig('prod');
export const STACK = configFromBaseline(BASE, PROD);
export const fresh = (): any[] => JSON.parse(JSON.stringify(BASE));
export const one = (o: any[], kind: string, name: string, ns?: string): any => {
  const found = o.filter((x) => x.kind === kind && x.metadata?.name === name && (ns === undefined || x.metadata?.namespace === ns));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${ns ?? ''}/${name}, found ${found.length}`);
  return found[0];
};
const meta = (name: string, namespace?: string, extra: Record<string, string> = {}): any => ({ name, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/name': name, ...extra } });
const RBAC = 'rbac.authorization.k8s.io';
const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', ns: string | undefined, roleKind: string, role: string, subject: any): any => ({
  apiVersion: `${RBAC}/v1`, kind, metadata: meta(`x-${role.replace(/[^a-z0-9-]/g, '')}`, ns), roleRef: { apiGroup: RBAC, kind: roleKind, name: role }, subjects: [subject],
});
const group = (name: string): any => ({ kind: 'Group', apiGroup: RBAC, name });
const netpol = (ns: string, name: string, spec: any): any => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, ns), spec });
const nacosContainer = (o: any[]): any => one(o, 'StatefulSet', 'nacos', 'nacos').spec.template.spec.containers[0];
const sandboxPod = (o: any[]): any => one(o, 'SandboxTemplate', 'code-runner', 'acme').spec.podTemplate;
const orchestrator = (o: any[]): any => one(o, 'Deployment', 'orchestrator', 'acme').spec.template;
const plugin = (o: any[], name: string): any => one(o, 'WasmPlugin', name, 'higress-system');
const rule = (p: any, ingress: string): any => p.spec.matchRules.find((r: any) => r.ingress.includes(ingress));
const mountProperties = (o: any[], file: string, text: string): void => {
  o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('nacos-custom', 'nacos'), data: { [file]: text } });
  const pod = one(o, 'StatefulSet', 'nacos', 'nacos').spec.template.spec;
  pod.volumes.push({ name: 'custom', configMap: { name: 'nacos-custom' } });
  pod.containers[0].volumeMounts.push({ name: 'custom', mountPath: '/home/nacos/init.d', readOnly: true });
};

/** Expected finding: the object (`kind/ns/name`) and the start of the weakened field's path. */
export type Expect = { object: string; path: string };
/** [category, case, mutation, expected finding, whether it needs the tenant's configuration (`--stack`)]. */
export type Case = [string, string, (o: any[]) => void, Expect, boolean?];

export const CASES: Case[] = [
  // RBAC: subjects in every spelling, aggregation, built-in roles, escalation verbs, policy-object writes.
  ['rbac', 'cluster-admin for a ServiceAccount spelled as User system:serviceaccount:ns:name', (o) => { o.push(binding('ClusterRoleBinding', undefined, 'ClusterRole', 'cluster-admin', { kind: 'User', apiGroup: RBAC, name: 'system:serviceaccount:acme:orchestrator' })); }, { object: 'ClusterRoleBinding/x-cluster-admin', path: 'subjects[0]' }],
  ['rbac', 'edit in nacos for a tenant group', (o) => { o.push(binding('RoleBinding', 'nacos', 'ClusterRole', 'edit', group('acme-developers'))); }, { object: 'RoleBinding/nacos/x-edit', path: 'subjects[0]' }],
  ['rbac', 'view in default for a user', (o) => { o.push(binding('RoleBinding', 'default', 'ClusterRole', 'view', { kind: 'User', apiGroup: RBAC, name: 'mallory@example.com' })); }, { object: 'RoleBinding/default/x-view', path: 'subjects[0]' }],
  ['rbac', 'admin in higress-system for a ServiceAccount', (o) => { o.push(binding('RoleBinding', 'higress-system', 'ClusterRole', 'admin', { kind: 'ServiceAccount', name: 'support', namespace: 'acme' })); }, { object: 'RoleBinding/higress-system/x-admin', path: 'subjects[0]' }],
  ['rbac', 'view cluster-wide for system:authenticated', (o) => { o.push(binding('ClusterRoleBinding', undefined, 'ClusterRole', 'view', group('system:authenticated'))); }, { object: 'ClusterRoleBinding/x-view', path: 'subjects[0]' }],
  ['rbac', 'tenant role bound to system:serviceaccounts:acme (sandboxes included)', (o) => { one(o, 'RoleBinding', 'tenant-developer', 'acme').subjects.push(group('system:serviceaccounts:acme')); }, { object: 'RoleBinding/acme/tenant-developer', path: 'subjects[1]' }],
  ['rbac', 'a ClusterRole labelled aggregate-to-view absorbs secrets reads', (o) => { o.push({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: meta('metrics-reader', undefined, { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }), rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] }); }, { object: 'ClusterRole/metrics-reader', path: 'metadata.labels' }],
  ['rbac', 'an aggregationRule role bound to tenant developers absorbs the built-in edit', (o) => {
    o.push({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: meta('acme-helper'), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }] }, rules: [] });
    o.push(binding('RoleBinding', 'acme', 'ClusterRole', 'acme-helper', group('acme-developers')));
  }, { object: 'RoleBinding/acme/x-acme-helper', path: 'subjects[0]' }],
  ['rbac', 'tenant developers get pods/exec', (o) => { one(o, 'Role', 'tenant-developer', 'acme').rules.push({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }); }, { object: 'Role/acme/tenant-developer', path: 'rules[10]' }],
  ['rbac', 'tenant developers may rewrite NetworkPolicies', (o) => { one(o, 'Role', 'tenant-developer', 'acme').rules[4].verbs.push('update', 'patch'); }, { object: 'Role/acme/tenant-developer', path: 'rules[4]' }],
  ['rbac', 'tenant developers may patch quotas and LimitRanges', (o) => { one(o, 'Role', 'tenant-developer', 'globex').rules.push({ apiGroups: [''], resources: ['resourcequotas', 'limitranges'], verbs: ['patch'] }); }, { object: 'Role/globex/tenant-developer', path: 'rules[10]' }],
  ['rbac', 'tenant developers may edit Higress WasmPlugins', (o) => { one(o, 'Role', 'tenant-developer', 'acme').rules.push({ apiGroups: ['extensions.higress.io'], resources: ['wasmplugins'], verbs: ['create', 'update'] }); }, { object: 'Role/acme/tenant-developer', path: 'rules[10]' }],
  ['rbac', 'an agent may mint ServiceAccount tokens', (o) => { one(o, 'Role', 'orchestrator-sandbox-claims', 'acme').rules.push({ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }); }, { object: 'Role/acme/orchestrator-sandbox-claims', path: 'rules[1]' }],
  ['rbac', 'an agent may impersonate', (o) => { one(o, 'Role', 'orchestrator-sandbox-claims', 'acme').rules.push({ apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] }); }, { object: 'Role/acme/orchestrator-sandbox-claims', path: 'rules[1]' }],
  ['rbac', 'the controller may list Secrets cluster-wide', (o) => { one(o, 'ClusterRole', 'agent-runtime-controller').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] }); }, { object: 'ClusterRole/agent-runtime-controller', path: 'rules[5]' }],
  ['rbac', 'the controller may proxy to nodes', (o) => { one(o, 'ClusterRole', 'agent-runtime-controller').rules.push({ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }); }, { object: 'ClusterRole/agent-runtime-controller', path: 'rules[5]' }],
  ['rbac', 'the controller reads a tenant\'s model key', (o) => { one(o, 'Role', 'agent-runtime-controller', 'acme').rules[0].resourceNames.push('acme-openai'); }, { object: 'Role/acme/agent-runtime-controller', path: 'rules[0]' }],
  ['rbac', 'tenant developers may escalate and bind roles', (o) => { one(o, 'Role', 'tenant-developer', 'acme').rules.push({ apiGroups: [RBAC], resources: ['roles'], verbs: ['escalate', 'bind'] }); }, { object: 'Role/acme/tenant-developer', path: 'rules[10]' }],
  ['rbac', 'tenant developers read one named Secret (an agent\'s token)', (o) => { one(o, 'Role', 'tenant-developer', 'acme').rules.push({ apiGroups: [''], resources: ['secrets'], resourceNames: ['orchestrator-a2a-token'], verbs: ['get'] }); }, { object: 'Role/acme/tenant-developer', path: 'rules[10]' }],
  ['rbac', 'the controller\'s ClusterRole aggregates every bootstrap role (cluster-admin included)', (o) => { one(o, 'ClusterRole', 'agent-runtime-controller').aggregationRule = { clusterRoleSelectors: [{ matchLabels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } }] }; }, { object: 'ClusterRole/agent-runtime-controller', path: 'aggregationRule' }],
  ['rbac', 'a tenant\'s group bound in another tenant', (o) => { o.push(binding('RoleBinding', 'globex', 'Role', 'tenant-developer', group('acme-developers'))); }, { object: 'RoleBinding/globex/x-tenant-developer', path: 'subjects[0]' }],

  // Admission and scheduling.
  ['admission', 'a validating webhook sent outside the cluster', (o) => { o.push({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: meta('audit'), webhooks: [{ name: 'audit.example.com', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { url: 'https://audit.example.com/validate' }, rules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }] }); }, { object: 'ValidatingWebhookConfiguration/audit', path: 'webhooks[0].clientConfig.url' }],
  ['admission', 'a mutating webhook served from a tenant, failing open', (o) => { o.push({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: meta('inject'), webhooks: [{ name: 'inject.acme.example.com', admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Ignore', clientConfig: { service: { name: 'orchestrator', namespace: 'acme', path: '/mutate' } }, rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] }] }); }, { object: 'MutatingWebhookConfiguration/inject', path: 'webhooks[0]' }],
  ['admission', 'a ValidatingAdmissionPolicy that only warns', (o) => { o.push({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: meta('relaxed'), spec: { policyName: 'tenant-guard', validationActions: ['Warn'] } }); }, { object: 'ValidatingAdmissionPolicyBinding/relaxed', path: 'spec' }],
  ['admission', 'a globalDefault PriorityClass', (o) => { one(o, 'PriorityClass', 'agent-runtime-agent').globalDefault = true; }, { object: 'PriorityClass/agent-runtime-agent', path: 'globalDefault' }],
  ['admission', 'a tenant pod on the platform PriorityClass', (o) => { orchestrator(o).spec.priorityClassName = 'agent-runtime-platform'; }, { object: 'Deployment/acme/orchestrator', path: 'spec.template.spec.priorityClassName' }],
  ['admission', 'a sandbox on system-cluster-critical', (o) => { sandboxPod(o).spec.priorityClassName = 'system-cluster-critical'; }, { object: 'SandboxTemplate/acme/code-runner', path: 'spec.podTemplate.spec.priorityClassName' }],
  ['admission', 'a tenant pod tolerating the control-plane taint', (o) => { orchestrator(o).spec.tolerations = [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]; }, { object: 'Deployment/acme/orchestrator', path: 'spec.template.spec.tolerations[0]' }],
  ['admission', 'a sandbox selecting control-plane nodes', (o) => { sandboxPod(o).spec.nodeSelector = { 'node-role.kubernetes.io/control-plane': '' }; }, { object: 'SandboxTemplate/acme/code-runner', path: 'spec.podTemplate.spec.nodeSelector' }],
  ['admission', 'a tenant pod steered to control-plane nodes by affinity', (o) => { one(o, 'Deployment', 'researcher', 'globex').spec.template.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] }] } } }; }, { object: 'Deployment/globex/researcher', path: 'spec.template.spec.affinity' }],
  ['admission', 'the higress IngressClass re-pointed at another controller', (o) => { o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: meta('higress'), spec: { controller: 'k8s.io/ingress-nginx' } }); }, { object: 'IngressClass/higress', path: 'spec.controller' }],
  ['admission', 'a tenant pod placed by another scheduler', (o) => { orchestrator(o).spec.schedulerName = 'bypass-scheduler'; }, { object: 'Deployment/acme/orchestrator', path: 'spec.template.spec.schedulerName' }],
  ['admission', 'the agents\' PriorityClass raised above the platform\'s', (o) => { one(o, 'PriorityClass', 'agent-runtime-agent').value = 200000; }, { object: 'PriorityClass/agent-runtime-agent', path: 'value' }],
  ['admission', 'a tenant namespace lowered to Pod Security baseline', (o) => { one(o, 'Namespace', 'acme').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'; }, { object: 'Namespace/acme', path: 'metadata.labels["pod-security.kubernetes.io/enforce"]' }],

  // Network: reachability over every namespace.
  ['network', 'Nacos raft ports opened to its clients', (o) => { one(o, 'NetworkPolicy', 'nacos-clients', 'nacos').spec.ingress[0].ports.push({ port: 9849, protocol: 'TCP' }); }, { object: 'NetworkPolicy/nacos/nacos-clients', path: 'spec.ingress[0]' }],
  ['network', 'a port range over the Nacos ports', (o) => { one(o, 'NetworkPolicy', 'nacos-clients', 'nacos').spec.ingress[0].ports = [{ port: 7000, endPort: 10000, protocol: 'TCP' }]; }, { object: 'NetworkPolicy/nacos/nacos-clients', path: 'spec.ingress[0]' }],
  ['network', 'an allow-all policy added in nacos', (o) => { o.push(netpol('nacos', 'allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })); }, { object: 'NetworkPolicy/nacos/allow-all', path: 'spec.ingress[0]' }],
  ['network', 'higress-system opened to every namespace', (o) => { one(o, 'NetworkPolicy', 'allow-same-namespace', 'higress-system').spec.ingress[0].from = [{ namespaceSelector: {} }]; }, { object: 'NetworkPolicy/higress-system/allow-same-namespace', path: 'spec.ingress[0]' }],
  ['network', 'Nacos admits the internet (ipBlock 0.0.0.0/0)', (o) => { one(o, 'NetworkPolicy', 'nacos-clients', 'nacos').spec.ingress[0].from.push({ ipBlock: { cidr: '0.0.0.0/0' } }); }, { object: 'NetworkPolicy/nacos/nacos-clients', path: 'spec.ingress[0]' }],
  ['network', 'an agent reaches cloud metadata through a broad ipBlock', (o) => { one(o, 'NetworkPolicy', 'orchestrator-egress', 'acme').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 80, protocol: 'TCP' }] }); }, { object: 'NetworkPolicy/acme/orchestrator-egress', path: 'spec.egress[3]' }],
  ['network', 'a sandbox wears the agent role and inherits the registry egress', (o) => { sandboxPod(o).metadata.labels['agentruntime.io/role'] = 'agent'; }, { object: 'SandboxTemplate/acme/code-runner', path: 'spec.podTemplate.metadata.labels["agentruntime.io/role"]' }],
  ['network', 'a new workload wears the orchestrator\'s labels to reach its sandboxes', (o) => {
    const d = JSON.parse(JSON.stringify(one(o, 'Deployment', 'orchestrator', 'acme')));
    d.metadata.name = 'miner';
    d.metadata.labels['app.kubernetes.io/name'] = 'miner';
    delete d.metadata.annotations;
    o.push(d);
  }, { object: 'Deployment/acme/miner', path: 'spec.template.metadata.labels["agentruntime.io/agent"]' }],
  ['network', 'a pod in nacos wears the Nacos labels', (o) => { o.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('debug', 'nacos'), spec: { selector: { matchLabels: { app: 'debug' } }, template: { metadata: { labels: { app: 'debug', 'app.kubernetes.io/name': 'nacos', 'app.kubernetes.io/component': 'registry' } }, spec: { containers: [{ name: 'sh', image: 'ghcr.io/acme/debug:1.0.0', ports: [{ containerPort: 8080 }] }] } } } }); }, { object: 'Deployment/nacos/debug', path: 'spec.template.metadata.labels' }],
  ['network', 'sandbox egress to every namespace', (o) => { one(o, 'NetworkPolicy', 'code-runner-sandbox', 'acme').spec.egress.push({ to: [{ namespaceSelector: {} }] }); }, { object: 'NetworkPolicy/acme/code-runner-sandbox', path: 'spec.egress[2]' }],
  ['network', 'a call to another tenant forged on a ConfigMap', (o) => {
    one(o, 'ConfigMap', 'support-agent-card', 'acme').metadata.annotations['agentruntime.io/a2a-calls'] = 'globex/researcher#web-search';
    o.push(netpol('acme', 'support-to-globex', { podSelector: { matchLabels: { 'agentruntime.io/agent': 'support' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'globex' } }, podSelector: { matchLabels: { 'agentruntime.io/agent': 'researcher' } } }] }] }));
  }, { object: 'NetworkPolicy/acme/support-to-globex', path: 'spec.egress[0]' }],
  ['network', 'DNS egress opened to every port of kube-system', (o) => { delete one(o, 'NetworkPolicy', 'allow-dns', 'acme').spec.egress[0].ports; }, { object: 'NetworkPolicy/acme/allow-dns', path: 'spec.egress[0]' }],
  ['network', 'Nacos egress opened (exfiltration)', (o) => { o.push(netpol('nacos', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })); }, { object: 'NetworkPolicy/nacos/allow-egress', path: 'spec.egress[0]' }],
  ['network', 'an EndpointSlice puts the API server behind a tenant Service', (o) => { o.push({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta('orchestrator-extra', 'acme', { 'kubernetes.io/service-name': 'orchestrator' }), addressType: 'IPv4', endpoints: [{ addresses: ['10.96.0.1'] }], ports: [{ port: 443, protocol: 'TCP' }] }); }, { object: 'EndpointSlice/acme/orchestrator-extra', path: 'endpoints' }],
  ['network', 'an ExternalName Service in the gateway namespace to the API server', (o) => { o.push({ apiVersion: 'v1', kind: 'Service', metadata: meta('kube', 'higress-system'), spec: { type: 'ExternalName', externalName: 'kubernetes.default.svc.cluster.local' } }); }, { object: 'Service/higress-system/kube', path: 'spec.externalName' }],
  ['network', 'a Service with externalIPs', (o) => { one(o, 'Service', 'orchestrator', 'acme').spec.externalIPs = ['203.0.113.10']; }, { object: 'Service/acme/orchestrator', path: 'spec.externalIPs' }],

  // Gateway: routes of every kind, consumers against declared calls, issuers and keys, plugins.
  ['gateway', 'an attacker consumer admitted on an internal route', (o) => {
    const p = plugin(o, 'jwt-auth-acme');
    p.spec.defaultConfig.consumers.push({ name: 'partner', issuer: 'https://idp.attacker.example', jwks: jwks(ATTACKER_KEY) });
    rule(p, 'acme/support-a2a').config.allow.push('partner');
  }, { object: 'WasmPlugin/higress-system/jwt-auth-acme', path: 'spec.matchRules[2].config.allow' }],
  ['gateway', 'the public issuer trusted with an attacker\'s JWKS', (o) => { plugin(o, 'jwt-auth-acme').spec.defaultConfig.consumers[0].jwks = jwks(ATTACKER_KEY); }, { object: 'WasmPlugin/higress-system/jwt-auth-acme', path: 'spec.defaultConfig.consumers[0].jwks' }],
  ['gateway', 'an internal identity trusting an attacker\'s issuer', (o) => { plugin(o, 'jwt-auth-globex').spec.defaultConfig.consumers[1].issuer = 'https://a2a.attacker.example/acme/orchestrator'; }, { object: 'WasmPlugin/higress-system/jwt-auth-globex', path: 'spec.defaultConfig.consumers[1].issuer' }],
  ['gateway', 'public and internal consumers sharing a key', (o) => { plugin(o, 'jwt-auth-acme').spec.defaultConfig.consumers[1].jwks = jwks(PUBLIC_KEY); }, { object: 'WasmPlugin/higress-system/jwt-auth-acme', path: 'spec.defaultConfig.consumers[0].jwks' }],
  ['gateway', 'the public consumer admitted on an internal A2A route', (o) => { rule(plugin(o, 'jwt-auth-acme'), 'acme/support-a2a').config.allow.push('public'); }, { object: 'WasmPlugin/higress-system/jwt-auth-acme', path: 'spec.matchRules[2].config.allow' }],
  ['gateway', 'a caller admitted to a skill it never declared', (o) => { rule(plugin(o, 'jwt-auth-globex'), 'globex/researcher-a2a-summarize').config.allow.push('acme/orchestrator'); }, { object: 'WasmPlugin/higress-system/jwt-auth-globex', path: 'spec.matchRules' }],
  ['gateway', 'a call declaration forged on a ConfigMap to pass the allow list', (o) => {
    one(o, 'ConfigMap', 'support-agent-card', 'acme').metadata.annotations['agentruntime.io/a2a-calls'] = 'globex/researcher#summarize';
    const p = plugin(o, 'jwt-auth-globex');
    p.spec.defaultConfig.consumers.push({ name: 'acme/support', issuer: `${INTERNAL}/acme/support`, jwks: jwks(INTERNAL_KEY) });
    rule(p, 'globex/researcher-a2a-summarize').config.allow.push('acme/support');
  }, { object: 'WasmPlugin/higress-system/jwt-auth-globex', path: 'spec.matchRules' }],
  ['gateway', 'an attacker issuer added to the gateway-wide jwt-auth', (o) => { plugin(o, 'jwt-auth').spec.defaultConfig.consumers.push({ name: 'partner-users', issuer: 'https://login.attacker.example/', jwks: jwks(ATTACKER_KEY) }); }, { object: 'WasmPlugin/higress-system/jwt-auth', path: 'spec.defaultConfig.consumers[2].issuer' }],
  ['gateway', 'a plugin image from another registry with the same name', (o) => { plugin(o, 'jwt-auth').spec.url = 'oci://ghcr.io.attacker.example/plugins/jwt-auth:2.0.0'; }, { object: 'WasmPlugin/higress-system/jwt-auth', path: 'spec.url' }],
  ['gateway', 'a plugin fetched over https', (o) => { plugin(o, 'ip-restriction').spec.url = 'https://plugins.attacker.example/ip-restriction.wasm'; }, { object: 'WasmPlugin/higress-system/ip-restriction', path: 'spec.url' }],
  ['gateway', 'a later same-name jwt-auth WasmPlugin without match rules', (o) => { const p = JSON.parse(JSON.stringify(plugin(o, 'jwt-auth-acme'))); delete p.spec.matchRules; o.push(p); }, { object: 'WasmPlugin/higress-system/jwt-auth-acme', path: 'metadata.name' }],
  ['gateway', 'an Ingress in a platform namespace', (o) => { o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('console', 'nacos'), spec: { ingressClassName: 'higress', rules: [{ host: 'agents.example.com', http: { paths: [{ path: '/nacos', pathType: 'Prefix', backend: { service: { name: 'nacos', port: { number: 8080 } } } }] } }] } }); }, { object: 'Ingress/nacos/console', path: 'metadata.namespace' }],
  ['gateway', 'higress.io/destination on a tenant Ingress', (o) => { one(o, 'Ingress', 'orchestrator-chat', 'acme').metadata.annotations['higress.io/destination'] = 'nacos.nacos.svc.cluster.local:8848'; }, { object: 'Ingress/acme/orchestrator-chat', path: 'metadata.annotations["higress.io/destination"]' }],
  ['gateway', 'a tenant route claiming another tenant\'s path', (o) => { one(o, 'Ingress', 'orchestrator-chat', 'acme').spec.rules[0].http.paths[0].path = '/api/v1/agents/globex/researcher/chat'; }, { object: 'Ingress/acme/orchestrator-chat', path: 'spec.rules[0].http.paths[0].path' }],
  ['gateway', 'an McpBridge registry outside the platform\'s Nacos', (o) => { one(o, 'McpBridge', 'default', 'higress-system').spec.registries.push({ name: 'partner', type: 'dns', domain: 'api.attacker.example', port: 443 }); }, { object: 'McpBridge/higress-system/default', path: 'spec.registries[3].type' }],
  ['gateway', 'an McpBridge Nacos at another address', (o) => { one(o, 'McpBridge', 'default', 'higress-system').spec.registries[1].domain = 'nacos.attacker.example'; }, { object: 'McpBridge/higress-system/default', path: 'spec.registries[1].domain' }],
  ['gateway', 'a tenant\'s McpBridge registry reading another tenant\'s Nacos namespace', (o) => { one(o, 'McpBridge', 'default', 'higress-system').spec.registries[1].nacosNamespaceId = 'globex'; }, { object: 'McpBridge/higress-system/default', path: 'spec.registries[1].nacosNamespaceId' }],
  ['gateway', 'a consumer accepting expired tokens', (o) => { plugin(o, 'jwt-auth-acme').spec.defaultConfig.consumers[1].clock_skew_seconds = 86400; }, { object: 'WasmPlugin/higress-system/jwt-auth-acme', path: 'spec.defaultConfig.consumers[1].clock_skew_seconds' }],

  // Nacos auth by effective value.
  ['nacos', 'a duplicate NACOS_AUTH_ENABLE later in env (the last wins)', (o) => { nacosContainer(o).env.push({ name: 'NACOS_AUTH_ENABLE', value: 'false' }); }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[13].value' }],
  ['nacos', 'the console switch off', (o) => { nacosContainer(o).env.find((e: any) => e.name === 'NACOS_AUTH_CONSOLE_ENABLE').value = 'false'; }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[5].value' }],
  ['nacos', 'the admin switch "off"', (o) => { nacosContainer(o).env.find((e: any) => e.name === 'NACOS_AUTH_ADMIN_ENABLE').value = 'off'; }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[4].value' }],
  ['nacos', '-D flag in JAVA_OPT_EXT', (o) => { nacosContainer(o).env.push({ name: 'JAVA_OPT_EXT', value: '-XX:+UseG1GC -Dnacos.core.auth.enabled=false' }); }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[13]' }],
  ['nacos', '-D flag in JAVA_OPT', (o) => { nacosContainer(o).env.push({ name: 'JAVA_OPT', value: '-Dnacos.core.auth.console.enabled=no' }); }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[13]' }],
  ['nacos', 'a properties file with "key value" syntax', (o) => { mountProperties(o, 'custom.properties', '# tuning\nnacos.core.auth.enabled off\n'); }, { object: 'ConfigMap/nacos/nacos-custom', path: 'data["custom.properties"]' }],
  ['nacos', 'a properties file with "key:value" and a continuation', (o) => { mountProperties(o, 'custom.properties', 'nacos.core.auth.admin.enabled:\\\n  false\n'); }, { object: 'ConfigMap/nacos/nacos-custom', path: 'data["custom.properties"]' }],
  ['nacos', 'the relaxed env name NACOS_CORE_AUTH_ENABLED', (o) => { nacosContainer(o).env.push({ name: 'NACOS_CORE_AUTH_ENABLED', value: 'false' }); }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[13].value' }],
  ['nacos', 'SPRING_APPLICATION_JSON', (o) => { nacosContainer(o).env.push({ name: 'SPRING_APPLICATION_JSON', value: '{"nacos":{"core":{"auth":{"enabled":false}}}}' }); }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[13]' }],
  ['nacos', 'the User-Agent bypass on', (o) => { nacosContainer(o).env.push({ name: 'NACOS_AUTH_USER_AGENT_AUTH_WHITE_ENABLE', value: 'true' }); }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0].env[13].value' }],
  ['nacos', 'an init container rewriting the configuration', (o) => { one(o, 'StatefulSet', 'nacos', 'nacos').spec.template.spec.initContainers[0].command = ['sh', '-c', 'cp -R /home/nacos/conf/. /writable-conf/ && sed -i s/auth.enabled=true/auth.enabled=false/ /writable-conf/application.properties']; }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.initContainers[0].command' }],
  ['nacos', 'a --key=value argument', (o) => { nacosContainer(o).args = ['--nacos.core.auth.enabled=false']; }, { object: 'StatefulSet/nacos/nacos', path: 'spec.template.spec.containers[0]' }],

  // Credentials.
  ['credentials', 'a sandbox mounts a ServiceAccount-token Secret', (o) => {
    o.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { ...meta('orchestrator-token', 'acme'), annotations: { 'kubernetes.io/service-account.name': 'orchestrator' } } });
    sandboxPod(o).spec.volumes.push({ name: 'token', secret: { secretName: 'orchestrator-token' } });
  }, { object: 'SandboxTemplate/acme/code-runner', path: 'spec.podTemplate.spec.volumes[2].secret.secretName' }],
  ['credentials', 'a sandbox reads another agent\'s A2A token', (o) => { sandboxPod(o).spec.containers[0].env = [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'orchestrator-a2a-token', key: 'token' } } }]; }, { object: 'SandboxTemplate/acme/code-runner', path: 'spec.podTemplate.spec.containers[0].env[0].valueFrom.secretKeyRef.name' }],
  ['credentials', 'an agent mounts another agent\'s A2A token', (o) => { orchestrator(o).spec.volumes.push({ name: 'support-token', secret: { secretName: 'support-a2a-token' } }); }, { object: 'Deployment/acme/orchestrator', path: 'spec.template.spec.volumes' }],
  ['credentials', 'a sandbox gets a projected ServiceAccount token', (o) => { sandboxPod(o).spec.volumes.push({ name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } }); }, { object: 'SandboxTemplate/acme/code-runner', path: 'spec.podTemplate.spec.volumes[2].projected.sources[0].serviceAccountToken' }],
  ['credentials', 'a model baseUrl over http to another host', (o) => { one(o, 'ModelConfig', 'support-model', 'acme').spec.openAI.baseUrl = 'http://llm.attacker.example:8080/v1'; }, { object: 'ModelConfig/acme/support-model', path: 'spec.openAI.baseUrl' }],
  ['credentials', 'a model baseUrl inside the cluster, outside the declared egress', (o) => { one(o, 'ModelConfig', 'support-model', 'acme').spec.openAI.baseUrl = 'https://nacos.nacos.svc.cluster.local:8848/v1'; }, { object: 'ModelConfig/acme/support-model', path: 'spec.openAI.baseUrl' }],
  ['credentials', 'an agent runs as another agent\'s ServiceAccount', (o) => { one(o, 'Agent', 'support', 'acme').spec.declarative.deployment.serviceAccountName = 'orchestrator'; }, { object: 'Agent/acme/support', path: 'spec.declarative.deployment.serviceAccountName' }],
  ['credentials', 'a ModelConfig sends another agent\'s A2A token as its API key', (o) => { one(o, 'ModelConfig', 'support-model', 'acme').spec.apiKeySecret = 'orchestrator-a2a-token'; }, { object: 'ModelConfig/acme/support-model', path: 'apiKeySecret' }],
  ['credentials', 'a sandbox runs as an agent\'s ServiceAccount', (o) => { sandboxPod(o).spec.serviceAccountName = 'orchestrator'; }, { object: 'SandboxTemplate/acme/code-runner', path: 'spec.podTemplate.spec.serviceAccountName' }],
  ['credentials', 'a model baseUrl to another https host on the allowed port', (o) => { one(o, 'ModelConfig', 'support-model', 'acme').spec.openAI.baseUrl = 'https://llm-proxy.attacker.example/v1'; }, { object: 'ModelConfig/acme/support-model', path: 'spec.openAI.baseUrl' }],
  ['credentials', 'a long-lived ServiceAccount token Secret', (o) => { o.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { ...meta('controller-token', 'agent-runtime'), annotations: { 'kubernetes.io/service-account.name': 'agent-runtime-controller' } } }); }, { object: 'Secret/agent-runtime/controller-token', path: 'type' }],

  // Quotas.
  ['quotas', 'the tenant quota scoped to Terminating pods', (o) => { one(o, 'ResourceQuota', 'tenant-quota', 'acme').spec.scopes = ['Terminating']; }, { object: 'ResourceQuota/acme/tenant-quota', path: 'spec.scopes' }],
  ['quotas', 'the tenant quota scoped to a PriorityClass', (o) => { one(o, 'ResourceQuota', 'tenant-quota', 'globex').spec.scopeSelector = { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['agent-runtime-sandbox'] }] }; }, { object: 'ResourceQuota/globex/tenant-quota', path: 'spec.scopeSelector' }],
  ['quotas', 'limits.cpu dropped from the quota', (o) => { delete one(o, 'ResourceQuota', 'tenant-quota', 'acme').spec.hard['limits.cpu']; }, { object: 'ResourceQuota/acme/tenant-quota', path: 'spec.hard' }],
  ['quotas', 'load balancers allowed', (o) => { one(o, 'ResourceQuota', 'tenant-quota', 'acme').spec.hard['services.loadbalancers'] = '3'; }, { object: 'ResourceQuota/acme/tenant-quota', path: 'spec.hard["services.loadbalancers"]' }],
  ['quotas', 'limits.memory above the tenant\'s configuration', (o) => { one(o, 'ResourceQuota', 'tenant-quota', 'acme').spec.hard['limits.memory'] = '512Gi'; }, { object: 'ResourceQuota/acme/tenant-quota', path: 'spec.hard["limits.memory"]' }, true],
  ['quotas', 'the LimitRange max above the tenant\'s configuration', (o) => { one(o, 'LimitRange', 'tenant-limits', 'globex').spec.limits[0].max.cpu = '64'; }, { object: 'LimitRange/globex/tenant-limits', path: 'spec.limits[0].max.cpu' }, true],

  // Duplicates: kubectl apply keeps the last copy.
  ['duplicates', 'a second default-deny that selects nothing', (o) => { const p = JSON.parse(JSON.stringify(one(o, 'NetworkPolicy', 'default-deny', 'acme'))); p.spec.podSelector = { matchLabels: { none: 'none' } }; o.push(p); }, { object: 'NetworkPolicy/acme/default-deny', path: 'metadata.name' }],
  ['duplicates', 'a second tenant-developer Role with more rules', (o) => { const r = JSON.parse(JSON.stringify(one(o, 'Role', 'tenant-developer', 'acme'))); r.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }); o.push(r); }, { object: 'Role/acme/tenant-developer', path: 'metadata.name' }],
];

