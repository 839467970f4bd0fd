import { Testing } from 'cdk8s';
import { findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { byoAgent, tenantChart } from './_example';

/** One tenant with one BYO agent (`byo` merged into the defaults), synthesized. */
function synthByo(byo: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const { chart, tenant } = tenantChart({ name: 'acme' });
  const agent = byoAgent('search');
  tenant.addAgent({ ...agent, byo: { ...agent.byo, ...byo }, ...extra } as any);
  return Testing.synth(chart);
}

describe('BYO agent port', () => {
  const objects = synthByo({ port: 3000 });
  const container = () => findOne(objects, 'Deployment', 'search', 'acme').spec.template.spec.containers[0];

  test('serves A2A on byo.port: container port a2a, which the probes and the Service target name', () => {
    expect(container().ports).toContainEqual({ name: 'a2a', containerPort: 3000, protocol: 'TCP' });
    expect(container().readinessProbe.httpGet.port).toBe('a2a');
    expect(container().livenessProbe.tcpSocket.port).toBe('a2a');
    // The gateway's routes keep addressing Service port 8080; the Service forwards to the named port.
    expect(findOne(objects, 'Service', 'search', 'acme').spec.ports).toEqual([{ name: 'a2a', port: 8080, targetPort: 'a2a', protocol: 'TCP' }]);
    expect(findOne(objects, 'Ingress', 'search-chat', 'acme').spec.rules[0].http.paths[0].backend.service.port).toEqual({ number: 8080 });
  });

  test('tells the agent SDK the port (A2A_PORT), and only when byo.port is set', () => {
    expect(container().env).toContainEqual({ name: 'A2A_PORT', value: '3000' });
    const defaults = findOne(synthByo(), 'Deployment', 'search', 'acme').spec.template.spec.containers[0].env;
    expect(defaults.map((e: { name: string }) => e.name)).not.toContain('A2A_PORT');
  });

  test('fails when byo.env sets A2A_PORT next to byo.port', () => {
    expect(() => synthByo({ port: 3000, env: { A2A_PORT: '8080' } }))
      .toThrow('agent acme/tenant/search: byo.env.A2A_PORT is set by the platform (tracing, calls, identity, card, registry, port); remove it from byo.env');
  });

  test('lets the gateway reach byo.port through the tenant NetworkPolicy', () => {
    const policy = findOne(objects, 'NetworkPolicy', 'allow-gateway-ingress', 'acme');
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3000 }]);
  });

  test('keeps the gateway ports of every agent of the tenant (8080 and 3000)', () => {
    const { chart, tenant } = tenantChart({ name: 'acme' });
    tenant.addAgent(byoAgent('search'));
    const custom = byoAgent('crawl');
    tenant.addAgent({ ...custom, byo: { ...custom.byo, port: 3000 } });
    const policy = findOne(Testing.synth(chart), 'NetworkPolicy', 'allow-gateway-ingress', 'acme');
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 3000 }, { protocol: 'TCP', port: 8080 }]);
  });

  test('changes the output compared with the default port', () => {
    const defaults = synthByo();
    expect(findOne(defaults, 'Deployment', 'search', 'acme').spec.template.spec.containers[0].ports)
      .toContainEqual({ name: 'a2a', containerPort: 8080, protocol: 'TCP' });
    expect(JSON.stringify(objects)).not.toEqual(JSON.stringify(defaults));
  });

  test('every emitted object validates', () => {
    expect(validateAll(objects)).toEqual([]);
  });

  test.each<[string, unknown]>([['zero', 0], ['above 65535', 65536], ['a fraction', 80.5], ['a string', '3000']])('fails on %s', (_name, port) => {
    expect(() => synthByo({ port })).toThrow(`agent acme/tenant/search: byo.port: ${JSON.stringify(port)} is not allowed; use the whole number from 1 to 65535 your image listens on, e.g. 8080`);
  });

  test('fails when byo.port is the metrics port', () => {
    expect(() => synthByo({ port: 9090 }))
      .toThrow('agent acme/tenant/search: byo.port: 9090 is the agent\'s metrics port (metrics.port, default 9090); serve A2A on another port, e.g. 8080, or move metrics.port');
    expect(() => synthByo({ port: 3000 }, { metrics: { port: 3000 } }))
      .toThrow('agent acme/tenant/search: byo.port: 3000 is the agent\'s metrics port');
  });

  test('moves the metrics port clash check to byo.port', () => {
    expect(() => synthByo({ port: 3000 }, { metrics: { port: 8080 } })).not.toThrow();
  });

  test('fails on a port on a declarative agent: kagent owns it', () => {
    const { tenant } = tenantChart({ name: 'acme' });
    const declarative = {
      name: 'helper', skills: byoAgent('helper').skills,
      declarative: { systemMessage: 'Help.', model: { model: 'gpt-4o', apiKeySecret: { name: 'openai', key: 'key' } }, port: 3000 },
    };
    expect(() => tenant.addAgent(declarative as any)).toThrow(
      'agent acme/tenant/helper: declarative.port: 3000 is not allowed; kagent runs declarative agents and owns their port (8080); remove it, or run your own image as a byo agent and set byo.port');
  });
});
