/**
 * Review judges a model of the platform (issue 22). Each case is a small change of the synthesized
 * prod output that a real API server accepts (validated against the Kubernetes and CRD schemas); the
 * review must report it with a MANDATORY violation naming the object and the weakened field, the
 * baseline mode must report it as a weakening, and an unchanged copy must report nothing.
 *
 * The base is the synthesized prod platform with its JWKS replaced by two fresh keys (one for the
 * public issuer, one for the internal one), so no case depends on the example key the stack config
 * still carries until the gateway fix lands.
 */
import { reviewAgainstBaseline } from '../../policies/baseline-review';
import { checkManifests, type ReportedViolation } from '../../policies/check-manifests';
import type { PolicyConfig } from '../../policies/config';
import { validateAll } from '../support/schema-validator';
import { BASE, CASES, fresh, one, PROD, STACK } from './support/model-mutations';

const RBAC = 'rbac.authorization.k8s.io';
const group = (name: string): any => ({ kind: 'Group', apiGroup: RBAC, name });
const binding = (ns: string, role: string, subject: any): any => ({ apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: `x-${role}`, namespace: ns, labels: { 'app.kubernetes.io/name': 'x' } }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role }, subjects: [subject] });

const _mandatory = (o: readonly any[], config: PolicyConfig): ReportedViolation[] => checkManifests(o, { env: 'prod', config }).violations.filter((v) => v.level === 'mandatory');
const _key = (v: ReportedViolation): string => `${v.ruleId}|${v.object}|${v.path}|${v.message}`;
/** Gateway API kinds have no schema in ../shared/crds. */
const _NO_SCHEMA = /no schema for gateway\.networking\.k8s\.io/;

describe('the base', () => {
  it('is valid and passes the review with no mandatory finding (plain and with the stack\'s configuration)', () => {
    expect(validateAll([...BASE])).toEqual([]);
    expect(_mandatory(BASE, PROD)).toEqual([]);
    expect(_mandatory(BASE, STACK)).toEqual([]);
  });
  it('covers every category with at least two cases', () => {
    const counts: Record<string, number> = {};
    for (const [cat] of CASES) counts[cat] = (counts[cat] ?? 0) + 1;
    for (const cat of ['rbac', 'admission', 'network', 'gateway', 'nacos', 'credentials', 'quotas', 'duplicates']) expect(counts[cat]).toBeGreaterThanOrEqual(2);
  });
});

describe.each(CASES)('%s: %s', (_cat, _name, mutate, expected, needsConfig) => {
  const mutated = fresh();
  mutate(mutated);
  const before = new Set((needsConfig ? _mandatory(BASE, STACK) : _mandatory(BASE, PROD)).map(_key));

  it('is accepted by the schemas', () => {
    expect(validateAll(mutated).filter((e) => !_NO_SCHEMA.test(e.message))).toEqual([]);
  });

  it(`review reports it on ${expected.object} at ${expected.path}`, () => {
    const found = _mandatory(mutated, needsConfig ? STACK : PROD).filter((v) => !before.has(_key(v)));
    const hit = found.filter((v) => v.object === expected.object && v.path.startsWith(expected.path));
    if (hit.length === 0) throw new Error(`no mandatory violation on ${expected.object} at ${expected.path}; got:\n${found.map((v) => `  ${v.ruleId} ${v.object} ${v.path}: ${v.message}`).join('\n') || '  nothing new'}`);
  });

  it('baseline mode reports it as a weakening', () => {
    const r = reviewAgainstBaseline(mutated, BASE, 'prod');
    expect(r.weakenings).toBeGreaterThan(0);
    expect(r.markdown).toContain('weakening');
  });
});

// Gateway API CRDs are not in ../shared/crds, so this case cannot be schema-checked here; the object follows gateway.networking.k8s.io/v1.
it('a Gateway API HTTPRoute to a tenant Service is a route past the jwt-auth matchRules', () => {
  const o = fresh();
  o.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'side-door', namespace: 'acme', labels: { 'app.kubernetes.io/name': 'side-door' } },
    spec: { parentRefs: [{ name: 'higress-gateway', namespace: 'higress-system' }], rules: [{ backendRefs: [{ name: 'orchestrator', port: 8080 }] }] } });
  expect(_mandatory(o, PROD).filter((v) => v.object === 'HTTPRoute/acme/side-door' && v.path === 'spec').map((v) => v.ruleId)).toEqual(['gateway-route-table']);
});

describe('baseline mode', () => {
  it('reports nothing on an unchanged copy', () => {
    const r = reviewAgainstBaseline(fresh(), BASE, 'prod');
    expect(r.weakenings).toBe(0);
    expect(r.diff.removed).toEqual([]);
    expect(r.markdown).toContain('No change to who can do what');
  });
  it('prints the effective-access diff as markdown: the new finding and the access it grants', () => {
    const o = fresh();
    o.push(binding('nacos', 'edit', group('acme-developers')));
    const r = reviewAgainstBaseline(o, BASE, 'prod');
    expect(r.markdown).toMatch(/\| `rbac-effective-access` \| `RoleBinding\/nacos\/x-edit` \| `subjects\[0\]` \|/);
    expect(r.markdown).toMatch(/\*\*rbac\*\*: Group acme-developers may .*pods\/exec.* in nacos/);
  });
  it('reports a raised limit that plain review cannot judge without the configuration', () => {
    const o = fresh();
    one(o, 'ResourceQuota', 'tenant-quota', 'acme').spec.hard.pods = '4000';
    const r = reviewAgainstBaseline(o, BASE, 'prod');
    expect(r.diff.raised.map((x) => x.after?.text)).toEqual(['ResourceQuota acme/tenant-quota pods = 4000']);
  });
});
