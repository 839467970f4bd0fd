/**
 * Each dangerous change of issue 12, applied to the synthesized prod platform: the named rule must
 * report it (mandatory unless stated). Then the same through YAML text (kubectl's YAML 1.1) and the CLI.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { checkManifests } from '../../policies/check-manifests';
import { resolveConfig } from '../../policies/config';
import { loadManifests } from '../../policies/load-manifests';
import { synthesizePlatform } from '../../stacks/charts';
import { loadStackConfig } from '../../stacks/config';
import { withOwnKeys } from './support/own-keys';
import { review } from './support/run-review';

const ROOT = path.join(__dirname, '..', '..');
const CHARTS = synthesizePlatform(loadStackConfig('prod', ROOT)).charts.map((c) => ({ ...c, objects: withOwnKeys(c.objects as any[]) }));
const PROD: any[] = CHARTS.flatMap((c) => c.objects);

const fresh = (): any[] => JSON.parse(JSON.stringify(PROD));
const one = (o: any[], kind: string, name: string, ns?: string): any => {
  const found = o.filter((x) => x.kind === kind && x.metadata?.name === name && (ns === undefined || x.metadata?.namespace === ns));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
};
const meta = (name: string, namespace?: string): any => ({ name, ...(namespace ? { namespace } : {}), labels: { 'app.kubernetes.io/name': name } });
const netpol = (name: string, spec: any): any => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, 'acme'), spec: { podSelector: {}, ...spec } });
const crb = (subject: any): any => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta('x'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [subject] });
const rb = (ns: string, role: string, subject: any, kind = 'Role'): any => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('x', ns), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: role }, subjects: [subject] });
const orchestrator = (o: any[]): any => one(o, 'Deployment', 'orchestrator', 'acme');
const sandboxPod = (o: any[]): any => one(o, 'SandboxTemplate', 'code-runner').spec.podTemplate.spec;
const container = (o: any[]): any => orchestrator(o).spec.template.spec.containers[0];
const privilegedPod = (): any => ({ containers: [{ name: 'x', image: 'ghcr.io/acme/x:1.0.0', securityContext: { privileged: true } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] });

/** [case, rule, mutation, level]. */
const CASES: [string, string, (o: any[]) => void, ('mandatory' | 'advisory')?][] = [
  // RBAC
  ['Role with escalate/bind/impersonate', 'rbac-least-privilege', (o) => { one(o, 'Role', 'tenant-developer', 'acme').rules.push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'users'], verbs: ['escalate', 'bind', 'impersonate'] }); }],
  ['get on secrets without resourceNames', 'rbac-least-privilege', (o) => { one(o, 'Role', 'tenant-developer', 'acme').rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }); }],
  ['ClusterRoleBinding of a tenant group to cluster-admin', 'rbac-least-privilege', (o) => { o.push(crb({ kind: 'Group', name: 'acme-developers', apiGroup: 'rbac.authorization.k8s.io' })); }],
  ['ClusterRoleBinding of system:serviceaccounts:<tenant>', 'rbac-least-privilege', (o) => { o.push(crb({ kind: 'Group', name: 'system:serviceaccounts:acme', apiGroup: 'rbac.authorization.k8s.io' })); }],
  ['RoleBinding in another tenant for this tenant\'s group', 'rbac-least-privilege', (o) => { o.push(rb('globex', 'tenant-developer', { kind: 'Group', name: 'acme-developers', apiGroup: 'rbac.authorization.k8s.io' })); }],
  ['RoleBinding to the built-in admin ClusterRole', 'rbac-least-privilege', (o) => { o.push(rb('acme', 'admin', { kind: 'Group', name: 'acme-developers', apiGroup: 'rbac.authorization.k8s.io' }, 'ClusterRole')); }],
  ['subject system:authenticated', 'rbac-least-privilege', (o) => { one(o, 'RoleBinding', 'tenant-developer', 'acme').subjects.push({ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }); }],
  ['ServiceAccount of another tenant in a RoleBinding', 'rbac-least-privilege', (o) => { o.push(rb('acme', 'tenant-developer', { kind: 'ServiceAccount', name: 'researcher', namespace: 'globex' })); }],
  // Network
  ['ExternalName Service in a tenant', 'tenant-default-deny-netpol', (o) => { o.push({ apiVersion: 'v1', kind: 'Service', metadata: meta('out', 'acme'), spec: { type: 'ExternalName', externalName: 'evil.example.com' } }); }],
  ['ingress from 0.0.0.0/0', 'tenant-default-deny-netpol', (o) => { o.push(netpol('open-in', { policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })); }],
  ['namespaceSelector with Exists', 'tenant-default-deny-netpol', (o) => { o.push(netpol('all-ns', { policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] } }] }] })); }],
  ['egress to another tenant', 'tenant-default-deny-netpol', (o) => { o.push(netpol('to-globex', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'globex' } } }] }] })); }],
  ['egress to 0.0.0.0/0 on all ports', 'tenant-default-deny-netpol', (o) => { o.push(netpol('to-all', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })); }],
  ['SandboxTemplate networkPolicy opened', 'tenant-default-deny-netpol', (o) => { one(o, 'SandboxTemplate', 'code-runner').spec.networkPolicy.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }); }],
  ['SandboxTemplate networkPolicy Unmanaged', 'tenant-default-deny-netpol', (o) => { one(o, 'SandboxTemplate', 'code-runner').spec.networkPolicyManagement = 'Unmanaged'; }],
  // Sandboxes and pods
  ['RuntimeClass gvisor with handler runc', 'sandbox-runtimeclass-allowlist', (o) => { one(o, 'RuntimeClass', 'gvisor').handler = 'runc'; }],
  ['a sandbox token through its ServiceAccount', 'no-sa-token-automount', (o) => { delete sandboxPod(o).automountServiceAccountToken; sandboxPod(o).serviceAccountName = 'orchestrator'; one(o, 'ServiceAccount', 'orchestrator').automountServiceAccountToken = true; }],
  ['KEDA ScaledJob privileged with hostPath', 'pss-restricted', (o) => { o.push({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: meta('job', 'acme'), spec: { jobTargetRef: { template: { spec: privilegedPod() } }, triggers: [] } }); }],
  ['kagent Agent: compliant byo decoy beside a privileged declarative', 'pss-restricted', (o) => {
    const agent = one(o, 'Agent', 'support');
    agent.spec.type = 'BYO';
    agent.spec.byo = { deployment: { image: 'ghcr.io/acme/decoy:1.0.0', ...JSON.parse(JSON.stringify(agent.spec.declarative.deployment)) } };
    agent.spec.declarative.deployment.securityContext.privileged = true;
  }],
  ['a custom resource with a pod template', 'pss-restricted', (o) => { o.push({ apiVersion: 'example.com/v1', kind: 'Runner', metadata: meta('r', 'acme'), spec: { template: { spec: privilegedPod() } } }); }],
  ['AppArmor Unconfined', 'pss-restricted', (o) => { container(o).securityContext.appArmorProfile = { type: 'Unconfined' }; }],
  ['procMount Unmasked', 'pss-restricted', (o) => { container(o).securityContext.procMount = 'Unmasked'; }],
  ['SELinux spc_t', 'pss-restricted', (o) => { orchestrator(o).spec.template.spec.securityContext.seLinuxOptions = { type: 'spc_t' }; }],
  ['unsafe sysctls', 'pss-restricted', (o) => { orchestrator(o).spec.template.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; }],
  ['platform namespace nacos set to enforce=privileged', 'pss-restricted', (o) => { one(o, 'Namespace', 'nacos').metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged'; }],
  // Secrets
  ['literal stringData', 'secrets-not-plaintext', (o) => { o.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta('k', 'acme'), stringData: { 'api-key': 'hunter2' } }); }],
  ['env OPENAI_KEY=sk-…', 'secrets-not-plaintext', (o) => { container(o).env.push({ name: 'OPENAI_KEY', value: 'sk-proj-0123456789abcdefghijklmnop' }); }],
  ['--openai-api-key=sk-… in args', 'secrets-not-plaintext', (o) => { container(o).args = ['--openai-api-key=sk-proj-0123456789abcdefghijklmnop']; }],
  ['literal Authorization in ModelConfig headers', 'secrets-not-plaintext', (o) => { one(o, 'ModelConfig', 'support-model').spec.defaultHeaders.Authorization = 'Bearer abcdefghijklmnopqrstuvwxyz'; }],
  ['a key in a ConfigMap value', 'secrets-not-plaintext', (o) => { o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings', 'acme'), data: { 'config.yaml': 'model: gpt\nkey: sk-proj-0123456789abcdefghijklmnop\n' } }); }],
  // Gateway
  ['an Ingress of class nginx to a tenant agent', 'gateway-authn-required', (o) => { const i = JSON.parse(JSON.stringify(o.find((x) => x.kind === 'Ingress' && x.metadata.namespace === 'acme'))); i.metadata.name = 'side-door'; i.spec.ingressClassName = 'nginx'; o.push(i); }],
  ['an Ingress in higress-system with higress.io/destination to a tenant Service', 'gateway-authn-required', (o) => {
    o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { ...meta('backdoor', 'higress-system'), annotations: { 'higress.io/destination': 'orchestrator.acme.svc.cluster.local:8080' } },
      spec: { ingressClassName: 'higress', tls: [{ hosts: ['agents.example.com'], secretName: 't' }], rules: [{ host: 'agents.example.com', http: { paths: [{ path: '/x', pathType: 'Prefix', backend: { resource: { apiGroup: 'networking.higress.io', kind: 'McpBridge', name: 'default' } } }] } }] } });
  }],
  ['jwt-auth FAIL_OPEN', 'gateway-authn-required', (o) => { one(o, 'WasmPlugin', 'jwt-auth').spec.failStrategy = 'FAIL_OPEN'; }],
  ['Nacos with auth disabled', 'gateway-authn-required', (o) => { one(o, 'StatefulSet', 'nacos').spec.template.spec.containers[0].env.find((e: any) => e.name === 'NACOS_AUTH_ENABLE').value = 'false'; }],
  ['an Ingress without a class (advisory only)', 'gateway-authn-required', (o) => { delete o.find((x) => x.kind === 'Ingress' && x.metadata.namespace === 'acme').spec.ingressClassName; }, 'advisory'],
  // Context
  ['a relabelled tenant namespace', 'review-context', (o) => { one(o, 'Namespace', 'acme').metadata.labels['agentruntime.io/role'] = 'platform'; }],
  ['a relabelled tenant namespace is still held to the tenant rules', 'pss-restricted', (o) => { const l = one(o, 'Namespace', 'acme').metadata.labels; l['agentruntime.io/role'] = 'platform'; delete l['agentruntime.io/tenant']; l['pod-security.kubernetes.io/enforce'] = 'baseline'; }],
  ['a partial set (the tenant Namespace left out)', 'review-context', (o) => { o.splice(o.indexOf(one(o, 'Namespace', 'acme')), 1); }],
  // Cases of our own
  ['a privileged init container', 'pss-restricted', (o) => { orchestrator(o).spec.template.spec.initContainers = [{ ...container(o), name: 'init', securityContext: { ...container(o).securityContext, privileged: true } }]; }],
  ['an ephemeral debug container with hostPID', 'pss-restricted', (o) => { const p = orchestrator(o).spec.template.spec; p.hostPID = true; p.ephemeralContainers = [{ name: 'dbg', image: 'ghcr.io/acme/dbg:1.0.0' }]; }],
  ['a CronJob whose pods share the host network', 'pss-restricted', (o) => { o.push({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cj', 'acme'), spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { ...JSON.parse(JSON.stringify(orchestrator(o).spec.template.spec)), hostNetwork: true } } } } } }); }],
  ['a PodTemplate with a hostPath volume', 'pss-restricted', (o) => { o.push({ apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('pt', 'acme'), template: { spec: privilegedPod() } }); }],
  ['an Ingress to a tenant by the legacy class annotation', 'gateway-authn-required', (o) => { const i = JSON.parse(JSON.stringify(o.find((x) => x.kind === 'Ingress' && x.metadata.namespace === 'acme'))); i.metadata.name = 'legacy'; delete i.spec.ingressClassName; i.metadata.annotations = { ...i.metadata.annotations, 'kubernetes.io/ingress.class': 'nginx' }; o.push(i); }],
  ['jwt-auth matchRules disabled by the string "true"', 'gateway-authn-required', (o) => { for (const r of one(o, 'WasmPlugin', 'jwt-auth-acme').spec.matchRules) r.configDisable = 'true'; }],
  ['namespaceSelector with NotIn', 'tenant-default-deny-netpol', (o) => { o.push(netpol('not-in', { policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } }] }] })); }],
  ['egress to the internet as two /1 halves on all ports', 'tenant-default-deny-netpol', (o) => { o.push(netpol('halves', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/1' } }, { ipBlock: { cidr: '128.0.0.0/1' } }] }] })); }],
  ['a RoleBinding of another tenant\'s ServiceAccounts group', 'rbac-least-privilege', (o) => { o.push(rb('acme', 'tenant-developer', { kind: 'Group', name: 'system:serviceaccounts:globex', apiGroup: 'rbac.authorization.k8s.io' })); }],
  ['a Secret with base64 data', 'secrets-not-plaintext', (o) => { o.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta('b64', 'acme'), data: { token: 'aHVudGVyMg==' } }); }],
  ['a client secret as the next argument', 'secrets-not-plaintext', (o) => { container(o).args = ['--client-secret', 'hunter2hunter2']; }],
  ['a private key in a container command', 'secrets-not-plaintext', (o) => { container(o).command = ['sh', '-c', 'echo "-----BEGIN RSA PRIVATE KEY-----" > /tmp/k']; }],
  ['a RuntimeClass allowed for sandboxes with no handler', 'sandbox-runtimeclass-allowlist', (o) => { delete one(o, 'RuntimeClass', 'gvisor').handler; }],
  ['a NetworkPolicy without namespace', 'review-context', (o) => { const n = netpol('anywhere', { policyTypes: ['Ingress'], ingress: [{}] }); delete n.metadata.namespace; o.push(n); }],
];

it('fails a platform-only output when the platform lists tenants (a pruning deploy would delete them)', () => {
  const config = resolveConfig('prod', { all: { tenants: { acme: ['acme-developers'], globex: ['globex-developers'] } } });
  expect(checkManifests(PROD, { env: 'prod', config }).verdict).toBe('pass');
  const platformOnly = CHARTS.filter((c) => c.name.startsWith('platform')).flatMap((c) => c.objects);
  const found = checkManifests(platformOnly, { env: 'prod', config }).violations.filter((v) => v.ruleId === 'review-context' && v.level === 'mandatory');
  expect(found.map((v) => v.message)).toEqual([expect.stringContaining('tenant "acme"'), expect.stringContaining('tenant "globex"')]);
});

describe('the synthesized prod platform', () => {
  it('passes as synthesized', () => {
    expect(checkManifests(PROD, { env: 'prod' }).violations.filter((v) => v.level === 'mandatory')).toEqual([]);
  });
  it.each(CASES)('fails on %s (%s)', (_name, rule, mutate, level = 'mandatory') => {
    const objs = fresh();
    mutate(objs);
    const found = checkManifests(objs, { env: 'prod' }).violations.filter((v) => v.ruleId === rule && v.level === level);
    expect(found.length).toBeGreaterThan(0);
  });
});

/** The prod output as files, `extra` YAML text appended in its own file. */
function writeProd(extra?: string, name = 'extra.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-'));
  fs.writeFileSync(path.join(dir, 'all.yaml'), PROD.map((o) => yaml.dump(o, { noRefs: true })).join('---\n'));
  if (extra !== undefined) fs.writeFileSync(path.join(dir, name), extra);
  return dir;
}

