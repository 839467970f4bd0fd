import { CanaryRelease } from '../../constructs/canary-release';
import { AGENT_CARD_KEY, ANNOTATION, LABEL } from '../../constructs/labels';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { byoAgent, FACTS, tenantChart } from './_example';

const PROPS = {
  agent: { name: 'chat', description: 'Customer chat', skills: byoAgent('chat', ['answer']).skills },
  stable: { version: '1.0.0', byo: { image: 'ghcr.io/acme/chat:1.0.0' } },
  canary: { version: '1.1.0', byo: { image: 'ghcr.io/acme/chat:1.1.0' } },
  traffic: { weight: 10 } as { weight?: number; header?: string; headerValue?: string; cookie?: string },
};

function synth(props = PROPS) {
  const { chart, tenant } = tenantChart({ name: 'acme' });
  const release = tenant.addCanaryRelease(props);
  const objects = chart.toJson();
  expect(validateAll(objects)).toEqual([]);
  return { objects, release };
}

describe('CanaryRelease', () => {
  test('matches the snapshot at 10%', () => {
    expect(synth().objects.filter((o) => o.metadata.labels?.[LABEL.agent] === 'chat')).toMatchSnapshot();
  });

  test('runs stable and canary workloads of two versions side by side', () => {
    const { objects } = synth();
    const stable = findOne(objects, 'Deployment', 'chat', 'acme');
    const canary = findOne(objects, 'Deployment', 'chat-canary', 'acme');
    expect(stable.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/chat:1.0.0');
    expect(canary.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/chat:1.1.0');
    expect(stable.spec.selector.matchLabels[LABEL.track]).toBe('stable');
    expect(canary.spec.selector.matchLabels[LABEL.track]).toBe('canary');
    expect(findOne(objects, 'Service', 'chat-canary', 'acme').spec.selector).toEqual(canary.spec.selector.matchLabels);
  });

  test('runs both tracks under the stable track\'s ServiceAccount', () => {
    const { objects } = synth();
    const accounts = ['chat', 'chat-canary'].map((n) => findOne(objects, 'Deployment', n, 'acme').spec.template.spec.serviceAccountName);
    expect(accounts).toEqual(['chat', 'chat']);
    expect(findAll(objects, 'ServiceAccount', 'acme').map((a) => a.metadata.name)).not.toContain('chat-canary');
  });

  test('publishes both AgentCards, only the stable one as latest', () => {
    const { objects } = synth();
    const stable = findOne(objects, 'ConfigMap', 'chat-agent-card', 'acme');
    const canary = findOne(objects, 'ConfigMap', 'chat-canary-agent-card', 'acme');
    expect(stable.metadata.annotations[ANNOTATION.setAsLatest]).toBe('true');
    expect(canary.metadata.annotations[ANNOTATION.setAsLatest]).toBe('false');
    expect(JSON.parse(stable.data[AGENT_CARD_KEY])).toMatchObject({ name: 'chat', version: '1.0.0' });
    expect(JSON.parse(canary.data[AGENT_CARD_KEY])).toMatchObject({ name: 'chat', version: '1.1.0' });
  });

  test('splits traffic by weight with canary Ingresses on the same host and paths', () => {
    const { objects } = synth();
    for (const [primary, canaryName] of [['chat-chat', 'chat-canary-chat'], ['chat-a2a-answer', 'chat-canary-a2a-answer']]) {
      const p = findOne(objects, 'Ingress', primary, 'acme');
      const c = findOne(objects, 'Ingress', canaryName, 'acme');
      expect(p.metadata.annotations['higress.io/canary']).toBeUndefined();
      expect(c.metadata.annotations).toMatchObject({ 'higress.io/canary': 'true', 'higress.io/canary-weight': '10' });
      expect(c.spec.rules[0].host).toBe(p.spec.rules[0].host);
      expect(c.spec.rules[0].http.paths[0].path).toBe(p.spec.rules[0].http.paths[0].path);
      expect(c.spec.rules[0].http.paths[0].backend.service.name).toBe('chat-canary');
    }
  });

  test('routes by header value (user group or region) or by cookie', () => {
    const byHeader = synth({ ...PROPS, traffic: { header: 'x-region', headerValue: 'eu-west' } }).objects;
    expect(findOne(byHeader, 'Ingress', 'chat-canary-chat', 'acme').metadata.annotations).toMatchObject({
      'higress.io/canary': 'true', 'higress.io/canary-by-header': 'x-region', 'higress.io/canary-by-header-value': 'eu-west',
    });
    const byCookie = synth({ ...PROPS, traffic: { cookie: 'beta_tester' } }).objects;
    const ann = findOne(byCookie, 'Ingress', 'chat-canary-chat', 'acme').metadata.annotations;
    expect(ann['higress.io/canary-by-cookie']).toBe('beta_tester');
    expect(ann['higress.io/canary-weight']).toBeUndefined();
  });

  describe('a weight with a header or cookie: header or cookie -> canary, otherwise the weight', () => {
    // Higress' Ingress.CanaryKind() makes any Ingress with a header or cookie a header canary and
    // drops its weight; canary Ingresses of one path compose, each selector in its own Ingress.
    const { objects } = synth({ ...PROPS, traffic: { weight: 10, header: 'x-user-group', headerValue: 'beta', cookie: 'beta_tester' } });
    const canaryOf = (base: string) => findAll(objects, 'Ingress', 'acme').filter((i) => new RegExp(`^${base}(-by-weight|-by-header|-by-cookie|-pinned)?$`).test(i.metadata.name) && i.metadata.annotations['higress.io/canary']);
    const selectors = (i: any) => Object.keys(i.metadata.annotations).filter((k) => /^higress\.io\/canary-(weight|by-)/.test(k)).sort();

    test.each(['chat-canary-chat', 'chat-canary-a2a-answer', 'chat-canary-a2a'])('%s: no canary Ingress carries a weight next to a header or cookie', (base) => {
      const ingresses = canaryOf(base);
      for (const i of ingresses) {
        const kinds = selectors(i);
        expect(kinds.includes('higress.io/canary-weight') && kinds.length > 1).toBe(false);
        expect(kinds.filter((k) => k !== 'higress.io/canary-by-header-value').length).toBe(1);
      }
      const weight = ingresses.find((i) => i.metadata.annotations['higress.io/canary-weight']);
      expect(weight.metadata.name).toBe(base);
      expect(weight.metadata.annotations['higress.io/canary-weight']).toBe('10');
      const header = ingresses.find((i) => i.metadata.annotations['higress.io/canary-by-header'] === 'x-user-group');
      expect(header.metadata.annotations['higress.io/canary-by-header-value']).toBe('beta');
      expect(ingresses.find((i) => i.metadata.annotations['higress.io/canary-by-cookie'] === 'beta_tester')).toBeDefined();
      // All on the stable route's host and path, so Higress finds the same base route for each.
      const stable = findOne(objects, 'Ingress', base.replace('chat-canary', 'chat'), 'acme');
      for (const i of ingresses) {
        expect(i.spec.rules[0].host).toBe(stable.spec.rules[0].host);
        expect(i.spec.rules[0].http.paths[0]).toEqual({ ...stable.spec.rules[0].http.paths[0], backend: { service: { name: 'chat-canary', port: { number: 8080 } } } });
        expect(i.metadata.annotations['higress.io/match-method']).toBe(stable.metadata.annotations['higress.io/match-method']);
      }
    });

    test('A2A routes keep answering calls pinned to the canary version, in an Ingress of their own', () => {
      for (const base of ['chat-canary-a2a-answer', 'chat-canary-a2a']) {
        const pinned = canaryOf(base).find((i) => i.metadata.annotations['higress.io/canary-by-header'] === 'X-A2A-Skill-Version');
        expect(pinned.metadata.annotations['higress.io/canary-by-header-value']).toBe('1.1.0');
      }
      expect(canaryOf('chat-canary-chat').some((i) => i.metadata.annotations['higress.io/canary-by-header'] === 'X-A2A-Skill-Version')).toBe(false);
    });

    test('every canary Ingress is under the routes\' JWT rules', () => {
      const plugin = findOne(objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace);
      const ruled = new Set(plugin.spec.matchRules.flatMap((r: any) => r.ingress));
      for (const i of findAll(objects, 'Ingress', 'acme')) expect(ruled.has(`acme/${i.metadata.name}`)).toBe(true);
    });
  });

  test('a weight alone is a weight Ingress (no header that would make Higress drop it)', () => {
    const { objects } = synth();
    for (const base of ['chat-canary-chat', 'chat-canary-a2a-answer']) {
      const a = findOne(objects, 'Ingress', base, 'acme').metadata.annotations;
      expect(a['higress.io/canary-weight']).toBe('10');
      expect(a['higress.io/canary-by-header']).toBeUndefined();
    }
  });

  test('rolls back with weight 0', () => {
    const { objects } = synth(CanaryRelease.rollback(PROPS));
    expect(findOne(objects, 'Ingress', 'chat-canary-chat', 'acme').metadata.annotations['higress.io/canary-weight']).toBe('0');
  });

  test('promotes by swapping versions, keeping object names so the stable workload rolls forward', () => {
    const before = synth().objects;
    const { objects, release } = synth(CanaryRelease.promote(PROPS));
    expect(release.stable.version).toBe('1.1.0');
    expect(release.canary.version).toBe('1.0.0');
    expect(findOne(objects, 'Deployment', 'chat', 'acme').spec.template.spec.containers[0].image).toBe('ghcr.io/acme/chat:1.1.0');
    expect(findOne(objects, 'Ingress', 'chat-canary-chat', 'acme').metadata.annotations['higress.io/canary-weight']).toBe('0');
    const names = (objs: any[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(objects)).toEqual(names(before));
  });

  test('lets the JWT rules cover both tracks and the directory list the agent once', () => {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    tenant.addCanaryRelease(PROPS);
    const objects = chart.toJson();
    const rules = findOne(objects, 'WasmPlugin', 'jwt-auth-acme', FACTS.gatewayNamespace).spec.matchRules.map((r: any) => r.ingress[0]);
    expect(rules).toEqual(['acme/chat-chat', 'acme/chat-a2a-answer', 'acme/chat-a2a', 'acme/chat-canary-chat', 'acme/chat-canary-a2a-answer', 'acme/chat-canary-a2a', 'acme/chat-canary-card']);
    expect(tenant.directory.list().map((e) => `${e.tenant}/${e.agent}@${e.version}`)).toEqual(['acme/chat@1.0.0']);
    expect(findAll(objects, 'HorizontalPodAutoscaler', 'acme').map((h) => h.metadata.name)).toEqual(['chat', 'chat-canary']);
  });
});
