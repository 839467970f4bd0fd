import { _matchers, _quantile, _sel, _sumRate } from './_promql';
import { METRICS, MetricSource } from './metric-names';

/** The p95 A2A latency budget of one agent. */
export interface AgentLatencyBudget {
  readonly tenant: string;
  readonly agent: string;
  /** p95 latency budget in milliseconds, > 0. */
  readonly p95Ms: number;
}

/** Alert thresholds; every ratio is a fraction (0.05 = 5 %). */
export interface AlertThresholds {
  /** Failed / all A2A calls of one agent skill, in (0, 1). @default 0.05 */
  readonly a2aFailureRatio?: number;
  /** p95 A2A latency budget of agents without their own budget, ms. @default 2000 */
  readonly a2aLatencyBudgetMs?: number;
  /** Per-agent p95 budgets that override the default. @default [] */
  readonly latencyBudgets?: readonly AgentLatencyBudget[];
  /** Gateway 5xx / all responses, in (0, 1). @default 0.05 */
  readonly gateway5xxRatio?: number;
  /** Used / hard of any tenant quota resource, in (0, 1]. @default 0.9 */
  readonly quotaUsageRatio?: number;
  /** How long a condition must hold before an alert fires (Prometheus duration). @default '10m' */
  readonly for?: string;
}

/** One Prometheus recording or alerting rule. */
export interface PromRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** A Prometheus rule group. */
export interface PromRuleGroup {
  readonly name: string;
  readonly rules: PromRule[];
}

/** What the rules need to know about the platform. */
export interface AlertRulesOptions {
  readonly thresholds: AlertThresholds;
  /** Sources whose metrics are available; rules on other sources are left out. */
  readonly sources: readonly MetricSource[];
  /** Namespace and StatefulSet name of the Nacos cluster. */
  readonly registry: { readonly namespace: string; readonly statefulSet: string };
  /** Name of the tenants' ResourceQuota. */
  readonly tenantQuotaName: string;
  /** Tenant namespaces to watch; empty = every namespace with that quota. */
  readonly tenants: readonly string[];
}

/** Names of the recording rules, shared by alerts and dashboards. */
export const RECORDED = {
  a2aCallRate: 'tenant_agent_skill:a2a_calls:rate5m',
  a2aFailureRate: 'tenant_agent_skill:a2a_calls_failed:rate5m',
  a2aP95: 'tenant_agent_skill:a2a_call_duration_ms:p95_5m',
} as const;

/** Names of the alerts (a public contract: routes in Alertmanager match them). */
export const ALERTS = {
  a2aFailureRatio: 'AgentA2AFailureRatioHigh',
  a2aLatency: 'AgentA2ALatencyOverBudget',
  gateway5xx: 'GatewayHigh5xxRatio',
  nacosNotReady: 'NacosMembersNotReady',
  nacosQuorum: 'NacosQuorumLost',
  tenantQuota: 'TenantNearQuota',
  warmPool: 'SandboxWarmPoolExhausted',
} as const;

/** Higress' traffic listeners; leaves out the admin and stats listeners. */
export const GATEWAY_LISTENERS = { http_conn_manager_prefix: '~outbound_0.0.0.0_.*' } as const;

const _DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

