/**
 * Checks over synthesized manifests, shared by the observability tests: PromQL parsing with
 * the Prometheus project's own grammar, the metric contract and the monitor port contract.
 * They read the emitted objects only, so they judge hand-written YAML as well as ours.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { CLUSTER_SOURCES, seriesOf } from '../../constructs/observability/metric-names';

/** One PromQL expression found in a manifest, with where it came from. */
export interface FoundQuery {
  readonly where: string;
  readonly expr: string;
}

/** Parse result: error positions (empty when valid) and the metric names selected. */
export interface ParsedQuery {
  readonly errors: number[];
  readonly metricNames: string[];
  /** Vector selectors without a metric name (`{__name__=...}`), which the contract cannot check. */
  readonly unnamedSelectors: number;
}

/** Parses one expression with `@prometheus-io/lezer-promql`. */
export function parsePromQL(expr: string): ParsedQuery {
  const errors: number[] = [];
  const metricNames: string[] = [];
  let unnamedSelectors = 0;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) metricNames.push(expr.slice(id.from, id.to));
        else unnamedSelectors++;
      }
    },
  });
  return { errors, metricNames, unnamedSelectors };
}

const _ref = (o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** Every PromQL expression in PrometheusRules and Grafana dashboard ConfigMaps (panels and variables). */
export function collectQueries(objects: any[]): FoundQuery[] {
  const out: FoundQuery[] = [];
  for (const o of objects) {
    if (o.kind === 'PrometheusRule') {
      for (const g of o.spec.groups) {
        for (const r of g.rules) out.push({ where: `${_ref(o)} ${g.name} ${r.alert ?? r.record}`, expr: String(r.expr) });
      }
    }
    if (o.kind === 'ConfigMap' && o.metadata?.labels?.grafana_dashboard === '1') {
      for (const [key, text] of Object.entries<string>(o.data ?? {})) {
        const dash = JSON.parse(text);
        for (const p of dash.panels ?? []) {
          for (const t of p.targets ?? []) out.push({ where: `${_ref(o)} ${key} panel "${p.title}" ${t.refId}`, expr: t.expr });
        }
        for (const v of dash.templating?.list ?? []) {
          if (v.type !== 'query') continue;
          // Grafana's `label_values(<selector>, <label>)`: the selector is PromQL.
          const m = /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(v.definition);
          out.push({ where: `${_ref(o)} ${key} variable ${v.name}`, expr: m ? m[1] : v.definition });
        }
      }
    }
  }
  return out;
}

/**
 * Series names the monitors keep: the `keep` on `__name__` of each endpoint's
 * metricRelabelings. A monitor without one keeps everything, which the contract cannot
 * check, so it is reported.
 */
export function scrapedNames(objects: any[]): { names: Set<string>; problems: string[] } {
  const names = new Set<string>();
  const problems: string[] = [];
  for (const o of objects) {
    const endpoints = o.kind === 'ServiceMonitor' ? o.spec.endpoints : o.kind === 'PodMonitor' ? o.spec.podMetricsEndpoints : undefined;
    if (!endpoints) continue;
    for (const e of endpoints) {
      const keep = (e.metricRelabelings ?? []).find((r: any) => /^keep$/i.test(r.action) && r.sourceLabels?.join() === '__name__');
      if (!keep || !/^[a-zA-Z0-9_:|]+$/.test(keep.regex)) {
        problems.push(`${_ref(o)} port ${e.port}: no plain keep-list of metric names`);
        continue;
      }
      keep.regex.split('|').forEach((n: string) => names.add(n));
    }
  }
  return { names, problems };
}

/**
 * Metric-contract violations: every metric a query selects is kept by one of our monitors,
 * recorded by one of our rules, or a cluster prerequisite (kube-state-metrics, cAdvisor,
 * dcgm-exporter, warm-pool custom-resource state).
 */
export function checkMetricContract(objects: any[]): string[] {
  const { names: scraped, problems } = scrapedNames(objects);
  const recorded = new Set(objects.filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.record).map((r: any) => r.record))));
  const cluster = new Set(seriesOf(...CLUSTER_SOURCES));
  const out = [...problems];
  for (const q of collectQueries(objects)) {
    const parsed = parsePromQL(q.expr);
    if (parsed.unnamedSelectors) out.push(`${q.where}: selector without a metric name`);
    for (const name of parsed.metricNames) {
      if (!scraped.has(name) && !recorded.has(name) && !cluster.has(name)) {
        out.push(`${q.where}: "${name}" is not scraped by our monitors, recorded by our rules, nor a cluster metric`);
      }
    }
  }
  return out;
}

