/**
 * The agent's side of the metric contract: the A2A and MCP families of the platform catalog
 * (`constructs/observability/metric-names.ts`), with the catalog's names and labels. `tenant`
 * and `agent` are left out on purpose: the agent PodMonitor adds them from the pod's labels
 * (honorLabels false), so an agent cannot speak for another one.
 */
import * as http from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AGENT_TARGET_LABELS, MetricDef, METRICS } from '../constructs/observability/metric-names';

/** Millisecond buckets: the default 2 s p95 budget sits in the middle. */
export const DURATION_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000, 120000];

/** Labels the agent sets itself (catalog labels minus the relabeled `tenant`, `agent`). */
export function ownLabels(def: MetricDef): string[] {
  return def.labels.filter((l) => !(AGENT_TARGET_LABELS as readonly string[]).includes(l));
}

/** Why a call failed (`reason` label): a small closed set keeps cardinality bounded. */
export type FailureReason = 'error' | 'timeout' | 'a2a_error' | 'http_4xx' | 'http_5xx' | 'connection' | 'cancelled';

/** The agent's metrics on their own registry (never the global one, so two agents in one process stay apart). */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly failed: Counter<string>;
  private readonly toolCalls: Counter<string>;
  private readonly toolDuration: Histogram<string>;
  private readonly toolFailed: Counter<string>;

  constructor(opts: { readonly processMetrics?: boolean } = {}) {
    const counter = (d: MetricDef) => new Counter({ name: d.name, help: d.help, labelNames: ownLabels(d), registers: [this.registry] });
    const histogram = (d: MetricDef) => new Histogram({ name: d.name, help: d.help, labelNames: ownLabels(d), buckets: DURATION_BUCKETS_MS, registers: [this.registry] });
    this.calls = counter(METRICS.a2aCalls);
    this.duration = histogram(METRICS.a2aCallDuration);
    this.failed = counter(METRICS.a2aCallsFailed);
    this.toolCalls = counter(METRICS.mcpToolCalls);
    this.toolDuration = histogram(METRICS.mcpToolCallDuration);
    this.toolFailed = counter(METRICS.mcpToolCallsFailed);
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Records one served A2A call. */
  served(skill: string, caller: string, ms: number, failure?: FailureReason): void {
    const l = { skill, caller };
    this.calls.inc(l);
    this.duration.observe(l, ms);
    if (failure) this.failed.inc({ ...l, reason: failure });
  }

  /**
   * Runs one MCP tool call and records `mcp_tool_*` for it.
   *
   * @example const rows = await agent.metrics.tool('postgres', 'query', () => mcp.callTool({ name: 'query', arguments }));
   */
  async tool<T>(server: string, tool: string, fn: () => Promise<T>): Promise<T> {
    const l = { server, tool };
    const start = performance.now();
    try {
      return await fn();
    } catch (e) {
      this.toolFailed.inc({ ...l, reason: (e as any)?.name === 'AbortError' ? 'timeout' : 'error' });
      throw e;
    } finally {
      this.toolCalls.inc(l);
      this.toolDuration.observe(l, performance.now() - start);
    }
  }

  /** Serves the exposition format on `port` (`path`), 127.0.0.1 or all interfaces. */
  async listen(port: number, path: string, host: string): Promise<http.Server> {
    const server = http.createServer(async (req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== path) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': this.registry.contentType }).end(await this.registry.metrics());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    return server;
  }
}