/** Thresholds with every default applied, after validation. */
function _resolveThresholds(t: AlertThresholds = {}): Required<AlertThresholds> {
  const r = {
    a2aFailureRatio: t.a2aFailureRatio ?? 0.05,
    a2aLatencyBudgetMs: t.a2aLatencyBudgetMs ?? 2000,
    latencyBudgets: t.latencyBudgets ?? [],
    gateway5xxRatio: t.gateway5xxRatio ?? 0.05,
    quotaUsageRatio: t.quotaUsageRatio ?? 0.9,
    for: t.for ?? '10m',
  };
  const ratio = (prop: string, v: number, allowOne: boolean) => {
    if (!Number.isFinite(v) || v <= 0 || v > 1 || (!allowOne && v === 1)) {
      throw new Error(`alerts.${prop}: ${v} is outside (0, 1${allowOne ? ']' : ')'}; give a fraction, e.g. ${prop === 'quotaUsageRatio' ? '0.9 for 90 %' : '0.05 for 5 %'}`);
    }
  };
  ratio('a2aFailureRatio', r.a2aFailureRatio, false);
  ratio('gateway5xxRatio', r.gateway5xxRatio, false);
  ratio('quotaUsageRatio', r.quotaUsageRatio, true);
  const budget = (prop: string, v: number) => {
    if (!Number.isFinite(v) || v <= 0) {
      throw new Error(`alerts.${prop}: ${v} is not a latency budget; give a positive number of milliseconds, e.g. 2000`);
    }
  };
  budget('a2aLatencyBudgetMs', r.a2aLatencyBudgetMs);
  const seen = new Set<string>();
  r.latencyBudgets.forEach((b, i) => {
    budget(`latencyBudgets[${i}].p95Ms (${b.tenant}/${b.agent})`, b.p95Ms);
    const key = `${b.tenant}/${b.agent}`;
    if (seen.has(key)) throw new Error(`alerts.latencyBudgets[${i}]: agent "${key}" has two budgets; keep one`);
    seen.add(key);
  });
  if (!r.for || !_DURATION.test(r.for)) {
    throw new Error(`alerts.for: "${r.for}" is not a Prometheus duration; use e.g. "10m" or "1h30m"`);
  }
  return r;
}

/**
 * The platform's recording and alerting rules, built from the metric catalog. Rules whose
 * metrics come from a source that is not scraped are left out rather than left dead.
 */