/** A compliant object of the output, as YAML text (flow JSON) with `mark` replaced by raw YAML. */
function variant(kind: string, name: string, edit: (o: any) => void, mark: string, raw: string): string {
  const o = JSON.parse(JSON.stringify(one(PROD, kind, name)));
  o.metadata.name = `${name}-v`;
  edit(o);
  return JSON.stringify(o).replace(`"${mark}":"${mark}"`, raw);
}

describe('YAML read as kubectl reads it (YAML 1.1, merge keys)', () => {
  const rulesOf = (dir: string): string[] => {
    const loaded = loadManifests([dir]);
    return checkManifests(loaded.objects, { env: 'prod' }).violations.filter((v) => v.level === 'mandatory').map((v) => `${v.ruleId} ${v.object} ${v.path}`);
  };
  it.each([
    ['hostNetwork: yes', 'pss-restricted', variant('Deployment', 'orchestrator', (o) => { o.spec.template.spec.M = 'M'; }, 'M', 'hostNetwork: yes')],
    ['automountServiceAccountToken: on (sandbox)', 'no-sa-token-automount', variant('SandboxTemplate', 'code-runner', (o) => { delete o.spec.podTemplate.spec.automountServiceAccountToken; o.spec.podTemplate.spec.M = 'M'; }, 'M', 'automountServiceAccountToken: on')],
    ['jwt-auth configDisable: yes', 'gateway-authn-required', variant('WasmPlugin', 'jwt-auth-acme', (o) => { o.metadata.name = 'jwt-auth-acme'; for (const r of o.spec.matchRules) r.M = 'M'; }, 'M', 'configDisable: yes')],
    ['a << merge key after explicit keys', 'pss-restricted', variant('Deployment', 'orchestrator', (o) => { o.spec.template.spec.containers[0].securityContext.M = 'M'; }, 'M', '<<: {privileged: true, allowPrivilegeEscalation: true}')],
  ])('%s is read as true', (_name, rule, text) => {
    const dir = writeProd();
    // The variant replaces its original (same file order as kubectl would apply).
    if (rule === 'gateway-authn-required') {
      fs.writeFileSync(path.join(dir, 'all.yaml'), PROD.filter((o) => !(o.kind === 'WasmPlugin' && o.metadata.name === 'jwt-auth-acme')).map((o) => yaml.dump(o, { noRefs: true })).join('---\n'));
    }
    fs.writeFileSync(path.join(dir, 'variant.yaml'), text);
    expect(rulesOf(dir).filter((r) => r.startsWith(rule)).length).toBeGreaterThan(0);
    fs.rmSync(dir, { recursive: true });
  });
  it('reads y/n, on/off, legacy octal and keeps timestamps as strings, like go-yaml v2', () => {
    const dir = writeProd('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: acme}\ndata: {a: yes, b: off, c: 0755, d: 2001-01-01}\n');
    const cm = loadManifests([path.join(dir, 'extra.yaml')]).objects[0];
    expect(cm.data).toEqual({ a: true, b: false, c: 493, d: '2001-01-01' });
    fs.rmSync(dir, { recursive: true });
  });
});