const _matches = (labels: Record<string, string> | undefined, sel: Record<string, string> = {}) =>
  Object.entries(sel).every(([k, v]) => labels?.[k] === v);

function _namespaces(monitor: any): (ns: string) => boolean {
  const sel = monitor.spec.namespaceSelector;
  if (sel?.any) return () => true;
  if (sel?.matchNames?.length) return (ns) => sel.matchNames.includes(ns);
  return (ns) => ns === monitor.metadata.namespace;
}

/** Pod templates of workloads (and bare Pods) with their namespace. */
function _pods(objects: any[]): { ref: string; namespace: string; labels: Record<string, string>; spec: any }[] {
  return objects.flatMap((o) => {
    if (o.kind === 'Pod') return [{ ref: _ref(o), namespace: o.metadata.namespace, labels: o.metadata.labels ?? {}, spec: o.spec }];
    const t = ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) ? o.spec.template : undefined;
    return t ? [{ ref: _ref(o), namespace: o.metadata.namespace, labels: t.metadata?.labels ?? {}, spec: t.spec }] : [];
  });
}

/**
 * Port-contract violations: each PodMonitor endpoint port is a named container port of every
 * pod it selects; each ServiceMonitor endpoint port is a named port of every Service it
 * selects (after `keep` relabelings on the Service name). Selecting nothing is a violation.
 */
export function checkMonitorPorts(objects: any[]): string[] {
  const out: string[] = [];
  const pods = _pods(objects);
  for (const m of objects) {
    if (m.kind !== 'PodMonitor' && m.kind !== 'ServiceMonitor') continue;
    const inNs = _namespaces(m);
    if (m.kind === 'PodMonitor') {
      const selected = pods.filter((p) => inNs(p.namespace) && _matches(p.labels, m.spec.selector?.matchLabels));
      if (!selected.length) out.push(`${_ref(m)}: selects no pod`);
      for (const e of m.spec.podMetricsEndpoints) {
        for (const p of selected) {
          const ports = (p.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((x: any) => x.name));
          if (!ports.includes(e.port)) out.push(`${_ref(m)}: port "${e.port}" is not a named port of ${p.ref} (${ports.join(', ') || 'none'})`);
        }
      }
    }
    if (m.kind === 'ServiceMonitor') {
      for (const e of m.spec.endpoints) {
        const keepNames = (e.relabelings ?? []).filter((r: any) => /^keep$/i.test(r.action) && r.sourceLabels?.join() === '__meta_kubernetes_service_name');
        const services = objects.filter((s) => s.kind === 'Service' && inNs(s.metadata.namespace)
          && _matches(s.metadata.labels, m.spec.selector?.matchLabels)
          && keepNames.every((r: any) => new RegExp(`^(?:${r.regex})$`).test(s.metadata.name)));
        if (!services.length) out.push(`${_ref(m)}: port "${e.port}" selects no Service`);
        for (const s of services) {
          const ports = (s.spec.ports ?? []).map((x: any) => x.name);
          if (!ports.includes(e.port)) out.push(`${_ref(m)}: port "${e.port}" is not a named port of ${_ref(s)} (${ports.join(', ')})`);
        }
      }
    }
  }
  return out;
}
