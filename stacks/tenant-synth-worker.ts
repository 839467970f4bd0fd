/**
 * Worker thread of `synthesizeToDirectory`: loads the constructs while the main thread builds the platform,
 * then (job received) claims tenants one at a time, rebuilds each from plain data, writes it and lets it go
 * (so a worker holds one tenant's constructs at a time).
 */
import { parentPort } from 'worker_threads';
import { AgentDirectory } from '../constructs/agent-directory';
import { _chart, _synth } from './charts';
import { writeChart } from './chart-writer';
import { buildTenantChart } from './tenant-charts';
import type { TenantSynthJob, TenantSynthResult } from './synth-to-directory';

parentPort!.once('message', (job: TenantSynthJob) => {
  const directory = AgentDirectory.fromData(job.directory);
  const claims = new Int32Array(job.next);
  const result: TenantSynthResult = [];
  for (let i = Atomics.add(claims, 0, 1); i < job.tenants.length; i = Atomics.add(claims, 0, 1)) {
    const t = job.tenants[i];
    const chart = _chart(`tenant-${t.name}`);
    buildTenantChart(chart, t, job.facts, directory, i);
    result.push([i, writeChart(job.dir, chart.node.id, _synth(chart))]);
  }
  parentPort!.postMessage(result);
});
