import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  PodMonitor, PodMonitorSpecPodMetricsEndpointsMetricRelabelingsAction as PodMetricAction,
  PodMonitorSpecPodMetricsEndpointsRelabelingsAction as PodRelabelAction, toJson_PodMonitorProps,
} from '../../generated/imports/podmonitor-monitoring.coreos.com';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr, toJson_PrometheusRuleProps } from '../../generated/imports/prometheusrule-monitoring.coreos.com';
import {
  ServiceMonitor, ServiceMonitorSpecEndpointsMetricRelabelingsAction as ServiceMetricAction,
  ServiceMonitorSpecEndpointsRelabelingsAction as ServiceRelabelAction, toJson_ServiceMonitorProps,
} from '../../generated/imports/servicemonitor-monitoring.coreos.com';
import { _tcp } from '../_network-peers';
import { _emitTyped } from '../_typed-manifest';
import { LABEL } from '../labels';
import { AlertThresholds, buildAlertRules, PromRuleGroup } from './alert-rules';
import { buildDashboard, CustomPanel } from './grafana-dashboard';
import { METRICS, MetricSource, seriesNames, seriesOf } from './metric-names';

/** The Nacos cluster to scrape; `NacosCluster` satisfies it. */
export interface MonitoredRegistry {
  readonly namespace: string;
  /** StatefulSet name. */
  readonly name: string;
  /** Service listing every server (also not-ready ones), with a port named `http`. */
  readonly headlessServiceName: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Where the Higress gateway pods run; defaults match the Higress Helm chart. */
export interface MonitoredGateway {
  /** @default 'higress-system' */
  readonly namespace?: string;
  /** @default { app: 'higress-gateway' } */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** How agent pods are scraped (the agent contract: label `agentruntime.io/role: agent`, port `metrics`). */
export interface AgentScrapeProps {
  /** Default metrics path; a pod may override it with annotation `agentruntime.io/metrics-path`. @default '/metrics' */
  readonly metricsPath?: string;
  /** Tenant namespaces to scrape. @default - every namespace (agent pods are found by label) */
  readonly tenants?: readonly string[];
  /** Agent metrics kept besides the A2A and MCP contract (others are dropped to bound cardinality). @default [] */
  readonly extraMetrics?: readonly string[];
}

/** Which parts to emit; switch monitors off when the cluster has no Prometheus Operator. */
export interface MonitoringSwitches {
  /** ServiceMonitor of Nacos. @default true */
  readonly registry?: boolean;
  /** PodMonitor of the gateway. @default true */
  readonly gateway?: boolean;
  /** PodMonitor of the agents. @default true */
  readonly agents?: boolean;
  /** PrometheusRule with recording rules and alerts. @default true */
  readonly rules?: boolean;
  /** Grafana dashboard ConfigMap. @default true */
  readonly dashboard?: boolean;
  /** NetworkPolicies letting Prometheus scrape Nacos and the gateway. @default true */
  readonly networkPolicies?: boolean;
}

/** Props of {@link PlatformMonitoring}. */
export interface PlatformMonitoringProps {
  /** Namespace of the agents PodMonitor, the PrometheusRule and the dashboard. @default 'agent-runtime' */
  readonly namespace?: string;
  /** @default - Nacos as `AgentRuntimePlatform` deploys it: StatefulSet `nacos` in `nacos`, Service `nacos-headless` */
  readonly registry?: MonitoredRegistry;
  /** @default {} */
  readonly gateway?: MonitoredGateway;
  /** @default {} */
  readonly agents?: AgentScrapeProps;
  /** @default - everything on */
  readonly enable?: MonitoringSwitches;
  /** Labels the Prometheus Operator selects monitors and rules by, e.g. `{ release: 'kube-prometheus-stack' }`. @default {} */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** Scrape interval. @default '30s' */
  readonly interval?: string;
  /** @default - see {@link AlertThresholds} */
  readonly alerts?: AlertThresholds;
  /** Name of each tenant's ResourceQuota. @default 'tenant-quota' */
  readonly tenantQuotaName?: string;
  /** @default { title: 'Agent Runtime', uid: 'agent-runtime', extraPanels: [] } */
  readonly dashboard?: { readonly title?: string; readonly uid?: string; readonly extraPanels?: readonly CustomPanel[] };
  /** Prometheus pods, for the scrape NetworkPolicies. @default { namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } } */
  readonly prometheus?: { readonly namespace?: string; readonly podLabels?: Readonly<Record<string, string>> };
}

/** Gateway metrics endpoint of the Higress 2.2 chart (`helm/core/templates/_pod.tpl`: port `istio-prom`). */
export const HIGRESS_METRICS_PORT = { name: 'istio-prom', containerPort: 15020, path: '/stats/prometheus' } as const;

/** Nacos' Prometheus endpoint (the nacos-server image exposes `prometheus` through Spring actuator). */
export const NACOS_METRICS_ENDPOINT = { port: 'http', containerPort: 8848, path: '/nacos/actuator/prometheus' } as const;

/** Port name and annotation of the agent pod contract. */
export const AGENT_METRICS = { port: 'metrics', pathAnnotation: 'agentruntime.io/metrics-path' } as const;

/** Name of the dashboard ConfigMap and its label for the Grafana sidecar. */
export const DASHBOARD_CONFIGMAP = { name: 'agent-runtime-dashboard', key: 'agent-runtime.json', label: { grafana_dashboard: '1' } } as const;

const _DEFAULT_REGISTRY: MonitoredRegistry = {
  namespace: 'nacos', name: 'nacos', headlessServiceName: 'nacos-headless',
  podLabels: { [LABEL.name]: 'nacos', [LABEL.component]: 'registry' },
};

/** Prometheus' form of a Kubernetes label key in `__meta_kubernetes_pod_label_*`. */
const _metaLabel = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_');

/** A `keep` metric relabeling for exactly these series names. */
const _keep = <A>(names: readonly string[], action: A) => ({ sourceLabels: ['__name__'], regex: [...new Set(names)].join('|'), action });

/**
 * Prometheus Operator monitoring of the platform: a ServiceMonitor for Nacos, PodMonitors for
 * the Higress gateway and for every agent (tenant, agent labels added by relabeling), a
 * PrometheusRule with A2A recording rules and the platform alerts, and a Grafana dashboard
 * ConfigMap. Every query and keep-list comes from `metric-names.ts`.
 *
 * @example new PlatformMonitoring(chart, 'monitoring', { registry: platform.nacos, selectorLabels: { release: 'kube-prometheus-stack' } });
 */
export class PlatformMonitoring extends Construct {
  public readonly namespace: string;
  /** Metric sources whose series reach Prometheus (our monitors plus the cluster stack). */
  public readonly sources: readonly MetricSource[];
  /** The rule groups of the PrometheusRule (empty when rules are off). */
  public readonly ruleGroups: readonly PromRuleGroup[];
  /** The dashboard JSON (undefined when the dashboard is off). */
  public readonly dashboardJson?: Record<string, unknown>;
  /**
   * Values for the `kube-state-metrics` Helm chart (under `kube-state-metrics:` in
   * kube-prometheus-stack): custom-resource-state metrics of SandboxWarmPools and the RBAC
   * to read them. Without them the warm-pool panel and alert stay empty.
   */
  public readonly kubeStateMetricsValues: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? 'agent-runtime';
    const on = { registry: true, gateway: true, agents: true, rules: true, dashboard: true, networkPolicies: true, ...props.enable };
    const registry = props.registry ?? _DEFAULT_REGISTRY;
    const gatewayNs = props.gateway?.namespace ?? 'higress-system';
    const gatewayPods = { ...(props.gateway?.podLabels ?? { app: 'higress-gateway' }) };
    const interval = props.interval ?? '30s';
    if (!/^[0-9]+(ms|s|m|h)$/.test(interval)) {
      throw new Error(`interval: "${interval}" is not a scrape interval; use a Prometheus duration such as "30s" or "1m"`);
    }
    const metricsPath = props.agents?.metricsPath ?? '/metrics';
    if (!metricsPath.startsWith('/')) {
      throw new Error(`agents.metricsPath: "${metricsPath}" is not an absolute HTTP path; use e.g. "/metrics"`);
    }
    const extra = props.agents?.extraMetrics ?? [];
    for (const name of extra) {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
        throw new Error(`agents.extraMetrics: "${name}" is not a Prometheus metric name; use letters, digits, "_" and ":", e.g. "agent_queue_depth"`);
      }
    }
    const tenants = props.agents?.tenants ?? [];
    for (const t of tenants) {
      if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(t)) {
        throw new Error(`agents.tenants: "${t}" is not a tenant namespace name (a DNS label); use lowercase, e.g. "acme"`);
      }
    }
    const tenantQuotaName = props.tenantQuotaName ?? 'tenant-quota';
    const labels = { [LABEL.partOf]: 'agent-runtime', [LABEL.component]: 'monitoring', ...props.selectorLabels };

