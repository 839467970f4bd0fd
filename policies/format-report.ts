/** Renders a review report as text (terminal), JSON (machines) or Markdown (pull-request comment). */
import type { ReportedViolation, ReviewReport } from './check-manifests';

/** Output formats of `agent-runtime review`. */
export type ReportFormat = 'text' | 'json' | 'markdown';

/** Every supported format. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'markdown'];

/** One-line outcome, e.g. `FAIL (prod): 2 mandatory, 5 advisory violations in 120 objects`. */
export function verdictLine(r: ReviewReport): string {
  return `${r.verdict === 'fail' ? 'FAIL' : 'PASS'} (${r.env}): ${r.mandatory} mandatory, ${r.advisory} advisory violation${r.advisory === 1 ? '' : 's'} in ${r.objects} object${r.objects === 1 ? '' : 's'}`;
}

/** Renders `report` in `format`. */
export function formatReport(report: ReviewReport, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  return format === 'markdown' ? _markdown(report) : _text(report);
}

function _text(r: ReviewReport): string {
  const lines = _sorted(r.violations).map((v) =>
    `${v.level === 'mandatory' ? 'MANDATORY' : 'advisory '} ${v.ruleId}  ${v.object}${v.file ? ` (${v.file})` : ''}\n    at ${v.path || '(object)'}: ${v.message}\n    fix: ${v.fix}`);
  return [...lines, verdictLine(r)].join('\n');
}

function _markdown(r: ReviewReport): string {
  const icon = r.verdict === 'fail' ? ':x:' : ':white_check_mark:';
  const out = [`### ${icon} agent-runtime policy review: ${verdictLine(r)}`, ''];
  if (r.violations.length === 0) return [...out, 'No violations.'].join('\n');
  const counts = new Map<string, { level: string; n: number }>();
  for (const v of r.violations) {
    const c = counts.get(v.ruleId) ?? { level: v.level, n: 0 };
    counts.set(v.ruleId, { level: c.level === 'mandatory' || v.level === 'mandatory' ? 'mandatory' : 'advisory', n: c.n + 1 });
  }
  out.push('| rule | level | violations |', '|---|---|---|');
  for (const [id, c] of [...counts].sort((a, b) => _rank(a[1].level) - _rank(b[1].level) || a[0].localeCompare(b[0]))) out.push(`| \`${id}\` | ${c.level} | ${c.n} |`);
  out.push('', `<details><summary>${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}</summary>`, '',
    '| level | rule | object | field | message | fix |', '|---|---|---|---|---|---|');
  for (const v of _sorted(r.violations)) {
    out.push(`| ${v.level} | \`${v.ruleId}\` | \`${_cell(v.object)}\` | \`${_cell(v.path || '-')}\` | ${_cell(v.message)} | ${_cell(v.fix)} |`);
  }
  out.push('', '</details>');
  return out.join('\n');
}

/** Mandatory first, then input order. */
function _sorted(vs: readonly ReportedViolation[]): ReportedViolation[] {
  return [...vs].sort((a, b) => _rank(a.level) - _rank(b.level));
}

function _rank(level: string): number {
  return level === 'mandatory' ? 0 : 1;
}

/** Keeps a value inside one Markdown table cell. */
function _cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
