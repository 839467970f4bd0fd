/** Writes synthesized charts as YAML, one file per chart, and summarizes them. */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { SynthesizedPlatform } from './charts';

/** Writes `<dir>/<chart>.yaml` for each chart (js-yaml: several times faster than `yaml`). */
export function writeCharts(dir: string, synthesized: SynthesizedPlatform): string[] {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = synthesized.charts.map((chart) => {
    const file = path.join(dir, `${chart.name}.yaml`);
    fs.writeFileSync(file, chart.objects.map((o) => yaml.dump(o, { noRefs: true, lineWidth: -1 })).join('---\n'));
    return file;
  });
  const values = path.join(dir, 'values');
  fs.mkdirSync(values);
  fs.writeFileSync(path.join(values, 'higress.yaml'), yaml.dump(synthesized.higressValues, { lineWidth: -1 }));
  return files;
}

/** A short table: objects per kind, per chart. */
export function summarize(synthesized: SynthesizedPlatform): string {
  const lines: string[] = [];
  let total = 0;
  for (const chart of synthesized.charts) {
    const byKind = new Map<string, number>();
    for (const o of chart.objects) byKind.set(o.kind, (byKind.get(o.kind) ?? 0) + 1);
    total += chart.objects.length;
    const kinds = [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
    lines.push(`  ${chart.name.padEnd(24)} ${String(chart.objects.length).padStart(4)} objects: ${kinds}`);
  }
  return [`${synthesized.charts.length} charts, ${total} objects`, ...lines].join('\n');
}