    this.sources = [
      ...(on.agents ? ['agent' as const] : []),
      ...(on.gateway ? ['gateway' as const] : []),
      ...(on.registry ? ['registry' as const] : []),
      'kube-state-metrics', 'cadvisor', 'dcgm', 'sandbox-pool',
    ];

    if (on.registry) {
      _emitTyped(this, 'nacos-monitor', ServiceMonitor.GVK, toJson_ServiceMonitorProps, {
        metadata: { name: 'nacos', namespace: registry.namespace },
        spec: {
          selector: { matchLabels: { ...registry.podLabels } },
          endpoints: [{
            port: NACOS_METRICS_ENDPOINT.port,
            path: NACOS_METRICS_ENDPOINT.path,
            interval,
            // The client and headless Services carry the same labels; scrape each server once,
            // through the headless one, which also lists servers that are not ready.
            relabelings: [{ sourceLabels: ['__meta_kubernetes_service_name'], regex: registry.headlessServiceName, action: ServiceRelabelAction.KEEP }],
            metricRelabelings: [_keep(seriesOf('registry'), ServiceMetricAction.KEEP)],
          }],
        },
      }, labels);
    }

    if (on.gateway) {
      _emitTyped(this, 'gateway-monitor', PodMonitor.GVK, toJson_PodMonitorProps, {
        metadata: { name: 'higress-gateway', namespace: gatewayNs },
        spec: {
          selector: { matchLabels: gatewayPods },
          podMetricsEndpoints: [{
            port: HIGRESS_METRICS_PORT.name,
            path: HIGRESS_METRICS_PORT.path,
            interval,
            metricRelabelings: [
              // Envoy exports thousands of series; keep what the catalog queries.
              _keep(seriesOf('gateway'), PodMetricAction.KEEP),
              // Upstream clusters are `outbound|<port>||<service>.<namespace>.svc.<domain>`:
              // the agent Service is named after the agent and lives in the tenant's namespace.
              { sourceLabels: ['cluster_name'], regex: 'outbound\\|[0-9]+\\|[^|]*\\|([^.]+)\\.([^.]+)\\.svc\\..*', targetLabel: 'agent', replacement: '$1', action: PodMetricAction.REPLACE },
              { sourceLabels: ['cluster_name'], regex: 'outbound\\|[0-9]+\\|[^|]*\\|([^.]+)\\.([^.]+)\\.svc\\..*', targetLabel: 'tenant', replacement: '$2', action: PodMetricAction.REPLACE },
              // ai-statistics' consumer is the tenant (jwt-auth consumer name).
              { sourceLabels: ['ai_consumer'], regex: '(.+)', targetLabel: 'tenant', replacement: '$1', action: PodMetricAction.REPLACE },
            ],
          }],
        },
      }, labels);
    }

