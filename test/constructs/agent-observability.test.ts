import { Testing } from 'cdk8s';
import { AgentRuntimePlatform } from '../../constructs/agent-runtime-platform';
import { LABEL } from '../../constructs/labels';
import { AGENT_METRICS } from '../../constructs/observability/platform-monitoring';
import { PlatformFacts } from '../../constructs/platform-facts';
import { A2A_TRACE_HEADERS } from '../../constructs/skill-resilience';
import { PLATFORM_PROPS } from '../support/fixtures';
import { findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { byoAgent, FACTS, tenantChart } from './_example';

const TRACED: PlatformFacts = {
  ...FACTS,
  tracing: { endpoint: 'http://otel-collector.observability.svc.cluster.local:4317', samplingPercent: 10, collectorNamespace: 'observability', collectorPort: 4317 },
};

const DECLARATIVE = {
  model: { model: 'gpt-4o-2024-08-06', apiKeySecret: { name: 'openai', key: 'api-key' } },
  systemMessage: 'Be brief.',
};

function build(facts: PlatformFacts = TRACED) {
  const { chart, tenant } = tenantChart({ name: 'acme' }, undefined, facts);
  tenant.addAgent({ ...byoAgent('search', ['web']), version: '1.4.2' });
  tenant.addAgent({ ...byoAgent('stats'), metrics: { port: 9464, path: '/stats/prometheus' } });
  tenant.addAgent({ name: 'helper', declarative: DECLARATIVE, skills: byoAgent('helper').skills });
  return chart.toJson();
}

const env = (list: Array<{ name: string; value: string }>) => Object.fromEntries(list.map((e) => [e.name, e.value]));

describe('agent metrics', () => {
  const objects = build();

  test('every emitted object validates', () => {
    expect(validateAll(objects)).toEqual([]);
  });

  test('BYO agent pods name a metrics port (9090 by default) and carry the metrics path the PodMonitor reads', () => {
    const pod = findOne(objects, 'Deployment', 'search', 'acme').spec.template;
    expect(pod.spec.containers[0].ports).toContainEqual({ name: AGENT_METRICS.port, containerPort: 9090, protocol: 'TCP' });
    expect(pod.metadata.annotations).toEqual({ [AGENT_METRICS.pathAnnotation]: '/metrics' });
    expect(pod.metadata.labels[LABEL.role]).toBe('agent');
  });

  test('takes the metrics port and path from the props', () => {
    const pod = findOne(objects, 'Deployment', 'stats', 'acme').spec.template;
    expect(pod.spec.containers[0].ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
    expect(pod.metadata.annotations[AGENT_METRICS.pathAnnotation]).toBe('/stats/prometheus');
  });

  test('declarative agent pods get the metrics path annotation through kagent', () => {
    const d = findOne(objects, 'Agent', 'helper', 'acme').spec.declarative.deployment;
    expect(d.annotations).toEqual({ [AGENT_METRICS.pathAnnotation]: '/metrics' });
  });

  test('lets Prometheus (namespace monitoring) into agent pods on the metrics ports only', () => {
    const np = findOne(objects, 'NetworkPolicy', 'allow-prometheus-scrape', 'acme').spec;
    expect(np.podSelector).toEqual({ matchLabels: { [LABEL.role]: 'agent' } });
    expect(np.policyTypes).toEqual(['Ingress']);
    expect(np.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { [LABEL.name]: 'prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 9090 }, { protocol: 'TCP', port: 9464 }],
    }]);
  });

  test('takes the Prometheus namespace and pods from the platform facts', () => {
    const np = findOne(build({ ...FACTS, prometheus: { namespace: 'observability', podLabels: { app: 'prom' } } }), 'NetworkPolicy', 'allow-prometheus-scrape', 'acme').spec;
    expect(np.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { app: 'prom' } } }]);
  });

  test('fails when the metrics port is the A2A port', () => {
    const { tenant } = tenantChart({ name: 'acme' });
    expect(() => tenant.addAgent({ ...byoAgent('search'), metrics: { port: 8080 } }))
      .toThrow('agent acme/tenant/search: metrics.port: 8080 is not allowed; use a TCP port other than the A2A port 8080, e.g. 9090');
  });
});

