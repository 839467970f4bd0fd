import { Testing } from 'cdk8s';
import { AgentRuntimePlatform, AgentRuntimePlatformProps } from '../../constructs/agent-runtime-platform';
import { ALERTS, METRICS, PlatformMonitoring, PlatformMonitoringProps, seriesOf } from '../../constructs/observability';
import { PLATFORM_PROPS } from '../support/fixtures';
import { findAll, findOne } from '../support/manifest';
import { validateAll } from '../support/schema-validator';
import { agentPod, higressGatewayDeployment } from './fixtures';
import { checkMetricContract, checkMonitorPorts, collectQueries, parsePromQL } from './monitoring-checks';

/** Monitoring alone, with default registry facts. */
function synth(props: PlatformMonitoringProps = {}): any[] {
  const chart = Testing.chart();
  new PlatformMonitoring(chart, 'monitoring', props);
  return Testing.synth(chart);
}

/** The real platform and its monitoring in one chart, as the lead's chart builder wires it. */
function synthWithPlatform(props: PlatformMonitoringProps = {}): any[] {
  const chart = Testing.chart();
  const platform = new AgentRuntimePlatform(chart, 'platform', PLATFORM_PROPS as unknown as AgentRuntimePlatformProps);
  new PlatformMonitoring(chart, 'monitoring', { registry: platform.nacos, ...props });
  return Testing.synth(chart);
}

const EVERYTHING: PlatformMonitoringProps = {
  selectorLabels: { release: 'kube-prometheus-stack' },
  agents: { tenants: ['acme', 'globex'], metricsPath: '/internal/metrics', extraMetrics: ['agent_queue_depth'] },
  alerts: {
    a2aFailureRatio: 0.1, a2aLatencyBudgetMs: 3000, gateway5xxRatio: 0.02, quotaUsageRatio: 0.8, for: '15m',
    latencyBudgets: [{ tenant: 'acme', agent: 'support', p95Ms: 800 }, { tenant: 'globex', agent: 'search', p95Ms: 5000 }],
  },
  dashboard: {
    title: 'Agents (prod)',
    extraPanels: [
      { title: 'Calls by caller', layer: 'agents', metric: 'a2a_calls_total', by: ['caller'] },
      { title: 'Nacos gauges', layer: 'registry', metric: 'nacos_monitor', by: ['name'] },
    ],
  },
};

const dashboardOf = (objects: any[]) =>
  JSON.parse(findOne(objects, 'ConfigMap', 'agent-runtime-dashboard', 'agent-runtime').data['agent-runtime.json']);

