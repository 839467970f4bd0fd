/**
 * `synth` to disk on every core: the main thread constructs and validates every chart (so bad
 * input fails before anything is written, and the agent directory knows every call) while worker
 * threads load the constructs; then every thread claims tenants one at a time and rebuilds and
 * serializes each from plain data (config, platform facts, directory). Output equals `synthesizePlatform`'s.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Worker } from 'worker_threads';
import { AgentDirectory, type AgentDirectoryData } from '../constructs/agent-directory';
import type { PlatformFacts } from '../constructs/platform-facts';
import { _chart, _synth, buildPlatform, splitPlatformChart } from './charts';
import { buildTenantChart } from './tenant-charts';
import { stagingDir, swapInOutput, WrittenChart, writeChart, writeValues } from './chart-writer';
import type { PlatformConfig } from './config';

/** What a worker thread gets: everything as plain data, and the counter of the next tenant to write. */
export interface TenantSynthJob {
  readonly dir: string;
  readonly tenants: PlatformConfig['tenants'];
  readonly facts: PlatformFacts;
  readonly directory: AgentDirectoryData;
  /** One Int32: the index of the next tenant nobody has claimed (`Atomics.add`). */
  readonly next: SharedArrayBuffer;
}

/** What a worker thread sends back: the tenants it wrote, by index. */
export type TenantSynthResult = [index: number, written: WrittenChart][];

/**
 * Synthesizes an environment into `dir`, one YAML file per chart. Everything is written to a staging
 * folder first and moved in only when all of it succeeded, so an error leaves `dir` as it was; files
 * synth did not write are never removed or overwritten (see `swapInOutput`).
 * @example await synthesizeToDirectory(loadStackConfig('dev', '.'), 'dist/dev')
 */
export async function synthesizeToDirectory(
  config: PlatformConfig, dir: string,
  /**
   * `workers`: threads in all, the main one included. @default one per core from 3,000 agents, else 1
   * `_workersOnly`: the main thread writes no tenant (so tests see the workers' output). @default false
   */
  opts: { workers?: number; _workersOnly?: boolean } = {},
): Promise<WrittenChart[]> {
  // Workers load (and, from TypeScript, compile) the constructs while this thread builds the platform.
  const workers = Array.from({ length: _workerCount(config, opts.workers) }, () => new SynthWorker());
  const staged = stagingDir(dir);
  try {
    const written = await _writeAll(config, staged, opts, workers);
    swapInOutput(staged, dir);
    return written;
  } catch (e) {
    for (const w of workers) w.stop();
    fs.rmSync(staged, { recursive: true, force: true });
    throw e;
  }
}

/** Worker threads besides the main one: a thread starts by loading the constructs, worth it past a few thousand agents. */
function _workerCount(config: PlatformConfig, threads?: number): number {
  const agents = config.tenants.reduce((n, t) => n + (t.agents?.length ?? 0), 0);
  return Math.max(0, Math.min(threads ?? (agents < 3000 ? 1 : os.cpus().length), config.tenants.length) - 1);
}

async function _writeAll(config: PlatformConfig, dir: string, opts: { _workersOnly?: boolean }, workers: SynthWorker[]): Promise<WrittenChart[]> {
  const { written, job } = _buildAndWrite(config, dir, workers.length > 0);
  if (!job) return written;
  // Every thread claims the next tenant until none is left, so none idles while another has work. The main
  // thread has let its constructs go (holding every tenant's while the workers run would double the memory)
  // and rebuilds its tenants from the same plain data.
  const running = workers.map((w) => w.run(job));
  _collectGarbage();
  const mine = opts._workersOnly ? [] : _writeClaimedTenants(job);
  const tenants: WrittenChart[] = new Array(config.tenants.length);
  for (const result of [mine, ...await Promise.all(running)]) for (const [i, w] of result) tenants[i] = w;
  return [...written, ...tenants];
}

/**
 * Builds and validates every chart and writes the platform's. Without workers it writes the tenants too;
 * with workers it returns, as plain data, what they need to write them (its constructs then go).
 */
function _buildAndWrite(config: PlatformConfig, dir: string, shared: boolean): { written: WrittenChart[]; job?: TenantSynthJob } {
  const built = buildPlatform(config);
  const written = splitPlatformChart(_synth(built.platformChart)).map((c) => writeChart(dir, c.name, c.objects));
  writeValues(dir, 'higress', built.higressValues);
  if (!shared) return { written: [...written, ...built.tenantCharts.map((c) => writeChart(dir, c.node.id, _synth(c)))] };
  const job = { dir, tenants: config.tenants, facts: built.platform.facts, directory: built.directory.toData(), next: new SharedArrayBuffer(4) };
  return { written, job };
}

/**
 * A full garbage collection, once the platform's constructs are let go: V8 sized the heap for them and
 * would otherwise let the tenants' garbage grow into that room while the workers' heaps grow too.
 */
function _collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  gc?.();
}

/** Claims tenants of `job` one at a time until none is left, and rebuilds and writes each (holding one tenant's constructs at a time). */
export function _writeClaimedTenants(job: TenantSynthJob): TenantSynthResult {
  const directory = AgentDirectory.fromData(job.directory);
  const claims = new Int32Array(job.next);
  const result: TenantSynthResult = [];
  for (let i = Atomics.add(claims, 0, 1); i < job.tenants.length; i = Atomics.add(claims, 0, 1)) {
    const t = job.tenants[i];
    const chart = _chart(`tenant-${t.name}`);
    buildTenantChart(chart, t, job.facts, directory, i);
    result.push([i, writeChart(job.dir, chart.node.id, _synth(chart))]);
  }
  return result;
}

/** A worker thread that starts loading the constructs at once and writes tenants once it gets its job. */
class SynthWorker {
  private readonly worker: Worker;
  private readonly done: Promise<TenantSynthResult>;
  private stopped = false;

  constructor() {
    const typescript = __filename.endsWith('.ts');
    const entry = path.join(__dirname, `tenant-synth-worker.${typescript ? 'ts' : 'js'}`);
    const bootstrap = typescript
      ? `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(__dirname, '..', 'tsconfig.json'))} }); require(${JSON.stringify(entry)});`
      : `require(${JSON.stringify(entry)});`;
    this.worker = new Worker(bootstrap, { eval: true });
    this.done = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => code !== 0 && !this.stopped && reject(new Error(`synth worker exited with code ${code}`)));
    });
    // Failures surface through `run`; a worker stopped before its job has none to report.
    this.done.catch(() => undefined);
  }

  public run(job: TenantSynthJob): Promise<TenantSynthResult> {
    this.worker.postMessage(job);
    return this.done;
  }

  public stop(): void {
    this.stopped = true;
    void this.worker.terminate();
  }
}
