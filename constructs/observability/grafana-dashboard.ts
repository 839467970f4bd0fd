import { _quantile, _sel, _sumRate } from './_promql';
import { GATEWAY_LISTENERS, RECORDED } from './alert-rules';
import { findMetric, METRICS, MetricDef, MetricSource } from './metric-names';

/** Rows of the dashboard: the four layers of the platform, and the registry. */
export type DashboardLayer = 'gateway' | 'agents' | 'tools' | 'resources' | 'registry';

/** A panel added by the platform team, built from a catalog metric (so it cannot go dead). */
export interface CustomPanel {
  readonly title: string;
  readonly layer: DashboardLayer;
  /** A metric family or series name of the catalog (`metric-names.ts`). */
  readonly metric: string;
  /** `rate` for counters (per second over 5 m), `value` for gauges. @default 'rate' for counters, else 'value' */
  readonly aggregation?: 'rate' | 'value';
  /** Labels to sum by; each must be a label of the metric. @default [] */
  readonly by?: readonly string[];
  /** Grafana unit. @default 'short' */
  readonly unit?: string;
}

/** What the dashboard needs. */
export interface DashboardOptions {
  readonly title: string;
  readonly uid: string;
  /** Sources whose metrics are available; panels on other sources are left out. */
  readonly sources: readonly MetricSource[];
  /** Namespace of the Nacos cluster. */
  readonly registryNamespace: string;
  /** Name of the tenants' ResourceQuota: the tenant picker lists the namespaces that have it. */
  readonly tenantQuotaName: string;
  /** Whether the A2A recording rules exist (panels then read them). */
  readonly recordingRules: boolean;
  /** @default [] */
  readonly extraPanels?: readonly CustomPanel[];
}

interface _PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
  readonly sources: readonly MetricSource[];
  readonly type?: 'timeseries' | 'stat';
}

const _LAYERS: readonly { readonly layer: DashboardLayer; readonly title: string }[] = [
  { layer: 'gateway', title: 'Gateway (Higress)' },
  { layer: 'agents', title: 'Agents (A2A)' },
  { layer: 'tools', title: 'Tools (MCP)' },
  { layer: 'resources', title: 'Resources' },
  { layer: 'registry', title: 'Registry (Nacos)' },
];

/** Grafana variables used in queries: the tenant and agent pickers. */
const T = { tenant: '~$tenant' } as const;
const TA = { tenant: '~$tenant', agent: '~$agent' } as const;

/** Checks custom panels against the catalog and the scraped sources; throws naming the bad one. */
function _checkCustomPanels(panels: readonly CustomPanel[], sources: readonly MetricSource[]): void {
  panels.forEach((p, i) => {
    const prop = `dashboard.extraPanels[${i}]`;
    const def = findMetric(p.metric);
    if (!def) {
      const known = Object.values(METRICS).map((d) => d.name).join(', ');
      throw new Error(`${prop}.metric: "${p.metric}" is not a known metric; use one of ${known}, or add it to constructs/observability/metric-names.ts first`);
    }
    if (!sources.includes(def.source)) {
      throw new Error(`${prop}.metric: "${p.metric}" comes from "${def.source}", which is not scraped here; switch its monitor on or pick another metric`);
    }
    for (const label of p.by ?? []) {
      if (!def.labels.includes(label)) {
        throw new Error(`${prop}.by: "${label}" is not a label of ${def.name}; use one of ${def.labels.join(', ')}`);
      }
    }
    if (p.aggregation === 'rate' && def.type !== 'counter') {
      throw new Error(`${prop}.aggregation: "rate" needs a counter and ${def.name} is a ${def.type}; use "value"`);
    }
  });
}

function _customExpr(p: CustomPanel): string {
  const def = findMetric(p.metric) as MetricDef;
  const by = p.by ?? [];
  const aggregation = p.aggregation ?? (def.type === 'counter' ? 'rate' : 'value');
  if (aggregation === 'rate') return _sumRate(def, by);
  return `sum${by.length ? ` by (${by.join(', ')})` : ''} (${_sel(def)})`;
}