describe('agent traces', () => {
  const objects = build();

  test('BYO agents get the OpenTelemetry environment of the platform collector', () => {
    const c = findOne(objects, 'Deployment', 'search', 'acme').spec.template.spec.containers[0];
    expect(env(c.env)).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc.cluster.local:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_SERVICE_NAME: 'acme.search',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      OTEL_PROPAGATORS: 'tracecontext,baggage',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=acme,service.version=1.4.2,agentruntime.tenant=acme,agentruntime.agent=search,agentruntime.track=stable',
      // The SDK contract, set with or without tracing (test/constructs/agent.test.ts, "what the SDK reads").
      A2A_AGENT: 'acme/search',
      A2A_AGENT_CARD_FILE: '/etc/agentruntime/agent-card/agent-card.json',
    });
  });

  test('declarative agents get the same environment through kagent deployment.env', () => {
    const e = env(findOne(objects, 'Agent', 'helper', 'acme').spec.declarative.deployment.env);
    expect(e.OTEL_SERVICE_NAME).toBe('acme.helper');
    expect(e.OTEL_TRACES_SAMPLER_ARG).toBe('0.1');
  });

  test('agents may reach the collector, on its port only', () => {
    const np = findOne(objects, 'NetworkPolicy', 'allow-tracing-egress', 'acme').spec;
    expect(np.podSelector).toEqual({ matchLabels: { [LABEL.role]: 'agent' } });
    expect(np.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }], ports: [{ protocol: 'TCP', port: 4317 }] }]);
  });

  test('without platform tracing agents get no OTEL environment and no collector egress', () => {
    const plain = build(FACTS);
    expect(findOne(plain, 'Deployment', 'search', 'acme').spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(['A2A_AGENT', 'A2A_AGENT_CARD_FILE']);
    expect(plain.some((o) => o.metadata.name === 'allow-tracing-egress')).toBe(false);
  });

  test('the platform hands its gateway tracing config to tenants as facts', () => {
    const platform = new AgentRuntimePlatform(Testing.chart(), 'platform', {
      ...PLATFORM_PROPS,
      gateway: { ...PLATFORM_PROPS.gateway, tracing: { service: 'otel-collector.observability.svc.cluster.local', port: 4317, sampling: 25 } },
    });
    expect(platform.facts.tracing).toEqual({ endpoint: 'http://otel-collector.observability.svc.cluster.local:4317', samplingPercent: 25, collectorNamespace: 'observability', collectorPort: 4317 });
  });

  test('fails when the sampling percentage is outside 0-100', () => {
    expect(() => tenantChart({ name: 'acme' }, undefined, { ...TRACED, tracing: { ...TRACED.tracing!, samplingPercent: 150 } }))
      .toThrow('tenant acme/tenant: platform.tracing.samplingPercent: 150 is outside 0-100; give the percentage of traces to sample, e.g. 10');
    expect(() => new AgentRuntimePlatform(Testing.chart(), 'platform', {
      ...PLATFORM_PROPS,
      gateway: { ...PLATFORM_PROPS.gateway, tracing: { service: 'otel-collector.observability.svc.cluster.local', sampling: -1 } },
    })).toThrow(/sampling: -1 is outside 0-100/);
  });

  test('fails when the collector service does not name its namespace', () => {
    expect(() => new AgentRuntimePlatform(Testing.chart(), 'platform', {
      ...PLATFORM_PROPS,
      gateway: { ...PLATFORM_PROPS.gateway, tracing: { service: 'otel-collector', sampling: 10 } },
    })).toThrow('gateway.tracing.service: "otel-collector" does not name the collector\'s namespace; use its Service host "<service>.<namespace>.svc.cluster.local", e.g. "otel-collector.observability.svc.cluster.local"');
  });

  test('fails when byo.env sets a variable the platform owns', () => {
    const { tenant } = tenantChart({ name: 'acme' }, undefined, TRACED);
    expect(() => tenant.addAgent({ ...byoAgent('search'), byo: { image: 'ghcr.io/acme/search:1.0.0', env: { OTEL_SERVICE_NAME: 'mine' } } }))
      .toThrow('agent acme/tenant/search: byo.env.OTEL_SERVICE_NAME is set by the platform (tracing, calls, identity, card, registry, port); remove it from byo.env');
  });
});

describe('A2A trace headers on the gateway', () => {
  const objects = build();

  test('the public chat route drops A2A lineage headers sent from outside (Higress header control)', () => {
    const chat = findOne(objects, 'Ingress', 'search-chat', 'acme');
    expect(chat.metadata.annotations['higress.io/request-header-control-remove']).toBe([...A2A_TRACE_HEADERS, 'X-A2A-Skill', 'X-A2A-Fallback-Skill'].join(','));
    expect(A2A_TRACE_HEADERS).toEqual(['X-A2A-Trace-ID', 'X-A2A-Parent-Agent', 'X-A2A-Parent-Request-ID']);
  });

  test('internal skill routes pass the lineage headers through untouched', () => {
    const route = findOne(objects, 'Ingress', 'search-a2a-web', 'acme');
    // The only header control there: the skill the gateway sets, no fallback skill (see a2a-path.test.ts).
    expect(Object.entries(route.metadata.annotations).filter(([k]) => k.includes('header-control'))).toEqual([
      ['higress.io/request-header-control-remove', 'X-A2A-Fallback-Skill'],
      ['higress.io/request-header-control-update', 'X-A2A-Skill web'],
    ]);
  });
});