describe('review CLI fails closed', () => {
  it('reads dot-files, since kubectl applies them', async () => {
    const dir = writeProd(yaml.dump({ apiVersion: 'v1', kind: 'Pod', metadata: meta('p', 'acme'), spec: privilegedPod() }), '.hidden.yaml');
    const r = await review(dir, '--env', 'prod');
    expect(r.code).toBe(1);
    expect(r.out).toContain('pss-restricted  Pod/acme/p');
  });
  it.each([
    ['an empty folder', () => fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')), /no Kubernetes objects found/],
    ['/etc/passwd', () => '/etc/passwd', /no Kubernetes objects found|invalid YAML/],
    ['null documents', () => _file('---\n---\n~\n'), /no Kubernetes objects found/],
    ['an object without apiVersion', () => _file('kind: Pod\nmetadata: {name: p}\n'), /not a Kubernetes object/],
    ['/dev/zero', () => '/dev/zero', /is a device; review reads regular files only/],
  ])('exits 2 on %s', async (_name, target, message) => {
    const r = await review(target(), '--env', 'prod');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
  it('passes an empty folder with --allow-empty', async () => {
    expect((await review(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')), '--allow-empty')).code).toBe(0);
  });
  it('exits 2 at once on a FIFO in a reviewed folder (a real process: a hang would time out)', () => {
    const dir = writeProd();
    const fifo = path.join(dir, 'pipe.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'agent-runtime.js'), 'review', dir, '--env', 'prod'], { encoding: 'utf8', timeout: 60000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('pipe.yaml: is a FIFO');
  });
  it('refuses a flag given twice', async () => {
    const r = await review(writeProd(), '--env', 'prod', '--env', 'dev');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--env is given 2 times');
  });
  it('refuses an unknown rule id in --config', async () => {
    const r = await review(writeProd(), '--env', 'prod', '--config', _file('prod:\n  enforcement: {pss-restrictd: advisory}\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('prod.enforcement.pss-restrictd: unknown rule id');
  });
  it.each(['tenant-acme', 'tenant-globex', 'platform', 'platform-base'])('passes chart %s reviewed alone (no mandatory false positive)', async (chart) => {
    const c = CHARTS.find((x) => x.name === chart)!;
    const r = await review(_file(c.objects.map((o) => yaml.dump(o, { noRefs: true })).join('---\n')), '--env', 'prod');
    expect(r.out).toMatch(/^PASS \(prod\): 0 mandatory/m);
    expect(r.code).toBe(0);
  });
});

function _file(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'review-')), 'f.yaml');
  fs.writeFileSync(file, text);
  return file;
}