function _panels(o: DashboardOptions): Record<DashboardLayer, _PanelSpec[]> {
  const G = GATEWAY_LISTENERS;
  const gw = ['gateway'] as const;
  const ag = ['agent'] as const;
  const calls = o.recordingRules
    ? `sum by (tenant, agent) (${RECORDED.a2aCallRate}{tenant=~"$tenant",agent=~"$agent"})`
    : _sumRate(METRICS.a2aCalls, ['tenant', 'agent'], TA);
  const failed = o.recordingRules
    ? `sum by (tenant, agent) (${RECORDED.a2aFailureRate}{tenant=~"$tenant",agent=~"$agent"})`
    : _sumRate(METRICS.a2aCallsFailed, ['tenant', 'agent'], TA);
  const tokens = (def: MetricDef) => _sumRate(def, ['tenant', 'ai_model'], T);
  const custom = (layer: DashboardLayer): _PanelSpec[] => (o.extraPanels ?? []).filter((p) => p.layer === layer).map((p) => ({
    title: p.title, unit: p.unit ?? 'short', sources: [(findMetric(p.metric) as MetricDef).source],
    targets: [{ expr: _customExpr(p), legend: (p.by ?? []).map((l) => `{{${l}}}`).join(' ') || p.metric }],
  }));
  return {
    gateway: [
      { title: 'Requests per second', unit: 'reqps', sources: gw, targets: [{ expr: _sumRate(METRICS.gatewayResponses, ['response_code_class'], G), legend: '{{response_code_class}}' }] },
      {
        title: 'Latency', unit: 'ms', sources: gw,
        targets: [0.5, 0.95, 0.99].map((q) => ({ expr: _quantile(q, METRICS.gatewayRequestTime, [], G), legend: `p${Math.round(q * 100)}` })),
      },
      {
        title: 'Error rate (5xx)', unit: 'percentunit', sources: gw,
        targets: [{ expr: `${_sumRate(METRICS.gatewayResponses, [], { ...G, response_code_class: '5xx' })} / ${_sumRate(METRICS.gatewayRequests, [], G)}`, legend: '5xx ratio' }],
      },
      { title: 'Active connections', unit: 'short', sources: gw, targets: [{ expr: `sum (${_sel(METRICS.gatewayConnections, G)})`, legend: 'connections' }] },
      ...custom('gateway'),
    ],
    agents: [
      { title: 'A2A calls per second', unit: 'reqps', sources: ag, targets: [{ expr: calls, legend: '{{tenant}}/{{agent}}' }] },
      { title: 'A2A success rate', unit: 'percentunit', sources: ag, targets: [{ expr: `1 - (${failed} / ${calls})`, legend: '{{tenant}}/{{agent}}' }] },
      {
        title: 'A2A response time p95', unit: 'ms', sources: ag,
        targets: [{
          expr: o.recordingRules
            ? `max by (tenant, agent, skill) (${RECORDED.a2aP95}{tenant=~"$tenant",agent=~"$agent"})`
            : _quantile(0.95, METRICS.a2aCallDuration, ['tenant', 'agent', 'skill'], TA),
          legend: '{{agent}}#{{skill}}',
        }],
      },
      {
        title: 'LLM tokens per second', unit: 'short', sources: gw,
        targets: [{ expr: tokens(METRICS.aiInputTokens), legend: '{{tenant}} {{ai_model}} in' }, { expr: tokens(METRICS.aiOutputTokens), legend: '{{tenant}} {{ai_model}} out' }],
      },
      ...custom('agents'),
    ],
    tools: [
      { title: 'MCP tool calls per second', unit: 'reqps', sources: ag, targets: [{ expr: _sumRate(METRICS.mcpToolCalls, ['agent', 'tool'], TA), legend: '{{agent}} → {{tool}}' }] },
      { title: 'MCP tool duration p95', unit: 'ms', sources: ag, targets: [{ expr: _quantile(0.95, METRICS.mcpToolCallDuration, ['tool'], TA), legend: '{{tool}}' }] },
      { title: 'MCP tool failures per second', unit: 'reqps', sources: ag, targets: [{ expr: _sumRate(METRICS.mcpToolCallsFailed, ['tool', 'reason'], TA), legend: '{{tool}} {{reason}}' }] },
      ...custom('tools'),
    ],
    resources: [
      { title: 'CPU by tenant (cores)', unit: 'short', sources: ['cadvisor'], targets: [{ expr: _sumRate(METRICS.containerCpu, ['namespace'], { namespace: '~$tenant', container: '!' }), legend: '{{namespace}}' }] },
      { title: 'Memory by tenant', unit: 'bytes', sources: ['cadvisor'], targets: [{ expr: `sum by (namespace) (${_sel(METRICS.containerMemory, { namespace: '~$tenant', container: '!' })})`, legend: '{{namespace}}' }] },
      { title: 'GPU utilisation by tenant', unit: 'percent', sources: ['dcgm'], targets: [{ expr: `avg by (namespace) (${_sel(METRICS.gpuUtil, { namespace: '~$tenant' })})`, legend: '{{namespace}}' }] },
      {
        title: 'Sandbox warm pools', unit: 'short', sources: ['sandbox-pool'],
        targets: [
          { expr: `sum by (namespace, warmpool) (${_sel(METRICS.warmPoolReady, { namespace: '~$tenant' })})`, legend: '{{warmpool}} ready' },
          { expr: `sum by (namespace, warmpool) (${_sel(METRICS.warmPoolDesired, { namespace: '~$tenant' })})`, legend: '{{warmpool}} wanted' },
        ],
      },
      ...custom('resources'),
    ],
    registry: [
      {
        title: 'Nacos servers ready', unit: 'short', sources: ['kube-state-metrics'], type: 'stat',
        targets: [{ expr: `sum (${_sel(METRICS.kubeStatefulSetReady, { namespace: o.registryNamespace })})`, legend: 'ready' }],
      },
      { title: 'Registered instances', unit: 'short', sources: ['registry'], targets: [{ expr: `max (${_sel(METRICS.nacosMonitor, { module: 'naming', name: 'ipCount' })})`, legend: 'instances' }] },
      { title: 'Client connections', unit: 'short', sources: ['registry'], targets: [{ expr: `sum (${_sel(METRICS.nacosMonitor, { module: 'core', name: 'longConnection' })})`, legend: 'gRPC connections' }] },
      ...custom('registry'),
    ],
  };
}

