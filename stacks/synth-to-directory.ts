/**
 * `synth` to disk on every core. The agent directory is computed from the configuration first, so
 * every thread (the main one included) claims tenants one at a time and builds, validates and writes
 * each on its own, holding one tenant's constructs at a time. The main thread then completes the
 * platform chart with what the tenants reported (their routes and validation errors). Everything is
 * written to a staging folder, moved in only when all of it succeeded. Output equals `synthesizePlatform`'s.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { AgentDirectory, type AgentDirectoryData } from '../constructs/agent-directory';
import type { PlatformFacts } from '../constructs/platform-facts';
import { _chart, _synth, completePlatform, constructPlatform, splitPlatformChart, tenantRoutes } from './charts';
import { buildTenantChart, tenantValidationErrors } from './tenant-charts';
import { stagingDir, swapInOutput, WrittenChart, writeChart, writeValues } from './chart-writer';
import type { PlatformConfig } from './config';
import { directoryFromConfig } from './directory-from-config';

/** What a worker thread gets: everything as plain data, and the counter of the next tenant to write. */
export interface TenantSynthJob {
  readonly dir: string;
  readonly tenants: PlatformConfig['tenants'];
  /** Problems of the configuration found before construction (see `PlatformConfig.problems`). */
  readonly problems: NonNullable<PlatformConfig['problems']>;
  readonly facts: PlatformFacts;
  readonly directory: AgentDirectoryData;
  /** One Int32: the index of the next tenant nobody has claimed (`Atomics.add`). */
  readonly next: SharedArrayBuffer;
}

/** What became of one tenant: written, or its problems (refused while constructing, or found at synth time), under config keys. */
export interface TenantOutcome {
  readonly index: number;
  readonly written?: WrittenChart;
  /** Its Ingresses, `namespace/name` (the platform's rate-limit tiers select them). */
  readonly routes?: string[];
  /** Problems found at synth time. */
  readonly errors?: string[];
  /** Problems of props refused while constructing. */
  readonly refused?: string[];
}

/** What a worker thread sends back: the tenants it claimed. */
export type TenantSynthResult = TenantOutcome[];

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
   * `alsoWrite`: writes more files into the staged folder once the charts are written (the GitOps set).
   */
  opts: { workers?: number; _workersOnly?: boolean; alsoWrite?: (staged: string, written: WrittenChart[]) => void } = {},
): Promise<WrittenChart[]> {
  // Workers load (and, from TypeScript, compile) the constructs while this thread builds the platform.
  const workers = Array.from({ length: _workerCount(config, opts.workers) }, () => new SynthWorker());
  const staged = stagingDir(dir);
  try {
    const written = await _writeAll(config, staged, opts, workers);
    opts.alsoWrite?.(staged, written);
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
  const { platform, platformChart } = constructPlatform(config);
  const job: TenantSynthJob = {
    dir, tenants: config.tenants, problems: config.problems ?? [], facts: platform.facts, directory: directoryFromConfig(config, platform.facts), next: new SharedArrayBuffer(4),
  };
  // Every thread claims the next tenant until none is left, so none idles while another has work.
  const running = workers.map((w) => w.run(job));
  const mine = opts._workersOnly ? [] : _writeClaimedTenants(job);
  const outcomes: TenantOutcome[] = new Array(config.tenants.length);
  for (const result of [mine, ...await Promise.all(running)]) for (const o of result) outcomes[o.index] = o;
  // As `buildPlatform` (see `tenantErrors`): every refused prop, else every synth-time problem.
  const refused = outcomes.flatMap((o) => o.refused ?? []);
  const higressValues = completePlatform(config, platform, platformChart, outcomes.map((o) => o.routes ?? []), refused.length ? refused : outcomes.flatMap((o) => o.errors ?? []));
  const written = splitPlatformChart(_synth(platformChart)).map((c) => writeChart(dir, c.name, c.objects));
  writeValues(dir, 'higress', higressValues);
  return [...written, ...outcomes.map((o) => o.written!)];
}

/**
 * Claims tenants of `job` one at a time until none is left, and builds, validates and writes each
 * (holding one tenant's constructs at a time). A tenant with refused props is not written, and the
 * others still are built, so every problem of the configuration is reported.
 */
export function _writeClaimedTenants(job: TenantSynthJob): TenantSynthResult {
  const directory = AgentDirectory.fromData(job.directory);
  // Computed from the configuration: an agent registering other data would be a bug, not a late change.
  directory._seal('it was computed from the stack configuration');
  const claims = new Int32Array(job.next);
  const result: TenantSynthResult = [];
  for (let i = Atomics.add(claims, 0, 1); i < job.tenants.length; i = Atomics.add(claims, 0, 1)) {
    const t = job.tenants[i];
    const chart = _chart(`tenant-${t.name}`);
    const built = buildTenantChart(chart, t, job.facts, directory, i, job.problems);
    if (built.errors.length) {
      result.push({ index: i, refused: built.errors });
      continue;
    }
    const all = chart.node.findAll();
    const errors = tenantValidationErrors(built, all);
    const routes = tenantRoutes(chart, all);
    result.push(errors.length ? { index: i, routes, errors } : { index: i, routes, written: writeChart(job.dir, chart.node.id, _synth(chart, all)) });
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
    // From TypeScript, through the transpile cache: the thread then starts in a fraction of ts-node's time.
    const bootstrap = typescript
      ? `require(${JSON.stringify(path.join(__dirname, '..', 'bin', 'ts-cache.js'))}).register(); require(${JSON.stringify(entry)});`
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
