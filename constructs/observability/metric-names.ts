/**
 * The single source of metric names. Alerts, recording rules, dashboards and the monitors'
 * keep-lists are all built from this catalog, so renaming a metric here renames it everywhere
 * and a name that is not here cannot be queried.
 *
 * Sources and where their names come from:
 * - `agent`: our contract; every agent exposes these on its `metrics` port (A2A, MCP tools).
 * - `gateway`: Higress 2.2 gateway (Envoy stats, Istio tag extraction, `/stats/prometheus`
 *   on 15020) and the `ai-statistics` plugin's token metrics.
 * - `registry`: Nacos 3.1 Micrometer registry, `/nacos/actuator/prometheus` on 8848.
 * - `kube-state-metrics`, `cadvisor`, `dcgm`: scraped by the cluster's monitoring stack
 *   (kube-prometheus-stack, NVIDIA dcgm-exporter); prerequisites, not scraped by our monitors.
 * - `sandbox-pool`: kube-state-metrics custom-resource-state metrics for `SandboxWarmPool`,
 *   configured by {@link PlatformMonitoring.kubeStateMetricsValues} (agent-sandbox 0.5 itself
 *   exports no warm-pool gauge).
 */

/** Who produces a metric. */
export type MetricSource = 'agent' | 'gateway' | 'registry' | 'kube-state-metrics' | 'cadvisor' | 'dcgm' | 'sandbox-pool';

/** One metric of the catalog. */
export interface MetricDef {
  /** Metric family name as exposed (histograms: without `_bucket`/`_sum`/`_count`). */
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
  readonly source: MetricSource;
  /** Labels queries may group by. */
  readonly labels: readonly string[];
  readonly help: string;
}

/** Labels our relabelings put on every agent series. */
export const AGENT_TARGET_LABELS = ['tenant', 'agent'] as const;

const _m = (name: string, type: MetricDef['type'], source: MetricSource, labels: readonly string[], help: string): MetricDef =>
  ({ name, type, source, labels, help });

const A2A = ['tenant', 'agent', 'skill', 'caller'] as const;
const MCP = ['tenant', 'agent', 'server', 'tool'] as const;
const AI = ['ai_route', 'ai_cluster', 'ai_model', 'ai_consumer', 'tenant'] as const;

