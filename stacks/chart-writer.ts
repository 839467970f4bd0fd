/** Writes synthesized charts as YAML, one file per chart, and summarizes them. */
import * as fs from 'fs';
import * as path from 'path';
import { toYaml, writeYamlFile } from './yaml-emitter';

/** What was written for one chart: its name and its objects per kind. */
export interface WrittenChart {
  readonly name: string;
  readonly kinds: Record<string, number>;
}

/** File in an output folder listing what synth wrote there (relative paths, JSON), so a later synth removes only those; no .json/.yaml extension, so `kubectl apply -f <folder>` skips it. */
export const SYNTH_MANIFEST = '.agent-runtime-synth';

/**
 * A fresh staging folder next to `dir` (same filesystem, so files move in by rename). Synth writes
 * there; `dir` is untouched until everything is written.
 */
export function stagingDir(dir: string): string {
  fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  return fs.mkdtempSync(path.join(path.dirname(path.resolve(dir)), `.${path.basename(dir)}.synth-`));
}

/** Files synth wrote into `dir` last time (from its manifest); none for a new folder. */
export function previousOutput(dir: string): string[] {
  const file = path.join(dir, SYNTH_MANIFEST);
  if (!fs.existsSync(file)) return [];
  const list: unknown = JSON.parse(fs.readFileSync(file, 'utf8')).files;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string' && !path.isAbsolute(f) && !f.split(/[\\/]/).includes('..'))) {
    throw new Error(`${file} is not a synth manifest; remove it (and the files synth wrote) or use another output folder`);
  }
  return list;
}

/** Every regular file under `dir`, relative, sorted. */
export function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/**
 * Moves the staged output into `dir`: refuses (changing nothing) when a staged file would replace a
 * file synth did not write; then moves each file in, removes the files of the previous synth that
 * are gone, and records the new list. Files synth did not write are never touched.
 * @returns the relative paths now written
 */
export function swapInOutput(staged: string, dir: string): string[] {
  const files = filesUnder(staged);
  const previous = new Set(previousOutput(dir));
  const foreign = files.filter((f) => !previous.has(f) && fs.existsSync(path.join(dir, f)));
  if (foreign.length) {
    throw new Error(`output folder ${dir} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}, which synth did not write and would overwrite; move them away or use another folder, e.g. dist/<env>`);
  }
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.renameSync(path.join(staged, f), path.join(dir, f));
  }
  const now = new Set(files);
  for (const f of previous) if (!now.has(f)) fs.rmSync(path.join(dir, f), { force: true });
  fs.writeFileSync(path.join(dir, SYNTH_MANIFEST), JSON.stringify({ files }, null, 2) + '\n');
  fs.rmSync(staged, { recursive: true, force: true });
  return files;
}

/** Writes `<dir>/<name>.yaml`, one document per object. */
export function writeChart(dir: string, name: string, objects: any[]): WrittenChart {
  writeYamlFile(path.join(dir, `${name}.yaml`), objects);
  const kinds: Record<string, number> = {};
  for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  return { name, kinds };
}

/** Writes Helm values next to the charts (`values/<name>.yaml`); they are not manifests. */
export function writeValues(dir: string, name: string, values: Record<string, unknown>): void {
  fs.mkdirSync(path.join(dir, 'values'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'values', `${name}.yaml`), toYaml(values));
}

/** A short table: objects per kind, per chart. */
export function summarize(charts: WrittenChart[]): string {
  let total = 0;
  const lines = charts.map((chart) => {
    const count = Object.values(chart.kinds).reduce((a, b) => a + b, 0);
    total += count;
    const kinds = Object.entries(chart.kinds).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
    return `  ${chart.name.padEnd(24)} ${String(count).padStart(4)} objects: ${kinds}`;
  });
  return [`${charts.length} charts, ${total} objects`, ...lines].join('\n');
}