describe('PlatformMonitoring', () => {
  test('defaults, with the platform, validate against the Kubernetes schema and the prometheus-operator CRDs', () => {
    const objects = synthWithPlatform();
    expect(validateAll(objects)).toEqual([]);
    expect(findAll(objects, 'ServiceMonitor').length + findAll(objects, 'PodMonitor').length).toBe(3);
  });

  test('everything on validates too', () => {
    expect(validateAll(synthWithPlatform(EVERYTHING))).toEqual([]);
  });

  test('pins the names of the monitors, the rule and the dashboard', () => {
    const objects = synth();
    expect(findOne(objects, 'ServiceMonitor', 'nacos', 'nacos')).toBeDefined();
    expect(findOne(objects, 'PodMonitor', 'higress-gateway', 'higress-system')).toBeDefined();
    expect(findOne(objects, 'PodMonitor', 'agents', 'agent-runtime')).toBeDefined();
    expect(findOne(objects, 'PrometheusRule', 'agent-runtime', 'agent-runtime')).toBeDefined();
    expect(findOne(objects, 'ConfigMap', 'agent-runtime-dashboard', 'agent-runtime').metadata.labels.grafana_dashboard).toBe('1');
  });

  test('every alert the issue asks for exists', () => {
    const rule = findOne(synth(), 'PrometheusRule', 'agent-runtime');
    const alerts = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)).filter(Boolean);
    expect(new Set(alerts)).toEqual(new Set(Object.values(ALERTS)));
  });

  test('thresholds come from props', () => {
    const rule = findOne(synth(EVERYTHING), 'PrometheusRule', 'agent-runtime');
    const rules = rule.spec.groups.flatMap((g: any) => g.rules);
    const byAlert = (name: string) => rules.filter((r: any) => r.alert === name);
    expect(byAlert(ALERTS.a2aFailureRatio)[0].expr).toMatch(/> 0\.1$/);
    expect(byAlert(ALERTS.gateway5xx)[0].expr).toMatch(/> 0\.02$/);
    expect(byAlert(ALERTS.tenantQuota)[0].expr).toMatch(/namespace=~"acme\|globex".*> 0\.8$/);
    expect(byAlert(ALERTS.a2aFailureRatio)[0].for).toBe('15m');
    // The default budget skips agents with their own budget; each of those gets its own rule.
    const latency = byAlert(ALERTS.a2aLatency);
    expect(latency.map((r: any) => r.labels.budget_ms)).toEqual(['3000', '800', '5000']);
    expect(latency[0].expr).toContain('unless on (tenant, agent)');
    expect(latency[1].expr).toContain('{tenant="acme",agent="support"} > 800');
  });

  test('agent series carry tenant and agent from pod labels, and the agent may override the path', () => {
    const ep = findOne(synth(EVERYTHING), 'PodMonitor', 'agents').spec.podMetricsEndpoints[0];
    expect(ep.path).toBe('/internal/metrics');
    expect(ep.honorLabels).toBe(false);
    const target = (label: string) => ep.relabelings.find((r: any) => r.targetLabel === label);
    expect(target('tenant').sourceLabels).toEqual(['__meta_kubernetes_pod_label_agentruntime_io_tenant']);
    expect(target('agent').sourceLabels).toEqual(['__meta_kubernetes_pod_label_agentruntime_io_agent']);
    expect(target('__metrics_path__').sourceLabels).toEqual(['__meta_kubernetes_pod_annotation_agentruntime_io_metrics_path']);
    expect(findOne(synth(EVERYTHING), 'PodMonitor', 'agents').spec.namespaceSelector).toEqual({ matchNames: ['acme', 'globex'] });
  });

  test('gateway series get tenant and agent from the upstream cluster name', () => {
    const ep = findOne(synth(), 'PodMonitor', 'higress-gateway').spec.podMetricsEndpoints[0];
    const rule = (label: string) => ep.metricRelabelings.find((r: any) => r.targetLabel === label && r.sourceLabels[0] === 'cluster_name');
    const cluster = 'outbound|8080||support.acme.svc.cluster.local';
    const apply = (r: any) => cluster.replace(new RegExp(`^(?:${r.regex})$`), r.replacement);
    expect(apply(rule('agent'))).toBe('support');
    expect(apply(rule('tenant'))).toBe('acme');
  });

  test('the dashboard has a row per layer with the panels the issue names', () => {
    const dash = dashboardOf(synth());
    const rows = dash.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
    expect(rows).toEqual(['Gateway (Higress)', 'Agents (A2A)', 'Tools (MCP)', 'Resources', 'Registry (Nacos)']);
    const titles = dash.panels.map((p: any) => p.title).join('\n');
    for (const t of ['Requests per second', 'Latency', 'Error rate', 'Active connections', 'A2A calls', 'tokens', 'response time', 'success rate',
      'MCP tool calls', 'MCP tool duration', 'MCP tool failures', 'CPU', 'Memory', 'GPU']) {
      expect(titles.toLowerCase()).toContain(t.toLowerCase());
    }
  });

  test('switched off, it emits nothing', () => {
    expect(synth({ enable: { registry: false, gateway: false, agents: false, rules: false, dashboard: false, networkPolicies: false } })).toEqual([]);
  });

  test('rules and panels of a source that is not scraped are left out, not left dead', () => {
    const objects = synth({ enable: { agents: false } });
    const exprs = collectQueries(objects).map((q) => q.expr).join('\n');
    expect(exprs).not.toContain(METRICS.a2aCalls.name);
    expect(exprs).not.toContain(METRICS.mcpToolCalls.name);
    expect(checkMetricContract(objects)).toEqual([]);
  });

  test('lets Prometheus through the platform NetworkPolicies to the scrape ports only', () => {
    const objects = synthWithPlatform();
    const nacos = findOne(objects, 'NetworkPolicy', 'allow-prometheus-scrape', 'nacos');
    expect(nacos.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8848 }]);
    const sts = findOne(objects, 'StatefulSet', 'nacos', 'nacos');
    expect(sts.spec.template.spec.containers[0].ports).toContainEqual({ name: 'http', containerPort: 8848, protocol: 'TCP' });
    expect(findOne(objects, 'NetworkPolicy', 'allow-prometheus-scrape', 'higress-system').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 15020 }]);
  });

  test('the kube-state-metrics values produce exactly the warm-pool metric names of the catalog', () => {
    const m = new PlatformMonitoring(Testing.chart(), 'monitoring');
    const res = (m.kubeStateMetricsValues as any).customResourceState.config.spec.resources[0];
    expect(res.metrics.map((x: any) => `${res.metricNamePrefix}_${x.name}`).sort()).toEqual(seriesOf('sandbox-pool').sort());
    expect(res.groupVersionKind).toEqual({ group: 'extensions.agents.x-k8s.io', version: 'v1beta1', kind: 'SandboxWarmPool' });
  });
});

