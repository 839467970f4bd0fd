/**
 * The controller's Prometheus metrics (text exposition 0.0.4) and its health endpoints, on one
 * small HTTP server: `/metrics`, `/healthz` (the process answers), `/readyz` (caches synced).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const PREFIX = 'agent_runtime_controller';
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counters, gauges and the Nacos latency histogram. */
export class ControllerMetrics {
  readonly reconciles = new Map<string, number>();
  errors = 0;
  nacosWrites = 0;
  nacosReads = 0;
  queueDepth = 0;
  leader = 0;
  lastSuccessfulSync = 0;
  private readonly _latency = new Map<string, { buckets: number[]; sum: number; count: number }>();

  /** One reconcile of `kind` ended with `result`. */
  reconciled(kind: 'registry' | 'identity' | 'sweep', result: 'success' | 'error'): void {
    const key = `kind="${kind}",result="${result}"`;
    this.reconciles.set(key, (this.reconciles.get(key) ?? 0) + 1);
    if (result === 'error') this.errors++;
  }

  /** One Nacos request of `operation` (e.g. `POST /v3/admin/ns/instance`) took `ms`. */
  observeNacos(operation: string, ms: number): void {
    const method = operation.split(' ')[0];
    // Logins are neither registry reads nor writes.
    if (!operation.includes('/auth/')) {
      if (method === 'GET') this.nacosReads++;
      else this.nacosWrites++;
    }
    let h = this._latency.get(operation);
    if (!h) this._latency.set(operation, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    const s = ms / 1000;
    BUCKETS.forEach((b, i) => {
      if (s <= b) h!.buckets[i]++;
    });
    h.sum += s;
    h.count++;
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    const help = (name: string, type: string, text: string) => lines.push(`# HELP ${PREFIX}_${name} ${text}`, `# TYPE ${PREFIX}_${name} ${type}`);
    help('reconciles_total', 'counter', 'Reconciles by kind and result.');
    for (const [labels, n] of this.reconciles) lines.push(`${PREFIX}_reconciles_total{${labels}} ${n}`);
    help('errors_total', 'counter', 'Failed reconciles.');
    lines.push(`${PREFIX}_errors_total ${this.errors}`);
    help('nacos_request_duration_seconds', 'histogram', 'Nacos API latency by operation.');
    for (const [op, h] of this._latency) {
      const l = `operation="${op}"`;
      BUCKETS.forEach((b, i) => lines.push(`${PREFIX}_nacos_request_duration_seconds_bucket{${l},le="${b}"} ${h.buckets[i]}`));
      lines.push(`${PREFIX}_nacos_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      lines.push(`${PREFIX}_nacos_request_duration_seconds_sum{${l}} ${h.sum}`, `${PREFIX}_nacos_request_duration_seconds_count{${l}} ${h.count}`);
    }
    help('queue_depth', 'gauge', 'Keys waiting in the work queue.');
    lines.push(`${PREFIX}_queue_depth ${this.queueDepth}`);
    help('last_successful_sync_timestamp_seconds', 'gauge', 'When every key last reconciled without error.');
    lines.push(`${PREFIX}_last_successful_sync_timestamp_seconds ${this.lastSuccessfulSync / 1000}`);
    help('leader', 'gauge', '1 when this replica holds the Lease and writes.');
    lines.push(`${PREFIX}_leader ${this.leader}`);
    return lines.join('\n') + '\n';
  }
}

/** Serves `/metrics`, `/healthz` and `/readyz`; resolves to the bound port. */
export async function serveMetrics(metrics: ControllerMetrics, opts: { host: string; port: number; ready: () => boolean }): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render());
    if (path === '/healthz') return void res.writeHead(200).end('ok\n');
    if (path === '/readyz') return void (opts.ready() ? res.writeHead(200).end('ok\n') : res.writeHead(503).end('caches not synced\n'));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