    if (on.agents) {
      _emitTyped(this, 'agents-monitor', PodMonitor.GVK, toJson_PodMonitorProps, {
        metadata: { name: 'agents', namespace: this.namespace },
        spec: {
          selector: { matchLabels: { [LABEL.role]: 'agent' } },
          namespaceSelector: tenants.length ? { matchNames: [...tenants] } : { any: true },
          podMetricsEndpoints: [{
            port: AGENT_METRICS.port,
            path: metricsPath,
            interval,
            // honorLabels stays false: an agent cannot claim another tenant's labels (they become exported_*).
            honorLabels: false,
            relabelings: [
              { sourceLabels: [`__meta_kubernetes_pod_label_${_metaLabel(LABEL.tenant)}`], targetLabel: 'tenant', action: PodRelabelAction.REPLACE },
              { sourceLabels: [`__meta_kubernetes_pod_label_${_metaLabel(LABEL.agent)}`], targetLabel: 'agent', action: PodRelabelAction.REPLACE },
              { sourceLabels: [`__meta_kubernetes_pod_annotation_${_metaLabel(AGENT_METRICS.pathAnnotation)}`], regex: '(/.*)', targetLabel: '__metrics_path__', replacement: '$1', action: PodRelabelAction.REPLACE },
            ],
            metricRelabelings: [_keep([...seriesOf('agent'), ...extra], PodMetricAction.KEEP)],
          }],
        },
      }, labels);
    }