describe('PromQL', () => {
  test('every alert, recording rule, dashboard query and variable parses with the Prometheus grammar', () => {
    const queries = collectQueries(synth(EVERYTHING));
    expect(queries.length).toBeGreaterThan(30);
    const bad = queries.map((q) => ({ ...q, errors: parsePromQL(q.expr).errors })).filter((q) => q.errors.length);
    expect(bad).toEqual([]);
  });

  test('a broken expression fails the parse', () => {
    expect(parsePromQL('sum(rate(a2a_calls_total[5m])').errors.length).toBeGreaterThan(0);
    expect(parsePromQL('a2a_calls_total{tenant="acme"} >').errors.length).toBeGreaterThan(0);
    expect(parsePromQL('sum(rate(a2a_calls_total[5m]))').errors).toEqual([]);
  });
});

describe('metric contract', () => {
  test('every query refers only to metrics our monitors keep, our rules record, or the cluster provides', () => {
    expect(checkMetricContract(synth())).toEqual([]);
    expect(checkMetricContract(synth(EVERYTHING))).toEqual([]);
  });

  test('a renamed metric in a dashboard query fails', () => {
    const objects = synth();
    const cm = findOne(objects, 'ConfigMap', 'agent-runtime-dashboard');
    cm.data['agent-runtime.json'] = cm.data['agent-runtime.json'].replace(/mcp_tool_calls_total/g, 'mcp_tool_invocations_total');
    expect(checkMetricContract(objects)).toEqual([expect.stringContaining('"mcp_tool_invocations_total" is not scraped')]);
  });

  test('a metric renamed in the monitor keep-list fails the alerts that use it', () => {
    const objects = synth();
    const ep = findOne(objects, 'PodMonitor', 'higress-gateway').spec.podMetricsEndpoints[0];
    ep.metricRelabelings[0].regex = ep.metricRelabelings[0].regex.replace('envoy_http_downstream_rq_total', 'envoy_http_downstream_rq_count');
    const violations = checkMetricContract(objects);
    expect(violations).toContainEqual(expect.stringContaining(`${ALERTS.gateway5xx}: "envoy_http_downstream_rq_total"`));
  });
});

