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
import { _synth, buildPlatform, BuiltPlatform, splitPlatformChart } from './charts';
import { stagingDir, swapInOutput, WrittenChart, writeChart, writeValues } from './chart-writer';
import type { PlatformConfig } from './config';

/** What a worker thread gets: everything as plain data. */
export interface TenantSynthJob {
  readonly dir: string;
  readonly tenants: PlatformConfig['tenants'];
  readonly facts: PlatformFacts;
  readonly directory: AgentDirectoryData;
}

/**
 * Synthesizes an environment into `dir`, one YAML file per chart. Everything is written to a staging
 * folder first and moved in only when all of it succeeded, so an error leaves `dir` as it was; files
 * synth did not write are never removed or overwritten (see `swapInOutput`).
 * @example await synthesizeToDirectory(loadStackConfig('dev', '.'), 'dist/dev')
 */
export async function synthesizeToDirectory(
  config: PlatformConfig, dir: string,
  /** `workers`: threads in all, the main one included. @default one per core from 3,000 agents, else 1 */
  opts: { workers?: number } = {},
  built: BuiltPlatform = buildPlatform(config),
): Promise<WrittenChart[]> {
  const staged = stagingDir(dir);
  try {
    const written = await _writeAll(config, staged, opts, built);
    swapInOutput(staged, dir);
    return written;
  } catch (e) {
    fs.rmSync(staged, { recursive: true, force: true });
    throw e;
  }
}

async function _writeAll(config: PlatformConfig, dir: string, opts: { workers?: number }, built: BuiltPlatform): Promise<WrittenChart[]> {
  const written = splitPlatformChart(_synth(built.platformChart)).map((c) => writeChart(dir, c.name, c.objects));
  writeValues(dir, 'higress', built.higressValues);

  // A thread starts by loading (and, from TypeScript, compiling) the constructs: worth it past a few thousand agents.
  const agents = config.tenants.reduce((n, t) => n + (t.agents?.length ?? 0), 0);
  const threads = opts.workers ?? (agents < 3000 ? 1 : os.cpus().length);
  const workers = Math.max(0, Math.min(threads, config.tenants.length) - 1);
  const share = Math.ceil(config.tenants.length / (workers + 1));
  const job = (tenants: PlatformConfig['tenants']): TenantSynthJob => ({
    dir, tenants, facts: built.platform.facts, directory: built.directory.toData(),
  });
  const running = Array.from({ length: workers }, (_, i) => runWorker(job(config.tenants.slice(share * (i + 1), share * (i + 2)))));
  const mine = built.tenantCharts.slice(0, share).map((c) => writeChart(dir, c.node.id, _synth(c)));
  const theirs = (await Promise.all(running)).flat();
  return [...written, ...mine, ...theirs];
}

function runWorker(job: TenantSynthJob): Promise<WrittenChart[]> {
  const typescript = __filename.endsWith('.ts');
  const entry = path.join(__dirname, `tenant-synth-worker.${typescript ? 'ts' : 'js'}`);
  const bootstrap = typescript
    ? `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(__dirname, '..', 'tsconfig.json'))} }); require(${JSON.stringify(entry)});`
    : `require(${JSON.stringify(entry)});`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, { eval: true, workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`synth worker exited with code ${code}`)));
  });
}
