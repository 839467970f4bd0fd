/** Writes synthesized charts as YAML, one file per chart, and summarizes them. */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

/** What was written for one chart: its name and its objects per kind. */
export interface WrittenChart {
  readonly name: string;
  readonly kinds: Record<string, number>;
}

/**
 * Empties `dir` (or creates it) for a new synth. Only a folder that holds nothing but earlier
 * synth output is emptied, so `--out .` can never wipe a project.
 */
export function resetOutputDir(dir: string): void {
  const foreign = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.endsWith('.yaml') && f !== 'values') : [];
  if (foreign.length) {
    throw new Error(`output folder ${dir} holds files synth did not write (${foreign.slice(0, 3).join(', ')}); use an empty folder or one written by synth, e.g. dist/<env>`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

/** Writes `<dir>/<name>.yaml`, one document per object (js-yaml: several times faster than `yaml`). */
export function writeChart(dir: string, name: string, objects: any[]): WrittenChart {
  fs.writeFileSync(path.join(dir, `${name}.yaml`), objects.map((o) => yaml.dump(o, { noRefs: true, lineWidth: -1 })).join('---\n'));
  const kinds: Record<string, number> = {};
  for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  return { name, kinds };
}

/** Writes Helm values next to the charts (`values/<name>.yaml`); they are not manifests. */
export function writeValues(dir: string, name: string, values: Record<string, unknown>): void {
  fs.mkdirSync(path.join(dir, 'values'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'values', `${name}.yaml`), yaml.dump(values, { lineWidth: -1 }));
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
