import { RULES } from '../../policies/rules';
import { asResource, PackUnderTest } from './support/analyzer-client';
import { baseline, findOne } from './support/baseline';
import { BASE, CASES } from './support/model-mutations';

/** Per resource-level rule: the baseline object that passes, and a mutation of it that fails. */
const RESOURCE_CASES: Record<string, [kind: string, name: string, mutate: (o: any) => void]> = {
  'sandbox-runtimeclass-allowlist': ['SandboxTemplate', 'python', (o) => { o.spec.podTemplate.spec.runtimeClassName = 'runc'; }],
  'pss-restricted': ['Deployment', 'billing', (o) => { o.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true; }],
  'no-sa-token-automount': ['SandboxTemplate', 'python', (o) => { o.spec.podTemplate.spec.automountServiceAccountToken = true; }],
  'rbac-least-privilege': ['Role', 'developers', (o) => { o.rules = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]; }],
  'no-public-control-plane': ['Service', 'nacos', (o) => { o.spec.type = 'LoadBalancer'; }],
  'gateway-authn-required': ['Ingress', 'billing-chat', (o) => { delete o.spec.tls; }],
  'secrets-not-plaintext': ['StatefulSet', 'nacos', (o) => { o.spec.template.spec.containers[0].env.push({ name: 'NACOS_AUTH_TOKEN', value: 'c2VjcmV0' }); }],
  'requests-limits': ['SandboxTemplate', 'python', (o) => { o.spec.podTemplate.spec.containers[0].resources = { requests: { cpu: '100m' } }; }],
  'image-provenance': ['Deployment', 'billing', (o) => { o.spec.template.spec.containers[0].image = 'ghcr.io/acme/agent:latest'; }],
  'registry-ha': ['StatefulSet', 'nacos', (o) => { o.spec.replicas = 2; }],
  'hpa-sane': ['HorizontalPodAutoscaler', 'billing', (o) => { o.spec.minReplicas = 5; o.spec.maxReplicas = 2; }],
  'probes-required': ['StatefulSet', 'nacos', (o) => { delete o.spec.template.spec.containers[0].readinessProbe; }],
  'agentcard-hygiene': ['ConfigMap', 'billing-agent-card', (o) => { o.data['agent-card.json'] = JSON.stringify({ ...JSON.parse(o.data['agent-card.json']), url: 'http://0.0.0.0:8080/' }); }],
  'canary-sanity': ['Ingress', 'billing-chat-canary', (o) => { o.metadata.annotations['higress.io/canary-weight'] = '150'; }],
  'labels-required': ['Deployment', 'billing', (o) => { delete o.metadata.labels['app.kubernetes.io/name']; }],
  'no-default-namespace': ['Service', 'billing', (o) => { o.metadata.namespace = 'default'; }],
  'no-deprecated-apis': ['SandboxTemplate', 'python', (o) => { o.apiVersion = 'extensions.agents.x-k8s.io/v1alpha1'; }],
  'no-bare-pods': ['Pod', 'debug', () => undefined],
  'review-context': ['Service', 'billing', (o) => { delete o.metadata.namespace; }],
  'tenant-default-deny-netpol': ['Service', 'billing', (o) => { o.spec = { type: 'ExternalName', externalName: 'example.com' }; }],
  'admission-scheduling': ['Deployment', 'billing', (o) => { o.spec.template.spec.priorityClassName = 'system-cluster-critical'; }],
};

/** A compliant bare Pod exists nowhere in the baseline; build one for no-bare-pods' object. */
function objectFor(kind: string, name: string): any {
  const objs = baseline();
  if (kind === 'Pod') return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'acme', labels: { 'app.kubernetes.io/name': name } }, spec: findOne(objs, 'Deployment', 'billing').spec.template.spec };
  return findOne(objs, kind, name);
}

