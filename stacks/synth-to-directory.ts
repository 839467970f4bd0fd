/**
 * `synth` to disk on every core: the main thread constructs and validates every chart (so bad
 * input fails before anything is written, and the agent directory knows every call), then
 * serializes its share of the tenants while worker threads rebuild and serialize the rest
 * from plain data (config, platform facts, directory). Output equals `synthesizePlatform`'s.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { AgentDirectoryData } from '../constructs/agent-directory';
import type { PlatformFacts } from '../constructs/platform-facts';
import { _synth, buildPlatform, type BuiltPlatform, splitPlatformChart } from './charts';
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
  /** @default built here, while the worker threads load the constructs */
  built?: BuiltPlatform,
): Promise<WrittenChart[]> {
  const workers = Array.from({ length: _workerCount(config, opts.workers) }, () => new SynthWorker());
  try {
    built ??= buildPlatform(config);
  } catch (e) {
    for (const w of workers) w.stop();
    throw e;
  }
  const staged = stagingDir(dir);
  try {
    const written = await _writeAll(config, staged, opts, built, workers);
    swapInOutput(staged, dir);
    return written;
  } catch (e) {
    for (const w of workers) w.stop();
    fs.rmSync(staged, { recursive: true, force: true });
    throw e;
  }
}

/** Worker threads besides the main one: a thread starts by loading (and, from TypeScript, compiling) the constructs, worth it past a few thousand agents. */
function _workerCount(config: PlatformConfig, threads?: number): number {
  const agents = config.tenants.reduce((n, t) => n + (t.agents?.length ?? 0), 0);
  return Math.max(0, Math.min(threads ?? (agents < 3000 ? 1 : os.cpus().length), config.tenants.length) - 1);
}

async function _writeAll(
  config: PlatformConfig, dir: string, opts: { _workersOnly?: boolean }, built: BuiltPlatform, workers: SynthWorker[],
): Promise<WrittenChart[]> {
  // Every thread claims the next tenant until none is left: the main thread (which has them built) writes
  // while the workers start, and no thread idles while another still has a share to do.
  const next = new SharedArrayBuffer(4);
  const claims = new Int32Array(next);
  const job: TenantSynthJob = { dir, tenants: config.tenants, facts: built.platform.facts, directory: built.directory.toData(), next };
  const running = workers.map((w) => w.run(job));
  const written = splitPlatformChart(_synth(built.platformChart)).map((c) => writeChart(dir, c.name, c.objects));
  writeValues(dir, 'higress', built.higressValues);
  const tenants: WrittenChart[] = new Array(config.tenants.length);
  for (let i = opts._workersOnly && workers.length > 0 ? tenants.length : Atomics.add(claims, 0, 1); i < tenants.length; i = Atomics.add(claims, 0, 1)) {
    const chart = built.tenantCharts[i];
    tenants[i] = writeChart(dir, chart.node.id, _synth(chart));
  }
  for (const result of await Promise.all(running)) for (const [i, w] of result) tenants[i] = w;
  return [...written, ...tenants];
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