    this.ruleGroups = on.rules
      ? buildAlertRules({
        thresholds: props.alerts ?? {},
        sources: this.sources,
        registry: { namespace: registry.namespace, statefulSet: registry.name },
        tenantQuotaName,
        tenants,
      })
      : [];
    if (this.ruleGroups.length) {
      _emitTyped(this, 'rules', PrometheusRule.GVK, toJson_PrometheusRuleProps, {
        metadata: { name: 'agent-runtime', namespace: this.namespace },
        spec: { groups: this.ruleGroups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })) })) },
      }, labels);
    }

    if (on.dashboard) {
      this.dashboardJson = buildDashboard({
        title: props.dashboard?.title ?? 'Agent Runtime',
        uid: props.dashboard?.uid ?? 'agent-runtime',
        sources: this.sources,
        registryNamespace: registry.namespace,
        tenantQuotaName,
        recordingRules: this.ruleGroups.some((g) => g.rules.some((r) => r.record)),
        extraPanels: props.dashboard?.extraPanels,
      });
      _emitTyped(this, 'dashboard', k8s.KubeConfigMap.GVK, k8s.toJson_KubeConfigMapProps, {
        metadata: { name: DASHBOARD_CONFIGMAP.name, namespace: this.namespace },
        data: { [DASHBOARD_CONFIGMAP.key]: JSON.stringify(this.dashboardJson, null, 2) },
      }, { ...labels, ...DASHBOARD_CONFIGMAP.label });
    }

    if (on.networkPolicies) {
      const prom = {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.prometheus?.namespace ?? 'monitoring' } },
        podSelector: { matchLabels: { ...(props.prometheus?.podLabels ?? { [LABEL.name]: 'prometheus' }) } },
      };
      const allow = (id: string, namespace: string, pods: Record<string, string>, port: number) =>
        _emitTyped(this, id, k8s.KubeNetworkPolicy.GVK, k8s.toJson_KubeNetworkPolicyProps, {
          metadata: { name: 'allow-prometheus-scrape', namespace },
          spec: { podSelector: { matchLabels: pods }, policyTypes: ['Ingress'], ingress: [{ from: [prom], ports: _tcp(port) }] },
        }, labels);
      if (on.registry) allow('nacos-scrape', registry.namespace, { ...registry.podLabels }, NACOS_METRICS_ENDPOINT.containerPort);
      if (on.gateway) allow('gateway-scrape', gatewayNs, gatewayPods, HIGRESS_METRICS_PORT.containerPort);
    }

    this.kubeStateMetricsValues = _kubeStateMetricsValues();
  }
}

/** kube-state-metrics custom-resource-state config for SandboxWarmPools (names from the catalog). */
function _kubeStateMetricsValues(): Record<string, unknown> {
  const prefix = 'agentruntime_sandbox_warmpool';
  const metric = (def: typeof METRICS.warmPoolReady, path: string[], help: string) => {
    if (!def.name.startsWith(`${prefix}_`)) throw new Error(`metric ${def.name} must start with ${prefix}_`);
    return { name: seriesNames(def)[0].slice(prefix.length + 1), help, each: { type: 'Gauge', gauge: { path, nilIsZero: true } } };
  };
  return {
    rbac: { extraRules: [{ apiGroups: ['extensions.agents.x-k8s.io'], resources: ['sandboxwarmpools'], verbs: ['list', 'watch'] }] },
    customResourceState: {
      enabled: true,
      config: {
        kind: 'CustomResourceStateMetrics',
        spec: {
          resources: [{
            groupVersionKind: { group: 'extensions.agents.x-k8s.io', version: 'v1beta1', kind: 'SandboxWarmPool' },
            metricNamePrefix: prefix,
            labelsFromPath: { namespace: ['metadata', 'namespace'], warmpool: ['metadata', 'name'] },
            metrics: [
              metric(METRICS.warmPoolDesired, ['spec', 'replicas'], METRICS.warmPoolDesired.help),
              metric(METRICS.warmPoolReady, ['status', 'readyReplicas'], METRICS.warmPoolReady.help),
            ],
          }],
        },
      },
    },
  };
}