/** The Grafana dashboard JSON (schema 39) of the platform; every query comes from the catalog. */
export function buildDashboard(o: DashboardOptions): Record<string, unknown> {
  _checkCustomPanels(o.extraPanels ?? [], o.sources);
  const ds = { type: 'prometheus', uid: '${datasource}' };
  const byLayer = _panels(o);
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const { layer, title } of _LAYERS) {
    const specs = byLayer[layer].filter((p) => p.sources.every((s) => o.sources.includes(s)));
    if (!specs.length) continue;
    panels.push({ id: id++, type: 'row', title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    // Up to four panels side by side, then wrap.
    const w = Math.max(6, Math.floor(24 / Math.min(specs.length, 4)));
    specs.forEach((p, i) => {
      const x = (i * w) % 24;
      if (i > 0 && x === 0) y += 8;
      panels.push({
        id: id++, type: p.type ?? 'timeseries', title: p.title, datasource: ds,
        gridPos: { h: 8, w, x, y },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: ds, expr: t.expr, legendFormat: t.legend })),
      });
    });
    y += 8;
  }
  const variable = (name: string, label: string, query: string) => ({
    name, label, type: 'query', datasource: ds, query: { query, refId: name }, definition: query,
    includeAll: true, multi: true, allValue: '.*', current: { text: 'All', value: '$__all' }, refresh: 2, sort: 1,
  });
  return {
    uid: o.uid,
    title: o.title,
    tags: ['agent-runtime'],
    schemaVersion: 39,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {} },
        variable('tenant', 'Tenant', `label_values(${_sel(METRICS.kubeResourceQuota, { resourcequota: o.tenantQuotaName })}, namespace)`),
        ...(o.sources.includes('agent')
          ? [variable('agent', 'Agent', `label_values(${_sel(METRICS.a2aCalls, { tenant: '~$tenant' })}, agent)`)]
          : []),
      ],
    },
    panels,
  };
}