describe('CrossGuard pack over Pulumi analyzer gRPC (prod levels)', () => {
  let pack: PackUnderTest;
  beforeAll(async () => {
    pack = await PackUnderTest.start('prod');
  }, 120000);
  afterAll(() => pack?.stop());

  it('serves every rule as a policy, with config schemas and prod levels', async () => {
    const info = await pack.info();
    const names = info.map((p) => p.name);
    for (const rule of RULES) {
      expect(names).toContain(rule.id);
      if (rule.check && rule.checkSet) expect(names).toContain(`${rule.id}-stack`);
    }
    expect(names).toContain('protect-stateful');
    expect(info.find((p) => p.name === 'pss-restricted')!.level).toBe('mandatory');
    expect(info.find((p) => p.name === 'probes-required')!.level).toBe('advisory');
    expect(info.find((p) => p.name === 'sandbox-runtimeclass-allowlist')!.configKeys.sort()).toEqual(['providerManagedRuntimeClasses', 'runtimeClasses', 'sandboxRuntimeHandlers']);
  });

  it('covers every resource-level rule in this test', () => {
    expect(Object.keys(RESOURCE_CASES).sort()).toEqual(RULES.filter((r) => r.check).map((r) => r.id).sort());
  });

  describe.each(Object.entries(RESOURCE_CASES))('Analyze %s', (id, [kind, name, mutate]) => {
    it('reports nothing of this rule for the compliant resource', async () => {
      if (id === 'no-bare-pods') return; // every Pod violates it: its passing case is the Deployment below
      const diags = await pack.analyze(asResource(objectFor(kind, name)));
      expect(diags.filter((d) => d.policyName === id)).toEqual([]);
    });
    it('reports the rule id and object for the failing resource', async () => {
      const obj = objectFor(kind, name);
      mutate(obj);
      const diags = (await pack.analyze(asResource(obj))).filter((d) => d.policyName === id);
      const ref = obj.metadata.namespace ? `${kind}/${obj.metadata.namespace}/${name}` : `${kind}/${name}`;
      expect(diags.length).toBeGreaterThan(0);
      expect(diags[0].message).toContain(ref);
      expect(diags[0].enforcementLevel).toBe(RULES.find((r) => r.id === id)!.enforcement.prod);
    });
  });

  it('does not apply no-bare-pods to a Deployment', async () => {
    const diags = await pack.analyze(asResource(objectFor('Deployment', 'billing')));
    expect(diags.filter((d) => d.policyName === 'no-bare-pods')).toEqual([]);
  });

  it('skips findings under values unknown at preview', async () => {
    const obj = objectFor('Deployment', 'billing');
    obj.spec.template.spec.containers[0].image = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
    const diags = await pack.analyze(asResource(obj));
    expect(diags.filter((d) => d.policyName === 'image-provenance')).toEqual([]);
    expect(diags.filter((d) => /can't run/.test(d.message))).toEqual([]);
  });

  it('AnalyzeStack passes the compliant stack (Nacos protected)', async () => {
    const diags = await pack.analyzeStack(baseline().map((o) => asResource(o, o.metadata?.namespace === 'nacos' && o.kind === 'StatefulSet')));
    expect(diags).toEqual([]);
  });

  it('AnalyzeStack reports cross-object rules with the object and resource urn', async () => {
    const objs = baseline().filter((o) => !(o.kind === 'LimitRange') && !(o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-dns'));
    findOne(objs, 'WasmPlugin', 'jwt-auth-public').spec.matchRules[0].ingress = ['acme/billing-chat-canary'];
    const diags = await pack.analyzeStack(objs.map((o) => asResource(o)));
    const by = (name: string): string[] => diags.filter((d) => d.policyName === name).map((d) => d.message.split('\n').pop()!.split(' at ')[0]);
    expect(by('tenant-quota-limitrange')).toEqual(['Namespace/acme']);
    expect(by('tenant-default-deny-netpol-stack')).toEqual(['Namespace/acme']);
    expect(by('gateway-authn-required-stack')).toEqual(['Ingress/acme/billing-chat']);
    expect(by('protect-stateful')).toEqual(['StatefulSet/nacos/nacos: stateful registry object is not protected; fix: set protect: true and retainOnDelete: true']);
    const d = diags.find((x) => x.policyName === 'tenant-quota-limitrange')!;
    expect(d.urn).toBe('urn:pulumi:test::agent-runtime::kubernetes:core/v1:Namespace::-acme');
    expect(d.enforcementLevel).toBe('mandatory');
  });

  // The model's rules judge the whole stack: the same mutations as review, through AnalyzeStack.
  it('AnalyzeStack passes the synthesized prod platform (with its own keys)', async () => {
    const diags = await pack.analyzeStack(BASE.map((o) => asResource(o, o.kind === 'StatefulSet' && o.metadata?.namespace === 'nacos')));
    expect(diags.filter((d) => d.enforcementLevel === 'mandatory').map((d) => `${d.policyName}: ${d.message}`)).toEqual([]);
  }, 60000);

  // Cases judged against the tenant's configuration need it as policy config (`--stack` in review); the rest run as is.
  it.each(CASES.filter((c) => !c[4]).map((c) => [c[0], c[1], c]))('preview catches %s: %s', async (_cat, _name, [, , mutate, expected]) => {
    const objs = JSON.parse(JSON.stringify(BASE));
    mutate(objs);
    const before = new Set(BASE.map((o) => JSON.stringify(o)));
    const resources = objs.map((o: any) => asResource(o, o.kind === 'StatefulSet' && o.metadata?.namespace === 'nacos'));
    const changed = resources.filter((_r: unknown, i: number) => !before.has(JSON.stringify(objs[i])));
    const diags = [...await pack.analyzeStack(resources), ...(await Promise.all(changed.map((r: any) => pack.analyze(r)))).flat()];
    const hit = diags.filter((d) => d.enforcementLevel === 'mandatory' && d.message.includes(`${expected.object} at ${expected.path}`));
    expect(hit.map((d) => d.message).slice(0, 1)).toEqual([expect.stringContaining(expected.object)]);
  }, 60000);
});