export function buildAlertRules(o: AlertRulesOptions): PromRuleGroup[] {
  const t = _resolveThresholds(o.thresholds);
  const has = (s: MetricSource) => o.sources.includes(s);
  const groups: PromRuleGroup[] = [];
  const pct = (v: number) => `${+(v * 100).toFixed(2)} %`;
  const sev = (severity: 'warning' | 'critical') => ({ severity });

  if (has('agent')) {
    const by = ['tenant', 'agent', 'skill'];
    const p95 = RECORDED.a2aP95;
    const agentSel = (b: AgentLatencyBudget) => `${p95}${_matchers({ tenant: b.tenant, agent: b.agent })}`;
    const overridden = t.latencyBudgets.length
      ? ` unless on (tenant, agent) (${t.latencyBudgets.map(agentSel).join(' or ')})`
      : '';
    const latency = (expr: string, budgetMs: number): PromRule => ({
      alert: ALERTS.a2aLatency,
      expr,
      for: t.for,
      labels: { ...sev('warning'), budget_ms: String(budgetMs) },
      annotations: {
        summary: 'A2A p95 latency over the agent budget',
        description: `p95 of {{ $labels.tenant }}/{{ $labels.agent }} skill {{ $labels.skill }} is {{ $value | humanize }} ms, over its ${budgetMs} ms budget.`,
      },
    });
    groups.push({
      name: 'agentruntime.a2a.recording',
      rules: [
        { record: RECORDED.a2aCallRate, expr: _sumRate(METRICS.a2aCalls, by) },
        { record: RECORDED.a2aFailureRate, expr: _sumRate(METRICS.a2aCallsFailed, by) },
        { record: p95, expr: _quantile(0.95, METRICS.a2aCallDuration, by) },
      ],
    }, {
      name: 'agentruntime.a2a.alerts',
      rules: [
        {
          alert: ALERTS.a2aFailureRatio,
          // `ignoring(reason)` is not needed: both recorded series carry tenant, agent, skill only.
          expr: `${RECORDED.a2aFailureRate} / ${RECORDED.a2aCallRate} > ${t.a2aFailureRatio}`,
          for: t.for,
          labels: sev('warning'),
          annotations: {
            summary: 'A2A calls of a skill are failing',
            description: `{{ $value | humanizePercentage }} of the calls to {{ $labels.tenant }}/{{ $labels.agent }} skill {{ $labels.skill }} failed over 5 minutes (threshold ${pct(t.a2aFailureRatio)}).`,
          },
        },
        latency(`${p95} > ${t.a2aLatencyBudgetMs}${overridden}`, t.a2aLatencyBudgetMs),
        ...t.latencyBudgets.map((b) => latency(`${agentSel(b)} > ${b.p95Ms}`, b.p95Ms)),
      ],
    });
  }

  const platform: PromRule[] = [];
  if (has('gateway')) {
    platform.push({
      alert: ALERTS.gateway5xx,
      expr: `${_sumRate(METRICS.gatewayResponses, [], { ...GATEWAY_LISTENERS, response_code_class: '5xx' })} / ${_sumRate(METRICS.gatewayRequests, [], GATEWAY_LISTENERS)} > ${t.gateway5xxRatio}`,
      for: t.for,
      labels: sev('critical'),
      annotations: {
        summary: 'The gateway answers with many 5xx',
        description: `{{ $value | humanizePercentage }} of gateway responses are 5xx (threshold ${pct(t.gateway5xxRatio)}).`,
      },
    });
  }
  if (has('kube-state-metrics')) {
    const sts = { namespace: o.registry.namespace, statefulset: o.registry.statefulSet };
    const ready = _sel(METRICS.kubeStatefulSetReady, sts);
    const desired = _sel(METRICS.kubeStatefulSetReplicas, sts);
    platform.push({
      alert: ALERTS.nacosNotReady,
      expr: `${ready} < ${desired}`,
      for: '5m',
      labels: sev('warning'),
      annotations: {
        summary: 'Nacos registry members are not ready',
        description: `Only {{ $value }} Nacos servers of StatefulSet ${o.registry.namespace}/${o.registry.statefulSet} are ready.`,
      },
    }, {
      alert: ALERTS.nacosQuorum,
      // JRaft needs a majority: at most half ready means no writes (card registration fails).
      expr: `${ready} <= ${desired} / 2`,
      for: '1m',
      labels: sev('critical'),
      annotations: {
        summary: 'Nacos registry lost its quorum',
        description: `{{ $value }} Nacos servers ready: no majority, registrations and config writes fail.`,
      },
    });
    const quota = { resourcequota: o.tenantQuotaName, ...(o.tenants.length ? { namespace: `~${o.tenants.join('|')}` } : {}) };
    platform.push({
      alert: ALERTS.tenantQuota,
      // Resources with a hard limit of 0 (e.g. LoadBalancers) are forbidden, not "near" anything.
      expr: `${_sel(METRICS.kubeResourceQuota, { ...quota, type: 'used' })} / ignoring (type) (${_sel(METRICS.kubeResourceQuota, { ...quota, type: 'hard' })} > 0) > ${t.quotaUsageRatio}`,
      for: t.for,
      labels: sev('warning'),
      annotations: {
        summary: 'A tenant is near its quota',
        description: `Tenant {{ $labels.namespace }} uses {{ $value | humanizePercentage }} of its ${'{{ $labels.resource }}'} quota (threshold ${pct(t.quotaUsageRatio)}).`,
      },
    });
  }
  if (has('sandbox-pool')) {
    platform.push({
      alert: ALERTS.warmPool,
      expr: `${_sel(METRICS.warmPoolReady)} == 0 and ${_sel(METRICS.warmPoolDesired)} > 0`,
      for: '5m',
      labels: sev('warning'),
      annotations: {
        summary: 'A sandbox warm pool is empty',
        description: 'Warm pool {{ $labels.namespace }}/{{ $labels.warmpool }} has no ready sandbox: claims start cold. Raise its replicas or check the sandbox controller.',
      },
    });
  }
  if (platform.length) groups.push({ name: 'agentruntime.platform.alerts', rules: platform });
  return groups;
}