/** The catalog, keyed by a stable TypeScript name. */
export const METRICS = {
  // --- A2A contract (agents; tenant/agent added by relabeling, skill/caller by the agent) ---
  a2aCalls: _m('a2a_calls_total', 'counter', 'agent', A2A, 'A2A calls served, per skill and calling agent'),
  a2aCallDuration: _m('a2a_call_duration_ms', 'histogram', 'agent', A2A, 'A2A call duration in milliseconds'),
  a2aCallsFailed: _m('a2a_calls_failed_total', 'counter', 'agent', [...A2A, 'reason'], 'A2A calls that ended in an error (5xx, timeout, A2A error)'),
  // --- MCP tool contract (agents) ---
  mcpToolCalls: _m('mcp_tool_calls_total', 'counter', 'agent', MCP, 'MCP tool calls made by the agent'),
  mcpToolCallDuration: _m('mcp_tool_call_duration_ms', 'histogram', 'agent', MCP, 'MCP tool call duration in milliseconds'),
  mcpToolCallsFailed: _m('mcp_tool_calls_failed_total', 'counter', 'agent', [...MCP, 'reason'], 'MCP tool calls that failed'),
  // --- Higress gateway (Envoy) ---
  gatewayRequests: _m('envoy_http_downstream_rq_total', 'counter', 'gateway', ['http_conn_manager_prefix'], 'Downstream requests'),
  gatewayResponses: _m('envoy_http_downstream_rq', 'counter', 'gateway', ['http_conn_manager_prefix', 'response_code_class'], 'Downstream responses by class (1xx..5xx)'),
  gatewayRequestTime: _m('envoy_http_downstream_rq_time', 'histogram', 'gateway', ['http_conn_manager_prefix'], 'Downstream request time in milliseconds'),
  gatewayConnections: _m('envoy_http_downstream_cx_active', 'gauge', 'gateway', ['http_conn_manager_prefix'], 'Active downstream connections'),
  gatewayUpstreamRequests: _m('envoy_cluster_upstream_rq', 'counter', 'gateway', ['cluster_name', 'response_code_class', 'tenant', 'agent'], 'Upstream responses per cluster (agent Service) and class'),
  gatewayUpstreamTime: _m('envoy_cluster_upstream_rq_time', 'histogram', 'gateway', ['cluster_name', 'tenant', 'agent'], 'Upstream request time per cluster in milliseconds'),
  // --- Higress ai-statistics (token accounting; ai_consumer is the tenant consumer) ---
  aiInputTokens: _m('route_upstream_model_consumer_metric_input_token', 'counter', 'gateway', AI, 'LLM input tokens'),
  aiOutputTokens: _m('route_upstream_model_consumer_metric_output_token', 'counter', 'gateway', AI, 'LLM output tokens'),
  aiServiceDuration: _m('route_upstream_model_consumer_metric_llm_service_duration', 'counter', 'gateway', AI, 'Cumulative LLM request time in ms'),
  aiDurationCount: _m('route_upstream_model_consumer_metric_llm_duration_count', 'counter', 'gateway', AI, 'LLM requests'),
  // --- Nacos 3.1 ---
  nacosMonitor: _m('nacos_monitor', 'gauge', 'registry', ['module', 'name'], 'Nacos gauges, e.g. name="ipCount", "serviceCount", "longConnection"'),
  nacosHttpRequests: _m('http_server_requests_seconds_count', 'counter', 'registry', ['uri', 'status'], 'Nacos HTTP requests'),
  // --- kube-state-metrics ---
  kubeResourceQuota: _m('kube_resourcequota', 'gauge', 'kube-state-metrics', ['namespace', 'resourcequota', 'resource', 'type'], 'ResourceQuota hard and used'),
  kubeStatefulSetReplicas: _m('kube_statefulset_replicas', 'gauge', 'kube-state-metrics', ['namespace', 'statefulset'], 'Desired StatefulSet replicas'),
  kubeStatefulSetReady: _m('kube_statefulset_status_replicas_ready', 'gauge', 'kube-state-metrics', ['namespace', 'statefulset'], 'Ready StatefulSet replicas'),
  // --- cAdvisor (kubelet) ---
  containerCpu: _m('container_cpu_usage_seconds_total', 'counter', 'cadvisor', ['namespace', 'pod', 'container'], 'Container CPU seconds'),
  containerMemory: _m('container_memory_working_set_bytes', 'gauge', 'cadvisor', ['namespace', 'pod', 'container'], 'Container working set'),
  // --- NVIDIA dcgm-exporter ---
  gpuUtil: _m('DCGM_FI_DEV_GPU_UTIL', 'gauge', 'dcgm', ['namespace', 'pod', 'gpu'], 'GPU utilisation in percent'),
  // --- SandboxWarmPool (kube-state-metrics custom resource state) ---
  warmPoolDesired: _m('agentruntime_sandbox_warmpool_desired_replicas', 'gauge', 'sandbox-pool', ['namespace', 'warmpool'], 'Warm sandboxes wanted (spec.replicas)'),
  warmPoolReady: _m('agentruntime_sandbox_warmpool_ready_replicas', 'gauge', 'sandbox-pool', ['namespace', 'warmpool'], 'Warm sandboxes ready to claim (status.readyReplicas)'),
} as const satisfies Record<string, MetricDef>;

/** Key of a catalog entry. */
export type MetricKey = keyof typeof METRICS;

/** The series names a family exposes (`_bucket`, `_sum`, `_count` for histograms; `_sum`, `_count` for summaries). */
export function seriesNames(def: MetricDef): string[] {
  if (def.type === 'histogram') return [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`];
  if (def.type === 'summary') return [def.name, `${def.name}_sum`, `${def.name}_count`];
  return [def.name];
}

/** Every series name of the catalog from the given sources. */
export function seriesOf(...sources: MetricSource[]): string[] {
  return Object.values(METRICS).filter((d) => sources.includes(d.source)).flatMap((d) => seriesNames(d));
}

/** Looks a metric up by its exposed family or series name. */
export function findMetric(name: string): MetricDef | undefined {
  return Object.values(METRICS).find((d) => seriesNames(d).includes(name) || d.name === name);
}

/** Sources scraped by the cluster's own monitoring stack rather than by our monitors. */
export const CLUSTER_SOURCES: readonly MetricSource[] = ['kube-state-metrics', 'cadvisor', 'dcgm', 'sandbox-pool'];