describe('port contract', () => {
  const withPods = (objects: any[], ...pods: any[]) => [...objects, ...pods];

  test('every monitor port is a named port of the Service or pods it selects', () => {
    const objects = withPods(synthWithPlatform(), higressGatewayDeployment(), agentPod('acme', 'support'), agentPod('globex', 'search'));
    expect(checkMonitorPorts(objects)).toEqual([]);
  });

  test('an agent pod without a `metrics` port fails', () => {
    const objects = withPods(synthWithPlatform(), higressGatewayDeployment(), agentPod('acme', 'support', 'prom'));
    expect(checkMonitorPorts(objects)).toEqual([expect.stringMatching(/PodMonitor\/agent-runtime\/agents: port "metrics" is not a named port of Pod\/acme\/support-0/)]);
  });

  test('a Nacos monitor pointing at a port the Service lacks fails', () => {
    const objects = withPods(synthWithPlatform(), higressGatewayDeployment(), agentPod());
    findOne(objects, 'ServiceMonitor', 'nacos').spec.endpoints[0].port = 'metrics';
    expect(checkMonitorPorts(objects)).toEqual([expect.stringContaining('port "metrics" is not a named port of Service/nacos/nacos-headless')]);
  });
});

describe('bad input', () => {
  test.each([
    [{ alerts: { a2aFailureRatio: 1.5 } }, 'alerts.a2aFailureRatio: 1.5 is outside (0, 1)'],
    [{ alerts: { gateway5xxRatio: 0 } }, 'alerts.gateway5xxRatio: 0 is outside (0, 1)'],
    [{ alerts: { quotaUsageRatio: 90 } }, 'alerts.quotaUsageRatio: 90 is outside (0, 1]; give a fraction, e.g. 0.9'],
    [{ alerts: { a2aLatencyBudgetMs: -5 } }, 'alerts.a2aLatencyBudgetMs: -5 is not a latency budget'],
    [{ alerts: { latencyBudgets: [{ tenant: 'acme', agent: 'support', p95Ms: 0 }] } }, 'alerts.latencyBudgets[0].p95Ms (acme/support): 0'],
    [{ alerts: { latencyBudgets: [{ tenant: 'a', agent: 'b', p95Ms: 1 }, { tenant: 'a', agent: 'b', p95Ms: 2 }] } }, 'agent "a/b" has two budgets'],
    [{ alerts: { for: '10 minutes' } }, 'alerts.for: "10 minutes" is not a Prometheus duration'],
    [{ agents: { tenants: ['Acme'] } }, 'agents.tenants: "Acme" is not a tenant namespace name'],
    [{ interval: '30' }, 'interval: "30" is not a scrape interval'],
    [{ agents: { metricsPath: 'metrics' } }, 'agents.metricsPath: "metrics" is not an absolute HTTP path'],
    [{ agents: { extraMetrics: ['queue-depth'] } }, 'agents.extraMetrics: "queue-depth" is not a Prometheus metric name'],
    [{ dashboard: { extraPanels: [{ title: 'x', layer: 'agents', metric: 'a2a_calls' }] } }, 'dashboard.extraPanels[0].metric: "a2a_calls" is not a known metric; use one of a2a_calls_total'],
    [{ dashboard: { extraPanels: [{ title: 'x', layer: 'agents', metric: 'a2a_calls_total', by: ['model'] }] } }, 'dashboard.extraPanels[0].by: "model" is not a label of a2a_calls_total'],
    [{ dashboard: { extraPanels: [{ title: 'x', layer: 'resources', metric: 'container_memory_working_set_bytes', aggregation: 'rate' }] } }, '"rate" needs a counter'],
    [{ enable: { gateway: false }, dashboard: { extraPanels: [{ title: 'x', layer: 'gateway', metric: 'envoy_http_downstream_cx_active' }] } }, 'comes from "gateway", which is not scraped here'],
  ] as [PlatformMonitoringProps, string][])('%j fails with a clear error', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
