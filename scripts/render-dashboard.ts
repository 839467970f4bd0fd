/**
 * Draws the platform's Grafana dashboard (the JSON the `PlatformMonitoring` construct emits)
 * to a PNG, so reviewers can see its layout, panels and queries without a Grafana: the JSON
 * becomes an HTML page on Grafana's 24-column grid, screenshotted by headless Chromium.
 *
 *   node bin/run-ts.js scripts/render-dashboard.ts [--out docs/dashboard.png] [--html /tmp/dashboard.html]
 *
 * Needs Chromium (`apt-get install -y chromium`, or set CHROMIUM=/path/to/chrome).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { PlatformMonitoring } from '../constructs/observability';

const WIDTH = 1600;
const UNIT_H = 30; // Grafana's grid row height in pixels
const HEADER_H = 96;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Highlights metric names and the Grafana variables in a PromQL string. */
function highlight(expr: string): string {
  return esc(expr)
    .replace(/(\$[a-z_]+)/g, '<span class="var">$1</span>')
    .replace(/\b([a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+|[a-zA-Z_][a-zA-Z0-9_]*_(?:total|bucket|count|sum|ms|bytes|token|duration|active|rq|replicas|ready|UTIL|monitor|quota|resourcequota))(?=[{[)\s]|$)/g, '<span class="metric">$1</span>');
}

function renderHtml(dash: any): string {
  const col = WIDTH / 24;
  const bottom = Math.max(...dash.panels.map((p: any) => p.gridPos.y + p.gridPos.h));
  const panels = dash.panels.map((p: any) => {
    const { x, y, w, h } = p.gridPos;
    const box = `left:${x * col + 4}px;top:${HEADER_H + y * UNIT_H + 4}px;width:${w * col - 8}px;height:${h * UNIT_H - 8}px`;
    if (p.type === 'row') return `<div class="row" style="${box}">▾ ${esc(p.title)}</div>`;
    const unit = p.fieldConfig?.defaults?.unit ?? '';
    const targets = (p.targets ?? []).map((t: any) =>
      `<div class="target"><span class="ref">${esc(t.refId)}</span><span class="legend">${esc(t.legendFormat ?? '')}</span><code>${highlight(t.expr)}</code></div>`).join('');
    return `<div class="panel" style="${box}"><div class="title">${esc(p.title)}<span class="kind">${esc(p.type)} · ${esc(unit)}</span></div>`
      + `<div class="axis"></div>${targets}</div>`;
  }).join('\n');
  const vars = (dash.templating?.list ?? []).map((v: any) => `<span class="pick">${esc(v.label ?? v.name)}: <b>${v.type === 'datasource' ? 'Prometheus' : 'All'}</b></span>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body{margin:0;background:#111217;color:#ccccdc;font:13px/1.35 "DejaVu Sans",Arial,sans-serif;width:${WIDTH}px;height:${HEADER_H + bottom * UNIT_H + 16}px;position:relative}
  .head{position:absolute;left:12px;top:10px;right:12px}
  .head h1{margin:0 0 6px;font-size:20px;color:#fff;font-weight:500}
  .head .sub{color:#8e8e9e;font-size:12px}
  .pick{display:inline-block;margin:8px 8px 0 0;padding:3px 8px;border:1px solid #2f3038;border-radius:2px;background:#181b1f}
  .row{position:absolute;color:#fff;font-size:15px;font-weight:500;border-bottom:1px solid #2f3038;padding-top:4px}
  .panel{position:absolute;background:#181b1f;border:1px solid #2a2d33;border-radius:2px;padding:8px 10px;box-sizing:border-box;overflow:hidden}
  .title{color:#fff;font-weight:500;margin-bottom:6px}
  .kind{float:right;color:#6e6e7e;font-weight:400;font-size:11px}
  .axis{height:28px;margin:2px 0 6px;border-left:1px solid #34373f;border-bottom:1px solid #34373f;
        background:repeating-linear-gradient(0deg,transparent 0 17px,#22252b 17px 18px)}
  .target{margin:0 0 6px;font-size:11px}
  .ref{display:inline-block;width:16px;color:#6e9fff;font-weight:bold}
  .legend{color:#73bf69;margin-right:6px}
  code{display:block;margin:2px 0 0 16px;color:#b7b7c7;font:11px/1.35 "DejaVu Sans Mono",monospace;white-space:pre-wrap;word-break:break-all}
  .metric{color:#ff9830}.var{color:#b877d9}
  </style></head><body>
  <div class="head"><h1>${esc(dash.title)}</h1><div class="sub">uid ${esc(dash.uid)} · ${dash.panels.filter((p: any) => p.type !== 'row').length} panels · refresh ${esc(dash.refresh)} · layout preview drawn from the dashboard JSON: each panel shows its queries instead of data</div>${vars}</div>
  ${panels}
  </body></html>`;
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
  const out = path.resolve(opt('--out', 'docs/dashboard.png'));
  const htmlPath = path.resolve(opt('--html', path.join(os.tmpdir(), 'agent-runtime-dashboard.html')));

  const monitoring = new PlatformMonitoring(Testing.chart(), 'monitoring');
  const dash = monitoring.dashboardJson as any;
  const html = renderHtml(dash);
  fs.writeFileSync(htmlPath, html);
  const height = HEADER_H + Math.max(...dash.panels.map((p: any) => p.gridPos.y + p.gridPos.h)) * UNIT_H + 16;

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const chromium = process.env.CHROMIUM ?? 'chromium';
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1',
    `--window-size=${WIDTH},${height}`, `--screenshot=${out}`, `file://${htmlPath}`,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`wrote ${out} (${WIDTH}x${height}) from ${htmlPath}`);
}

main();
