// Reads one analyzer's raw report for one environment, drops the findings that skips.txt
// justifies, prints the rest (one line each) and exits 1 if any remain.
// usage: node filter.mjs <checkov|kube-score|nca> <env> <report-file>
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [tool, env, reportFile] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));

// skips.txt: `tool check envs resource  # why`; envs is `*` or a comma list, resource a glob.
const globRe = (g) => new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');
const skips = readFileSync(join(here, 'skips.txt'), 'utf8').split('\n')
  .map((l) => l.replace(/#.*/, '').trim()).filter(Boolean)
  .map((l) => l.split(/\s+/))
  .filter(([t, , envs]) => t === tool && (envs === '*' || envs.split(',').includes(env)))
  .map(([, check, , resource]) => ({ check: globRe(check), resource: globRe(resource ?? '*') }));
const justified = (f) => skips.some((s) => s.check.test(f.check) && s.resource.test(f.resource));

const raw = readFileSync(reportFile, 'utf8');
/** @type {{check: string, resource: string, message: string}[]} */
let findings = [];
if (tool === 'checkov') {
  // checkov -o json prints one report object, or an array of them (one per framework).
  const reports = [JSON.parse(raw)].flat();
  for (const r of reports) for (const c of r.results?.failed_checks ?? []) {
    findings.push({ check: c.check_id, resource: c.resource, message: `${c.check_name} (${c.file_path})` });
  }
} else if (tool === 'kube-score') {
  for (const o of JSON.parse(raw)) for (const c of o.checks ?? []) {
    if (c.skipped || c.grade >= 10) continue; // 10 = OK; 7 = almost OK, 5 = warning, 1 = critical
    const ns = o.object_meta?.namespace ?? '';
    const detail = (c.comments ?? []).map((x) => `${x.path ? `(${x.path}) ` : ''}${x.summary}`).join('; ');
    findings.push({ check: c.check.id, resource: `${o.type_meta.kind}.${ns}.${o.object_meta.name}`, message: detail });
  }
} else if (tool === 'nca') {
  // Only the lines after "failed sanity check:" are findings; the rest is progress output.
  const lines = raw.split('\n');
  const start = lines.findIndex((l) => l.includes('failed sanity check'));
  const patterns = [
    [/^NetworkPolicy (\S+) is redundant/, 'redundant'],
    [/^NetworkPolicy (\S+) is empty/, 'selects-no-pods'],
    [/^(?:Ingress|Egress) rule no\. \d+ in NetworkPolicy (\S+) does not select any pods/, 'rule-selects-no-pods'],
    [/^(?:Ingress|Egress) rule no\. \d+ in NetworkPolicy (\S+) is redundant/, 'rule-redundant'],
  ];
  for (const line of start < 0 ? [] : lines.slice(start + 1)) {
    if (!line.trim() || line.startsWith('Total run time')) continue;
    const hit = patterns.find(([re]) => re.test(line));
    findings.push(hit
      ? { check: hit[1], resource: `NetworkPolicy.${line.match(hit[0])[1].replace('/', '.')}`, message: line }
      : { check: 'other', resource: '?', message: line });
  }
} else {
  throw new Error(`unknown tool ${tool}`);
}
const open = findings.filter((f) => !justified(f));
for (const f of open) console.log(`  ${f.check} ${f.resource}: ${f.message}`);
console.log(`  ${tool} ${env}: ${findings.length} findings, ${findings.length - open.length} justified in skips.txt, ${open.length} open`);
process.exit(open.length ? 1 : 0);
