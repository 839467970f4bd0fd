/** Worker thread of `synthesizeToDirectory`: rebuilds its tenants from plain data and writes them. */
import { parentPort, workerData } from 'worker_threads';
import { AgentDirectory } from '../constructs/agent-directory';
import { _chart, _synth } from './charts';
import { writeChart } from './chart-writer';
import { buildTenantChart } from './tenant-charts';
import type { TenantSynthJob } from './synth-to-directory';

const job = workerData as TenantSynthJob;
const directory = AgentDirectory.fromData(job.directory);
const charts = job.tenants.map((t) => {
  const chart = _chart(`tenant-${t.name}`);
  buildTenantChart(chart, t, job.facts, directory);
  return chart;
});
parentPort!.postMessage(charts.map((c) => writeChart(job.dir, c.node.id, _synth(c))));
